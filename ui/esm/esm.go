// Package esm shows event source mappings: the function view's Event
// sources tab (one function's mappings next to its async invocation
// configuration and triggers) and the region-wide ":esm" list. Each row has
// the source type, source, state, batch size and window, last processing
// result and, for streams, the IteratorAge trend (deps.Metrics; fetched for
// visible rows only).
//
// e enables or disables a mapping with a reason that goes into the
// journal; b changes its batch size. Both are confirmed; a mapping tagged
// aws:cloudformation:stack-name gets a drift warning first; transient
// states (Creating, Enabling, Disabling, Updating) are followed until they
// settle; read-only mode refuses with no request.
package esm

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// CFNTag marks a resource managed by a CloudFormation stack.
const CFNTag = "aws:cloudformation:stack-name"

// MaxBatch is the largest batch size offered (SQS standard, Kinesis, DynamoDB).
const MaxBatch = 10000

// Options tune the pane.
type Options struct {
	SettleEvery time.Duration // how often transient states are re-read (default 2s)
	// After schedules a message (default tea.Tick; tests deliver by hand).
	After func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

// Model is the mappings list.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	fn   string // "" for the whole region
	opt  Options

	items   []model.ESM
	t       *table.Model[*model.ESM] // rows point into items
	detail  *model.FunctionDetail
	loaded  bool
	loadErr error
	ages    map[string][]float64 // IteratorAge by function
	asked   map[string]bool

	notice  string
	noticeE bool

	req      request.Tracker // kinds: kindLoad (loads and settle ticks), kindTags
	settling bool
	w, h     int
}

// Messages.
type (
	loadedMsg struct {
		gen    uint64
		items  []model.ESM
		detail *model.FunctionDetail
		err    error
	}
	agesMsg   struct{ ages map[string][]float64 }
	settleMsg struct{ gen uint64 }
	stepMsg   struct {
		uuid string
		step string // "toggle" | "batch"
	}
	askMsg struct {
		uuid    string
		enable  *bool
		batch   *int
		reason  string
		oldBat  int
		enabled bool
	}
	doneMsg struct {
		uuid string
		esm  model.ESM
		what string
		err  error
	}
)

// New builds the pane for one function ("" lists the whole region).
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, function string, opt Options) *Model {
	if opt.SettleEvery <= 0 {
		opt.SettleEvery = 2 * time.Second
	}
	if opt.After == nil {
		opt.After = tea.Tick
	}
	m := &Model{deps: deps, st: st, km: km, fn: function, opt: opt, ages: map[string][]float64{}, asked: map[string]bool{}}
	m.t = table.New(m.tableConfig(), st, km.List)
	m.t.SetEmpty("no event source mappings")
	if function != "" { // one function: its name would repeat on every row
		m.t.SortBy(colSource, false)
		m.t.SetHidden(colFunction, true)
	}
	return m
}

// Tab is the function view's Event sources tab maker (common.TabMaker).
func Tab(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
	return New(deps, st, km, fn.Name, Options{})
}

// Screen is the ":esm" maker: every mapping in the region (":esm <function>"
// narrows to one function).
func Screen(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
	fn := ""
	if len(sc.Args) > 0 {
		fn = sc.Args[0]
	}
	return New(deps, st, km, fn, Options{}), nil
}

// Init loads the mappings.
func (m *Model) Init() tea.Cmd { return m.load() }

// The pane's request kinds: the list (loads and the settle ticks that
// reload it) and the tags read before a change from the region-wide list.
// Iterator ages and mutations use the pane's lifetime context: no newer
// request supersedes them.
const (
	kindLoad request.Kind = "load"
	kindTags request.Kind = "tags"
)

func (m *Model) load() tea.Cmd {
	ctx, gen := m.req.Start(kindLoad)
	fleet, fn := m.deps.Fleet, m.fn
	return func() tea.Msg {
		items, err := fleet.ListMappings(ctx, fn)
		if err != nil {
			return loadedMsg{gen: gen, err: err}
		}
		var det *model.FunctionDetail
		if fn != "" {
			if d, derr := fleet.GetFunction(ctx, fn); derr == nil {
				det = &d
			}
		}
		return loadedMsg{gen: gen, items: items, detail: det}
	}
}

// InvalidateCache drops cached row renders (the theme changed).
func (m *Model) InvalidateCache() { m.t.InvalidateCache() }

// setItems shows items (a new listing, or a mapping changed in place).
func (m *Model) setItems(items []model.ESM) {
	m.items = items
	rows := make([]*model.ESM, len(items))
	for i := range items {
		rows[i] = &m.items[i]
	}
	m.t.SetItems(rows)
}

// Items returns the mappings shown.
func (m *Model) Items() []model.ESM { return m.items }

// Notice is the pane's last message.
func (m *Model) Notice() string { return m.notice }

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// Title implements common.Titled.
func (m *Model) Title() string {
	if m.fn == "" {
		return "event source mappings"
	}
	return "event sources"
}

func (m *Model) say(text string, isErr bool) tea.Cmd {
	m.notice, m.noticeE = text, isErr
	m.fitTable()
	return common.Status(text, isErr)
}

// Transient reports whether a mapping's state is still changing.
func Transient(state string) bool {
	switch state {
	case "Creating", "Enabling", "Disabling", "Updating", "Deleting":
		return true
	}
	return false
}

func (m *Model) anyTransient() bool {
	for _, it := range m.items {
		if Transient(it.State) {
			return true
		}
	}
	return false
}

func (m *Model) scheduleSettle() tea.Cmd {
	if !m.anyTransient() {
		m.settling = false
		return nil
	}
	m.settling = true
	gen := m.req.Gen(kindLoad)
	return m.opt.After(m.opt.SettleEvery, func(time.Time) tea.Msg { return settleMsg{gen: gen} })
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if !m.req.Done(kindLoad, msg.gen) {
			return nil
		}
		if msg.err != nil {
			m.loadErr = msg.err
			return m.say("event source mappings: "+msg.err.Error(), true)
		}
		m.detail, m.loaded, m.loadErr = msg.detail, true, nil
		m.asked = map[string]bool{} // a reload reads the ages afresh
		m.setItems(msg.items)
		return tea.Batch(m.fetchAges(), m.scheduleSettle())
	case agesMsg:
		if m.req.Closed() {
			return nil
		}
		// keyed by function, so still right after a reload
		for k, v := range msg.ages {
			m.ages[k] = v
		}
		m.t.InvalidateCache() // the ITERATOR AGE cells changed
		return nil
	case settleMsg:
		if !m.req.Current(kindLoad, msg.gen) {
			return nil
		}
		return m.load()
	case common.RefreshMsg:
		return m.load()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		off := m.t.Offset()
		m.t.Update(msg)
		return m.scrolled(off)
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft && msg.Y >= 1 {
			m.t.Click(msg.X, msg.Y-1)
		}
		return nil
	case stepMsg:
		return m.step(msg.uuid, msg.step, true)
	case tagsMsg:
		if !m.req.Done(kindTags, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return m.say("could not read the mapping's tags ("+msg.err.Error()+"); nothing was changed", true)
		}
		for i := range m.items {
			if m.items[i].UUID != msg.uuid {
				continue
			}
			m.items[i].Tags = map[string]string{} // looked up: never again this round
			for _, x := range msg.mappings {
				if x.UUID == msg.uuid && x.Tags != nil {
					m.items[i].Tags = x.Tags
				}
			}
		}
		return m.step(msg.uuid, msg.step, false)
	case askMsg:
		return m.confirm(msg)
	case doneMsg:
		if msg.err != nil {
			return m.say(msg.what+" failed: "+msg.err.Error(), true)
		}
		for i := range m.items {
			if m.items[i].UUID == msg.uuid {
				keep := m.items[i]
				n := msg.esm
				if n.Function == "" {
					n.Function = keep.Function
				}
				if n.SourceType == "" {
					n.SourceType = keep.SourceType
				}
				if n.Tags == nil {
					n.Tags = keep.Tags
				}
				m.items[i] = n
			}
		}
		m.setItems(m.items)  // re-rendered and re-sorted, the cursor kept
		m.req.Bump(kindLoad) // older loads and settle ticks are stale now
		return tea.Batch(m.say(msg.what+" ("+msg.esm.State+")", false), m.scheduleSettle())
	default:
		cmd, _ := m.t.Update(msg) // the filter's cursor
		return cmd
	}
}

func (m *Model) listH() int {
	extra := 2
	if m.fn != "" {
		extra += 6
	}
	if m.notice != "" {
		extra += 2
	}
	return max(1, m.h-extra)
}

// fitTable gives the table the lines the title, the async block and the
// notice leave.
func (m *Model) fitTable() { m.t.SetSize(m.w, m.listH()+1) }

// scrolled fetches the iterator ages of rows that came on screen.
func (m *Model) scrolled(off int) tea.Cmd {
	if m.t.Offset() != off {
		return m.fetchAges()
	}
	return nil
}

// fetchAges asks for the IteratorAge of stream mappings' functions on
// visible rows that have not been asked for yet.
func (m *Model) fetchAges() tea.Cmd {
	if m.deps.Metrics == nil {
		return nil
	}
	var qs []model.MetricQuery
	lo, hi := m.t.VisibleRange()
	for i := lo; i < hi; i++ {
		it := m.t.At(i)
		k := m.fnKey(it) // over several pairs the ARN
		if !isStream(it.SourceType) || m.asked[k] || it.Function == "" {
			continue
		}
		m.asked[k] = true
		qs = append(qs, model.MetricQuery{Function: k, Metric: "IteratorAge", Stat: model.StatMaximum, Period: time.Minute})
	}
	if len(qs) == 0 {
		return nil
	}
	met, ctx := m.deps.Metrics, m.req.Context()
	from, to := model.WindowRange(m.deps.Time(), m.deps.MetricsWindow())
	return func() tea.Msg {
		ss, err := met.GetMetrics(ctx, qs, from, to)
		if err != nil {
			return nil
		}
		out := map[string][]float64{}
		for i, s := range ss {
			if i < len(qs) {
				// IteratorAge is reported when the mapping polls, not every
				// minute: only minutes with a datapoint count (a zero-filled
				// minute is no data, not an age of 0ms).
				v := []float64{}
				for j, x := range s.Values {
					if s.Has(j) {
						v = append(v, x)
					}
				}
				out[qs[i].Function] = v
			}
		}
		return agesMsg{ages: out}
	}
}

func isStream(t string) bool { return t == "Kinesis" || t == "DynamoDB" }

func (m *Model) selected() (model.ESM, bool) { return table.SelectedValue(m.t) }

func (m *Model) find(uuid string) (model.ESM, bool) { return table.LookupValue(m.t, uuid) }

func (m *Model) readOnly() bool {
	if _, ok := m.router(); ok && m.deps.Fleet != nil {
		return false // over several pairs each mapping's own pair decides (targetOf)
	}
	return m.deps.Fleet == nil || m.deps.Fleet.Target().Protection == model.ReadOnly
}

// handleKey: while the filter or the column chooser is open every key is
// theirs (so "/kinesis" never reaches e); then the pane's keys, then the
// table's; a key nobody uses says so.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	off := m.t.Offset()
	if m.t.CapturesInput() {
		cmd, _ := m.t.Update(msg)
		return tea.Batch(cmd, m.scrolled(off))
	}
	e, l := m.km.ESM, m.km.List
	switch {
	case key.Matches(msg, e.Toggle):
		if it, ok := m.selected(); ok {
			return m.step(it.UUID, "toggle", false)
		}
		return m.say("no mapping selected", true)
	case key.Matches(msg, e.BatchSize):
		if it, ok := m.selected(); ok {
			return m.step(it.UUID, "batch", false)
		}
		return m.say("no mapping selected", true)
	case key.Matches(msg, l.Open):
		if it, ok := m.selected(); ok && m.fn == "" && it.Function != "" {
			f := model.Function{Name: it.Function, ARN: it.FunctionARN}
			return func() tea.Msg { return common.OpenFunctionMsg{Function: f, Tab: 2} }
		}
		return nil
	}
	cmd, used := m.t.Update(msg)
	if !used {
		return table.NoAction(msg)
	}
	return tea.Batch(cmd, m.scrolled(off))
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.t.CapturesInput() }

// Back implements common.BackHandler: esc clears the filter first.
func (m *Model) Back() bool { return m.t.Back() }

// SetFilter applies a filter as if typed.
func (m *Model) SetFilter(s string) { m.t.SetFilter(s) }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.fitTable()
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	return append([]key.Binding{m.km.ESM.Toggle, m.km.ESM.BatchSize}, append(m.t.HelpKeys(), m.km.Global.Refresh)...)
}

var (
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
)
