package awsbench

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	lambdaops "github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/internal/cputime"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/alarms"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// AlarmFleet returns nAlarms alarms over nFns functions, as a team's:
// per function an Errors alarm on FunctionName, then alarms on the live
// alias's executed version, every 10th a metric-math error rate, and one
// composite per 100 functions.
func AlarmFleet(nFns, nAlarms int) ([]*alarms.PutMetricAlarmInput, []*alarms.PutCompositeAlarmInput) {
	var ms []*alarms.PutMetricAlarmInput
	var cs []*alarms.PutCompositeAlarmInput
	f := func(v float64) *float64 { return &v }
	i32 := func(v int32) *int32 { return &v }
	s := func(v string) *string { return &v }
	fn := func(i int) string { return fmt.Sprintf("fn-%05d", i%nFns) }
	for i := 0; i+1 < nFns && len(cs) < nAlarms/100; i += 100 {
		cs = append(cs, &alarms.PutCompositeAlarmInput{AlarmName: fn(i) + "-degraded",
			AlarmRule: fmt.Sprintf(`ALARM("%s-errors") OR ALARM("%s-errors")`, fn(i), fn(i+1))})
	}
	for i := 0; len(ms)+len(cs) < nAlarms; i++ {
		name := fn(i)
		switch {
		case i < nFns:
			ms = append(ms, &alarms.PutMetricAlarmInput{AlarmName: name + "-errors", Namespace: s("AWS/Lambda"), MetricName: s("Errors"),
				Dimensions: []alarms.Dimension{{Name: "FunctionName", Value: name}}, Statistic: s("Sum"), Period: i32(60),
				EvaluationPeriods: i32(3), Threshold: f(5), ComparisonOperator: "GreaterThanThreshold"})
		case i%10 == 0:
			no, yes := false, true
			dims := []alarms.Dimension{{Name: "FunctionName", Value: name}}
			ms = append(ms, &alarms.PutMetricAlarmInput{AlarmName: name + "-error-rate", EvaluationPeriods: i32(3), Threshold: f(5),
				ComparisonOperator: "GreaterThanThreshold", Metrics: []alarms.MetricDataQuery{
					{Id: "e", ReturnData: &no, MetricStat: &metrics.MetricStat{Metric: &metrics.Metric{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: dims}, Period: i32(60), Stat: "Sum"}},
					{Id: "i", ReturnData: &no, MetricStat: &metrics.MetricStat{Metric: &metrics.Metric{Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: dims}, Period: i32(60), Stat: "Sum"}},
					{Id: "r", Expression: s("100*e/i"), ReturnData: &yes}}})
		default:
			ms = append(ms, &alarms.PutMetricAlarmInput{AlarmName: name + "-live-p99-" + fmt.Sprint(i/nFns), Namespace: s("AWS/Lambda"), MetricName: s("Duration"),
				Dimensions:        []alarms.Dimension{{Name: "FunctionName", Value: name}, {Name: "Resource", Value: name + ":live"}, {Name: "ExecutedVersion", Value: "3"}},
				ExtendedStatistic: s("p99"), Period: i32(300), EvaluationPeriods: i32(2), Threshold: f(1000), ComparisonOperator: "GreaterThanOrEqualToThreshold"})
		}
	}
	return ms, cs
}

func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// linearScan is the baseline for the index: for every function, scan every
// alarm's dimensions (what a client without an index does per lookup).
func linearScan(alarms []model.Alarm, fns []string) int {
	n := 0
	for _, fn := range fns {
		for i := range alarms {
			a := &alarms[i]
			hit := false
			for _, d := range a.Dimensions {
				if d.Name == "FunctionName" && d.Value == fn {
					hit = true
				}
			}
			for _, m := range a.Metrics {
				for _, d := range m.Dimensions {
					if d.Name == "FunctionName" && d.Value == fn {
						hit = true
					}
				}
			}
			if hit && a.State == model.AlarmAlarm {
				n++
			}
		}
	}
	return n
}

// Alarms measures reading nAlarms alarms over nFns functions from the
// sandbox and indexing them: DescribeAlarms calls (against one
// DescribeAlarmsForMetric per alarmed metric without a scan), the time to
// build the index (against a linear scan per function), and the memory the
// index adds over the alarms it indexes (and the alarms over nothing).
func Alarms(ctx context.Context, e Env, nFns, nAlarms int) ([]Result, error) {
	s, err := startSandbox(ctx, sandbox.Options{Empty: true, Clock: clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	ms, cs := AlarmFleet(nFns, nAlarms)
	metricsWatched := 0
	for _, in := range ms {
		if _, err := s.Alarms().PutMetricAlarm(in); err != nil {
			return nil, fmt.Errorf("put %s: %w", in.AlarmName, err)
		}
		metricsWatched += max(1, len(in.Metrics)-1)
	}
	for _, in := range cs {
		if _, err := s.Alarms().PutCompositeAlarm(in); err != nil {
			return nil, fmt.Errorf("put %s: %w", in.AlarmName, err)
		}
	}
	// The budget is lifted so the fetch measures the client, not the pacing;
	// the calls are counted against the quota.
	c, err := open(ctx, e, s, lambdaops.Config{Budgets: lambdaops.Budgets{lambdaops.QuotaDescribeAlarms: -1}})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	before := s.Stats().Count("DescribeAlarms")
	h0 := heapMB()
	t0 := time.Now()
	ix, err := c.Alarms(ctx, true)
	fetch := time.Since(t0)
	if err != nil {
		return nil, err
	}
	calls := s.Stats().Count("DescribeAlarms") - before
	hIx := heapMB()
	raw := cloneAlarms(ix.Alarms)
	hRaw := heapMB() - hIx // a deep copy of the alarms alone, without an index
	// Index build time: best of 15.
	best, bestCPU := math.Inf(1), math.Inf(1)
	var built *model.AlarmIndex
	for r := 0; r < 15; r++ {
		cp := append([]model.Alarm(nil), raw...)
		t, c := time.Now(), cputime.Process()
		built = model.NewAlarmIndex(cp)
		best = math.Min(best, float64(time.Since(t).Microseconds())/1000)
		bestCPU = math.Min(bestCPU, float64((cputime.Process()-c).Microseconds())/1000)
	}
	fns := make([]string, nFns)
	for i := range fns {
		fns[i] = fmt.Sprintf("fn-%05d", i)
	}
	sample := fns[:min(len(fns), 1000)]
	t := time.Now()
	hits := linearScan(raw, sample)
	scan := float64(time.Since(t).Microseconds()) / 1000 * float64(len(fns)) / float64(len(sample))
	got := 0
	for _, fn := range fns {
		got += len(built.ForFunction(fn))
	}
	if built.Len() != nAlarms || got == 0 {
		return nil, fmt.Errorf("index: %d alarms, %d matches", built.Len(), got)
	}
	_ = hits
	perPage := 100.0
	budget := lambdaops.QuotaLimit(lambdaops.QuotaDescribeAlarms, "us-east-1") * lambdaops.DefaultBudgetFraction
	wantCalls := math.Ceil(float64(nAlarms) / perPage)
	runtime.KeepAlive(ix)
	return []Result{
		{Name: fmt.Sprintf("alarm index build, %d alarms over %d functions", nAlarms, nFns), Figure: best, Baseline: scan, Unit: "ms", Goal: 50,
			Pass: best <= 50, Note: fmt.Sprintf("wall clock, best of 15 (process CPU time, GC included: %.1f ms); baseline: a linear scan of every alarm per function, timed over 1,000 functions and scaled to all", bestCPU)},
		{Name: fmt.Sprintf("DescribeAlarms calls for %d alarms", nAlarms), Figure: float64(calls), Baseline: float64(metricsWatched), Unit: "calls", Goal: wantCalls,
			Pass: float64(calls) <= wantCalls,
			Note: fmt.Sprintf("baseline: one DescribeAlarmsForMetric per alarmed metric (3 TPS); %.0f s at the %.0f/s budget (9 TPS quota); measured fetch with the budget lifted: %.2f s", float64(calls)/budget, budget, fetch.Seconds())},
		{Name: fmt.Sprintf("heap added by %d alarms and their index", nAlarms), Figure: hIx - h0, Baseline: hRaw, Unit: "MB", Goal: 20, Pass: hIx-h0 <= 20,
			Note: "baseline: the alarms alone (model.Alarm values), without the index"},
	}, nil
}

// cloneAlarms deep-copies alarms (strings too), to weigh them alone.
func cloneAlarms(in []model.Alarm) []model.Alarm {
	c := strings.Clone
	dims := func(ds []model.AlarmDim) []model.AlarmDim {
		out := make([]model.AlarmDim, len(ds))
		for i, d := range ds {
			out[i] = model.AlarmDim{Name: c(d.Name), Value: c(d.Value)}
		}
		return out
	}
	out := make([]model.Alarm, len(in))
	for i, a := range in {
		b := a
		b.Name, b.ARN, b.Description, b.State, b.Reason, b.ReasonData = c(a.Name), c(a.ARN), c(a.Description), c(a.State), c(a.Reason), c(a.ReasonData)
		b.Namespace, b.MetricName, b.Statistic, b.Comparison, b.TreatMissing, b.Rule = c(a.Namespace), c(a.MetricName), c(a.Statistic), c(a.Comparison), c(a.TreatMissing), c(a.Rule)
		b.Dimensions = dims(a.Dimensions)
		b.AlarmActions = nil
		for _, x := range a.AlarmActions {
			b.AlarmActions = append(b.AlarmActions, c(x))
		}
		b.Metrics = nil
		for _, m := range a.Metrics {
			m2 := m
			m2.ID, m2.Label, m2.Namespace, m2.Metric, m2.Stat, m2.Expression = c(m.ID), c(m.Label), c(m.Namespace), c(m.Metric), c(m.Stat), c(m.Expression)
			m2.Dimensions = dims(m.Dimensions)
			b.Metrics = append(b.Metrics, m2)
		}
		out[i] = b
	}
	return out
}
