// Package aliases is the function view's Aliases tab: the canary cockpit.
// It lists a function's versions and aliases (primary, additional version
// and weight as a bar, provisioned concurrency), shows for the selected
// alias the configured weight next to the observed split and each
// version's health side by side with sparklines, and changes routing
// safely: every change is checked before it is sent (model.Preflight),
// shown before and after in a confirmation, sent with the RevisionId that
// was on screen, and a conflicting change made elsewhere is shown rather
// than overwritten. A guarded plan (model.Plan) steps the weight up as a
// visible background job and aborts by itself when a threshold trips.
//
// AWS is reached only from tea.Cmd closures that capture locals; results
// carry a generation and stale ones are dropped; Close cancels in-flight
// work.
package aliases

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/scroll"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// PaneID is the pane's address for common.Wrap.
const PaneID common.PaneID = "aliases"

// Defaults the pane uses; Options may change them.
const (
	DefaultRefresh = time.Minute      // metrics and aliases refresh
	MetricsWindow  = 30 * time.Minute // how far back the cockpit looks
	maxBackoff     = 8 * time.Minute
	planTickEvery  = time.Second
)

// Options tune the pane. The zero value uses the defaults.
type Options struct {
	Step       float64       // weight step of + and - (default 10%)
	Refresh    time.Duration // refresh interval (default 1 minute)
	Thresholds model.CompareThresholds
	Plan       model.Plan // the plan offered by L
}

func (o Options) withDefaults() Options {
	if o.Step <= 0 || o.Step > 1 {
		o.Step = model.DefaultWeightStep
	}
	if o.Refresh <= 0 {
		o.Refresh = DefaultRefresh
	}
	if o.Thresholds == (model.CompareThresholds{}) {
		o.Thresholds = model.DefaultCompareThresholds()
	}
	if len(o.Plan.Steps) == 0 {
		o.Plan = model.DefaultPlan()
	}
	return o
}

// Model is the Aliases tab.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	fn   model.Function
	opt  Options

	w, h int

	// req tracks the load (kindLoad) and each alias's metrics (metricsKind);
	// mutations and plans use its lifetime context. Close drops every result
	// and tick the pane issued.
	req request.Tracker

	loading  bool
	loaded   bool
	loadErr  error
	versions []model.Version
	aliases  []model.Alias
	prov     map[string]model.ProvisionedConfig
	provErr  error
	cursor   int
	scroll   scroll.View // the cockpit scrolls when it is taller than the pane

	metrics     map[string]*aliasMetrics // by alias name
	metricsBusy map[string]bool          // alias → a request is in flight (the tick does not pile up)
	interval    time.Duration

	busy      bool // a mutation is in flight
	problems  []model.PreflightProblem
	notice    string // last outcome, shown in the pane
	noticeErr bool
	conflict  *conflictInfo

	plan *planRun
	jobs uint64
	// after schedules a message (tea.Tick; tests replace it to deliver ticks by hand)
	after    func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	lastPlan string // how the last plan ended
	// leaveWarned: esc was pressed once while a plan runs (a second esc leaves)
	leaveWarned bool

	cd cdState // CodeDeploy: who owns which alias (codedeploy.go)
}

// aliasMetrics is one alias's per-version health.
type aliasMetrics struct {
	versions []string // primary first, then the additional version
	series   map[string]versionSeries
	at       time.Time
	start    time.Time
	err      error
}

type versionSeries struct {
	inv, errs, thr, p50, p99 model.MetricSeries
}

type conflictInfo struct {
	mine   model.AliasChange
	theirs model.Alias
}

// New builds the Aliases tab for fn.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) *Model {
	return NewWithOptions(deps, st, km, fn, Options{})
}

// NewWithOptions builds the tab with a weight step, refresh interval,
// thresholds and default plan of the caller's choosing.
func NewWithOptions(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function, opt Options) *Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	opt = opt.withDefaults()
	return &Model{
		deps: deps, st: st, km: km, fn: fn, opt: opt,
		prov:        map[string]model.ProvisionedConfig{},
		metrics:     map[string]*aliasMetrics{},
		metricsBusy: map[string]bool{},
		interval:    opt.Refresh,
		after:       tea.Tick,
	}
}

var (
	_ common.Pane   = (*Model)(nil)
	_ common.Closer = (*Model)(nil)
	_ common.Titled = (*Model)(nil)

	_ common.BackHandler = (*Model)(nil)
)

// Back implements common.BackHandler: while a plan runs, the first esc only
// warns that leaving the view stops the plan; a second esc leaves.
func (m *Model) Back() bool {
	if m.plan != nil && !m.leaveWarned {
		m.leaveWarned = true
		m.notice, m.noticeErr = fmt.Sprintf("a plan is running on %s: leaving this view stops it (routing stays where it is); esc again to leave, %s to stop the plan",
			m.plan.alias, m.km.Aliases.Plan.Help().Key), true
		return true
	}
	return false
}

// Title implements common.Titled.
func (m *Model) Title() string { return "Aliases" }

// Close cancels in-flight work and stops the refresh and any running plan
// (the plan leaves the routing where it is).
func (m *Model) Close() {
	m.req.Close()
	m.plan = nil
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	a := m.km.Aliases
	if _, owned := m.Owner(); owned {
		return []key.Binding{a.StopDeployment, a.StopRollback, a.Publish, a.Create, m.km.List.Up, m.km.List.Down}
	}
	return []key.Binding{a.WeightUp, a.WeightDown, a.Promote, a.Abort, a.Plan, a.SetWeight,
		a.Undo, a.Publish, a.Create, m.km.List.Up, m.km.List.Down}
}

// PlanRunning reports whether a guarded plan is in progress.
func (m *Model) PlanRunning() bool { return m.plan != nil }

// Init loads versions, aliases and provisioned concurrency and starts the refresh tick.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.load(), m.tick(), m.loadDeploys())
}

// ---- messages -------------------------------------------------------------

type loadedMsg struct {
	gen      uint64
	fn       *model.Function
	versions []model.Version
	aliases  []model.Alias
	prov     []model.ProvisionedConfig
	provErr  error
	err      error
}

type metricsMsg struct {
	gen       uint64
	alias     string
	versions  []string
	series    []model.MetricSeries
	start, at time.Time
	err       error
}

type tickMsg struct{}

type appliedMsg struct {
	change model.AliasChange
	alias  model.Alias
	err    error
	plan   uint64 // the plan run that asked, 0 for the operator
	d      model.PlanDecision
}

type journalMsg struct {
	alias string
	entry model.JournalEntry
	ok    bool
}

type publishedMsg struct {
	v   model.Version
	err error
}

type createdMsg struct {
	a   model.Alias
	err error
}

// Prompt results: the dialogs return these (pure messages, no AWS).
type aliasNamedMsg struct {
	name string
}
type aliasVersionMsg struct {
	name, version string
}
type planStartMsg struct {
	alias   string
	plan    model.Plan
	canary  string
	primary string
}
type planTickMsg struct {
	run, seq uint64
}

// confirmedMsg is what an accepted confirmation sends back: the pane marks
// itself busy and only then returns the command that calls AWS.
type confirmedMsg struct {
	change model.AliasChange
}
type publishMsg struct {
	desc string
}
type createMsg struct {
	a model.Alias
}

// ---- update ---------------------------------------------------------------

// every private message is the pane's own: dropped once the pane closed
func (loadedMsg) own()       {}
func (metricsMsg) own()      {}
func (tickMsg) own()         {}
func (appliedMsg) own()      {}
func (journalMsg) own()      {}
func (publishedMsg) own()    {}
func (createdMsg) own()      {}
func (aliasNamedMsg) own()   {}
func (aliasVersionMsg) own() {}
func (planStartMsg) own()    {}
func (planTickMsg) own()     {}
func (confirmedMsg) own()    {}
func (publishMsg) own()      {}
func (createMsg) own()       {}

// Update implements common.Pane. It never calls AWS: it only changes state
// and returns commands. It drops anything issued before the pane closed,
// then dispatches.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if pm, ok := msg.(common.PaneMsg); ok && pm.Pane == PaneID {
		return m.Update(pm.Msg)
	}
	if _, ok := msg.(interface{ own() }); ok && m.req.Closed() {
		return nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			m.scroll.By(-3)
		} else if msg.Button == tea.MouseWheelDown {
			m.scroll.By(3)
		}
		return nil
	case common.RefreshMsg:
		return tea.Batch(m.load(), m.refreshMetrics(), m.loadDeploys())
	case tickMsg:
		return tea.Batch(m.load(), m.refreshMetrics(), m.tick(), m.loadDeploys())
	case deploysMsg, deployTickMsg, stopConfirmedMsg, stoppedMsg:
		return m.handleDeployMsg(msg)
	case versionPickedMsg:
		return m.handlePicked(msg)
	case loadedMsg:
		return m.handleLoaded(msg)
	case metricsMsg:
		return m.handleMetrics(msg)
	case appliedMsg:
		if msg.plan != 0 {
			return m.planApplied(msg)
		}
		return m.handleApplied(msg)
	case journalMsg:
		return m.handleJournal(msg)
	case publishedMsg, createdMsg:
		return m.handleCreated(msg)
	case planTickMsg:
		if m.plan == nil || m.plan.id != msg.run || m.plan.tickSeq != msg.seq {
			return nil
		}
		return m.planStep()
	}
	return m.handleAccepted(msg)
}

// handleCreated takes the result of a publish or a create.
func (m *Model) handleCreated(msg tea.Msg) tea.Cmd {
	m.busy = false
	switch msg := msg.(type) {
	case publishedMsg:
		if msg.err != nil {
			return m.fail("publish failed: " + msg.err.Error())
		}
		return tea.Batch(m.say(fmt.Sprintf("published version %s of %s", msg.v.Version, m.fn.Name)), m.load())
	case createdMsg:
		if msg.err != nil {
			return m.fail("create alias failed: " + msg.err.Error())
		}
		return tea.Batch(m.say(fmt.Sprintf("created alias %s → %s", msg.a.Name, DescribeAlias(msg.a))), m.load())
	}
	return nil
}

// handleAccepted takes what a prompt or confirmation sent back.
func (m *Model) handleAccepted(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case aliasNamedMsg:
		return m.promptAliasVersion(msg.name)
	case aliasVersionMsg:
		return m.proposeCreate(msg.name, msg.version)
	case planStartMsg:
		return m.startPlan(msg)
	case confirmedMsg, publishMsg, createMsg:
		if m.busy {
			return m.fail("a change is still being applied; nothing was sent")
		}
		m.busy = true
		switch msg := msg.(type) {
		case publishMsg:
			return m.publishCmd(msg.desc)
		case createMsg:
			return m.createCmd(msg.a)
		case confirmedMsg:
			var stop tea.Cmd
			if m.plan != nil && m.plan.alias == msg.change.Before.Name {
				stop = m.stopPlan("overridden by the operator: " + string(msg.change.Kind))
			}
			return tea.Batch(stop, m.applyCmd(msg.change, 0, model.PlanDecision{}))
		}
	}
	return nil
}

func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	m.leaveWarned = false
	a := m.km.Aliases
	switch {
	case key.Matches(k, m.km.List.Up):
		return m.move(-1)
	case key.Matches(k, m.km.List.Down):
		return m.move(1)
	case key.Matches(k, m.km.List.Top):
		return m.move(-len(m.aliases))
	case key.Matches(k, m.km.List.Bottom):
		return m.move(len(m.aliases))
	case key.Matches(k, m.km.List.PageDown):
		m.scroll.By(max(1, m.h/2))
		return nil
	case key.Matches(k, m.km.List.PageUp):
		m.scroll.By(-max(1, m.h/2))
		return nil
	case key.Matches(k, a.Plan) && m.plan != nil:
		return m.stopPlan("stopped by the operator")
	}
	if cmd, done := m.deployKey(k); done { // CodeDeploy owns the alias: S, R, and the weight keys refused
		return cmd
	}
	if m.mutatingKey(k) && m.deps.Fleet != nil && m.deps.Fleet.Target().Protection == model.ReadOnly {
		return m.fail("read-only mode: changes are refused (nothing was sent)")
	}
	switch {
	case key.Matches(k, a.Plan):
		return m.withAlias(func(al model.Alias) tea.Cmd { return m.promptPlan(al) })
	case key.Matches(k, a.Publish):
		return m.promptPublish()
	case key.Matches(k, a.Create):
		return m.promptCreate()
	}
	if al, ok := m.selected(); ok && key.Matches(k, a.WeightUp) && !al.Routing.Active() {
		return m.withAlias(m.pickVersion) // no routing yet: which version? (picker.go)
	}
	var change func(model.Alias) (model.AliasChange, error)
	title := ""
	switch {
	case key.Matches(k, a.WeightUp):
		change = func(al model.Alias) (model.AliasChange, error) { return model.ShiftCanary(al, m.versions, m.opt.Step) }
		title = "Shift canary weight up"
	case key.Matches(k, a.WeightDown):
		change = func(al model.Alias) (model.AliasChange, error) { return model.ShiftCanary(al, m.versions, -m.opt.Step) }
		title = "Shift canary weight down"
	case key.Matches(k, a.Promote):
		change, title = model.Promote, "Promote canary"
	case key.Matches(k, a.Abort):
		change, title = model.Abort, "Abort canary"
	case key.Matches(k, a.SetWeight):
		return m.withAlias(m.promptWeight)
	case key.Matches(k, a.Undo):
		return m.withAlias(m.fetchUndo)
	default:
		return nil
	}
	run := func(al model.Alias) tea.Cmd {
		c, err := change(al)
		if err != nil {
			return m.fail(err.Error())
		}
		return m.propose(c, title)
	}
	// promote and abort stay available while a plan runs: the operator
	// overrides it (the plan stops when the change is confirmed)
	if al, ok := m.selected(); ok && m.plan != nil && m.plan.alias == al.Name && !m.busy &&
		(key.Matches(k, a.Promote) || key.Matches(k, a.Abort)) {
		return run(al)
	}
	return m.withAlias(run)
}

func (m *Model) mutatingKey(k tea.KeyPressMsg) bool {
	a := m.km.Aliases
	for _, b := range []key.Binding{a.WeightUp, a.WeightDown, a.SetWeight, a.Promote, a.Abort, a.Publish, a.Create, a.Undo, a.Plan} {
		if key.Matches(k, b) {
			return true
		}
	}
	return false
}

// withAlias runs f on the selected alias, refusing while a change or a plan is in flight.
func (m *Model) withAlias(f func(model.Alias) tea.Cmd) tea.Cmd {
	al, ok := m.selected()
	switch {
	case !m.loaded:
		return m.fail("aliases are still loading")
	case !ok:
		return m.fail("no alias selected: create one with " + m.km.Aliases.Create.Help().Key)
	case m.busy:
		return m.fail("a change is still being applied")
	case m.plan != nil && m.plan.alias == al.Name:
		return m.fail("a plan is running on " + al.Name + ": stop it first with " + m.km.Aliases.Plan.Help().Key)
	}
	return f(al)
}

func (m *Model) move(d int) tea.Cmd {
	if len(m.aliases) == 0 {
		return nil
	}
	c := max(0, min(len(m.aliases)-1, m.cursor+d))
	if c == m.cursor {
		return nil
	}
	m.cursor = c
	m.problems, m.conflict = nil, nil
	if al, ok := m.selected(); ok {
		if _, have := m.metrics[al.Name]; !have {
			return m.fetchMetrics(al)
		}
	}
	return nil
}

func (m *Model) selected() (model.Alias, bool) {
	if m.cursor < 0 || m.cursor >= len(m.aliases) {
		return model.Alias{}, false
	}
	return m.aliases[m.cursor], true
}

func (m *Model) aliasNamed(name string) (model.Alias, bool) {
	for _, a := range m.aliases {
		if a.Name == name {
			return a, true
		}
	}
	return model.Alias{}, false
}

func (m *Model) setAlias(a model.Alias) {
	for i := range m.aliases {
		if m.aliases[i].Name == a.Name {
			if a.Function == "" {
				a.Function = m.aliases[i].Function
			}
			m.aliases[i] = a
			return
		}
	}
}

func (m *Model) say(text string) tea.Cmd {
	m.notice, m.noticeErr = text, false
	return common.Status(text, false)
}

func (m *Model) fail(text string) tea.Cmd {
	m.notice, m.noticeErr = text, true
	return common.Status(text, true)
}

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
	m.cursor = 0
	if hadSel {
		for i, a := range m.aliases {
			if a.Name == prevSel.Name {
				m.cursor = i
			}
		}
	} else {
		for i, a := range m.aliases { // open on the first alias with a canary
			if a.Routing.Active() {
				m.cursor = i
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
	end := m.deps.Now().Truncate(time.Minute)
	start := end.Add(-MetricsWindow)
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
		for _, s := range msg.series {
			vs := am.series[s.Query.ExecutedVersion]
			switch {
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

// ---- changes --------------------------------------------------------------

func (m *Model) protected() bool {
	return m.deps.Fleet != nil && m.deps.Fleet.Target().Protection == model.Protected
}

// propose runs the pre-flight checks on c and, when they pass, opens the
// confirmation showing the routing before and after.
func (m *Model) propose(c model.AliasChange, title string) tea.Cmd {
	cmd, err := m.proposal(c, title)
	if err != nil {
		return m.fail(err.Error())
	}
	return cmd
}

// weightChange is the confirmation of a typed canary weight, or why there
// is none (the weight prompt shows that error and stays open).
func (m *Model) weightChange(alias string, w float64) (tea.Cmd, error) {
	a, ok := m.aliasNamed(alias)
	if !ok {
		return nil, fmt.Errorf("alias %s is gone: press r", alias)
	}
	c, err := model.SetCanaryWeight(a, m.versions, w)
	if err != nil {
		return nil, err
	}
	return m.proposal(c, "Set canary weight")
}

// proposal opens the confirmation of c, or says why c cannot be proposed.
func (m *Model) proposal(c model.AliasChange, title string) (tea.Cmd, error) {
	m.conflict = nil
	if c.Noop() {
		return nil, fmt.Errorf("alias %s already is %s: nothing to change", c.Before.Name, model.DescribeRouting(c.Version, c.Routing))
	}
	if probs := model.Preflight(m.fn, m.versions, c); len(probs) > 0 {
		m.problems = probs
		return nil, errors.New("pre-flight: " + probs[0].Message)
	}
	m.problems = nil
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     fmt.Sprintf("%s — %s:%s", title, m.fn.Name, c.Before.Name),
		Body:      m.worseWarning(c) + ChangeBody(c, 30),
		Protected: m.protected(),
		Name:      c.Before.Name,
		Accept: func() (tea.Cmd, error) {
			if m.busy {
				return nil, errors.New("a change is still being applied; nothing was sent")
			}
			return m.confirmed(c), nil
		},
	})), nil
}

func (m *Model) confirmed(c model.AliasChange) tea.Cmd {
	return func() tea.Msg { return confirmedMsg{change: c} }
}

// ChangeBody is the confirmation's text: the routing before and after, as
// words and as bars, and the revision the change is conditional on.
func ChangeBody(c model.AliasChange, barWidth int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "before  %s\n", model.DescribeRouting(c.Before.Version, c.Before.Routing))
	fmt.Fprintf(&b, "        %s\n", plainBar(c.Before.Routing, barWidth))
	fmt.Fprintf(&b, "after   %s\n", model.DescribeRouting(c.Version, c.Routing))
	fmt.Fprintf(&b, "        %s\n", plainBar(c.Routing, barWidth))
	rev := c.Before.RevisionID
	if rev == "" {
		rev = "unknown"
	}
	fmt.Fprintf(&b, "sent only if still at revision %s", shortRev(rev))
	return b.String()
}

func plainBar(r model.Routing, width int) string {
	if !r.Active() {
		return strings.Repeat("█", width)
	}
	n := canaryCells(r.Weight, width)
	return strings.Repeat("█", width-n) + strings.Repeat("░", n)
}

// canaryCells is how many of width cells show the canary's share: at
// least one for any weight above zero, at most width-1 below 100 %.
func canaryCells(w float64, width int) int {
	n := int(w*float64(width) + 0.5)
	if w > 0 && n == 0 {
		n = 1
	}
	if w < 1 && n >= width {
		n = width - 1
	}
	return max(0, n)
}

func shortRev(r string) string {
	if len(r) > 8 {
		return r[:8]
	}
	return r
}

// applyCmd sends c with the RevisionId that was on screen. It runs only
// when the confirmation is accepted.
func (m *Model) applyCmd(c model.AliasChange, plan uint64, d model.PlanDecision) tea.Cmd {
	fleet, ctx := m.deps.Fleet, m.req.Context()
	return func() tea.Msg {
		got, err := fleet.UpdateAlias(ctx, c.Before, c.Version, c.Routing)
		return appliedMsg{change: c, alias: got, err: err, plan: plan, d: d}
	}
}

func (m *Model) handleApplied(msg appliedMsg) tea.Cmd {
	m.busy = false
	var conflict *awsapi.ConflictError
	switch {
	case errors.As(msg.err, &conflict):
		theirs := conflict.Current
		if theirs.Function == "" {
			theirs.Function = m.fn.Name
		}
		m.setAlias(theirs)
		m.conflict = &conflictInfo{mine: msg.change, theirs: theirs}
		// decide again: offer the same target routing over their change
		again := model.AliasChange{Kind: msg.change.Kind, Before: theirs, Version: msg.change.Version, Routing: msg.change.Routing}
		status := m.fail(fmt.Sprintf("%s was changed by someone else: it is now %s (revision %s); nothing was overwritten",
			theirs.Name, model.DescribeRouting(theirs.Version, theirs.Routing), shortRev(theirs.RevisionID)))
		if again.Noop() {
			return status
		}
		if probs := model.Preflight(m.fn, m.versions, again); len(probs) > 0 {
			m.problems = probs
			return status
		}
		body := fmt.Sprintf("Someone else changed %s while you decided:\nit is now %s.\nApply yours over theirs?\n\n%s",
			theirs.Name, model.DescribeRouting(theirs.Version, theirs.Routing), ChangeBody(again, 30))
		return tea.Batch(status, common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title:     fmt.Sprintf("Conflict — %s:%s", m.fn.Name, theirs.Name),
			Body:      body,
			Protected: m.protected(),
			Name:      theirs.Name,
			Yes:       m.confirmed(again),
		})))
	case msg.err != nil:
		return m.fail(fmt.Sprintf("%s on %s failed: %v", msg.change.Kind, msg.change.Before.Name, msg.err))
	}
	m.conflict = nil
	got := msg.alias
	if got.Function == "" {
		got.Function = m.fn.Name
	}
	m.setAlias(got)
	cmds := []tea.Cmd{m.say(fmt.Sprintf("%s: %s is now %s", msg.change.Kind, got.Name, model.DescribeRouting(got.Version, got.Routing)))}
	if !sameVersions(msg.change.Before, got) {
		cmds = append(cmds, m.fetchMetrics(got))
	}
	return tea.Batch(cmds...)
}

func sameVersions(a, b model.Alias) bool {
	return strings.Join(aliasVersions(a), ",") == strings.Join(aliasVersions(b), ",")
}

// ---- undo -----------------------------------------------------------------

func (m *Model) fetchUndo(a model.Alias) tea.Cmd {
	if m.deps.Journal == nil {
		return m.fail("no journal: undo is not available")
	}
	journal, target, name := m.deps.Journal, m.fn.Name+":"+a.Name, a.Name
	return func() tea.Msg {
		e, ok := journal.Last(target)
		return journalMsg{alias: name, entry: e, ok: ok}
	}
}

func (m *Model) handleJournal(msg journalMsg) tea.Cmd {
	a, ok := m.aliasNamed(msg.alias)
	if !ok {
		return m.fail("alias " + msg.alias + " is gone: press r")
	}
	if !msg.ok {
		return m.fail("the journal has no change to " + msg.alias + " to undo")
	}
	c, err := model.UndoChange(a, msg.entry)
	if err != nil {
		return m.fail(err.Error())
	}
	when := ""
	if !msg.entry.Time.IsZero() {
		when = " of " + msg.entry.Time.Format("15:04:05")
	}
	return m.propose(c, "Undo "+msg.entry.Action+when)
}

// ---- prompts --------------------------------------------------------------

func (m *Model) promptWeight(a model.Alias) tea.Cmd {
	name := a.Name
	cur := ""
	if a.Routing.Active() {
		cur = strings.TrimSuffix(model.FormatWeight(a.Routing.Weight), "%")
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Canary weight for %s (percent; 0 aborts, 100 promotes)", a.Name),
		Placeholder: "e.g. 25",
		Value:       cur,
		Accept: func(s string) (tea.Cmd, error) {
			w, err := model.ParseWeight(s)
			if err != nil {
				return nil, err
			}
			return m.weightChange(name, w)
		},
	}))
}

func (m *Model) promptPublish() tea.Cmd {
	if m.busy {
		return m.fail("a change is still being applied")
	}
	name := m.fn.Name
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Publish a version of %s from $LATEST — description", name),
		Placeholder: "what changed",
		Submit: func(desc string) tea.Cmd {
			return func() tea.Msg { return publishMsg{desc: strings.TrimSpace(desc)} }
		},
	}))
}

func (m *Model) publishCmd(desc string) tea.Cmd {
	fleet, ctx, name := m.deps.Fleet, m.req.Context(), m.fn.Name
	return func() tea.Msg {
		v, err := fleet.PublishVersion(ctx, name, desc)
		return publishedMsg{v: v, err: err}
	}
}

func (m *Model) createCmd(a model.Alias) tea.Cmd {
	fleet, ctx := m.deps.Fleet, m.req.Context()
	return func() tea.Msg {
		got, err := fleet.CreateAlias(ctx, a)
		return createdMsg{a: got, err: err}
	}
}

func validAliasName(s string) error {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 128 {
		return errors.New("an alias name is 1–128 characters")
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Errorf("%q: alias names use letters, digits, - and _", s)
		}
	}
	if _, err := fmt.Sscanf(s, "%d", new(int)); err == nil && strings.Trim(s, "0123456789") == "" {
		return errors.New("an alias name cannot be all digits (that would be a version)")
	}
	return nil
}

func (m *Model) promptCreate() tea.Cmd {
	if !m.loaded {
		return m.fail("aliases are still loading")
	}
	existing := map[string]bool{}
	for _, a := range m.aliases {
		existing[a.Name] = true
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Create an alias of %s — name", m.fn.Name),
		Placeholder: "e.g. live",
		Validate: func(s string) error {
			if err := validAliasName(s); err != nil {
				return err
			}
			if existing[strings.TrimSpace(s)] {
				return fmt.Errorf("alias %s already exists", strings.TrimSpace(s))
			}
			return nil
		},
		Submit: func(s string) tea.Cmd {
			return func() tea.Msg { return aliasNamedMsg{name: strings.TrimSpace(s)} }
		},
	}))
}

func (m *Model) promptAliasVersion(name string) tea.Cmd {
	published := map[string]bool{}
	def := ""
	for _, v := range m.versions {
		if v.Version != "$LATEST" {
			published[v.Version] = true
			if def == "" {
				def = v.Version // newest first
			}
		}
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Version for alias %s", name),
		Placeholder: "a published version number",
		Value:       def,
		Validate: func(s string) error {
			s = strings.TrimSpace(s)
			if s == "$LATEST" || published[s] {
				return nil
			}
			return fmt.Errorf("%q is not a published version: publish one with p", s)
		},
		Submit: func(s string) tea.Cmd {
			return func() tea.Msg { return aliasVersionMsg{name: name, version: strings.TrimSpace(s)} }
		},
	}))
}

func (m *Model) proposeCreate(name, version string) tea.Cmd {
	a := model.Alias{Function: m.fn.Name, Name: name, Version: version}
	body := fmt.Sprintf("before  (no alias)\nafter   %s\n        %s", model.DescribeRouting(version, model.Routing{}), plainBar(model.Routing{}, 30))
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     fmt.Sprintf("Create alias %s:%s", m.fn.Name, name),
		Body:      body,
		Protected: m.protected(),
		Name:      name,
		Yes:       func() tea.Msg { return createMsg{a: a} },
	}))
}

// DescribeAlias is an alias's routing in words.
func DescribeAlias(a model.Alias) string { return model.DescribeRouting(a.Version, a.Routing) }
