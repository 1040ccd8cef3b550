package keymap

import "charm.land/bubbles/v2/key"

// Confirm holds the confirmation and prompt dialog bindings: y accepts,
// n or esc refuses; enter submits a typed answer.
type Confirm struct {
	Yes    key.Binding
	No     key.Binding
	Submit key.Binding
	Cancel key.Binding
}

func defaultConfirm() Confirm {
	return Confirm{
		Yes:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:     key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "no")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (c Confirm) ShortHelp() []key.Binding { return []key.Binding{c.Yes, c.No, c.Cancel} }

// FullHelp implements help.KeyMap.
func (c Confirm) FullHelp() [][]key.Binding {
	return [][]key.Binding{{c.Yes, c.No, c.Submit, c.Cancel}}
}
