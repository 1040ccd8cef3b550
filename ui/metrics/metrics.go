// Package metrics is the function view's Metrics tab: for the function or
// one of its aliases, invocations, errors and error %, throttles, duration
// p50/p90/p99 against the timeout, concurrency against reserved
// concurrency, IteratorAge for stream mappings and the cold-start rate from
// REPORT lines, over 15 minutes, 1 hour, 3 hours or 24 hours, drawn as
// sparklines and bar charts (chart.go, no dependencies). It refreshes on
// the minute with a tick that carries the generation.
package metrics

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Window is one choice of time range and resolution.
type Window struct {
	Name   string
	Span   time.Duration
	Period time.Duration
}

// Windows are the ranges w cycles through.
var Windows = []Window{
	{"15m", 15 * time.Minute, time.Minute},
	{"1h", time.Hour, time.Minute},
	{"3h", 3 * time.Hour, 5 * time.Minute},
	{"24h", 24 * time.Hour, 15 * time.Minute},
}

var nextID atomic.Uint64

// tick schedules a timed message (a seam for tests).
var tick = tea.Tick

// Series indexes, in query order.
const (
	sInv = iota
	sErr
	sThr
	sP50
	sP90
	sP99
	sConc
	sIter
	sSpill
	numSeries
)

// The window's own percentiles (one period as long as the window) follow
// the series in the query.
const (
	sWinP50 = numSeries + iota
	sWinP90
	sWinP99
	numQueries
)

var queryDefs = [numSeries]struct{ metric, stat string }{
	{model.MetricInvocations, model.StatSum},
	{model.MetricErrors, model.StatSum},
	{model.MetricThrottles, model.StatSum},
	{model.MetricDuration, "p50"},
	{model.MetricDuration, "p90"},
	{model.MetricDuration, "p99"},
	{model.MetricConcurrent, model.StatMaximum},
	{model.MetricIteratorAge, model.StatMaximum},
	{model.MetricSpillover, model.StatSum},
}

type (
	contextMsg struct {
		pane, gen uint64
		aliases   []model.Alias
		mappings  []model.ESM
		reserved  *int
		err       error
	}
	dataMsg struct {
		pane, gen uint64
		series    []model.MetricSeries
		reports   int
		cold      int
		at        time.Time
		err       error
	}
	refreshMsg struct{ pane, gen uint64 }
)

// Model is the Metrics tab.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	fn   model.Function
	id   uint64
	req  request.Tracker // kinds: kindContext, kindData

	aliases  []model.Alias
	mappings []model.ESM
	reserved *int
	qual     int // 0 = the function, i = aliases[i-1]
	win      int
	wins     []Window // Windows, with the session's window first when it is not one of them
	series   []model.MetricSeries
	reports  int
	cold     int
	updated  time.Time
	err      error
	w, h     int
	sample   bool // sample REPORT lines for the cold-start rate
}

// New returns the Metrics tab for fn.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) *Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	m := &Model{deps: deps, st: st, km: km, fn: fn, id: nextID.Add(1), sample: true}
	// open on the session's window, as every other pane shows it
	w := deps.MetricsWindow()
	m.wins, m.win = Windows, -1
	for i, x := range Windows {
		if x.Span == w {
			m.win = i
		}
	}
	if m.win < 0 {
		m.wins = append([]Window{{model.WindowLabel(w), w, max(time.Minute, (w / 60).Truncate(time.Minute))}}, Windows...)
		m.win = 0
	}
	return m
}

// Screen opens ":metrics" for the selected function.
func Screen(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
	fn, err := sc.FunctionArg(sc.Args, "metrics")
	if err != nil {
		return nil, err
	}
	return New(deps, st, km, fn), nil
}

// Title implements common.Titled.
func (m *Model) Title() string { return "metrics " + m.fn.Name }

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// The tab's request kinds: the function's context (aliases, mappings,
// reserved concurrency) and the series of the current window and qualifier.
const (
	kindContext request.Kind = "context"
	kindData    request.Kind = "data"
)

// Init reads the function's aliases, mappings and reserved concurrency,
// then its metrics.
func (m *Model) Init() tea.Cmd {
	fleet, fn, pane := m.deps.Fleet, m.fn.Name, m.id
	parent, gen := m.req.Start(kindContext)
	return tea.Batch(func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		out := contextMsg{pane: pane, gen: gen}
		if fleet == nil {
			return out
		}
		out.aliases, out.err = fleet.ListAliases(ctx, fn)
		if ms, err := fleet.ListMappings(ctx, fn); err == nil {
			out.mappings = ms
		}
		if r, err := fleet.GetReserved(ctx, fn); err == nil {
			out.reserved = r
		}
		return out
	}, m.fetch(true))
}

func (m *Model) qualifier() string {
	if m.qual == 0 || m.qual > len(m.aliases) {
		return ""
	}
	return m.aliases[m.qual-1].Name
}

// fetch asks for the current window and qualifier's series. withReports
// also samples REPORT lines for the cold-start rate: that opens a tail
// (Live Tail is billed per session-minute), so the minute refresh skips it.
func (m *Model) fetch(withReports bool) tea.Cmd {
	if m.deps.Metrics == nil {
		return nil
	}
	ctx, gen := m.req.Start(kindData)
	win := m.wins[m.win]
	qs := make([]model.MetricQuery, numSeries, numQueries)
	for i, d := range queryDefs {
		qs[i] = model.MetricQuery{Function: m.fn.Name, Resource: m.qualifier(), Metric: d.metric, Stat: d.stat, Period: win.Period}
	}
	for _, stat := range []string{"p50", "p90", "p99"} {
		qs = append(qs, model.MetricQuery{Function: m.fn.Name, Resource: m.qualifier(), Metric: model.MetricDuration, Stat: stat, Period: win.Span})
	}
	start, end := model.WindowRange(m.deps.Now(), win.Span)
	metrics, logs, pane := m.deps.Metrics, m.deps.Logs, m.id
	group := m.fn.LogGroupName()
	sample := withReports && m.sample && logs != nil
	prevReports, prevCold := m.reports, m.cold
	return func() tea.Msg {
		s, err := metrics.GetMetrics(ctx, qs, start, end)
		out := dataMsg{pane: pane, gen: gen, series: s, err: err, at: end}
		if sample {
			out.reports, out.cold = sampleCold(ctx, logs, group, min(win.Span, 15*time.Minute))
		} else {
			out.reports, out.cold = prevReports, prevCold
		}
		return out
	}
}

// sampleCold counts recent REPORT lines and the cold starts among them,
// through a short backfill of the tail, cancelled as soon as it settles.
func sampleCold(parent context.Context, logs awsapi.Logs, group string, span time.Duration) (reports, cold int) {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	defer cancel()
	ch := logs.Tail(ctx, awsapi.TailRequest{Groups: []string{group}, Backfill: span})
	var settle <-chan time.Time
	for {
		select {
		case b, ok := <-ch:
			if !ok {
				return
			}
			for _, ev := range b.Events {
				if r, ok := model.ParseReport(ev.Message); ok {
					reports++
					if r.ColdStart() {
						cold++
					}
				}
			}
			if settle == nil {
				settle = time.After(500 * time.Millisecond)
			}
		case <-settle:
			return
		}
	}
}

// scheduleRefresh fires at the start of the next minute.
func (m *Model) scheduleRefresh() tea.Cmd {
	now := m.deps.Now()
	next := now.Truncate(time.Minute).Add(time.Minute)
	pane, gen := m.id, m.req.Gen(kindData)
	return tick(next.Sub(now)+time.Second, func(time.Time) tea.Msg { return refreshMsg{pane: pane, gen: gen} })
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	k := m.km.Metrics
	return []key.Binding{k.Window, k.PrevWindow, k.Qualifier}
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case contextMsg:
		if msg.pane != m.id || !m.req.Done(kindContext, msg.gen) {
			return nil
		}
		m.aliases, m.mappings, m.reserved = msg.aliases, msg.mappings, msg.reserved
		return nil
	case dataMsg:
		if msg.pane != m.id || !m.req.Done(kindData, msg.gen) {
			return nil // an older window, qualifier or refresh, or the tab closed
		}
		m.err = msg.err
		if msg.err == nil {
			m.series = msg.series
			m.reports, m.cold = msg.reports, msg.cold
			m.updated = msg.at
		}
		return m.scheduleRefresh()
	case refreshMsg:
		if msg.pane != m.id || !m.req.Current(kindData, msg.gen) || m.req.InFlight(kindData) {
			return nil
		}
		return m.fetch(false)
	case common.RefreshMsg:
		return m.fetch(true)
	case tea.KeyPressMsg:
		k := m.km.Metrics
		switch {
		case key.Matches(msg, k.Window):
			m.win = (m.win + 1) % len(m.wins)
			return m.fetch(true)
		case key.Matches(msg, k.PrevWindow):
			m.win = (m.win + len(m.wins) - 1) % len(m.wins)
			return m.fetch(true)
		case key.Matches(msg, k.Qualifier):
			m.qual = (m.qual + 1) % (len(m.aliases) + 1)
			return m.fetch(false)
		}
	}
	return nil
}

func (m *Model) values(i int) []float64 {
	if i < len(m.series) {
		return m.series[i].Values
	}
	return nil
}

func sumOf(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t
}

func maxOf(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t = max(t, x)
	}
	return t
}

// winStat is one of the window's own percentiles, or no data when no
// invocation in the window reported a duration.
func (m *Model) winStat(i int) string {
	if i < len(m.series) {
		if v, ok := m.series[i].LastPresent(); ok {
			return millisOr(v) // a duration is never 0 when an invocation reported it
		}
	}
	return format.NoData
}

// periodName names one period of the charts: "min", "5m".
func periodName(p time.Duration) string {
	if p <= time.Minute {
		return "min"
	}
	return model.ShortDuration(p)
}

// millisOr is format.Millis, with no data for 0 (a maximum over minutes
// without datapoints).
func millisOr(v float64) string {
	if v <= 0 {
		return format.NoData
	}
	return format.Millis(v)
}

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var lines []string
	q := "function"
	if a := m.qualifier(); a != "" {
		q = "alias " + a
		if al := m.aliases[m.qual-1]; al.Routing.Active() {
			q += fmt.Sprintf(" (v%s + v%s at %d%%)", al.Version, al.Routing.AdditionalVersion, int(al.Routing.Weight*100+0.5))
		}
	}
	var wins []string
	for i, w := range m.wins {
		if i == m.win {
			wins = append(wins, m.st.TabActive.Render(w.Name))
		} else {
			wins = append(wins, m.st.Muted.Render(w.Name))
		}
	}
	head := m.st.Title.Render(m.fn.Name) + "  " + m.st.Accent.Render(q) + "  " + strings.Join(wins, " ")
	switch {
	case m.req.InFlight(kindData):
		head += "  " + m.st.Muted.Render("loading…")
	case !m.updated.IsZero():
		head += "  " + m.st.Muted.Render("updated "+m.updated.UTC().Format("15:04")+" UTC")
	}
	lines = append(lines, ansi.Truncate(head, m.w, "…"))
	if m.err != nil {
		lines = append(lines, m.st.Error.Render(ansi.Truncate("metrics unavailable: "+common.ErrLine(m.err), m.w, "…")))
		if m.updated.IsZero() { // nothing read yet: no figures, not zeros
			return strings.Join(lines, "\n")
		}
	}
	label := func(s string) string { return m.st.Header.Render(fmt.Sprintf("%-13s", s)) }
	sw := max(8, min(len(m.values(sInv)), m.w-13-32))
	spark := func(i int, style func(string) string) string {
		s := format.Sparkline(m.values(i), sw)
		s += strings.Repeat(" ", max(0, sw-ansi.StringWidth(s)))
		return style(s)
	}
	text := func(s string) string { return m.st.Text.Render(s) }
	inv, errs, thr := sumOf(m.values(sInv)), sumOf(m.values(sErr)), sumOf(m.values(sThr))
	errPct := 0.0
	errText := format.NoData // no invocations: no error rate, not 0%
	if inv > 0 {
		errPct = errs / inv * 100
		errText = fmt.Sprintf("%.2f%%", errPct)
	}
	wl := m.wins[m.win].Name
	errStyle, thrStyle := text, text
	if errPct > 1 {
		errStyle = func(s string) string { return m.st.Error.Render(s) }
	}
	if thr > 0 {
		thrStyle = func(s string) string { return m.st.Error.Render(s) }
	}
	per := m.wins[m.win].Period
	lines = append(lines,
		label("Invocations")+spark(sInv, text)+fmt.Sprintf("  %s in %s · %.0f/%s last", format.Float(inv), wl, last(m.values(sInv)), model.ShortDuration(per)),
		label("Errors")+spark(sErr, errStyle)+errStyle(fmt.Sprintf("  %s in %s · %s", format.Float(errs), wl, errText)),
		label("Throttles")+spark(sThr, thrStyle)+thrStyle(fmt.Sprintf("  %s in %s", format.Float(thr), wl)),
	)
	// Duration: p99 bars against the timeout line, then p50/p90/p99 figures.
	timeout := float64(m.fn.TimeoutSec) * 1000
	p99 := m.values(sP99)
	ceiling := max(timeout, maxOf(p99))
	p99Style := text
	if timeout > 0 && maxOf(p99) >= 0.8*timeout {
		p99Style = func(s string) string { return m.st.Warn.Render(s) }
	}
	if timeout > 0 {
		lines = append(lines, label("")+m.st.Error.Render(strings.Repeat("┄", sw))+m.st.Error.Render(fmt.Sprintf("  timeout %ds", m.fn.TimeoutSec)))
	}
	bars := Bars(p99, sw, 3, ceiling)
	for i, b := range bars {
		l := ""
		if i == 0 {
			l = "Duration p99"
		}
		b += strings.Repeat(" ", max(0, sw-ansi.StringWidth(b)))
		extra := ""
		switch i {
		case 0:
			// the worst single period of the chart (a minute, or 5m/15m on the longer windows)
			extra = fmt.Sprintf("  p99 %s %s · worst %s %s", wl, m.winStat(sWinP99), periodName(per), millisOr(maxOf(p99)))
		case 1:
			extra = fmt.Sprintf("  p90 %s %s", wl, m.winStat(sWinP90))
		case 2:
			extra = fmt.Sprintf("  p50 %s %s", wl, m.winStat(sWinP50))
		}
		lines = append(lines, label(l)+p99Style(b)+text(extra))
	}
	conc := m.values(sConc)
	concText := fmt.Sprintf("  max %.0f", maxOf(conc))
	concStyle := text
	if m.reserved != nil {
		concText += fmt.Sprintf(" / reserved %d", *m.reserved)
		if maxOf(conc) >= 0.9*float64(*m.reserved) {
			concStyle = func(s string) string { return m.st.Warn.Render(s) }
		}
	}
	lines = append(lines, label("Concurrency")+spark(sConc, concStyle)+concStyle(concText))
	if m.hasStream() {
		it := m.values(sIter)
		now := format.NoData
		if sIter < len(m.series) {
			if v, ok := m.series[sIter].LastPresent(); ok {
				now = format.Millis(v) // the newest reported age, not a zero-filled minute
			}
		}
		lines = append(lines, label("IteratorAge")+spark(sIter, text)+text(fmt.Sprintf("  %s latest · max %s in %s", now, millisOr(maxOf(it)), wl)))
	}
	if sp := m.values(sSpill); sumOf(sp) > 0 {
		lines = append(lines, label("PC spillover")+spark(sSpill, func(s string) string { return m.st.Warn.Render(s) })+
			m.st.Warn.Render(fmt.Sprintf("  %s invocations on-demand", format.Float(sumOf(sp)))))
	}
	cold := m.st.Muted.Render("no REPORT lines in the last 15m")
	if m.reports > 0 {
		cold = text(fmt.Sprintf("%.1f%% of %d REPORT lines (last %s)", float64(m.cold)*100/float64(m.reports), m.reports,
			model.ShortDuration(min(m.wins[m.win].Span, 15*time.Minute))))
	}
	lines = append(lines, label("Cold starts")+cold)
	lines = append(lines, "", m.st.Muted.Render(ansi.Truncate("w window · a function/alias · r refresh", m.w, "…")))
	for i := range lines {
		lines[i] = ansi.Truncate(lines[i], m.w, "…")
	}
	if len(lines) > m.h {
		lines = lines[:m.h]
	}
	return strings.Join(lines, "\n")
}

func (m *Model) hasStream() bool {
	for _, e := range m.mappings {
		if e.SourceType == "Kinesis" || e.SourceType == "DynamoDB" || e.SourceType == "Kafka" {
			return true
		}
	}
	return maxOf(m.values(sIter)) > 0
}

func last(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}

// lastSeen is the newest non-zero point. A percentile of zero means the
// minute had no invocations (missing minutes read as zero, and the newest
// minute is still provisional), so it is never the latest figure.
func lastSeen(v []float64) float64 {
	for i := len(v) - 1; i >= 0; i-- {
		if v[i] != 0 {
			return v[i]
		}
	}
	return 0
}
