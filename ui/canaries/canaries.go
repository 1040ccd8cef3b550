// Package canaries is the fleet-wide ":canaries" screen: every alias with
// weighted routing or a running CodeDeploy deployment across the region,
// with its weight, the cockpit's health verdict for the canary and who is
// moving it — CodeDeploy, a plan in this program, or nobody (set by hand).
// It answers "what is shifting right now?".
//
// The region's running deployments come from one CodeDeploy read; aliases
// are read function by function (ListAliases, paced by the aws layer's
// governor) in chunks, each chunk's canaries judged with one GetMetricData
// batch. Only the rows on screen are rendered. AWS is reached only from
// tea.Cmd closures; results carry the run's generation (request.Tracker).
package canaries

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Tuning.
const (
	Chunk       = 25 // functions whose aliases one command reads
	Workers     = 4  // ListAliases in flight at once
	RefreshEach = time.Minute
)

// Owner says who is moving an alias.
type Owner string

const (
	OwnerCodeDeploy Owner = "CodeDeploy"
	OwnerPlan       Owner = "plan"
	OwnerNone       Owner = "none"
)

// Row is one alias on the screen.
type Row struct {
	Function string
	Key      string // the function's key: its name, or over several pairs its ARN (scan.go)
	Pair     string // over several pairs: "account region", else ""
	Alias    model.Alias
	Deploy   *model.Deployment
	Owner    Owner
	Judged   bool
	Verdict  string // "✗ worse: errors 7.9% vs 0.6%", "ok", "too little traffic", "…"
	Worse    bool
	// Stable and Canary are the versions' figures over the window
	// (the window's own p99, one period as long as the window).
	Stable, Canary model.VersionHealth
	fn             model.Function
}

// Model is the screen.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	jobs map[string]bool // running jobs when the screen opened ("plan:fn:alias")

	w, h int
	req  request.Tracker

	fns      []model.Function
	scanned  int
	listErr  error
	deploys  map[string]model.Deployment // fn:alias
	cdNote   string
	rows     []Row
	t        *table.Model[*Row] // rows point into rows
	done     bool
	after    func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	thr      model.CompareThresholds
	startedA time.Time

	published  map[string]int  // published versions per function key, when the session can tell (scan.go)
	moving     map[string]bool // function keys that had a row in the last scan: read again each time
	multi      bool
	all        int   // functions listed (m.fns holds those scanned)
	prev       []Row // the last scan's rows
	refreshing bool
	fresh      bool // this scan reads every alias afresh (r)
}

// Screen is the ScreenMaker for ":canaries".
func Screen(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
	m := New(deps, st, km)
	for _, j := range sc.Jobs {
		m.jobs[j] = true
	}
	return m, nil
}

// New builds the screen.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap) *Model {
	m := &Model{deps: deps, st: st, km: km, jobs: map[string]bool{}, deploys: map[string]model.Deployment{},
		after: tea.Tick, thr: model.DefaultCompareThresholds()}
	m.multi = m.isMulti()
	m.t = table.New(m.tableConfig(), st, km.List)
	return m
}

var (
	_ common.Pane   = (*Model)(nil)
	_ common.Closer = (*Model)(nil)
	_ common.Titled = (*Model)(nil)
)

// Title implements common.Titled.
func (m *Model) Title() string { return "canaries" }

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	return append([]key.Binding{m.km.List.Open}, append(m.t.HelpKeys(), m.km.Global.Refresh)...)
}

// CapturesInput implements common.InputCapturer: the filter and the
// column chooser take every key.
func (m *Model) CapturesInput() bool { return m.t.CapturesInput() }

// Back implements common.BackHandler: esc closes the chooser or clears the
// filter first.
func (m *Model) Back() bool { return m.t.Back() }

// SetFilter applies a filter as if typed.
func (m *Model) SetFilter(s string) { m.t.SetFilter(s) }

var (
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
)

// Rows is what the screen shows, in its order (tests).
func (m *Model) Rows() []Row {
	out := make([]Row, 0, m.t.Len())
	for i := 0; i < m.t.Len(); i++ {
		out = append(out, *m.t.At(i))
	}
	return out
}

// setRows hands the rows to the table (a chunk arrived, a scan started).
func (m *Model) setRows() {
	ptrs := make([]*Row, len(m.rows))
	for i := range m.rows {
		ptrs[i] = &m.rows[i]
	}
	m.t.SetItems(ptrs)
}

// Done reports whether the scan finished.
func (m *Model) Done() bool { return m.done }

const kindRun request.Kind = "run"

type listedMsg struct {
	gen       uint64
	fns       []model.Function
	published map[string]int
	pubErr    error
	deploys   []model.Deployment
	cdErr     error
	err       error
}

type chunkMsg struct {
	gen  uint64
	next int
	rows []Row
}

type refreshMsg struct{ gen uint64 }

// Init implements common.Pane.
func (m *Model) Init() tea.Cmd { return m.start() }

func (m *Model) start() tea.Cmd {
	ctx, gen := m.req.Start(kindRun)
	fleet, cd := m.deps.Fleet, m.deps.Deployments()
	sc, refresh := m.scanner(), m.refreshing
	m.refreshing, m.fresh = false, refresh
	m.done, m.scanned, m.startedA = false, 0, m.deps.Time()
	m.prev = m.rows
	return func() tea.Msg {
		out := listedMsg{gen: gen}
		var wg sync.WaitGroup
		if cd != nil {
			wg.Add(1)
			go func() { defer wg.Done(); out.deploys, out.cdErr = cd.ActiveDeployments(ctx) }()
		}
		if sc != nil {
			wg.Add(1)
			go func() { defer wg.Done(); out.published, out.pubErr = sc.PublishedFunctions(ctx, refresh) }()
		}
		out.err = fleet.ListFunctions(ctx, func(p awsapi.Page) error {
			out.fns = append(out.fns, p.Functions...)
			return nil
		})
		wg.Wait()
		return out
	}
}

// scan reads the aliases of fns[from:from+Chunk] and judges their canaries.
func (m *Model) scan(from int) tea.Cmd {
	ctx, gen := m.req.Ctx(kindRun), m.req.Gen(kindRun)
	metrics := m.deps.Metrics
	fns := m.fns[from:min(len(m.fns), from+Chunk)]
	deploys, jobs, thr := m.deploys, m.jobs, m.thr
	now, window := m.deps.Time(), m.deps.MetricsWindow()
	read, multi := m.reader(), m.multi
	return func() tea.Msg {
		found := make([][]Row, len(fns))
		sem := make(chan struct{}, Workers)
		var wg sync.WaitGroup
		for i, f := range fns {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				key := keyOf(multi, f)
				as, err := read(ctx, f)
				if err != nil {
					return
				}
				for _, a := range as {
					d, owned := deploys[key+":"+a.Name]
					if !a.Routing.Active() && !owned {
						continue
					}
					if a.Function == "" {
						a.Function = f.Name
					}
					r := Row{Function: f.Name, Key: key, Pair: labelOf(multi, f), Alias: a, Owner: OwnerNone, fn: f, Verdict: "…"}
					switch {
					case owned:
						dd := d
						r.Deploy, r.Owner = &dd, OwnerCodeDeploy
					case jobs["plan:"+f.Name+":"+a.Name]:
						r.Owner = OwnerPlan
					}
					found[i] = append(found[i], r)
				}
			}()
		}
		wg.Wait()
		var rows []Row
		for _, rs := range found {
			rows = append(rows, rs...)
		}
		judge(ctx, metrics, rows, now, window, thr)
		return chunkMsg{gen: gen, next: from + len(fns), rows: rows}
	}
}

// judge fills in each row's verdict with one GetMetricData batch: per
// version the window's invocations, errors and p99 (one period as long as
// the window, as the cockpit reads them), and the alias's throttles.
func judge(ctx context.Context, metrics awsapi.Metrics, rows []Row, now time.Time, window time.Duration, thr model.CompareThresholds) {
	if metrics == nil || len(rows) == 0 {
		return
	}
	var qs []model.MetricQuery
	idx := map[string]int{}
	add := func(q model.MetricQuery) {
		idx[q.Key()] = len(qs)
		qs = append(qs, q)
	}
	for _, r := range rows {
		if !r.Alias.Routing.Active() {
			continue
		}
		for _, v := range []string{r.Alias.Version, r.Alias.Routing.AdditionalVersion} {
			wq := model.WindowQueries(r.key(), r.Alias.Name, v, window)
			add(wq[model.WinInvocations])
			add(wq[model.WinErrors])
			add(wq[model.WinP99])
		}
		add(model.WindowQueries(r.key(), r.Alias.Name, "", window)[model.WinThrottles])
	}
	if len(qs) == 0 {
		return
	}
	start, end := model.WindowRange(now, window)
	series, err := metrics.GetMetrics(ctx, qs, start, end)
	for i := range rows {
		r := &rows[i]
		if !r.Alias.Routing.Active() {
			r.Verdict = "no routing yet"
			continue
		}
		if err != nil || len(series) != len(qs) {
			r.Verdict = "metrics unavailable"
			continue
		}
		get := func(v string, k int) model.MetricSeries {
			return series[idx[model.WindowQueries(r.key(), r.Alias.Name, v, window)[k].Key()]]
		}
		none := model.MetricSeries{}
		health := func(v string) model.VersionHealth {
			h := model.HealthFromSeries(v, get(v, model.WinInvocations), get(v, model.WinErrors), none, none, none, time.Time{})
			if x, ok := get(v, model.WinP99).LastPresent(); ok {
				h.P99Ms = x
			}
			return h
		}
		st, ca := health(r.Alias.Version), health(r.Alias.Routing.AdditionalVersion)
		r.Stable, r.Canary = st, ca
		cmp := model.CompareHealth(st, ca, thr)
		aliasThr := get("", model.WinThrottles).Sum()
		var why []string
		if cmp.Errors {
			why = append(why, fmt.Sprintf("errors %.1f%% vs %.1f%%", ca.ErrorPct(), st.ErrorPct()))
		}
		if cmp.P99 {
			why = append(why, fmt.Sprintf("p99 %.0f vs %.0f ms", ca.P99Ms, st.P99Ms))
		}
		r.Judged = cmp.Judged
		switch {
		case len(why) > 0:
			r.Worse, r.Verdict = true, "✗ worse: "+strings.Join(why, ", ")
		case !cmp.Judged:
			r.Verdict = fmt.Sprintf("too little canary traffic (%.0f invocations)", ca.Invocations)
		default:
			r.Verdict = "✓ no worse"
		}
		r.Verdict += " · " + figures(ca) + " vs " + figures(st)
		if aliasThr > 0 {
			r.Verdict += fmt.Sprintf(" · alias throttled %.0f", aliasThr)
		}
	}
}

// figures is one version's window figures: "v8 7.9% err of 1,322".
func figures(h model.VersionHealth) string {
	if h.Invocations <= 0 {
		return "v" + h.Version + " " + format.NoData + " (no invocations)"
	}
	return fmt.Sprintf("v%s %s err of %s", h.Version, format.Percent(h.ErrorPct()), format.Float(h.Invocations))
}

// Update implements common.Pane; it never calls AWS.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case listedMsg:
		if !m.req.Current(kindRun, msg.gen) {
			return nil
		}
		if msg.err != nil {
			m.listErr = msg.err
			m.req.Done(kindRun, msg.gen)
			return common.Status("canaries: listing functions: "+msg.err.Error(), true)
		}
		m.listErr = nil
		m.rows = nil // the new scan's rows replace the last one's
		m.setRows()
		m.deploys = map[string]model.Deployment{}
		m.cdNote = ""
		switch {
		case msg.cdErr != nil && errors.Is(msg.cdErr, awsapi.ErrUnsupported):
			m.cdNote = "CodeDeploy is not available on this endpoint: owners are this program's plans or none"
		case msg.cdErr != nil:
			m.cdNote = "CodeDeploy could not be read: " + msg.cdErr.Error()
		}
		for _, d := range msg.deploys {
			m.deploys[m.deployKey(d)] = d
		}
		m.fns = m.toScan(msg.fns, msg.published, msg.pubErr)
		if len(m.fns) == 0 {
			m.done = true
			m.req.Done(kindRun, msg.gen)
			return nil
		}
		return m.scan(0)
	case chunkMsg:
		if !m.req.Current(kindRun, msg.gen) {
			return nil
		}
		m.scanned = msg.next
		m.rows = append(m.rows, msg.rows...)
		m.setRows()
		if msg.next < len(m.fns) {
			return m.scan(msg.next)
		}
		m.done = true
		m.req.Done(kindRun, msg.gen)
		gen := msg.gen
		return m.after(RefreshEach, func(time.Time) tea.Msg { return refreshMsg{gen: gen} })
	case refreshMsg:
		if msg.gen != m.req.Gen(kindRun) {
			return nil
		}
		return m.start()
	case common.RefreshMsg:
		m.refreshing = true // r: sweep the published versions again, read every alias afresh
		return m.start()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	cmd, _ := m.t.Update(msg) // the wheel, the filter's cursor
	return cmd
}

// handleKey: the filter and the chooser take every key; enter opens the
// alias's function on its Aliases tab; the rest is the table's.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if !m.t.CapturesInput() && key.Matches(msg, m.km.List.Open) {
		if r, ok := m.t.Selected(); ok {
			fn := r.fn
			return func() tea.Msg { return common.OpenFunctionMsg{Function: fn, Tab: 1} }
		}
		return common.Status("no alias selected", false)
	}
	cmd, used := m.t.Update(msg)
	if !used {
		return table.NoAction(msg)
	}
	return cmd
}
