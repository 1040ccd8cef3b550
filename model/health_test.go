package model

import (
	"strings"
	"testing"
	"time"
)

func rep(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func ramp(from, to float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = from + (to-from)*float64(i)/float64(n-1)
	}
	return out
}

func healthySeries() TriageSeries {
	return TriageSeries{
		Period:      5 * time.Minute,
		Invocations: rep(300, 12),
		Errors:      rep(1, 12), // 0.33%
		Throttles:   rep(0, 12),
		DurationP99: rep(400, 12),
		DurationAvg: rep(120, 12),
		Concurrent:  rep(3, 12),
		IteratorAge: rep(0, 12),
		DLQErrors:   rep(0, 12),
		Spillover:   rep(0, 12),
	}
}

func TestAssessRules(t *testing.T) {
	fn := Function{Name: "f", TimeoutSec: 30, MemoryMB: 1024, Architecture: "x86_64"}
	ten := 10
	tests := []struct {
		name   string
		fn     Function
		mod    func(*TriageSeries)
		hc     HealthContext
		rule   string // "" = healthy
		tier   Tier
		reason string
	}{
		{"healthy", fn, func(*TriageSeries) {}, HealthContext{}, "", TierHealthy, ""},
		{"error rate", fn, func(s *TriageSeries) { s.Errors = rep(45, 12) }, HealthContext{}, "error-rate", TierAlarm, "error rate 15.0% > 1%"},
		{"recent error jump", fn, func(s *TriageSeries) { s.Errors = append(rep(1, 9), 45, 45, 45) }, HealthContext{}, "error-rate", TierAlarm, "error rate 15.0% > 1% (last 15m)"},
		{"few errors are noise", fn, func(s *TriageSeries) { s.Invocations = rep(10, 12); s.Errors = append(rep(0, 11), 2) }, HealthContext{}, "", TierHealthy, ""},
		{"rate exactly 1% is not above", fn, func(s *TriageSeries) { s.Errors = rep(3, 12) }, HealthContext{}, "", TierHealthy, ""},
		{"throttles", fn, func(s *TriageSeries) { s.Throttles = rep(20, 12) }, HealthContext{Reserved: &ten}, "throttles", TierAlarm, "240 throttles (reserved 10)"},
		{"p99 near timeout", fn, func(s *TriageSeries) { s.DurationP99 = rep(27000, 12) }, HealthContext{}, "p99-timeout", TierAlarm, "p99 27.0s = 90% of 30s timeout"},
		{"p99 at 79% is fine", fn, func(s *TriageSeries) { s.DurationP99 = rep(23700, 12) }, HealthContext{}, "", TierHealthy, ""},
		{"iterator age rising", fn, func(s *TriageSeries) { s.IteratorAge = ramp(1000, 600000, 12) }, HealthContext{}, "iterator-age", TierAlarm, "IteratorAge rising"},
		{"iterator age high but flat", fn, func(s *TriageSeries) { s.IteratorAge = rep(60000, 12) }, HealthContext{}, "", TierHealthy, ""},
		{"iterator age rising but small", fn, func(s *TriageSeries) { s.IteratorAge = ramp(10, 5000, 12) }, HealthContext{}, "", TierHealthy, ""},
		{"dlq", fn, func(s *TriageSeries) { s.DLQErrors = append(rep(0, 11), 4) }, HealthContext{}, "dlq", TierAlarm, "4 dead-letter errors"},
		{"headroom reserved", fn, func(s *TriageSeries) { s.Concurrent = rep(10, 12) }, HealthContext{Reserved: &ten}, "concurrency", TierWarn, "concurrency 10 of 10 reserved"},
		{"headroom account", fn, func(s *TriageSeries) { s.Concurrent = rep(950, 12) }, HealthContext{Unreserved: 1000}, "concurrency", TierWarn, "concurrency 950 of 1000 unreserved account"},
		{"spillover", fn, func(s *TriageSeries) { s.Spillover = rep(50, 12) }, HealthContext{Provisioned: 5}, "spillover", TierWarn, "provisioned-concurrency spillover: 600 invocations (provisioned 5)"},
		{"memory oversized", Function{Name: "f", TimeoutSec: 30, MemoryMB: 3008}, func(*TriageSeries) {}, HealthContext{MaxMemoryUsedMB: 190}, "memory", TierHint, "uses 6% of its 3008 MB"},
		{"memory oversized but cheap", Function{Name: "f", TimeoutSec: 30, MemoryMB: 3008}, func(s *TriageSeries) { s.Invocations = rep(3, 12); s.Errors = rep(0, 12) }, HealthContext{MaxMemoryUsedMB: 190}, "", TierHealthy, ""},
		{"error rate just above 1% is a hint", fn, func(s *TriageSeries) { s.Invocations = rep(3000, 12); s.Errors = rep(45, 12) }, HealthContext{}, "error-rate", TierHint, "error rate 1.5% > 1%"},
		{"canary failing", fn, func(s *TriageSeries) { s.Errors = rep(3, 12) }, HealthContext{Canary: &CanaryStats{Alias: "live", Primary: "7", Secondary: "8", Weight: 0.1,
			PrimaryInv: 3240, PrimaryErr: 16, SecondaryInv: 360, SecondaryErr: 29}}, "error-rate", TierAlarm, "error rate v8 8.1% vs v7 0.5% (alias live, canary 10%)"},
		{"canary as healthy as primary", fn, func(*TriageSeries) {}, HealthContext{Canary: &CanaryStats{Alias: "live", Primary: "7", Secondary: "8", Weight: 0.1,
			PrimaryInv: 3240, PrimaryErr: 16, SecondaryInv: 360, SecondaryErr: 2}}, "", TierHealthy, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := healthySeries()
			tt.mod(&s)
			h := Assess(tt.fn, s, tt.hc)
			if h.Tier != tt.tier {
				t.Fatalf("tier %v, want %v (%s)", h.Tier, tt.tier, h.Reason())
			}
			if tt.rule == "" {
				if len(h.Findings) != 0 {
					t.Fatalf("healthy function has findings: %s", h.Reason())
				}
				return
			}
			if !h.Has(tt.rule) || h.Findings[0].Rule != tt.rule {
				t.Fatalf("want %s first, got %s", tt.rule, h.Reason())
			}
			if !strings.Contains(h.Findings[0].Reason, tt.reason) {
				t.Fatalf("reason %q, want %q", h.Findings[0].Reason, tt.reason)
			}
		})
	}
}

func TestRankIncidentsFirst(t *testing.T) {
	fn := func(name string) Function { return Function{Name: name, TimeoutSec: 30, MemoryMB: 512} }
	var hs []Health
	for _, n := range []string{"a-healthy", "b-healthy", "z-healthy"} {
		hs = append(hs, Assess(fn(n), healthySeries(), HealthContext{}))
	}
	noisy := healthySeries()
	noisy.Invocations = rep(30, 12)
	noisy.Errors = append(rep(0, 10), 2, 2) // 1.1% over 360: barely above
	hs = append(hs, Assess(fn("noisy"), noisy, HealthContext{}))
	bad := healthySeries()
	bad.Errors = append(rep(1, 9), 45, 45, 45)
	hs = append(hs, Assess(fn("payments"), bad, HealthContext{}))
	thr := healthySeries()
	thr.Throttles = rep(100, 12)
	hs = append(hs, Assess(fn("orders"), thr, HealthContext{}))
	mem := healthySeries()
	hs = append(hs, Assess(Function{Name: "image", TimeoutSec: 30, MemoryMB: 3008}, mem, HealthContext{MaxMemoryUsedMB: 190}))
	Rank(hs)
	var order []string
	for _, h := range hs {
		order = append(order, h.Function)
	}
	got := strings.Join(order, ",")
	if !strings.HasPrefix(got, "payments,orders,") && !strings.HasPrefix(got, "orders,payments,") {
		t.Fatalf("order %s", got)
	}
	if !strings.HasSuffix(got, "a-healthy,b-healthy,z-healthy") {
		t.Fatalf("healthy not last in name order: %s", got)
	}
}

func TestTriageQueriesRoundTrip(t *testing.T) {
	q := TriageQueries("f", time.Minute)
	if len(q) != TriageQueriesPerFunction {
		t.Fatal("count")
	}
	series := make([]MetricSeries, len(q))
	for i := range q {
		series[i] = MetricSeries{Query: q[i], Values: []float64{float64(i)}}
	}
	ts := TriageFromSeries(time.Minute, series)
	if ts.Invocations[0] != 0 || ts.Errors[0] != 1 || ts.Spillover[0] != 8 || ts.DurationP99[0] != 3 {
		t.Fatalf("%+v", ts)
	}
	if q[3].Stat != "p99" || q[8].Metric != MetricSpillover {
		t.Fatal("order")
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		850 * time.Millisecond: "850ms", 27100 * time.Millisecond: "27.1s", 15 * time.Minute: "15m",
		90 * time.Second: "1.5m", 2 * time.Hour: "2h", 150 * time.Minute: "2.5h",
	} {
		if got := ShortDuration(d); got != want {
			t.Errorf("%v: %q want %q", d, got, want)
		}
	}
}
