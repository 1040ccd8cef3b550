package keymap

import "charm.land/bubbles/v2/key"

// FnView holds the function view's bindings: tab switching, revealing
// secrets on the Config tab and copying the ARN.
type FnView struct {
	NextTab key.Binding
	PrevTab key.Binding
	Tab1    key.Binding
	Tab2    key.Binding
	Tab3    key.Binding
	Tab4    key.Binding
	Tab5    key.Binding
	Tab6    key.Binding
	Tab7    key.Binding
	Reveal  key.Binding
	Copy    key.Binding
}

func defaultFnView() FnView {
	return FnView{
		NextTab: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev tab")),
		Tab1:    key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "config")),
		Tab2:    key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "aliases")),
		Tab3:    key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "event sources")),
		Tab4:    key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "logs")),
		Tab5:    key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "metrics")),
		Tab6:    key.NewBinding(key.WithKeys("6"), key.WithHelp("6", "alarms")),
		Tab7:    key.NewBinding(key.WithKeys("7"), key.WithHelp("7", "deployments")),
		Reveal:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reveal env values")),
		Copy:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy ARN")),
	}
}

// Tabs returns the tab bindings in order.
func (f FnView) Tabs() []key.Binding {
	return []key.Binding{f.Tab1, f.Tab2, f.Tab3, f.Tab4, f.Tab5, f.Tab6, f.Tab7}
}

// ShortHelp implements help.KeyMap.
func (f FnView) ShortHelp() []key.Binding { return []key.Binding{f.NextTab, f.Reveal, f.Copy} }

// FullHelp implements help.KeyMap.
func (f FnView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{f.NextTab, f.PrevTab, f.Tab1, f.Tab2, f.Tab3, f.Tab4, f.Tab5, f.Tab6, f.Tab7}, {f.Reveal, f.Copy}}
}
