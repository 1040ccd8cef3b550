package tune

import (
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
)

// ---- loading: the function's configuration, what owns it, its traffic and
// saved events; past runs; and the feed of a running job's progress ----

type infoMsg struct {
	gen      uint64
	cfg      model.Function
	blockers []string
	maxPar   int
	monthly  float64
	avgDur   time.Duration
	events   []payload
	err      error
}

func (m *Model) loadInfo() tea.Cmd {
	ctx, gen := m.req.Start(kindInfo)
	tu, fleet, met, fn, ev, now := m.tuner, m.deps.Fleet, m.deps.Metrics, m.fn.Name, m.opt.Events, m.deps.Time()
	return func() tea.Msg {
		out := infoMsg{gen: gen}
		out.cfg, out.err = tu.FunctionConfig(ctx, fn)
		if out.err != nil {
			return out
		}
		out.blockers, out.err = tu.TuneBlockers(ctx, fn)
		if out.err != nil {
			return out
		}
		var unreserved int
		if s, err := fleet.AccountSettings(ctx); err == nil {
			unreserved = s.UnreservedConcurrentExecutions
		}
		r, _ := fleet.GetReserved(ctx, fn)
		out.maxPar = model.MaxTuneParallelism(r, unreserved)
		if met != nil {
			qs := []model.MetricQuery{
				{Function: fn, Metric: "Invocations", Stat: model.StatSum, Period: time.Hour},
				{Function: fn, Metric: "Duration", Stat: "Average", Period: time.Hour},
			}
			if ss, err := met.GetMetrics(ctx, qs, now.Add(-24*time.Hour), now); err == nil && len(ss) == 2 {
				var n, d float64
				var k int
				for _, v := range ss[0].Values {
					n += v
				}
				for _, v := range ss[1].Values {
					if v > 0 {
						d += v
						k++
					}
				}
				out.monthly = n * 30
				if k > 0 {
					out.avgDur = time.Duration(d / float64(k) * float64(time.Millisecond))
				}
			}
		}
		if ev.Dir != "" {
			names, _ := ev.List(fn)
			for _, n := range names {
				if b, err := ev.Load(fn, n); err == nil {
					out.events = append(out.events, payload{name: "saved event: " + n, body: b})
				}
			}
		}
		return out
	}
}

type runsMsg struct {
	gen  uint64
	runs []model.TuneRun
	err  error
}

func (m *Model) loadRuns() tea.Cmd {
	_, gen := m.req.Start(kindRuns)
	tu, fn := m.tuner, m.fn.Name
	return func() tea.Msg {
		rs, err := tu.TuneRuns(fn)
		return runsMsg{gen: gen, runs: rs, err: err}
	}
}

// feed carries a running job's progress from its goroutine to Update:
// events are appended under a lock and a one-slot channel wakes the
// reader, so the job never blocks on the UI.
type feed struct {
	mu     sync.Mutex
	evs    []model.TuneProgress
	done   *doneMsg
	notify chan struct{}
}

func (f *feed) push(p model.TuneProgress) {
	f.mu.Lock()
	f.evs = append(f.evs, p)
	f.mu.Unlock()
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

func (f *feed) finish(d doneMsg) {
	f.mu.Lock()
	f.done = &d
	f.mu.Unlock()
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

type progressMsg struct {
	gen  uint64
	evs  []model.TuneProgress
	done *doneMsg
}

type doneMsg struct {
	run model.TuneRun
	err error
}

func (m *Model) wait() tea.Cmd {
	f, gen := m.feed, m.jobGen
	return func() tea.Msg {
		<-f.notify
		f.mu.Lock()
		defer f.mu.Unlock()
		evs := f.evs
		f.evs = nil
		return progressMsg{gen: gen, evs: evs, done: f.done}
	}
}
