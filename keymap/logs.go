package keymap

import "charm.land/bubbles/v2/key"

// Logs holds the bindings of the log tail (the function view's Logs tab and
// the :logs screen). Navigation uses the List scope's keys.
type Logs struct {
	Follow   key.Binding // pause the tail view / follow the newest line again
	Search   key.Binding // search the buffer
	Next     key.Binding // next search match (older)
	Prev     key.Binding // previous search match (newer)
	Filter   key.Binding // CloudWatch filter pattern, applied at the source
	JSON     key.Binding // pretty-print JSON lines
	Split    key.Binding // split a weighted alias's tail by version
	Request  key.Binding // show every line of the selected line's request
	Save     key.Binding // save the buffer to a file
	Backfill key.Binding // backfill the last 5, 15, then 60 minutes
}

func defaultLogs() Logs {
	return Logs{
		Follow:   key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pause/follow")),
		Search:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search buffer")),
		Next:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		Prev:     key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "prev match")),
		Filter:   key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "filter pattern at source")),
		JSON:     key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "pretty JSON")),
		Split:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "split by version")),
		Request:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "lines of this request")),
		Save:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save buffer")),
		Backfill: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "backfill 5/15/60 min")),
	}
}

// ShortHelp implements help.KeyMap.
func (l Logs) ShortHelp() []key.Binding {
	return []key.Binding{l.Follow, l.Search, l.Filter, l.Request, l.Backfill}
}

// FullHelp implements help.KeyMap.
func (l Logs) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{l.Follow, l.Search, l.Next, l.Prev, l.Request},
		{l.Filter, l.JSON, l.Split, l.Backfill, l.Save},
	}
}
