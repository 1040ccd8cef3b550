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
	"strconv"
	"strings"
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
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
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

// Ledger is what the pane shows.
type Ledger struct {
	Settings    model.AccountSettings
	SettingsErr error // e.g. awsapi.ErrUnsupported
	Reserved    *int
	Provisioned []model.ProvisionedConfig
	Aliases     []model.Alias
}

// Row is one line of the provisioned table.
type Row struct {
	Qualifier string
	Alias     bool
	Config    *model.ProvisionedConfig
	Orphan    bool
	Util      float64 // 0..1, <0 unknown
}

// Rows builds the provisioned table: every config, then aliases without one.
func (l Ledger) Rows() []Row {
	aliasNames := map[string]bool{}
	pointed := map[string]bool{}
	for _, a := range l.Aliases {
		aliasNames[a.Name] = true
		pointed[a.Version] = true
		if a.Routing.AdditionalVersion != "" {
			pointed[a.Routing.AdditionalVersion] = true
		}
	}
	var rows []Row
	seen := map[string]bool{}
	for i := range l.Provisioned {
		c := &l.Provisioned[i]
		r := Row{Qualifier: c.Qualifier, Alias: aliasNames[c.Qualifier], Config: c, Util: -1}
		if _, err := strconv.Atoi(c.Qualifier); err == nil && !pointed[c.Qualifier] {
			r.Orphan = true
		}
		seen[c.Qualifier] = true
		rows = append(rows, r)
	}
	for _, a := range l.Aliases {
		if !seen[a.Name] {
			rows = append(rows, Row{Qualifier: a.Name, Alias: true, Util: -1})
		}
	}
	return rows
}

// Orphans lists the qualifiers of orphaned provisioned configs.
func (l Ledger) Orphans() []string {
	var out []string
	for _, r := range l.Rows() {
		if r.Orphan {
			out = append(out, r.Qualifier)
		}
	}
	return out
}

// FloorCheck returns the refusal (with its arithmetic) when reserving n
// would leave fewer than MinUnreserved unreserved executions, else "".
func (l Ledger) FloorCheck(n int) string {
	if l.SettingsErr != nil || l.Settings.ConcurrentExecutions == 0 {
		return ""
	}
	cur := 0
	if l.Reserved != nil {
		cur = *l.Reserved
	}
	left := l.Settings.UnreservedConcurrentExecutions + cur - n
	if left >= MinUnreserved {
		return ""
	}
	return Arithmetic(l.Settings.UnreservedConcurrentExecutions, cur, n)
}

// Arithmetic explains a floor refusal.
func Arithmetic(unreserved, current, requested int) string {
	left := unreserved + current - requested
	return fmt.Sprintf("refused: reserving %d leaves %d unreserved = %d unreserved now + %d this function holds − %d requested; Lambda keeps at least %d (the most you can reserve is %d)",
		requested, left, unreserved, current, requested, MinUnreserved, max(0, unreserved+current-MinUnreserved))
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
	util    map[string]float64
	cursor  int

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
		gen  uint64
		util map[string]float64
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
	return &Model{deps: deps, st: st, km: km, fn: fn, opt: opt, jobs: map[string]bool{}}
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
		var fn model.Function
		switch {
		case len(args) > 0:
			fn = model.Function{Name: args[0]}
			if sc.Function != nil && sc.Function.Name == args[0] {
				fn = *sc.Function
			}
		case sc.Function != nil:
			fn = *sc.Function
		default:
			return nil, errors.New("select a function first (or :concurrency <function>)")
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
	fleet, fn := m.deps.Fleet, m.fn.Name
	return func() tea.Msg {
		var l Ledger
		var err error
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
	var qs []model.MetricQuery
	for _, c := range m.led.Provisioned {
		qs = append(qs, model.MetricQuery{Function: m.fn.Name, Resource: m.fn.Name + ":" + c.Qualifier,
			Metric: "ProvisionedConcurrencyUtilization", Stat: model.StatMaximum, Period: time.Minute})
	}
	if len(qs) == 0 {
		return nil
	}
	ctx, gen := m.req.Start(kindUtil)
	met, end := m.deps.Metrics, m.deps.Time()
	return func() tea.Msg {
		ss, err := met.GetMetrics(ctx, qs, end.Add(-15*time.Minute), end)
		if err != nil {
			return nil
		}
		u := map[string]float64{}
		for i, s := range ss {
			if i < len(qs) {
				q := strings.TrimPrefix(qs[i].Resource, qs[i].Function+":")
				u[q] = lastNonZero(s.Values)
			}
		}
		return utilMsg{gen: gen, util: u}
	}
}

func lastNonZero(v []float64) float64 {
	for i := len(v) - 1; i >= 0; i-- {
		if v[i] != 0 {
			return v[i]
		}
	}
	return 0
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
			return m.say("concurrency of "+m.fn.Name+": "+msg.err.Error(), true)
		}
		m.led, m.loaded, m.loadErr = msg.led, true, nil
		m.cursor = min(m.cursor, max(0, len(m.led.Rows())-1))
		return m.loadUtil()
	case utilMsg:
		if m.req.Done(kindUtil, msg.gen) {
			m.util = msg.util
		}
		return nil
	case common.RefreshMsg:
		return m.load()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
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

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	c, l := m.km.Concurrency, m.km.List
	switch {
	case key.Matches(msg, c.Reserved):
		return m.askReserved()
	case key.Matches(msg, c.Provisioned):
		return m.askProvisioned()
	case key.Matches(msg, l.Down):
		m.cursor = min(m.cursor+1, max(0, len(m.led.Rows())-1))
	case key.Matches(msg, l.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, l.Top):
		m.cursor = 0
	case key.Matches(msg, l.Bottom):
		m.cursor = max(0, len(m.led.Rows())-1)
	}
	return nil
}

func (m *Model) refuseReadOnly(what string) tea.Cmd {
	return m.say("read-only mode: "+what+" refused; nothing was sent", true)
}

func (m *Model) askReserved() tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing reserved concurrency")
	}
	// the current value is shown, not prefilled: typing a number replaces it
	title := "Reserved concurrency for " + m.fn.Name
	if m.loaded {
		if m.led.Reserved != nil {
			title += fmt.Sprintf(" (now %d)", *m.led.Reserved)
		} else {
			title += " (now none)"
		}
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       title,
		Placeholder: "a number; 0 stops all, empty removes",
		Validate: func(s string) error {
			s = strings.TrimSpace(s)
			if s == "" {
				return nil
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return errors.New("a whole number ≥ 0, or empty to remove")
			}
			if m.loaded { // the unreserved floor, inline, before the prompt closes
				if why := m.led.FloorCheck(n); why != "" {
					return errors.New(why)
				}
			}
			return nil
		},
		Submit: func(s string) tea.Cmd {
			s = strings.TrimSpace(s)
			if s == "" {
				return func() tea.Msg { return reservedAskMsg{} }
			}
			n, _ := strconv.Atoi(s)
			return func() tea.Msg { return reservedAskMsg{n: &n} }
		},
	}))
}

func (m *Model) confirmReserved(n *int) tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing reserved concurrency")
	}
	fleet, ctx, fn := m.deps.Fleet, m.req.Context(), m.fn.Name
	before := "none (uses the unreserved pool)"
	if m.loaded && m.led.Reserved != nil {
		before = strconv.Itoa(*m.led.Reserved)
	} else if !m.loaded {
		before = "(not loaded yet)"
	}
	if n == nil {
		return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title:     "Remove the reservation of " + fn + "?",
			Body:      "reserved  " + before + " → none\nThe function then draws on the unreserved pool with every other function.",
			Protected: m.deps.Fleet.Target().Protection == model.Protected,
			Name:      fn,
			Yes: func() tea.Msg {
				return reservedDoneMsg{err: fleet.DeleteReserved(ctx, fn)}
			},
		}))
	}
	v := *n
	if m.loaded {
		if why := m.led.FloorCheck(v); why != "" {
			return m.say(why, true)
		}
	}
	body := fmt.Sprintf("reserved  %s → %d", before, v)
	if m.loaded && m.led.SettingsErr == nil && m.led.Settings.ConcurrentExecutions > 0 {
		cur := 0
		if m.led.Reserved != nil {
			cur = *m.led.Reserved
		}
		u := m.led.Settings.UnreservedConcurrentExecutions
		body += fmt.Sprintf("\nunreserved %d → %d (of %d)", u, u+cur-v, m.led.Settings.ConcurrentExecutions)
	}
	if v == 0 {
		body += "\n\nReserving 0 STOPS EVERY INVOCATION of " + fn + ":\nall of them are throttled until this is changed."
	} else {
		body += fmt.Sprintf("\nAt most %d run at once; the rest are throttled.", v)
	}
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     fmt.Sprintf("Reserve %d for %s?", v, fn),
		Body:      body,
		Protected: v == 0 || m.deps.Fleet.Target().Protection == model.Protected,
		Name:      fn,
		Yes: func() tea.Msg {
			return reservedDoneMsg{n: &v, err: fleet.PutReserved(ctx, fn, v)}
		},
	}))
}

func (m *Model) selectedQualifier() string {
	rows := m.led.Rows()
	if m.cursor < len(rows) {
		return rows[m.cursor].Qualifier
	}
	return ""
}

func (m *Model) askProvisioned() tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing provisioned concurrency")
	}
	val, led, fn := "", m.led, m.fn.Name
	if q := m.selectedQualifier(); q != "" {
		val = q + " "
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       ProvisionedPrompt,
		Placeholder: "alias count, e.g. live 10 (0 removes)",
		Value:       val,
		Validate: func(s string) error {
			q, n, err := ParseProvisioned(s)
			if err != nil {
				return err
			}
			return CheckProvisioned(led, fn, q, n) // before anything is sent
		},
		Submit: func(s string) tea.Cmd {
			q, n, _ := ParseProvisioned(s)
			return func() tea.Msg { return provAskMsg{q: q, n: n} }
		},
	}))
}

// ParseProvisioned reads "<qualifier> <count>" (count 0 removes).
func ParseProvisioned(s string) (string, int, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return "", 0, errors.New("type an alias or version and a count, e.g. live 10")
	}
	if f[0] == "$LATEST" {
		return "", 0, errors.New("provisioned concurrency needs an alias or a published version, not $LATEST")
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 {
		return "", 0, errors.New("the count must be a whole number ≥ 0 (0 removes)")
	}
	return f[0], n, nil
}

func (m *Model) confirmProvisioned(q string, n int) tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing provisioned concurrency")
	}
	fleet, ctx, fn := m.deps.Fleet, m.req.Context(), m.fn.Name
	before := "none"
	for _, c := range m.led.Provisioned {
		if c.Qualifier == q {
			before = strconv.Itoa(c.Requested)
		}
	}
	t := fn + ":" + q
	if err := CheckProvisioned(m.led, fn, q, n); err != nil {
		return m.say(err.Error()+" (nothing was sent)", true)
	}
	if n == 0 {
		return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title:     "Remove provisioned concurrency from " + t + "?",
			Body:      "provisioned  " + before + " → none\nRequests then start cold environments as needed.",
			Protected: m.deps.Fleet.Target().Protection == model.Protected,
			Name:      fn,
			Yes: func() tea.Msg {
				return provDoneMsg{q: q, n: 0, err: fleet.DeleteProvisioned(ctx, fn, q)}
			},
		}))
	}
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     fmt.Sprintf("Provision %d on %s?", n, t),
		Body:      fmt.Sprintf("provisioned  %s → %d\ncost         %s\nProvisioned environments are billed while allocated; allocation is followed in the footer.", before, n, m.provisionedCost(n)),
		Protected: m.deps.Fleet.Target().Protection == model.Protected,
		Name:      fn,
		Yes: func() tea.Msg {
			_, err := fleet.PutProvisioned(ctx, fn, q, n)
			return provDoneMsg{q: q, n: n, err: err}
		},
	}))
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	return []key.Binding{m.km.Concurrency.Reserved, m.km.Concurrency.Provisioned, m.km.List.Up, m.km.List.Down, m.km.Global.Refresh}
}

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var lines []string
	add := func(s string) { lines = append(lines, ansi.Truncate(s, m.w, "…")) }
	add(m.st.Title.Render("Concurrency of " + m.fn.Name))
	switch {
	case m.loadErr != nil && !m.loaded:
		add(m.st.Error.Render("✗ " + m.loadErr.Error()))
	case !m.loaded:
		add(m.st.Muted.Render("loading…"))
	default:
		lines = append(lines, m.ledgerLines()...)
	}
	if m.notice != "" {
		add("")
		st := m.st.OK
		if m.noticeE {
			st = m.st.Error
		}
		for _, l := range strings.Split(ansi.Wordwrap(m.notice, max(20, m.w-2), " "), "\n") {
			add(st.Render(l))
		}
	}
	return textfit.Lines(lines, m.w, m.h)
}

func (m *Model) ledgerLines() []string {
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, m.w, "…")) }
	l := m.led
	add("")
	add(m.st.Header.Render("Account"))
	if l.SettingsErr != nil {
		add("  " + m.st.Muted.Render("account settings unavailable: "+l.SettingsErr.Error()))
	} else {
		s := l.Settings
		sum := s.ConcurrentExecutions - s.UnreservedConcurrentExecutions
		add(fmt.Sprintf("  %-24s %7d", "concurrency limit", s.ConcurrentExecutions))
		un := fmt.Sprintf("  %-24s %7d", "unreserved", s.UnreservedConcurrentExecutions)
		if s.UnreservedConcurrentExecutions-MinUnreserved < 50 {
			un += "  " + m.st.Warn.Render(fmt.Sprintf("only %d above the floor of %d", s.UnreservedConcurrentExecutions-MinUnreserved, MinUnreserved))
		} else {
			un += "  " + m.st.Muted.Render(fmt.Sprintf("(floor %d)", MinUnreserved))
		}
		add(un)
		add(fmt.Sprintf("  %-24s %7d  ", "reserved, all functions", sum) + m.st.Muted.Render("= limit − unreserved"))
	}
	res := m.st.Muted.Render("   none  (shares the unreserved pool)")
	if l.Reserved != nil {
		res = fmt.Sprintf("%7d", *l.Reserved)
		if *l.Reserved == 0 {
			res += "  " + m.st.Error.Render("THROTTLED: every invocation is refused")
		}
	}
	add(fmt.Sprintf("  %-24s ", "reserved, this function") + res + "  " + m.st.Muted.Render("R to change"))
	add("")
	add(m.st.Header.Render("Provisioned") + "  " + m.st.Muted.Render("C sets or removes on the selected row"))
	rows := l.Rows()
	if len(rows) == 0 {
		add("  " + m.st.Muted.Render("no aliases and no provisioned concurrency"))
		return out
	}
	add(m.st.TableHeader.Render(fmt.Sprintf("  %-12s %-8s %5s %6s %6s  %-11s %5s", "QUALIFIER", "KIND", "REQ", "ALLOC", "AVAIL", "STATUS", "UTIL")))
	for i, r := range rows {
		kind := "version"
		if r.Alias {
			kind = "alias"
		}
		var s string
		if r.Config == nil {
			s = fmt.Sprintf("  %-12s %-8s %5s %6s %6s  %-11s %5s", trunc(r.Qualifier, 12), kind, "-", "-", "-", "none", "-")
		} else {
			c := r.Config
			util := "-"
			if u, ok := m.util[r.Qualifier]; ok {
				util = fmt.Sprintf("%d%%", int(u*100+0.5))
			}
			s = fmt.Sprintf("  %-12s %-8s %5d %6d %6d  %-11s %5s", trunc(r.Qualifier, 12), kind, c.Requested, c.Allocated, c.Available, c.Status, util)
		}
		if i == m.cursor {
			s = m.st.Selected.Render(s)
		}
		if r.Orphan {
			s += "  " + m.st.Warn.Render("ORPHAN: no alias points at version "+r.Qualifier)
		} else if r.Config != nil && r.Config.Status == "FAILED" {
			s += "  " + m.st.Error.Render(r.Config.StatusReason)
		}
		add(s)
	}
	if o := l.Orphans(); len(o) > 0 {
		add("")
		add(m.st.Warn.Render(fmt.Sprintf("⚠ %d orphaned: version %s has provisioned concurrency that no alias routes to —", len(o), strings.Join(o, ", "))))
		add(m.st.Warn.Render("  billed while allocated, serving nothing (C with 0 removes it)"))
	}
	return out
}

func trunc(s string, n int) string { return ansi.Truncate(s, n, "…") }
