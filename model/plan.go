package model

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// VersionHealth is one version's health behind an alias over a window.
type VersionHealth struct {
	Version     string
	Invocations float64
	Errors      float64
	Throttles   float64
	P50Ms       float64
	P99Ms       float64
	TimeoutMs   float64 // the version's configured timeout; 0 when unknown
	ColdStarts  float64
	ColdKnown   bool // cold starts come from REPORT lines, not CloudWatch: false when not gathered
	// Alarms are the CloudWatch alarms in ALARM on the function, the alias
	// or this version (names), for a plan's alarm abort conditions.
	Alarms []string
}

// ErrorPct is errors per invocation in percent (0 with no invocations).
func (h VersionHealth) ErrorPct() float64 {
	if h.Invocations <= 0 {
		return 0
	}
	return 100 * h.Errors / h.Invocations
}

// P99OfTimeout is p99 as a fraction of the timeout (0 when unknown).
func (h VersionHealth) P99OfTimeout() float64 {
	if h.TimeoutMs <= 0 {
		return 0
	}
	return h.P99Ms / h.TimeoutMs
}

// HealthFromSeries folds per-minute series into a VersionHealth, counting
// only points at or after since (zero since: all). Invocations, errors and
// throttles are summed; p50 is the invocation-weighted mean of the per-minute
// p50s and p99 the worst per-minute p99 (an upper bound, on purpose).
func HealthFromSeries(version string, inv, errs, thr, p50, p99 MetricSeries, since time.Time) VersionHealth {
	h := VersionHealth{Version: version}
	in := func(s MetricSeries, i int) bool {
		return i < len(s.Timestamps) && !s.Timestamps[i].Before(since) || len(s.Timestamps) == 0 && since.IsZero()
	}
	sum := func(s MetricSeries) float64 {
		var t float64
		for i, v := range s.Values {
			if in(s, i) {
				t += v
			}
		}
		return t
	}
	h.Invocations, h.Errors, h.Throttles = sum(inv), sum(errs), sum(thr)
	var wsum, w float64
	for i, v := range p50.Values {
		if !in(p50, i) || v <= 0 {
			continue
		}
		weight := 1.0
		if i < len(inv.Values) && inv.Values[i] > 0 {
			weight = inv.Values[i]
		}
		wsum += v * weight
		w += weight
	}
	if w > 0 {
		h.P50Ms = wsum / w
	}
	for i, v := range p99.Values {
		if in(p99, i) && v > h.P99Ms {
			h.P99Ms = v
		}
	}
	return h
}

// CompareThresholds say how much worse the canary may be than the stable
// version before the cockpit shows it red.
type CompareThresholds struct {
	ErrorPctPoints float64 // canary error % above stable's by more than this
	P99Ratio       float64 // canary p99 above stable's × this
	P50Ratio       float64 // canary p50 above stable's × this
	ColdRatio      float64 // canary cold starts per invocation above stable's × this
	MinInvocations float64 // below this many canary invocations nothing is judged
}

// DefaultCompareThresholds: 1 point of error %, 20 % slower p99 and p50,
// twice the cold-start rate, judged from 10 invocations.
func DefaultCompareThresholds() CompareThresholds {
	return CompareThresholds{ErrorPctPoints: 1, P99Ratio: 1.2, P50Ratio: 1.2, ColdRatio: 2, MinInvocations: 10}
}

// HealthComparison flags the canary's numbers that are worse than the stable version's.
type HealthComparison struct {
	Judged    bool // enough canary invocations to judge
	Errors    bool
	Throttles bool
	P50       bool
	P99       bool
	Cold      bool
}

// Worse reports whether any number is worse beyond its threshold.
func (c HealthComparison) Worse() bool { return c.Errors || c.Throttles || c.P50 || c.P99 || c.Cold }

// CompareHealth compares the canary with the stable version.
func CompareHealth(stable, canary VersionHealth, th CompareThresholds) HealthComparison {
	c := HealthComparison{Judged: canary.Invocations >= th.MinInvocations && canary.Invocations > 0}
	// throttles are judged at any volume: a throttled canary is worse however little it runs
	c.Throttles = canary.Throttles > 0 && rate(canary.Throttles, canary.Invocations) > rate(stable.Throttles, stable.Invocations)
	if !c.Judged {
		return c
	}
	c.Errors = canary.ErrorPct() > stable.ErrorPct()+th.ErrorPctPoints
	c.P99 = canary.P99Ms > 0 && canary.P99Ms > stable.P99Ms*th.P99Ratio
	c.P50 = canary.P50Ms > 0 && canary.P50Ms > stable.P50Ms*th.P50Ratio
	if canary.ColdKnown && stable.ColdKnown {
		c.Cold = canary.ColdStarts > 0 && rate(canary.ColdStarts, canary.Invocations) > rate(stable.ColdStarts, stable.Invocations)*th.ColdRatio
	}
	return c
}

func rate(n, of float64) float64 {
	if of <= 0 {
		if n > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return n / of
}

// PlanStep is one weight of a guarded plan and how long it dwells there.
type PlanStep struct {
	Weight float64 // 0..1; 1 means promote
	Dwell  time.Duration
}

// Plan is a guarded canary rollout run by the client: step through the
// weights, dwelling at each, and abort to the primary when a threshold trips.
type Plan struct {
	Steps []PlanStep
	// Abort thresholds on the canary version.
	MaxErrorPct     float64 // abort when its error % exceeds this (judged from MinInvocations)
	MaxP99Ms        float64 // abort when its p99 exceeds this; 0 disables
	AbortOnThrottle bool    // abort on any throttle
	MinInvocations  float64 // canary invocations needed before error % is judged
	// CloudWatch alarms: abort when any alarm on the function, the alias or
	// the canary version is in ALARM (AbortOnAlarms, "alarms"), or when one
	// of the named alarms is ("alarm:<name>", "abort on alarm <name>").
	AbortOnAlarms bool
	AbortAlarms   []string
}

// DefaultPlan is 10 % → 25 % → 50 % → 100 %, 5 minutes each, aborting above
// 5 % errors or on any throttle.
func DefaultPlan() Plan {
	return Plan{
		Steps: []PlanStep{
			{Weight: 0.10, Dwell: 5 * time.Minute},
			{Weight: 0.25, Dwell: 5 * time.Minute},
			{Weight: 0.50, Dwell: 5 * time.Minute},
			{Weight: 1, Dwell: 0},
		},
		MaxErrorPct:     5,
		AbortOnThrottle: true,
		MinInvocations:  10,
	}
}

// Validate checks the plan: at least one step, weights strictly rising
// within 0..1, non-negative dwell times and thresholds.
func (p Plan) Validate() error {
	if len(p.Steps) == 0 {
		return errors.New("a plan needs at least one step, e.g. 10,25,50,100")
	}
	prev := 0.0
	for i, s := range p.Steps {
		if s.Weight <= prev || s.Weight > 1 {
			return fmt.Errorf("step %d: weight %s must rise above the previous step (%s) and stay within 100%%",
				i+1, FormatWeight(s.Weight), FormatWeight(prev))
		}
		if s.Dwell < 0 {
			return fmt.Errorf("step %d: dwell time must not be negative", i+1)
		}
		prev = s.Weight
	}
	if p.MaxErrorPct < 0 || p.MaxP99Ms < 0 || p.MinInvocations < 0 {
		return errors.New("thresholds must not be negative")
	}
	return nil
}

// Describe prints the plan: "10% 5m → 25% 5m → 50% 5m → 100%; abort: errors > 5%, any throttle".
func (p Plan) Describe() string {
	var parts []string
	for _, s := range p.Steps {
		if s.Weight >= 1 {
			parts = append(parts, "100%")
			continue
		}
		parts = append(parts, FormatWeight(s.Weight)+" "+shortDuration(s.Dwell))
	}
	var ab []string
	ab = append(ab, "errors > "+strconv.FormatFloat(p.MaxErrorPct, 'f', -1, 64)+"%")
	if p.MaxP99Ms > 0 {
		ab = append(ab, "p99 > "+strconv.FormatFloat(p.MaxP99Ms, 'f', -1, 64)+"ms")
	}
	if p.AbortOnThrottle {
		ab = append(ab, "any throttle")
	}
	if p.AbortOnAlarms {
		ab = append(ab, "any alarm in ALARM")
	}
	for _, a := range p.AbortAlarms {
		ab = append(ab, "alarm "+a)
	}
	return strings.Join(parts, " → ") + "; abort: " + strings.Join(ab, ", ")
}

// ParsePlanSteps reads "10,25,50,100" (percentages) with one dwell for every step.
func ParsePlanSteps(s string, dwell time.Duration) ([]PlanStep, error) {
	var out []PlanStep
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '>' || r == '→' || r == '-' }) {
		w, err := ParseWeight(f)
		if err != nil {
			return nil, err
		}
		out = append(out, PlanStep{Weight: w, Dwell: dwell})
	}
	if len(out) == 0 {
		return nil, errors.New("type the steps as percentages, e.g. 10,25,50,100")
	}
	return out, nil
}

func shortDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.Round(time.Second).String()
}

// PlanPhase is where a plan run is.
type PlanPhase string

const (
	PlanPending  PlanPhase = "pending"  // no step applied yet
	PlanRunning  PlanPhase = "running"  // dwelling at Steps[Step]
	PlanPromoted PlanPhase = "promoted" // finished: the alias points at the new version
	PlanAborted  PlanPhase = "aborted"  // finished: routing removed, traffic on the primary
)

// PlanState is a plan run's progress. The zero value with Phase PlanPending
// is a plan not yet started.
type PlanState struct {
	Phase       PlanPhase
	Step        int       // index of the step whose weight is applied
	Started     time.Time // when the first step was applied
	StepStarted time.Time // when the current step was applied
	Reason      string    // why it aborted
}

// NewPlanState is a plan not yet started.
func NewPlanState() PlanState { return PlanState{Phase: PlanPending, Step: -1} }

// Finished reports whether the plan promoted or aborted.
func (s PlanState) Finished() bool { return s.Phase == PlanPromoted || s.Phase == PlanAborted }

// DecisionKind is what a plan says to do next.
type DecisionKind string

const (
	DecideWait    DecisionKind = "wait"
	DecideShift   DecisionKind = "shift"
	DecidePromote DecisionKind = "promote"
	DecideAbort   DecisionKind = "abort"
	DecideDone    DecisionKind = "done"
)

// PlanDecision is one decision: wait (Remaining until the next step), shift
// to Weight, promote, abort (Reason says which threshold tripped) or done.
type PlanDecision struct {
	Kind      DecisionKind
	Weight    float64
	Step      int // the step a shift or promote applies
	Remaining time.Duration
	Reason    string
}

// Trip reports which abort threshold the canary's health trips, or "".
func (p Plan) Trip(canary VersionHealth) string {
	if r := p.tripAlarms(canary.Alarms); r != "" {
		return r
	}
	if p.AbortOnThrottle && canary.Throttles > 0 {
		return fmt.Sprintf("version %s was throttled %s times", canary.Version, strconv.FormatFloat(canary.Throttles, 'f', -1, 64))
	}
	if canary.Invocations >= p.MinInvocations && canary.Invocations > 0 && canary.ErrorPct() > p.MaxErrorPct {
		return fmt.Sprintf("version %s error rate %.1f%% is above %s%% (%s errors in %s invocations)", canary.Version,
			canary.ErrorPct(), strconv.FormatFloat(p.MaxErrorPct, 'f', -1, 64),
			strconv.FormatFloat(canary.Errors, 'f', -1, 64), strconv.FormatFloat(canary.Invocations, 'f', -1, 64))
	}
	if p.MaxP99Ms > 0 && canary.P99Ms > p.MaxP99Ms {
		return fmt.Sprintf("version %s p99 %.0f ms is above %s ms", canary.Version, canary.P99Ms, strconv.FormatFloat(p.MaxP99Ms, 'f', -1, 64))
	}
	return ""
}

// Decide says what to do now, given the run's state, the clock and the
// canary's latest health (over the plan's run so far). A tripped threshold
// aborts at any point while the canary takes traffic; otherwise the plan
// waits out each step's dwell, then shifts to the next weight, and promotes
// after the last step (or at a step of 100 %).
func (p Plan) Decide(st PlanState, now time.Time, canary VersionHealth) PlanDecision {
	if st.Finished() {
		return PlanDecision{Kind: DecideDone, Reason: st.Reason}
	}
	if len(p.Steps) == 0 {
		return PlanDecision{Kind: DecideDone, Reason: "empty plan"}
	}
	if st.Phase == PlanPending || st.Step < 0 {
		return p.stepDecision(0)
	}
	if reason := p.Trip(canary); reason != "" {
		return PlanDecision{Kind: DecideAbort, Reason: reason}
	}
	cur := p.Steps[min(st.Step, len(p.Steps)-1)]
	if left := st.StepStarted.Add(cur.Dwell).Sub(now); left > 0 {
		return PlanDecision{Kind: DecideWait, Step: st.Step, Weight: cur.Weight, Remaining: left}
	}
	if st.Step+1 >= len(p.Steps) {
		return PlanDecision{Kind: DecidePromote, Step: st.Step + 1, Weight: 1}
	}
	return p.stepDecision(st.Step + 1)
}

func (p Plan) stepDecision(i int) PlanDecision {
	w := p.Steps[i].Weight
	if w >= 1 {
		return PlanDecision{Kind: DecidePromote, Step: i, Weight: 1}
	}
	return PlanDecision{Kind: DecideShift, Step: i, Weight: w}
}

// Applied is the state after decision d was carried out at now.
func (s PlanState) Applied(d PlanDecision, now time.Time) PlanState {
	switch d.Kind {
	case DecideShift:
		if s.Phase == PlanPending {
			s.Started = now
		}
		s.Phase, s.Step, s.StepStarted = PlanRunning, d.Step, now
	case DecidePromote:
		if s.Phase == PlanPending {
			s.Started = now
		}
		s.Phase, s.Step, s.StepStarted = PlanPromoted, d.Step, now
	case DecideAbort:
		s.Phase, s.Reason = PlanAborted, d.Reason
	}
	return s
}

// Progress is how far the run is, 0..1, counting dwell time within steps.
func (p Plan) Progress(s PlanState, now time.Time) float64 {
	if s.Finished() {
		return 1
	}
	if s.Step < 0 || len(p.Steps) == 0 {
		return 0
	}
	frac := 0.0
	if d := p.Steps[s.Step].Dwell; d > 0 {
		frac = math.Min(1, float64(now.Sub(s.StepStarted))/float64(d))
	}
	return math.Min(1, (float64(s.Step)+frac)/float64(len(p.Steps)))
}

// Spec prints the plan in the form ParsePlan reads:
// "10,25,50,100 every 5m; errors>5 p99>2000 throttles min=10".
func (p Plan) Spec() string {
	var ws []string
	dwell := time.Duration(0)
	for _, s := range p.Steps {
		ws = append(ws, strings.TrimSuffix(FormatWeight(s.Weight), "%"))
		if s.Dwell > dwell {
			dwell = s.Dwell
		}
	}
	out := strings.Join(ws, ",") + " every " + shortDuration(dwell) + "; errors>" + strconv.FormatFloat(p.MaxErrorPct, 'f', -1, 64)
	if p.MaxP99Ms > 0 {
		out += " p99>" + strconv.FormatFloat(p.MaxP99Ms, 'f', -1, 64)
	}
	if p.AbortOnThrottle {
		out += " throttles"
	} else {
		out += " no-throttles"
	}
	out += " min=" + strconv.FormatFloat(p.MinInvocations, 'f', -1, 64)
	if p.AbortOnAlarms {
		out += " alarms"
	}
	for _, a := range p.AbortAlarms {
		out += " alarm:" + a
	}
	return out
}

// tripAlarms is the alarm abort condition met by the alarms in ALARM, or "".
func (p Plan) tripAlarms(firing []string) string {
	for _, want := range p.AbortAlarms {
		for _, f := range firing {
			if f == want {
				return "alarm " + f + " is in ALARM"
			}
		}
	}
	if p.AbortOnAlarms && len(firing) > 0 {
		return "alarm " + firing[0] + " is in ALARM"
	}
	return ""
}

// ParsePlan reads a plan typed by an operator. Fields, in any order, split
// by spaces or ';': the steps as percentages ("10,25,50,100"), the dwell
// for each step ("every 5m" or "@5m"), and the abort thresholds
// ("errors>5" in %, "p99>2000" in ms, "throttles" or "no-throttles",
// "min=10" invocations before error % is judged). Omitted fields take
// DefaultPlan's values.
func ParsePlan(spec string) (Plan, error) {
	p := DefaultPlan()
	dwell := p.Steps[0].Dwell
	stepsText := ""
	fields := strings.FieldsFunc(spec, func(r rune) bool { return r == ' ' || r == ';' || r == '\t' })
	for i := 0; i < len(fields); i++ {
		f := strings.ToLower(fields[i])
		num := func(prefix string) (float64, error) {
			v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(f, prefix), "%"), "ms"), 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("%q: expected %s followed by a non-negative number", fields[i], prefix)
			}
			return v, nil
		}
		var err error
		switch {
		case f == "every" && i+1 < len(fields):
			i++
			dwell, err = time.ParseDuration(fields[i])
			if err != nil || dwell < 0 {
				return Plan{}, fmt.Errorf("dwell %q: type a duration such as 5m or 90s", fields[i])
			}
		case strings.HasPrefix(f, "@"):
			dwell, err = time.ParseDuration(f[1:])
			if err != nil || dwell < 0 {
				return Plan{}, fmt.Errorf("dwell %q: type a duration such as 5m or 90s", fields[i])
			}
		case strings.HasPrefix(f, "errors>"), strings.HasPrefix(f, "err>"):
			p.MaxErrorPct, err = num(f[:strings.Index(f, ">")+1])
		case strings.HasPrefix(f, "p99>"):
			p.MaxP99Ms, err = num("p99>")
		case strings.HasPrefix(f, "min="):
			p.MinInvocations, err = num("min=")
		case f == "throttles" || f == "throttle":
			p.AbortOnThrottle = true
		case f == "no-throttles" || f == "no-throttle":
			p.AbortOnThrottle = false
		case f == "alarms":
			p.AbortOnAlarms = true
		case strings.HasPrefix(f, "alarm:") || strings.HasPrefix(f, "alarm="):
			if name := fields[i][len("alarm:"):]; name != "" {
				p.AbortAlarms = append(p.AbortAlarms, name)
			} else {
				err = fmt.Errorf("%q: name the alarm, e.g. alarm:checkout-api-errors", fields[i])
			}
		case f == "abort" && i+3 < len(fields) && strings.EqualFold(fields[i+1], "on") && strings.EqualFold(fields[i+2], "alarm"):
			p.AbortAlarms = append(p.AbortAlarms, fields[i+3])
			i += 3
		case f == "abort" && i+2 < len(fields) && strings.EqualFold(fields[i+1], "on") && strings.EqualFold(fields[i+2], "alarms"):
			p.AbortOnAlarms = true
			i += 2
		case strings.IndexFunc(f, func(r rune) bool { return (r < '0' || r > '9') && r != ',' && r != '.' && r != '%' }) < 0:
			stepsText += "," + f
		default:
			return Plan{}, fmt.Errorf("%q is not part of a plan: use steps like 10,25,50,100, every 5m, errors>5, p99>2000, throttles, min=10, alarms, alarm:<name>", fields[i])
		}
		if err != nil {
			return Plan{}, err
		}
	}
	if stepsText != "" {
		steps, err := ParsePlanSteps(stepsText, dwell)
		if err != nil {
			return Plan{}, err
		}
		p.Steps = steps
	} else {
		for i := range p.Steps {
			p.Steps[i].Dwell = dwell
		}
	}
	return p, p.Validate()
}
