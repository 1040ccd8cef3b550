package model

import (
	"strings"
	"testing"
	"time"
)

func series(start time.Time, vals ...float64) MetricSeries {
	s := MetricSeries{}
	for i, v := range vals {
		s.Timestamps = append(s.Timestamps, start.Add(time.Duration(i)*time.Minute))
		s.Values = append(s.Values, v)
	}
	return s
}

func TestHealthFromSeries(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	h := HealthFromSeries("8",
		series(t0, 10, 30, 0),
		series(t0, 1, 2, 0),
		series(t0, 0, 1, 0),
		series(t0, 100, 200, 0),
		series(t0, 400, 900, 0),
		time.Time{})
	if h.Invocations != 40 || h.Errors != 3 || h.Throttles != 1 || h.P99Ms != 900 {
		t.Fatalf("health = %+v", h)
	}
	if h.P50Ms != (100*10+200*30)/40.0 {
		t.Fatalf("p50 = %v", h.P50Ms)
	}
	if got := h.ErrorPct(); got != 7.5 {
		t.Fatalf("error %% = %v", got)
	}
	since := HealthFromSeries("8", series(t0, 10, 30, 5), series(t0, 1, 2, 0), MetricSeries{}, MetricSeries{}, MetricSeries{}, t0.Add(time.Minute))
	if since.Invocations != 35 || since.Errors != 2 {
		t.Fatalf("since = %+v", since)
	}
}

func TestCompareHealth(t *testing.T) {
	stable := VersionHealth{Version: "7", Invocations: 1000, Errors: 5, P50Ms: 100, P99Ms: 400, ColdStarts: 10, ColdKnown: true}
	th := DefaultCompareThresholds()
	for _, tc := range []struct {
		name   string
		canary VersionHealth
		want   HealthComparison
	}{
		{"as good", VersionHealth{Invocations: 100, Errors: 1, P50Ms: 100, P99Ms: 420}, HealthComparison{Judged: true}},
		{"more errors", VersionHealth{Invocations: 100, Errors: 8, P50Ms: 100, P99Ms: 400}, HealthComparison{Judged: true, Errors: true}},
		{"slower p99", VersionHealth{Invocations: 100, P50Ms: 100, P99Ms: 900}, HealthComparison{Judged: true, P99: true}},
		{"slower p50", VersionHealth{Invocations: 100, P50Ms: 150, P99Ms: 400}, HealthComparison{Judged: true, P50: true}},
		{"more cold starts", VersionHealth{Invocations: 100, P50Ms: 90, P99Ms: 400, ColdStarts: 5, ColdKnown: true}, HealthComparison{Judged: true, Cold: true}},
		{"too few to judge errors", VersionHealth{Invocations: 3, Errors: 3}, HealthComparison{}},
		{"throttled at any volume", VersionHealth{Invocations: 2, Throttles: 1}, HealthComparison{Throttles: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CompareHealth(stable, tc.canary, th); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPlanValidateAndParse(t *testing.T) {
	if err := DefaultPlan().Validate(); err != nil {
		t.Fatal(err)
	}
	steps, err := ParsePlanSteps("10, 25,50 ,100", 5*time.Minute)
	if err != nil || len(steps) != 4 || steps[3].Weight != 1 || steps[1].Dwell != 5*time.Minute {
		t.Fatalf("steps = %+v, %v", steps, err)
	}
	for _, tc := range []struct {
		p   Plan
		msg string
	}{
		{Plan{}, "at least one step"},
		{Plan{Steps: []PlanStep{{Weight: 0.5}, {Weight: 0.25}}}, "must rise"},
		{Plan{Steps: []PlanStep{{Weight: 0.1, Dwell: -time.Second}}}, "negative"},
		{Plan{Steps: []PlanStep{{Weight: 0.1}}, MaxErrorPct: -1}, "negative"},
	} {
		if err := tc.p.Validate(); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: err = %v, want %q", tc.p, err, tc.msg)
		}
	}
	if _, err := ParsePlanSteps("", time.Minute); err == nil {
		t.Fatal("empty steps accepted")
	}
	if got := DefaultPlan().Describe(); got != "10% 5m → 25% 5m → 50% 5m → 100%; abort: errors > 5%, any throttle" {
		t.Fatalf("describe = %q", got)
	}
}

func TestPlanDecide(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	p := DefaultPlan()
	p.MaxP99Ms = 2000
	healthy := VersionHealth{Version: "8", Invocations: 100, Errors: 1, P99Ms: 500}
	running := func(step int, started time.Time) PlanState {
		return PlanState{Phase: PlanRunning, Step: step, Started: t0, StepStarted: started}
	}
	for _, tc := range []struct {
		name   string
		st     PlanState
		now    time.Time
		h      VersionHealth
		kind   DecisionKind
		weight float64
		left   time.Duration
		reason string
	}{
		{"start shifts to first step", NewPlanState(), t0, VersionHealth{}, DecideShift, 0.1, 0, ""},
		{"dwelling waits", running(0, t0), t0.Add(2 * time.Minute), healthy, DecideWait, 0.1, 3 * time.Minute, ""},
		{"dwell over shifts", running(0, t0), t0.Add(5 * time.Minute), healthy, DecideShift, 0.25, 0, ""},
		{"last real step promotes", running(2, t0), t0.Add(6 * time.Minute), healthy, DecidePromote, 1, 0, ""},
		{"errors abort", running(1, t0), t0.Add(time.Minute), VersionHealth{Version: "8", Invocations: 100, Errors: 8}, DecideAbort, 0, 0, "error rate 8.0%"},
		{"few invocations not judged", running(1, t0), t0.Add(time.Minute), VersionHealth{Version: "8", Invocations: 5, Errors: 5}, DecideWait, 0.25, 4 * time.Minute, ""},
		{"throttle aborts", running(1, t0), t0.Add(time.Minute), VersionHealth{Version: "8", Invocations: 1, Throttles: 1}, DecideAbort, 0, 0, "throttled"},
		{"p99 aborts", running(0, t0), t0.Add(time.Minute), VersionHealth{Version: "8", Invocations: 100, P99Ms: 2500}, DecideAbort, 0, 0, "p99 2500 ms"},
		{"abort beats dwell over", running(0, t0), t0.Add(10 * time.Minute), VersionHealth{Version: "8", Invocations: 100, Errors: 50}, DecideAbort, 0, 0, "error rate"},
		{"finished is done", PlanState{Phase: PlanAborted, Reason: "x"}, t0, healthy, DecideDone, 0, 0, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := p.Decide(tc.st, tc.now, tc.h)
			if d.Kind != tc.kind || d.Weight != tc.weight || d.Remaining != tc.left || !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("decision = %+v, want %s %v left %v reason %q", d, tc.kind, tc.weight, tc.left, tc.reason)
			}
		})
	}
	// a plan whose last step is below 100% promotes after its dwell
	short := Plan{Steps: []PlanStep{{Weight: 0.5, Dwell: time.Minute}}, MaxErrorPct: 5}
	if d := short.Decide(running(0, t0), t0.Add(time.Minute), healthy); d.Kind != DecidePromote {
		t.Fatalf("short plan: %+v", d)
	}
}

func TestPlanRunToCompletion(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	p := DefaultPlan()
	st := NewPlanState()
	now := t0
	var weights []float64
	for i := 0; i < 100 && !st.Finished(); i++ {
		d := p.Decide(st, now, VersionHealth{Version: "8", Invocations: 100})
		switch d.Kind {
		case DecideShift, DecidePromote:
			weights = append(weights, d.Weight)
		}
		st = st.Applied(d, now)
		now = now.Add(time.Minute)
	}
	if st.Phase != PlanPromoted {
		t.Fatalf("phase = %s", st.Phase)
	}
	if len(weights) != 4 || weights[0] != 0.1 || weights[1] != 0.25 || weights[2] != 0.5 || weights[3] != 1 {
		t.Fatalf("weights = %v", weights)
	}
	if got := p.Progress(st, now); got != 1 {
		t.Fatalf("progress = %v", got)
	}
	mid := PlanState{Phase: PlanRunning, Step: 1, StepStarted: t0}
	if got := p.Progress(mid, t0.Add(150*time.Second)); got != 1.5/4 {
		t.Fatalf("mid progress = %v", got)
	}
	ab := mid.Applied(PlanDecision{Kind: DecideAbort, Reason: "boom"}, t0)
	if ab.Phase != PlanAborted || ab.Reason != "boom" || !ab.Finished() {
		t.Fatalf("aborted = %+v", ab)
	}
}

func TestParsePlan(t *testing.T) {
	def := DefaultPlan()
	got, err := ParsePlan(def.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if got.Describe() != "10% 5m → 25% 5m → 50% 5m → 100% 5m; abort: errors > 5%, any throttle" && got.Describe() != def.Describe() {
		t.Fatalf("round trip: %q", got.Describe())
	}
	for _, tc := range []struct {
		spec string
		want string
		err  string
	}{
		{"20,50,100 every 2m; errors>2 p99>1500 no-throttles min=5", "20% 2m → 50% 2m → 100%; abort: errors > 2%, p99 > 1500ms", ""},
		{"@30s 5,100", "5% 30s → 100%; abort: errors > 5%, any throttle", ""},
		{"", def.Describe(), ""},
		{"10,5", "", "must rise"},
		{"10,50 every soon", "", "dwell"},
		{"10,50 banana", "", "not part of a plan"},
		{"errors>x", "", "non-negative number"},
	} {
		p, err := ParsePlan(tc.spec)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want %q", tc.spec, err, tc.err)
			}
			continue
		}
		if err != nil || p.Describe() != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.spec, p.Describe(), err, tc.want)
		}
	}
}
