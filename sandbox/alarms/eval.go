package alarms

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// maxCatchUp bounds how far back a store evaluates when it has not been
// read for a while (the metrics' retention).
const maxCatchUp = 3 * time.Hour

func (a *alarm) period() int64 {
	p := int64(60)
	if a.cfg.Period != nil {
		p = int64(*a.cfg.Period)
	} else {
		for _, q := range a.cfg.Metrics {
			if q.MetricStat != nil && q.MetricStat.Period != nil {
				p = int64(*q.MetricStat.Period)
				break
			}
			if q.Period != nil {
				p = int64(*q.Period)
				break
			}
		}
	}
	if p < 60 {
		p = 60 // the simulated metrics have 1-minute resolution
	}
	return p - p%60
}

// firstBoundary is the first period boundary after t.
func firstBoundary(t time.Time, p int64) int64 {
	u := t.Unix()
	return (u/p + 1) * p
}

// catchUp evaluates every metric alarm at each of its period boundaries up
// to now (and the composites after each minute), in time order. It returns
// the transitions to notify. The lock is held.
func (s *Store) catchUp() []Transition {
	if !s.isReady() || len(s.alarms) == 0 {
		return nil
	}
	now := s.clk.Now().Add(-s.opts.Delay).Unix()
	now -= now % 60
	if now <= s.lastAt {
		return nil
	}
	floor := now - int64(maxCatchUp/time.Second)
	var fired []Transition
	var metricAl, comps []*alarm
	start := now
	for _, n := range s.names() {
		a := s.alarms[n]
		if a.composite {
			comps = append(comps, a)
			continue
		}
		metricAl = append(metricAl, a)
		if a.next < floor {
			p := a.period()
			a.next = (floor/p + 1) * p
		}
		if a.next < start {
			start = a.next
		}
	}
	for t := start; t <= now; t += 60 {
		changed := false
		for _, a := range metricAl {
			if a.next > t {
				continue
			}
			p := a.period()
			st, reason, data := s.evaluate(a, a.next, p)
			if tr, ok := s.transition(a, st, reason, data, time.Unix(a.next, 0).UTC()); ok {
				fired = append(fired, tr)
				changed = true
			}
			a.next += p
		}
		if changed || t == start {
			fired = append(fired, s.evalComposites(comps, time.Unix(t, 0).UTC())...)
		}
	}
	s.lastAt = now
	return fired
}

// evalComposites re-evaluates composite rules until nothing changes
// (composites may name composites; cycles are refused on put).
func (s *Store) evalComposites(comps []*alarm, at time.Time) []Transition {
	var fired []Transition
	for round := 0; round < 8; round++ {
		changed := false
		for _, a := range comps {
			st, reason, data := s.evalRule(a, at)
			if tr, ok := s.transition(a, st, reason, data, at); ok {
				fired = append(fired, tr)
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return fired
}

func (s *Store) stateOf(name string) string {
	if a := s.alarms[s.resolve(name)]; a != nil {
		return a.state
	}
	return ""
}

func (s *Store) evalRule(a *alarm, at time.Time) (string, string, *string) {
	if !a.rule.Eval(s.stateOf) {
		if a.state == StateOK {
			return StateOK, a.reason, a.reasonData
		}
		return StateOK, "", nil
	}
	// Name the alarms in ALARM that the rule names, as AWS's triggeringAlarms.
	type trig struct {
		Arn   string `json:"arn"`
		State struct {
			Value     string `json:"value"`
			Timestamp string `json:"timestamp"`
		} `json:"state"`
	}
	var ts []trig
	var first *alarm
	seen := map[string]bool{}
	for _, ref := range a.rule.Refs() {
		c := s.alarms[s.resolve(ref)]
		if c == nil || c.state != StateAlarm || seen[c.name] {
			continue
		}
		seen[c.name] = true
		var t trig
		t.Arn, t.State.Value, t.State.Timestamp = c.arn, c.state, jsonTime(c.transitioned)
		ts = append(ts, t)
		if first == nil || c.transitioned.After(first.transitioned) {
			first = c
		}
	}
	reason := "Composite alarm rule evaluated to TRUE"
	if first != nil {
		reason = first.arn + " transitioned to ALARM at " + first.transitioned.UTC().Format("Monday 02 January, 2006 15:04:05 UTC")
	}
	b, _ := json.Marshal(map[string]any{"triggeringAlarms": ts})
	d := string(b)
	return StateAlarm, reason, &d
}

// transition sets a's state; a change in value is recorded in the history
// (and its actions, when enabled) and returned.
func (s *Store) transition(a *alarm, st, reason string, data *string, at time.Time) (Transition, bool) {
	if st == a.state {
		if strings.HasPrefix(a.reason, "Unchecked:") && reason != "" {
			// The first evaluation gives the reason, with no transition.
			a.reason, a.reasonData, a.updated = reason, data, at
		}
		return Transition{}, false
	}
	if reason == "" {
		reason = "Composite alarm rule evaluated to FALSE"
	}
	old := a.state
	oldReason := a.reason
	a.state, a.reason, a.reasonData = st, reason, data
	a.updated, a.transitioned = at, at
	s.historyState(a, old, oldReason, at)
	if a.actionsEnabled {
		for _, act := range a.actions(st) {
			a.addHistory(AlarmHistoryItem{AlarmName: a.name, AlarmType: a.typ(), Timestamp: metrics.TS(at), HistoryItemType: HistoryAction,
				HistorySummary: "Successfully executed action " + act,
				HistoryData:    mustJSON(map[string]any{"actionState": "Succeeded", "stateUpdateTimestamp": at.UnixMilli(), "notificationResource": act}),
			})
		}
	}
	return Transition{Account: s.opts.Account, Region: s.opts.Region, Alarm: a.name, Composite: a.composite, From: old, To: st, Reason: reason, At: at}, true
}

func (s *Store) historyState(a *alarm, old, oldReason string, at time.Time) {
	newState := map[string]any{"stateValue": a.state, "stateReason": a.reason}
	if a.reasonData != nil {
		var v any
		if json.Unmarshal([]byte(*a.reasonData), &v) == nil {
			newState["stateReasonData"] = v
		}
	}
	a.addHistory(AlarmHistoryItem{
		AlarmName: a.name, AlarmType: a.typ(), Timestamp: metrics.TS(at), HistoryItemType: HistoryState,
		HistorySummary: "Alarm updated from " + old + " to " + a.state,
		HistoryData: mustJSON(map[string]any{"version": "1.0", "oldState": map[string]any{"stateValue": old, "stateReason": oldReason},
			"newState": newState}),
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func jsonTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000+0000") }

// reasonTime is the datapoint time in AWS's reason text: dd/MM/yy HH:mm:ss.
func reasonTime(t time.Time) string { return t.UTC().Format("02/01/06 15:04:05") }

var opWords = map[string]string{
	"GreaterThanOrEqualToThreshold": "greater than or equal to",
	"GreaterThanThreshold":          "greater than",
	"LessThanThreshold":             "less than",
	"LessThanOrEqualToThreshold":    "less than or equal to",
}

func breaches(op string, v, th float64) bool {
	switch op {
	case "GreaterThanOrEqualToThreshold":
		return v >= th
	case "GreaterThanThreshold":
		return v > th
	case "LessThanThreshold":
		return v < th
	case "LessThanOrEqualToThreshold":
		return v <= th
	}
	return false
}

type dp struct {
	t       time.Time
	v       float64
	present bool
}

// series reads the alarm's N datapoints ending at boundary b.
func (s *Store) series(a *alarm, b, p int64, n int) ([]dp, error) {
	c := &a.cfg
	start := time.Unix(b-int64(n)*p, 0).UTC()
	end := time.Unix(b, 0).UTC()
	var qs []MetricDataQuery
	target := "m1"
	if len(c.Metrics) > 0 {
		qs = c.Metrics
		for _, q := range qs {
			if q.ReturnData == nil || *q.ReturnData {
				target = q.Id
			}
		}
		for _, q := range qs {
			if q.ReturnData != nil && *q.ReturnData {
				target = q.Id
			}
		}
	} else {
		stat := ""
		if c.Statistic != nil {
			stat = *c.Statistic
		} else if c.ExtendedStatistic != nil {
			stat = *c.ExtendedStatistic
		}
		per := int32(p)
		qs = []MetricDataQuery{{Id: "m1", MetricStat: &metrics.MetricStat{
			Metric: &metrics.Metric{Namespace: *c.Namespace, MetricName: *c.MetricName, Dimensions: c.Dimensions},
			Period: &per, Stat: stat}}}
	}
	asc := "TimestampAscending"
	out, err := s.met.GetMetricData(&metrics.GetMetricDataInput{MetricDataQueries: qs, StartTime: metrics.TS(start), EndTime: metrics.TS(end), ScanBy: &asc})
	if err != nil {
		return nil, err
	}
	pts := make([]dp, n)
	for i := range pts {
		pts[i].t = time.Unix(b-int64(n-i)*p, 0).UTC()
	}
	for _, r := range out.MetricDataResults {
		if r.Id != target {
			continue
		}
		for k, ts := range r.Timestamps {
			i := int((ts.Unix() - (b - int64(n)*p)) / p)
			if i >= 0 && i < n && k < len(r.Values) && !math.IsNaN(r.Values[k]) && !math.IsInf(r.Values[k], 0) {
				pts[i].v, pts[i].present = r.Values[k], true
			}
		}
	}
	return pts, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// fmtNum writes a value as AWS's reasons do: 5.0, 0.25.
func fmtNum(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		s += ".0"
	}
	return s
}

// evaluate returns the state, reason and reason data of a metric alarm at
// boundary b, in AWS's wording.
func (s *Store) evaluate(a *alarm, b, p int64) (string, string, *string) {
	c := &a.cfg
	n := int(*c.EvaluationPeriods)
	m := n
	if c.DatapointsToAlarm != nil {
		m = int(*c.DatapointsToAlarm)
	}
	th := 0.0
	if c.Threshold != nil {
		th = *c.Threshold
	}
	treat := "missing"
	if c.TreatMissingData != nil {
		treat = *c.TreatMissingData
	}
	pts, err := s.series(a, b, p, n)
	if err != nil {
		return StateInsufficient, "Insufficient Data: the metric could not be evaluated: " + err.Error(), nil
	}
	present, breaching := 0, 0
	for i := range pts {
		switch {
		case pts[i].present:
			present++
			if breaches(c.ComparisonOperator, pts[i].v, th) {
				breaching++
			}
		case treat == "breaching":
			breaching++
		}
	}
	missing := n - present
	var recent []float64
	type evald struct {
		Timestamp string  `json:"timestamp"`
		Value     float64 `json:"value"`
	}
	var evaluated []evald
	for i := len(pts) - 1; i >= 0; i-- {
		if pts[i].present {
			recent = append(recent, pts[i].v)
			evaluated = append(evaluated, evald{jsonTime(pts[i].t), pts[i].v})
		}
	}
	data := map[string]any{"version": "1.0", "queryDate": jsonTime(s.clk.Now()), "startDate": jsonTime(pts[0].t),
		"period": p, "recentDatapoints": recentOrEmpty(recent), "threshold": th}
	if c.Statistic != nil {
		data["statistic"] = *c.Statistic
	} else if c.ExtendedStatistic != nil {
		data["statistic"] = *c.ExtendedStatistic
	}
	if len(evaluated) > 0 {
		data["evaluatedDatapoints"] = evaluated
	}
	d := mustJSON(data)

	if present == 0 && treat != "breaching" && treat != "notBreaching" {
		if treat == "ignore" && a.state != StateInsufficient {
			return a.state, a.reason, a.reasonData
		}
		return StateInsufficient, fmt.Sprintf("Insufficient Data: %d %s %s unknown.", n, plural(n, "datapoint", "datapoints"), plural(n, "was", "were")), &d
	}
	words := opWords[c.ComparisonOperator]
	listed := func(want bool) string {
		var parts []string
		for i := len(pts) - 1; i >= 0; i-- {
			if pts[i].present && breaches(c.ComparisonOperator, pts[i].v, th) == want {
				parts = append(parts, fmtNum(pts[i].v)+" ("+reasonTime(pts[i].t)+")")
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	count := func(k int) string {
		if n == 1 {
			return fmt.Sprintf("%d datapoint", k)
		}
		return fmt.Sprintf("%d out of the last %d datapoints", k, n)
	}
	if breaching >= m && breaching == missing && treat == "breaching" {
		return StateAlarm, fmt.Sprintf("Threshold Crossed: no datapoints were received for %d %s and %d missing %s %s treated as [Breaching].",
			missing, plural(missing, "period", "periods"), missing, plural(missing, "datapoint", "datapoints"), plural(missing, "was", "were")), &d
	}
	if breaching >= m {
		r := fmt.Sprintf("Threshold Crossed: %s %s %s %s the threshold (%s)", count(breaching), listed(true), plural(breaching, "was", "were"), words, fmtNum(th))
		if n > 1 {
			r += fmt.Sprintf(" (minimum %d %s for OK -> ALARM transition)", m, plural(m, "datapoint", "datapoints"))
		}
		return StateAlarm, r + ".", &d
	}
	if treat == "missing" && present < m && missing > 0 {
		// Not enough points to decide either way.
		return StateInsufficient, fmt.Sprintf("Insufficient Data: %d %s %s unknown.", missing, plural(missing, "datapoint", "datapoints"), plural(missing, "was", "were")), &d
	}
	if treat == "ignore" && present < m {
		return a.state, a.reason, a.reasonData
	}
	good := present - breaching
	if treat == "notBreaching" {
		good = n - breaching
	}
	if present-breaching == 0 && missing > 0 {
		// Only the missing points make it OK (TreatMissingData notBreaching).
		return StateOK, fmt.Sprintf("Threshold Crossed: no datapoints were received for %d %s and %d missing %s %s treated as [NonBreaching].",
			missing, plural(missing, "period", "periods"), missing, plural(missing, "datapoint", "datapoints"), plural(missing, "was", "were")), &d
	}
	r := fmt.Sprintf("Threshold Crossed: %s %s %s not %s the threshold (%s)", count(good), listed(false), plural(good, "was", "were"), words, fmtNum(th))
	if n > 1 {
		need := n - m + 1
		r += fmt.Sprintf(" (minimum %d %s for ALARM -> OK transition)", need, plural(need, "datapoint", "datapoints"))
	}
	return StateOK, r + ".", &d
}

func recentOrEmpty(v []float64) []float64 {
	if v == nil {
		return []float64{}
	}
	return v
}
