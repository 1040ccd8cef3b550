package keymap

import "charm.land/bubbles/v2/key"

// Triage holds the bindings of the :triage board. Navigation uses the List
// scope's keys.
type Triage struct {
	Open    key.Binding // open the selected function
	Sort    key.Binding // next sort order (rank, error %, throttles, p99/timeout, cost, name)
	Reverse key.Binding // reverse the sort
	Logs    key.Binding // open the selected function's logs
}

func defaultTriage() Triage {
	return Triage{
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open function")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort")),
		Logs:    key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "logs")),
	}
}

// ShortHelp implements help.KeyMap.
func (t Triage) ShortHelp() []key.Binding { return []key.Binding{t.Open, t.Sort, t.Logs} }

// FullHelp implements help.KeyMap.
func (t Triage) FullHelp() [][]key.Binding {
	return [][]key.Binding{{t.Open, t.Sort, t.Reverse, t.Logs}}
}
