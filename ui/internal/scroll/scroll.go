// Package scroll is the one way a pane that draws more lines than it has
// rows scrolls them: a window over the lines that keeps a focus line (the
// selected row) visible, moved by page keys and the mouse wheel, with a last
// row that says how much is below. Lists use the table's cursor and offset;
// this is for the views that are not one list (the cockpit, the ledger).
package scroll

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/keymap"
)

// WheelLines is how far one notch of the mouse wheel scrolls, everywhere.
const WheelLines = 3

// Far is a distance past any end: Window (and a pane's own clamp) stops
// at the top or the bottom.
const Far = 1 << 30

// Wheel is how many lines a wheel event scrolls: negative up, 0 for a
// sideways wheel.
func Wheel(msg tea.MouseWheelMsg) int {
	switch msg.Button {
	case tea.MouseWheelUp:
		return -WheelLines
	case tea.MouseWheelDown:
		return WheelLines
	}
	return 0
}

// Page is how far ctrl+d/ctrl+u scroll a window of h rows: half of it, at
// least one line.
func Page(h int) int { return max(1, h/2) }

// Key is how many lines a list key scrolls a window of h rows: ↓/↑ one,
// ctrl+d/ctrl+u a Page, g/G to the top or the bottom (Far). ok is false
// for any other key.
func Key(msg tea.KeyPressMsg, km keymap.List, h int) (d int, ok bool) {
	switch {
	case key.Matches(msg, km.Down):
		return 1, true
	case key.Matches(msg, km.Up):
		return -1, true
	case key.Matches(msg, km.PageDown):
		return Page(h), true
	case key.Matches(msg, km.PageUp):
		return -Page(h), true
	case key.Matches(msg, km.Top):
		return -Far, true
	case key.Matches(msg, km.Bottom):
		return Far, true
	}
	return 0, false
}

// View is the scroll state: the first line shown.
type View struct {
	Off   int
	focus int // the focus line last brought into view (+1; 0 is none)
}

// By scrolls by d lines (negative is up); Window clamps it.
func (v *View) By(d int) { v.Off = max(0, v.Off+d) }

// Window returns at most h of lines, starting at Off, moved so that line
// focus (-1 for none) is visible when it changed since the last call (so
// the user can still scroll away from it). When lines are cut below, the last row
// says so, rendered by more (which styles it); when everything fits, lines
// are returned whole and Off is reset.
func (v *View) Window(lines []string, h, focus int, more func(string) string) []string {
	if h <= 0 {
		return nil
	}
	if len(lines) <= h {
		v.Off = 0
		return lines
	}
	room := h - 1 // the last row tells what is below
	if focus >= 0 && focus+1 != v.focus {
		v.focus = focus + 1
		if focus < v.Off {
			v.Off = focus
		}
		if focus >= v.Off+room {
			v.Off = focus - room + 1
		}
	}
	v.Off = max(0, min(v.Off, len(lines)-h))
	if v.Off+h >= len(lines) {
		return lines[v.Off:] // the bottom: no indicator needed
	}
	out := append([]string(nil), lines[v.Off:v.Off+room]...)
	below := len(lines) - (v.Off + room)
	hint := fmt.Sprintf("  ↓ %d more lines (ctrl+d/ctrl+u scroll)", below)
	if more != nil {
		hint = more(hint)
	}
	return append(out, hint)
}
