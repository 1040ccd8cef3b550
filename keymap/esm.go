package keymap

import "charm.land/bubbles/v2/key"

// ESM holds the event source mapping bindings (the function view's Event
// sources tab and the region-wide :esm list). Both ask for confirmation;
// a CloudFormation-managed mapping gets a drift warning first.
type ESM struct {
	Toggle    key.Binding // enable or disable, with a reason for the journal
	BatchSize key.Binding // change the batch size
}

func defaultESM() ESM {
	return ESM{
		Toggle:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "enable/disable")),
		BatchSize: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "batch size")),
	}
}

// ShortHelp implements help.KeyMap.
func (e ESM) ShortHelp() []key.Binding { return []key.Binding{e.Toggle, e.BatchSize} }

// FullHelp implements help.KeyMap.
func (e ESM) FullHelp() [][]key.Binding { return [][]key.Binding{{e.Toggle, e.BatchSize}} }
