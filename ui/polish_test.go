package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/functions"
)

// A notice about a key belongs to the context where it was pressed: it is
// cleared when the tab, the screen or the dialog in front changes.
func TestKeyNoticeClearedWhenContextChanges(t *testing.T) {
	m, _ := cockpitRoot(t)
	nothing := func() {
		t.Helper()
		runCmds(t, m, press(m, "z"))
		if !strings.Contains(m.Status(), "does nothing here") {
			t.Fatalf("z: status %q", m.Status())
		}
	}
	nothing()
	runCmds(t, m, press(m, "3")) // another tab
	if s := m.Status(); strings.Contains(s, "does nothing") {
		t.Fatalf("after switching tabs the footer still says %q", s)
	}
	nothing()
	runCmds(t, m, press(m, "esc")) // back to the list
	if s := m.Status(); strings.Contains(s, "does nothing") {
		t.Fatalf("after leaving the view the footer still says %q", s)
	}
	// Other statuses stay until they fade.
	runCmds(t, m, m.setStatus("published version 3", false))
	runCmds(t, m, press(m, "enter"))
	if m.Status() != "published version 3" {
		t.Fatalf("an ordinary status was cleared by a context change: %q", m.Status())
	}
}

// At 60 columns the cockpit's + advice is readable: the footer wraps a long
// status at word boundaries (over the bottom of the body) instead of
// cutting it to "…: pu…".
func TestLongStatusWrapsAtNarrowWidth(t *testing.T) {
	m, s, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	sel, _ := m.stack[0].pane.(*functions.Model).Selected()
	fn := sel.Name
	s.Versions = map[string][]model.Version{fn: {{Function: fn, Version: "$LATEST"}, {Function: fn, Version: "1"}}}
	s.Aliases[fn] = []model.Alias{{Function: fn, Name: "live", Version: "1", RevisionID: "r1"}}
	runCmds(t, m, press(m, "enter"))
	runCmds(t, m, press(m, "2"))
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 15})
	runCmds(t, m, press(m, "+"))
	out := ansi.Strip(m.render())
	lines := strings.Split(out, "\n")
	if len(lines) != 15 {
		t.Fatalf("%d lines", len(lines))
	}
	tail := strings.Join(strings.Fields(strings.Join(lines[len(lines)-3:], " ")), " ")
	if !strings.Contains(tail, "publish one with p") {
		t.Fatalf("the advice is cut at 60 wide:\n%s", out)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 60 {
			t.Fatalf("line wider than 60: %q", l)
		}
	}
}
