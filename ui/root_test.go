package ui

import (
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
)

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if isQuit(c) {
				return true
			}
		}
		return false
	}
	_, ok := msg.(tea.QuitMsg)
	return ok
}

func TestUpdateMakesNoAWSCalls(t *testing.T) {
	m, s, c := newTestRoot(t, 200)
	if s.Calls("") != 0 {
		t.Fatalf("New called AWS: %s", s.CallLog())
	}
	runCmds(t, m, m.Init())
	before := s.Calls("")
	// keys, palette, help, open a function, switch tabs: commands not run
	for _, k := range []string{"j", "j", "/", "p", "a", "y", "enter", "G", "?", "x", "enter", "tab", "2", "3", "1", "x", "esc", ":", "r", "e", "esc", "r"} {
		m.Update(keyMsg(k))
		_ = m.View()
	}
	if after := s.Calls(""); after != before || c.Calls() != 0 {
		t.Fatalf("Update/View reached AWS: %d → %d (%s), connects %d", before, after, s.CallLog(), c.Calls())
	}
}

func TestRoutingByMode(t *testing.T) {
	m, _, _ := newTestRoot(t, 20)
	runCmds(t, m, m.Init())

	// a dialog takes every key: q does not quit
	m.Update(common.OpenDialogMsg{Dialog: dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{Title: "sure?"})})
	if _, cmd := m.Update(keyMsg("q")); isQuit(cmd) || m.Dialog() == nil {
		t.Fatal("q escaped the dialog")
	}
	m.Update(keyMsg("n"))
	if m.Dialog() != nil {
		t.Fatal("n did not close the dialog")
	}

	// the palette takes keys as text
	m.Update(keyMsg(":"))
	if _, cmd := m.Update(keyMsg("q")); isQuit(cmd) || !m.PaletteOpen() || m.pal.Value() != "q" {
		t.Fatal("q was not typed into the palette")
	}
	m.Update(keyMsg("esc"))

	// a focused filter takes keys before the global ones
	m.Update(keyMsg("/"))
	if _, cmd := m.Update(keyMsg("q")); isQuit(cmd) {
		t.Fatal("q quit while typing a filter")
	}
	f := m.Focused().(*functions.Model)
	if !f.CapturesInput() {
		t.Fatal("filter not focused")
	}
	m.Update(keyMsg("esc"))

	// otherwise q quits
	if _, cmd := m.Update(keyMsg("q")); !isQuit(cmd) {
		t.Fatal("q did not quit")
	}
}

func TestQuitAsksWhenAJobWouldStop(t *testing.T) {
	m, _, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	runCmds(t, m, press(m, "enter")) // the function view fn#1 owns the job
	m.Update(common.PaneMsg{Pane: "fn#1", Msg: common.JobMsg{ID: "plan", Label: "canary f:live", Progress: 0.4, Blocking: true}})
	if !strings.Contains(ansi.Strip(m.render()), "canary f:live") {
		t.Fatal("job not shown in the footer")
	}
	if _, cmd := m.Update(keyMsg("q")); isQuit(cmd) || m.Dialog() == nil {
		t.Fatal("q quit without asking while a blocking job runs")
	}
	m.Update(keyMsg("esc"))
	if m.Dialog() != nil {
		t.Fatal("esc did not refuse")
	}
	m.Update(keyMsg("q"))
	_, cmd := m.Update(keyMsg("y"))
	msgs := runCmds(t, m, cmd)
	quit := false
	for _, msg := range msgs {
		if _, ok := msg.(tea.QuitMsg); ok {
			quit = true
		}
	}
	if !quit {
		t.Fatalf("y did not quit: %v", msgs)
	}
}

func TestDialogActionGoesBackToItsPane(t *testing.T) {
	m, _, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	type doneMsg struct{}
	d := dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{Title: "go?", Yes: func() tea.Msg { return doneMsg{} }})
	// the dialog was opened by tab 2 of a function view
	path := []common.PaneID{"fn#9", fnview.TabID(1)}
	m.Update(common.Address(path, common.OpenDialogMsg{Dialog: d}))
	_, cmd := m.Update(keyMsg("y"))
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c != nil {
				if r := c(); r != nil {
					msg = r
				}
			}
		}
	}
	gotPath, inner := common.Unwrap(msg)
	if _, ok := inner.(doneMsg); !ok || len(gotPath) != 2 || gotPath[0] != "fn#9" || gotPath[1] != fnview.TabID(1) {
		t.Fatalf("result %#v addressed to %v", inner, gotPath)
	}
}

func TestStaleResultsForClosedPanesAreDropped(t *testing.T) {
	m, _, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	runCmds(t, m, press(m, "enter"))
	if len(m.stack) != 2 {
		t.Fatal("function view did not open")
	}
	id := m.stack[1].id
	m.Update(keyMsg("esc"))
	if len(m.stack) != 1 {
		t.Fatal("esc did not close the view")
	}
	// a late result for the closed view goes nowhere
	if _, cmd := m.Update(common.PaneMsg{Pane: id, Msg: "late"}); cmd != nil {
		t.Fatal("late result produced work")
	}
}

func TestOpenFunctionConfigTab(t *testing.T) {
	m, s, _ := newTestRoot(t, 10)
	runCmds(t, m, m.Init())
	runCmds(t, m, press(m, "enter"))
	v, ok := m.Focused().(*fnview.Model)
	if !ok {
		t.Fatalf("focused %T", m.Focused())
	}
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "1 Config") || !strings.Contains(out, v.Function().ARN) {
		t.Fatalf("config tab:\n%s", out)
	}
	if s.Calls("GetFunction") != 1 {
		t.Fatalf("GetFunction calls %d", s.Calls("GetFunction"))
	}
	runCmds(t, m, press(m, "2"))
	if v.Active() != 1 || v.Tab(1) == nil {
		t.Fatal("tab 2 not shown")
	}
	runCmds(t, m, press(m, "5"))
	if !strings.Contains(ansi.Strip(m.render()), "Metrics: not available") && v.Tab(4) == nil {
		t.Fatal("no placeholder for tab 5")
	}
}

func TestPaletteCompletionAndRegionSwitch(t *testing.T) {
	m, s, c := newTestRoot(t, 10)
	runCmds(t, m, m.Init())
	m.Update(keyMsg(":"))
	typeText(m, "reg")
	m.Update(keyMsg("tab"))
	if m.pal.Value() != "region " {
		t.Fatalf("completion gave %q", m.pal.Value())
	}
	typeText(m, "eu-we")
	if !strings.Contains(ansi.Strip(m.render()), "eu-west-1") {
		t.Fatal("region candidates not shown")
	}
	m.Update(keyMsg("tab"))
	if m.pal.Value() != "region eu-west-" {
		t.Fatalf("completion gave %q", m.pal.Value())
	}
	typeText(m, "1")
	_, cmd := m.Update(keyMsg("enter"))
	runCmds(t, m, cmd)
	if c.Calls() != 1 || m.Target().Region != "eu-west-1" {
		t.Fatalf("connects %d, region %s", c.Calls(), m.Target().Region)
	}
	ns := c.Sessions[0]
	if ns.Calls("ListFunctions") != 1 {
		t.Fatal("the new region was not listed")
	}
	// the old session is not used any more
	before := s.Calls("")
	runCmds(t, m, press(m, "r"))
	if s.Calls("") != before {
		t.Fatal("refresh went to the old region")
	}
	if !strings.Contains(ansi.Strip(m.headerView()), "eu-west-1") {
		t.Fatal("header does not show the new region")
	}
}

func TestFailedSwitchKeepsSession(t *testing.T) {
	m, _, c := newTestRoot(t, 10)
	runCmds(t, m, m.Init())
	c.Err = errors.New("ExpiredToken")
	runCmds(t, m, m.runCommand("profile prod"))
	if m.Target().Profile != "test" || !strings.Contains(m.Status(), "ExpiredToken") {
		t.Fatalf("target %+v status %q", m.Target(), m.Status())
	}
	// a late result of a superseded connect is dropped
	m.req.Start(kindConnect)
	m.Update(connectedMsg{gen: m.req.Gen(kindConnect) - 1, err: errors.New("old")})
	if strings.Contains(m.Status(), "old") {
		t.Fatal("stale connect result applied")
	}
}

func TestReadOnlyRefusesInTheSeam(t *testing.T) {
	m, s, _ := newTestRoot(t, 3)
	runCmds(t, m, m.runCommand(":readonly"))
	if !strings.Contains(ansi.Strip(m.headerView()), "READ-ONLY") {
		t.Fatal("no READ-ONLY badge")
	}
	// read-only is the session's: the mutation is refused there, and no
	// wrapper in the UI is involved
	if err := m.deps.Fleet.PutReserved(t.Context(), "x", 1); !errors.Is(err, awsapi.ErrReadOnly) {
		t.Fatalf("mutation allowed: %v", err)
	}
	if m.deps.Fleet != awsapi.Fleet(s) || s.Target().Protection != model.ReadOnly || len(s.Journal) != 0 {
		t.Fatal("the session is wrapped, or was not made read-only, or journaled a change")
	}
	// and it stays read-only across a region switch
	runCmds(t, m, m.runCommand("region eu-west-1"))
	if m.Target().Region != "eu-west-1" || m.Target().Protection != model.ReadOnly {
		t.Fatalf("after the switch: %+v", m.Target())
	}
	if err := m.deps.Fleet.PutReserved(t.Context(), "x", 1); !errors.Is(err, awsapi.ErrReadOnly) {
		t.Fatalf("mutation allowed after the switch: %v", err)
	}
}

func TestBadges(t *testing.T) {
	for _, tc := range []struct {
		t    model.Target
		want string
	}{
		{model.Target{Region: "r", Protection: model.Protected}, "PROTECTED"},
		{model.Target{Region: "r", Sandbox: true, Endpoint: "http://127.0.0.1:1"}, "SANDBOX"},
		{model.Target{Region: "r", Protection: model.ReadOnly}, "READ-ONLY"},
	} {
		m, _, _ := newTestRoot(t, 1)
		m.target = tc.t
		m.readOnly = tc.t.Protection == model.ReadOnly
		if h := ansi.Strip(m.headerView()); !strings.Contains(h, tc.want) {
			t.Fatalf("header %q lacks %s", h, tc.want)
		}
	}
}

func TestTooSmall(t *testing.T) {
	m, _, _ := newTestRoot(t, 1)
	m.Update(tea.WindowSizeMsg{Width: 50, Height: 10})
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "needs at least 60×15") {
		t.Fatalf("small screen:\n%s", out)
	}
}

func TestMouseClickSelects(t *testing.T) {
	m, _, _ := newTestRoot(t, 30)
	runCmds(t, m, m.Init())
	// header line + title + column header: row 4 of the table is at y=1+2+4
	m.Update(tea.MouseClickMsg{X: 5, Y: 7, Button: tea.MouseLeft})
	f := m.Focused().(*functions.Model)
	sel, _ := f.Selected()
	m2, _, _ := newTestRoot(t, 30)
	runCmds(t, m2, m2.Init())
	runCmds(t, m2, press(m2, "j", "j", "j", "j"))
	want, _ := m2.Focused().(*functions.Model).Selected()
	if sel.Name != want.Name {
		t.Fatalf("click selected %s, want %s", sel.Name, want.Name)
	}
}

func TestHelpShowsContextKeys(t *testing.T) {
	m, _, _ := newTestRoot(t, 3)
	runCmds(t, m, m.Init())
	m.Update(keyMsg("?"))
	out := ansi.Strip(m.render())
	for _, want := range []string{"filter", "sort column", "command", ":region"} {
		if !strings.Contains(out, want) {
			t.Fatalf("help lacks %q:\n%s", want, out)
		}
	}
	m.Update(keyMsg("esc"))
	if m.showHelp {
		t.Fatal("help did not close")
	}
}

func TestKeyOverridesApply(t *testing.T) {
	m, _, _ := newTestRoot(t, 3)
	km := m.km
	if err := km.Rebind("global.quit", "Q"); err != nil {
		t.Fatal(err)
	}
	m.km = km
	if _, cmd := m.Update(keyMsg("q")); isQuit(cmd) {
		t.Fatal("old key still quits")
	}
	if _, cmd := m.Update(keyMsg("Q")); !isQuit(cmd) {
		t.Fatal("new key does not quit")
	}
	_ = key.Binding{}
}

type panicPane struct{ common.Pane }

func (panicPane) View() string { panic("boom in view") }

func TestCrashReport(t *testing.T) {
	m, _, _ := newTestRoot(t, 3)
	runCmds(t, m, m.Init())
	g := NewGuarded(m)
	g.Dir = t.TempDir()
	m.stack = append(m.stack, screen{id: "bad", pane: panicPane{m.stack[0].pane}})
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("panic swallowed")
			}
		}()
		g.View()
	}()
	path := g.Report()
	if path == "" || filepath.Dir(path) != g.Dir {
		t.Fatalf("report %q", path)
	}
	data, _ := os.ReadFile(path)
	s := string(data)
	if !strings.Contains(s, "boom in view") || !strings.Contains(s, "region=us-east-1") {
		t.Fatalf("report:\n%s", s)
	}
	for _, secret := range []string{"s3cr3t", "AWS_SECRET", "AWS_SESSION_TOKEN"} {
		if strings.Contains(s, secret) {
			t.Fatalf("report contains %s", secret)
		}
	}
}

func TestGoldenScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		m, _, _ := newTestRoot(t, 60)
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		runCmds(t, m, m.Init())
		name := func(s string) string { return s + "_" + itoa(sz[0]) + "x" + itoa(sz[1]) }
		check := func(t *testing.T) {
			out := ansi.Strip(m.render())
			lines := strings.Split(out, "\n")
			if len(lines) != sz[1] {
				t.Fatalf("%d lines, want %d", len(lines), sz[1])
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Fatalf("line %d is %d wide: %q", i, w, l)
				}
			}
			golden.RequireEqual(t, []byte(out))
		}
		t.Run(name("functions"), check)
		runCmds(t, m, press(m, "j", "enter"))
		t.Run(name("config"), check)
		runCmds(t, m, press(m, "x"))
		t.Run(name("config_revealed"), check)
		m.Update(common.OpenDialogMsg{Dialog: dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title: "Delete reserved concurrency", Body: "growth-api-0015 goes back to the unreserved pool.", Protected: true, Name: "growth-api-0015"})})
		t.Run(name("protected_confirm"), check)
		m.Update(keyMsg("esc"))
		m.Update(keyMsg(":"))
		typeText(m, "re")
		t.Run(name("palette"), check)
	}
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + func() string { return fmtInt(n) }())
}

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestThemeFollowsBackground(t *testing.T) {
	s := fakeSession()
	m := New(Options{Deps: common.FromSession(s, nil), Config: config.Default()})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !isQuitless(m.Init()) {
		t.Fatal("no init command")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.st.IsDark {
		t.Fatal("light background gave dark styles")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.Black})
	if !m.st.IsDark {
		t.Fatal("dark background gave light styles")
	}
	// a theme forced in the config is kept
	cfg := config.Default()
	cfg.Theme = "light"
	m = New(Options{Deps: common.FromSession(s, nil), Config: cfg})
	m.Update(tea.BackgroundColorMsg{Color: color.Black})
	if m.st.IsDark {
		t.Fatal("config theme overridden by the terminal")
	}
}

func isQuitless(cmd tea.Cmd) bool { return cmd != nil }

func fakeSession() *fake.Session { return fake.New("us-east-1", 3) }
