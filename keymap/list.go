package keymap

import "charm.land/bubbles/v2/key"

// List holds navigation, filter and sort bindings shared by every list pane.
type List struct {
	Up          key.Binding
	Down        key.Binding
	Top         key.Binding
	Bottom      key.Binding
	PageDown    key.Binding
	PageUp      key.Binding
	Filter      key.Binding
	Open        key.Binding
	SortNext    key.Binding
	SortReverse key.Binding
	Copy        key.Binding
	// ScrollLeft and ScrollRight scroll the columns that do not fit;
	// Columns opens the column chooser.
	ScrollLeft  key.Binding
	ScrollRight key.Binding
	Columns     key.Binding
}

func defaultList() List {
	return List{
		Up:          key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageDown:    key.NewBinding(key.WithKeys("ctrl+d", "pgdown"), key.WithHelp("ctrl+d", "page down")),
		PageUp:      key.NewBinding(key.WithKeys("ctrl+u", "pgup"), key.WithHelp("ctrl+u", "page up")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		SortNext:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort column")),
		SortReverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort")),
		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy ARN")),
		ScrollLeft:  key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "columns left")),
		ScrollRight: key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "more columns")),
		Columns:     key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "choose columns")),
	}
}

// ShortHelp implements help.KeyMap.
func (l List) ShortHelp() []key.Binding {
	return []key.Binding{l.Filter, l.Open, l.SortNext, l.Copy}
}

// FullHelp implements help.KeyMap.
func (l List) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{l.Up, l.Down, l.Top, l.Bottom, l.PageDown, l.PageUp},
		{l.Filter, l.Open, l.SortNext, l.SortReverse, l.Copy},
		{l.ScrollLeft, l.ScrollRight, l.Columns},
	}
}
