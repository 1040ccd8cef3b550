// Package concurrency is the concurrency ledger of one function: the
// account limit, unreserved concurrency, the sum reserved across the
// account, this function's reservation, and provisioned concurrency per
// alias or version with status and utilisation; provisioned configs on
// versions no alias points at are flagged as orphans.
//
// R sets or removes reserved concurrency: a value that would leave fewer
// than 100 unreserved executions is refused with the arithmetic shown (here
// when the ledger is known, and by the aws layer in any case), and 0 (stop
// every invocation) asks for the function's name to be typed. C sets or
// removes provisioned concurrency; allocation is followed as a background
// job (common.JobMsg) until READY or FAILED. Every change is confirmed;
// read-only mode refuses with no request.
package concurrency

import (
	"errors"
	"fmt"
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

// Screen arguments that open a dialog at once (the R and C keys of the
// functions list and the function view).
const (
	ArgReserved    = "--reserved"
	ArgProvisioned = "--provisioned"
)

// MinUnreserved is the unreserved concurrency Lambda always keeps.
const MinUnreserved = awsapi.MinUnreserved

// Options tune the pane.
type Options struct {
	// PollEvery is how often provisioned allocation is checked (default 5s).
	PollEvery time.Duration
	// Wait returns a channel that fires after d (default time.After);
	// tests make it fire at once.
	Wait func(d time.Duration) <-chan time.Time
	// Open is a dialog to open at start: ArgReserved or ArgProvisioned.
	Open string
}

// Model is the ledger pane.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	fn   model.Function
	opt  Options

	led     Ledger
	loaded  bool
	loadErr error
	util    map[string]float64 // see utilMsg
	spill   map[string]float64
	// metricsDone: UTIL and SPILL have been read once (until then they
	// show format.Loading); metricsErr is why they could not be.
	metricsDone bool
	metricsErr  error
	t           *table.Model[*Row] // the provisioned rows
	tableY      int                // the line of the table's header in the last View, -1 when none

	notice  string
	noticeE bool

	req  request.Tracker // kinds: kindLedger, kindUtil; mutations use req.Context()
	jobs map[string]bool

	w, h int
}

// Messages.
type (
	ledgerMsg struct {
		gen uint64
		led Ledger
		err error
	}
	utilMsg struct {
		gen   uint64
		util  map[string]float64 // qualifier → utilisation 0..1, when a datapoint was above 0
		spill map[string]float64 // qualifier → spillover invocations in the window
		err   error
	}
	reservedAskMsg  struct{ n *int } // nil: remove
	reservedDoneMsg struct {
		n   *int
		err error
	}
	provAskMsg struct {
		q string
		n int
	}
	provDoneMsg struct {
		q   string
		n   int
		err error
	}
	provPollMsg struct {
		q    string
		n    int
		cfg  *model.ProvisionedConfig
		err  error
		done bool
	}
)

// New builds the ledger for fn.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function, opt Options) *Model {
	if opt.PollEvery <= 0 {
		opt.PollEvery = 5 * time.Second
	}
	if opt.Wait == nil {
		opt.Wait = time.After
	}
	m := &Model{deps: deps, st: st, km: km, fn: fn, opt: opt, jobs: map[string]bool{}, tableY: -1}
	m.t = table.New(m.tableConfig(), st, km.List)
	return m
}

// Screen returns the ScreenMaker for ":concurrency [function]". Args may
// start with ArgReserved or ArgProvisioned to open that dialog at once.
func Screen(opt Options) common.ScreenMaker {
	return func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
		o := opt
		args := sc.Args
		if len(args) > 0 && (args[0] == ArgReserved || args[0] == ArgProvisioned) {
			o.Open = args[0]
			args = args[1:]
		}
		fn, err := sc.FunctionArg(args, "concurrency")
		if err != nil {
			return nil, err
		}
		return New(deps, st, km, fn, o), nil
	}
}

// Init loads the ledger and opens the dialog asked for.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.load()}
	switch m.opt.Open {
	case ArgReserved:
		cmds = append(cmds, m.askReserved())
	case ArgProvisioned:
		cmds = append(cmds, m.askProvisioned())
	}
	return tea.Batch(cmds...)
}

// The pane's request kinds: the ledger and the provisioned utilisation.
const (
	kindLedger request.Kind = "ledger"
	kindUtil   request.Kind = "util"
)

func (m *Model) load() tea.Cmd {
	ctx, gen := m.req.Start(kindLedger)
	fleet, fn, known := m.deps.Fleet, m.fn.Name, m.fn.MemoryMB > 0
	return func() tea.Msg {
		var l Ledger
		var err error
		if !known { // best effort: without it the cost is "unknown"
			if d, err := fleet.GetFunction(ctx, fn); err == nil {
				l.Function = &d.Function
			}
		}
		l.Settings, l.SettingsErr = fleet.AccountSettings(ctx)
		if l.SettingsErr != nil && !errors.Is(l.SettingsErr, awsapi.ErrUnsupported) {
			return ledgerMsg{gen: gen, err: l.SettingsErr}
		}
		if l.Reserved, err = fleet.GetReserved(ctx, fn); err != nil && !errors.Is(err, awsapi.ErrUnsupported) {
			return ledgerMsg{gen: gen, err: err}
		}
		if l.Provisioned, err = fleet.ListProvisioned(ctx, fn); err != nil && !errors.Is(err, awsapi.ErrUnsupported) {
			return ledgerMsg{gen: gen, err: err}
		}
		if l.Aliases, err = fleet.ListAliases(ctx, fn); err != nil {
			return ledgerMsg{gen: gen, err: err}
		}
		return ledgerMsg{gen: gen, led: l}
	}
}

func (m *Model) loadUtil() tea.Cmd {
	if m.deps.Metrics == nil {
		return nil
	}
	// two queries a config: its utilisation and its spillover (Resource is
	// the qualifier; the aws layer sends the dimension as fn:qualifier)
	var qs []model.MetricQuery
	for _, c := range m.led.Provisioned {
		qs = append(qs,
			model.MetricQuery{Function: m.fn.Name, Resource: c.Qualifier, Metric: "ProvisionedConcurrencyUtilization", Stat: model.StatMaximum, Period: time.Minute},
			model.MetricQuery{Function: m.fn.Name, Resource: c.Qualifier, Metric: model.MetricSpillover, Stat: model.StatSum, Period: time.Minute})
	}
	if len(qs) == 0 {
		return nil
	}
	ctx, gen := m.req.Start(kindUtil)
	met, end := m.deps.Metrics, m.deps.Time()
	return func() tea.Msg {
		ss, err := met.GetMetrics(ctx, qs, end.Add(-UtilWindow), end)
		out := utilMsg{gen: gen, util: map[string]float64{}, spill: map[string]float64{}, err: err}
		for i, s := range ss {
			if i >= len(qs) {
				break
			}
			q := qs[i].Resource
			if qs[i].Metric == model.MetricSpillover {
				out.spill[q] = s.Sum()
			} else if u, ok := lastNonZero(s.Values); ok {
				out.util[q] = u
			}
		}
		return out
	}
}

// UtilWindow is how far back UTIL (the newest datapoint) and SPILL (the
// sum) look.
const UtilWindow = 15 * time.Minute

// lastNonZero is the newest value above zero: the aws layer fills periods
// without a datapoint with 0, so an all-zero series is shown as no data.
func lastNonZero(v []float64) (float64, bool) {
	for i := len(v) - 1; i >= 0; i-- {
		if v[i] != 0 {
			return v[i], true
		}
	}
	return 0, false
}

// Ledger returns what is shown (tests).
func (m *Model) Ledger() (Ledger, bool) { return m.led, m.loaded }

// Notice is the pane's last message.
func (m *Model) Notice() string { return m.notice }

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// Title implements common.Titled.
func (m *Model) Title() string { return "concurrency " + m.fn.Name }

func (m *Model) readOnly() bool {
	return m.deps.Fleet == nil || m.deps.Fleet.Target().Protection == model.ReadOnly
}

func (m *Model) say(text string, isErr bool) tea.Cmd {
	m.notice, m.noticeE = text, isErr
	return common.Status(text, isErr)
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ledgerMsg:
		if !m.req.Done(kindLedger, msg.gen) {
			return nil
		}
		if msg.err != nil {
			m.loadErr = msg.err
			return m.say(common.FailLine("concurrency of "+m.fn.Name, msg.err), true)
		}
		m.led, m.loaded, m.loadErr = msg.led, true, nil
		if f := msg.led.Function; f != nil && f.Name == m.fn.Name {
			m.fn = *f
		}
		m.setRows()
		return m.loadUtil()
	case utilMsg:
		if !m.req.Done(kindUtil, msg.gen) {
			return nil
		}
		m.metricsDone = true
		if msg.err != nil {
			m.util, m.spill, m.metricsErr = nil, nil, msg.err
		} else {
			m.util, m.spill, m.metricsErr = msg.util, msg.spill, nil
		}
		m.t.Resort() // the UTIL and SPILL cells and their order changed
		return nil
	case common.RefreshMsg:
		return m.load()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		cmd, _ := m.t.Update(msg)
		return cmd
	case tea.MouseClickMsg:
		// a row selects it, the header sorts by the column (as the last
		// View laid them out; the table is indented by two)
		if msg.Button == tea.MouseLeft && m.tableY >= 0 && msg.Y >= m.tableY && !m.t.CapturesInput() {
			m.t.Click(msg.X-2, msg.Y-m.tableY)
		}
		return nil
	case reservedAskMsg:
		return m.confirmReserved(msg.n)
	case reservedDoneMsg:
		if msg.err != nil {
			var fe *awsapi.FloorError
			if errors.As(msg.err, &fe) {
				return tea.Batch(m.say(Arithmetic(fe.Unreserved, fe.CurrentReserved, fe.Requested), true), m.load())
			}
			return m.say("reserved concurrency not changed: "+msg.err.Error(), true)
		}
		text := "removed the reservation of " + m.fn.Name
		if msg.n != nil {
			text = fmt.Sprintf("reserved concurrency of %s is now %d", m.fn.Name, *msg.n)
			if *msg.n == 0 {
				text += ": every invocation is throttled"
			}
		}
		return tea.Batch(m.say(text, false), m.load())
	case provAskMsg:
		return m.confirmProvisioned(msg.q, msg.n)
	case provDoneMsg:
		t := m.fn.Name + ":" + msg.q
		if msg.err != nil {
			return m.say("provisioned concurrency of "+t+" not changed: "+msg.err.Error(), true)
		}
		if msg.n == 0 {
			return tea.Batch(m.say("removed provisioned concurrency from "+t, false), m.load())
		}
		m.jobs[msg.q] = true
		return tea.Batch(m.say(fmt.Sprintf("allocating %d provisioned executions on %s…", msg.n, t), false),
			common.Job(common.JobMsg{ID: m.jobID(msg.q), Label: "provisioning " + t, Progress: 0}),
			m.poll(msg.q, msg.n), m.load())
	case provPollMsg:
		t := m.fn.Name + ":" + msg.q
		if !msg.done {
			return tea.Batch(m.poll(msg.q, msg.n), m.load())
		}
		delete(m.jobs, msg.q)
		switch {
		case msg.err != nil:
			return tea.Batch(m.say("following "+t+": "+msg.err.Error(), true), m.load())
		case msg.cfg == nil:
			return tea.Batch(m.say("provisioned config of "+t+" disappeared", true), m.load())
		case msg.cfg.Status == "FAILED":
			return tea.Batch(m.say("provisioned concurrency of "+t+" FAILED: "+msg.cfg.StatusReason, true), m.load())
		}
		return tea.Batch(m.say(fmt.Sprintf("provisioned concurrency of %s is READY (%d)", t, msg.cfg.Allocated), false), m.load())
	}
	return nil
}

func (m *Model) jobID(q string) string { return "provisioned:" + m.fn.Name + ":" + q }

// poll waits, reads the config and reports progress as a job directly (so
// the footer stays right even if this pane has closed meanwhile).
func (m *Model) poll(q string, n int) tea.Cmd {
	fleet, ctx, fn, wait, every, id := m.deps.Fleet, m.req.Context(), m.fn.Name, m.opt.Wait, m.opt.PollEvery, m.jobID(q)
	label := "provisioning " + fn + ":" + q
	return func() tea.Msg {
		select {
		case <-wait(every):
		case <-ctx.Done():
			return common.JobMsg{ID: id, Label: label, Done: true, Err: ctx.Err()}
		}
		cfgs, err := fleet.ListProvisioned(ctx, fn)
		if ctx.Err() != nil {
			return common.JobMsg{ID: id, Label: label, Done: true, Err: ctx.Err()}
		}
		var cfg *model.ProvisionedConfig
		for i := range cfgs {
			if cfgs[i].Qualifier == q {
				cfg = &cfgs[i]
			}
		}
		pm := provPollMsg{q: q, n: n, cfg: cfg, err: err}
		j := common.JobMsg{ID: id, Label: label, Progress: -1}
		switch {
		case err != nil || cfg == nil || cfg.Status == "READY" || cfg.Status == "FAILED":
			pm.done = true
			j.Done = true
			if err != nil {
				j.Err = err
			} else if cfg != nil && cfg.Status == "FAILED" {
				j.Err = errors.New(cfg.StatusReason)
			}
		default:
			if cfg.Requested > 0 {
				j.Progress = float64(cfg.Allocated) / float64(cfg.Requested)
			}
		}
		return tea.BatchMsg{common.Job(j), func() tea.Msg { return pm }}
	}
}
