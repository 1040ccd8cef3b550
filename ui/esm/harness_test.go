package esm

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/ui/common"
)

// harness runs a pane's commands synchronously, as the root would:
// dialogs are stacked, statuses and jobs recorded.
type harness struct {
	t        *testing.T
	pane     common.Pane
	dialogs  []common.Dialog
	statuses []common.StatusMsg
	jobs     []common.JobMsg
	held     []tea.Msg // messages deliberately not delivered (tests deliver later)
	hold     func(tea.Msg) bool
}

var teaPkg = reflect.TypeOf(tea.BatchMsg{}).PkgPath()

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	h.deliver(cmd())
}

func (h *harness) deliver(msg tea.Msg) {
	h.t.Helper()
	switch m := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range m {
			h.run(c)
		}
		return
	case common.StatusMsg:
		h.statuses = append(h.statuses, m)
		return
	case common.JobMsg:
		h.jobs = append(h.jobs, m)
		return
	case common.OpenDialogMsg:
		h.dialogs = append(h.dialogs, m.Dialog)
		return
	case common.OpenScreenMsg, common.OpenFunctionMsg:
		return
	}
	if reflect.TypeOf(msg).PkgPath() == teaPkg {
		return
	}
	if h.hold != nil && h.hold(msg) {
		h.held = append(h.held, msg)
		return
	}
	h.run(h.pane.Update(msg))
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
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

// press sends keys to the open dialog, else to the pane.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText types runes one by one.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		if r == '\n' {
			h.send(keyMsg("enter"))
			continue
		}
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (h *harness) send(msg tea.KeyPressMsg) {
	h.t.Helper()
	if n := len(h.dialogs); n > 0 {
		d := h.dialogs[n-1]
		act, cmd := d.Update(msg)
		switch a := act.(type) {
		case common.ActionClose:
			h.dialogs = h.dialogs[:n-1]
		case common.ActionRun:
			h.dialogs = h.dialogs[:n-1]
			h.run(a.Cmd)
		}
		_ = cmd // the dialog's own commands are cursor blinks (timers): not run
		return
	}
	h.run(h.pane.Update(msg))
}

func (h *harness) dialogView() string {
	if len(h.dialogs) == 0 {
		return ""
	}
	return h.dialogs[len(h.dialogs)-1].View(120, 40)
}

func (h *harness) lastStatus() string {
	if len(h.statuses) == 0 {
		return ""
	}
	return h.statuses[len(h.statuses)-1].Text
}
