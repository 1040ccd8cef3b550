// Package triage is the ":triage" board: every function ranked by what an
// on-call engineer alarms on (model.Assess), each row saying why, with an
// estimated monthly cost and sizing hints. Metrics are fetched in batches
// through deps.Metrics, rows on screen first, and the cost of those metric
// queries is shown.
package triage

import (
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Defaults. The window is the session's (common.Deps.MetricsWindow, the
// config file's window:); the period splits it into about 15 points.
const (
	Refresh        = time.Minute
	BatchFunctions = 45 // functions per GetMetrics call (45 × 11 = 495 queries ≤ 500)
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
		alarms    *model.AlarmIndex // nil: none or unsupported
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
	byName  map[string]*row // by row key: the name, or over several pairs the ARN (pairs.go)
	multi   bool
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

	fleetGBs map[bool]float64 // monthly GB-seconds on arm64 (true) and x86

	t     *table.Model[*row]
	moved bool // the user moved the cursor: keep it on its function
	w, h  int

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
		o.Window = deps.MetricsWindow()
	}
	if o.Period <= 0 {
		o.Period = max(time.Minute, (o.Window / 15).Truncate(time.Minute))
	}
	if o.Refresh <= 0 {
		o.Refresh = Refresh
	}
	if o.SampleMemory == 0 {
		o.SampleMemory = SampleMemory
	}
	m := &Model{deps: deps, st: st, km: km, opts: o, id: nextID.Add(1), byName: map[string]*row{}}
	m.t = table.New(m.tableConfig(), st, m.listKeys())
	m.t.SetEmpty("listing functions…")
	return m
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
	fleet, pane, al, cd := m.deps.Fleet, m.id, m.deps.Alarms, m.deps.Deployments()
	if fleet == nil {
		return nil
	}
	return func() tea.Msg {
		// CloudWatch alarms rank the board (moto and LocalStack may lack
		// them: the board works without).
		var ix *model.AlarmIndex
		if al != nil {
			ix, _ = al.Alarms(ctx, false)
		}
		var fns []model.Function
		err := fleet.ListFunctions(ctx, func(p awsapi.Page) error {
			fns = append(fns, p.Functions...)
			return nil
		})
		// The board works without account settings (moto lacks them).
		acct, _ := fleet.AccountSettings(ctx)
		return listedMsg{pane: pane, gen: gen, fns: fns, acct: acct, alarms: ix, err: err, deploys: activeDeployments(ctx, cd)}
	}
}

// Rows returns the board's functions in display order with their health
// (for tests and the integration test).
func (m *Model) Rows() []model.Health {
	out := make([]model.Health, 0, m.t.Total())
	for _, r := range m.t.Items() {
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
	m.t.SetSize(w, max(1, h-2)) // the title line above, the cost line below
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
			m.assess(r)
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
		m.moved = true
		m.t.Update(msg)
		return m.fetchNext()
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft && msg.Y >= 1 {
			m.moved = m.moved || msg.Y >= 2
			m.t.Click(msg.X, msg.Y-1)
		}
	default:
		cmd, _ := m.t.Update(msg) // the filter's cursor blinks
		return cmd
	}
	return nil
}

func (m *Model) onListed(msg listedMsg) tea.Cmd {
	if msg.err != nil {
		m.listErr = msg.err
		return common.Status("triage: "+common.ErrLine(msg.err), true)
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
		if firing := msg.alarms.FiringFor(m.key(f)); len(firing) > 0 { // over several pairs: its own pair's
			r.hc.Alarms, r.hc.AlarmsAt = firing, m.deps.Time()
			model.ApplyAlarms(&r.h, r.hc)
		}
		m.rows = append(m.rows, r)
		m.byName[m.key(f)] = r
	}
	m.t.SetItems(append([]*row(nil), m.rows...))
	if !m.moved {
		m.t.SetCursor(0)
	}
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
	lo, hi := m.t.VisibleRange()
	for i := lo; i < hi && len(batch) < BatchFunctions; i++ {
		if r := m.t.At(i); want(r) {
			batch = append(batch, r)
		}
	}
	for _, r := range m.t.Items() {
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
		names[i] = m.key(r.fn) // over several pairs the ARN: the combined session sends it to its pair
		qs = append(qs, model.TriageQueries(names[i], m.opts.Period)...)
		// the window's own p99, as the function list and cockpit show it
		qs = append(qs, model.WindowQueries(names[i], "", "", m.opts.Window)[model.WinP99])
	}
	m.inFlight = true
	metrics, pane, gen := m.deps.Metrics, m.id, m.req.Gen(kindRun)
	start, end := model.WindowRange(m.deps.Now(), m.opts.Window)
	per := model.TriageQueriesPerFunction + 1
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
		return tea.Batch(common.Status("triage metrics: "+common.ErrLine(msg.err), true), m.scheduleRefresh())
	}
	m.fetchErr = nil
	for i, n := range msg.names {
		r := m.byName[n]
		if r == nil || i >= len(msg.series) {
			continue
		}
		ss := msg.series[i]
		r.series = model.TriageFromSeries(m.opts.Period, ss[:model.TriageQueriesPerFunction])
		r.series.WindowP99 = []float64{}
		if v, ok := ss[model.TriageQueriesPerFunction].LastPresent(); ok {
			r.series.WindowP99 = []float64{v}
		}
		r.have = true
		m.assess(r)
	}
	m.fleetTiers()
	m.resort()
	return m.fetchNext()
}

// assess applies the triage rules to r, its cost at the region's prices
// and the duration tier the fleet's total reaches.
func (m *Model) assess(r *row) {
	p := model.PricesFor(m.region())
	r.hc.Prices = &p
	r.hc.FleetGBSeconds = m.fleetGBs[r.fn.Architecture == "arm64"]
	r.h = model.Assess(r.fn, r.series, r.hc)
}

// tier is the highest duration tier the fleet's usage reaches.
func (m *Model) tier() int {
	t := 1
	for _, r := range m.rows {
		t = max(t, r.h.Cost.Tier)
	}
	return t
}

func (m *Model) region() string {
	if m.deps.Fleet == nil {
		return ""
	}
	return m.deps.Fleet.Target().Region
}

// fleetTiers totals the fleet's monthly GB-seconds per architecture
// (duration tiers apply to the account's total) and re-prices the board
// when a total passes the first tier, where the rate changes.
func (m *Model) fleetTiers() {
	var tot [2]float64
	for _, r := range m.rows {
		if r.have {
			i := 0
			if r.fn.Architecture == "arm64" {
				i = 1
			}
			tot[i] += r.h.Cost.GBSeconds
		}
	}
	changed := false
	for i, arm := range []bool{false, true} {
		bound := model.TiersX86[0].UpToGBSeconds
		if arm {
			bound = model.TiersARM[0].UpToGBSeconds
		}
		if tot[i] > bound || m.fleetGBs[arm] > bound {
			changed = changed || tot[i] != m.fleetGBs[arm]
		}
		if m.fleetGBs == nil {
			m.fleetGBs = map[bool]float64{}
		}
		m.fleetGBs[arm] = tot[i]
	}
	if changed {
		for _, r := range m.rows {
			if r.have {
				m.assess(r)
			}
		}
	}
}

func (m *Model) scheduleRefresh() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	pane, gen := m.id, m.req.Gen(kindRun)
	return tick(m.opts.Refresh, func(time.Time) tea.Msg { return refreshMsg{pane: pane, gen: gen} })
}
