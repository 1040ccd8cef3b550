// Package triage is the ":triage" board: every function ranked by what an
// on-call engineer alarms on (model.Assess), each row saying why, with an
// estimated monthly cost and sizing hints. Metrics are fetched in batches
// through deps.Metrics, rows on screen first, and the cost of those metric
// queries is shown.
package triage

import (
	"context"
	"fmt"
	"sort"
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
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Defaults.
const (
	Window         = time.Hour
	Period         = 5 * time.Minute
	Refresh        = time.Minute
	BatchFunctions = 50 // functions per GetMetrics call (50 × 9 = 450 queries ≤ 500)
	SampleMemory   = 8  // functions whose REPORT lines are sampled for memory use
	pricePerMetric = 0.01 / 1000
)

var nextID atomic.Uint64

// tick schedules a timed message (a seam for tests).
var tick = tea.Tick

type (
	listedMsg struct {
		pane, gen uint64
		fns       []model.Function
		acct      model.AccountSettings
		err       error
		deploys   []model.Deployment // running CodeDeploy deployments (codedeploy.go)
	}
	metricsMsg struct {
		pane, gen uint64
		names     []string
		series    [][]model.MetricSeries // per function, TriageQueries order
		spent     float64
		err       error
	}
	extrasMsg struct {
		pane, gen uint64
		name      string
		reserved  *int
		prov      int
		memUsed   int
		rate      float64 // invocations/s measured from REPORT lines
		avgMs     float64
		canary    *model.CanaryStats
		err       error
	}
	refreshMsg struct{ pane, gen uint64 }
)

// Sort orders of the board.
const (
	SortRank = iota
	SortErrors
	SortThrottles
	SortP99
	SortCost
	SortName
	numSorts
)

var sortNames = [numSorts]string{"rank", "error %", "throttles", "p99/timeout", "cost", "name"}

type row struct {
	fn      model.Function
	h       model.Health
	series  model.TriageSeries
	have    bool // metrics arrived
	hc      model.HealthContext
	extras  bool // reserved/provisioned/memory asked for
	canary  bool // weighted aliases looked for
	pending bool // in the batch being fetched
}

// Options tune the board.
type Options struct {
	Window, Period, Refresh time.Duration
	SampleMemory            int // <0: never sample REPORT lines
}

// Model is the triage board.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	opts Options
	id   uint64
	req  request.Tracker // one kind, kindRun: a listing and every round of metrics after it

	ticking bool // a refresh is scheduled
	rows    []*row
	byName  map[string]*row
	order   []*row
	listed  bool
	listErr error
	acct    model.AccountSettings

	inFlight  bool
	fetchErr  error
	spent     float64 // QueryCost so far
	lastFetch time.Time
	sampled   int
	rounds    int

	sortBy  int
	reverse bool
	moved   bool // the user moved the cursor: keep it on its function
	cursor  int
	offset  int
	w, h    int

	deploying map[string][]model.Deployment // function → its running CodeDeploy deployments
}

// New returns the board.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap) *Model {
	return NewWithOptions(deps, st, km, Options{})
}

// NewWithOptions returns the board with tuned windows.
func NewWithOptions(deps common.Deps, st *styles.Styles, km keymap.KeyMap, o Options) *Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if o.Window <= 0 {
		o.Window = Window
	}
	if o.Period <= 0 {
		o.Period = Period
	}
	if o.Refresh <= 0 {
		o.Refresh = Refresh
	}
	if o.SampleMemory == 0 {
		o.SampleMemory = SampleMemory
	}
	return &Model{deps: deps, st: st, km: km, opts: o, id: nextID.Add(1), byName: map[string]*row{}}
}

// Screen opens ":triage".
func Screen(deps common.Deps, st *styles.Styles, km keymap.KeyMap, _ common.ScreenContext) (common.Pane, error) {
	return New(deps, st, km), nil
}

// Title implements common.Titled.
func (m *Model) Title() string { return "triage" }

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// kindRun is the board's one request kind: a listing starts a run, and the
// metrics rounds, extras and refresh ticks after it carry its generation and
// use its context, so a relist or Close drops them all.
const kindRun request.Kind = "run"

// Init lists the functions.
func (m *Model) Init() tea.Cmd { return m.list() }

func (m *Model) list() tea.Cmd {
	ctx, gen := m.req.Start(kindRun)
	m.inFlight, m.ticking = false, false
	fleet, pane, cd := m.deps.Fleet, m.id, m.deps.Deployments()
	if fleet == nil {
		return nil
	}
	return func() tea.Msg {
		var fns []model.Function
		err := fleet.ListFunctions(ctx, func(p awsapi.Page) error {
			fns = append(fns, p.Functions...)
			return nil
		})
		// The board works without account settings (moto lacks them).
		acct, _ := fleet.AccountSettings(ctx)
		return listedMsg{pane: pane, gen: gen, fns: fns, acct: acct, err: err, deploys: activeDeployments(ctx, cd)}
	}
}

// Rows returns the board's functions in display order with their health
// (for tests and the integration test).
func (m *Model) Rows() []model.Health {
	out := make([]model.Health, 0, len(m.order))
	for _, r := range m.order {
		out = append(out, r.h)
	}
	return out
}

// Complete reports whether every function's metrics have arrived.
func (m *Model) Complete() bool {
	if !m.listed {
		return false
	}
	for _, r := range m.rows {
		if !r.have {
			return false
		}
	}
	return true
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clamp()
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	t := m.km.Triage
	return []key.Binding{t.Open, t.Logs, t.Sort, t.Reverse, m.km.List.Up, m.km.List.Down}
}

func (m *Model) bodyHeight() int { return max(1, m.h-3) }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case listedMsg:
		if msg.pane != m.id || !m.req.Current(kindRun, msg.gen) {
			return nil
		}
		return m.onListed(msg)
	case metricsMsg:
		if msg.pane != m.id || !m.req.Current(kindRun, msg.gen) {
			return nil
		}
		return m.onMetrics(msg)
	case extrasMsg:
		if msg.pane != m.id || !m.req.Current(kindRun, msg.gen) {
			return nil
		}
		if r := m.byName[msg.name]; r != nil && msg.err == nil {
			if msg.reserved != nil {
				r.hc.Reserved = msg.reserved
			}
			if msg.prov > 0 {
				r.hc.Provisioned = msg.prov
			}
			if msg.memUsed > 0 {
				r.hc.MaxMemoryUsedMB = msg.memUsed
				r.hc.ReportRate, r.hc.ReportAvgBilledMs = msg.rate, msg.avgMs
			}
			if msg.canary != nil {
				r.hc.Canary = msg.canary
			}
			r.h = model.Assess(r.fn, r.series, r.hc)
			m.resort()
		}
		return nil
	case refreshMsg:
		if msg.pane != m.id || !m.req.Current(kindRun, msg.gen) {
			return nil
		}
		m.ticking = false
		for _, r := range m.rows {
			r.pending = false
		}
		m.rounds++
		return m.fetchNext()
	case common.RefreshMsg:
		return m.list()
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-3)
		case tea.MouseWheelDown:
			m.move(3)
		}
	case tea.MouseClickMsg:
		if i := m.offset + msg.Y - 2; msg.Y >= 2 && i < len(m.order) {
			m.cursor = i
		}
	}
	return nil
}

func (m *Model) onListed(msg listedMsg) tea.Cmd {
	if msg.err != nil {
		m.listErr = msg.err
		return common.Status("triage: "+msg.err.Error(), true)
	}
	m.listed, m.listErr = true, nil
	m.acct = msg.acct
	m.setDeploying(msg.deploys)
	m.rows = m.rows[:0]
	m.byName = map[string]*row{}
	for _, f := range msg.fns {
		r := &row{fn: f, h: model.Health{Function: f.Name}}
		r.hc.AccountLimit = msg.acct.ConcurrentExecutions
		r.hc.Unreserved = msg.acct.UnreservedConcurrentExecutions
		r.hc.Now = m.deps.Now()
		if f.Reserved != nil {
			r.hc.Reserved = f.Reserved
		}
		m.rows = append(m.rows, r)
		m.byName[f.Name] = r
	}
	m.resort()
	return m.fetchNext()
}

// fetchNext asks for the next batch of this round (a row is pending once
// asked for in the round): rows on screen first, then the rest in display
// order. When the round is done the next one is scheduled.
func (m *Model) fetchNext() tea.Cmd {
	if m.inFlight || m.deps.Metrics == nil {
		return nil
	}
	want := func(r *row) bool { return !r.pending }
	var batch []*row
	lo, hi := m.offset, min(len(m.order), m.offset+m.bodyHeight())
	for i := lo; i < hi && len(batch) < BatchFunctions; i++ {
		if want(m.order[i]) {
			batch = append(batch, m.order[i])
		}
	}
	for _, r := range m.order {
		if len(batch) >= BatchFunctions {
			break
		}
		if want(r) && !contains(batch, r) {
			batch = append(batch, r)
		}
	}
	if len(batch) == 0 {
		return tea.Batch(m.scheduleRefresh(), m.extras())
	}
	names := make([]string, len(batch))
	var qs []model.MetricQuery
	for i, r := range batch {
		r.pending = true
		names[i] = r.fn.Name
		qs = append(qs, model.TriageQueries(r.fn.Name, m.opts.Period)...)
	}
	m.inFlight = true
	metrics, pane, gen := m.deps.Metrics, m.id, m.req.Gen(kindRun)
	end := m.deps.Now().Truncate(time.Minute)
	start := end.Add(-m.opts.Window)
	per := model.TriageQueriesPerFunction
	ctx := m.req.Ctx(kindRun)
	return func() tea.Msg {
		s, err := metrics.GetMetrics(ctx, qs, start, end)
		out := metricsMsg{pane: pane, gen: gen, names: names, err: err, spent: metrics.QueryCost()}
		if err == nil {
			for i := range names {
				if (i+1)*per <= len(s) {
					out.series = append(out.series, s[i*per:(i+1)*per])
				}
			}
		}
		return out
	}
}

func contains(rs []*row, r *row) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func (m *Model) onMetrics(msg metricsMsg) tea.Cmd {
	m.inFlight = false
	m.spent = msg.spent
	m.lastFetch = m.deps.Now()
	if msg.err != nil {
		m.fetchErr = msg.err
		for _, n := range msg.names {
			if r := m.byName[n]; r != nil {
				r.pending = false
			}
		}
		// Back off: try again on the next refresh.
		return tea.Batch(common.Status("triage metrics: "+msg.err.Error(), true), m.scheduleRefresh())
	}
	m.fetchErr = nil
	for i, n := range msg.names {
		r := m.byName[n]
		if r == nil || i >= len(msg.series) {
			continue
		}
		r.series = model.TriageFromSeries(m.opts.Period, msg.series[i])
		r.have = true
		r.h = model.Assess(r.fn, r.series, r.hc)
	}
	m.resort()
	return m.fetchNext()
}

func (m *Model) scheduleRefresh() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	pane, gen := m.id, m.req.Gen(kindRun)
	return tick(m.opts.Refresh, func(time.Time) tea.Msg { return refreshMsg{pane: pane, gen: gen} })
}

// extras asks, once per function, for what the metrics cannot say: the
// reserved concurrency of throttled or busy functions, the provisioned
// concurrency of those spilling over, and the memory used (from REPORT
// lines) of the costliest large-memory functions.
func (m *Model) extras() tea.Cmd {
	var cmds []tea.Cmd
	fleet, logs, pane, gen := m.deps.Fleet, m.deps.Logs, m.id, m.req.Gen(kindRun)
	ctx := m.req.Ctx(kindRun)
	var big []*row
	for _, r := range m.rows {
		if !r.have || r.extras {
			continue
		}
		needRes := r.hc.Reserved == nil && (r.h.Throttles > 0 || r.h.Has("concurrency"))
		needProv := r.h.Has("spillover")
		if r.fn.MemoryMB >= 1024 && r.h.Invocations > 0 && m.opts.SampleMemory > 0 && logs != nil {
			big = append(big, r)
		}
		if !needRes && !needProv || fleet == nil {
			continue
		}
		r.extras = true
		name := r.fn.Name
		cmds = append(cmds, func() tea.Msg {
			out := extrasMsg{pane: pane, gen: gen, name: name}
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
	metrics := m.deps.Metrics
	end := m.deps.Now().Truncate(time.Minute)
	window := m.opts.Window
	for _, r := range m.rows {
		// A function with some errors may be a canary failing behind a
		// weighted alias: split its errors by executed version.
		if !r.have || r.canary || fleet == nil || metrics == nil || r.h.Errors < model.MinCanaryErrors || r.h.ErrorRate < 0.003 {
			continue
		}
		r.canary = true
		name := r.fn.Name
		cmds = append(cmds, func() tea.Msg {
			out := extrasMsg{pane: pane, gen: gen, name: name}
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
		name, group := r.fn.Name, r.fn.LogGroupName()
		window := m.opts.Window
		cmds = append(cmds, func() tea.Msg {
			s := sampleReports(ctx, logs, group, window)
			return extrasMsg{pane: pane, gen: gen, name: name, memUsed: s.maxUsed, rate: s.rate, avgMs: s.avgMs}
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

// resort orders the rows, keeping the cursor on the same function.
func (m *Model) resort() {
	var cur string
	if m.cursor < len(m.order) {
		cur = m.order[m.cursor].fn.Name
	}
	m.order = append(m.order[:0], m.rows...)
	less := m.less()
	sort.SliceStable(m.order, func(i, j int) bool {
		if m.reverse {
			return less(m.order[j], m.order[i])
		}
		return less(m.order[i], m.order[j])
	})
	if !m.moved {
		m.cursor, m.offset = 0, 0
	}
	for i, r := range m.order {
		if m.moved && r.fn.Name == cur {
			m.cursor = i
		}
	}
	m.clamp()
}

func (m *Model) less() func(a, b *row) bool {
	rank := func(a, b *row) bool {
		if a.have != b.have {
			return a.have
		}
		if a.h.Tier != b.h.Tier {
			return a.h.Tier > b.h.Tier
		}
		if a.h.Score != b.h.Score {
			return a.h.Score > b.h.Score
		}
		return a.fn.Name < b.fn.Name
	}
	by := func(f func(r *row) float64) func(a, b *row) bool {
		return func(a, b *row) bool {
			if x, y := f(a), f(b); x != y {
				return x > y
			}
			return rank(a, b)
		}
	}
	switch m.sortBy {
	case SortErrors:
		return by(func(r *row) float64 { return r.h.ErrorRate })
	case SortThrottles:
		return by(func(r *row) float64 { return r.h.Throttles })
	case SortP99:
		return by(func(r *row) float64 {
			if r.fn.TimeoutSec == 0 {
				return 0
			}
			return r.h.P99.Seconds() / float64(r.fn.TimeoutSec)
		})
	case SortCost:
		return by(func(r *row) float64 { return r.h.Cost.Monthly })
	case SortName:
		return func(a, b *row) bool { return a.fn.Name < b.fn.Name }
	}
	return rank
}

func (m *Model) clamp() {
	n := len(m.order)
	m.cursor = min(max(m.cursor, 0), max(n-1, 0))
	h := m.bodyHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(max(m.offset, 0), max(n-h, 0))
}

func (m *Model) move(d int) tea.Cmd {
	m.moved = true
	m.cursor += d
	m.clamp()
	// Rows scrolled into view get their metrics next.
	return m.fetchNext()
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	t, nav := m.km.Triage, m.km.List
	switch {
	case key.Matches(msg, nav.Up):
		return m.move(-1)
	case key.Matches(msg, nav.Down):
		return m.move(1)
	case key.Matches(msg, nav.PageUp):
		return m.move(-m.bodyHeight())
	case key.Matches(msg, nav.PageDown):
		return m.move(m.bodyHeight())
	case key.Matches(msg, nav.Top):
		return m.move(-len(m.order))
	case key.Matches(msg, nav.Bottom):
		return m.move(len(m.order))
	case key.Matches(msg, t.Sort):
		m.sortBy = (m.sortBy + 1) % numSorts
		m.resort()
		return common.Status("sorted by "+sortNames[m.sortBy], false)
	case key.Matches(msg, t.Reverse):
		m.reverse = !m.reverse
		m.resort()
	case key.Matches(msg, t.Open), key.Matches(msg, t.Logs):
		if m.cursor >= len(m.order) {
			return nil
		}
		fn := m.order[m.cursor].fn
		tab := 0
		if key.Matches(msg, t.Logs) {
			tab = 3
		}
		return func() tea.Msg { return common.OpenFunctionMsg{Function: fn, Tab: tab} }
	}
	return nil
}

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	cols := m.columns()
	b.WriteString(m.st.TableHeader.Render(ansi.Truncate(cols.head(), m.w, "…")))
	h := m.bodyHeight()
	switch {
	case m.listErr != nil:
		b.WriteString("\n" + m.st.Error.Render(ansi.Truncate("could not list functions: "+m.listErr.Error(), m.w, "…")))
		h--
	case !m.listed:
		b.WriteString("\n" + m.st.Muted.Render("listing functions…"))
		h--
	}
	for i := m.offset; i < min(len(m.order), m.offset+h); i++ {
		b.WriteByte('\n')
		b.WriteString(m.renderRow(m.order[i], i == m.cursor, cols))
	}
	rendered := min(len(m.order)-m.offset, h)
	for i := max(rendered, 0); i < h; i++ {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(m.footer())
	return b.String()
}

func (m *Model) header() string {
	have, alarms, warns := 0, 0, 0
	for _, r := range m.rows {
		if r.have {
			have++
		}
		switch r.h.Tier {
		case model.TierAlarm:
			alarms++
		case model.TierWarn:
			warns++
		}
	}
	parts := []string{m.st.Title.Render("Triage"),
		m.st.Muted.Render(fmt.Sprintf("last %s", model.ShortDuration(m.opts.Window))),
		fmt.Sprintf("%d functions", len(m.rows))}
	if have < len(m.rows) {
		parts = append(parts, m.st.Warn.Render(fmt.Sprintf("metrics %d/%d", have, len(m.rows))))
	}
	if alarms > 0 {
		parts = append(parts, m.st.Error.Render(fmt.Sprintf("%d alarming", alarms)))
	}
	if warns > 0 {
		parts = append(parts, m.st.Warn.Render(fmt.Sprintf("%d warnings", warns)))
	}
	parts = append(parts, m.st.Muted.Render("sort: "+sortNames[m.sortBy]))
	return ansi.Truncate(strings.Join(parts, "  "), m.w, "…")
}

// footer shows the cost of the metric queries: per refresh of the whole
// board, per hour at the refresh interval, and spent so far.
func (m *Model) footer() string {
	per := float64(len(m.rows)*model.TriageQueriesPerFunction) * pricePerMetric
	perHour := per * float64(time.Hour) / float64(m.opts.Refresh)
	s := fmt.Sprintf("metric queries: %s/refresh · %s/hour at 1/%s · spent %s",
		dollars(per), dollars(perHour), model.ShortDuration(m.opts.Refresh), dollars(m.spent))
	if m.fetchErr != nil {
		return m.st.Error.Render(ansi.Truncate(s+" · "+m.fetchErr.Error(), m.w, "…"))
	}
	return m.st.Muted.Render(ansi.Truncate(s, m.w, "…"))
}

func dollars(v float64) string {
	if v > 0 && v < 1 {
		return fmt.Sprintf("$%.4f", v)
	}
	return model.FormatDollars(v)
}

type columns struct {
	name, errs, thr, p99, cost, why int
}

func (m *Model) columns() columns {
	c := columns{name: 24, errs: 7, thr: 9, p99: 13, cost: 10}
	if m.w < 100 {
		c = columns{name: 18, errs: 5, thr: 5, p99: 10, cost: 8}
	}
	c.why = max(10, m.w-(2+c.name+c.errs+c.thr+c.p99+c.cost+5))
	return c
}

func (c columns) head() string {
	thr, p99, cost := "THROTTLES", "P99/TIMEOUT", "$/MONTH"
	if c.thr < 9 {
		thr, p99, cost = "THR", "P99/TO", "$/MO"
	}
	return "  " + pad("FUNCTION", c.name) + " " + lpad("ERR%", c.errs) + " " + lpad(thr, c.thr) + " " +
		lpad(p99, c.p99) + " " + lpad(cost, c.cost) + "  " + "WHY"
}

func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

func lpad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) + s
}

func (m *Model) renderRow(r *row, selected bool, c columns) string {
	h := r.h
	mark := "  "
	switch h.Tier {
	case model.TierAlarm:
		mark = m.st.Error.Render("● ")
	case model.TierWarn:
		mark = m.st.Warn.Render("▲ ")
	case model.TierHint:
		mark = m.st.Accent.Render("◆ ")
	}
	errs, thr, p99, cost, why := "…", "…", "…", "…", ""
	if r.have {
		errs = "-"
		if h.Invocations > 0 {
			errs = fmt.Sprintf("%.1f", h.ErrorRate*100)
		}
		thr = fmt.Sprintf("%.0f", h.Throttles)
		p99 = "-"
		if h.P99 > 0 {
			p99 = model.ShortDuration(h.P99) + "/" + fmt.Sprint(r.fn.TimeoutSec) + "s"
		}
		cost = model.FormatDollars(h.Cost.Monthly)
		why = h.Reason()
		if hints := h.Cost.Hints; len(hints) > 0 && !h.Has("memory") {
			if why != "" {
				why += "; "
			}
			why += strings.Join(hints, "; ")
		}
		if why == "" {
			why = "healthy"
			if h.Invocations == 0 && h.Throttles == 0 {
				why = "no invocations"
			}
		}
	}
	if d := m.deployNote(r.fn.Name); d != "" {
		why = d + "; " + why
	}
	line := pad(r.fn.Name, c.name) + " " + lpad(errs, c.errs) + " " + lpad(thr, c.thr) + " " + lpad(p99, c.p99) + " " +
		lpad(cost, c.cost) + "  " + ansi.Truncate(why, c.why, "…")
	line = ansi.Truncate(line, m.w-2, "…")
	switch {
	case selected:
		return mark + m.st.Selected.Render(line)
	case h.Tier == model.TierAlarm:
		return mark + m.st.Error.Render(line)
	case h.Tier == model.TierWarn:
		return mark + m.st.Warn.Render(line)
	case !r.have || why == "healthy" || why == "no invocations":
		return mark + m.st.Muted.Render(line)
	}
	return mark + m.st.Text.Render(line)
}
