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
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/scroll"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// PaneID is the pane's address for common.Wrap.
const PaneID common.PaneID = "aliases"

// Defaults the pane uses; Options may change them.
const (
	DefaultRefresh = time.Minute // metrics and aliases refresh
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
	list     *table.Model[*model.Alias]   // rows point into aliases
	vlist    *table.Model[*model.Version] // rows point into versions (versions.go)
	vfocus   bool                         // the versions list has the keys
	scroll   scroll.View                  // the cockpit scrolls when it is taller than the pane

	metrics     map[string]*aliasMetrics // by alias name
	metricsBusy map[string]bool          // alias → a request is in flight (the tick does not pile up)
	interval    time.Duration

	busy      bool   // a mutation is in flight
	draftDesc string // a publish description not yet used (nothing was published)
	problems  []model.PreflightProblem
	notice    string // last outcome, shown in the pane
	noticeErr bool
	conflict  *conflictInfo

	plan *planRun
	jobs uint64
	// after schedules a message (tea.Tick; tests replace it to deliver ticks by hand)
	after    func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	lastPlan string            // how the last plan ended
	alarms   *model.AlarmIndex // CloudWatch alarms (alarms.go); nil until read
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
	// the window's own p50 and p99 (one period as long as the window)
	winP50, winP99 model.MetricSeries
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
	m := &Model{
		deps: deps, st: st, km: km, fn: fn, opt: opt,
		prov:        map[string]model.ProvisionedConfig{},
		metrics:     map[string]*aliasMetrics{},
		metricsBusy: map[string]bool{},
		interval:    opt.Refresh,
		after:       tea.Tick,
	}
	m.list = table.New(m.aliasTable(), st, km.List)
	m.list.SetHidden(colDeploy, true) // until a CodeDeploy deployment owns an alias
	m.vlist = table.New(m.versionTable(), st, km.List)
	m.focusVersions(false)
	return m
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
	if m.vfocus {
		if !m.vlist.Back() { // esc clears the versions filter, then comes back to the aliases
			m.focusVersions(false)
		}
		return true
	}
	if m.list.Back() {
		return true
	}
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
	switch {
	case m.vfocus && m.vlist.CapturesInput():
		return m.vlist.HelpKeys()
	case m.vfocus:
		return m.versionsHelp()
	case m.list.CapturesInput():
		return m.listHelp()
	}
	if _, owned := m.Owner(); owned {
		return append([]key.Binding{a.StopDeployment, a.StopRollback, a.Publish, a.Create, a.Versions}, m.listHelp()...)
	}
	return append([]key.Binding{a.WeightUp, a.WeightDown, a.Promote, a.Abort, a.Plan, a.SetWeight,
		a.Undo, a.Publish, a.Create, a.Versions}, m.listHelp()...)
}

// PlanRunning reports whether a guarded plan is in progress.
func (m *Model) PlanRunning() bool { return m.plan != nil }

// Init loads versions, aliases and provisioned concurrency and starts the refresh tick.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.load(), m.tick(), m.loadAlarms(), m.loadDeploys())
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
	v    model.Version
	desc string // the description typed
	err  error
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
		m.scroll.By(scroll.Wheel(msg))
		return nil
	case common.RefreshMsg:
		return tea.Batch(m.load(), m.refreshMetrics(), m.loadAlarms(), m.loadDeploys())
	case tickMsg:
		return tea.Batch(m.load(), m.refreshMetrics(), m.tick(), m.loadAlarms(), m.loadDeploys())
	case alarmsMsg:
		return m.handleAlarms(msg)
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
			m.draftDesc = msg.desc // kept for the next try
			return m.fail("publish failed: " + msg.err.Error())
		}
		if msg.v.Reused {
			// Lambda returned the version that already holds $LATEST: say
			// so, and keep the description for the publish that will count.
			m.draftDesc = msg.desc
			s := fmt.Sprintf("no change since version %s; nothing published", msg.v.Version)
			if msg.desc != "" {
				s += " (your description is kept for the next publish)"
			}
			return tea.Batch(m.say(s), m.load())
		}
		m.draftDesc = ""
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
	if m.vfocus && m.vlist.CapturesInput() {
		cmd, _ := m.versionKey(k)
		return cmd
	}
	if m.list.CapturesInput() {
		cmd, _ := m.listKey(k)
		return cmd
	}
	a := m.km.Aliases
	if key.Matches(k, a.Versions) {
		m.focusVersions(!m.vfocus)
		if m.vfocus {
			return common.Status("versions list: j/k move, / filters, s sorts; v or esc back to the aliases", false)
		}
		return nil
	}
	if m.vfocus && isListMove(m.km.List, k) { // the cockpit keys below still act on the selected alias
		cmd, _ := m.versionKey(k)
		return cmd
	}
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
		m.scroll.By(scroll.Page(m.h))
		return nil
	case key.Matches(k, m.km.List.PageUp):
		m.scroll.By(-scroll.Page(m.h))
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
		if m.vfocus {
			if cmd, used := m.versionKey(k); used {
				return cmd
			}
		} else if cmd, used := m.listKey(k); used {
			return cmd
		}
		return noAction(k)
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

// isListMove reports whether k moves a list's cursor.
func isListMove(l keymap.List, k tea.KeyPressMsg) bool {
	for _, b := range []key.Binding{l.Up, l.Down, l.Top, l.Bottom, l.PageDown, l.PageUp} {
		if key.Matches(k, b) {
			return true
		}
	}
	return false
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
	if m.list.Len() == 0 {
		return nil
	}
	c := m.list.Cursor()
	m.list.Move(d)
	if m.list.Cursor() == c {
		return nil
	}
	m.problems, m.conflict = nil, nil
	if al, ok := m.selected(); ok {
		if _, have := m.metrics[al.Name]; !have {
			return m.fetchMetrics(al)
		}
	}
	return nil
}

func (m *Model) selected() (model.Alias, bool) { return table.SelectedValue(m.list) }

func (m *Model) aliasNamed(name string) (model.Alias, bool) { return table.LookupValue(m.list, name) }

func (m *Model) setAlias(a model.Alias) {
	for i := range m.aliases {
		if m.aliases[i].Name == a.Name {
			if a.Function == "" {
				a.Function = m.aliases[i].Function
			}
			m.aliases[i] = a
			m.setAliases()
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
