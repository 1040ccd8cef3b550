package deployments

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// history is checkout-api's CodeDeploy history as the sandbox seeds it.
func history() []model.Deployment {
	day := 24 * time.Hour
	canary := "CodeDeployDefault.LambdaCanary10Percent5Minutes"
	base := func(id, alias, cur, target, cfg, status string, at time.Time, took time.Duration) model.Deployment {
		return model.Deployment{ID: id, Application: "checkout-service", Group: "checkout-api-" + alias, Config: cfg, Status: status,
			Creator: "user", Function: "checkout-api", Alias: alias, CurrentVersion: cur, TargetVersion: target, TargetWeight: 100,
			Created: at, Started: at.Add(5 * time.Second), Completed: at.Add(took)}
	}
	running := base("d-PREVIEW01", "preview", "7", "8", "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", "InProgress", t0.Add(-2*time.Minute), 0)
	running.Completed, running.TargetWeight = time.Time{}, 10
	running.Description = "checkout-api v8 to the preview alias"
	running.Events = []model.DeployEvent{{Name: "Start", Status: "Succeeded"}, {Name: "BeforeAllowTraffic", Status: "Succeeded"},
		{Name: "AllowTraffic", Status: "InProgress"}, {Name: "AfterAllowTraffic", Status: "Pending"}, {Name: "End", Status: "Pending"}}
	bad := base("d-ALARMED01", "live", "6", "7", canary, "Failed", t0.Add(-9*day), 3*time.Minute+12*time.Second)
	bad.TargetWeight, bad.ErrorCode, bad.RollbackID = 10, "ALARM_ACTIVE", "d-ROLLBACK1"
	bad.ErrorMessage = "One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <checkout-api-errors>"
	rb := base("d-ROLLBACK1", "live", "7", "6", "CodeDeployDefault.LambdaAllAtOnce", "Succeeded", bad.Completed, 8*time.Second)
	rb.Creator, rb.RollbackOf = "codeDeployRollback", bad.ID
	return []model.Deployment{
		base("d-FIRST0001", "live", "5", "6", canary, "Succeeded", t0.Add(-21*day), 5*time.Minute+20*time.Second),
		bad, rb,
		base("d-AGAIN0001", "live", "6", "7", canary, "Succeeded", t0.Add(-8*day), 5*time.Minute+31*time.Second),
		running,
	}
}

type heldTick struct{ msg tea.Msg }

func newTab(t *testing.T, f *fake.Session) (*Model, *panetest.Harness) {
	t.Helper()
	deps := common.Deps{Fleet: f, Metrics: f, Logs: f, Journal: f, Now: func() time.Time { return t0 }}
	m := New(deps, styles.New(true), keymap.Default(), model.Function{Name: "checkout-api"})
	m.after = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return heldTick{fn(time.Time{})} }
	}
	h := panetest.New(t, m)
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(heldTick); return ok }
	m.SetSize(100, 30)
	h.Run(m.Init())
	return m, h
}

func TestHistoryNewestFirstWithRollbacks(t *testing.T) {
	f := fake.New("us-east-1", 0)
	f.Deploys = history()
	m, _ := newTab(t, f)
	m.SetSize(140, 30)
	v := ansi.Strip(m.View())
	if got := len(m.Deployments()); got != 5 || m.Deployments()[0].ID != "d-PREVIEW01" {
		t.Fatalf("%d deployments, newest %s", got, m.Deployments()[0].ID)
	}
	for _, want := range []string{"CodeDeploy deployments of checkout-api (5)", "running 10%", "alarm checkout-api-errors, rolled back",
		"rollback", "Canary10%/5m", "Linear10%/10m", "7→8"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	// Select the rolled-back deployment: its detail names the alarm and the rollback.
	before := f.Calls("")
	for i := 0; i < 3; i++ {
		m.Update(panetest.Key("j"))
	}
	if f.Calls("") != before {
		t.Fatal("keys called AWS")
	}
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "rolled back by d-ROLLBACK1 because alarm checkout-api-errors went into ALARM") {
		t.Fatalf("detail:\n%s", v)
	}
}

func TestUnsupportedEndpoint(t *testing.T) {
	f := fake.New("us-east-1", 0)
	f.DeployErr = awsapi.ErrUnsupported
	m, _ := newTab(t, f)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "CodeDeploy is not available on this endpoint") || strings.Count(v, "\n") != 0 {
		t.Fatalf("view:\n%s", v)
	}
	if m.Update(common.RefreshMsg{}) != nil {
		t.Fatal("refresh asked again on an endpoint without CodeDeploy")
	}
}

func TestStaleResultDropped(t *testing.T) {
	f := fake.New("us-east-1", 0)
	f.Deploys = history()
	m, _ := newTab(t, f)
	m.Update(loadedMsg{gen: m.req.Gen(kindLoad) - 1, list: nil})
	if len(m.Deployments()) != 5 {
		t.Fatal("a stale result replaced the list")
	}
}

func TestGoldenDeploymentsTab(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"160x45", 160, 45}} {
		t.Run(size.name, func(t *testing.T) {
			f := fake.New("us-east-1", 0)
			f.Deploys = history()
			m, _ := newTab(t, f)
			m.Update(panetest.Key("j")) // down to the rolled-back one
			m.Update(panetest.Key("j"))
			m.Update(panetest.Key("j"))
			m.SetSize(size.w, size.h)
			out := string(panetest.ASCII(m.View()))
			for i, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > size.w {
					t.Fatalf("line %d is %d wide", i, w)
				}
			}
			if n := strings.Count(out, "\n") + 1; n > size.h {
				t.Fatalf("%d lines", n)
			}
			golden.RequireEqual(t, out)
		})
	}
}

// TestFilterSortAndKeys: "/" filters the history with the table's syntax
// (fuzzy, alias:, status:), the letters typed never act, s/S sort, enter
// applies, esc clears; a key the tab does not use says so.
func TestFilterSortAndKeys(t *testing.T) {
	f := fake.New("us-east-1", 0)
	f.Deploys = history()
	m, h := newTab(t, f)
	m.SetSize(120, 30)
	before := f.Calls("")
	h.Press("/")
	if !m.CapturesInput() {
		t.Fatal("/ did not open the filter")
	}
	h.TypeText("alarm\n")
	if m.CapturesInput() || m.t.Len() != 1 {
		t.Fatalf("filter alarm: %d rows", m.t.Len())
	}
	if d, _ := m.t.Selected(); d.ID != "d-ALARMED01" {
		t.Fatalf("selected %s", d.ID)
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "(1/5)") || !strings.Contains(v, "/alarm") || !strings.Contains(v, "rolled back by d-ROLLBACK1") {
		t.Fatalf("filtered view:\n%s", v)
	}
	if !m.Back() || m.t.Len() != 5 {
		t.Fatal("esc did not clear the filter")
	}
	m.SetFilter("alias:preview")
	if m.t.Len() != 1 || m.t.At(0).ID != "d-PREVIEW01" {
		t.Fatalf("alias:preview: %d rows", m.t.Len())
	}
	m.SetFilter("")
	// sorted by created, newest first; S reverses, s goes to the next column
	if m.t.At(0).ID != "d-PREVIEW01" {
		t.Fatalf("first %s", m.t.At(0).ID)
	}
	h.Press("S")
	if m.t.At(0).ID != "d-FIRST0001" || !strings.Contains(ansi.Strip(m.View()), "sort created ↑") {
		t.Fatalf("S: first %s", m.t.At(0).ID)
	}
	h.Press("s")
	if m.t.SortName() != "id" {
		t.Fatalf("s sorts by %s", m.t.SortName())
	}
	h.Press("x")
	if !strings.Contains(h.LastStatus(), "does nothing here") {
		t.Fatalf("x: %q", h.LastStatus())
	}
	if f.Calls("") != before {
		t.Fatal("filtering and sorting called AWS")
	}
}

// TestNarrowKeepsOutcome: at 60 columns the outcome and the ID stay, the
// columns dropped are named, → scrolls to them.
func TestNarrowKeepsOutcome(t *testing.T) {
	f := fake.New("us-east-1", 0)
	f.Deploys = history()
	m, h := newTab(t, f)
	m.SetSize(60, 15)
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "OUTCOME") || !strings.Contains(v, "d-PREVIEW01") || !strings.Contains(v, "›") {
		t.Fatalf("60x15:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n > 15 {
		t.Fatalf("%d lines", n)
	}
	h.Press("right")
	if v2 := ansi.Strip(m.View()); v2 == v {
		t.Fatalf("→ changed nothing:\n%s", v2)
	}
}

// A running deployment is followed: the tab re-reads the history on a
// tick; a tick from before a reload (or after Close) is dropped.
func TestFollowsRunningDeployment(t *testing.T) {
	f := fake.New("us-east-1", 0)
	f.Deploys = history()
	m, h := newTab(t, f)
	if len(h.Held) != 1 {
		t.Fatalf("%d ticks held", len(h.Held))
	}
	tick := h.Held[0].(heldTick).msg
	before := f.Calls("")
	h.Run(m.Update(tick))
	if f.Calls("") == before || len(h.Held) != 2 {
		t.Fatalf("the tick did not re-read: %d calls, %d ticks", f.Calls("")-before, len(h.Held))
	}
	before = f.Calls("")
	if m.Update(tick) != nil { // the first tick again: superseded
		t.Fatal("a stale tick re-read the history")
	}
	m.Close()
	if m.Update(h.Held[1].(heldTick).msg) != nil || f.Calls("") != before {
		t.Fatal("a tick after Close re-read the history")
	}
}
