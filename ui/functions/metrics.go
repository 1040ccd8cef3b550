package functions

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/format"
)

const (
	mInvocations = iota
	mErrors
	mThrottles
	mP99
	nMetrics
)

// rowMetrics are the window's figures for one function.
type rowMetrics struct {
	v      [nMetrics]float64
	hasP99 bool // some invocation reported a duration (else p99 is no data)
	taken  time.Time
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
		return format.NoData
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
	if !r.metrics.hasP99 || r.fn.TimeoutSec == 0 {
		return format.NoData
	}
	return fmt.Sprintf("%.0f%%", 100*r.p99Ratio())
}

// metricsMsg carries metrics for some functions.
type metricsMsg struct {
	gen  uint64
	vals map[string]rowMetrics
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

// fetchMetrics builds a command fetching the window's figures for names
// (model.WindowQueries: one period as long as the window, so p99 is the
// window's p99), in batches of at most 500 queries. It captures only its
// arguments.
func fetchMetrics(ctx context.Context, m awsapi.Metrics, names []string, now time.Time, window time.Duration, gen uint64) tea.Cmd {
	if m == nil || len(names) == 0 {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		start, end := model.WindowRange(now, window)
		per := model.NumWindowQueries
		qs := make([]model.MetricQuery, 0, len(names)*per)
		for _, n := range names {
			qs = append(qs, model.WindowQueries(n, "", "", window)...)
		}
		out := make(map[string]rowMetrics, len(names))
		// batches hold whole functions
		step := maxQueriesPerCall / per * per
		for lo := 0; lo < len(qs); lo += step {
			hi := min(lo+step, len(qs))
			series, err := m.GetMetrics(ctx, qs[lo:hi], start, end)
			if err != nil {
				return metricsMsg{gen: gen, err: err}
			}
			for i := 0; i+per <= len(series); i += per {
				ws := model.WindowStatsFrom(window, series[i:i+per])
				var rm rowMetrics
				rm.v[mInvocations], rm.v[mErrors], rm.v[mThrottles], rm.v[mP99] = ws.Invocations, ws.Errors, ws.Throttles, ws.P99
				rm.hasP99 = ws.HasDuration
				out[qs[lo+i].Function] = rm
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
	return tea.Batch(fetchMetrics(ctx, m.deps.Metrics, names, now, m.deps.MetricsWindow(), mgen), next)
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
			v.taken = msg.at
			r.metrics = &v
			r.ver++
		}
	}
	if metricColumn(m.t.SortColumn()) {
		m.t.Resort()
	}
	return nil
}
