package model

import (
	"math"
	"strings"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestEstimateCost(t *testing.T) {
	tests := []struct {
		name    string
		in      CostInput
		monthly float64
		hints   []string
	}{
		{
			// 1M req/month at 100 ms, 1024 MB, x86: 100,000 GB-s.
			name:    "x86",
			in:      CostInput{Architecture: "x86_64", MemoryMB: 1024, Window: time.Hour, Invocations: 1e6 / HoursPerMonth, AvgDurationMs: 100},
			monthly: 0.20 + 100000*0.0000166667,
			hints:   []string{"arm64 would cost 18% less"},
		},
		{
			name:    "arm",
			in:      CostInput{Architecture: "arm64", MemoryMB: 1024, Window: time.Hour, Invocations: 1e6 / HoursPerMonth, AvgDurationMs: 100},
			monthly: 0.20 + 100000*0.0000133334,
		},
		{
			name:    "oversized memory",
			in:      CostInput{Architecture: "arm64", MemoryMB: 1024, Window: time.Hour, Invocations: 1e6 / HoursPerMonth, AvgDurationMs: 100, MaxMemoryUsedMB: 307},
			monthly: 0.20 + 100000*0.0000133334,
			hints:   []string{"uses 30% of its 1024 MB"},
		},
		{
			// 5 provisioned at 1 GB all month, traffic fits inside them.
			name:    "provisioned",
			in:      CostInput{Architecture: "arm64", MemoryMB: 1024, Window: time.Hour, Invocations: 3600, AvgDurationMs: 1000, Provisioned: 5},
			monthly: 3600*HoursPerMonth/1e6*0.20 + 3600*HoursPerMonth*0.0000077778 + 5*HoursPerMonth*3600*0.0000033334,
		},
		{name: "no traffic window", in: CostInput{MemoryMB: 128}, monthly: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := EstimateCost(tt.in, DefaultPrices)
			if !near(e.Monthly, tt.monthly) {
				t.Fatalf("monthly %v, want %v", e.Monthly, tt.monthly)
			}
			if strings.Join(e.Hints, "|") != strings.Join(tt.hints, "|") {
				t.Fatalf("hints %q, want %q", e.Hints, tt.hints)
			}
		})
	}
}

func TestSpilloverCostsOnDemand(t *testing.T) {
	// Average concurrency 10 against 5 provisioned: half spills on-demand.
	in := CostInput{Architecture: "x86_64", MemoryMB: 1024, Window: time.Hour, Invocations: 36000, AvgDurationMs: 1000, Provisioned: 5}
	e := EstimateCost(in, DefaultPrices)
	gbs := 36000.0 * HoursPerMonth
	want := gbs*0.5*DefaultPrices.PCDurationX86 + gbs*0.5*DefaultPrices.GBSecondX86
	if !near(e.Compute, want) {
		t.Fatalf("compute %v want %v", e.Compute, want)
	}
}

func TestInvocationCostAndDollars(t *testing.T) {
	c := InvocationCost(time.Second, 1024, "x86_64", DefaultPrices)
	if !near(c, 0.0000166667+0.0000002) {
		t.Fatal(c)
	}
	for v, want := range map[float64]string{0: "$0", 0.00042: "$0.0004", 12.345: "$12.35", 123456.4: "$123,456"} {
		if got := FormatDollars(v); got != want {
			t.Errorf("%v: %q want %q", v, got, want)
		}
	}
}
