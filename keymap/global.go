package keymap

import "charm.land/bubbles/v2/key"

// Global holds the bindings the root handles in every context (after any
// open dialog or focused text input has had its turn).
type Global struct {
	Help      key.Binding
	Palette   key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
	Back      key.Binding
	Refresh   key.Binding
}

func defaultGlobal() Global {
	return Global{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Palette:   key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Refresh:   key.NewBinding(key.WithKeys("r", "ctrl+r"), key.WithHelp("r", "refresh")),
	}
}

// ShortHelp implements help.KeyMap.
func (g Global) ShortHelp() []key.Binding {
	return []key.Binding{g.Help, g.Palette, g.Back, g.Quit}
}

// FullHelp implements help.KeyMap.
func (g Global) FullHelp() [][]key.Binding {
	return [][]key.Binding{{g.Help, g.Palette, g.Back, g.Refresh, g.Quit, g.ForceQuit}}
}
