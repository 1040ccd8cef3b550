// Package panetest holds test helpers shared by the ui panes' tests:
// Harness runs a pane's commands synchronously, as the root would
// (stacking dialogs, recording status and job messages), StartSandbox
// opens a client on the embedded sandbox, Messages flattens a command's
// batches and ASCII renders a view for golden files. Test code only.
package panetest

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/ui/common"
)

// Harness runs a pane's commands synchronously, as the root would:
// dialogs are stacked, statuses and jobs recorded.
type Harness struct {
	T        *testing.T
	Pane     common.Pane
	Dialogs  []common.Dialog
	Statuses []common.StatusMsg
	Jobs     []common.JobMsg
	Held     []tea.Msg // messages deliberately not delivered (tests deliver later)
	Hold     func(tea.Msg) bool
}

// New returns a harness driving pane.
func New(t *testing.T, pane common.Pane) *Harness {
	return &Harness{T: t, Pane: pane}
}

var teaPkg = reflect.TypeOf(tea.BatchMsg{}).PkgPath()

// Run runs cmd and delivers its message.
func (h *Harness) Run(cmd tea.Cmd) {
	h.T.Helper()
	if cmd == nil {
		return
	}
	h.Deliver(cmd())
}

// Deliver routes msg as the root would: batches are run, statuses, jobs
// and dialogs recorded, screen changes and bubbletea's own messages
// dropped, held messages kept back; anything else goes to the pane.
func (h *Harness) Deliver(msg tea.Msg) {
	h.T.Helper()
	switch m := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range m {
			h.Run(c)
		}
		return
	case common.StatusMsg:
		h.Statuses = append(h.Statuses, m)
		return
	case common.JobMsg:
		h.Jobs = append(h.Jobs, m)
		return
	case common.OpenDialogMsg:
		h.Dialogs = append(h.Dialogs, m.Dialog)
		return
	case common.DialogResultMsg:
		// the answer to the awaiting dialog on top, as the root applies it
		if n := len(h.Dialogs); n > 0 {
			if m.Err == nil {
				h.Dialogs = h.Dialogs[:n-1]
			} else if es, ok := h.Dialogs[n-1].(common.ErrorShower); ok {
				es.ShowError(m.Err)
			}
		}
		return
	case common.OpenScreenMsg, common.OpenFunctionMsg:
		return
	}
	if reflect.TypeOf(msg).PkgPath() == teaPkg {
		return
	}
	if h.Hold != nil && h.Hold(msg) {
		h.Held = append(h.Held, msg)
		return
	}
	h.Run(h.Pane.Update(msg))
}

// Key is the key press for a key name: "enter", "esc", "backspace",
// "tab", "shift+tab", "up", "down", "left", "right", "pgup", "pgdown",
// "home", "end", "space", "ctrl+x", "alt+x" or a single character. It is
// the one key parser of every ui test.
func Key(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	if c, ok := strings.CutPrefix(k, "alt+"); ok {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModAlt}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// Press sends keys to the open dialog, else to the pane.
func (h *Harness) Press(keys ...string) {
	h.T.Helper()
	for _, k := range keys {
		h.Send(Key(k))
	}
}

// TypeText types runes one by one ('\n' presses enter).
func (h *Harness) TypeText(s string) {
	h.T.Helper()
	for _, r := range s {
		if r == '\n' {
			h.Send(Key("enter"))
			continue
		}
		h.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// Send sends one key press to the open dialog, else to the pane.
func (h *Harness) Send(msg tea.KeyPressMsg) {
	h.T.Helper()
	if n := len(h.Dialogs); n > 0 {
		d := h.Dialogs[n-1]
		act, cmd := d.Update(msg)
		switch a := act.(type) {
		case common.ActionClose:
			h.Dialogs = h.Dialogs[:n-1]
		case common.ActionRun:
			h.Dialogs = h.Dialogs[:n-1]
			h.Run(a.Cmd)
		case common.ActionAwait:
			h.Run(a.Cmd) // the dialog stays until the pane resolves it
		}
		_ = cmd // the dialog's own commands are cursor blinks (timers): not run
		return
	}
	h.Run(h.Pane.Update(msg))
}

// DialogView renders the top dialog at 120x40, or "" when none is open.
func (h *Harness) DialogView() string {
	if len(h.Dialogs) == 0 {
		return ""
	}
	return h.Dialogs[len(h.Dialogs)-1].View(120, 40)
}

// LastStatus is the text of the last status message, or "".
func (h *Harness) LastStatus() string {
	if len(h.Statuses) == 0 {
		return ""
	}
	return h.Statuses[len(h.Statuses)-1].Text
}
