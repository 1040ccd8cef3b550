package model

import (
	"sort"
	"strings"
	"time"
)

// CloudWatch alarm states.
const (
	AlarmOK           = "OK"
	AlarmAlarm        = "ALARM"
	AlarmInsufficient = "INSUFFICIENT_DATA"
)

// AlarmDim is a metric dimension.
type AlarmDim struct{ Name, Value string }

// AlarmMetric is one metric or expression of a metric-math alarm.
type AlarmMetric struct {
	ID, Label  string
	Namespace  string
	Metric     string
	Dimensions []AlarmDim
	Stat       string
	Period     time.Duration
	Expression string
	ReturnData bool
}

// Alarm is a CloudWatch metric or composite alarm.
type Alarm struct {
	Name, ARN, Description string
	Composite              bool

	State             string // OK, ALARM, INSUFFICIENT_DATA
	Reason            string
	ReasonData        string // JSON
	StateUpdated      time.Time
	StateTransitioned time.Time // zero when the endpoint does not say
	ActionsEnabled    bool
	AlarmActions      []string

	// Metric alarms: one metric, or Metrics (metric math).
	Namespace, MetricName, Statistic string
	Dimensions                       []AlarmDim
	Period                           time.Duration
	EvaluationPeriods                int
	DatapointsToAlarm                int
	Threshold                        float64
	Comparison                       string
	TreatMissing                     string
	Metrics                          []AlarmMetric

	// Composite alarms.
	Rule string
}

// Since is when the alarm entered its state (the transition time, or the
// last update when the endpoint gives no transition time).
func (a *Alarm) Since() time.Time {
	if !a.StateTransitioned.IsZero() {
		return a.StateTransitioned
	}
	return a.StateUpdated
}

// ComparisonSymbol is the comparison as a symbol (>, >=, <, <=).
func (a *Alarm) ComparisonSymbol() string {
	switch a.Comparison {
	case "GreaterThanOrEqualToThreshold":
		return ">="
	case "GreaterThanThreshold":
		return ">"
	case "LessThanThreshold":
		return "<"
	case "LessThanOrEqualToThreshold":
		return "<="
	}
	return a.Comparison
}

// AlarmHistory is one entry of an alarm's history.
type AlarmHistory struct {
	Alarm   string
	Time    time.Time
	Type    string // StateUpdate, ConfigurationUpdate, Action
	Summary string
	Data    string // JSON
}

// AlarmTarget is what a metric of an alarm watches on AWS/Lambda: a
// function, optionally a qualifier (Resource "fn:alias" or "fn:version")
// and the version that ran (ExecutedVersion).
type AlarmTarget struct {
	Function, Qualifier, ExecutedVersion string
}

// lambdaTarget reads a target from AWS/Lambda dimensions (ok false when
// they name no function).
func lambdaTarget(ns string, dims []AlarmDim) (AlarmTarget, bool) {
	if ns != "AWS/Lambda" {
		return AlarmTarget{}, false
	}
	var t AlarmTarget
	var res string
	for _, d := range dims {
		switch d.Name {
		case "FunctionName":
			t.Function = d.Value
		case "Resource":
			res = d.Value
		case "ExecutedVersion":
			t.ExecutedVersion = d.Value
		}
	}
	if res != "" {
		fn, q, ok := strings.Cut(res, ":")
		if t.Function == "" {
			t.Function = fn
		}
		if ok && fn == t.Function {
			t.Qualifier = q
		}
	}
	return t, t.Function != ""
}

// Targets lists what a metric alarm watches (its metric, or each metric of
// its metric math) on AWS/Lambda.
func (a *Alarm) Targets() []AlarmTarget {
	var out []AlarmTarget
	if t, ok := lambdaTarget(a.Namespace, a.Dimensions); ok {
		out = append(out, t)
	}
	for _, m := range a.Metrics {
		if t, ok := lambdaTarget(m.Namespace, m.Dimensions); ok && !containsTarget(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsTarget(ts []AlarmTarget, t AlarmTarget) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// RuleRefs returns the alarm names a composite rule names (ALARM(x),
// OK("x"), INSUFFICIENT_DATA(x)); ARNs are reduced to names.
func RuleRefs(rule string) []string {
	var out []string
	for i := 0; i < len(rule) && len(out) < 1000; {
		j := strings.IndexByte(rule[i:], '(')
		if j < 0 {
			break
		}
		open := i + j
		word := rule[:open]
		k := len(word)
		for k > 0 && (word[k-1] == '_' || word[k-1] >= 'A' && word[k-1] <= 'Z') {
			k--
		}
		fn := word[k:]
		i = open + 1
		if fn != AlarmAlarm && fn != AlarmOK && fn != AlarmInsufficient {
			continue
		}
		rest := strings.TrimLeft(rule[i:], " \t")
		skip := len(rule[i:]) - len(rest)
		var name string
		if strings.HasPrefix(rest, `"`) {
			e := strings.IndexByte(rest[1:], '"')
			if e < 0 {
				break
			}
			name = rest[1 : 1+e]
			i += skip + e + 2
		} else {
			e := strings.IndexByte(rest, ')')
			if e < 0 {
				break
			}
			name = strings.TrimSpace(rest[:e])
			i += skip + e
		}
		if name != "" {
			out = append(out, AlarmNameOf(name))
		}
	}
	return out
}

// AlarmNameOf returns the name of an alarm ARN (a name passes through).
func AlarmNameOf(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "arn:") {
		if i := strings.Index(s, ":alarm:"); i >= 0 {
			return s[i+len(":alarm:"):]
		}
	}
	return s
}

// AlarmMatch is an alarm that watches a function, with how it does.
type AlarmMatch struct {
	Alarm  *Alarm
	Target AlarmTarget // for a composite: the child's target
	Via    string      // for a composite: the child alarm that watches the function
}

// AlarmIndex indexes alarms by the functions they watch: AWS/Lambda
// FunctionName, Resource and ExecutedVersion dimensions, metric-math
// metrics and, for composites, through the alarms their rules name
// (transitively). Built once per read of the alarms; read-only after.
type AlarmIndex struct {
	Alarms  []Alarm // sorted by name
	byName  map[string]int
	byFn    map[string][]AlarmMatch // direct metric alarms
	parents map[string][]int        // alarm name → composites naming it
	compFn  map[string][]AlarmMatch // composites per function
	inAlarm map[string]int          // function → alarms in ALARM (direct and composite)
}

// NewAlarmIndex builds the index (it keeps alarms, sorting it by name).
func NewAlarmIndex(alarms []Alarm) *AlarmIndex {
	// DescribeAlarms returns alarms in name order: sorting (which moves the
	// large structs) only when they are not.
	if !sort.SliceIsSorted(alarms, func(i, j int) bool { return alarms[i].Name < alarms[j].Name }) {
		sort.Slice(alarms, func(i, j int) bool { return alarms[i].Name < alarms[j].Name })
	}
	ix := &AlarmIndex{Alarms: alarms, byName: make(map[string]int, len(alarms)),
		parents: map[string][]int{}, compFn: map[string][]AlarmMatch{}, inAlarm: map[string]int{}}
	// Two passes: count the matches per function, then carve every
	// function's slice out of one array (no growing, one allocation).
	type hit struct {
		a *Alarm
		t AlarmTarget
	}
	hits := make([]hit, 0, len(alarms))
	count := make(map[string]int, len(alarms)/2+1)
	for i := range alarms {
		a := &alarms[i]
		ix.byName[a.Name] = i
		if a.Composite {
			for _, ref := range RuleRefs(a.Rule) {
				ix.parents[ref] = append(ix.parents[ref], i)
			}
			continue
		}
		if len(a.Metrics) == 0 { // the common case, without a slice
			if t, ok := lambdaTarget(a.Namespace, a.Dimensions); ok {
				hits = append(hits, hit{a, t})
				count[t.Function]++
			}
			continue
		}
		for _, t := range a.Targets() {
			hits = append(hits, hit{a, t})
			count[t.Function]++
		}
	}
	all := make([]AlarmMatch, len(hits))
	ix.byFn = make(map[string][]AlarmMatch, len(count))
	off := 0
	for _, h := range hits {
		ms, ok := ix.byFn[h.t.Function]
		if !ok {
			n := count[h.t.Function]
			ms = all[off : off : off+n]
			off += n
		}
		ix.byFn[h.t.Function] = append(ms, AlarmMatch{Alarm: h.a, Target: h.t})
	}
	for fn, ms := range ix.byFn {
		var seenComp map[int]bool
		for k, m := range ms {
			dup := false
			for _, prev := range ms[:k] {
				dup = dup || prev.Alarm == m.Alarm
			}
			if m.Alarm.State == AlarmAlarm && !dup {
				ix.inAlarm[fn]++
			}
			if len(ix.parents[m.Alarm.Name]) > 0 {
				if seenComp == nil {
					seenComp = map[int]bool{}
				}
				ix.walkParents(fn, m, m.Alarm.Name, seenComp, 0)
			}
		}
	}
	return ix
}

func (ix *AlarmIndex) walkParents(fn string, m AlarmMatch, name string, seen map[int]bool, depth int) {
	if depth > 16 {
		return
	}
	for _, pi := range ix.parents[name] {
		if seen[pi] {
			continue
		}
		seen[pi] = true
		p := &ix.Alarms[pi]
		ix.compFn[fn] = append(ix.compFn[fn], AlarmMatch{Alarm: p, Target: m.Target, Via: m.Alarm.Name})
		if p.State == AlarmAlarm {
			ix.inAlarm[fn]++
		}
		ix.walkParents(fn, m, p.Name, seen, depth+1)
	}
}

// Len is the number of alarms.
func (ix *AlarmIndex) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.Alarms)
}

// Find returns the alarm with this name or ARN (as pasted from a page:
// surrounding spaces and quotes are ignored).
func (ix *AlarmIndex) Find(nameOrARN string) (*Alarm, bool) {
	if ix == nil {
		return nil, false
	}
	n := AlarmNameOf(strings.Trim(strings.TrimSpace(nameOrARN), `"'`))
	i, ok := ix.byName[n]
	if !ok {
		return nil, false
	}
	return &ix.Alarms[i], true
}

// ForFunction returns the metric alarms watching fn (any qualifier), then
// the composites that include them.
func (ix *AlarmIndex) ForFunction(fn string) []AlarmMatch {
	if ix == nil {
		return nil
	}
	if strings.HasPrefix(fn, "arn:") {
		return ix.forFunctionARN(fn)
	}
	out := append([]AlarmMatch(nil), ix.byFn[fn]...)
	return append(out, ix.compFn[fn]...)
}

// forFunctionARN is ForFunction for a function ARN: over several accounts
// and regions (one index over every pair) the same name may be two
// functions, so only the alarms of the ARN's own account and region count
// (an alarm without an ARN is kept).
func (ix *AlarmIndex) forFunctionARN(arn string) []AlarmMatch {
	p := strings.Split(arn, ":")
	if len(p) < 7 {
		return nil
	}
	region, account, name := p[3], p[4], p[6]
	var out []AlarmMatch
	for _, l := range [][]AlarmMatch{ix.byFn[name], ix.compFn[name]} {
		for _, m := range l {
			if m.Alarm == nil || m.Alarm.ARN == "" {
				out = append(out, m)
				continue
			}
			if q := strings.Split(m.Alarm.ARN, ":"); len(q) > 4 && q[3] == region && q[4] == account {
				out = append(out, m)
			}
		}
	}
	return out
}

// ForAlias returns the alarms of an alias: those on Resource fn:alias (any
// ExecutedVersion), those on its versions (Resource fn:v or
// ExecutedVersion v), and the composites including them.
func (ix *AlarmIndex) ForAlias(fn, alias string, versions ...string) []AlarmMatch {
	if ix == nil {
		return nil
	}
	isVer := map[string]bool{}
	for _, v := range versions {
		isVer[v] = true
	}
	keep := func(t AlarmTarget) bool {
		return t.Qualifier == alias || isVer[t.Qualifier] || t.ExecutedVersion != "" && isVer[t.ExecutedVersion] && (t.Qualifier == "" || t.Qualifier == alias)
	}
	var out []AlarmMatch
	for _, m := range ix.byFn[fn] {
		if keep(m.Target) {
			out = append(out, m)
		}
	}
	for _, m := range ix.compFn[fn] {
		if keep(m.Target) {
			out = append(out, m)
		}
	}
	return out
}

// InAlarm is how many of fn's alarms (metric and composite) are in ALARM.
func (ix *AlarmIndex) InAlarm(fn string) int {
	if ix == nil {
		return 0
	}
	if strings.HasPrefix(fn, "arn:") { // only that account and region's
		return len(ix.FiringFor(fn))
	}
	return ix.inAlarm[fn]
}

// Parents returns the composites whose rules name the alarm.
func (ix *AlarmIndex) Parents(name string) []*Alarm {
	if ix == nil {
		return nil
	}
	var out []*Alarm
	for _, i := range ix.parents[name] {
		out = append(out, &ix.Alarms[i])
	}
	return out
}

// Function returns the function an alarm watches (its first AWS/Lambda
// target, through a composite's children); ok false when none.
func (ix *AlarmIndex) Function(a *Alarm) (AlarmTarget, bool) {
	return ix.function(a, 0)
}

func (ix *AlarmIndex) function(a *Alarm, depth int) (AlarmTarget, bool) {
	if a == nil || depth > 16 {
		return AlarmTarget{}, false
	}
	if !a.Composite {
		ts := a.Targets()
		if len(ts) == 0 {
			return AlarmTarget{}, false
		}
		return ts[0], true
	}
	for _, ref := range RuleRefs(a.Rule) {
		if c, ok := ix.Find(ref); ok {
			if t, ok := ix.function(c, depth+1); ok {
				return t, true
			}
		}
	}
	return AlarmTarget{}, false
}

// FiringFor returns fn's alarms in ALARM, longest first (metric alarms
// before composites at the same time).
func (ix *AlarmIndex) FiringFor(fn string) []*Alarm {
	var out []*Alarm
	seen := map[*Alarm]bool{}
	for _, m := range ix.ForFunction(fn) {
		if m.Alarm.State == AlarmAlarm && !seen[m.Alarm] {
			seen[m.Alarm] = true
			out = append(out, m.Alarm)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Since().Equal(out[j].Since()) {
			return out[i].Since().Before(out[j].Since())
		}
		return !out[i].Composite && out[j].Composite
	})
	return out
}

// AlarmRule is the triage rule of a CloudWatch alarm in ALARM.
const AlarmRule = "cloudwatch-alarm"

// ApplyAlarms adds hc.Alarms to h as alarm-tier findings that outrank
// lambdaops' own (each names the alarm, how long it has been in ALARM and
// its reason) and counts them in h.Alarms. Findings already added are
// not duplicated.
func ApplyAlarms(h *Health, hc HealthContext) {
	if len(hc.Alarms) == 0 || h.Has(AlarmRule) {
		return
	}
	for _, a := range hc.Alarms {
		since := ""
		if t := a.Since(); !t.IsZero() && !hc.AlarmsAt.IsZero() && hc.AlarmsAt.After(t) {
			since = " for " + ShortDuration(hc.AlarmsAt.Sub(t).Truncate(time.Minute))
		}
		reason := a.Reason
		if reason == "" {
			reason = "in ALARM"
		}
		// Longer in ALARM scores higher; every alarm outranks any rule.
		score := 1000.0
		if since != "" {
			score += hc.AlarmsAt.Sub(a.Since()).Minutes() / 1e4
		}
		h.Findings = append(h.Findings, Finding{Rule: AlarmRule, Tier: TierAlarm, Score: score,
			Reason: "alarm " + a.Name + " in ALARM" + since + ": " + reason})
	}
	h.Alarms = len(hc.Alarms)
	if h.Tier < TierAlarm {
		h.Tier = TierAlarm
	}
}
