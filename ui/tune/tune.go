// Package tune is power tuning from the terminal: choose the sizes, the
// invocations, the payload, the parallelism and the strategy; see the plan
// (invocations, what the run costs, what it creates and removes); run it as
// a background job that can be cancelled; then read the result per size as
// a table and a chart of duration and cost against memory, apply the
// recommended size, or save the run as JSON and CSV.
//
// The run itself is aws.Tune: $LATEST's memory per size, a version and a
// temporary alias each, invocations through the alias, and a cleanup that
// always runs (and is journaled, so a crash is cleaned up at the next start).
package tune

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/invoke"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Options tune the pane (tests inject the event store).
type Options struct {
	Events  invoke.Events
	History *invoke.History // the invoke editor's results: its last payload is offered first
}

type stage int

const (
	stageForm stage = iota
	stageRunning
	stageDone
)

const (
	kindInfo  request.Kind = "info"
	kindRuns  request.Kind = "runs"
	kindApply request.Kind = "apply"
	kindSave  request.Kind = "save"
)

// Form fields, in order.
const (
	fieldSizes = iota
	fieldPerSize
	fieldPayload
	fieldParallel
	fieldARM
	fieldStrategy
	fieldWeight
	numFields
)

var fieldNames = [numFields]string{"memory sizes (MB)", "invocations per size", "payload", "parallelism", "also price arm64", "strategy", "cost weight (balanced)"}

type payload struct {
	name string
	body []byte
}

// Model is the power-tuning pane for one function.
type Model struct {
	deps   common.Deps
	st     *styles.Styles
	km     keymap.KeyMap
	fn     model.Function
	target model.Target
	opt    Options
	tuner  awsapi.Tuner
	req    request.Tracker
	w, h   int

	// options
	o         model.TuneOptions
	sizesText string
	payloads  []payload
	payIdx    int
	fixed     int // payloads before the saved events
	field     int
	maxPar    int

	// what was read before the plan
	cfg      model.Function
	info     bool
	blockers []string
	// jobBlockers are running jobs of this program that own the function.
	jobBlockers []string
	monthly     float64
	avgDur      time.Duration
	infoErr     error

	stage    stage
	plan     model.TunePlan
	prog     model.TuneProgress
	results  []model.SizeResult
	feed     *feed
	cancel   context.CancelFunc
	jobGen   uint64
	run      *model.TuneRun
	runErr   error
	saved    []string
	applied  string
	past     []model.TuneRun
	showPast bool

	tbl *table.Model[*model.SizeResult]
}

// Screen opens the pane: ":tune <function>" or T in the function view.
func Screen(opt Options) common.ScreenMaker {
	return func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
		var fn model.Function
		switch {
		case len(sc.Args) > 0:
			fn = model.Function{Name: sc.Args[0]}
			if sc.Function != nil && sc.Function.Name == sc.Args[0] {
				fn = *sc.Function
			}
		case sc.Function != nil:
			fn = *sc.Function
		default:
			return nil, errors.New("select a function first (or :tune <function>)")
		}
		tu, ok := deps.Fleet.(awsapi.Tuner)
		if !ok {
			return nil, errors.New("power tuning is not available in this session (read-only, or an endpoint lambdaops cannot tune)")
		}
		m := New(deps, st, km, fn, sc.Target, tu, opt)
		m.jobBlockers = JobBlockers(fn.Name, sc.Jobs)
		return m, nil
	}
}

// JobBlockers names the running jobs that own function: a guarded canary
// plan ("plan:<function>:<alias>") or another tuning run.
func JobBlockers(function string, jobs []string) []string {
	var out []string
	for _, id := range jobs {
		if a, ok := strings.CutPrefix(id, "plan:"+function+":"); ok {
			out = append(out, "a canary plan on alias "+a+" owns the function")
		}
		if id == "tune:"+function {
			out = append(out, "this function is already being tuned")
		}
	}
	return out
}

// New builds the pane.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function, target model.Target, tu awsapi.Tuner, opt Options) *Model {
	o, _ := model.TuneOptions{Function: fn.Name}.Normalize()
	m := &Model{deps: deps, st: st, km: km, fn: fn, target: target, opt: opt, tuner: tu, o: o,
		sizesText: joinSizes(o.Sizes), maxPar: 1,
		payloads: []payload{{name: "{} (empty event)", body: []byte("{}")}}}
	for _, t := range invoke.Templates {
		m.payloads = append(m.payloads, payload{name: "template: " + t.Name, body: []byte(t.Body)})
	}
	m.fixed = len(m.payloads)
	if opt.History != nil {
		hs := opt.History.List(fn.Name)
		for i := len(hs) - 1; i >= 0; i-- {
			if e := hs[i]; e.Payload != nil && e.Type != model.Event {
				m.payloads = append(m.payloads, payload{name: fmt.Sprintf("invoke editor: last sent (%d bytes)", len(e.Payload)), body: e.Payload})
				m.fixed = len(m.payloads)
				m.payIdx = m.fixed - 1
				break
			}
		}
	}
	m.tbl = table.New(table.Config[*model.SizeResult]{
		Columns: resultColumns(),
		Key:     func(r *model.SizeResult) string { return strconv.Itoa(r.MemoryMB) },
		Empty:   "no size measured yet",
	}, st, km.List)
	return m
}

func joinSizes(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}

// Title implements common.Titled.
func (m *Model) Title() string { return "tune " + m.fn.Name }

// Init reads the function's configuration, what owns it, its concurrency
// and traffic, the saved test events and past runs.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.loadInfo(), m.loadRuns()) }

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

type startMsg struct{ plan model.TunePlan }

type appliedMsg struct {
	gen uint64
	mb  int
	err error
}

type savedMsg struct {
	gen   uint64
	paths []string
	err   error
}

func (m *Model) jobID() string { return "tune:" + m.fn.Name }

func (m *Model) say(s string, isErr bool) tea.Cmd { return common.Status(s, isErr) }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case infoMsg:
		if !m.req.Done(kindInfo, msg.gen) {
			return nil
		}
		m.info, m.infoErr = true, msg.err
		if msg.err != nil {
			return m.say("tune "+m.fn.Name+": "+msg.err.Error(), true)
		}
		m.cfg, m.blockers, m.maxPar, m.monthly, m.avgDur = msg.cfg, append(append([]string(nil), m.jobBlockers...), msg.blockers...), max(1, msg.maxPar), msg.monthly, msg.avgDur
		m.payloads = append(m.payloads[:m.fixed], msg.events...)
		m.payIdx = min(m.payIdx, len(m.payloads)-1)
		m.o.Parallelism = min(m.o.Parallelism, m.maxPar)
		return nil
	case runsMsg:
		if m.req.Done(kindRuns, msg.gen) {
			m.past = msg.runs
		}
		return nil
	case startMsg:
		return m.start(msg.plan)
	case cancelMsg:
		if m.cancel != nil {
			m.cancel()
			m.prog.Message = "cancelling: the cleanup runs next"
		}
		return nil
	case setFieldMsg:
		m.setField(msg.field, msg.value)
		return nil
	case progressMsg:
		if msg.gen != m.jobGen {
			return nil
		}
		return m.progress(msg)
	case appliedMsg:
		if !m.req.Done(kindApply, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return m.say("memory not changed: "+msg.err.Error(), true)
		}
		m.applied = fmt.Sprintf("%s now runs at %d MB (journaled)", m.fn.Name, msg.mb)
		return m.say(m.applied, false)
	case savedMsg:
		if !m.req.Done(kindSave, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return m.say("not saved: "+msg.err.Error(), true)
		}
		m.saved = msg.paths
		return tea.Batch(m.say("saved "+strings.Join(msg.paths, ", "), false), m.loadRuns())
	case common.RefreshMsg:
		if m.stage != stageRunning {
			return tea.Batch(m.loadInfo(), m.loadRuns())
		}
		return nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.km.Tune
	switch {
	case key.Matches(msg, k.Runs):
		m.showPast = !m.showPast
		return nil
	case key.Matches(msg, k.Cancel) && m.stage == stageRunning:
		return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title: "Cancel power tuning of " + m.fn.Name,
			Body:  "The invocations stop; the cleanup then restores $LATEST's memory\nand deletes the temporary aliases and versions.",
			Yes:   func() tea.Msg { return cancelMsg{} },
		}))
	}
	switch m.stage {
	case stageForm:
		return m.formKey(msg)
	case stageDone:
		switch {
		case key.Matches(msg, k.Apply):
			return m.confirmApply()
		case key.Matches(msg, k.Save):
			return m.save()
		case key.Matches(msg, k.Plan):
			m.stage, m.run, m.results, m.saved, m.applied = stageForm, nil, nil, nil, ""
			m.tbl.SetItems(nil)
			return m.loadInfo()
		}
		cmd, _ := m.tbl.Update(msg)
		return cmd
	case stageRunning:
		cmd, _ := m.tbl.Update(msg)
		return cmd
	}
	return nil
}

type cancelMsg struct{}

func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	k, l := m.km.Tune, m.km.List
	switch {
	case key.Matches(msg, l.Down):
		m.field = min(m.field+1, numFields-1)
	case key.Matches(msg, l.Up):
		m.field = max(m.field-1, 0)
	case key.Matches(msg, k.Cycle):
		m.cycle()
	case key.Matches(msg, k.Edit), key.Matches(msg, l.Open):
		return m.edit()
	case key.Matches(msg, k.Plan):
		return m.proposePlan()
	}
	return nil
}

func (m *Model) cycle() {
	switch m.field {
	case fieldPayload:
		m.payIdx = (m.payIdx + 1) % len(m.payloads)
	case fieldARM:
		m.o.AlsoARM = !m.o.AlsoARM
	case fieldStrategy:
		m.o.Strategy = map[model.TuneStrategy]model.TuneStrategy{model.TuneBalanced: model.TuneCost, model.TuneCost: model.TuneSpeed, model.TuneSpeed: model.TuneBalanced}[m.o.Strategy]
	case fieldParallel:
		m.o.Parallelism = m.o.Parallelism%m.maxPar + 1
	}
}

type setFieldMsg struct {
	field int
	value string
}

func (m *Model) edit() tea.Cmd {
	f := m.field
	var value string
	var validate func(string) error
	switch f {
	case fieldSizes:
		value = m.sizesText
		validate = func(s string) error {
			sz, err := model.ParseSizes(s)
			if err != nil {
				return err
			}
			_, err = model.TuneOptions{Function: "f", Sizes: sz}.Normalize()
			return err
		}
	case fieldPerSize:
		value = strconv.Itoa(m.o.PerSize)
		validate = intIn(1, 1000)
	case fieldParallel:
		value = strconv.Itoa(m.o.Parallelism)
		validate = intIn(1, m.maxPar)
	case fieldWeight:
		value = strconv.FormatFloat(m.o.Weight, 'f', -1, 64)
		validate = func(s string) error {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v <= 0 || v > 1 {
				return errors.New("a weight between 0 and 1 (the share given to cost)")
			}
			return nil
		}
	case fieldPayload:
		value = string(m.payloads[m.payIdx].body)
		validate = func(s string) error {
			if e := invoke.Validate([]byte(s)); e != nil {
				return errors.New(e.Error())
			}
			return nil
		}
	default:
		m.cycle()
		return nil
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title: fieldNames[f], Value: value, Validate: validate,
		Submit: func(s string) tea.Cmd { return func() tea.Msg { return setFieldMsg{field: f, value: s} } },
	}))
}

func intIn(lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("a whole number from %d to %d", lo, hi)
		}
		return nil
	}
}

// SetField applies an edited option (the prompt's result).
func (m *Model) setField(f int, v string) {
	switch f {
	case fieldSizes:
		sz, _ := model.ParseSizes(v)
		m.o.Sizes = sz
		m.o, _ = m.o.Normalize()
		m.sizesText = joinSizes(m.o.Sizes)
	case fieldPerSize:
		m.o.PerSize, _ = strconv.Atoi(strings.TrimSpace(v))
	case fieldParallel:
		m.o.Parallelism, _ = strconv.Atoi(strings.TrimSpace(v))
	case fieldWeight:
		m.o.Weight, _ = strconv.ParseFloat(v, 64)
	case fieldPayload:
		m.payloads = append(m.payloads[:m.fixed], append([]payload{{name: "edited here", body: []byte(v)}}, m.payloads[m.fixed:]...)...)
		m.payIdx = m.fixed
		m.fixed++
	}
}

func newRunID() string {
	return strconv.FormatInt(time.Now().UnixNano()/1e6%0xffffffff, 36)
}

// Plan builds the plan for the current options (exported for tests).
func (m *Model) Plan(run string) (model.TunePlan, error) {
	o := m.o
	o.Function = m.fn.Name
	o.Payload = m.payloads[m.payIdx].body
	o.PayloadFrom = m.payloads[m.payIdx].name
	o, err := o.Normalize()
	if err != nil {
		return model.TunePlan{}, err
	}
	return model.PlanTune(run, o, m.cfg, m.avgDur, model.PricesFor(m.region())), nil
}

func (m *Model) proposePlan() tea.Cmd {
	if !m.info {
		return m.say("still reading "+m.fn.Name+"'s configuration", true)
	}
	if m.infoErr != nil {
		return m.say(m.infoErr.Error(), true)
	}
	if m.target.Protection == model.ReadOnly {
		return m.say("read-only: power tuning changes $LATEST, so it cannot run here", true)
	}
	if len(m.blockers) > 0 {
		return m.say("not tuning "+m.fn.Name+": "+strings.Join(m.blockers, "; "), true)
	}
	pl, err := m.Plan(newRunID())
	if err != nil {
		return m.say(err.Error(), true)
	}
	return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.target, dialog.ConfirmOptions{
		Title: "Power-tune " + m.fn.Name + " (run " + pl.Run + ")",
		Body:  PlanBody(pl),
		Name:  m.fn.Name,
		Yes:   func() tea.Msg { return startMsg{plan: pl} },
	}))
}

// PlanBody is the plan as the confirmation shows it.
func PlanBody(pl model.TunePlan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d invocations: %d sizes × %d, %d at a time\n", pl.Invocations, len(pl.Options.Sizes), pl.Options.PerSize, pl.Options.Parallelism)
	fmt.Fprintf(&b, "estimated cost of the run: %s (%s)\n", model.FormatDollars(pl.EstCost), model.InvocationBasis(model.PricesFor(pl.Region), pl.Arch, pl.EphemeralMB))
	fmt.Fprintf(&b, "payload: %s\n\n", pl.Options.PayloadFrom)
	b.WriteString("changes:\n  " + strings.Join(pl.Changes, "\n  ") + "\n")
	fmt.Fprintf(&b, "creates, one size at a time:\n  %d versions and aliases %s<mb>\n", len(pl.Creates), model.TuneAliasPrefix+pl.Run+"-")
	b.WriteString("removes at the end (also on cancel, error, or after a crash):\n  " + strings.Join(pl.Removes, "\n  "))
	return b.String()
}

func (m *Model) start(pl model.TunePlan) tea.Cmd {
	if m.stage == stageRunning {
		return nil
	}
	m.stage, m.plan, m.results, m.run, m.runErr, m.saved, m.applied = stageRunning, pl, nil, nil, nil, nil, ""
	m.prog = model.TuneProgress{Total: pl.Invocations, Message: "starting"}
	m.tbl.SetItems(nil)
	m.jobGen++
	m.feed = &feed{notify: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	tu, f, monthly := m.tuner, m.feed, m.monthly
	running.Add(1)
	active.Add(1)
	go func() {
		defer running.Done()
		defer active.Add(-1)
		run, err := tu.Tune(ctx, pl, monthly, f.push)
		f.finish(doneMsg{run: run, err: err})
	}()
	return tea.Batch(m.job(false, nil), m.wait())
}

func (m *Model) job(done bool, err error) tea.Cmd {
	p := 0.0
	if m.prog.Total > 0 {
		p = float64(m.prog.Done) / float64(m.prog.Total)
	}
	label := fmt.Sprintf("tuning %s %d/%d", m.fn.Name, m.prog.Done, m.prog.Total)
	if m.prog.MemoryMB > 0 {
		label += fmt.Sprintf(" · %d MB", m.prog.MemoryMB)
	}
	if m.prog.Stage == "cleanup" {
		label = "tuning " + m.fn.Name + ": cleaning up"
	}
	if done {
		label = "tuned " + m.fn.Name
		if m.run != nil {
			label += ": " + m.run.Status
		}
		p = 1
	}
	j := common.JobMsg{ID: m.jobID(), Label: label, Progress: p, Done: done, Err: err, Blocking: !done}
	return func() tea.Msg { return j }
}

func (m *Model) progress(msg progressMsg) tea.Cmd {
	for _, ev := range msg.evs {
		m.prog = ev
		if ev.Result != nil {
			r := *ev.Result
			m.results = append(m.results, r)
		}
	}
	m.setRows(m.results)
	if msg.done == nil {
		return tea.Batch(m.job(false, nil), m.wait())
	}
	run := msg.done.run
	m.run, m.runErr, m.stage, m.cancel = &run, msg.done.err, stageDone, nil
	m.results = run.Results
	m.setRows(run.Results)
	cmds := []tea.Cmd{m.job(true, msg.done.err)}
	if msg.done.err != nil {
		cmds = append(cmds, m.say("tuning "+m.fn.Name+": "+msg.done.err.Error(), true))
	}
	return tea.Batch(cmds...)
}

func (m *Model) setRows(rs []model.SizeResult) {
	rows := make([]*model.SizeResult, len(rs))
	for i := range rs {
		rows[i] = &rs[i]
	}
	m.tbl.SetItems(rows)
}

func (m *Model) confirmApply() tea.Cmd {
	if m.run == nil || m.run.Recommended == 0 {
		return m.say("no recommended size to apply", true)
	}
	mb, fn, tu := m.run.Recommended, m.fn.Name, m.tuner
	body := fmt.Sprintf("UpdateFunctionConfiguration on %s: memory %d MB → %d MB.\nJournaled; undo by applying %d MB again.", fn, m.run.BaseMemory, mb, m.run.BaseMemory)
	if m.run.MonthlyCalls > 0 {
		body += "\n" + monthlyText(*m.run)
	}
	ctx, gen := m.req.Start(kindApply)
	return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.target, dialog.ConfirmOptions{
		Title: fmt.Sprintf("Apply %d MB to %s", mb, fn),
		Body:  body,
		Name:  fn,
		Yes: func() tea.Msg {
			_, err := tu.SetMemory(ctx, fn, mb)
			return appliedMsg{gen: gen, mb: mb, err: err}
		},
	}))
}

func (m *Model) save() tea.Cmd {
	if m.run == nil {
		return nil
	}
	_, gen := m.req.Start(kindSave)
	run, tu := *m.run, m.tuner
	return func() tea.Msg {
		p, err := tu.SaveTuneRun(run)
		return savedMsg{gen: gen, paths: p, err: err}
	}
}

// Close implements common.Closer: the root asks first while a run is going
// on; closing cancels it, and its cleanup still runs (journaled: if the
// program exits first, the next start offers to finish it).
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
	}
	m.req.Close()
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.tbl.CapturesInput() }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	k := m.km.Tune
	switch m.stage {
	case stageRunning:
		return []key.Binding{k.Cancel, k.Runs}
	case stageDone:
		return []key.Binding{k.Apply, k.Save, k.Plan, k.Runs}
	}
	return []key.Binding{k.Edit, k.Cycle, k.Plan, k.Runs}
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

func compact(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.1fB", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func signedDollars(v float64) string {
	if v < 0 {
		return "saves " + model.FormatDollars(-v)
	}
	if v == 0 {
		return "no change"
	}
	return "costs " + model.FormatDollars(v) + " more"
}

func fit(s string, w int) string { return ansi.Truncate(s, max(0, w), "…") }

// running counts the tuning jobs of this process, so that the program,
// once its window is gone, can let a cancelled run finish its cleanup
// (Drain) instead of leaving it to the next start. Process-wide by nature:
// the jobs outlive the panes that started them.
var (
	running sync.WaitGroup
	active  atomic.Int64
)

// Busy reports whether a tuning job of this process is still running.
func Busy() bool { return active.Load() > 0 }

// Drain waits up to timeout for running tuning jobs (cancelled by their
// pane's Close) to finish their cleanup; it reports whether they did.
func Drain(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { running.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// monthlyText is the monthly difference of the recommendation, or why it
// is not known.
func monthlyText(r model.TuneRun) string {
	if !r.BaseMeasured {
		return fmt.Sprintf("the current %d MB was not measured: no monthly difference", r.BaseMemory)
	}
	return fmt.Sprintf("at %s invocations a month it %s a month", compact(r.MonthlyCalls), signedDollars(r.MonthlyDelta))
}

// region is the session's (prices differ by region); "" is us-east-1's.
func (m *Model) region() string {
	if m.deps.Fleet == nil {
		return ""
	}
	return m.deps.Fleet.Target().Region
}
