package ui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

// The dialog contract at the root: an awaiting prompt stays open while its
// pane checks the value; an error is shown inline and the prompt stays, so
// the next keys go to it and not to the pane behind; nil closes it; an
// Accept error never closes the dialog.
func TestDialogErrorKeepsItOpen(t *testing.T) {
	m, _, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	type checkMsg struct{ v string }
	d := dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title: "file",
		Await: true,
		Submit: func(v string) tea.Cmd {
			return func() tea.Msg { return checkMsg{v: v} }
		},
	})
	path := []common.PaneID{m.stack[0].id}
	m.Update(common.Address(path, common.OpenDialogMsg{Dialog: d}))
	typeText(m, "nosuch")
	m.Update(keyMsg("enter"))
	if m.Dialog() == nil {
		t.Fatal("an awaiting prompt closed on submit")
	}
	// the pane answers with an error
	m.Update(common.Address(path, common.DialogResultMsg{Err: errors.New("nosuch: no such file")}))
	if m.Dialog() == nil || !strings.Contains(ansi.Strip(m.render()), "no such file") {
		t.Fatalf("the error is not shown in the open dialog:\n%s", ansi.Strip(m.render()))
	}
	sel := m.stack[0].pane.(interface{ Selected() (model.Function, bool) })
	before, _ := sel.Selected()
	typeText(m, "jj") // j moves the list's cursor if it reaches the pane
	if after, _ := sel.Selected(); after.Name != before.Name || !strings.HasSuffix(d.Value(), "jj") {
		t.Fatalf("keys went to the pane behind: %q → %q, prompt %q", before.Name, after.Name, d.Value())
	}
	// an answer for another pane's dialog does not touch this one
	m.Update(keyMsg("enter"))
	m.Update(common.Address([]common.PaneID{"other"}, common.DialogResultMsg{}))
	if m.Dialog() == nil {
		t.Fatal("another pane's answer closed the dialog")
	}
	m.Update(common.Address(path, common.DialogResultMsg{}))
	if m.Dialog() != nil {
		t.Fatal("a nil answer did not close the dialog")
	}

	// Accept errors keep the dialog open, inline
	c := dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:  "shift?",
		Accept: func() (tea.Cmd, error) { return nil, errors.New("pre-flight: version 9 does not exist") },
	})
	m.Update(common.Address(path, common.OpenDialogMsg{Dialog: c}))
	m.Update(keyMsg("y"))
	if m.Dialog() == nil || !strings.Contains(ansi.Strip(m.render()), "version 9 does not exist") {
		t.Fatalf("an Accept error closed the dialog or is not shown:\n%s", ansi.Strip(m.render()))
	}
}
