package aliases

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/request"
)

// ---- loading --------------------------------------------------------------

// kindLoad is the cockpit's load; each alias's metrics are their own kind.
const kindLoad request.Kind = "load"

func metricsKind(alias string) request.Kind { return request.Kind("metrics:" + alias) }

func (m *Model) load() tea.Cmd {
	ctx, gen := m.req.Start(kindLoad)
	m.loading = true
	fleet, name := m.deps.Fleet, m.fn.Name
	return func() tea.Msg {
		out := loadedMsg{gen: gen}
		if d, err := fleet.GetFunction(ctx, name); err == nil {
			f := d.Function
			out.fn = &f
		}
		out.versions, out.err = fleet.ListVersions(ctx, name)
		if out.err != nil {
			return out
		}
		out.aliases, out.err = fleet.ListAliases(ctx, name)
		if out.err != nil {
			return out
		}
		out.prov, out.provErr = fleet.ListProvisioned(ctx, name)
		return out
	}
}

func (m *Model) handleLoaded(msg loadedMsg) tea.Cmd {
	if !m.req.Done(kindLoad, msg.gen) {
		return nil // stale
	}
	m.loading = false
	if msg.err != nil {
		m.loadErr = msg.err
		return m.fail("loading aliases: " + msg.err.Error())
	}
	m.loadErr = nil
	if msg.fn != nil {
		m.fn = *msg.fn
	}
	prevSel, hadSel := m.selected()
	first := !m.loaded
	m.loaded = true
	vs := append([]model.Version(nil), msg.versions...)
	model.SortVersions(vs)
	m.versions = vs
	m.setVersions()
	m.aliases = append([]model.Alias(nil), msg.aliases...)
	for i := range m.aliases {
		if m.aliases[i].Function == "" {
			m.aliases[i].Function = m.fn.Name
		}
	}
	m.prov = map[string]model.ProvisionedConfig{}
	for _, p := range msg.prov {
		m.prov[p.Qualifier] = p
	}
	m.provErr = msg.provErr
	m.setAliases()
	if !hadSel || !m.list.Select(prevSel.Name) {
		m.list.SetCursor(0)
		for _, a := range m.aliases { // open on the first alias with a canary
			if a.Routing.Active() && !hadSel && m.list.Select(a.Name) {
				break
			}
		}
	}
	if first {
		return m.refreshMetrics()
	}
	// the routing changed elsewhere: the cockpit's versions are no longer the alias's
	if al, ok := m.selected(); ok {
		if am, have := m.metrics[al.Name]; have && strings.Join(am.versions, ",") != strings.Join(aliasVersions(al), ",") {
			return m.fetchMetrics(al)
		}
	}
	return nil
}

func (m *Model) tick() tea.Cmd {
	return m.after(m.interval, func(time.Time) tea.Msg { return tickMsg{} })
}

// refreshMetrics fetches metrics for the selected alias and the plan's
// alias, unless a request for it is still in flight.
func (m *Model) refreshMetrics() tea.Cmd {
	var cmds []tea.Cmd
	sel, ok := m.selected()
	if ok && !m.metricsBusy[sel.Name] {
		cmds = append(cmds, m.fetchMetrics(sel))
	}
	if m.plan != nil && (!ok || sel.Name != m.plan.alias) && !m.metricsBusy[m.plan.alias] {
		if al, ok := m.aliasNamed(m.plan.alias); ok {
			cmds = append(cmds, m.fetchMetrics(al))
		}
	}
	return tea.Batch(cmds...)
}

// MetricQueries are the queries the cockpit makes for one alias: per
// version behind it (by ExecutedVersion), invocations, errors, throttles
// and p50/p99 duration at one-minute resolution; and the alias's throttles
// by its Resource dimension alone, since a throttled request never ran and
// so has no executed version (per-version throttles read 0 on a throttled
// alias).
func MetricQueries(fn string, a model.Alias) []model.MetricQuery {
	qs := []model.MetricQuery{{Function: fn, Resource: a.Name, Metric: "Throttles", Stat: model.StatSum, Period: time.Minute}}
	for _, v := range aliasVersions(a) {
		for _, ms := range [][2]string{
			{"Invocations", model.StatSum}, {"Errors", model.StatSum}, {"Throttles", model.StatSum},
			{"Duration", "p50"}, {"Duration", "p99"},
		} {
			qs = append(qs, model.MetricQuery{Function: fn, Resource: a.Name, ExecutedVersion: v,
				Metric: ms[0], Stat: ms[1], Period: time.Minute})
		}
	}
	return qs
}

func aliasVersions(a model.Alias) []string {
	if a.Routing.Active() {
		return []string{a.Version, a.Routing.AdditionalVersion}
	}
	return []string{a.Version}
}

func (m *Model) fetchMetrics(a model.Alias) tea.Cmd {
	if m.deps.Metrics == nil {
		return nil
	}
	ctx, gen := m.req.Start(metricsKind(a.Name))
	m.metricsBusy[a.Name] = true
	metrics := m.deps.Metrics
	qs := MetricQueries(m.fn.Name, a)
	versions := aliasVersions(a)
	window := m.deps.MetricsWindow()
	for _, v := range versions {
		wq := model.WindowQueries(m.fn.Name, a.Name, v, window)
		qs = append(qs, wq[model.WinP50], wq[model.WinP99])
	}
	start, end := model.WindowRange(m.deps.Now(), window)
	name := a.Name
	return func() tea.Msg {
		series, err := metrics.GetMetrics(ctx, qs, start, end)
		return metricsMsg{gen: gen, alias: name, versions: versions, series: series, start: start, at: end, err: err}
	}
}

func (m *Model) handleMetrics(msg metricsMsg) tea.Cmd {
	if !m.req.Done(metricsKind(msg.alias), msg.gen) {
		return nil // stale
	}
	m.metricsBusy[msg.alias] = false
	am := &aliasMetrics{versions: msg.versions, series: map[string]versionSeries{}, at: msg.at, start: msg.start, err: msg.err}
	if msg.err != nil {
		if old, ok := m.metrics[msg.alias]; ok && len(old.series) > 0 {
			old.err = msg.err
			am = old // keep the last good numbers, flagged
		}
		m.interval = min(maxBackoff, m.interval*2)
	} else {
		m.interval = m.opt.Refresh
		// MetricQueries (the alias's throttles under "", then each
		// version's per-minute series), then the window's p50, p99 per version
		perMinute := len(msg.series) - 2*len(msg.versions)
		for i, s := range msg.series {
			vs := am.series[s.Query.ExecutedVersion]
			switch {
			case i >= perMinute && s.Query.Stat == "p50":
				vs.winP50 = s
			case i >= perMinute && s.Query.Stat == "p99":
				vs.winP99 = s
			case s.Query.Metric == "Invocations":
				vs.inv = s
			case s.Query.Metric == "Errors":
				vs.errs = s
			case s.Query.Metric == "Throttles":
				vs.thr = s
			case s.Query.Metric == "Duration" && s.Query.Stat == "p50":
				vs.p50 = s
			case s.Query.Metric == "Duration" && s.Query.Stat == "p99":
				vs.p99 = s
			}
			am.series[s.Query.ExecutedVersion] = vs
		}
	}
	m.metrics[msg.alias] = am
	if m.plan != nil && m.plan.alias == msg.alias && !m.plan.inFlight {
		return m.planStep() // judge the fresh numbers at once
	}
	return nil
}

// aliasThrottles are the alias's throttles since a time (all of it for
// the zero time).
func (m *Model) aliasThrottles(alias string, since time.Time) float64 {
	am, ok := m.metrics[alias]
	if !ok {
		return 0
	}
	thr := am.series[""].thr // by Resource alone (MetricQueries)
	var n float64
	for i, v := range thr.Values {
		if i < len(thr.Timestamps) && !thr.Timestamps[i].Before(since) {
			n += v
		}
	}
	return n
}

// health folds an alias's metrics for one version since a time.
func (m *Model) health(alias, version string, since time.Time) (model.VersionHealth, bool) {
	am, ok := m.metrics[alias]
	if !ok {
		return model.VersionHealth{Version: version}, false
	}
	s, ok := am.series[version]
	if !ok {
		return model.VersionHealth{Version: version}, false
	}
	h := model.HealthFromSeries(version, s.inv, s.errs, s.thr, s.p50, s.p99, since)
	for _, v := range m.versions {
		if v.Version == version {
			h.TimeoutMs = float64(v.TimeoutSec) * 1000
		}
	}
	if h.TimeoutMs == 0 {
		h.TimeoutMs = float64(m.fn.TimeoutSec) * 1000
	}
	return h, true
}
