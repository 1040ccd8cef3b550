// Package alarms is the CloudWatch alarms pane: the function view's Alarms
// tab (the function's alarms, those on its aliases and executed versions,
// and the composites that include them) and the :alarms screen (every alarm
// in ALARM, or all; a pasted alarm name or ARN finds it). The selected
// alarm shows its state, threshold, its metric as a chart with the
// threshold line, the composites including it and its history. Actions:
// SetAlarmState (t) and muting its actions (m), confirmed and journaled by
// the aws layer.
package alarms

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Tab is the index of the Alarms tab in the function view (0-based).
const Tab = 5

// HistoryShown is how many history entries the detail shows.
const HistoryShown = 50

const (
	kindLoad    request.Kind = "alarms"
	kindHistory request.Kind = "history"
	kindSeries  request.Kind = "series"
	kindAction  request.Kind = "action"
)

type (
	loadedMsg struct {
		gen uint64
		ix  *model.AlarmIndex
		err error
	}
	historyMsg struct {
		gen  uint64
		name string
		h    []model.AlarmHistory
		err  error
	}
	seriesMsg struct {
		gen    uint64
		name   string
		values []float64
		label  string
		err    error
	}
	actionMsg struct {
		gen  uint64
		what string
		err  error
	}
	confirmMsg struct{ run func() tea.Cmd }
)

// row is one alarm of the list.
type row struct {
	a      *model.Alarm
	target model.AlarmTarget
	via    string // composite: the child alarm watching the function
}

// Model is the alarms tab or screen.
type Model struct {
	deps common.Deps
	// acting is the pair session of the alarm a change is being asked
	// about, over several pairs (pairs.go); nil otherwise.
	acting awsapi.Session
	st     *styles.Styles
	km     keymap.KeyMap
	req    request.Tracker

	fn     *model.Function // tab: the function; nil on the screen
	all    bool            // screen: every alarm, not only ALARM
	query  string          // screen: a pasted alarm name or ARN
	target model.Target

	ix          *model.AlarmIndex
	loaded      bool
	err         error
	unsupported bool
	tbl         *table.Model[*row]

	histFor  string
	hist     []model.AlarmHistory
	histErr  error
	seriesOf string
	series   *chartData
	status   string
	w, h     int
}

// NewTab builds the function view's Alarms tab.
func NewTab(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
	m := newModel(deps, st, km)
	m.fn = &fn
	return m
}

// Screen builds :alarms (in ALARM), ":alarms all", or ":alarms <name|ARN>".
func Screen(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
	if deps.Alarms == nil {
		return nil, errors.New("CloudWatch alarms are not available with this session")
	}
	m := newModel(deps, st, km)
	m.target = sc.Target
	switch {
	case len(sc.Args) == 1 && sc.Args[0] == "all":
		m.all = true
	case len(sc.Args) > 0:
		m.query = strings.Join(sc.Args, " ")
		m.all = true
	}
	return m, nil
}

func newModel(deps common.Deps, st *styles.Styles, km keymap.KeyMap) *Model {
	m := &Model{deps: deps, st: st, km: km}
	if deps.Fleet != nil {
		m.target = deps.Fleet.Target()
	}
	cols := []table.Column[*row]{
		{Title: "STATE", Width: 9, Priority: 0, Cell: func(r *row) string { return stateLabel(r.a.State) },
			Less: func(a, b *row) bool {
				if x, y := stateRank(a.a.State), stateRank(b.a.State); x != y {
					return x < y
				}
				return !a.a.Composite && b.a.Composite // metric alarms before the composites including them
			}, Field: "state"},
		{Title: "ALARM", Width: 24, Max: 48, Priority: 0, Cell: func(r *row) string { return r.a.Name },
			Less: func(a, b *row) bool { return a.a.Name < b.a.Name }},
		{Title: "SINCE", Width: 8, Priority: 2, Right: true, Cell: func(r *row) string { return m.since(r.a) },
			Less: func(a, b *row) bool { return a.a.Since().Before(b.a.Since()) }},
		{Title: "WATCHES", Width: 18, Max: 34, Priority: 1, Cell: watches},
		{Title: "CONDITION", Width: 22, Max: 40, Priority: 3, Cell: condition},
		{Title: "ACTIONS", Width: 7, Priority: 4, Cell: func(r *row) string {
			if r.a.ActionsEnabled {
				return "on"
			}
			return "muted"
		}},
	}
	m.tbl = table.New(m.withPairs(table.Config[*row]{
		Columns: cols,
		Key:     func(r *row) string { return m.rowKey(r) },
		Text:    func(r *row) string { return r.a.Name + " " + r.target.Function },
		Style: func(r *row) *lipgloss.Style {
			switch r.a.State {
			case model.AlarmAlarm:
				return &m.st.Alarm
			case model.AlarmInsufficient:
				return &m.st.Muted
			}
			return nil
		},
		Fields: []table.Field[*row]{{Name: "fn", Column: 3, Match: func(r *row, arg string) bool { return strings.HasPrefix(r.target.Function, arg) }}},
		Sort:   0,
		Empty:  "no alarms",
	}), st, km.List)
	return m
}

func stateRank(s string) int {
	switch s {
	case model.AlarmAlarm:
		return 0
	case model.AlarmInsufficient:
		return 1
	}
	return 2
}

func stateLabel(s string) string {
	if s == model.AlarmInsufficient {
		return "NO DATA"
	}
	return s
}

func watches(r *row) string {
	t := r.target
	if t.Function == "" {
		return "-"
	}
	s := t.Function
	if t.Qualifier != "" {
		s += ":" + t.Qualifier
	}
	if t.ExecutedVersion != "" {
		s += " (v" + t.ExecutedVersion + ")"
	}
	if r.via != "" {
		s += " via " + r.via
	}
	return s
}

// condition is the alarm's rule: "Errors Sum > 5 for 2/3 × 1m", the
// expression of a metric-math alarm, or a composite's rule.
func condition(r *row) string {
	a := r.a
	if a.Composite {
		return a.Rule
	}
	metric := a.MetricName + " " + a.Statistic
	if len(a.Metrics) > 0 {
		for _, q := range a.Metrics {
			if q.ReturnData && q.Expression != "" {
				metric = q.Expression
			}
		}
	}
	m := a.DatapointsToAlarm
	if m == 0 {
		m = a.EvaluationPeriods
	}
	return fmt.Sprintf("%s %s %s for %d/%d × %s", metric, a.ComparisonSymbol(), fmtNum(a.Threshold), m, a.EvaluationPeriods, model.ShortDuration(a.Period))
}

func fmtNum(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%g", f)
}

func (m *Model) now() time.Time { return m.deps.Time() }

func (m *Model) since(a *model.Alarm) string {
	t := a.Since()
	if t.IsZero() {
		return "-"
	}
	return model.ShortDuration(m.now().Sub(t).Truncate(time.Minute))
}

// Title implements common.Titled.
func (m *Model) Title() string {
	switch {
	case m.fn != nil:
		return "alarms"
	case m.query != "":
		return "alarm " + common.Clean(m.query)
	case m.all:
		return "alarms (all)"
	}
	return "alarms in ALARM"
}

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// Init implements common.Pane.
func (m *Model) Init() tea.Cmd { return m.load(false) }

func (m *Model) load(refresh bool) tea.Cmd {
	al := m.deps.Alarms
	if al == nil {
		m.unsupported, m.loaded = true, true
		return nil
	}
	ctx, gen := m.req.Start(kindLoad)
	return func() tea.Msg {
		ix, err := al.Alarms(ctx, refresh)
		return loadedMsg{gen: gen, ix: ix, err: err}
	}
}

// rows builds the list from the index.
func (m *Model) rows() []*row {
	var out []*row
	seen := map[*model.Alarm]bool{}
	add := func(a *model.Alarm, t model.AlarmTarget, via string) {
		if seen[a] {
			return
		}
		seen[a] = true
		out = append(out, &row{a: a, target: t, via: via})
	}
	switch {
	case m.fn != nil:
		for _, mt := range m.ix.ForFunction(m.fn.Name) {
			add(mt.Alarm, mt.Target, mt.Via)
		}
	case m.query != "":
		if a, ok := m.ix.Find(m.query); ok {
			t, _ := m.ix.Function(a)
			add(a, t, "")
			for _, p := range m.ix.Parents(a.Name) {
				add(p, t, a.Name)
			}
		}
	default:
		for i := range m.ix.Alarms {
			a := &m.ix.Alarms[i]
			if !m.all && a.State != model.AlarmAlarm {
				continue
			}
			t, _ := m.ix.Function(a)
			add(a, t, "")
		}
	}
	return out
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if !m.req.Done(kindLoad, msg.gen) {
			return nil
		}
		m.loaded = true
		if msg.err != nil {
			if errors.Is(msg.err, awsapi.ErrUnsupported) {
				m.unsupported = true
				return nil
			}
			m.err = msg.err
			return common.Status("alarms: "+msg.err.Error(), true)
		}
		m.err, m.ix = nil, msg.ix
		m.tbl.SetItems(m.rows())
		if m.query != "" && m.tbl.Total() == 0 {
			return common.Status("no alarm named "+common.Clean(m.query), true)
		}
		return m.selected()
	case historyMsg:
		if !m.req.Done(kindHistory, msg.gen) || msg.name != m.histFor {
			return nil
		}
		m.hist, m.histErr = msg.h, msg.err
		return nil
	case seriesMsg:
		if !m.req.Done(kindSeries, msg.gen) || msg.name != m.seriesOf {
			return nil
		}
		if msg.err == nil {
			m.series = &chartData{values: msg.values, label: msg.label}
		}
		return nil
	case actionMsg:
		if !m.req.Done(kindAction, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return common.Status(msg.what+": "+msg.err.Error(), true)
		}
		m.histFor = "" // reload the history of the selected alarm
		return tea.Batch(common.Status(msg.what, false), m.load(true))
	case confirmMsg:
		return msg.run()
	case startActionMsg:
		return m.startAction(msg)
	case common.RefreshMsg:
		return m.load(true)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseClickMsg:
		m.tbl.Click(msg.X, msg.Y-1)
		return m.selected()
	case tea.MouseWheelMsg:
		cmd, _ := m.tbl.Update(msg)
		return tea.Batch(cmd, m.selected())
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.tbl.CapturesInput() {
		cmd, _ := m.tbl.Update(msg)
		return tea.Batch(cmd, m.selected())
	}
	a := m.km.Alarms
	switch {
	case key.Matches(msg, m.km.List.Open):
		return m.open()
	case key.Matches(msg, a.All) && m.fn == nil && m.query == "":
		m.all = !m.all
		if m.ix != nil {
			m.tbl.SetItems(m.rows())
		}
		return m.selected()
	case key.Matches(msg, a.SetState):
		return m.askState()
	case key.Matches(msg, a.Actions):
		return m.askActions()
	}
	cmd, _ := m.tbl.Update(msg)
	return tea.Batch(cmd, m.selected())
}

// open opens the function the selected alarm watches, on its Alarms tab.
func (m *Model) open() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok {
		return nil
	}
	if r.target.Function == "" {
		return common.Status(r.a.Name+" watches no Lambda function", true)
	}
	if m.fn != nil && m.fn.Name == r.target.Function {
		return nil
	}
	fn := model.Function{Name: r.target.Function}
	if m.rowSession(r) != nil { // over several pairs: the function of the alarm's account and region
		region, account := awsapi.ARNRegionAccount(r.a.ARN)
		fn.ARN = awsapi.FunctionARN(model.Target{Region: region, Account: account}, fn.Name)
	}
	return func() tea.Msg { return common.OpenFunctionMsg{Function: fn, Tab: Tab} }
}

// selected loads the history and the metric of the alarm under the cursor
// when it changed.
func (m *Model) selected() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok || m.deps.Alarms == nil {
		return nil
	}
	var cmds []tea.Cmd
	key := m.rowKey(r) // over several pairs the ARN: two pairs may hold the same name
	pairS := m.rowSession(r)
	if key != m.histFor {
		m.histFor, m.hist, m.histErr = key, nil, nil
		ctx, gen := m.req.Start(kindHistory)
		al, name := m.deps.Alarms, r.a.Name
		if pairS != nil {
			al = pairS
		}
		cmds = append(cmds, func() tea.Msg {
			h, err := al.AlarmHistory(ctx, name, HistoryShown)
			return historyMsg{gen: gen, name: key, h: h, err: err}
		})
	}
	if key != m.seriesOf {
		m.seriesOf, m.series = key, nil
		if qs, expr, label, ok := chartQueries(r.a); ok && m.deps.Metrics != nil {
			ctx, gen := m.req.Start(kindSeries)
			mt, name := m.deps.Metrics, key
			if pairS != nil {
				mt = pairS
			}
			end := m.now().Truncate(time.Minute)
			start := end.Add(-time.Duration(max(30, 10*r.a.EvaluationPeriods)) * qs[0].Period)
			ids := make([]string, len(r.a.Metrics))
			for i, q := range r.a.Metrics {
				ids[i] = q.ID
			}
			cmds = append(cmds, func() tea.Msg {
				s, err := mt.GetMetrics(ctx, qs, start, end)
				out := seriesMsg{gen: gen, name: name, err: err, label: label}
				if err != nil || len(s) != len(qs) {
					return out
				}
				if expr == "" {
					out.values = s[0].Values
					return out
				}
				vars := map[string][]float64{}
				for i, q := range s {
					vars[ids[i]] = q.Values
				}
				out.values, out.err = model.EvalAlarmExpr(expr, vars)
				return out
			})
		}
	}
	return tea.Batch(cmds...)
}

// chartData is the selected alarm's metric (or its metric-math result).
type chartData struct {
	values []float64
	label  string
}

// chartQueries are the queries that draw an alarm's metric: its one
// metric, or every metric of its metric math (then expr is the expression
// to evaluate over them, in Metrics order). ok is false for composites and
// alarms outside AWS/Lambda.
func chartQueries(a *model.Alarm) (qs []model.MetricQuery, expr, label string, ok bool) {
	if a.Composite {
		return nil, "", "", false
	}
	if len(a.Metrics) == 0 {
		q, ok := lambdaQuery(a.Namespace, a.MetricName, a.Statistic, a.Dimensions, a.Period)
		return []model.MetricQuery{q}, "", a.MetricName + " " + a.Statistic, ok
	}
	for _, m := range a.Metrics {
		if m.Expression != "" {
			if m.ReturnData {
				expr, label = m.Expression, m.Expression
				if m.Label != "" {
					label = m.Label + " = " + m.Expression
				}
			}
			continue
		}
		q, ok := lambdaQuery(m.Namespace, m.Metric, m.Stat, m.Dimensions, m.Period)
		if !ok {
			return nil, "", "", false
		}
		qs = append(qs, q)
	}
	// Only metrics, then an expression over them: the ids line up when
	// every metric comes first (the usual layout); otherwise do not draw.
	for i := range qs {
		if a.Metrics[i].Expression != "" {
			return nil, "", "", false
		}
	}
	if expr == "" || len(qs) == 0 {
		return nil, "", "", false
	}
	return qs, expr, label, true
}

func lambdaQuery(ns, name, stat string, dims []model.AlarmDim, per time.Duration) (model.MetricQuery, bool) {
	if ns != "AWS/Lambda" {
		return model.MetricQuery{}, false
	}
	q := model.MetricQuery{Metric: name, Stat: stat, Period: per}
	for _, d := range dims {
		switch d.Name {
		case "FunctionName":
			q.Function = d.Value
		case "Resource":
			if _, qual, ok := strings.Cut(d.Value, ":"); ok {
				q.Resource = qual
			}
		case "ExecutedVersion":
			q.ExecutedVersion = d.Value
		}
	}
	if q.Period < time.Minute {
		q.Period = time.Minute
	}
	return q, q.Function != ""
}

func (m *Model) protected() bool { return m.tgt().Protection == model.Protected }

// askState asks which state to set, then confirms (typing the alarm's
// name on a protected profile).
func (m *Model) askState() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok {
		return nil
	}
	m.acting = m.rowSession(r)
	if m.tgt().Protection == model.ReadOnly {
		return common.Status("read-only mode: SetAlarmState is not sent", true)
	}
	name := r.a.Name
	next := model.AlarmAlarm
	if r.a.State == model.AlarmAlarm {
		next = model.AlarmOK
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title: "Set the state of " + common.Clean(name) + " (OK, ALARM or INSUFFICIENT_DATA) — until its next evaluation",
		Value: next,
		Validate: func(v string) error {
			switch strings.ToUpper(strings.TrimSpace(v)) {
			case model.AlarmOK, model.AlarmAlarm, model.AlarmInsufficient:
				return nil
			}
			return errors.New("OK, ALARM or INSUFFICIENT_DATA")
		},
		Submit: func(v string) tea.Cmd {
			state := strings.ToUpper(strings.TrimSpace(v))
			return func() tea.Msg {
				return confirmMsg{run: func() tea.Cmd { return m.confirmState(name, state) }}
			}
		},
	}))
}

func (m *Model) confirmState(name, state string) tea.Cmd {
	reason := "set by lambdaops to test the alarm's actions"
	return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.tgt(), dialog.ConfirmOptions{
		Title:     "SetAlarmState " + common.Clean(name) + " → " + state,
		Body:      "The alarm's actions run as for a real transition (pages, rollbacks).\nIts next evaluation sets it back.\nreason: " + reason,
		Protected: m.protected(),
		Name:      name,
		Yes:       m.run("set "+name+" to "+state, func(al awsapi.Alarms, ctx contextT) error { return al.SetAlarmState(ctx, name, state, reason) }),
	}))
}

// askActions asks for a reason, then confirms muting (or unmuting) the
// alarm's actions.
func (m *Model) askActions() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok {
		return nil
	}
	m.acting = m.rowSession(r)
	if m.tgt().Protection == model.ReadOnly {
		return common.Status("read-only mode: alarm actions are not changed", true)
	}
	name, enable := r.a.Name, !r.a.ActionsEnabled
	verb := "Disable"
	if enable {
		verb = "Enable"
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       verb + " the actions of " + common.Clean(name) + ": why? (journaled)",
		Placeholder: "maintenance window",
		Validate: func(v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("a reason is required")
			}
			return nil
		},
		Submit: func(v string) tea.Cmd {
			reason := strings.TrimSpace(v)
			return func() tea.Msg {
				return confirmMsg{run: func() tea.Cmd {
					return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.tgt(), dialog.ConfirmOptions{
						Title:     verb + "AlarmActions " + common.Clean(name),
						Body:      "reason: " + common.Clean(reason),
						Protected: m.protected(),
						Name:      name,
						Yes: m.run(strings.ToLower(verb)+"d the actions of "+name, func(al awsapi.Alarms, ctx contextT) error {
							return al.SetAlarmActions(ctx, []string{name}, enable, reason)
						}),
					}))
				}}
			}
		},
	}))
}

// run returns the command a confirmation runs: the change, in a command.
func (m *Model) run(what string, f func(awsapi.Alarms, contextT) error) tea.Cmd {
	al := m.deps.Alarms
	if m.acting != nil { // over several pairs: the alarm's own
		al = m.acting
	}
	return func() tea.Msg {
		// The action's generation is taken when the confirmed command runs
		// (in Update order), so a second change supersedes the first.
		return startActionMsg{what: what, f: func(ctx contextT) error { return f(al, ctx) }}
	}
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.tbl.SetSize(w, m.tableHeight())
}

func (m *Model) tableHeight() int {
	if m.h < 16 {
		return max(2, m.h-2)
	}
	return max(4, (m.h-1)*2/5)
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.tbl.CapturesInput() }

// Back implements common.BackHandler.
func (m *Model) Back() bool { return m.tbl.Back() }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	a := m.km.Alarms
	keys := []key.Binding{m.km.List.Open, a.SetState, a.Actions}
	if m.fn == nil && m.query == "" {
		keys = append(keys, a.All)
	}
	return append(keys, m.tbl.HelpKeys()...)
}

// Rows returns the listed alarm names in display order (tests).
func (m *Model) Rows() []string {
	var out []string
	for i := 0; i < m.tbl.Len(); i++ {
		out = append(out, m.tbl.At(i).a.Name)
	}
	return out
}

// History returns the history shown (tests).
func (m *Model) History() []model.AlarmHistory { return m.hist }

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	lines := make([]string, 0, m.h)
	title := m.st.Title.Render(m.Title())
	switch {
	case m.unsupported:
		lines = append(lines, title, m.st.Muted.Render(ansi.Truncate("CloudWatch alarms are not available on this endpoint (DescribeAlarms is missing or partial)", m.w, "…")))
		return fit(lines, m.w, m.h)
	case !m.loaded:
		lines = append(lines, title, m.st.Muted.Render("reading alarms…"))
		return fit(lines, m.w, m.h)
	case m.err != nil:
		lines = append(lines, title, m.st.Error.Render(ansi.Truncate("could not read alarms: "+m.err.Error(), m.w, "…")))
		return fit(lines, m.w, m.h)
	}
	inAlarm := 0
	for _, it := range m.tbl.Items() {
		if it.a.State == model.AlarmAlarm {
			inAlarm++
		}
	}
	head := fmt.Sprintf("%s  %d alarms", title, m.tbl.Total())
	if inAlarm > 0 {
		head += "  " + m.st.Alarm.Render(fmt.Sprintf("%d in ALARM", inAlarm))
	}
	if f := m.tbl.FilterView(m.w / 2); f != "" {
		head += "  " + f
	}
	lines = append(lines, ansi.Truncate(head, m.w, "…"))
	lines = append(lines, strings.Split(m.tbl.View(), "\n")...)
	if r, ok := m.tbl.Selected(); ok {
		lines = append(lines, m.detail(r, m.h-len(lines))...)
	}
	return fit(lines, m.w, m.h)
}

func fit(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for i := range lines {
		lines[i] = ansi.Truncate(lines[i], w, "…")
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// detail is the selected alarm: state and reason, the chart with the
// threshold line, the composites including it, and its history.
func (m *Model) detail(r *row, room int) []string {
	if room <= 0 {
		return nil
	}
	a := r.a
	st := m.st.OK
	switch a.State {
	case model.AlarmAlarm:
		st = m.st.Alarm
	case model.AlarmInsufficient:
		st = m.st.Muted
	}
	out := []string{m.st.Muted.Render(strings.Repeat("─", m.w))}
	out = append(out, st.Render(stateLabel(a.State))+"  "+m.st.Bold.Render(common.Clean(a.Name))+"  "+m.st.Muted.Render("since "+m.since(a)))
	if a.Description != "" {
		out = append(out, m.st.Muted.Render(common.Clean(a.Description)))
	}
	out = append(out, "reason: "+common.Clean(a.Reason))
	out = append(out, "condition: "+condition(r)+"  actions: "+map[bool]string{true: "on", false: m.st.Warn.Render("muted")}[a.ActionsEnabled])
	if ps := m.ix.Parents(a.Name); len(ps) > 0 {
		var names []string
		for _, p := range ps {
			names = append(names, p.Name+" ("+stateLabel(p.State)+")")
		}
		out = append(out, "in composites: "+common.Clean(strings.Join(names, ", ")))
	}
	if m.series != nil && len(m.series.values) > 0 && !a.Composite {
		out = append(out, m.st.Muted.Render(common.Clean(m.series.label)+", threshold "+fmtNum(a.Threshold)+" ─"))
		for _, l := range Chart(m.series.values, a.Threshold, true, min(m.w, 120), 4) {
			out = append(out, m.chartLine(l))
		}
	}
	out = append(out, m.st.TableHeader.Render("history"))
	switch {
	case m.histErr != nil && errors.Is(m.histErr, awsapi.ErrUnsupported):
		out = append(out, m.st.Muted.Render("history is not available on this endpoint"))
	case m.histErr != nil:
		out = append(out, m.st.Error.Render("history: "+m.histErr.Error()))
	case m.hist == nil && m.histFor == m.rowKey(r):
		out = append(out, m.st.Muted.Render("reading history…"))
	}
	for _, h := range m.hist {
		if h.Type == "Action" && len(out) > room-2 {
			continue
		}
		line := h.Time.UTC().Format("01-02 15:04") + "  " + padRight(h.Type, 19) + "  " + common.Clean(h.Summary)
		if reason := historyReason(h); reason != "" {
			line += " — " + common.Clean(reason)
		}
		out = append(out, line)
	}
	return out
}

// chartLine colours the chart: bars above the threshold in the alarm
// colour, the threshold line muted.
func (m *Model) chartLine(l ChartLine) string {
	var b strings.Builder
	for i, c := range l.Cells {
		s := string(c)
		switch {
		case l.Over[i]:
			b.WriteString(m.st.Alarm.Render(s))
		case c == '─':
			b.WriteString(m.st.Muted.Render(s))
		default:
			b.WriteString(s)
		}
	}
	return b.String()
}

func padRight(s string, w int) string {
	if len(s) >= w {
		return s
	}
	return s + strings.Repeat(" ", w-len(s))
}
