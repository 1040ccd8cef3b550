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
	"sort"
	"strings"
	"sync"
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

// Tuning.
const (
	Chunk       = 25               // functions whose aliases one command reads
	Workers     = 4                // ListAliases in flight at once
	Window      = 30 * time.Minute // how far back the verdict looks
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
	Key      string // the function's key: its name, or over several pairs its ARN (pairs.go)
	Pair     string // over several pairs: "account region", else ""
	Alias    model.Alias
	Deploy   *model.Deployment
	Owner    Owner
	Judged   bool
	Verdict  string // "✗ worse: errors 7.9% vs 0.6%", "ok", "too little traffic", "…"
	Worse    bool
	fn       model.Function
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
	cursor   int
	offset   int
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
	return []key.Binding{m.km.List.Up, m.km.List.Down, m.km.List.Open, m.km.Global.Refresh}
}

// Rows is what the screen shows (tests).
func (m *Model) Rows() []Row { return m.rows }

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
	m.prev, m.rows = m.rows, nil
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
	read, multi := m.reader(), m.multi
	end := m.deps.Time().Truncate(time.Minute)
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
		judge(ctx, metrics, rows, end, thr)
		return chunkMsg{gen: gen, next: from + len(fns), rows: rows}
	}
}

// judge fills in each row's verdict with one GetMetricData batch.
func judge(ctx context.Context, metrics awsapi.Metrics, rows []Row, end time.Time, thr model.CompareThresholds) {
	if metrics == nil || len(rows) == 0 {
		return
	}
	var qs []model.MetricQuery
	idx := map[string]int{}
	for _, r := range rows {
		if !r.Alias.Routing.Active() {
			continue
		}
		for _, v := range []string{r.Alias.Version, r.Alias.Routing.AdditionalVersion} {
			for _, ms := range [][2]string{{"Invocations", model.StatSum}, {"Errors", model.StatSum}, {"Duration", "p99"}} {
				q := model.MetricQuery{Function: r.key(), Resource: r.Alias.Name, ExecutedVersion: v, Metric: ms[0], Stat: ms[1], Period: time.Minute}
				idx[q.Key()] = len(qs)
				qs = append(qs, q)
			}
		}
		q := model.MetricQuery{Function: r.key(), Resource: r.Alias.Name, Metric: "Throttles", Stat: model.StatSum, Period: time.Minute}
		idx[q.Key()] = len(qs)
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return
	}
	series, err := metrics.GetMetrics(ctx, qs, end.Add(-Window), end)
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
		get := func(v, metric, stat string) model.MetricSeries {
			q := model.MetricQuery{Function: r.key(), Resource: r.Alias.Name, ExecutedVersion: v, Metric: metric, Stat: stat, Period: time.Minute}
			return series[idx[q.Key()]]
		}
		none := model.MetricSeries{}
		health := func(v string) model.VersionHealth {
			return model.HealthFromSeries(v, get(v, "Invocations", model.StatSum), get(v, "Errors", model.StatSum), none, none, get(v, "Duration", "p99"), time.Time{})
		}
		st, ca := health(r.Alias.Version), health(r.Alias.Routing.AdditionalVersion)
		cmp := model.CompareHealth(st, ca, thr)
		aliasThr := 0.0
		for _, v := range get("", "Throttles", model.StatSum).Values {
			aliasThr += v
		}
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
		if aliasThr > 0 {
			r.Verdict += fmt.Sprintf(" · alias throttled %.0f", aliasThr)
		}
	}
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
		sortRows(m.rows)
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
		switch {
		case key.Matches(msg, m.km.List.Up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, m.km.List.Down):
			m.cursor = max(0, min(len(m.rows)-1, m.cursor+1))
		case key.Matches(msg, m.km.List.Open):
			if m.cursor < len(m.rows) {
				fn := m.rows[m.cursor].fn
				return func() tea.Msg { return common.OpenFunctionMsg{Function: fn, Tab: 1} }
			}
		}
	}
	return nil
}

// sortRows: CodeDeploy first, then plans, then canaries judged worse, then the rest by name.
func sortRows(rows []Row) {
	rank := func(r Row) int {
		switch {
		case r.Owner == OwnerCodeDeploy:
			return 0
		case r.Owner == OwnerPlan:
			return 1
		case r.Worse:
			return 2
		}
		return 3
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if a, b := rank(rows[i]), rank(rows[j]); a != b {
			return a < b
		}
		if a, b := rows[i].Function+":"+rows[i].Alias.Name, rows[j].Function+":"+rows[j].Alias.Name; a != b {
			return a < b
		}
		return rows[i].Pair < rows[j].Pair
	})
}

// View implements common.Pane.
func (m *Model) View() string {
	w, h := m.w, m.h
	if w <= 0 || h <= 0 {
		return ""
	}
	var out []string
	title := fmt.Sprintf("What is shifting right now: %d aliases with routing or a deployment", len(m.rows))
	switch {
	case m.listErr != nil:
		title = "could not list functions: " + m.listErr.Error()
	case !m.done && len(m.fns) == 0:
		title = "listing functions and CodeDeploy deployments…"
	case !m.done:
		title += fmt.Sprintf(" · scanned %d/%d functions…", m.scanned, len(m.fns)) + m.scanNote()
	default:
		title += fmt.Sprintf(" · %d functions scanned", len(m.fns)) + m.scanNote()
	}
	out = append(out, m.st.Title.Render(title))
	if m.cdNote != "" {
		out = append(out, m.st.Muted.Render(m.cdNote))
	}
	aw := 34
	if w < 100 {
		aw = 26
	}
	pw := 0
	if m.multi {
		pw = 24
	}
	out = append(out, m.st.TableHeader.Render("  "+pad("FUNCTION:ALIAS", aw)+padIf("ACCOUNT REGION", pw)+pad("ROUTING", 18)+pad("OWNER", 16)+"VERDICT / DEPLOYMENT"))
	if len(m.rows) == 0 && m.done {
		out = append(out, m.st.Muted.Render("  nothing is shifting: no alias has weighted routing and no CodeDeploy deployment runs"))
	}
	rows := max(1, h-len(out))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	now := m.deps.Time()
	for i := m.offset; i < min(len(m.rows), m.offset+rows); i++ { // only the rows on screen
		r := m.rows[i]
		a := r.Alias
		routing := a.Version + " 100%"
		if a.Routing.Active() {
			routing = fmt.Sprintf("%s → %s %s", a.Version, a.Routing.AdditionalVersion, model.FormatWeight(a.Routing.Weight))
		}
		owner := string(r.Owner)
		switch r.Owner {
		case OwnerNone:
			owner = "none (by hand)"
		case OwnerPlan:
			owner = "plan (here)"
		}
		detail := r.Verdict
		if d := r.Deploy; d != nil {
			detail = fmt.Sprintf("%s %s %s→%s %g%%", d.ID, strings.TrimPrefix(d.Config, "CodeDeployDefault."), d.CurrentVersion, d.TargetVersion, d.TargetWeight)
			if at, wt, ok := d.NextStep(now); ok {
				detail += fmt.Sprintf(", %g%% at %s", wt, at.Format("15:04"))
			}
			if a.Routing.Active() && r.Verdict != "" {
				detail += " · " + r.Verdict
			}
		}
		mark := "  "
		if i == m.cursor {
			mark = "▸ "
		}
		line := mark + pad(r.Function+":"+a.Name, aw) + padIf(r.Pair, pw) + pad(routing, 18) + pad(owner, 16) + detail
		switch {
		case r.Worse:
			line = m.st.Error.Render(line)
		case r.Owner == OwnerCodeDeploy:
			line = m.st.Warn.Render(line)
		}
		if i == m.cursor {
			line = m.st.Bold.Render(line)
		}
		out = append(out, line)
	}
	if len(out) > h {
		out = out[:h]
	}
	for i, l := range out {
		if ansi.StringWidth(l) > w {
			out[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(out, "\n")
}

func pad(s string, w int) string {
	n := ansi.StringWidth(s)
	if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w-1, "…") + " "
}
