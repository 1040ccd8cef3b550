package table

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/scroll"
)

// ---- keys ----

// Update handles the table's keys and mouse wheel: moving, "/" and the
// filter input, sorting, scrolling columns, the chooser. It reports
// whether it used msg; a pane handles what it did not.
func (t *Model[V]) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case t.choosing:
			return t.chooserKey(msg), true
		case t.filtering:
			return t.filterKey(msg), true
		}
		return t.key(msg)
	case tea.MouseWheelMsg:
		if d := scroll.Wheel(msg); d != 0 {
			t.Move(d)
			return nil, true
		}
	default:
		if t.filtering { // cursor blinks and the like
			var cmd tea.Cmd
			t.input, cmd = t.input.Update(msg)
			return cmd, false
		}
	}
	return nil, false
}

func (t *Model[V]) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	l := t.km
	switch {
	case key.Matches(msg, l.Up):
		t.Move(-1)
	case key.Matches(msg, l.Down):
		t.Move(1)
	case key.Matches(msg, l.Top):
		t.Move(-len(t.view))
	case key.Matches(msg, l.Bottom):
		t.Move(len(t.view))
	case key.Matches(msg, l.PageDown):
		t.Move(scroll.Page(t.bodyHeight()))
	case key.Matches(msg, l.PageUp):
		t.Move(-scroll.Page(t.bodyHeight()))
	case key.Matches(msg, l.Filter):
		t.filtering = true
		t.input.SetValue(t.text)
		t.input.CursorEnd()
		return t.input.Focus(), true
	case key.Matches(msg, l.SortNext):
		t.nextSort()
		return common.Status("sorted by "+t.SortName(), false), true
	case key.Matches(msg, l.SortReverse):
		t.SortBy(t.sortCol, !t.sortDesc)
		return common.Status("sorted by "+t.SortName()+map[bool]string{true: ", descending", false: ", ascending"}[t.sortDesc], false), true
	case key.Matches(msg, l.ScrollRight):
		return t.scroll(1), true
	case key.Matches(msg, l.ScrollLeft):
		return t.scroll(-1), true
	case key.Matches(msg, l.Columns):
		t.choosing, t.chCursor = true, 0
	default:
		return nil, false
	}
	return nil, true
}

func (t *Model[V]) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		t.filtering = false
		t.input.Blur()
		t.setQuery("")
		return nil
	case "enter":
		t.filtering = false
		t.input.Blur()
		// Applying a filter that hid the row selected before it accepts the
		// row the filter selected: clearing the filter later keeps that one
		// (esc while typing cancels, and brings the old row back).
		if t.anchorPos >= 0 && (t.cursor < 0 || t.cursor >= len(t.view) || t.view[t.cursor] != t.anchorPos) {
			t.anchorPos = -1
		}
		return nil
	case "up", "down", "ctrl+d", "ctrl+u", "pgup", "pgdown":
		t.filtering = false
		t.input.Blur()
		cmd, _ := t.key(msg)
		return cmd
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	if v := t.input.Value(); v != t.text {
		t.setQuery(v)
	}
	return cmd
}

// HelpKeys are the table's keys for a pane's help line.
func (t *Model[V]) HelpKeys() []key.Binding {
	switch {
	case t.filtering:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		}
	case t.choosing:
		return t.chooserHelp()
	}
	l := t.km
	out := []key.Binding{l.Up, l.Down, l.Filter, l.SortNext, l.SortReverse}
	if _, off := t.Columns(); off > 0 || t.start > 0 {
		out = append(out, l.ScrollRight, l.Columns)
	}
	return out
}

// FullHelpKeys are every key of the table.
func (t *Model[V]) FullHelpKeys() []key.Binding {
	if t.filtering || t.choosing {
		return t.HelpKeys()
	}
	l := t.km
	return []key.Binding{l.Up, l.Down, l.Top, l.Bottom, l.PageDown, l.PageUp, l.Filter, l.SortNext, l.SortReverse,
		l.ScrollLeft, l.ScrollRight, l.Columns}
}

// Click selects the row at y (0 is the header: sorts by the column at x).
func (t *Model[V]) Click(x, y int) {
	if y >= 1 {
		if i := t.offset + y - 1; i < len(t.view) {
			t.cursor = i
			t.clamp()
		}
		return
	}
	l := t.layout()
	at := 0
	for k, c := range l.cols {
		at += l.widths[k] + gap
		if x < at {
			if t.cols[c].Less == nil {
				return
			}
			if t.sortCol == c {
				t.SortBy(c, !t.sortDesc)
			} else {
				t.SortBy(c, false)
			}
			return
		}
	}
}

func statusf(format string, args ...any) tea.Cmd {
	return common.Status(fmt.Sprintf(format, args...), false)
}

// NoAction is the footer's answer to a key that does nothing where it was
// pressed: it says so, rather than doing nothing silently.
func NoAction(msg tea.KeyPressMsg) tea.Cmd {
	k := msg.String()
	if k == "" || msg.Text == "" && len([]rune(k)) == 1 {
		return nil
	}
	return common.KeyNotice(k + " does nothing here (? lists the keys)")
}
