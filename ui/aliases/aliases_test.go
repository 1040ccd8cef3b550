package aliases

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
)

func aliasOf(t *testing.T, f *canaryFake, name string) model.Alias {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.aliases {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no alias %s", name)
	return model.Alias{}
}

func TestInitLoadsVersionsAliasesAndMetrics(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	if !h.m.loaded || len(h.m.versions) != 4 || len(h.m.aliases) != 2 {
		t.Fatalf("loaded=%v versions=%d aliases=%d", h.m.loaded, len(h.m.versions), len(h.m.aliases))
	}
	if a, _ := h.m.selected(); a.Name != "live" {
		t.Fatalf("opened on %q, want the alias with a canary", a.Name)
	}
	if f.Calls("GetMetrics") != 1 {
		t.Fatalf("GetMetrics calls = %d", f.Calls("GetMetrics"))
	}
	v := h.view()
	for _, want := range []string{"Aliases (2)", "live", "8 · 10%", "50/50 READY", "Cockpit · live", "v7 stable", "v8 canary ✗ worse", "Versions (4)"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if len(h.ticks()) != 1 {
		t.Fatalf("held ticks = %d, want the refresh tick", len(h.ticks()))
	}
	// the minute tick refreshes aliases and metrics and re-arms itself
	h.deliverTicks()
	if f.Calls("GetMetrics") != 2 || f.Calls("ListAliases") != 2 || len(h.ticks()) != 1 {
		t.Fatalf("after tick: metrics=%d aliases=%d ticks=%d", f.Calls("GetMetrics"), f.Calls("ListAliases"), len(h.ticks()))
	}
}

func TestMetricQueriesPerExecutedVersion(t *testing.T) {
	qs := MetricQueries("checkout-api", model.Alias{Name: "live", Version: "7", Routing: model.Routing{AdditionalVersion: "8", Weight: 0.1}})
	if len(qs) != 11 {
		t.Fatalf("queries = %d", len(qs))
	}
	// the alias's throttles by Resource alone: a throttled request has no executed version
	if q := qs[0]; q.Resource != "live" || q.ExecutedVersion != "" || q.Metric != "Throttles" {
		t.Fatalf("alias throttle query %+v", q)
	}
	for _, q := range qs[1:] {
		if q.Resource != "live" || (q.ExecutedVersion != "7" && q.ExecutedVersion != "8") || q.Period != time.Minute {
			t.Fatalf("query %+v", q)
		}
	}
}

// Each change opens a confirmation; y sends exactly the routing its "after" line showed.
func TestChangesApplyExactlyWhatWasConfirmed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		keys    []string
		typed   string
		version string
		routing model.Routing
		title   string
	}{
		{"weight up", []string{"+"}, "", "7", model.Routing{AdditionalVersion: "8", Weight: 0.2}, "Shift canary weight up"},
		{"weight down removes routing at 0%", []string{"-"}, "", "7", model.Routing{}, "Shift canary weight down"},
		{"promote", []string{"P"}, "", "8", model.Routing{}, "Promote canary"},
		{"abort", []string{"A"}, "", "7", model.Routing{}, "Abort canary"},
		{"exact weight", []string{"="}, "35", "7", model.Routing{AdditionalVersion: "8", Weight: 0.35}, "Set canary weight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newCanaryFake()
			h := newHarness(t, f, model.Writable)
			h.press(tc.keys...)
			if tc.typed != "" {
				h.clearInput()
				h.typeText(tc.typed)
				h.press("enter")
			}
			view := h.dialogView()
			if !strings.Contains(view, tc.title) || !strings.Contains(view, "before  90% → 7, 10% → 8") {
				t.Fatalf("confirmation:\n%s", view)
			}
			shown := afterLine(view)
			if f.Calls("UpdateAlias") != 0 {
				t.Fatal("UpdateAlias before confirmation")
			}
			h.press("y")
			if len(f.updates) != 1 {
				t.Fatalf("updates = %d", len(f.updates))
			}
			u := f.updates[0]
			if u.revision != "r-1" || u.version != tc.version || u.routing != tc.routing {
				t.Fatalf("sent %+v, want rev r-1 %s %+v", u, tc.version, tc.routing)
			}
			if got := model.DescribeRouting(u.version, u.routing); got != shown {
				t.Fatalf("confirmation showed %q, sent %q", shown, got)
			}
			live := aliasOf(t, f, "live")
			if got, _ := h.m.aliasNamed("live"); got.RevisionID != live.RevisionID || DescribeAlias(got) != shown {
				t.Fatalf("pane shows %+v, AWS has %+v", got, live)
			}
			if st := h.lastStatus(); st.Err || !strings.Contains(st.Text, "now "+shown) {
				t.Fatalf("status %+v", st)
			}
		})
	}
}

func TestRefuseSendsNothing(t *testing.T) {
	for _, k := range []string{"n", "esc"} {
		f := newCanaryFake()
		h := newHarness(t, f, model.Writable)
		h.press("+", k)
		if len(h.Dialogs) != 0 || f.Calls("UpdateAlias") != 0 {
			t.Fatalf("%s: dialogs=%d updates=%d", k, len(h.Dialogs), f.Calls("UpdateAlias"))
		}
	}
}

func TestProtectedTargetNeedsTheAliasName(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Protected)
	h.press("+")
	if !strings.Contains(h.dialogView(), "type live to confirm") {
		t.Fatalf("protected confirmation:\n%s", h.dialogView())
	}
	h.press("y", "enter") // wrong name: nothing sent
	if f.Calls("UpdateAlias") != 0 || len(h.Dialogs) != 1 {
		t.Fatal("applied without the name")
	}
	h.clearInput()
	h.typeText("live")
	h.press("enter")
	if f.Calls("UpdateAlias") != 1 || aliasOf(t, f, "live").Routing.Weight != 0.2 {
		t.Fatalf("not applied after typing the name: %+v", aliasOf(t, f, "live"))
	}
}

func TestReadOnlyRefusesBeforeAnyDialog(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.ReadOnly)
	for _, k := range []string{"+", "-", "=", "P", "A", "p", "c", "u", "L"} {
		h.press(k)
		if len(h.Dialogs) != 0 || !strings.Contains(h.lastStatus().Text, "read-only") {
			t.Fatalf("%s: dialogs=%d status=%+v", k, len(h.Dialogs), h.lastStatus())
		}
	}
	h.press("up", "down") // navigation still works
	if f.Calls("UpdateAlias")+f.Calls("PublishVersion")+f.Calls("CreateAlias") != 0 {
		t.Fatal("a mutation was sent")
	}
}

func TestStartCanaryOnAliasWithoutRouting(t *testing.T) {
	f := newCanaryFake()
	f.aliases[0] = model.Alias{Function: "checkout-api", Name: "beta", Version: "6", RevisionID: "b-1"}
	h := newHarness(t, f, model.Writable)
	h.press("up") // live → beta
	if a, _ := h.m.selected(); a.Name != "beta" {
		t.Fatalf("selected %s", a.Name)
	}
	h.press("+") // a picker, not a silent choice: preselected on the newest above 6
	if v := h.dialogView(); !strings.Contains(v, "▸ 8") || !strings.Contains(v, "canary: new pricing client") || !strings.Contains(v, "2026-11-26 10:00") {
		t.Fatalf("version picker:\n%s", v)
	}
	h.press("enter")
	if got := afterLine(h.dialogView()); got != "90% → 6, 10% → 8" {
		t.Fatalf("start canary after = %q (newest above 6 is 8)", got)
	}
	h.press("y")
	if a := aliasOf(t, f, "beta"); a.Routing != (model.Routing{AdditionalVersion: "8", Weight: 0.1}) {
		t.Fatalf("beta = %+v", a)
	}
}

func TestUndoRestoresJournaledRouting(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	h.press("+", "+", "y") // 10% → 20%
	if aliasOf(t, f, "live").Routing.Weight != 0.2 {
		t.Fatalf("shift not applied: %+v", aliasOf(t, f, "live"))
	}
	h.press("u")
	view := h.dialogView()
	if !strings.Contains(view, "Undo UpdateAlias") || afterLine(view) != "90% → 7, 10% → 8" {
		t.Fatalf("undo confirmation:\n%s", view)
	}
	h.press("y")
	if a := aliasOf(t, f, "live"); a.Version != "7" || a.Routing != (model.Routing{AdditionalVersion: "8", Weight: 0.1}) {
		t.Fatalf("after undo: %+v", a)
	}
	// undo when someone changed the alias since: refused with a message
	f.set("live", "7", model.Routing{AdditionalVersion: "8", Weight: 0.5})
	h.send(common.RefreshMsg{})
	h.press("u")
	if len(h.Dialogs) != 0 || !h.lastStatus().Err || !strings.Contains(h.lastStatus().Text, "decide again") {
		t.Fatalf("undo over another change: dialogs=%d status=%+v", len(h.Dialogs), h.lastStatus())
	}
}

func TestConflictShowsTheirChangeAndAsksAgain(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	h.press("+")
	// someone else moves the alias to 50% between our read and our write
	f.beforeUpdate = func(f *canaryFake) { f.set("live", "7", model.Routing{AdditionalVersion: "8", Weight: 0.5}) }
	h.press("y")
	if a := aliasOf(t, f, "live"); a.Routing.Weight != 0.5 {
		t.Fatalf("their change was overwritten: %+v", a)
	}
	st := h.lastStatus()
	if !st.Err || !strings.Contains(st.Text, "changed by someone else") || !strings.Contains(st.Text, "50% → 7, 50% → 8") {
		t.Fatalf("status %+v", st)
	}
	if v := h.view(); !strings.Contains(v, "theirs 50% → 7, 50% → 8") || !strings.Contains(v, "yours was 80% → 7, 20% → 8") {
		t.Fatalf("pane does not show the conflict:\n%s", v)
	}
	view := h.dialogView()
	if !strings.Contains(view, "Conflict") || !strings.Contains(view, "before  50% → 7, 50% → 8") || afterLine(view) != "80% → 7, 20% → 8" {
		t.Fatalf("decide-again dialog:\n%s", view)
	}
	h.press("y")
	if n := len(f.updates); n != 2 || f.updates[1].revision != aliasOf(t, f, "live").RevisionID && f.updates[1].revision == "r-1" {
		t.Fatalf("second attempt %+v", f.updates)
	}
	if a := aliasOf(t, f, "live"); a.Routing.Weight != 0.2 {
		t.Fatalf("after deciding again: %+v", a)
	}
}

func TestPreflightFailuresShowWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(f *canaryFake)
		key   string
		msg   string
	}{
		{"additional not published", func(f *canaryFake) { f.aliases[1].Routing.AdditionalVersion = "9" }, "+", "publish it with p"},
		{"additional is $LATEST", func(f *canaryFake) { f.aliases[1].Routing.AdditionalVersion = "$LATEST" }, "+", "$LATEST"},
		{"same version twice", func(f *canaryFake) { f.aliases[1].Routing.AdditionalVersion = "7" }, "+", "route to a different version"},
		{"different role", func(f *canaryFake) { f.versions[3].Role = "arn:aws:iam::123456789012:role/other" }, "+", "same role"},
		{"different DLQ", func(f *canaryFake) { f.versions[3].DLQTarget = "" }, "+", "same DLQ"},
		{"function mid-update", func(f *canaryFake) { f.fn.LastUpdateStatus = "InProgress" }, "P", "wait until the update finishes"},
		{"no canary to promote", func(f *canaryFake) { f.aliases[1] = model.Alias{Name: "live", Version: "8", RevisionID: "r-1"} }, "P", "no canary to promote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newCanaryFake()
			tc.setup(f)
			h := newHarness(t, f, model.Writable)
			h.press(tc.key)
			if len(h.Dialogs) != 0 {
				t.Fatalf("a confirmation opened despite the failed check:\n%s", h.dialogView())
			}
			st := h.lastStatus()
			if !st.Err || !strings.Contains(st.Text, tc.msg) {
				t.Fatalf("status %+v, want %q", st, tc.msg)
			}
			if !strings.Contains(strings.Join(strings.Fields(h.view()), " "), tc.msg) {
				t.Fatalf("pane does not show %q:\n%s", tc.msg, h.view())
			}
			if f.Calls("UpdateAlias") != 0 {
				t.Fatal("UpdateAlias called")
			}
		})
	}
}

func TestStaleResultsDropped(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	old := h.m.load()
	oldMsg := old()
	f.set("live", "8", model.Routing{})
	fresh := h.m.load()
	h.send(fresh())
	h.send(oldMsg) // arrives late: dropped
	if a, _ := h.m.aliasNamed("live"); a.Version != "8" || a.Routing.Active() {
		t.Fatalf("stale load applied: %+v", a)
	}
	// metrics: an older request's answer is dropped
	a, _ := h.m.selected()
	m1 := h.m.fetchMetrics(a)()
	f.series = healthyCanary
	m2 := h.m.fetchMetrics(a)()
	h.send(m2)
	h.send(m1)
	if hl, _ := h.m.health("live", "8", time.Time{}); hl.Errors != 0 {
		t.Fatalf("stale metrics applied: %+v", hl)
	}
	// after Close every result and tick is dropped
	late := h.m.load()()
	h.m.Close()
	before := len(h.m.aliases)
	f.aliases = nil
	h.send(late)
	h.send(tickMsg{})
	if len(h.m.aliases) != before {
		t.Fatal("result delivered after Close")
	}
}

func TestCreateAliasAndPublish(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	h.press("p")
	h.typeText("hotfix")
	h.press("enter")
	if f.Calls("PublishVersion") != 1 || len(h.m.versions) != 5 {
		t.Fatalf("publish: calls=%d versions=%d", f.Calls("PublishVersion"), len(h.m.versions))
	}
	h.press("c")
	h.typeText("live") // exists
	h.press("enter")
	if !strings.Contains(h.dialogView(), "already exists") {
		t.Fatalf("duplicate name accepted:\n%s", h.dialogView())
	}
	h.clearInput()
	h.typeText("staging")
	h.press("enter")
	h.clearInput()
	h.typeText("7")
	h.press("enter")
	if got := afterLine(h.dialogView()); got != "100% → 7" {
		t.Fatalf("create confirmation after = %q", got)
	}
	h.press("y")
	if f.Calls("CreateAlias") != 1 || len(h.m.aliases) != 3 {
		t.Fatalf("create: calls=%d aliases=%d", f.Calls("CreateAlias"), len(h.m.aliases))
	}
}

func startPlan(t *testing.T, h *harness, spec string) {
	t.Helper()
	h.press("L")
	if spec != "" {
		h.clearInput()
		h.typeText(spec)
	}
	h.press("enter")
	view := h.dialogView()
	if !strings.Contains(view, "Run plan on checkout-api:live") || !strings.Contains(view, "quitting") {
		t.Fatalf("plan confirmation:\n%s", view)
	}
	h.press("y")
	if !h.m.PlanRunning() {
		t.Fatalf("plan not running; status %+v", h.lastStatus())
	}
}

func TestPlanAbortsOnFailingCanary(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	// the canary is already past the plan's thresholds: refused unless overridden
	h.press("L", "enter")
	if pd, ok := h.Dialogs[len(h.Dialogs)-1].(*dialog.PromptDialog); !ok || pd.Err() == nil ||
		!strings.Contains(pd.Err().Error(), "already past this plan's thresholds (version 8 error rate 7.3% is above 5%") {
		t.Fatalf("plan on a failing canary not refused:\n%s", h.dialogView())
	}
	h.press("esc")
	startPlan(t, h, model.DefaultPlan().Spec()+" "+OverrideMark)
	if v := h.view(); !h.m.PlanRunning() {
		t.Fatalf("override did not start the plan:\n%s", v)
	}
	// first step is 10%: already there, so nothing is sent and the plan dwells
	if f.Calls("UpdateAlias") != 0 {
		t.Fatalf("updates %+v", f.updates)
	}
	j := h.Jobs[len(h.Jobs)-1]
	if !j.Blocking || j.Done || !strings.Contains(j.Label, "canary live 10% · next 25% in 5:00") {
		t.Fatalf("job %+v", j)
	}
	// a second passes: countdown
	h.clock.Advance(time.Second)
	h.deliverTicks()
	if j := h.Jobs[len(h.Jobs)-1]; !strings.Contains(j.Label, "in 4:59") {
		t.Fatalf("countdown %+v", j)
	}
	// a minute later the metrics refresh shows the canary failing ~9%
	h.clock.Advance(time.Minute)
	h.deliverTicks()
	if h.m.PlanRunning() {
		t.Fatalf("plan still running; last job %+v", h.Jobs[len(h.Jobs)-1])
	}
	a := aliasOf(t, f, "live")
	if a.Version != "7" || a.Routing.Active() {
		t.Fatalf("alias after abort: %+v", a)
	}
	last := f.updates[len(f.updates)-1]
	if last.version != "7" || last.routing.Active() {
		t.Fatalf("abort sent %+v", last)
	}
	j = h.Jobs[len(h.Jobs)-1]
	if !j.Done || j.Blocking || j.Err == nil || !strings.Contains(j.Label, "aborted") || !strings.Contains(j.Label, "error rate") {
		t.Fatalf("final job %+v", j)
	}
	if st := h.lastStatus(); !st.Err || !strings.Contains(st.Text, "back on version 7") {
		t.Fatalf("status %+v", st)
	}
	if len(f.journal) != 1 || f.journal[0].Action != "UpdateAlias" {
		t.Fatalf("journal %+v", f.journal)
	}
}

func TestPlanPromotesHealthyCanary(t *testing.T) {
	f := newCanaryFake()
	f.series = healthyCanary
	h := newHarness(t, f, model.Writable)
	startPlan(t, h, "10,50,100 every 2m; errors>5 throttles")
	var weights []float64
	for i := 0; i < 20 && h.m.PlanRunning(); i++ {
		h.clock.Advance(time.Minute)
		h.deliverTicks()
	}
	if h.m.PlanRunning() {
		t.Fatal("plan did not finish")
	}
	for _, u := range f.updates {
		weights = append(weights, u.routing.Weight)
	}
	if len(f.updates) != 2 || f.updates[0].routing.Weight != 0.5 || f.updates[1].version != "8" || f.updates[1].routing.Active() {
		t.Fatalf("updates %+v", f.updates)
	}
	if a := aliasOf(t, f, "live"); a.Version != "8" || a.Routing.Active() {
		t.Fatalf("alias %+v", a)
	}
	if j := h.Jobs[len(h.Jobs)-1]; !j.Done || j.Err != nil || !strings.Contains(j.Label, "promoted version 8") {
		t.Fatalf("final job %+v", j)
	}
}

func TestPlanStopsOnConflictAndByOperator(t *testing.T) {
	f := newCanaryFake()
	f.series = healthyCanary
	h := newHarness(t, f, model.Writable)
	startPlan(t, h, "10,50,100 every 1m")
	f.beforeUpdate = func(f *canaryFake) { f.set("live", "7", model.Routing{}) }
	h.clock.Advance(time.Minute)
	h.deliverTicks()
	if h.m.PlanRunning() || !strings.Contains(h.lastStatus().Text, "changed by someone else") {
		t.Fatalf("plan after conflict: running=%v status=%+v", h.m.PlanRunning(), h.lastStatus())
	}
	if a := aliasOf(t, f, "live"); a.Routing.Active() {
		t.Fatalf("their change overwritten: %+v", a)
	}
	// operator stop: L again
	f.set("live", "7", model.Routing{AdditionalVersion: "8", Weight: 0.1})
	h.send(common.RefreshMsg{})
	startPlan(t, h, "")
	// esc while a plan runs warns once before the view may close
	if !h.m.Back() || !strings.Contains(h.view(), "leaving this view stops it") {
		t.Fatal("esc did not warn about the running plan")
	}
	if h.m.Back() {
		t.Fatal("second esc kept the view")
	}
	// the heartbeat notices a long gap (the machine slept)
	h.clock.Advance(3 * time.Minute)
	h.deliverTicks()
	if j := h.Jobs[len(h.Jobs)-1]; !strings.Contains(j.Label, "was paused 3:00") && h.m.PlanRunning() {
		t.Fatalf("no pause noted: %+v", j)
	}
	h.press("L")
	if h.m.PlanRunning() || !h.Jobs[len(h.Jobs)-1].Done {
		t.Fatal("L did not stop the plan")
	}
	if a := aliasOf(t, f, "live"); a.Routing.Weight != 0.1 {
		t.Fatalf("stopping changed routing: %+v", a)
	}
}

func TestOperatorAbortOverridesPlan(t *testing.T) {
	f := newCanaryFake()
	f.series = healthyCanary
	h := newHarness(t, f, model.Writable)
	startPlan(t, h, "10,50,100 every 5m")
	h.press("+")
	if len(h.Dialogs) != 0 || !strings.Contains(h.lastStatus().Text, "a plan is running") {
		t.Fatalf("+ during a plan: %+v", h.lastStatus())
	}
	h.press("A")
	if afterLine(h.dialogView()) != "100% → 7" {
		t.Fatalf("abort dialog:\n%s", h.dialogView())
	}
	h.press("y")
	if h.m.PlanRunning() {
		t.Fatal("plan still running after the operator's abort")
	}
	if a := aliasOf(t, f, "live"); a.Routing.Active() || a.Version != "7" {
		t.Fatalf("alias %+v", a)
	}
}

func TestPlanRetriesThenAborts(t *testing.T) {
	f := newCanaryFake()
	f.series = healthyCanary
	h := newHarness(t, f, model.Writable)
	startPlan(t, h, "10,50,100 every 1m")
	f.updateErr = errors.New("ServiceException: boom")
	aborting := func() bool { return len(f.updates) > 0 && !f.updates[len(f.updates)-1].routing.Active() }
	for i := 0; i < 10 && !aborting(); i++ {
		h.clock.Advance(time.Minute)
		h.deliverTicks()
	}
	if !aborting() || len(f.updates) < maxPlanFailures+1 {
		t.Fatalf("no abort after %d failed shifts: %+v", maxPlanFailures, f.updates)
	}
	for i := 0; i < maxPlanFailures+1; i++ {
		if i < maxPlanFailures && f.updates[i].routing.Weight != 0.5 {
			t.Fatalf("attempt %d: %+v", i, f.updates[i])
		}
	}
	f.updateErr = nil
	for i := 0; i < 3 && h.m.PlanRunning(); i++ {
		h.clock.Advance(time.Second)
		h.deliverTicks()
	}
	if h.m.PlanRunning() {
		t.Fatalf("plan still running after repeated failures: %+v", h.Jobs[len(h.Jobs)-1])
	}
	if a := aliasOf(t, f, "live"); a.Routing.Active() {
		t.Fatalf("alias %+v", a)
	}
}

func TestGoldenCockpit(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"160x45", 160, 45}} {
		t.Run(size.name, func(t *testing.T) {
			f := newCanaryFake()
			h := newHarness(t, f, model.Writable)
			h.m.SetSize(size.w, size.h)
			out := ascii(h.m.View())
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

// TestGoldenPlanRunning is the cockpit at 80×24 with a plan dwelling at 25 %.
func TestGoldenPlanRunning(t *testing.T) {
	f := newCanaryFake()
	f.series = healthyCanary
	h := newHarness(t, f, model.Writable)
	startPlan(t, h, "10,25,50,100 every 2m")
	for i := 0; i < 10; i++ { // beats every 20 s: no pause noted
		h.clock.Advance(20 * time.Second)
		h.deliverTicks()
	}
	h.m.SetSize(80, 24)
	golden.RequireEqual(t, ascii(h.m.View()))
}

// BenchmarkCockpitView measures one render of the cockpit at 160×45.
func BenchmarkCockpitView(b *testing.B) {
	t := &testing.T{}
	h := newHarness(t, newCanaryFake(), model.Writable)
	h.m.SetSize(160, 45)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = h.m.View()
	}
}

// BenchmarkWeightKey measures Update for + (pre-flight and the confirmation dialog built).
func BenchmarkWeightKey(b *testing.B) {
	t := &testing.T{}
	h := newHarness(t, newCanaryFake(), model.Writable)
	k := panetest.Key("+")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = h.m.Update(k)
	}
}

func TestWidthMatchesAnsi(t *testing.T) {
	for _, s := range []string{
		"", "plain", "\x1b[1mCockpit · live\x1b[m  90% → 7", "▸ live  7 ████░░ 8 · 10%", "✗ 7.3% (24) ▁▂▃▄▅▆▇█",
		"⚠ changed — theirs ⇒ yours…", "日本語 wide", "emoji 🚀 here", "tab\tchar", "\x1b]8;;http://x\x07link\x1b]8;;\x07",
	} {
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Errorf("width(%q) = %d, ansi says %d", s, got, want)
		}
	}
}

// Publishing with nothing changed since the newest version says so, not
// "published version N", and keeps the typed description for the next
// publish.
func TestPublishUnchangedSaysNothingPublished(t *testing.T) {
	f := newCanaryFake()
	f.unchanged = true
	h := newHarness(t, f, model.Writable)
	newest := f.versions[len(f.versions)-1].Version
	h.press("p")
	h.typeText("hotfix for the retry budget")
	h.press("enter")
	st := h.lastStatus()
	if want := "no change since version " + newest + "; nothing published"; !strings.Contains(st.Text, want) || strings.Contains(st.Text, "published version") {
		t.Fatalf("status %q, want %q", st.Text, want)
	}
	h.press("p")
	if v := h.dialogView(); !strings.Contains(v, "hotfix for the retry budget") {
		t.Fatalf("the description was not kept:\n%s", v)
	}
}

// Every line of the cockpit is reachable at 60x15: it scrolls with ctrl+d
// and ctrl+u, and the selected alias stays visible.
func TestCockpitScrollsWhenSmall(t *testing.T) {
	h := newHarness(t, newCanaryFake(), model.Writable)
	h.m.SetSize(200, 200)
	var want []string
	for _, l := range strings.Split(h.view(), "\n") {
		if s := strings.TrimSpace(l); s != "" {
			want = append(want, s)
		}
	}
	h.m.SetSize(60, 15)
	seen := map[string]bool{}
	for range 30 {
		v := h.view()
		if n := len(strings.Split(v, "\n")); n > 15 {
			t.Fatalf("view is %d lines tall at 60x15", n)
		}
		for _, l := range strings.Split(v, "\n") {
			seen[strings.TrimSpace(l)] = true
		}
		h.press("ctrl+d")
	}
	missing := 0
	for _, l := range want {
		// columns are narrower at 60: match a line by its first cell
		head := strings.Fields(l)[0]
		found := false
		for s := range seen {
			if g := strings.Fields(s); len(g) > 0 && g[0] == head {
				found = true
				break
			}
		}
		if !found {
			missing++
			t.Logf("never shown at 60x15: %q", l)
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d lines unreachable at 60x15", missing, len(want))
	}
	for range 30 {
		h.press("ctrl+u")
	}
	if !strings.Contains(h.view(), "Aliases (") {
		t.Fatalf("ctrl+u did not scroll back to the top:\n%s", h.view())
	}
}

// Defect 2: "/" filters the aliases; the letters typed are the filter's
// (P would promote, + shift weight), and the filter shows in the title.
func TestSlashFiltersAliases(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	before := f.total()
	h.typeText("/live+P")
	if len(h.Dialogs) != 0 || f.total() != before {
		t.Fatal("a key typed into the filter changed an alias")
	}
	if !h.m.CapturesInput() || h.m.list.Filter() != "live+P" {
		t.Fatalf("filter %q captures %v", h.m.list.Filter(), h.m.CapturesInput())
	}
	h.press("backspace", "backspace", "enter")
	if h.m.list.Len() != 1 {
		t.Fatalf("/live shows %d aliases", h.m.list.Len())
	}
	if v := ansi.Strip(h.m.View()); !strings.Contains(v, "Aliases (1/2)  /live") {
		t.Fatalf("view:\n%s", v)
	}
	if !h.m.Back() || h.m.list.Len() != 2 {
		t.Fatal("esc did not clear the filter")
	}
}
