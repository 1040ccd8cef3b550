package alarms

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
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

// rows builds the list from the index.
func (m *Model) rows() []*row {
	var out []*row
	seen := map[*model.Alarm]bool{}
	add := func(a *model.Alarm, t model.AlarmTarget, via string) {
		if seen[a] {
			return
		}
		seen[a] = true
		out = append(out, &row{a: a, target: t, via: via})
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
	if r.a.Name != m.histFor {
		m.histFor, m.hist, m.histErr = r.a.Name, nil, nil
		ctx, gen := m.req.Start(kindHistory)
		al, name := m.deps.Alarms, r.a.Name
		cmds = append(cmds, func() tea.Msg {
			h, err := al.AlarmHistory(ctx, name, HistoryShown)
			return historyMsg{gen: gen, name: name, h: h, err: err}
		})
	}
	if r.a.Name != m.seriesOf {
		m.seriesOf, m.series = r.a.Name, nil
		if qs, expr, label, ok := chartQueries(r.a); ok && m.deps.Metrics != nil {
			ctx, gen := m.req.Start(kindSeries)
			mt, name := m.deps.Metrics, r.a.Name
			end := m.now().Truncate(time.Minute)
			start := end.Add(-time.Duration(max(30, 10*r.a.EvaluationPeriods)) * qs[0].Period)
			ids := make([]string, len(r.a.Metrics))
			for i, q := range r.a.Metrics {
				ids[i] = q.ID
			}
			cmds = append(cmds, func() tea.Msg {
				s, err := mt.GetMetrics(ctx, qs, start, end)
				out := seriesMsg{gen: gen, name: name, err: err, label: label}
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
