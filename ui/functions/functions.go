// Package functions is the functions pane: a virtualised table of every
// function in the region (only visible rows are rendered, row renders are
// cached per function and width), sortable by any column, filtered fuzzy
// by default ("re:" regexp, "tag:k=v", "!" inverts), fed page by page from
// ListFunctions with the cached snapshot shown at once, and enriched with
// the last hour's metrics for the rows on screen.
package functions

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// ID is this pane's address for common.PaneMsg envelopes.
const ID common.PaneID = "functions"

// row is one function with its render cache.
type row struct {
	fn      model.Function
	lower   string // lower-cased name, for matching
	pos     int    // index in Model.sorted (and the name arena)
	metrics *rowMetrics
	ver     uint32 // bumped whenever fn or metrics change
	seen    uint64 // listing generation that last delivered it
	cols    *colState
	epoch   uint64 // rebuild pass that last placed it

	cacheW   int
	cacheV   uint32
	cacheStr string // styled line (error rows coloured)
	cacheRaw string // plain, padded to the width
}

// rebuildEvery bounds how often a large fleet is re-sorted while pages arrive.
const rebuildEvery = 250 * time.Millisecond

// Options tune refresh intervals.
type Options struct {
	ListEvery     time.Duration // full relisting (0: never automatically)
	MetricsEvery  time.Duration // metrics refresh for visible rows (default 1 min)
	MetricsDelay  time.Duration // debounce after scrolling (default 250 ms)
	DisableMetric bool
}

// Model is the functions pane.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	opt  Options

	rows   map[string]*row
	sorted []*row  // all rows in the current sort order
	view   []int32 // positions in sorted of the rows that match the filter
	all    []int32 // 0..len(sorted)-1: the view when nothing is filtered
	// arena holds every lower-cased name back to back in sorted order
	// (offs[i]..offs[i+1]), so a fuzzy filter scans contiguous memory.
	arena []byte
	offs  []int32
	// masks[i] has a bit for every byte class in sorted[i]'s name (see
	// charMask): a fuzzy query skips rows missing one of its characters
	// without looking at the name.
	masks []uint64
	// fbuf and lbuf are reused filter scratch (tight and loose matches);
	// each result is copied out once, exactly sized.
	fbuf, lbuf []int32
	// memo keeps recent filter results by query (cleared on rebuild), so
	// backspacing to a query typed a moment ago costs nothing.
	memo     map[string][]int32
	memoKeys []string

	epoch uint64 // rebuild passes

	cursor, offset int
	w, h           int
	lay            layout

	sortCol  int
	sortDesc bool

	input     textinput.Model
	filtering bool
	q         query
	qErr      error

	// listing
	req       request.Tracker // kinds: kindSnapshot, kindList, kindMetrics
	listing   bool
	loaded    int
	pages     int
	expect    int // expected total (snapshot size) for the progress bar
	stale     bool
	snapTaken time.Time
	err       error

	// metrics
	selStyle, selPre, selPost string

	mseq   uint64
	mErr   error
	mFails int

	lastRebuild time.Time
	lastList    time.Time
	listStart   time.Time

	// warm start (fleetdata.go)
	preloaded  bool
	validating bool
	connStart  time.Time
	verr       error // the STS check failed: the fleet shown is stale

	// reserved concurrency and tags (fleetdata.go)
	colst       colState
	enricher    awsapi.Enrichment
	sweptTags   map[string]map[string]string
	tagsSwept   bool
	lastVisible string

	// a filtered name not listed yet
	lseq   uint64
	looked map[string]bool
}

// New builds the functions pane. Its Init starts the snapshot read and
// the listing; nothing touches AWS before that.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap) *Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "fuzzy, re:regexp, tag:k=v, !negate"
	in.SetVirtualCursor(true)
	m := &Model{deps: deps, st: st, km: km, rows: map[string]*row{}, input: in,
		colst: colState{},
		opt:   Options{MetricsEvery: time.Minute, MetricsDelay: 250 * time.Millisecond}}
	if m.deps.Now == nil {
		m.deps.Now = time.Now
	}
	return m
}

// Configure sets refresh intervals (zero fields keep defaults).
func (m *Model) Configure(o Options) {
	if o.MetricsEvery > 0 {
		m.opt.MetricsEvery = o.MetricsEvery
	}
	if o.MetricsDelay > 0 {
		m.opt.MetricsDelay = o.MetricsDelay
	}
	m.opt.ListEvery = o.ListEvery
	m.opt.DisableMetric = o.DisableMetric
}

// ---- messages ----

type snapshotMsg struct {
	gen   uint64
	fns   []model.Function
	taken time.Time
	ok    bool
}

type listEvent struct {
	page awsapi.Page
	done bool
	err  error
}

type listMsg struct {
	gen   uint64
	pages []awsapi.Page
	done  bool
	err   error
	ch    <-chan listEvent
}

type relistTickMsg struct{ gen uint64 }

// Init implements common.Pane.
func (m *Model) Init() tea.Cmd {
	snap := m.readSnapshot()
	if m.preloaded {
		snap = nil
	}
	return tea.Batch(snap, m.startList(), m.validate(), m.startColumns())
}

// The pane's request kinds: the cached snapshot read at start, the
// listing (a stream of pages under one generation; the relist tick and the
// metrics ticks carry its generation) and the metrics of the visible rows.
const (
	kindSnapshot request.Kind = "snapshot"
	kindList     request.Kind = "list"
	kindMetrics  request.Kind = "metrics"
)

func (m *Model) readSnapshot() tea.Cmd {
	fleet := m.deps.Fleet
	if fleet == nil {
		return nil
	}
	_, gen := m.req.Start(kindSnapshot)
	return func() tea.Msg {
		fns, taken, ok := fleet.Snapshot()
		return snapshotMsg{gen: gen, fns: fns, taken: taken, ok: ok}
	}
}

// startList cancels any listing in flight and starts a new generation.
func (m *Model) startList() tea.Cmd {
	if m.deps.Fleet == nil {
		return nil
	}
	ctx, gen := m.req.Start(kindList)
	m.listing, m.loaded, m.pages, m.err = true, 0, 0, nil
	m.listStart = m.deps.Time()
	fleet := m.deps.Fleet
	return func() tea.Msg {
		ch := make(chan listEvent, 16)
		go func() {
			defer close(ch)
			err := fleet.ListFunctions(ctx, func(p awsapi.Page) error {
				select {
				case ch <- listEvent{page: p}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			select {
			case ch <- listEvent{done: true, err: err}:
			case <-ctx.Done():
			}
		}()
		return waitList(ch, gen)()
	}
}

// waitList returns the next batch of pages: it blocks for one event and
// then takes whatever else is already waiting, so a fast listing does not
// cost one Update per page.
func waitList(ch <-chan listEvent, gen uint64) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return listMsg{gen: gen, done: true, err: context.Canceled}
		}
		msg := listMsg{gen: gen, ch: ch}
		for {
			if ev.done {
				msg.done, msg.err = true, ev.err
				return msg
			}
			msg.pages = append(msg.pages, ev.page)
			select {
			case ev, ok = <-ch:
				if !ok {
					msg.done, msg.err = true, context.Canceled
					return msg
				}
			default:
				return msg
			}
		}
	}
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseClickMsg:
		return m.handleClick(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return m.move(-3)
		case tea.MouseWheelDown:
			return m.move(3)
		}
	case common.RefreshMsg:
		return m.refresh()
	case snapshotMsg:
		return m.applySnapshot(msg)
	case listMsg:
		return m.applyList(msg)
	case relistTickMsg:
		if !m.req.Current(kindList, msg.gen) || m.listing {
			return nil
		}
		return m.refresh()
	case metricsTickMsg:
		return m.handleMetricsTick(msg)
	case metricsMsg:
		return m.applyMetrics(msg)
	case validatedMsg:
		return m.applyValidated(msg)
	case connectTickMsg:
		if m.req.Current(kindValidate, msg.gen) && (m.validating || m.listing && m.pages == 0) {
			return m.connectTick()
		}
	case enrichMsg:
		return m.applyEnriched(msg)
	case tagsMsg:
		return m.applyTags(msg)
	case lookupTickMsg:
		return m.handleLookupTick(msg)
	case lookupMsg:
		return m.applyLookup(msg)
	default:
		if m.filtering { // cursor blinks and the like
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return cmd
		}
	}
	return nil
}

func (m *Model) refresh() tea.Cmd {
	if m.listing {
		return common.Status("still listing functions…", false)
	}
	if m.verr != nil || !m.colst.tagsLoading && !m.tagsSwept { // retry the STS check and the columns too
		return tea.Batch(m.startList(), m.validate(), m.startColumns())
	}
	return m.startList()
}

// applySnapshot merges the cached fleet into the view: live rows that
// already arrived stay as they are, the rest of the cache fills in around
// them (marked stale until a complete listing replaces it).
func (m *Model) applySnapshot(msg snapshotMsg) tea.Cmd {
	if !m.req.Done(kindSnapshot, msg.gen) || !msg.ok || len(msg.fns) == 0 {
		return nil
	}
	if !m.listing && m.pages > 0 && m.err == nil {
		return nil // a complete listing already replaced the cache
	}
	if len(m.rows) == 0 {
		m.rows = make(map[string]*row, len(msg.fns))
	}
	for _, f := range msg.fns {
		if _, ok := m.rows[f.Name]; !ok {
			m.upsert(f, 0)
			m.sorted = append(m.sorted, m.rows[f.Name]) // the file's order: by name
		}
	}
	m.stale, m.snapTaken, m.expect = true, msg.taken, len(msg.fns)
	m.rebuild()
	return m.scheduleMetrics()
}

func (m *Model) applyList(msg listMsg) tea.Cmd {
	if !m.req.Current(kindList, msg.gen) {
		return nil // a superseded listing, or the pane closed: drop
	}
	for _, p := range msg.pages {
		for _, f := range p.Functions {
			m.upsert(f, msg.gen)
		}
		m.loaded, m.pages = p.Loaded, p.Index+1
	}
	// re-sorting a large fleet on every page would eat the CPU while a
	// long listing streams in: at most every rebuildEvery, and at the end
	if len(msg.pages) > 0 && !msg.done {
		if now := m.deps.Now(); len(m.rows) < 20000 || now.Sub(m.lastRebuild) >= rebuildEvery {
			m.rebuild()
			m.lastRebuild = now
		}
	}
	if !msg.done {
		return tea.Batch(waitList(msg.ch, msg.gen), m.maybeScheduleMetrics(len(msg.pages) > 0 && m.pages == len(msg.pages)))
	}
	m.listing = false
	m.req.Done(kindList, msg.gen)
	if msg.err != nil {
		m.err = msg.err
		m.rebuild() // show what did arrive
		return common.Status("listing functions: "+msg.err.Error(), true)
	}
	// the listing is complete: drop functions that are gone
	for name, r := range m.rows {
		if r.seen != msg.gen {
			delete(m.rows, name)
		}
	}
	m.stale, m.expect = false, 0
	m.lastList = m.deps.Now()
	m.rebuild()
	cmds := []tea.Cmd{m.scheduleMetrics(), m.queueAllForEnrichment()}
	if m.opt.ListEvery > 0 {
		gen := msg.gen
		cmds = append(cmds, tea.Tick(m.opt.ListEvery, func(time.Time) tea.Msg { return relistTickMsg{gen: gen} }))
	}
	return tea.Batch(cmds...)
}

func (m *Model) maybeScheduleMetrics(first bool) tea.Cmd {
	if first {
		return m.scheduleMetrics()
	}
	return nil
}

// upsert updates a row in place (a listed function keeps the reserved
// concurrency and tags already known for it) or adds it.
func (m *Model) upsert(f model.Function, gen uint64) {
	if !f.TagsKnown && !f.Enriched {
		if t, ok := m.sweptTags[f.Name]; ok {
			f.Tags, f.TagsKnown = t, true
		} else if m.tagsSwept {
			f.Tags, f.TagsKnown = nil, true
		}
	}
	r, ok := m.rows[f.Name]
	if !ok {
		r = &row{fn: f, lower: strings.ToLower(f.Name), seen: gen, cols: &m.colst}
		m.rows[f.Name] = r
		return
	}
	// (copies: a cached row's strings live in the snapshot file's buffer,
	// which the live row must not keep alive)
	if !f.Enriched && r.fn.Enriched {
		f.Tags, f.Reserved, f.Enriched, f.TagsKnown = cloneTags(r.fn.Tags), r.fn.Reserved, true, true
	}
	if !f.TagsKnown && r.fn.TagsKnown {
		f.Tags, f.TagsKnown = cloneTags(r.fn.Tags), true
	}
	r.fn, r.seen = f, gen
	r.lower = strings.ToLower(f.Name) // the new string: the cached one may pin the snapshot's buffer
	r.ver++
}

// SetFunctions replaces the rows (benchmarks and tests).
func (m *Model) SetFunctions(fns []model.Function) {
	m.rows = make(map[string]*row, len(fns))
	for _, f := range fns {
		m.upsert(f, m.req.Gen(kindList))
	}
	m.rebuild()
}

// rebuild re-sorts all rows and re-applies the filter, keeping the
// selected function selected.
func (m *Model) rebuild() {
	sel := m.selectedName()
	// Start from the last order (rows still there, then new ones): the
	// sort then runs over nearly sorted input, close to linear time.
	m.epoch++
	next := make([]*row, 0, len(m.rows))
	for _, r := range m.sorted {
		if m.rows[r.fn.Name] == r && r.epoch != m.epoch {
			r.epoch = m.epoch
			next = append(next, r)
		}
	}
	for _, r := range m.rows {
		if r.epoch != m.epoch {
			r.epoch = m.epoch
			next = append(next, r)
		}
	}
	m.sorted = next
	m.sortRows()
	m.arena, m.offs, m.masks = m.arena[:0], m.offs[:0], m.masks[:0]
	for i, r := range m.sorted {
		r.pos = i
		m.offs = append(m.offs, int32(len(m.arena)))
		m.arena = append(m.arena, r.lower...)
		m.masks = append(m.masks, charMask(r.lower))
	}
	m.offs = append(m.offs, int32(len(m.arena)))
	if len(m.all) != len(m.sorted) {
		m.all = make([]int32, len(m.sorted))
		for i := range m.all {
			m.all[i] = int32(i)
		}
	}
	m.memo, m.memoKeys = nil, nil
	m.refilter(false)
	m.reselect(sel)
}

const memoSize = 32

func (m *Model) remember(q string, rows []int32) {
	if m.memo == nil {
		m.memo = map[string][]int32{}
	}
	if _, ok := m.memo[q]; ok {
		return
	}
	if len(m.memoKeys) == memoSize {
		delete(m.memo, m.memoKeys[0])
		m.memoKeys = m.memoKeys[1:]
	}
	m.memo[q] = rows
	m.memoKeys = append(m.memoKeys, q)
}

func (m *Model) sortRows() {
	less := columns[m.sortCol].less
	desc := m.sortDesc
	cmp := func(i, j int) bool {
		a, b := m.sorted[i], m.sorted[j]
		if less(a, b) {
			return !desc
		}
		if less(b, a) {
			return desc
		}
		return a.fn.Name < b.fn.Name
	}
	if sort.SliceIsSorted(m.sorted, cmp) {
		return
	}
	sort.Slice(m.sorted, cmp)
}

// refilter applies m.q; incremental filters only the current view. The
// view holds positions in m.sorted (no pointers: no write barriers, half
// the memory); results are fresh slices (they may be remembered).
func (m *Model) refilter(incremental bool) {
	if m.q.empty() {
		m.view = m.all
		return
	}
	if v, ok := m.memo[m.q.raw]; ok {
		m.view = v
		return
	}
	base := m.all
	if incremental {
		base = m.view
	}
	out, loose := m.fbuf[:0], m.lbuf[:0]
	switch {
	case m.q.kind == 'f':
		// names containing the query as typed come first, then the
		// scattered (fuzzy) matches; each group keeps the sort order
		needle, inv := m.q.needle, m.q.invert
		qm := charMaskB(needle)
		arena, offs, masks := m.arena, m.offs, m.masks
		for _, pos := range base {
			ok := masks[pos]&qm == qm
			var name []byte
			if ok {
				name = arena[offs[pos]:offs[pos+1]]
				ok = subsequence(name, needle)
			}
			switch {
			case inv:
				if !ok {
					out = append(out, pos)
				}
			case !ok:
			case bytes.Contains(name, needle):
				out = append(out, pos)
			default:
				loose = append(loose, pos)
			}
		}
	default:
		for _, pos := range base {
			if m.q.match(m.sorted[pos]) {
				out = append(out, pos)
			}
		}
	}
	// one exactly sized result (it may be remembered; m.view may be it)
	res := make([]int32, len(out)+len(loose))
	copy(res[copy(res, out):], loose)
	m.fbuf, m.lbuf = out, loose
	m.view = res
	m.remember(m.q.raw, res)
}

// at returns the i-th row of the view.
func (m *Model) at(i int) *row { return m.sorted[m.view[i]] }

func (m *Model) selectedName() string {
	if m.cursor >= 0 && m.cursor < len(m.view) {
		return m.at(m.cursor).fn.Name
	}
	return ""
}

func (m *Model) reselect(name string) {
	if r, ok := m.rows[name]; ok && name != "" {
		pos := int32(r.pos)
		if len(m.view) == len(m.all) && int(pos) < len(m.view) && m.view[pos] == pos {
			m.cursor = int(pos)
			m.clamp()
			return
		}
		for i, p := range m.view {
			if p == pos {
				m.cursor = i
				m.clamp()
				return
			}
		}
	}
	m.clamp()
}

// Selected returns the function under the cursor.
func (m *Model) Selected() (model.Function, bool) {
	if m.cursor >= 0 && m.cursor < len(m.view) {
		return m.at(m.cursor).fn, true
	}
	return model.Function{}, false
}

// Count returns shown and total rows.
func (m *Model) Count() (shown, total int) { return len(m.view), len(m.rows) }

func (m *Model) bodyHeight() int { return max(1, m.h-2) }

func (m *Model) clamp() {
	if m.cursor >= len(m.view) {
		m.cursor = len(m.view) - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	bh := m.bodyHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+bh {
		m.offset = m.cursor - bh + 1
	}
	if m.offset > max(0, len(m.view)-bh) {
		m.offset = max(0, len(m.view)-bh)
	}
	if m.offset < 0 {
		m.offset = 0
	}
}

func (m *Model) move(d int) tea.Cmd {
	oldOff := m.offset
	m.cursor += d
	m.clamp()
	if m.offset != oldOff {
		return m.scheduleMetrics()
	}
	return nil
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.filtering {
		return m.handleFilterKey(msg)
	}
	l := m.km.List
	switch {
	case key.Matches(msg, l.Up):
		return m.move(-1)
	case key.Matches(msg, l.Down):
		return m.move(1)
	case key.Matches(msg, l.Top):
		return m.move(-len(m.view))
	case key.Matches(msg, l.Bottom):
		return m.move(len(m.view))
	case key.Matches(msg, l.PageDown):
		return m.move(max(1, m.bodyHeight()/2))
	case key.Matches(msg, l.PageUp):
		return m.move(-max(1, m.bodyHeight()/2))
	case key.Matches(msg, l.Filter):
		m.filtering = true
		m.input.SetValue(m.q.raw)
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(msg, l.SortNext):
		m.sortCol = (m.sortCol + 1) % len(columns)
		m.rebuild()
		return common.Status("sorted by "+strings.ToLower(columns[m.sortCol].title), false)
	case key.Matches(msg, l.SortReverse):
		m.sortDesc = !m.sortDesc
		m.rebuild()
		return nil
	case key.Matches(msg, l.Open):
		if f, ok := m.Selected(); ok {
			return func() tea.Msg { return common.OpenFunctionMsg{Function: f} }
		}
	case key.Matches(msg, l.Copy):
		if f, ok := m.Selected(); ok {
			return tea.Batch(tea.SetClipboard(f.ARN), common.Status("copied "+f.ARN, false))
		}
	case key.Matches(msg, m.km.Invoke.Open):
		return m.openScreen("invoke")
	case key.Matches(msg, m.km.Concurrency.Reserved):
		return m.openScreen("concurrency", "--reserved")
	case key.Matches(msg, m.km.Concurrency.Provisioned):
		return m.openScreen("concurrency", "--provisioned")
	}
	return nil
}

// openScreen asks the root for a full-screen pane on the selected function
// (invoke, concurrency: the i, R and C keys).
func (m *Model) openScreen(name string, args ...string) tea.Cmd {
	if _, ok := m.Selected(); !ok {
		return common.Status("select a function first", true)
	}
	return func() tea.Msg { return common.OpenScreenMsg{Name: name, Args: args} }
}

func (m *Model) handleFilterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.filtering = false
		m.input.Blur()
		m.setQuery("")
		return m.scheduleMetrics()
	case "enter":
		m.filtering = false
		m.input.Blur()
		return m.scheduleMetrics()
	case "up", "down", "ctrl+d", "ctrl+u":
		m.filtering = false
		m.input.Blur()
		return m.handleKey(msg)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != m.q.raw {
		m.setQuery(m.input.Value())
		return tea.Batch(cmd, m.maybeLookup())
	}
	return cmd
}

// SetFilter applies a filter query as if typed (tests, palette).
func (m *Model) SetFilter(s string) { m.setQuery(s) }

func (m *Model) setQuery(s string) {
	sel := m.selectedName()
	q, err := parseQuery(s)
	m.qErr = err
	if err != nil {
		return // keep the last valid filter while a regexp is half-typed
	}
	inc := q.narrows(m.q) && !m.q.empty()
	m.q = q
	m.refilter(inc)
	m.cursor = 0
	m.offset = 0
	if sel != "" {
		m.reselect(sel)
	}
	m.clamp()
}

func (m *Model) handleClick(msg tea.MouseClickMsg) tea.Cmd {
	if msg.Button != tea.MouseLeft {
		return nil
	}
	if msg.Y >= 2 {
		i := m.offset + msg.Y - 2
		if i < len(m.view) {
			m.cursor = i
			m.clamp()
		}
		return nil
	}
	if msg.Y == 1 { // header: sort by the clicked column
		x := 0
		for k, c := range m.lay.cols {
			x += m.lay.widths[k] + 1
			if msg.X < x {
				if m.sortCol == c {
					m.sortDesc = !m.sortDesc
				} else {
					m.sortCol, m.sortDesc = c, false
				}
				m.rebuild()
				break
			}
		}
	}
	return nil
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.filtering }

// Back implements common.BackHandler: esc clears an applied filter.
func (m *Model) Back() bool {
	if m.filtering || !m.q.empty() {
		m.filtering = false
		m.input.Blur()
		m.setQuery("")
		return true
	}
	return false
}

// Title implements common.Titled.
func (m *Model) Title() string { return "functions" }

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	if m.lay.width != w {
		m.lay = computeLayout(w)
	}
	m.clamp()
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	l := m.km.List
	if m.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		}
	}
	return []key.Binding{l.Up, l.Down, l.Filter, l.Open, l.SortNext, l.SortReverse, l.Copy, m.km.Global.Refresh}
}

// FullHelpKeys implements common.FullHelper: ? lists every list key.
func (m *Model) FullHelpKeys() []key.Binding {
	if m.filtering {
		return m.HelpKeys()
	}
	l := m.km.List
	return []key.Binding{l.Up, l.Down, l.Top, l.Bottom, l.PageDown, l.PageUp,
		l.Filter, l.Open, l.SortNext, l.SortReverse, l.Copy, m.km.Global.Refresh}
}

// ---- metrics scheduling ----

// scheduleMetrics debounces a metrics fetch for the visible rows.
func (m *Model) scheduleMetrics() tea.Cmd {
	enrich := m.visibleToEnricher() // the rows on screen get GetFunction first
	if m.opt.DisableMetric || m.deps.Metrics == nil || len(m.view) == 0 {
		return enrich
	}
	m.mseq++
	gen, seq := m.req.Gen(kindList), m.mseq
	return tea.Batch(enrich, tea.Tick(m.opt.MetricsDelay, func(time.Time) tea.Msg { return metricsTickMsg{gen: gen, seq: seq} }))
}

func (m *Model) handleMetricsTick(msg metricsTickMsg) tea.Cmd {
	if !m.req.Current(kindList, msg.gen) || msg.seq != m.mseq || m.req.InFlight(kindMetrics) {
		return nil
	}
	now := m.deps.Now()
	var names []string
	for i := m.offset; i < min(len(m.view), m.offset+m.bodyHeight()); i++ {
		r := m.at(i)
		if r.metrics == nil || now.Sub(r.metrics.taken) >= m.opt.MetricsEvery {
			names = append(names, r.fn.Name)
		}
	}
	// re-arm the periodic refresh
	m.mseq++
	gen, seq := msg.gen, m.mseq
	every := m.opt.MetricsEvery << min(m.mFails, 3) // back off on errors
	next := tea.Tick(every, func(time.Time) tea.Msg { return metricsTickMsg{gen: gen, seq: seq} })
	if len(names) == 0 {
		return next
	}
	ctx, mgen := m.req.Start(kindMetrics)
	return tea.Batch(fetchMetrics(ctx, m.deps.Metrics, names, now, mgen), next)
}

func (m *Model) applyMetrics(msg metricsMsg) tea.Cmd {
	if !m.req.Done(kindMetrics, msg.gen) {
		return nil
	}
	if msg.err != nil {
		m.mErr = msg.err
		m.mFails++
		return common.Status("metrics: "+msg.err.Error(), true)
	}
	m.mErr, m.mFails = nil, 0
	for name, v := range msg.vals {
		if r, ok := m.rows[name]; ok {
			r.metrics = &rowMetrics{v: v, taken: msg.at}
			r.ver++
		}
	}
	if c := columns[m.sortCol]; c.title == "INVOC" || c.title == "ERR%" || c.title == "P99/TO" || c.title == "THR" {
		m.rebuild()
	}
	return nil
}

// ---- view ----

func (m *Model) renderRow(r *row, selected bool) string {
	if r.cacheW != m.w || r.cacheV != r.ver || r.cacheRaw == "" {
		raw := m.lay.render(r)
		if w := ansi.StringWidth(raw); w < m.w {
			raw += strings.Repeat(" ", m.w-w)
		}
		r.cacheRaw = raw
		switch {
		case r.fn.State == "Failed" || r.fn.LastUpdateStatus == "Failed":
			r.cacheStr = m.st.Error.Render(raw)
		case r.errPct() >= 5 || r.p99Ratio() >= 0.9:
			r.cacheStr = m.st.Error.Render(raw) // failing or about to time out
		case r.fn.State == "Pending" || r.fn.LastUpdateStatus == "InProgress" ||
			r.errPct() >= 1 || r.p99Ratio() >= 0.5 || r.metric(mThrottles) > 0:
			r.cacheStr = m.st.Warn.Render(raw)
		default:
			r.cacheStr = raw
		}
		r.cacheW, r.cacheV = m.w, r.ver
	}
	if selected {
		if m.selStyle != m.st.Selected.String() || m.selPre == "" {
			// the selection style's escape codes, found once by rendering a marker
			m.selStyle = m.st.Selected.String()
			m.selPre, m.selPost, _ = strings.Cut(m.st.Selected.Render("\x00"), "\x00")
		}
		if m.selPre == "" && m.selPost == "" {
			return m.st.Selected.Render(r.cacheRaw)
		}
		return m.selPre + r.cacheRaw + m.selPost
	}
	return r.cacheStr
}

// FitsSize implements common.Fitted: View always returns exactly h lines
// of at most w cells.
func (m *Model) FitsSize() bool { return true }

func (m *Model) titleLine() string {
	shown, total := m.Count()
	parts := []string{m.st.Title.Render("functions") + " " + thousands(shown) + "/" + thousands(total)}
	if m.filtering {
		// wide enough for the placeholder's hint, at most half the line
		m.input.SetWidth(min(max(10, m.w/3, ansi.StringWidth(m.input.Placeholder)+1), max(10, m.w/2)))
		parts = append(parts, m.input.View())
	} else if !m.q.empty() {
		parts = append(parts, m.st.Accent.Render("/"+common.Clean(m.q.raw)))
	}
	if m.qErr != nil {
		parts = append(parts, m.st.Error.Render(common.Clean(m.qErr.Error())))
	}
	// what went wrong and the stale marker come first: on a narrow screen
	// the sort order is what falls off the end
	switch {
	case m.verr != nil && !m.validating:
		parts = append(parts, m.st.Error.Render(offlineText(m.verr)))
	case m.err != nil && !m.listing:
		parts = append(parts, m.st.Error.Render("listing failed: "+offlineText(m.err)))
	}
	if m.stale {
		age := ""
		if !m.snapTaken.IsZero() {
			age = " " + shortAge(m.deps.Now().Sub(m.snapTaken)) + " old"
		}
		parts = append(parts, m.st.Warn.Render("STALE cached"+age))
	}
	if c := m.connecting(); c != "" && m.verr == nil {
		parts = append(parts, m.st.Muted.Render(c))
	} else if m.listing && c == "" {
		parts = append(parts, m.progress())
	}
	arrow := "↑"
	if m.sortDesc {
		arrow = "↓"
	}
	parts = append(parts, m.st.Muted.Render("sort "+strings.ToLower(columns[m.sortCol].title)+" "+arrow))
	return ansi.Truncate(strings.Join(parts, "  "), m.w, "…")
}

func (m *Model) progress() string {
	const bw = 12
	if m.expect > 0 {
		f := min(1, float64(m.loaded)/float64(max(m.expect, m.loaded)))
		n := int(f * bw)
		return m.st.Accent.Render(strings.Repeat("█", n)+strings.Repeat("░", bw-n)) +
			m.st.Muted.Render(fmt.Sprintf(" %s/~%s", thousands(m.loaded), thousands(m.expect)))
	}
	return m.st.Accent.Render("loading") + m.st.Muted.Render(fmt.Sprintf(" %s (page %d)…", thousands(m.loaded), m.pages+1))
}

func shortAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// View implements common.Pane: exactly h lines of at most w cells.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.lay.width != m.w {
		m.lay = computeLayout(m.w)
	}
	var b strings.Builder
	b.Grow((m.w + 8) * m.h)
	b.WriteString(m.titleLine())
	b.WriteByte('\n')
	b.WriteString(m.st.TableHeader.Render(ansi.Truncate(m.lay.header, m.w, "")))
	bh := m.bodyHeight()
	end := min(len(m.view), m.offset+bh)
	lines := 0
	for i := m.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(m.renderRow(m.at(i), i == m.cursor))
		lines++
	}
	if len(m.view) == 0 && lines < bh {
		b.WriteByte('\n')
		switch {
		case m.listing:
			b.WriteString(m.st.Muted.Render("waiting for the first page…"))
		case m.err != nil && len(m.rows) == 0:
			b.WriteString(m.st.Error.Render(ansi.Truncate("could not list functions: "+m.err.Error(), m.w, "…")))
		case len(m.rows) > 0:
			b.WriteString(m.st.Muted.Render("no function matches the filter (esc clears it)"))
		default:
			b.WriteString(m.st.Muted.Render("no functions in this region"))
		}
		lines++
	}
	for ; lines < bh; lines++ {
		b.WriteByte('\n')
	}
	return b.String()
}

var (
	_ common.Pane          = (*Model)(nil)
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
)

// InvalidateCache drops every cached row render (the theme changed).
func (m *Model) InvalidateCache() {
	for _, r := range m.rows {
		r.cacheRaw = ""
	}
}

// Names returns up to limit function names starting with prefix, in the
// current order (palette completion).
func (m *Model) Names(prefix string, limit int) []string {
	var out []string
	for _, r := range m.sorted {
		if strings.HasPrefix(r.fn.Name, prefix) {
			out = append(out, r.fn.Name)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

// SnapshotCmd returns the command that reads the cached snapshot (what
// Init runs first); benchmarks use it to time the first frame.
func (m *Model) SnapshotCmd() tea.Cmd { return m.readSnapshot() }

// ForgetFilterResults drops remembered filter results (benchmarks measure
// the cold path with it).
func (m *Model) ForgetFilterResults() { m.memo, m.memoKeys = nil, nil }
