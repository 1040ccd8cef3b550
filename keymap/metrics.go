package keymap

import "charm.land/bubbles/v2/key"

// Metrics holds the bindings of the function view's Metrics tab.
type Metrics struct {
	Window     key.Binding // next window: 15m, 1h, 3h, 24h
	PrevWindow key.Binding
	Qualifier  key.Binding // next qualifier: the function, then each alias
}

func defaultMetrics() Metrics {
	return Metrics{
		Window:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "next window")),
		PrevWindow: key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "prev window")),
		Qualifier:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "function/alias")),
	}
}

// ShortHelp implements help.KeyMap.
func (m Metrics) ShortHelp() []key.Binding { return []key.Binding{m.Window, m.Qualifier} }

// FullHelp implements help.KeyMap.
func (m Metrics) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.Window, m.PrevWindow, m.Qualifier}}
}
