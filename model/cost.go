package model

import (
	"fmt"
	"math"
	"time"
)

// Prices are Lambda's on-demand prices (USD, us-east-1, first tier; the
// free tier is not subtracted).
type Prices struct {
	RequestsPerMillion float64
	GBSecondX86        float64
	GBSecondARM        float64
	// Provisioned concurrency: the always-on charge per GB-second
	// configured, and the lower duration price for invocations it serves.
	PCGBSecondX86 float64
	PCGBSecondARM float64
	PCDurationX86 float64
	PCDurationARM float64
}

// DefaultPrices are the published us-east-1 prices.
var DefaultPrices = Prices{
	RequestsPerMillion: 0.20,
	GBSecondX86:        0.0000166667,
	GBSecondARM:        0.0000133334,
	PCGBSecondX86:      0.0000041667,
	PCGBSecondARM:      0.0000033334,
	PCDurationX86:      0.0000097222,
	PCDurationARM:      0.0000077778,
}

// HoursPerMonth is the month the estimates are scaled to.
const HoursPerMonth = 730

// CostInput is what a cost estimate is made from: traffic observed over
// Window, scaled to a month.
type CostInput struct {
	Architecture    string // x86_64 | arm64
	MemoryMB        int
	Window          time.Duration
	Invocations     float64 // in Window
	AvgDurationMs   float64 // mean (billed) duration per invocation
	Provisioned     int     // provisioned concurrency configured (all qualifiers)
	MaxMemoryUsedMB int     // from REPORT lines; 0 when unknown
}

// CostEstimate is an estimated monthly bill for one function.
type CostEstimate struct {
	Monthly     float64 // total at the current architecture
	Requests    float64
	Compute     float64 // duration charge
	Provisioned float64 // always-on provisioned concurrency charge
	OtherArch   float64 // the same traffic on the other architecture
	GBSeconds   float64 // per month
	Hints       []string
}

// EstimateCost scales the observed traffic to a month and prices it.
func EstimateCost(in CostInput, p Prices) CostEstimate {
	var e CostEstimate
	if in.Window <= 0 || in.MemoryMB <= 0 {
		return e
	}
	scale := float64(HoursPerMonth) * float64(time.Hour) / float64(in.Window)
	inv := in.Invocations * scale
	gb := float64(in.MemoryMB) / 1024
	e.GBSeconds = inv * in.AvgDurationMs / 1000 * gb
	e.Requests = inv / 1e6 * p.RequestsPerMillion

	price := func(arm bool) (compute, pc float64) {
		od, pcOn, pcDur := p.GBSecondX86, p.PCGBSecondX86, p.PCDurationX86
		if arm {
			od, pcOn, pcDur = p.GBSecondARM, p.PCGBSecondARM, p.PCDurationARM
		}
		if in.Provisioned <= 0 {
			return e.GBSeconds * od, 0
		}
		pcSeconds := float64(in.Provisioned) * gb * HoursPerMonth * 3600
		pc = pcSeconds * pcOn
		// Average concurrency the traffic needs; provisioned environments
		// serve up to their count, the rest spills over on-demand.
		avgConc := in.Invocations * in.AvgDurationMs / 1000 / in.Window.Seconds()
		share := 1.0
		if avgConc > float64(in.Provisioned) {
			share = float64(in.Provisioned) / avgConc
		}
		compute = e.GBSeconds*share*pcDur + e.GBSeconds*(1-share)*od
		return compute, pc
	}
	arm := in.Architecture == "arm64"
	e.Compute, e.Provisioned = price(arm)
	e.Monthly = e.Requests + e.Compute + e.Provisioned
	oc, op := price(!arm)
	e.OtherArch = e.Requests + oc + op

	if !arm && e.Monthly >= 0.01 {
		if pct := int(math.Round((e.Monthly - e.OtherArch) / e.Monthly * 100)); pct >= 1 {
			e.Hints = append(e.Hints, fmt.Sprintf("arm64 would cost %d%% less", pct))
		}
	}
	if in.MaxMemoryUsedMB > 0 {
		use := float64(in.MaxMemoryUsedMB) / float64(in.MemoryMB)
		if use < 0.5 {
			e.Hints = append(e.Hints, fmt.Sprintf("uses %d%% of its %d MB", int(math.Round(use*100)), in.MemoryMB))
		}
	}
	return e
}

// InvocationCost is the compute and request charge of one invocation.
func InvocationCost(billed time.Duration, memoryMB int, arch string, p Prices) float64 {
	rate := p.GBSecondX86
	if arch == "arm64" {
		rate = p.GBSecondARM
	}
	return billed.Seconds()*float64(memoryMB)/1024*rate + p.RequestsPerMillion/1e6
}

// FormatDollars renders an amount compactly: $0.0004, $1.23, $1,234.
func FormatDollars(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v < 0.01:
		return fmt.Sprintf("$%.4f", v)
	case v < 1000:
		return fmt.Sprintf("$%.2f", v)
	}
	return "$" + thousands(int64(math.Round(v)))
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
