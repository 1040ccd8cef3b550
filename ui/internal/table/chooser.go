package table

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The column chooser (ctrl+o) lists every column with a tick: space hides
// or shows the column under its cursor, enter or esc closes it. The pinned
// columns (Priority 0) and the one the sort uses cannot be hidden. Columns
// that are ticked but out of view say so ("→"), so the user knows to
// scroll or to untick another.

var (
	chooserToggle = key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "show/hide"))
	chooserDone   = key.NewBinding(key.WithKeys("enter", "esc", "ctrl+o"), key.WithHelp("enter", "done"))
)

func (t *Model[V]) chooserHelp() []key.Binding {
	return []key.Binding{t.km.Up, t.km.Down, chooserToggle, chooserDone}
}

// Hidden reports whether the user hid column c in the chooser.
func (t *Model[V]) Hidden(c int) bool { return t.hidden[c] }

// SetHidden hides or shows column c (as the chooser does).
func (t *Model[V]) SetHidden(c int, hide bool) {
	if c < 0 || c >= len(t.cols) || (hide && t.cols[c].Priority == 0) {
		return
	}
	t.hidden[c] = hide
	t.start = 0
	t.layDirty = true
}

// Choosing reports whether the column chooser is open.
func (t *Model[V]) Choosing() bool { return t.choosing }

func (t *Model[V]) chooserKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, chooserDone):
		t.choosing = false
	case key.Matches(msg, t.km.Up):
		t.chCursor = max(0, t.chCursor-1)
	case key.Matches(msg, t.km.Down):
		t.chCursor = min(len(t.cols)-1, t.chCursor+1)
	case key.Matches(msg, chooserToggle):
		c := t.chCursor
		switch {
		case t.cols[c].Priority == 0:
			return statusf("%s is always shown", t.cols[c].Title)
		case c == t.sortCol && !t.hidden[c]:
			return statusf("%s is the sort column: it stays shown", t.cols[c].Title)
		}
		t.SetHidden(c, !t.hidden[c])
	}
	return nil
}

func (t *Model[V]) chooserLines(h int) []string {
	l := t.layout()
	on := map[int]bool{}
	for _, c := range l.cols {
		on[c] = true
	}
	out := []string{t.st.Muted.Render(ansi.Truncate("columns: space shows/hides, enter closes", t.w, "…"))}
	first := max(0, min(t.chCursor-(h-2), len(t.cols)-(h-1)))
	for i := first; i < len(t.cols) && len(out) < h; i++ {
		c := t.cols[i]
		box := "[x]"
		if t.hidden[i] {
			box = "[ ]"
		}
		note := ""
		switch {
		case c.Priority == 0:
			note = "always"
		case i == t.sortCol:
			note = "sort"
		case !t.hidden[i] && !on[i]:
			note = "out of view: → scrolls"
		}
		title := c.Title
		if title == "" {
			title = "(marker)"
		}
		s := box + " " + title
		if note != "" {
			s += strings.Repeat(" ", max(1, 16-ansi.StringWidth(s))) + note
		}
		s = ansi.Truncate(s, t.w, "…")
		if i == t.chCursor {
			s = t.st.Selected.Render(padRight(s, t.w))
		}
		out = append(out, s)
	}
	return out
}
