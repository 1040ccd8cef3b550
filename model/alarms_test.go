package model

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRuleRefs(t *testing.T) {
	got := RuleRefs(`ALARM("a (b)") AND NOT OK(c) OR (INSUFFICIENT_DATA(arn:aws:cloudwatch:us-east-1:1:alarm:d) AND TRUE) OR XALARM(e)`)
	if want := []string{"a (b)", "c", "d"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestAlarmIndex(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lam := func(kv ...string) []AlarmDim {
		var d []AlarmDim
		for i := 0; i+1 < len(kv); i += 2 {
			d = append(d, AlarmDim{kv[i], kv[i+1]})
		}
		return d
	}
	ix := NewAlarmIndex([]Alarm{
		{Name: "fn-errors", State: AlarmAlarm, Namespace: "AWS/Lambda", Dimensions: lam("FunctionName", "fn"), StateTransitioned: t0.Add(time.Minute)},
		{Name: "fn-live-v8", State: AlarmAlarm, Namespace: "AWS/Lambda", Dimensions: lam("FunctionName", "fn", "Resource", "fn:live", "ExecutedVersion", "8"), StateTransitioned: t0},
		{Name: "fn-v7", State: AlarmOK, Namespace: "AWS/Lambda", Dimensions: lam("FunctionName", "fn", "Resource", "fn:7")},
		{Name: "other-rate", State: AlarmOK, Metrics: []AlarmMetric{
			{ID: "e", Namespace: "AWS/Lambda", Metric: "Errors", Dimensions: lam("FunctionName", "other")},
			{ID: "r", Expression: "e*100", ReturnData: true}}},
		{Name: "custom", Namespace: "Custom", Dimensions: lam("FunctionName", "fn")},
		{Name: "degraded", Composite: true, State: AlarmAlarm, Rule: `ALARM("fn-live-v8") OR OK(other-rate)`, StateTransitioned: t0.Add(2 * time.Minute)},
		{Name: "top", Composite: true, State: AlarmOK, Rule: `ALARM(degraded)`},
	})
	names := func(ms []AlarmMatch) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Alarm.Name)
		}
		return out
	}
	if got := names(ix.ForFunction("fn")); !reflect.DeepEqual(got, []string{"fn-errors", "fn-live-v8", "fn-v7", "degraded", "top"}) {
		t.Errorf("fn: %v", got)
	}
	if got := ix.InAlarm("fn"); got != 3 {
		t.Errorf("fn in ALARM: %d", got)
	}
	if got := names(ix.ForFunction("other")); !reflect.DeepEqual(got, []string{"other-rate", "degraded", "top"}) {
		t.Errorf("other: %v", got)
	}
	if got := names(ix.ForAlias("fn", "live", "8")); !reflect.DeepEqual(got, []string{"fn-live-v8", "degraded", "top"}) {
		t.Errorf("live: %v", got)
	}
	if got := names(ix.ForAlias("fn", "live", "7", "8")); !reflect.DeepEqual(got, []string{"fn-live-v8", "fn-v7", "degraded", "top"}) {
		t.Errorf("live 7+8: %v", got)
	}
	if a, ok := ix.Find(" arn:aws:cloudwatch:us-east-1:123456789012:alarm:degraded "); !ok || a.Name != "degraded" {
		t.Errorf("find by ARN: %v %v", a, ok)
	}
	d, _ := ix.Find("top")
	if tg, ok := ix.Function(d); !ok || tg.Function != "fn" || tg.Qualifier != "live" {
		t.Errorf("function of top: %+v %v", tg, ok)
	}
	f := ix.FiringFor("fn")
	if len(f) != 3 || f[0].Name != "fn-live-v8" {
		t.Errorf("firing %v", f)
	}
	var nilIx *AlarmIndex
	if nilIx.InAlarm("x") != 0 || nilIx.ForFunction("x") != nil || nilIx.Len() != 0 {
		t.Error("nil index")
	}
}

// BenchmarkAlarmIndex indexes 20,000 alarms over 10,000 functions (the
// same shape as go run ./bench -only alarms).
func BenchmarkAlarmIndex(b *testing.B) {
	var src []Alarm
	for i := 0; i < 10000; i++ {
		fn := fmt.Sprintf("fn-%05d", i)
		src = append(src, Alarm{Name: fn + "-errors", State: AlarmOK, Namespace: "AWS/Lambda", Dimensions: []AlarmDim{{"FunctionName", fn}}})
		if i%100 == 0 {
			src = append(src, Alarm{Name: fn + "-degraded", Composite: true, Rule: fmt.Sprintf(`ALARM("%s-errors") OR ALARM("fn-%05d-errors")`, fn, i+1)})
			continue
		}
		src = append(src, Alarm{Name: fn + "-live-p99", State: AlarmAlarm, Namespace: "AWS/Lambda",
			Dimensions: []AlarmDim{{"FunctionName", fn}, {"Resource", fn + ":live"}, {"ExecutedVersion", "3"}}})
	}
	b.ReportAllocs()
	for b.Loop() {
		ix := NewAlarmIndex(append([]Alarm(nil), src...))
		if ix.Len() != len(src) {
			b.Fatal(ix.Len())
		}
	}
}

func TestPlanAlarmAbort(t *testing.T) {
	p, err := ParsePlan("10,50,100 every 1m; abort on alarm checkout-api-live-v8-errors")
	if err != nil || len(p.AbortAlarms) != 1 || p.AbortAlarms[0] != "checkout-api-live-v8-errors" {
		t.Fatalf("%+v %v", p, err)
	}
	if r := p.Trip(VersionHealth{Version: "8", Alarms: []string{"other"}}); r != "" {
		t.Errorf("tripped on another alarm: %s", r)
	}
	if r := p.Trip(VersionHealth{Version: "8", Alarms: []string{"other", "checkout-api-live-v8-errors"}}); r != "alarm checkout-api-live-v8-errors is in ALARM" {
		t.Errorf("trip %q", r)
	}
	q, err := ParsePlan(p.Spec() + " alarms")
	if err != nil || !q.AbortOnAlarms || len(q.AbortAlarms) != 1 {
		t.Fatalf("round trip %q: %+v %v", p.Spec(), q, err)
	}
	if r := q.Trip(VersionHealth{Alarms: []string{"x"}}); r != "alarm x is in ALARM" {
		t.Errorf("any alarm: %q", r)
	}
	if !strings.Contains(q.Describe(), "any alarm in ALARM") {
		t.Errorf("describe %q", q.Describe())
	}
	st := NewPlanState().Applied(PlanDecision{Kind: DecideShift, Step: 0, Weight: 0.1}, time.Unix(0, 0))
	if d := q.Decide(st, time.Unix(10, 0), VersionHealth{Alarms: []string{"x"}}); d.Kind != DecideAbort {
		t.Errorf("decide %+v", d)
	}
}

func TestEvalAlarmExpr(t *testing.T) {
	got, err := EvalAlarmExpr("100 * e / i", map[string][]float64{"e": {1, 0, 5}, "i": {10, 0, 20}})
	if err != nil || got[0] != 10 || !math.IsNaN(got[1]) || got[2] != 25 {
		t.Fatalf("%v %v", got, err)
	}
	if v, err := EvalAlarmExpr("-(a - 2) * 3", map[string][]float64{"a": {5}}); err != nil || v[0] != -9 {
		t.Fatalf("%v %v", v, err)
	}
	for _, bad := range []string{"FILL(a, 0)", "a +", "((a", "b", "a $"} {
		if _, err := EvalAlarmExpr(bad, map[string][]float64{"a": {1}}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzEvalAlarmExpr(f *testing.F) {
	f.Add("100 * e / i")
	f.Add("-(a - 2) * 3 / (e - e)")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = EvalAlarmExpr(s, map[string][]float64{"e": {1, 2}, "i": {0, 3}, "a": {4, 5}})
	})
}
