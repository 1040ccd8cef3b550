package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/aliases"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/functions"
)

// cockpitRoot opens the canary cockpit of a function with a live alias on
// version 1 and a newer version 2, so + proposes a shift.
func cockpitRoot(t *testing.T) (*Model, interface{ Calls(string) int }) {
	t.Helper()
	m, s, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	sel, _ := m.stack[0].pane.(*functions.Model).Selected()
	fn := sel.Name
	s.Versions = map[string][]model.Version{fn: {
		{Function: fn, Version: "$LATEST"}, {Function: fn, Version: "1"}, {Function: fn, Version: "2"},
	}}
	s.Aliases[fn] = []model.Alias{{Function: fn, Name: "live", Version: "1", RevisionID: "r1"}}
	runCmds(t, m, press(m, "enter"))
	runCmds(t, m, press(m, "2"))
	v, ok := m.Focused().(*fnview.Model)
	if !ok {
		t.Fatalf("no function view: %T", m.Focused())
	}
	if _, ok := v.Tab(v.Active()).(*aliases.Model); !ok {
		t.Fatalf("tab 2 is %T", v.Tab(v.Active()))
	}
	return m, s
}

// Defect 1: while the "too small" screen shows, no key but quit acts.
func TestTooSmallKeysDoNothing(t *testing.T) {
	m, s := cockpitRoot(t)
	// control: at a usable size, + opens the confirmation
	runCmds(t, m, press(m, "+"))
	if m.Dialog() == nil {
		t.Fatalf("+ did not propose a shift at 100x30:\n%s", ansi.Strip(m.render()))
	}
	m.Update(keyMsg("esc"))

	m.Update(tea.WindowSizeMsg{Width: 20, Height: 8})
	runCmds(t, m, press(m, "+", "y"))
	runCmds(t, m, typeText(m, ":triage"))
	runCmds(t, m, press(m, "enter"))
	if n := s.Calls("UpdateAlias"); n != 0 {
		t.Fatalf("UpdateAlias sent %d times behind the too-small screen", n)
	}
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if m.Dialog() != nil || m.PaletteOpen() || m.showHelp {
		t.Fatal("keys typed behind the too-small screen opened something")
	}
	if _, ok := m.Focused().(*fnview.Model); !ok {
		t.Fatalf("the view changed behind the too-small screen: %T", m.Focused())
	}
	// quit still works
	m.Update(tea.WindowSizeMsg{Width: 20, Height: 8})
	if _, cmd := m.Update(keyMsg("ctrl+c")); cmd == nil {
		t.Fatal("ctrl+c does nothing on the too-small screen")
	}
}

// Defect 4: help loses no column; it scrolls at 60x15.
func TestHelpKeepsEveryColumnAndScrolls(t *testing.T) {
	for _, size := range [][2]int{{160, 45}, {80, 24}, {60, 15}} {
		m, _ := cockpitRoot(t)
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m.Update(keyMsg("?"))
		want := map[string]bool{}
		for _, g := range m.helpGroups() {
			for _, k := range g {
				if k.Enabled() && k.Help().Key != "" {
					want[k.Help().Desc] = true
				}
			}
		}
		// page through the whole help, collecting what was shown
		seen := ""
		for range 40 {
			out := ansi.Strip(m.render())
			for _, l := range strings.Split(out, "\n") {
				if ansi.StringWidth(l) > size[0] {
					t.Fatalf("%dx%d: a line is wider than the screen: %q", size[0], size[1], l)
				}
			}
			seen += out
			m.Update(keyMsg("ctrl+d"))
		}
		for d := range want {
			if !strings.Contains(seen, d) {
				t.Errorf("%dx%d: help never shows %q", size[0], size[1], d)
			}
		}
		if !m.showHelp {
			t.Fatalf("%dx%d: scrolling closed the help", size[0], size[1])
		}
		m.Update(keyMsg("x"))
		if m.showHelp {
			t.Fatal("another key did not close the help")
		}
	}
}

// Defect 4: the breadcrumb shortens the endpoint first and keeps the
// function name.
func TestBreadcrumbKeepsTheFunctionName(t *testing.T) {
	m, s := cockpitRoot(t)
	_ = s
	m.target.Endpoint = "http://127.0.0.1:45678"
	name := m.Focused().(*fnview.Model).Function().Name
	for _, w := range []int{160, 80, 60} {
		m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		h := ansi.Strip(m.headerView())
		if ansi.StringWidth(h) > w || !strings.Contains(h, name) {
			t.Errorf("at %d columns the header loses the function name: %q", w, h)
		}
		if w == 160 && !strings.Contains(h, "127.0.0.1:45678") {
			t.Errorf("at 160 columns the endpoint is cut: %q", h)
		}
	}
}

// Defect 6: : commands replace the top-level view; esc goes home at once.
func TestColonCommandsReplaceTheView(t *testing.T) {
	m, s, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	for _, c := range []string{"triage", "esm", "triage", "esm"} {
		runCmds(t, m, m.runCommand(c))
	}
	if len(m.stack) != 2 {
		t.Fatalf("%d screens stacked after four : commands", len(m.stack))
	}
	m.Update(keyMsg("esc"))
	if len(m.stack) != 1 {
		t.Fatal("one esc did not go home")
	}
	// :fn <exact name> opens the function
	name := s.Fns[3].Name
	runCmds(t, m, m.runCommand("fn "+name))
	if v, ok := m.Focused().(*fnview.Model); !ok || v.Function().Name != name {
		t.Fatalf(":fn %s opened %T", name, m.Focused())
	}
	// ctrl+r refreshes
	n := s.Calls("GetFunction")
	runCmds(t, m, press(m, "ctrl+r"))
	if s.Calls("GetFunction") == n {
		t.Fatal("ctrl+r did not refresh")
	}
}

// Defect 8: say what is true.
func TestCommandMessagesAreTrue(t *testing.T) {
	m, _, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	runCmds(t, m, m.runCommand("bogus"))
	if !strings.Contains(m.Status(), ":bogus is not a command") {
		t.Fatalf(":bogus says %q", m.Status())
	}
	m.target.Sandbox = true
	runCmds(t, m, m.runCommand("profile nosuch"))
	if st := m.Status(); !strings.Contains(st, "not switched") || strings.Contains(st, "switched to") {
		t.Fatalf(":profile nosuch in the sandbox says %q", st)
	}
	if m.Target().Profile == "nosuch" {
		t.Fatal("the profile changed")
	}
}
