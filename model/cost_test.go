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

// The duration tiers: x86 at the list price to 6 B GB-s, 10% off to 15 B,
// 20% off above; arm64 at 7.5 B and 18.75 B (AWS's published prices).
func TestTieredDuration(t *testing.T) {
	x, a := DefaultPrices.GBSecondX86, DefaultPrices.GBSecondARM
	tests := []struct {
		name        string
		gbs, before float64
		arm         bool
		want        float64
		tier        int
	}{
		{"x86 within tier 1", 1e9, 0, false, 1e9 * 0.0000166667, 1},
		{"x86 across 6 B", 8e9, 0, false, 6e9*0.0000166667 + 2e9*0.000015, 2},
		{"x86 across 15 B", 20e9, 0, false, 6e9*0.0000166667 + 9e9*0.000015 + 5e9*0.0000133334, 3},
		{"x86 already past 15 B", 1e9, 16e9, false, 1e9 * 0.0000133334, 3},
		{"x86 straddling from 5 B", 2e9, 5e9, false, 1e9*0.0000166667 + 1e9*0.000015, 2},
		{"arm within tier 1", 7e9, 0, true, 7e9 * 0.0000133334, 1},
		{"arm across 7.5 B and 18.75 B", 20e9, 0, true, 7.5e9*0.0000133334 + 11.25e9*0.0000120001 + 1.25e9*0.0000106667, 3},
	}
	for _, tt := range tests {
		p := x
		if tt.arm {
			p = a
		}
		got, tier := TieredDuration(tt.gbs, tt.before, p, tt.arm)
		// the published tier prices are rounded to 1e-10 $/GB-s
		if math.Abs(got-tt.want) > 1e-10*(tt.gbs) || tier != tt.tier {
			t.Errorf("%s: %v (tier %d), want %v (tier %d)", tt.name, got, tier, tt.want, tt.tier)
		}
	}
}

// A function in a fleet past 6 B GB-s a month is priced at the fleet's
// average tiered rate, and the estimate says so.
func TestEstimateAtFleetTier(t *testing.T) {
	in := CostInput{Architecture: "x86_64", MemoryMB: 1024, Window: time.Hour, Invocations: 1e6 / HoursPerMonth, AvgDurationMs: 100}
	alone := EstimateCost(in, DefaultPrices)
	if alone.Tier != 1 || alone.Includes != "requests + duration, x86 tier 1, us-east-1; excl. free tier" {
		t.Fatalf("alone: tier %d %q", alone.Tier, alone.Includes)
	}
	in.FleetGBSeconds = 20e9
	big := EstimateCost(in, DefaultPrices)
	fleet, _ := TieredDuration(20e9, 0, DefaultPrices.GBSecondX86, false)
	if !near(big.Compute, 100000*fleet/20e9) || big.Tier != 3 || !strings.Contains(big.Includes, "x86 tiers 1–3") {
		t.Fatalf("in a large fleet: compute %v tier %d %q", big.Compute, big.Tier, big.Includes)
	}
	if big.Compute >= alone.Compute {
		t.Fatal("the fleet's tiers did not lower the rate")
	}
}

// Ephemeral storage is charged above the free 512 MB, for the time the
// function runs.
func TestEphemeralStorage(t *testing.T) {
	in := CostInput{Architecture: "arm64", MemoryMB: 1024, EphemeralMB: 2560, Window: time.Hour, Invocations: 1e6 / HoursPerMonth, AvgDurationMs: 100}
	e := EstimateCost(in, DefaultPrices)
	// 1M × 0.1 s × 2 GB above the free 512 MB
	if want := 1e6 * 0.1 * 2 * 0.0000000309; !near(e.Ephemeral, want) || !near(e.Monthly, e.Requests+e.Compute+want) {
		t.Fatalf("ephemeral %v (monthly %v), want %v", e.Ephemeral, e.Monthly, want)
	}
	if !strings.Contains(e.Includes, "+ ephemeral storage") {
		t.Fatalf("includes %q", e.Includes)
	}
	in.EphemeralMB = 512
	if e := EstimateCost(in, DefaultPrices); e.Ephemeral != 0 {
		t.Fatalf("512 MB is free, charged %v", e.Ephemeral)
	}
}

// Regions priced differently use their own duration prices.
func TestPricesFor(t *testing.T) {
	if p := PricesFor("af-south-1"); p.GBSecondX86 != 0.0000221 || p.GBSecondARM != 0.00001768 || p.Region != "af-south-1" {
		t.Fatalf("af-south-1: %+v", p)
	}
	if p := PricesFor("eu-west-1"); p.GBSecondX86 != DefaultPrices.GBSecondX86 || p.Region != "eu-west-1" {
		t.Fatalf("eu-west-1: %+v", p)
	}
	in := CostInput{Architecture: "x86_64", MemoryMB: 1024, Window: time.Hour, Invocations: 1e6 / HoursPerMonth, AvgDurationMs: 100}
	if e := EstimateCost(in, PricesFor("ap-east-1")); !near(e.Compute, 100000*0.00002292) || !strings.HasSuffix(e.Includes, "ap-east-1; excl. free tier") {
		t.Fatalf("ap-east-1: %v %q", e.Compute, e.Includes)
	}
}

func TestStorageCostAndBasis(t *testing.T) {
	if c := StorageCost(time.Second, 512, DefaultPrices); c != 0 {
		t.Errorf("512 MB is free: %v", c)
	}
	// 2,560 MB: 2 GB charged for 1 s
	if c := StorageCost(time.Second, 2560, DefaultPrices); !near(c, 2*DefaultPrices.EphemeralGBSecond) {
		t.Errorf("storage %v", c)
	}
	if b := InvocationBasis(PricesFor("af-south-1"), "arm64", 2048); b != "requests + duration + storage > 512 MB, arm64 first-tier price, af-south-1; excl. free tier" {
		t.Errorf("basis %q", b)
	}
	r := SummarizeSizeAt(1024, "x86_64", 2560, false, []TuneSample{{Duration: time.Second, Billed: time.Second}}, DefaultPrices)
	if want := InvocationCost(time.Second, 1024, "x86_64", DefaultPrices) + 2*DefaultPrices.EphemeralGBSecond; !near(r.CostPerInvoke, want) {
		t.Errorf("tune cost per invocation %v, want %v (storage included)", r.CostPerInvoke, want)
	}
	pl := PlanTune("r", TuneOptions{Sizes: []int{1024}, PerSize: 10}, Function{MemoryMB: 1024, EphemeralMB: 2560}, time.Second, PricesFor("ap-east-1"))
	if pl.Region != "ap-east-1" || pl.EphemeralMB != 2560 {
		t.Errorf("plan %+v", pl)
	}
}
