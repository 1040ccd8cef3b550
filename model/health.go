package model

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Lambda metric names used by triage and the metrics pane.
const (
	MetricInvocations = "Invocations"
	MetricErrors      = "Errors"
	MetricThrottles   = "Throttles"
	MetricDuration    = "Duration"
	MetricConcurrent  = "ConcurrentExecutions"
	MetricIteratorAge = "IteratorAge"
	MetricDLQErrors   = "DeadLetterErrors"
	MetricSpillover   = "ProvisionedConcurrencySpilloverInvocations"
)

// TriageSeries is one function's metric series over a window, one value per
// period, oldest first. Durations and IteratorAge are in milliseconds.
type TriageSeries struct {
	Period      time.Duration
	Invocations []float64
	Errors      []float64
	Throttles   []float64
	DurationP99 []float64
	DurationAvg []float64
	Concurrent  []float64 // Maximum per period
	IteratorAge []float64 // Maximum per period that has a datapoint
	// IteratorAgeSpan is the time from the first IteratorAge point to the
	// last when missing periods were dropped (0: one point per period).
	IteratorAgeSpan time.Duration
	DLQErrors       []float64
	Spillover       []float64
	// ErrorSamples is the Errors metric's SampleCount: the number of
	// invocations that reported (0 or 1) errors. It sizes the evidence
	// when Sum counts are weighted; 0 when unknown.
	ErrorSamples []float64
	// WindowP99 is the window's own p99 duration (a query whose period is
	// the whole window), which P99 and the p99 rule use: nil when it was
	// not asked for (then the largest per-period p99 of the later half
	// stands in), empty when no invocation reported a duration.
	WindowP99 []float64
}

// triageMetrics lists the queries TriageQueries makes, in order.
var triageMetrics = []struct{ metric, stat string }{
	{MetricInvocations, StatSum},
	{MetricErrors, StatSum},
	{MetricThrottles, StatSum},
	{MetricDuration, "p99"},
	{MetricDuration, StatAverage},
	{MetricConcurrent, StatMaximum},
	{MetricIteratorAge, StatMaximum},
	{MetricDLQErrors, StatSum},
	{MetricSpillover, StatSum},
	{MetricErrors, StatSamples},
}

// TriageQueriesPerFunction is how many metric queries triage makes per function.
var TriageQueriesPerFunction = len(triageMetrics)

// TriageQueries are the metric queries triage makes for one function.
func TriageQueries(function string, period time.Duration) []MetricQuery {
	out := make([]MetricQuery, len(triageMetrics))
	for i, m := range triageMetrics {
		out[i] = MetricQuery{Function: function, Metric: m.metric, Stat: m.stat, Period: period}
	}
	return out
}

// TriageFromSeries assembles a TriageSeries from the results of
// TriageQueries (same order).
func TriageFromSeries(period time.Duration, s []MetricSeries) TriageSeries {
	t := TriageSeries{Period: period}
	dst := []*[]float64{&t.Invocations, &t.Errors, &t.Throttles, &t.DurationP99, &t.DurationAvg,
		&t.Concurrent, &t.IteratorAge, &t.DLQErrors, &t.Spillover, &t.ErrorSamples}
	for i := range dst {
		if i < len(s) {
			*dst[i] = s[i].Values
		}
	}
	// IteratorAge is a gauge reported when the mapping polls, not every
	// minute: a minute without a datapoint is no data, not an age of 0.
	if i := 6; i < len(s) && s[i].Present != nil {
		t.IteratorAge = nil
		var first, last time.Time
		for j, v := range s[i].Values {
			if s[i].Has(j) {
				t.IteratorAge = append(t.IteratorAge, v)
				if j < len(s[i].Timestamps) {
					if first.IsZero() {
						first = s[i].Timestamps[j]
					}
					last = s[i].Timestamps[j]
				}
			}
		}
		t.IteratorAgeSpan = last.Sub(first)
	}
	return t
}

// HealthContext is what triage knows about a function besides its metrics.
type HealthContext struct {
	Reserved        *int // reserved concurrency, nil when none or unknown
	AccountLimit    int  // account concurrency limit (0 unknown)
	Unreserved      int  // account unreserved concurrency (0 unknown)
	Provisioned     int  // provisioned concurrency configured (0 none/unknown)
	MaxMemoryUsedMB int  // from REPORT lines (0 unknown)
	// ReportRate and ReportAvgBilledMs are the invocation rate (per second)
	// and mean billed duration measured from the same REPORT lines; they
	// price the memory finding when the metrics show no invocations.
	ReportRate        float64
	ReportAvgBilledMs float64
	Canary            *CanaryStats
	// Prices are the region's (zero: DefaultPrices); FleetGBSeconds is the
	// fleet's monthly on-demand GB-seconds on the function's architecture,
	// which sets the duration tier (CostInput.FleetGBSeconds).
	Prices         *Prices
	FleetGBSeconds float64
	// Alarms are the CloudWatch alarms on the function in ALARM (from
	// AlarmIndex.FiringFor); AlarmsAt is the time their durations run to.
	Alarms   []*Alarm
	AlarmsAt time.Time
	// Now, when set, enables the runtime-deprecation rule (RuntimeNote).
	Now time.Time
}

// CanaryStats are a weighted alias's invocations and errors per executed
// version over the window.
type CanaryStats struct {
	Alias              string
	Primary, Secondary string
	Weight             float64 // secondary's share
	PrimaryInv         float64
	PrimaryErr         float64
	SecondaryInv       float64
	SecondaryErr       float64
}

// Tier orders findings: an alarm outranks a warning, a warning a hint.
type Tier int

// Tiers of finding.
const (
	TierHealthy Tier = iota
	TierHint         // cost and sizing hints
	TierWarn         // worth a look
	TierAlarm        // what an on-call engineer alarms on
)

// Finding is one reason a function is on the triage board.
type Finding struct {
	Rule   string // error-rate, throttles, p99-timeout, iterator-age, dlq, concurrency, spillover, memory
	Tier   Tier
	Score  float64 // magnitude within the tier, bigger is worse
	Reason string
}

// Health is one function's triage result.
type Health struct {
	Function  string
	Tier      Tier
	Score     float64
	Findings  []Finding // worst first
	ErrorRate float64   // 0..1 over the window
	P99       time.Duration
	Invocations,
	Errors,
	Throttles float64
	Cost   CostEstimate
	Alarms int // CloudWatch alarms in ALARM (they rank the function first)
}

// Reason joins the findings' reasons, worst first.
func (h Health) Reason() string {
	parts := make([]string, len(h.Findings))
	for i, f := range h.Findings {
		parts[i] = f.Reason
	}
	return strings.Join(parts, "; ")
}

// Has reports whether a finding with the rule is present.
func (h Health) Has(rule string) bool {
	for _, f := range h.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// Thresholds of the triage rules.
const (
	ErrorRateThreshold   = 0.01 // error rate above 1%
	ErrorRateAlarm       = 0.02 // below this an error rate above 1% is listed as a hint
	P99TimeoutRatio      = 0.80 // p99 at or above 80% of the timeout
	HeadroomRatio        = 0.90 // concurrency at or above 90% of its limit
	MinErrorsForRate     = 3    // fewer errors than this are noise
	MinCanaryErrors      = 2    // a canary version's errors: its traffic is a small share
	MinErrorZ            = 2.0  // errors must lie this many σ above 1% (low traffic is noisy)
	MinMemoryWaste       = 10.0 // $/month an oversized function must waste to be flagged
	MemoryHintBelowRatio = 0.25 // hint when max memory used is under 25%
)

func sumF(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t
}

func maxF(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		if x > m {
			m = x
		}
	}
	return m
}

func tailF(v []float64, n int) []float64 {
	if len(v) <= n {
		return v
	}
	return v[len(v)-n:]
}

// errorZ is how many standard deviations errors lie above what an error
// rate of exactly the threshold would give for inv invocations.
func errorZ(errors, inv float64) float64 {
	exp := inv * ErrorRateThreshold
	if exp <= 0 {
		return 0
	}
	return (errors - exp) / math.Sqrt(exp*(1-ErrorRateThreshold))
}

// Assess applies the triage rules to one function.
func Assess(fn Function, s TriageSeries, hc HealthContext) Health {
	h := Health{Function: fn.Name}
	inv, errs, thr := sumF(s.Invocations), sumF(s.Errors), sumF(s.Throttles)
	h.Invocations, h.Errors, h.Throttles = inv, errs, thr
	if inv > 0 {
		h.ErrorRate = errs / inv
	}

	// Error rate: over the whole window, and over the last quarter so that
	// a recent jump is not diluted by a healthy hour. Either may flag it.
	{
		type win struct {
			rate, z, errs float64
			where         string
		}
		// The evidence: the number of samples behind the rate, when the
		// metric says (its SampleCount), else the invocations.
		cand := func(inv, errs, samples float64, where string) win {
			rate := errs / inv
			n := inv
			if samples > 0 {
				n = samples
			}
			return win{rate, errorZ(rate*n, n), rate * n, where}
		}
		var cands []win
		if inv > 0 {
			cands = append(cands, cand(inv, errs, sumF(s.ErrorSamples), ""))
		}
		if q := len(s.Invocations) / 4; q >= 1 {
			ri, re := sumF(tailF(s.Invocations, q)), sumF(tailF(s.Errors, q))
			if ri > 0 {
				cands = append(cands, cand(ri, re, sumF(tailF(s.ErrorSamples, q)),
					fmt.Sprintf(" (last %s)", compactDuration(time.Duration(q)*s.Period))))
			}
		}
		best := -1
		for i, c := range cands {
			if c.rate > ErrorRateThreshold && c.errs >= MinErrorsForRate && c.z >= MinErrorZ && (best < 0 || c.z > cands[best].z) {
				best = i
			}
		}
		if c := hc.Canary; c != nil && c.SecondaryInv > 0 {
			rs := c.SecondaryErr / c.SecondaryInv
			rp := 0.0
			if c.PrimaryInv > 0 {
				rp = c.PrimaryErr / c.PrimaryInv
			}
			if z := errorZ(c.SecondaryErr, c.SecondaryInv); rs > ErrorRateThreshold && c.SecondaryErr >= MinCanaryErrors && rs > 2*rp && z > 0 {
				h.Findings = append(h.Findings, Finding{Rule: "error-rate", Tier: TierAlarm, Score: 50 + max(z, 1),
					Reason: fmt.Sprintf("error rate v%s %s vs v%s %s (alias %s, canary %d%%)", c.Secondary, fmtPct(rs),
						c.Primary, fmtPct(rp), c.Alias, int(math.Round(c.Weight*100)))})
				best = -1
			}
		}
		if best >= 0 {
			c := cands[best]
			f := Finding{Rule: "error-rate", Tier: TierAlarm, Score: 50 + c.z,
				Reason: fmt.Sprintf("error rate %s > 1%%%s", fmtPct(c.rate), c.where)}
			if c.rate < ErrorRateAlarm {
				// Just above the line: sampling noise at low traffic looks
				// the same, so it is listed, below every alarm.
				f.Tier, f.Score = TierHint, c.rate*100
			}
			h.Findings = append(h.Findings, f)
		}
	}
	if thr > 0 {
		reason := fmt.Sprintf("%s throttles", fmtCount(thr))
		if hc.Reserved != nil {
			reason += fmt.Sprintf(" (reserved %d)", *hc.Reserved)
		}
		share := thr / (thr + inv)
		h.Findings = append(h.Findings, Finding{Rule: "throttles", Tier: TierAlarm, Score: 40 + 100*share + math.Log10(1+thr), Reason: reason})
	}
	if dlq := sumF(s.DLQErrors); dlq > 0 {
		h.Findings = append(h.Findings, Finding{Rule: "dlq", Tier: TierAlarm, Score: 45 + math.Log10(1+dlq),
			Reason: fmt.Sprintf("%s dead-letter errors", fmtCount(dlq))})
	}
	if p99, ok := windowP99(s); fn.TimeoutSec > 0 && ok {
		h.P99 = time.Duration(p99 * float64(time.Millisecond))
		ratio := p99 / (float64(fn.TimeoutSec) * 1000)
		if ratio >= P99TimeoutRatio {
			h.Findings = append(h.Findings, Finding{Rule: "p99-timeout", Tier: TierAlarm, Score: 30 + 20*ratio,
				Reason: fmt.Sprintf("p99 %s = %d%% of %ds timeout", compactDuration(h.P99), int(math.Round(ratio*100)), fn.TimeoutSec)})
		}
	}
	if f, ok := iteratorRising(s.IteratorAge, s.Period, s.IteratorAgeSpan); ok {
		h.Findings = append(h.Findings, f)
	}
	if sp := sumF(s.Spillover); sp > 0 {
		reason := fmt.Sprintf("provisioned-concurrency spillover: %s invocations", fmtCount(sp))
		if hc.Provisioned > 0 {
			reason += fmt.Sprintf(" (provisioned %d)", hc.Provisioned)
		}
		h.Findings = append(h.Findings, Finding{Rule: "spillover", Tier: TierWarn, Score: 20 + math.Log10(1+sp), Reason: reason})
	}
	if peak := maxF(s.Concurrent); peak > 0 {
		limit, what := 0, ""
		switch {
		case hc.Reserved != nil && *hc.Reserved > 0:
			limit, what = *hc.Reserved, "reserved"
		case hc.Unreserved > 0:
			limit, what = hc.Unreserved, "unreserved account"
		}
		if limit > 0 && peak/float64(limit) >= HeadroomRatio {
			h.Findings = append(h.Findings, Finding{Rule: "concurrency", Tier: TierWarn, Score: 10 + 10*peak/float64(limit),
				Reason: fmt.Sprintf("concurrency %d of %d %s", int(peak), limit, what)})
		}
	}
	prices := DefaultPrices
	if hc.Prices != nil {
		prices = *hc.Prices
	}
	h.Cost = EstimateCost(CostInput{
		Architecture: fn.Architecture, MemoryMB: fn.MemoryMB, EphemeralMB: fn.EphemeralMB,
		Window: time.Duration(len(s.Invocations)) * s.Period, Invocations: inv,
		AvgDurationMs: weightedMean(s.DurationAvg, s.Invocations), Provisioned: hc.Provisioned,
		MaxMemoryUsedMB: hc.MaxMemoryUsedMB, FleetGBSeconds: hc.FleetGBSeconds,
	}, prices)
	if hc.MaxMemoryUsedMB > 0 && fn.MemoryMB > 0 {
		use := float64(hc.MaxMemoryUsedMB) / float64(fn.MemoryMB)
		// Sized at twice what it uses, the duration charge would shrink
		// about in proportion (ignoring the CPU that comes with memory).
		waste := h.Cost.Compute * (1 - min(1, 2*use))
		if inv == 0 && hc.ReportRate > 0 && hc.ReportAvgBilledMs > 0 {
			price := prices.GBSecondX86
			if fn.Architecture == "arm64" {
				price = prices.GBSecondARM
			}
			spare := max(0, float64(fn.MemoryMB)-2*float64(hc.MaxMemoryUsedMB)) / 1024
			waste = hc.ReportRate * HoursPerMonth * 3600 * hc.ReportAvgBilledMs / 1000 * spare * price
		}
		if use < MemoryHintBelowRatio && waste >= MinMemoryWaste {
			h.Findings = append(h.Findings, Finding{Rule: "memory", Tier: TierHint, Score: 5 + math.Log10(waste),
				Reason: fmt.Sprintf("uses %d%% of its %d MB (~%s/month to save)", int(math.Round(use*100)), fn.MemoryMB, FormatDollars(waste))})
		}
	}
	ApplyAlarms(&h, hc)
	if f, ok := runtimeFinding(fn, hc.Now); ok {
		h.Findings = append(h.Findings, f)
	}
	sort.SliceStable(h.Findings, func(i, j int) bool {
		a, b := h.Findings[i], h.Findings[j]
		if a.Tier != b.Tier {
			return a.Tier > b.Tier
		}
		return a.Score > b.Score
	})
	if len(h.Findings) > 0 {
		h.Tier, h.Score = h.Findings[0].Tier, h.Findings[0].Score
		// Extra findings add a little, never more than a tier.
		for _, f := range h.Findings[1:] {
			if f.Tier == h.Tier {
				h.Score += f.Score / 100
			}
		}
	}
	return h
}

// windowP99 is the p99 Assess reports, ok false when there is none.
func windowP99(s TriageSeries) (float64, bool) {
	if s.WindowP99 != nil {
		if len(s.WindowP99) == 0 {
			return 0, false
		}
		return s.WindowP99[0], true
	}
	return maxF(tailF(s.DurationP99, max(1, len(s.DurationP99)/2))), true
}

func weightedMean(v, w []float64) float64 {
	var num, den float64
	for i := range v {
		if i < len(w) {
			num += v[i] * w[i]
			den += w[i]
		}
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// iteratorRising flags an IteratorAge that grows across the window and is
// already large enough to matter (over 30 s).
func iteratorRising(v []float64, period, span time.Duration) (Finding, bool) {
	pts := v
	if len(pts) < 3 {
		return Finding{}, false
	}
	third := len(pts) / 3
	first := meanF(pts[:third])
	last := meanF(pts[len(pts)-third:])
	latest := pts[len(pts)-1]
	// Rising: half as old again, or (on a window short next to the age)
	// ageing at least half as fast as the clock, i.e. falling behind.
	elapsedMs := float64(len(pts)-third) * float64(period/time.Millisecond)
	if span > 0 {
		elapsedMs = float64(span/time.Millisecond) * float64(len(pts)-third) / float64(len(pts)-1)
	}
	behind := elapsedMs > 0 && last-first >= 0.5*elapsedMs
	if latest < 30_000 || (last <= first*1.5 && !behind) || slopeF(pts) <= 0 {
		return Finding{}, false
	}
	from := time.Duration(first * float64(time.Millisecond))
	to := time.Duration(latest * float64(time.Millisecond))
	return Finding{Rule: "iterator-age", Tier: TierAlarm, Score: 35 + math.Log10(latest/1000),
		Reason: fmt.Sprintf("IteratorAge rising %s → %s", compactDuration(from), compactDuration(to))}, true
}

func meanF(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return sumF(v) / float64(len(v))
}

// slope is the least-squares slope of v against its index.
func slopeF(v []float64) float64 {
	n := float64(len(v))
	var sx, sy, sxy, sxx float64
	for i, y := range v {
		x := float64(i)
		sx += x
		sy += y
		sxy += x * y
		sxx += x * x
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// Rank orders triage results worst first: by tier, then score, then name.
func Rank(hs []Health) {
	sort.SliceStable(hs, func(i, j int) bool {
		a, b := hs[i], hs[j]
		if a.Tier != b.Tier {
			return a.Tier > b.Tier
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Function < b.Function
	})
}

// fmtPct renders a rate with one decimal, as every ERR% cell does, so a
// reason never reads "15%" beside a column saying 14.7.
func fmtPct(r float64) string { return fmt.Sprintf("%.1f%%", r*100) }

func fmtCount(v float64) string { return thousands(int64(math.Round(v))) }

// compactDuration renders d compactly: 850ms, 27.1s, 14.5m, 2.0h.
func compactDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		if d%time.Minute == 0 {
			return fmt.Sprintf("%dm", int(d.Minutes()))
		}
		return fmt.Sprintf("%.1fm", d.Minutes())
	}
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%.1fh", d.Hours())
}

// ShortDuration renders d compactly (850ms, 27.1s, 14.5m, 2h).
func ShortDuration(d time.Duration) string { return compactDuration(d) }

// runtimeFinding flags a function whose runtime is deprecated or will be
// within RuntimeSoon. It is a hint: the function still runs, and the
// board ranks what is failing now above what must be migrated.
func runtimeFinding(fn Function, now time.Time) (Finding, bool) {
	if now.IsZero() || fn.Runtime == "" {
		return Finding{}, false
	}
	ph := RuntimePhaseOf(fn.Runtime, now)
	if ph < RuntimeDeprecating {
		return Finding{}, false
	}
	return Finding{Rule: "runtime", Tier: TierHint, Score: 1 + float64(ph)/10, Reason: "runtime " + fn.Runtime + " " + RuntimeNote(fn.Runtime, now)}, true
}
