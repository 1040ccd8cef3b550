package canaries

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

type held struct{ tea.Msg }

// TestCanariesOnTheSandbox: the demo fleet's shifting aliases — the
// CodeDeploy deployment on checkout-api:preview, the hand-set canary on
// checkout-api:live judged worse and (here) moved by a plan in this program.
func TestCanariesOnTheSandbox(t *testing.T) {
	m0 := clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	srv, c := panetest.StartSandbox(t, sandbox.Options{Seed: 1, Clock: m0, Traffic: true, Backfill: 40 * time.Minute}, false)
	deps := common.FromSession(c, nil)
	deps.Now = srv.Clock().Now
	pane, err := Screen(deps, styles.New(true), keymap.Default(), common.ScreenContext{Jobs: []string{"plan:checkout-api:live"}})
	if err != nil {
		t.Fatal(err)
	}
	m := pane.(*Model)
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return func() tea.Msg { return held{} } }
	h := panetest.New(t, m)
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(held); return ok }
	m.SetSize(160, 40)
	h.Run(m.Init())
	if !m.Done() {
		t.Fatal("scan not finished")
	}
	byName := map[string]Row{}
	for _, r := range m.Rows() {
		byName[r.Function+":"+r.Alias.Name] = r
	}
	pv, ok := byName["checkout-api:preview"]
	if !ok || pv.Owner != OwnerCodeDeploy || pv.Deploy == nil {
		t.Fatalf("preview: %+v", pv)
	}
	live, ok := byName["checkout-api:live"]
	if !ok || live.Owner != OwnerPlan || !live.Worse {
		t.Fatalf("live: %+v", live)
	}
	if m.Rows()[0].Function+":"+m.Rows()[0].Alias.Name != "checkout-api:preview" {
		t.Fatalf("CodeDeploy first: %v", m.Rows()[0])
	}
	v := ansi.Strip(m.View())
	for _, want := range []string{"What is shifting right now", "checkout-api:preview", "CodeDeploy", "LambdaLinear10PercentEvery10Minutes 7→8 10%",
		"checkout-api:live", "plan", "✗ worse: errors"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if n := srv.Stats().Count("UpdateAlias"); n != 0 {
		t.Fatalf("%d UpdateAlias", n)
	}
}

// TestFilterSortAndKeys on a fake fleet: the rows sort by owner, "/" filters
// (the letters typed never act), owner: filters by column, s/S sort, enter
// opens the selected alias's function, a key nobody uses says so.
func TestFilterSortAndKeys(t *testing.T) {
	f := fake.New("us-east-1", 3)
	a, b, c := f.Fns[0].Name, f.Fns[1].Name, f.Fns[2].Name
	canary := func(fn, name string, w float64) model.Alias {
		return model.Alias{Function: fn, Name: name, Version: "1", Routing: model.Routing{AdditionalVersion: "2", Weight: w}}
	}
	f.Aliases[a] = []model.Alias{canary(a, "live", 0.1), {Function: a, Name: "stable", Version: "1"}}
	f.Aliases[b] = []model.Alias{canary(b, "live", 0.3)}
	f.Aliases[c] = []model.Alias{canary(c, "preview", 0.05)}
	f.Deploys = []model.Deployment{{ID: "d-1", Function: c, Alias: "preview", Status: "InProgress", CurrentVersion: "1", TargetVersion: "2", TargetWeight: 5}}
	deps := common.Deps{Fleet: f, Metrics: f, Logs: f, Journal: f, Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }}
	m := New(deps, styles.New(true), keymap.Default())
	m.jobs["plan:"+b+":live"] = true
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return func() tea.Msg { return held{} } }
	h := panetest.New(t, m)
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(held); return ok }
	m.SetSize(120, 20)
	h.Run(m.Init())
	rows := m.Rows()
	if len(rows) != 3 || rows[0].Owner != OwnerCodeDeploy || rows[1].Owner != OwnerPlan {
		t.Fatalf("rows: %+v", rows)
	}
	before := f.Calls("")
	h.Press("/")
	h.TypeText("owner:plan")
	if !m.CapturesInput() || len(m.Rows()) != 1 || m.Rows()[0].Function != b {
		t.Fatalf("owner:plan: %+v", m.Rows())
	}
	h.Press("enter")
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "1 of 3 aliases") || !strings.Contains(v, "/owner:plan") {
		t.Fatalf("filtered:\n%s", v)
	}
	if !m.Back() || len(m.Rows()) != 3 {
		t.Fatal("esc did not clear the filter")
	}
	h.Press("s")                                                // the verdict is not sortable: next is the alias name
	if m.t.SortName() != "alias" || m.Rows()[0].Function != c { // identity-… first
		t.Fatalf("s: %s, first %s", m.t.SortName(), m.Rows()[0].Function)
	}
	h.Press("S")
	if m.Rows()[0].Function != b { // search-… first
		t.Fatalf("S: first %s", m.Rows()[0].Function)
	}
	h.Press("x")
	if !strings.Contains(h.LastStatus(), "does nothing here") {
		t.Fatalf("x: %q", h.LastStatus())
	}
	if f.Calls("") != before {
		t.Fatal("keys called AWS")
	}
	h.Press("g")
	msgs := panetest.Messages(m.Update(panetest.Key("enter")))
	if len(msgs) != 1 {
		t.Fatalf("enter: %v", msgs)
	}
	if o, ok := msgs[0].(common.OpenFunctionMsg); !ok || o.Function.Name != b || o.Tab != 1 {
		t.Fatalf("enter: %#v", msgs[0])
	}
}
