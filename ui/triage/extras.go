package triage

import (
	"context"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

// extras asks, once per function, for what the metrics cannot say: the
// reserved concurrency of throttled or busy functions, the provisioned
// concurrency of those spilling over, and the memory used (from REPORT
// lines) of the costliest large-memory functions.
func (m *Model) extras() tea.Cmd {
	var cmds []tea.Cmd
	pane, gen := m.id, m.req.Gen(kindRun)
	ctx := m.req.Ctx(kindRun)
	var big []*row
	for _, r := range m.rows {
		if !r.have || r.extras {
			continue
		}
		needRes := r.hc.Reserved == nil && (r.h.Throttles > 0 || r.h.Has("concurrency"))
		needProv := r.h.Has("spillover")
		fleet, logs, _ := m.pairOf(r.fn)
		if r.fn.MemoryMB >= 1024 && r.h.Invocations > 0 && m.opts.SampleMemory > 0 && logs != nil {
			big = append(big, r)
		}
		if !needRes && !needProv || fleet == nil {
			continue
		}
		r.extras = true
		name, key := r.fn.Name, m.key(r.fn)
		cmds = append(cmds, func() tea.Msg {
			out := extrasMsg{pane: pane, gen: gen, name: key}
			if needRes {
				out.reserved, out.err = fleet.GetReserved(ctx, name)
			}
			if needProv && out.err == nil {
				pcs, err := fleet.ListProvisioned(ctx, name)
				for _, p := range pcs {
					out.prov += p.Requested
				}
				out.err = err
			}
			return out
		})
	}
	end := m.deps.Now().Truncate(time.Minute)
	window := m.opts.Window
	for _, r := range m.rows {
		// A function with some errors may be a canary failing behind a
		// weighted alias: split its errors by executed version.
		fleet, _, metrics := m.pairOf(r.fn)
		if !r.have || r.canary || fleet == nil || metrics == nil || r.h.Errors < model.MinCanaryErrors || r.h.ErrorRate < 0.003 {
			continue
		}
		r.canary = true
		name, key := r.fn.Name, m.key(r.fn)
		cmds = append(cmds, func() tea.Msg {
			out := extrasMsg{pane: pane, gen: gen, name: key}
			out.canary, out.err = canaryStats(ctx, fleet, metrics, name, end.Add(-window), end)
			return out
		})
	}
	sort.Slice(big, func(i, j int) bool { return big[i].h.Cost.Monthly > big[j].h.Cost.Monthly })
	for _, r := range big {
		if m.sampled >= m.opts.SampleMemory {
			break
		}
		m.sampled++
		r.extras = true
		key, group := m.key(r.fn), r.fn.LogGroupName()
		_, logs, _ := m.pairOf(r.fn)
		window := m.opts.Window
		cmds = append(cmds, func() tea.Msg {
			s := sampleReports(ctx, logs, group, window)
			return extrasMsg{pane: pane, gen: gen, name: key, memUsed: s.maxUsed, rate: s.rate, avgMs: s.avgMs}
		})
	}
	return tea.Batch(cmds...)
}

type reportSample struct {
	maxUsed int
	rate    float64 // REPORTs per second over the span they cover
	avgMs   float64 // mean billed duration
}

// sampleReports reads recent REPORT lines of a group (a short backfill
// through the tail, cancelled as soon as enough have arrived): the largest
// memory used, and the invocation rate and mean billed duration they show.
func sampleReports(parent context.Context, logs awsapi.Logs, group string, window time.Duration) reportSample {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	defer cancel()
	ch := logs.Tail(ctx, awsapi.TailRequest{Groups: []string{group}, Backfill: min(window, 10*time.Minute)})
	var out reportSample
	var first, last time.Time
	var billed time.Duration
	seen := 0
	done := func() reportSample {
		if seen > 0 {
			out.avgMs = float64(billed.Milliseconds()) / float64(seen)
		}
		if span := last.Sub(first).Seconds(); seen > 1 && span > 0 {
			out.rate = float64(seen-1) / span
		}
		return out
	}
	var settle <-chan time.Time // after the first REPORT, wait briefly for more
	for {
		select {
		case b, ok := <-ch:
			if !ok {
				return done()
			}
			for _, ev := range b.Events {
				r, ok := model.ParseReport(ev.Message)
				if !ok {
					continue
				}
				if seen == 0 || ev.Timestamp.Before(first) {
					first = ev.Timestamp
				}
				if ev.Timestamp.After(last) {
					last = ev.Timestamp
				}
				seen++
				billed += r.BilledDuration
				out.maxUsed = max(out.maxUsed, r.MaxMemoryUsedMB)
			}
			if seen >= 200 {
				return done()
			}
			if seen > 0 && settle == nil {
				settle = time.After(500 * time.Millisecond)
			}
		case <-settle:
			return done()
		}
	}
}

// canaryStats finds a weighted alias of fn and reads its invocations and
// errors per executed version; nil when there is none.
func canaryStats(ctx context.Context, fleet awsapi.Fleet, metrics awsapi.Metrics, fn string, start, end time.Time) (*model.CanaryStats, error) {
	as, err := fleet.ListAliases(ctx, fn)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if !a.Routing.Active() {
			continue
		}
		period := end.Sub(start)
		q := func(v, metric string) model.MetricQuery {
			return model.MetricQuery{Function: fn, Resource: a.Name, ExecutedVersion: v, Metric: metric, Stat: model.StatSum, Period: period}
		}
		s, err := metrics.GetMetrics(ctx, []model.MetricQuery{
			q(a.Version, model.MetricInvocations), q(a.Version, model.MetricErrors),
			q(a.Routing.AdditionalVersion, model.MetricInvocations), q(a.Routing.AdditionalVersion, model.MetricErrors),
		}, start, end)
		if err != nil || len(s) != 4 {
			return nil, err
		}
		return &model.CanaryStats{Alias: a.Name, Primary: a.Version, Secondary: a.Routing.AdditionalVersion, Weight: a.Routing.Weight,
			PrimaryInv: s[0].Sum(), PrimaryErr: s[1].Sum(), SecondaryInv: s[2].Sum(), SecondaryErr: s[3].Sum()}, nil
	}
	return nil, nil
}
