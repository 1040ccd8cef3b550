package model

import (
	"fmt"
	"math"
	"time"
)

// Prices are Lambda's on-demand prices in one region (USD; the free tier
// is not subtracted). GBSecondX86/ARM are the first duration tier's; the
// tiers after it are TierDiscounts off that price.
type Prices struct {
	Region             string
	RequestsPerMillion float64
	GBSecondX86        float64
	GBSecondARM        float64
	// Provisioned concurrency: the always-on charge per GB-second
	// configured, and the lower duration price for invocations it serves.
	PCGBSecondX86 float64
	PCGBSecondARM float64
	PCDurationX86 float64
	PCDurationARM float64
	// EphemeralGBSecond is the charge per GB-second of ephemeral storage
	// configured above the free 512 MB, for the time the function runs.
	EphemeralGBSecond float64
}

// Prices, from AWS's Lambda pricing page (https://aws.amazon.com/lambda/pricing/,
// us-east-1 and the regions priced differently, first duration tier) and
// the tiers from "Introducing tiered pricing for AWS Lambda"
// (https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/):
// on-demand duration is tiered on the account's monthly GB-seconds per
// architecture and region: x86 0–6 B at the list price, 6–15 B 10% off,
// above 15 B 20% off; arm64 0–7.5 B, 7.5–18.75 B 10% off, above 18.75 B
// 20% off (x86 $0.0000166667 → $0.000015 → $0.0000133334 per GB-s; arm64
// $0.0000133334 → $0.0000120001 → $0.0000106667 in us-east-1).
// Ephemeral storage above 512 MB: $0.0000000309 per GB-second (us-east-1).

// DefaultPrices are the published us-east-1 prices.
var DefaultPrices = Prices{
	Region:             "us-east-1",
	RequestsPerMillion: 0.20,
	GBSecondX86:        0.0000166667,
	GBSecondARM:        0.0000133334,
	PCGBSecondX86:      0.0000041667,
	PCGBSecondARM:      0.0000033334,
	PCDurationX86:      0.0000097222,
	PCDurationARM:      0.0000077778,
	EphemeralGBSecond:  0.0000000309,
}

// regionDuration are the first-tier duration prices (x86, arm64 per
// GB-second) of the regions whose prices differ from us-east-1's, from
// AWS's Lambda pricing page. Every other commercial region (the sandbox's
// default us-east-1 among them) has us-east-1's.
var regionDuration = map[string][2]float64{
	"af-south-1":   {0.0000221, 0.00001768},
	"ap-east-1":    {0.00002292, 0.0000183},
	"eu-south-1":   {0.0000195172, 0.0000156138},
	"me-south-1":   {0.0000206667, 0.0000165334},
	"me-central-1": {0.0000206667, 0.0000165334},
}

// PricesFor are the prices in region: us-east-1's with the region's own
// duration prices where they differ (the request, provisioned and storage
// prices are us-east-1's; the estimate says which region it priced).
func PricesFor(region string) Prices {
	p := DefaultPrices
	if region == "" {
		return p
	}
	p.Region = region
	if d, ok := regionDuration[region]; ok {
		p.GBSecondX86, p.GBSecondARM = d[0], d[1]
	}
	return p
}

// DurationTier is one band of the monthly on-demand duration: up to
// UpToGBSeconds (0: no upper bound) at Discount off the first tier's price.
type DurationTier struct {
	UpToGBSeconds float64
	Discount      float64
}

// Duration tiers per architecture (see the source above).
var (
	TiersX86 = []DurationTier{{6e9, 0}, {15e9, 0.10}, {0, 0.20}}
	TiersARM = []DurationTier{{7.5e9, 0}, {18.75e9, 0.10}, {0, 0.20}}
)

// TieredDuration is the on-demand duration charge of gbs GB-seconds in a
// month in which before GB-seconds (same account, region and architecture)
// were already used, at first-tier price p; tier is the highest tier
// (1-based) the usage reaches.
func TieredDuration(gbs, before, p float64, arm bool) (cost float64, tier int) {
	tiers := TiersX86
	if arm {
		tiers = TiersARM
	}
	lo, hi := before, before+gbs
	floor := 0.0
	tier = 1
	for i, t := range tiers {
		top := t.UpToGBSeconds
		if top == 0 {
			top = math.Inf(1)
		}
		a, b := max(lo, floor), min(hi, top)
		if b > a {
			cost += (b - a) * p * (1 - t.Discount)
			tier = i + 1
		}
		floor = top
	}
	return cost, tier
}

// HoursPerMonth is the month the estimates are scaled to.
const HoursPerMonth = 730

// CostInput is what a cost estimate is made from: traffic observed over
// Window, scaled to a month.
type CostInput struct {
	Architecture    string // x86_64 | arm64
	MemoryMB        int
	EphemeralMB     int // ephemeral storage configured (0 or ≤ 512: free)
	Window          time.Duration
	Invocations     float64 // in Window
	AvgDurationMs   float64 // mean (billed) duration per invocation
	Provisioned     int     // provisioned concurrency configured (all qualifiers)
	MaxMemoryUsedMB int     // from REPORT lines; 0 when unknown
	// FleetGBSeconds is the monthly on-demand GB-seconds of the whole
	// fleet on this function's architecture, this function included (0:
	// this function alone). Duration tiers apply to the account's total,
	// so each function is priced at the fleet's average tiered rate.
	FleetGBSeconds float64
}

// CostEstimate is an estimated monthly bill for one function.
type CostEstimate struct {
	Monthly     float64 // total at the current architecture
	Requests    float64
	Compute     float64 // duration charge
	Provisioned float64 // always-on provisioned concurrency charge
	Ephemeral   float64 // ephemeral storage above 512 MB
	OtherArch   float64 // the same traffic on the other architecture
	GBSeconds   float64 // per month
	Tier        int     // highest duration tier the fleet's usage reaches (1-based)
	Hints       []string
	// Includes says what the estimate is made of, for the screen: "requests
	// + duration, x86 tier 1, us-east-1; excl. free tier".
	Includes string
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
	if in.EphemeralMB > 512 {
		e.Ephemeral = inv * in.AvgDurationMs / 1000 * float64(in.EphemeralMB-512) / 1024 * p.EphemeralGBSecond
	}

	// onDemand prices GB-seconds at the fleet's average tiered rate.
	onDemand := func(gbs, first float64, arm bool) (float64, int) {
		if gbs <= 0 {
			return 0, 1
		}
		fleet := max(in.FleetGBSeconds, e.GBSeconds)
		c, tier := TieredDuration(fleet, 0, first, arm)
		return gbs * c / fleet, tier
	}
	price := func(arm bool) (compute, pc float64, tier int) {
		od, pcOn, pcDur := p.GBSecondX86, p.PCGBSecondX86, p.PCDurationX86
		if arm {
			od, pcOn, pcDur = p.GBSecondARM, p.PCGBSecondARM, p.PCDurationARM
		}
		if in.Provisioned <= 0 {
			c, tier := onDemand(e.GBSeconds, od, arm)
			return c, 0, tier
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
		spill, tier := onDemand(e.GBSeconds*(1-share), od, arm)
		compute = e.GBSeconds*share*pcDur + spill
		return compute, pc, tier
	}
	arm := in.Architecture == "arm64"
	e.Compute, e.Provisioned, e.Tier = price(arm)
	e.Monthly = e.Requests + e.Compute + e.Provisioned + e.Ephemeral
	oc, op, _ := price(!arm)
	e.OtherArch = e.Requests + oc + op + e.Ephemeral
	e.Includes = includes(in, e, p)

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

// includes describes an estimate: its parts, tier, region and what it
// leaves out.
func includes(in CostInput, e CostEstimate, p Prices) string {
	parts := "requests + duration"
	if in.Provisioned > 0 {
		parts += " + provisioned"
	}
	if e.Ephemeral > 0 {
		parts += " + ephemeral storage"
	}
	arch := "x86"
	if in.Architecture == "arm64" {
		arch = "arm64"
	}
	tier := fmt.Sprintf("tier %d", max(1, e.Tier))
	if e.Tier > 1 {
		tier = fmt.Sprintf("tiers 1–%d", e.Tier)
	}
	region := p.Region
	if region == "" {
		region = "us-east-1"
	}
	return fmt.Sprintf("%s, %s %s, %s; excl. free tier", parts, arch, tier, region)
}

// CostBasis says what every estimate on a board includes, for a footer:
// "est. $/mo: requests + duration (+ PC, storage > 512 MB), x86/arm tier 1,
// us-east-1; excl. free tier".
func CostBasis(p Prices, tier int) string {
	region := p.Region
	if region == "" {
		region = "us-east-1"
	}
	t := "tier 1"
	if tier > 1 {
		t = fmt.Sprintf("tiers 1–%d", tier)
	}
	return "est. $/mo: requests + duration (+ PC, storage > 512 MB), " + t + ", " + region + "; excl. free tier"
}

// InvocationCost is the compute and request charge of one invocation.
func InvocationCost(billed time.Duration, memoryMB int, arch string, p Prices) float64 {
	rate := p.GBSecondX86
	if arch == "arm64" {
		rate = p.GBSecondARM
	}
	return billed.Seconds()*float64(memoryMB)/1024*rate + p.RequestsPerMillion/1e6
}

// StorageCost is the ephemeral storage charge of one invocation: the
// storage configured above the free 512 MB, for its billed duration.
func StorageCost(billed time.Duration, ephemeralMB int, p Prices) float64 {
	if ephemeralMB <= 512 {
		return 0
	}
	return billed.Seconds() * float64(ephemeralMB-512) / 1024 * p.EphemeralGBSecond
}

// InvocationBasis says what a per-invocation cost includes: "requests +
// duration (+ storage > 512 MB), x86 first-tier price, us-east-1; excl.
// free tier" (one invocation cannot know the account's monthly tier, so
// it is priced at the first).
func InvocationBasis(p Prices, arch string, ephemeralMB int) string {
	parts := "requests + duration"
	if ephemeralMB > 512 {
		parts += " + storage > 512 MB"
	}
	a := "x86"
	if arch == "arm64" {
		a = "arm64"
	}
	region := p.Region
	if region == "" {
		region = "us-east-1"
	}
	return parts + ", " + a + " first-tier price, " + region + "; excl. free tier"
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
