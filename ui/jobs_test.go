package ui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// planTab stands in for the Aliases tab running a canary plan: Init
// reports a blocking job (through the tab's and the view's envelopes, as
// the real pane does), Close stops the plan.
type planTab struct {
	fn     model.Function
	closed *bool
}

func (p *planTab) Init() tea.Cmd {
	return common.Job(common.JobMsg{ID: "plan:" + p.fn.Name + ":live", Label: "canary " + p.fn.Name + ":live 10%", Progress: 0.1, Blocking: true})
}
func (p *planTab) Update(tea.Msg) tea.Cmd  { return nil }
func (p *planTab) View() string            { return "plan running" }
func (p *planTab) SetSize(int, int)        {}
func (p *planTab) HelpKeys() []key.Binding { return nil }
func (p *planTab) Close()                  { *p.closed = true }

// newPlanRoot opens the first function's view with a plan running in its
// Aliases tab, then goes back to the Config tab.
func newPlanRoot(t *testing.T) (*Model, *bool) {
	t.Helper()
	closed := new(bool)
	var tabs [fnview.NumTabs]common.TabMaker
	tabs[1] = func(_ common.Deps, _ *styles.Styles, _ keymap.KeyMap, fn model.Function) common.Pane {
		return &planTab{fn: fn, closed: closed}
	}
	s := fake.New("us-east-1", 5)
	deps := common.FromSession(s, &fake.Connector{N: 5})
	deps.Now = func() time.Time { return fixedNow }
	m := New(Options{Deps: deps, Config: config.Default(), Styles: styles.NewPlain(), Tabs: tabs})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	runCmds(t, m, m.Init())
	runCmds(t, m, press(m, "enter"))
	runCmds(t, m, press(m, "2"))
	runCmds(t, m, press(m, "1"))
	if len(m.jobs) != 1 || m.jobs[0].owner != m.stack[1].id {
		t.Fatalf("jobs %+v, the view is %s", m.jobs, m.stack[1].id)
	}
	return m, closed
}

func TestClosingAViewWithARunningPlanAsksFirst(t *testing.T) {
	m, closed := newPlanRoot(t)
	fn := m.Focused().(*fnview.Model).Function().Name

	// esc from the Config tab: the view would close and stop the plan
	runCmds(t, m, press(m, "esc"))
	if m.Dialog() == nil || len(m.stack) != 2 || *closed {
		t.Fatalf("esc closed the view without asking (dialog %v, stack %d, closed %v)", m.Dialog(), len(m.stack), *closed)
	}
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "Close "+fn+" anyway?") || !strings.Contains(out, "canary "+fn+":live 10%") {
		t.Fatalf("the question does not name the view and the plan:\n%s", out)
	}
	// n keeps everything as it was
	runCmds(t, m, press(m, "n"))
	if m.Dialog() != nil || len(m.stack) != 2 || *closed || len(m.jobs) != 1 {
		t.Fatal("n did not keep the view and its plan")
	}
	// esc, y: the view closes, the plan stops and leaves the footer
	runCmds(t, m, press(m, "esc"))
	runCmds(t, m, press(m, "y"))
	if len(m.stack) != 1 || !*closed {
		t.Fatalf("y did not close the view (stack %d, closed %v)", len(m.stack), *closed)
	}
	if len(m.jobs) != 0 {
		t.Fatalf("the stopped plan is still a running job: %+v", m.jobs)
	}
	if !strings.Contains(m.Status(), "stopped: canary "+fn) {
		t.Fatalf("status %q does not say the plan stopped", m.Status())
	}
	// q no longer asks about a plan that has stopped
	if _, cmd := m.Update(keyMsg("q")); m.Dialog() != nil || !isQuit(cmd) {
		t.Fatal("q asked about a plan that had already stopped")
	}
}

func TestJobsStopWithTheirView(t *testing.T) {
	m, _ := newPlanRoot(t)
	id := m.stack[1].id
	// a non-blocking job of the same view closes without a question
	m.Update(common.PaneMsg{Pane: id, Msg: common.JobMsg{ID: "load", Label: "loading", Progress: -1}})
	m.Update(common.PaneMsg{Pane: id, Msg: common.PaneMsg{Pane: fnview.TabID(1), Msg: common.JobMsg{ID: "plan:" + m.Focused().(*fnview.Model).Function().Name + ":live", Done: true}}})
	if len(m.jobs) != 1 {
		t.Fatalf("jobs %+v", m.jobs)
	}
	runCmds(t, m, press(m, "esc"))
	if m.Dialog() != nil || len(m.stack) != 1 || len(m.jobs) != 0 {
		t.Fatalf("dialog %v, stack %d, jobs %+v", m.Dialog(), len(m.stack), m.jobs)
	}
	// a report still in flight from the closed view does not bring it back
	m.Update(common.PaneMsg{Pane: id, Msg: common.JobMsg{ID: "load", Label: "loading", Progress: 0.5}})
	if len(m.jobs) != 0 {
		t.Fatalf("a closed view's late report re-added its job: %+v", m.jobs)
	}
}

func TestSwitchingRegionAsksWhenAPlanWouldStop(t *testing.T) {
	m, closed := newPlanRoot(t)
	runCmds(t, m, m.runCommand("region eu-west-1"))
	if m.Dialog() == nil || m.Target().Region != "us-east-1" || *closed {
		t.Fatal(":region switched without asking while a plan runs")
	}
	if !strings.Contains(ansi.Strip(m.render()), "Switch to eu-west-1 anyway?") {
		t.Fatalf("question:\n%s", ansi.Strip(m.render()))
	}
	runCmds(t, m, press(m, "y"))
	if m.Target().Region != "eu-west-1" || !*closed || len(m.jobs) != 0 {
		t.Fatalf("region %s, closed %v, jobs %+v", m.Target().Region, *closed, m.jobs)
	}
	// :readonly and :fn ask the same way (nothing runs now: no question)
	runCmds(t, m, m.runCommand("readonly"))
	if m.Dialog() != nil {
		t.Fatal(":readonly asked with nothing running")
	}
}

func TestUnknownRegionIsRefused(t *testing.T) {
	m, _, c := newTestRoot(t, 3)
	runCmds(t, m, m.Init())
	runCmds(t, m, m.runCommand("region eu-west-11"))
	if c.Calls() != 0 || m.Target().Region != "us-east-1" || !strings.Contains(m.Status(), `unknown region "eu-west-11"`) {
		t.Fatalf("connects %d, region %s, status %q", c.Calls(), m.Target().Region, m.Status())
	}
}

func TestHelpListsEveryListKeyOnce(t *testing.T) {
	m, _, _ := newTestRoot(t, 3)
	runCmds(t, m, m.Init())
	m.Update(keyMsg("?"))
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "ctrl+d") || !strings.Contains(out, "bottom") {
		t.Fatalf("full help lacks the list's paging keys:\n%s", out)
	}
	body := out[:strings.LastIndex(out, "\n")] // the footer has its own short help
	if n := strings.Count(body, "refresh"); n != 1 {
		t.Fatalf("refresh listed %d times:\n%s", n, out)
	}
	// while the filter takes input, the footer does not offer q or ?
	m.Update(keyMsg("esc"))
	m.Update(keyMsg("/"))
	lines := strings.Split(ansi.Strip(m.render()), "\n")
	if foot := lines[len(lines)-1]; strings.Contains(foot, "quit") || strings.Contains(foot, "help") {
		t.Fatalf("footer while filtering: %q", foot)
	}
}
