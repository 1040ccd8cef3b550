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
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
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
	detail  *model.FunctionDetail
	loaded  bool
	loadErr error
	cursor  int
	offset  int
	ages    map[string][]float64 // IteratorAge by function
	asked   map[string]bool

	notice  string
	noticeE bool

	rows map[string]cachedRow // rendered rows by UUID

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
	return &Model{deps: deps, st: st, km: km, fn: function, opt: opt, ages: map[string][]float64{}, asked: map[string]bool{}}
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

type cachedRow struct{ key, s string }

// InvalidateCache drops cached row renders (the theme changed).
func (m *Model) InvalidateCache() { m.rows = nil }

// cachedRow renders a row once per content, width and IteratorAge series.
func (m *Model) cachedRow(it model.ESM) string {
	v := m.ages[it.Function]
	k := fmt.Sprintf("%d|%s|%s|%d|%d|%s|%s|%d|%v|%s", m.w, it.Function, it.State, it.BatchSize, it.BatchWindowSec,
		it.LastProcessingResult, it.SourceARN, len(v), last(v), it.Tags[CFNTag])
	if c, ok := m.rows[it.UUID]; ok && c.key == k {
		return c.s
	}
	if m.rows == nil || len(m.rows) > 4096 {
		m.rows = map[string]cachedRow{}
	}
	r := ansi.Truncate(m.row(it), m.w, "…")
	m.rows[it.UUID] = cachedRow{key: k, s: r}
	return r
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
		sort.SliceStable(msg.items, func(i, j int) bool {
			a, b := msg.items[i], msg.items[j]
			if a.Function != b.Function {
				return a.Function < b.Function
			}
			return a.SourceARN < b.SourceARN
		})
		m.items, m.detail, m.loaded, m.loadErr = msg.items, msg.detail, true, nil
		m.cursor = min(m.cursor, max(0, len(m.items)-1))
		m.clamp()
		return tea.Batch(m.fetchAges(), m.scheduleSettle())
	case agesMsg:
		if m.req.Closed() {
			return nil
		}
		// keyed by function, so still right after a reload
		for k, v := range msg.ages {
			m.ages[k] = v
		}
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
		if msg.Button == tea.MouseWheelUp {
			return m.move(-3)
		}
		return m.move(3)
	case tea.MouseClickMsg:
		row := msg.Y - 2
		if row >= 0 && m.offset+row < len(m.items) && row < m.listH() {
			m.cursor = m.offset + row
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
		m.req.Bump(kindLoad) // older loads and settle ticks are stale now
		return tea.Batch(m.say(msg.what+" ("+msg.esm.State+")", false), m.scheduleSettle())
	}
	return nil
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

func (m *Model) clamp() {
	h := m.listH()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = max(0, min(m.offset, max(0, len(m.items)-h)))
}

func (m *Model) move(d int) tea.Cmd {
	if len(m.items) == 0 {
		return nil
	}
	old := m.offset
	m.cursor = max(0, min(len(m.items)-1, m.cursor+d))
	m.clamp()
	if m.offset != old {
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
	end := min(len(m.items), m.offset+m.listH())
	for _, it := range m.items[m.offset:end] {
		if !isStream(it.SourceType) || m.asked[it.Function] || it.Function == "" {
			continue
		}
		m.asked[it.Function] = true
		qs = append(qs, model.MetricQuery{Function: it.Function, Metric: "IteratorAge", Stat: model.StatMaximum, Period: time.Minute})
	}
	if len(qs) == 0 {
		return nil
	}
	met, ctx, t := m.deps.Metrics, m.req.Context(), m.deps.Time()
	return func() tea.Msg {
		ss, err := met.GetMetrics(ctx, qs, t.Add(-30*time.Minute), t)
		if err != nil {
			return nil
		}
		out := map[string][]float64{}
		for i, s := range ss {
			if i < len(qs) {
				out[qs[i].Function] = s.Values
			}
		}
		return agesMsg{ages: out}
	}
}

func isStream(t string) bool { return t == "Kinesis" || t == "DynamoDB" }

func (m *Model) selected() (model.ESM, bool) {
	if m.cursor < len(m.items) {
		return m.items[m.cursor], true
	}
	return model.ESM{}, false
}

func (m *Model) find(uuid string) (model.ESM, bool) {
	for _, it := range m.items {
		if it.UUID == uuid {
			return it, true
		}
	}
	return model.ESM{}, false
}

func (m *Model) readOnly() bool {
	return m.deps.Fleet == nil || m.deps.Fleet.Target().Protection == model.ReadOnly
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
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
	case key.Matches(msg, l.Down):
		return m.move(1)
	case key.Matches(msg, l.Up):
		return m.move(-1)
	case key.Matches(msg, l.PageDown):
		return m.move(max(1, m.listH()/2))
	case key.Matches(msg, l.PageUp):
		return m.move(-max(1, m.listH()/2))
	case key.Matches(msg, l.Top):
		return m.move(-len(m.items))
	case key.Matches(msg, l.Bottom):
		return m.move(len(m.items))
	case key.Matches(msg, l.Open):
		if it, ok := m.selected(); ok && m.fn == "" && it.Function != "" {
			f := model.Function{Name: it.Function, ARN: it.FunctionARN}
			return func() tea.Msg { return common.OpenFunctionMsg{Function: f, Tab: 2} }
		}
	}
	return nil
}

// tagsMsg carries one function's mappings, with their tags, read before a
// change made from the region-wide list.
type tagsMsg struct {
	gen      uint64
	uuid     string
	step     string
	mappings []model.ESM
	err      error
}

// step opens the next dialog of a change: the drift warning for a
// CloudFormation-managed mapping (unless acknowledged), then the reason or
// batch-size prompt.
func (m *Model) step(uuid, step string, driftOK bool) tea.Cmd {
	what := map[string]string{"toggle": "enabling or disabling a mapping", "batch": "changing a batch size"}[step]
	if m.readOnly() {
		return m.say("read-only mode: "+what+" refused; nothing was sent", true)
	}
	it, ok := m.find(uuid)
	if !ok {
		return m.say("that mapping is gone; refresh with r", true)
	}
	if Transient(it.State) {
		return m.say(fmt.Sprintf("mapping %s is %s: wait until it settles", short(uuid), it.State), true)
	}
	if m.fn == "" && it.Tags == nil && !driftOK && m.deps.Fleet != nil {
		// The region-wide sweep carries no tags (one ListTags per mapping
		// would cost a control-plane token each): read this function's
		// mappings, which do, before deciding on the drift warning.
		ctx, gen := m.req.Start(kindTags)
		fleet, fn := m.deps.Fleet, it.Function
		return func() tea.Msg {
			ms, err := fleet.ListMappings(ctx, fn)
			return tagsMsg{gen: gen, uuid: uuid, step: step, mappings: ms, err: err}
		}
	}
	if stack := it.Tags[CFNTag]; stack != "" && !driftOK {
		return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title: "Managed by CloudFormation: change it anyway?",
			Body:  fmt.Sprintf("This mapping belongs to stack %q.\nChanging it here makes the stack drift: the next deploy\nputs it back. Continue only in an emergency.", stack),
			Yes:   func() tea.Msg { return stepMsg{uuid: uuid, step: step} },
		}))
	}
	enabled := it.State == "Enabled"
	if step == "toggle" {
		verb := "Disable"
		if !enabled {
			verb = "Enable"
		}
		return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
			Title:       fmt.Sprintf("Why %s it? (journaled)", strings.ToLower(verb)),
			Placeholder: "e.g. poison messages, INC-1234",
			Validate: func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errors.New("a reason is required")
				}
				return nil
			},
			Submit: func(s string) tea.Cmd {
				en := !enabled
				return func() tea.Msg {
					return askMsg{uuid: uuid, enable: &en, reason: strings.TrimSpace(s), enabled: enabled, oldBat: it.BatchSize}
				}
			},
		}))
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("New batch size (now %d)", it.BatchSize),
		Placeholder: fmt.Sprintf("1 to %d", MaxBatch),
		Validate: func(s string) error {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > MaxBatch {
				return fmt.Errorf("a whole number from 1 to %d", MaxBatch)
			}
			if n == it.BatchSize {
				return errors.New("that is the current batch size")
			}
			return nil
		},
		Submit: func(s string) tea.Cmd {
			n, _ := strconv.Atoi(strings.TrimSpace(s))
			return func() tea.Msg {
				return askMsg{uuid: uuid, batch: &n, reason: fmt.Sprintf("batch size %d → %d", it.BatchSize, n), enabled: enabled, oldBat: it.BatchSize}
			}
		},
	}))
}

func (m *Model) confirm(a askMsg) tea.Cmd {
	if m.readOnly() {
		return m.say("read-only mode: changing a mapping refused; nothing was sent", true)
	}
	it, ok := m.find(a.uuid)
	if !ok {
		return m.say("that mapping is gone; refresh with r", true)
	}
	fleet, ctx, uuid := m.deps.Fleet, m.req.Context(), a.uuid
	var title, body, what string
	if a.enable != nil {
		if *a.enable {
			title = "Enable mapping?"
			what = "enabled " + shortSource(it.SourceARN) + " → " + it.Function
			body = "state    Disabled → Enabled\nThe function starts receiving batches again."
		} else {
			title = "Disable mapping?"
			what = "disabled " + shortSource(it.SourceARN) + " → " + it.Function
			body = "state    Enabled → Disabled\nNo more batches reach the function; records wait in the source\n(streams: until they expire from retention)."
		}
	} else {
		title = "Change batch size?"
		what = fmt.Sprintf("batch size of %s → %s is %d", shortSource(it.SourceARN), it.Function, *a.batch)
		body = fmt.Sprintf("batch    %d → %d", a.oldBat, *a.batch)
	}
	body = fmt.Sprintf("%s\nsource   %s\nfunction %s\n", body, it.SourceARN, it.Function) + "reason   " + a.reason
	en, bat, reason := a.enable, a.batch, a.reason
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     title,
		Body:      body,
		Protected: m.deps.Fleet.Target().Protection == model.Protected,
		Name:      it.Function,
		Yes: func() tea.Msg {
			out, err := fleet.UpdateMapping(ctx, uuid, en, bat, reason)
			return doneMsg{uuid: uuid, esm: out, what: what, err: err}
		},
	}))
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clamp()
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	return []key.Binding{m.km.ESM.Toggle, m.km.ESM.BatchSize, m.km.List.Up, m.km.List.Down, m.km.Global.Refresh}
}

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, m.w, "…")) }
	title := "Event source mappings"
	if m.fn == "" {
		title += " in this region"
	}
	if m.loaded {
		title += fmt.Sprintf(" (%d)", len(m.items))
	}
	line := m.st.Title.Render(title)
	if m.settling {
		line += "  " + m.st.Accent.Render("following a state change…")
	}
	add(line)
	switch {
	case m.loadErr != nil && !m.loaded:
		add(m.st.Error.Render("✗ " + m.loadErr.Error()))
	case !m.loaded:
		add(m.st.Muted.Render("loading…"))
		for i := 0; i < m.listH()-1; i++ {
			out = append(out, "")
		}
	case len(m.items) == 0:
		add(m.st.Muted.Render("no event source mappings"))
		for i := 0; i < m.listH()-1; i++ {
			out = append(out, "")
		}
	default:
		add(m.st.TableHeader.Render(m.header()))
		h := m.listH()
		end := min(len(m.items), m.offset+h)
		for i := m.offset; i < end; i++ {
			if i == m.cursor {
				out = append(out, m.st.Selected.Render(ansi.Strip(m.cachedRow(m.items[i]))))
				continue
			}
			out = append(out, m.cachedRow(m.items[i]))
		}
		for i := end - m.offset; i < h; i++ {
			out = append(out, "")
		}
	}
	if m.fn != "" {
		out = append(out, m.asyncLines()...)
	}
	if m.notice != "" {
		add("")
		st := m.st.OK
		if m.noticeE {
			st = m.st.Error
		}
		add(st.Render(m.notice))
	}
	return textfit.Lines(out, m.w, m.h)
}

// layout is the column widths for the pane's width.
type layout struct{ fn, src, lpr, win, spark int }

func (m *Model) cols() layout {
	l := layout{lpr: 18, win: 6, spark: 6}
	if m.w < 100 {
		l = layout{lpr: 8, win: 4, spark: 4}
	}
	ageW := l.spark + 6
	fixed := 2 + 9 + 1 + 10 + 6 + 1 + l.win + 2 + l.lpr + 1 + ageW
	if m.fn == "" {
		l.fn = max(12, min(32, (m.w-fixed)/3))
		fixed += l.fn + 1
	}
	l.src = max(12, min(40, m.w-fixed-8))
	if m.fn == "" {
		l.src = max(12, min(40, (m.w-fixed)/2))
	}
	return l
}

func (m *Model) header() string {
	l := m.cols()
	s := "  "
	if l.fn > 0 {
		s += fmt.Sprintf("%-*s ", l.fn, "FUNCTION")
	}
	age := "ITERATOR AGE"
	if l.spark < 6 {
		age = "ITER AGE"
	}
	return s + fmt.Sprintf("%-9s%-*s %-10s%6s %*s  %-*s %s", "TYPE", l.src, "SOURCE", "STATE", "BATCH", l.win, "WINDOW"[:min(6, l.win)], l.lpr, ansi.Truncate("LAST RESULT", l.lpr, ""), age)
}

func (m *Model) row(it model.ESM) string {
	l := m.cols()
	s := "  "
	if l.fn > 0 {
		s += fmt.Sprintf("%-*s ", l.fn, ansi.Truncate(it.Function, l.fn, "…"))
	}
	state := fmt.Sprintf("%-10s", it.State)
	switch {
	case Transient(it.State):
		state = m.st.Accent.Render(state)
	case it.State == "Disabled":
		state = m.st.Warn.Render(state)
	}
	lpr := it.LastProcessingResult
	if lpr == "" {
		lpr = "-"
	}
	lprS := fmt.Sprintf("%-*s", l.lpr, ansi.Truncate(lpr, l.lpr, "…"))
	if lpr != "OK" && lpr != "-" && lpr != "No records processed" {
		lprS = m.st.Error.Render(lprS)
	}
	win := "-"
	if it.BatchWindowSec > 0 {
		win = fmt.Sprintf("%ds", it.BatchWindowSec)
	}
	age := ""
	if isStream(it.SourceType) {
		if v, ok := m.ages[it.Function]; ok {
			age = format.Sparkline(v, l.spark) + " " + format.Millis(last(v))
			if last(v) > 60000 {
				age = m.st.Warn.Render(age)
			}
		} else {
			age = m.st.Muted.Render("…")
		}
	}
	s += fmt.Sprintf("%-9s%-*s ", it.SourceType, l.src, ansi.Truncate(shortSource(it.SourceARN), l.src, "…")) + state +
		fmt.Sprintf("%6d %*s  ", it.BatchSize, l.win, win) + lprS + " " + age
	if it.Tags[CFNTag] != "" {
		s += " " + m.st.Muted.Render("[cfn]")
	}
	return s
}

func (m *Model) asyncLines() []string {
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, m.w, "…")) }
	add("")
	add(m.st.Header.Render("Async invocation"))
	if m.detail == nil {
		add("  " + m.st.Muted.Render("not loaded"))
		add("")
		add(m.st.Header.Render("Triggers"))
		add("")
		return out
	}
	d := m.detail
	dlq := orDash(d.Function.DLQTarget)
	if e := d.EventInvoke; e != nil {
		retries, age := "2 (default)", "6h (default)"
		if e.MaxRetryAttempts != nil {
			retries = strconv.Itoa(*e.MaxRetryAttempts)
		}
		if e.MaxEventAgeSec != nil {
			age = fmtSeconds(*e.MaxEventAgeSec)
		}
		add(fmt.Sprintf("  retries %s · max event age %s · on success %s · on failure %s · DLQ %s",
			retries, age, orDash(destName(e.OnSuccess)), orDash(destName(e.OnFailure)), destName(dlq)))
	} else {
		add("  " + m.st.Muted.Render("defaults: 2 retries, 6h max event age, no destinations") + " · DLQ " + destName(dlq))
	}
	add("")
	add(m.st.Header.Render("Triggers") + m.st.Muted.Render(fmt.Sprintf("  %d mapping(s) above", len(m.items))))
	if len(d.Triggers) == 0 {
		add("  " + m.st.Muted.Render("no resource-policy principals"))
	} else {
		var parts []string
		for _, t := range d.Triggers {
			parts = append(parts, t.Principal+" "+destName(t.SourceARN))
		}
		add("  " + strings.Join(parts, " · "))
	}
	return out
}

func last(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}


// shortSource shortens an ARN to its resource (the TYPE column names the
// service): a queue, a stream, or "<table> stream".
func shortSource(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return arn
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	svc, res := parts[2], parts[5]
	switch svc {
	case "kinesis":
		res = strings.TrimPrefix(res, "stream/")
	case "dynamodb":
		res = strings.TrimPrefix(res, "table/")
		if i := strings.Index(res, "/stream/"); i >= 0 {
			res = res[:i] + " stream"
		}
	}
	return res
}

// destName names a destination ARN with its service: sqs:failures.
func destName(arn string) string {
	if p := strings.SplitN(arn, ":", 6); len(p) == 6 && p[0] == "arn" {
		return p[2] + ":" + shortSource(arn)
	}
	return arn
}

func fmtSeconds(sec int) string {
	switch {
	case sec%3600 == 0:
		return fmt.Sprintf("%dh", sec/3600)
	case sec%60 == 0:
		return fmt.Sprintf("%dm", sec/60)
	}
	return fmt.Sprintf("%ds", sec)
}

func short(uuid string) string {
	if len(uuid) > 8 {
		return uuid[:8]
	}
	return uuid
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
