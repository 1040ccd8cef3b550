package functions

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

const (
	mInvocations = iota
	mErrors
	mThrottles
	mP99
	nMetrics
)

var metricNames = [nMetrics]struct{ metric, stat string }{
	{"Invocations", model.StatSum},
	{"Errors", model.StatSum},
	{"Throttles", model.StatSum},
	{"Duration", "p99"},
}

// rowMetrics are the last hour's figures for one function.
type rowMetrics struct {
	v     [nMetrics]float64
	taken time.Time
}

func (r *row) metric(i int) float64 {
	if r.metrics == nil {
		return -1
	}
	return r.metrics.v[i]
}

func (r *row) metricCell(i int) string {
	if r.metrics == nil {
		return "·"
	}
	return compact(r.metrics.v[i])
}

func (r *row) errPct() float64 {
	if r.metrics == nil || r.metrics.v[mInvocations] == 0 {
		return -1
	}
	return 100 * r.metrics.v[mErrors] / r.metrics.v[mInvocations]
}

func (r *row) errPctCell() string {
	if r.metrics == nil {
		return "·"
	}
	p := r.errPct()
	if p < 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", p)
}

// p99Ratio is the p99 duration as a fraction of the timeout.
func (r *row) p99Ratio() float64 {
	if r.metrics == nil || r.fn.TimeoutSec == 0 {
		return -1
	}
	return r.metrics.v[mP99] / (float64(r.fn.TimeoutSec) * 1000)
}

func (r *row) p99Cell() string {
	if r.metrics == nil {
		return "·"
	}
	if r.metrics.v[mInvocations] == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*r.p99Ratio())
}

// metricsMsg carries metrics for some functions.
type metricsMsg struct {
	gen  uint64
	vals map[string][nMetrics]float64
	at   time.Time
	err  error
}

// metricsTickMsg asks for the visible rows' metrics to be refreshed.
type metricsTickMsg struct {
	gen uint64
	seq uint64
}

// maxQueriesPerCall is GetMetricData's limit.
const maxQueriesPerCall = 500

// fetchMetrics builds a command fetching the last hour's metrics for
// names, in batches of at most 500 queries. It captures only its arguments.
func fetchMetrics(ctx context.Context, m awsapi.Metrics, names []string, now time.Time, gen uint64) tea.Cmd {
	if m == nil || len(names) == 0 {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		// twelve aligned 5-minute periods: the last hour
		end := now.Truncate(5 * time.Minute).Add(5 * time.Minute)
		start := end.Add(-time.Hour)
		qs := make([]model.MetricQuery, 0, len(names)*nMetrics)
		for _, n := range names {
			for _, mn := range metricNames {
				qs = append(qs, model.MetricQuery{Function: n, Metric: mn.metric, Stat: mn.stat, Period: 5 * time.Minute})
			}
		}
		out := make(map[string][nMetrics]float64, len(names))
		for lo := 0; lo < len(qs); lo += maxQueriesPerCall {
			hi := min(lo+maxQueriesPerCall, len(qs))
			series, err := m.GetMetrics(ctx, qs[lo:hi], start, end)
			if err != nil {
				return metricsMsg{gen: gen, err: err}
			}
			for i, s := range series {
				q := qs[lo+i]
				v := out[q.Function]
				idx := (lo + i) % nMetrics
				if idx == mP99 {
					v[idx] = maxOf(s.Values)
				} else {
					v[idx] = s.Sum()
				}
				out[q.Function] = v
			}
		}
		return metricsMsg{gen: gen, vals: out, at: now}
	}
}

func maxOf(vs []float64) float64 {
	var m float64
	for _, v := range vs {
		m = max(m, v)
	}
	return m
}

// ---- scheduling ----

// scheduleMetrics debounces a metrics fetch for the visible rows.
func (m *Model) scheduleMetrics() tea.Cmd {
	enrich := m.visibleToEnricher() // the rows on screen get GetFunction first
	if m.opt.DisableMetric || m.deps.Metrics == nil || m.t.Len() == 0 {
		return enrich
	}
	m.mseq++
	gen, seq := m.req.Gen(kindList), m.mseq
	return tea.Batch(enrich, tea.Tick(m.opt.MetricsDelay, func(time.Time) tea.Msg { return metricsTickMsg{gen: gen, seq: seq} }))
}

func (m *Model) handleMetricsTick(msg metricsTickMsg) tea.Cmd {
	if !m.req.Current(kindList, msg.gen) || msg.seq != m.mseq || m.req.InFlight(kindMetrics) {
		return nil
	}
	now := m.deps.Now()
	var names []string
	lo, hi := m.t.VisibleRange()
	for i := lo; i < hi; i++ {
		r := m.t.At(i)
		if r.metrics == nil || now.Sub(r.metrics.taken) >= m.opt.MetricsEvery {
			names = append(names, m.key(r.fn))
		}
	}
	// re-arm the periodic refresh
	m.mseq++
	gen, seq := msg.gen, m.mseq
	every := m.opt.MetricsEvery << min(m.mFails, 3) // back off on errors
	next := tea.Tick(every, func(time.Time) tea.Msg { return metricsTickMsg{gen: gen, seq: seq} })
	if len(names) == 0 {
		return next
	}
	ctx, mgen := m.req.Start(kindMetrics)
	return tea.Batch(fetchMetrics(ctx, m.deps.Metrics, names, now, mgen), next)
}

func (m *Model) applyMetrics(msg metricsMsg) tea.Cmd {
	if !m.req.Done(kindMetrics, msg.gen) {
		return nil
	}
	if msg.err != nil {
		m.mErr = msg.err
		m.mFails++
		return common.Status("metrics: "+common.ErrLine(msg.err), true)
	}
	m.mErr, m.mFails = nil, 0
	for name, v := range msg.vals {
		if r, ok := m.rows[name]; ok {
			r.metrics = &rowMetrics{v: v, taken: msg.at}
			r.ver++
		}
	}
	if metricColumn(m.t.SortColumn()) {
		m.t.Resort()
	}
	return nil
}
