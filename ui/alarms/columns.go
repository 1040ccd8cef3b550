package alarms

import (
	"fmt"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// ---- the list's cells ----

func stateRank(s string) int {
	switch s {
	case model.AlarmAlarm:
		return 0
	case model.AlarmInsufficient:
		return 1
	}
	return 2
}

func stateLabel(s string) string {
	if s == model.AlarmInsufficient {
		return "NO DATA"
	}
	return s
}

func watches(r *row) string {
	if r.a.Composite && r.via == "" {
		// what a composite watches is its child alarms: the first (one in
		// ALARM when there is one) and how many more
		switch n := len(r.children); n {
		case 0:
			return "-"
		case 1:
			return r.children[0]
		default:
			return fmt.Sprintf("%s +%d", r.children[0], n-1)
		}
	}
	t := r.target
	if t.Function == "" {
		return "-"
	}
	s := t.Function
	if t.Qualifier != "" {
		s += ":" + t.Qualifier
	}
	if t.ExecutedVersion != "" {
		s += " (v" + t.ExecutedVersion + ")"
	}
	if r.via != "" {
		s += " via " + r.via
	}
	return s
}

// condition is the alarm's rule: "Errors Sum > 5 for 2/3 × 1m", the
// expression of a metric-math alarm, or a composite's rule.
func condition(r *row) string {
	a := r.a
	if a.Composite {
		return model.RuleText(a.Rule)
	}
	metric := a.MetricName + " " + a.Statistic
	if len(a.Metrics) > 0 {
		for _, q := range a.Metrics {
			if q.ReturnData && q.Expression != "" {
				metric = q.Expression
			}
		}
	}
	m := a.DatapointsToAlarm
	if m == 0 {
		m = a.EvaluationPeriods
	}
	return fmt.Sprintf("%s %s %s for %d/%d × %s", metric, a.ComparisonSymbol(), fmtNum(a.Threshold), m, a.EvaluationPeriods, model.ShortDuration(a.Period))
}

func fmtNum(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%g", f)
}

func (m *Model) now() time.Time { return m.deps.Time() }

func (m *Model) since(a *model.Alarm) string {
	t := a.Since()
	if t.IsZero() {
		return "-"
	}
	d := m.now().Sub(t).Truncate(time.Minute)
	if d < time.Minute {
		return "<1m" // changed within the minute, not "0ms"
	}
	return model.ShortDuration(d)
}
