package alarms

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/format"
)

// ---- loading: the alarm index, and the history and metric of the selected alarm ----

func (m *Model) load(refresh bool) tea.Cmd {
	al := m.deps.Alarms
	if al == nil {
		m.unsupported, m.loaded = true, true
		return nil
	}
	ctx, gen := m.req.Start(kindLoad)
	return func() tea.Msg {
		ix, err := al.Alarms(ctx, refresh)
		return loadedMsg{gen: gen, ix: ix, err: err}
	}
}

// children lists a composite's child alarms (see row.children).
func (m *Model) children(a *model.Alarm) (names, states []string) {
	if !a.Composite {
		return nil, nil
	}
	var firing, rest []string
	seen := map[string]bool{}
	for _, ref := range model.RuleRefs(a.Rule) {
		if seen[ref] {
			continue
		}
		seen[ref] = true
		state := "?"
		if c, ok := m.ix.Find(ref); ok {
			state = stateLabel(c.State)
		}
		if state == model.AlarmAlarm {
			firing = append(firing, ref)
		} else {
			rest = append(rest, ref, state)
		}
	}
	for _, n := range firing {
		names, states = append(names, n), append(states, model.AlarmAlarm)
	}
	for i := 0; i < len(rest); i += 2 {
		names, states = append(names, rest[i]), append(states, rest[i+1])
	}
	return names, states
}

// rows builds the list from the index.
func (m *Model) rows() []*row {
	var out []*row
	seen := map[*model.Alarm]bool{}
	add := func(a *model.Alarm, t model.AlarmTarget, via string) {
		if seen[a] {
			return
		}
		seen[a] = true
		r := &row{a: a, target: t, via: via}
		r.children, r.states = m.children(a)
		out = append(out, r)
	}
	switch {
	case m.fn != nil:
		for _, mt := range m.ix.ForFunction(m.fn.Name) {
			add(mt.Alarm, mt.Target, mt.Via)
		}
	case m.query != "":
		if a, ok := m.ix.Find(m.query); ok {
			t, _ := m.ix.Function(a)
			add(a, t, "")
			for _, p := range m.ix.Parents(a.Name) {
				add(p, t, a.Name)
			}
		}
	default:
		for i := range m.ix.Alarms {
			a := &m.ix.Alarms[i]
			if !m.all && a.State != model.AlarmAlarm {
				continue
			}
			t, _ := m.ix.Function(a)
			add(a, t, "")
		}
	}
	return out
}

// selected loads the history and the metric of the alarm under the cursor
// when it changed.
func (m *Model) selected() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok || m.deps.Alarms == nil {
		return nil
	}
	var cmds []tea.Cmd
	key := m.rowKey(r) // over several pairs the ARN: two pairs may hold the same name
	pairS := m.rowSession(r)
	if key != m.histFor {
		m.histFor, m.hist, m.histErr = key, nil, nil
		ctx, gen := m.req.Start(kindHistory)
		al, name := m.deps.Alarms, r.a.Name
		if pairS != nil {
			al = pairS
		}
		cmds = append(cmds, func() tea.Msg {
			h, err := al.AlarmHistory(ctx, name, HistoryShown)
			return historyMsg{gen: gen, name: key, h: h, err: err}
		})
	}
	if key != m.seriesOf {
		m.seriesOf, m.series = key, nil
		if qs, expr, label, ok := chartQueries(r.a); ok && m.deps.Metrics != nil {
			ctx, gen := m.req.Start(kindSeries)
			mt, name := m.deps.Metrics, key
			if pairS != nil {
				mt = pairS
			}
			end := m.now().Truncate(time.Minute)
			per := qs[0].Period
			start := end.Add(-time.Duration(max(30, 10*r.a.EvaluationPeriods)) * per)
			ids := make([]string, len(r.a.Metrics))
			for i, q := range r.a.Metrics {
				ids[i] = q.ID
			}
			cmds = append(cmds, func() tea.Msg {
				s, err := mt.GetMetrics(ctx, qs, start, end)
				out := seriesMsg{gen: gen, name: name, err: err, label: label, period: per, span: end.Sub(start)}
				if err != nil || len(s) != len(qs) {
					return out
				}
				if expr == "" {
					out.values = s[0].Values
					return out
				}
				vars := map[string][]float64{}
				for i, q := range s {
					vars[ids[i]] = q.Values
				}
				out.values, out.err = model.EvalAlarmExpr(expr, vars)
				return out
			})
		}
	}
	return tea.Batch(cmds...)
}

// chartData is the selected alarm's metric (or its metric-math result).
type chartData struct {
	values []float64
	label  string
	period time.Duration
	span   time.Duration
}

// caption names what the chart draws: the metric, its period and window,
// the newest datapoint (— when that period has none) and the threshold:
// "Errors Sum per 1m, last 30m · latest 12 · threshold 25 ─".
func (c *chartData) caption(threshold float64) string {
	latest := format.NoData
	if n := len(c.values); n > 0 && !math.IsNaN(c.values[n-1]) && !math.IsInf(c.values[n-1], 0) {
		latest = fmtNum(c.values[n-1])
		switch v := c.values[n-1]; {
		case v == math.Trunc(v):
		case math.Abs(v) >= 1000:
			latest = strconv.FormatFloat(v, 'f', 0, 64) // 1414213, not 1.414e+06
		default:
			latest = strconv.FormatFloat(v, 'g', 4, 64) // 16.13, not 16.1344537815126
		}
	}
	return fmt.Sprintf("%s per %s, last %s · latest %s · threshold %s ─", common.Clean(c.label),
		model.ShortDuration(c.period), model.ShortDuration(c.span), latest, fmtNum(threshold))
}

// chartQueries are the queries that draw an alarm's metric: its one
// metric, or every metric of its metric math (then expr is the expression
// to evaluate over them, in Metrics order). ok is false for composites and
// alarms outside AWS/Lambda.
func chartQueries(a *model.Alarm) (qs []model.MetricQuery, expr, label string, ok bool) {
	if a.Composite {
		return nil, "", "", false
	}
	if len(a.Metrics) == 0 {
		q, ok := lambdaQuery(a.Namespace, a.MetricName, a.Statistic, a.Dimensions, a.Period)
		return []model.MetricQuery{q}, "", a.MetricName + " " + a.Statistic, ok
	}
	for _, m := range a.Metrics {
		if m.Expression != "" {
			if m.ReturnData {
				expr, label = m.Expression, m.Expression
				if m.Label != "" {
					label = m.Label + " = " + m.Expression
				}
			}
			continue
		}
		q, ok := lambdaQuery(m.Namespace, m.Metric, m.Stat, m.Dimensions, m.Period)
		if !ok {
			return nil, "", "", false
		}
		qs = append(qs, q)
	}
	// Only metrics, then an expression over them: the ids line up when
	// every metric comes first (the usual layout); otherwise do not draw.
	for i := range qs {
		if a.Metrics[i].Expression != "" {
			return nil, "", "", false
		}
	}
	if expr == "" || len(qs) == 0 {
		return nil, "", "", false
	}
	return qs, expr, label, true
}

func lambdaQuery(ns, name, stat string, dims []model.AlarmDim, per time.Duration) (model.MetricQuery, bool) {
	if ns != "AWS/Lambda" {
		return model.MetricQuery{}, false
	}
	q := model.MetricQuery{Metric: name, Stat: stat, Period: per}
	for _, d := range dims {
		switch d.Name {
		case "FunctionName":
			q.Function = d.Value
		case "Resource":
			if _, qual, ok := strings.Cut(d.Value, ":"); ok {
				q.Resource = qual
			}
		case "ExecutedVersion":
			q.ExecutedVersion = d.Value
		}
	}
	if q.Period < time.Minute {
		q.Period = time.Minute
	}
	return q, q.Function != ""
}
