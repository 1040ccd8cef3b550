// Package functions is the functions pane: a virtualised table of every
// function in the region (only visible rows are rendered, row renders are
// cached per function and width), sortable by any column, filtered fuzzy
// by default ("re:" regexp, "tag:k=v", "!" inverts), fed page by page from
// ListFunctions with the cached snapshot shown at once, and enriched with
// the last hour's metrics for the rows on screen.
package functions

import (
	"context"
	"strings"
	"sync"
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

// ID is this pane's address for common.PaneMsg envelopes.
const ID common.PaneID = "functions"

// row is one function; the table renders and caches it by name, width
// and ver.
type row struct {
	fn      model.Function
	lower   string // lower-cased name, for matching
	metrics *rowMetrics
	ver     uint32 // bumped whenever fn or metrics change
	seen    uint64 // listing generation that last delivered it
	cols    *cellState
	inAlarm int // CloudWatch alarms in ALARM (alarms.go)
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

	multi bool // one list over several (profile, region) pairs (pairs.go)

	rows map[string]*row
	t    *table.Model[*row]
	w, h int

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
	colst       cellState
	enricher    awsapi.Enrichment
	sweptTags   map[string]map[string]string
	tagsSwept   bool
	sweptPairs  []string // over several pairs: the ARN prefixes whose sweep ended (pairs.go)
	lastVisible string

	// a filtered name not listed yet
	lseq   uint64
	looked map[string]bool

	alarms *model.AlarmIndex // nil until read (alarms.go)
}

// New builds the functions pane. Its Init starts the snapshot read and
// the listing; nothing touches AWS before that.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap) *Model {
	m := &Model{deps: deps, st: st, km: km, rows: map[string]*row{},
		opt: Options{MetricsEvery: time.Minute, MetricsDelay: 250 * time.Millisecond}}
	if m.deps.Now == nil {
		m.deps.Now = time.Now
	}
	m.t = table.New(m.withPairs(m.tableConfig()), st, km.List)
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
	return tea.Batch(snap, m.startList(), m.validate(), m.startColumns(), m.loadAlarms(false))
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
		if msg.Button == tea.MouseLeft && msg.Y >= 1 {
			m.t.Click(msg.X, msg.Y-1)
		}
		return m.scrolled(m.t.Offset(), m.t.Len())
	case tea.MouseWheelMsg:
		off, n := m.t.Offset(), m.t.Len()
		m.t.Update(msg)
		return m.scrolled(off, n)
	case common.RefreshMsg:
		return tea.Batch(m.refresh(), m.loadAlarms(true))
	case alarmsMsg:
		return m.applyAlarms(msg)
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
		return nil
	case enrichMsg:
		return m.applyEnriched(msg)
	case tagsMsg:
		return m.applyTags(msg)
	case lookupTickMsg:
		return m.handleLookupTick(msg)
	case lookupMsg:
		return m.applyLookup(msg)
	default:
		cmd, _ := m.t.Update(msg) // the filter's cursor blinks
		return cmd
	}
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
	m.stale, m.snapTaken, m.expect = true, msg.taken, len(msg.fns)
	if len(m.rows) == 0 {
		m.fillFromSnapshot(msg.fns)
		return m.scheduleMetrics()
	}
	for _, f := range msg.fns {
		if _, ok := m.rows[m.key(f)]; !ok {
			m.upsert(f, 0)
		}
	}
	m.rebuild()
	return m.scheduleMetrics()
}

// fillFromSnapshot makes the rows of an empty pane from the snapshot: one
// allocation for all of them, handed to the table in the snapshot's order
// (a listing's, by name: the table then needs no sort).
func (m *Model) fillFromSnapshot(fns []model.Function) {
	m.rows = make(map[string]*row, len(fns))
	slab := make([]row, len(fns))
	// Copying 10,000 functions into fresh memory is most of the work (the
	// page faults of the slab): two halves at once on a large fleet. Both
	// only read the pane (alarms, swept tags) and write their own rows.
	fill := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			m.initRow(&slab[i], fns[i], 0)
			m.sweptInto(&slab[i].fn)
		}
	}
	if half := len(fns) / 2; half >= 2048 {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			fill(half, len(fns))
		}()
		fill(0, half)
		wg.Wait()
	} else {
		fill(0, len(fns))
	}
	items := make([]*row, 0, len(fns))
	for i := range fns {
		k := m.key(fns[i])
		if _, dup := m.rows[k]; dup {
			continue // the first of a name twice in the file wins
		}
		m.rows[k] = &slab[i]
		items = append(items, &slab[i])
	}
	m.t.SetItems(items)
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
	m.sweptInto(&f)
	r, ok := m.rows[m.key(f)]
	if !ok {
		r = new(row)
		m.initRow(r, f, gen)
		m.rows[m.key(f)] = r
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

// sweptInto gives f the tags the Tagging API sweep found, unless it
// knows its own.
func (m *Model) sweptInto(f *model.Function) {
	if !f.TagsKnown && !f.Enriched {
		if t, ok := m.sweptTags[m.key(*f)]; ok {
			f.Tags, f.TagsKnown = t, true
		} else if m.tagsSwept || m.sweptPair(*f) {
			f.Tags, f.TagsKnown = nil, true
		}
	}
}

// initRow makes r the new row of f (its tags already merged by upsert).
func (m *Model) initRow(r *row, f model.Function, gen uint64) {
	*r = row{fn: f, lower: strings.ToLower(f.Name), seen: gen, cols: &m.colst}
	m.setAlarmCount(r)
}

// SetFunctions replaces the rows (benchmarks and tests).
func (m *Model) SetFunctions(fns []model.Function) {
	m.rows = make(map[string]*row, len(fns))
	for _, f := range fns {
		m.upsert(f, m.req.Gen(kindList))
	}
	m.rebuild()
}

// rebuild hands every row to the table, which sorts and filters them
// and keeps the selected function selected.
func (m *Model) rebuild() {
	rows := make([]*row, 0, len(m.rows))
	for _, r := range m.rows {
		rows = append(rows, r)
	}
	m.t.SetItems(rows)
}

// Selected returns the function under the cursor.
func (m *Model) Selected() (model.Function, bool) {
	if r, ok := m.t.Selected(); ok {
		return r.fn, true
	}
	return model.Function{}, false
}

// Count returns shown and total rows.
func (m *Model) Count() (shown, total int) { return m.t.Len(), len(m.rows) }

// SetFilter applies a filter query as if typed (tests, palette).
func (m *Model) SetFilter(s string) { m.t.SetFilter(s) }

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.t.CapturesInput() }

// Back implements common.BackHandler: esc closes the column chooser or
// clears an applied filter.
func (m *Model) Back() bool {
	return m.t.Back()
}

// Title implements common.Titled.
func (m *Model) Title() string { return "functions" }

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// SetSize implements common.Pane: the title line, then the table.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.t.SetSize(w, max(1, h-1))
}

func (m *Model) bodyHeight() int { return max(1, m.h-2) }

var (
	_ common.Pane          = (*Model)(nil)
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
)

// InvalidateCache drops every cached row render (the theme changed).
func (m *Model) InvalidateCache() { m.t.InvalidateCache() }

// Lookup is the listed function named exactly name (":fn <name>" opens it).
func (m *Model) Lookup(name string) (model.Function, bool) {
	if r, ok := m.rows[name]; ok {
		return r.fn, true
	}
	if m.multi { // keyed by ARN: a name in exactly one pair
		var found []model.Function
		for _, r := range m.rows {
			if r.fn.Name == name {
				found = append(found, r.fn)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return model.Function{}, false
}

// Names returns up to limit function names starting with prefix, in the
// current order (palette completion).
func (m *Model) Names(prefix string, limit int) []string {
	var out []string
	for _, r := range m.t.Items() {
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
func (m *Model) ForgetFilterResults() { m.t.ForgetFilterResults() }
