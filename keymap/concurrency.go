package keymap

import "charm.land/bubbles/v2/key"

// Concurrency holds the concurrency ledger's bindings, also honoured by the
// functions list and the function view (they open the ledger with the
// dialog already up). Both always end in a confirmation; reserving 0 asks
// for the function's name to be typed.
type Concurrency struct {
	Reserved    key.Binding // set or remove reserved concurrency
	Provisioned key.Binding // set or remove provisioned concurrency
}

func defaultConcurrency() Concurrency {
	return Concurrency{
		Reserved:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reserved concurrency")),
		Provisioned: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "provisioned concurrency")),
	}
}

// ShortHelp implements help.KeyMap.
func (c Concurrency) ShortHelp() []key.Binding { return []key.Binding{c.Reserved, c.Provisioned} }

// FullHelp implements help.KeyMap.
func (c Concurrency) FullHelp() [][]key.Binding {
	return [][]key.Binding{{c.Reserved, c.Provisioned}}
}
