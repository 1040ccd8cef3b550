// Package logs is the live log tail pane: the function view's Logs tab and
// the ":logs fn1 fn2" screen. It reads awsapi.Logs.Tail through a re-armed
// command that returns one batch per message, tagged with the pane's
// generation, into a bounded ring buffer of parsed lines (model.Ring), and
// renders only the visible rows. The tail is cancelled when the pane is
// hidden or closed: Live Tail is billed per minute.
//
// Hidden is detected without help from the host: Bubble Tea calls View
// after every Update, and a host renders only the tab on screen, so a
// heartbeat (every 2 s, carrying its own counter) that finds no View call
// since the previous beat stops the tail; the first beat after the pane is
// drawn again restarts it with a backfill of the gap (deduplicated by event
// id). A host that knows may call SetVisible directly.
package logs

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/scroll"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Heartbeat is how often the pane checks whether it is still on screen.
const Heartbeat = 2 * time.Second

// maxResumeBackfill bounds the gap a resumed tail fetches.
const maxResumeBackfill = time.Hour

var backfillSteps = []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour}

var nextID atomic.Uint64

// tick schedules a timed message (a seam for tests).
var tick = tea.Tick

// Messages. Each carries the pane instance and the generation of the tail
// it belongs to; anything else is dropped.
type (
	batchMsg struct {
		pane, gen uint64
		ch        <-chan awsapi.TailBatch
		batch     awsapi.TailBatch
		closed    bool
	}
	heartbeatMsg struct{ pane, beat uint64 }
	aliasesMsg   struct {
		pane, gen uint64
		aliases   []model.Alias
		err       error
	}
	rolloverMsg struct{ pane, gen uint64 }
)

type inputMode int

const (
	inputNone inputMode = iota
	inputSearch
	inputFilter
)

// Options tune a pane.
type Options struct {
	MaxLines  int           // ring capacity (default model.DefaultRingLines)
	SaveDir   string        // where s writes the buffer (default the working directory)
	Heartbeat time.Duration // visibility check interval (0 = Heartbeat; <0 = none, for tests)
}

// Model is the log tail pane.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	opts Options
	fns  []model.Function
	id   uint64

	ring    *model.Ring
	sources map[string]int // log group -> index into fns

	// Tail state.
	req      request.Tracker // kinds: kindTail, kindAliases
	running  bool
	hidden   bool // stopped because the pane is off screen
	stopped  time.Time
	mode     awsapi.TailMode
	sampled  bool
	dropped  int
	lag      time.Duration
	lastErr  error
	filter   string
	backfill int      // index of the next backfill step
	split    []string // versions, when split by version
	splitW   []float64
	beat     uint64
	views    int

	// View state.
	follow  bool
	bottom  uint64 // seq at the bottom of the view when paused
	cursor  uint64
	json    bool
	search  string
	request string // request id shown alone ("" = all lines)
	reqSeqs []uint64
	input   textinput.Model
	imode   inputMode
	w, h    int

	// Row render cache (view.go).
	cache    map[uint64][]string
	cacheKey rowKey
	paints   *paints
	vstats   map[string]*vstats // per version, since the buffer was last reset

	// Roll-up of REPORT lines.
	invocations, cold, errors int
	durTotal                  time.Duration
	maxMem, memSize           int
	costTotal                 float64
	// perFn is the same roll-up per function (index into fns), so a tail
	// of several functions shows each one's memory, not one figure for all.
	perFn map[int]*fnRollup
}

// fnRollup is one function's REPORT-line roll-up.
type fnRollup struct {
	invocations, cold int
	durTotal          time.Duration
	maxMem, memSize   int
	cost              float64
}

// New returns the Logs tab for one function.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) *Model {
	return NewMulti(deps, st, km, []model.Function{fn}, Options{})
}

// NewMulti returns a tail of several functions at once, each in its own colour.
func NewMulti(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fns []model.Function, o Options) *Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	ti := textinput.New()
	ti.Prompt = "/"
	m := &Model{
		deps: deps, st: st, km: km, opts: o, fns: fns,
		id:      nextID.Add(1),
		ring:    model.NewRing(o.MaxLines, 0),
		sources: map[string]int{},
		follow:  true,
		input:   ti,
	}
	for i, f := range fns {
		m.sources[f.LogGroupName()] = i
	}
	return m
}

// Screen opens ":logs fn1 fn2 ..." (or the selected function's logs).
func Screen(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
	var fns []model.Function
	for _, a := range sc.Args {
		for _, n := range strings.Split(a, ",") {
			if n = strings.TrimSpace(n); n != "" {
				fns = append(fns, model.Function{Name: n})
			}
		}
	}
	if len(fns) == 0 && sc.Function != nil {
		fns = append(fns, *sc.Function)
	}
	if len(fns) == 0 {
		return nil, fmt.Errorf(":logs needs function names, e.g. :logs orders-api payments-webhook")
	}
	if len(fns) > 10 {
		return nil, fmt.Errorf(":logs tails at most 10 functions at once (Live Tail's limit), got %d", len(fns))
	}
	return NewMulti(deps, st, km, fns, Options{}), nil
}

// Title implements common.Titled.
func (m *Model) Title() string {
	names := make([]string, len(m.fns))
	for i, f := range m.fns {
		names[i] = f.Name
	}
	return "logs " + strings.Join(names, " ")
}

// Ring exposes the buffer (tests, benchmarks).
func (m *Model) Ring() *model.Ring { return m.ring }

// Running reports whether a tail is active.
func (m *Model) Running() bool { return m.running }

// Init starts the tail and the visibility heartbeat.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.start(0), m.heartbeat())
}

func (m *Model) heartbeat() tea.Cmd {
	every := m.opts.Heartbeat
	if every < 0 {
		return nil
	}
	if every == 0 {
		every = Heartbeat
	}
	m.beat++
	pane, beat := m.id, m.beat
	return tick(every, func(time.Time) tea.Msg { return heartbeatMsg{pane: pane, beat: beat} })
}

// request builds the tail request for the current settings.
func (m *Model) tailRequest(backfill time.Duration) awsapi.TailRequest {
	req := awsapi.TailRequest{Filter: m.filter, Backfill: backfill}
	for _, f := range m.fns {
		req.Groups = append(req.Groups, f.LogGroupName())
	}
	if len(m.split) > 0 && len(req.Groups) == 1 {
		req.StreamPrefixes = model.StreamPrefixes(m.deps.Now(), m.split...)
	}
	return req
}

// start (re)starts the tail: the old one is cancelled and its batches,
// carrying an older generation, are dropped.
func (m *Model) start(backfill time.Duration) tea.Cmd {
	m.stop()
	if m.req.Closed() || m.deps.Logs == nil {
		return nil
	}
	ctx, gen := m.req.Start(kindTail)
	m.running = true
	m.hidden = false
	m.lastErr = nil
	logs, req, pane := m.deps.Logs, m.tailRequest(backfill), m.id
	cmds := []tea.Cmd{func() tea.Msg {
		ch := logs.Tail(ctx, req)
		return read(ch, pane, gen)
	}}
	if len(m.split) > 0 {
		now := m.deps.Now()
		cmds = append(cmds, tick(model.NextRollover(now).Sub(now)+time.Second, func(time.Time) tea.Msg {
			return rolloverMsg{pane: pane, gen: gen}
		}))
	}
	return tea.Batch(cmds...)
}

// read waits for one batch.
func read(ch <-chan awsapi.TailBatch, pane, gen uint64) tea.Msg {
	b, ok := <-ch
	return batchMsg{pane: pane, gen: gen, ch: ch, batch: b, closed: !ok}
}

func waitBatch(ch <-chan awsapi.TailBatch, pane, gen uint64) tea.Cmd {
	return func() tea.Msg { return read(ch, pane, gen) }
}

// The pane's request kinds: the tail (a stream of batches under one
// generation) and the aliases read for split-by-version.
const (
	kindTail    request.Kind = "tail"
	kindAliases request.Kind = "aliases"
)

func (m *Model) stop() {
	m.req.Cancel(kindTail)
	if m.running {
		m.stopped = m.deps.Now()
	}
	m.running = false
}

// Close implements common.Closer: the tail stops for good.
func (m *Model) Close() {
	m.stop()
	m.req.Close()
}

// SetVisible tells the pane whether it is on screen; a host that knows
// calls it, and the heartbeat covers hosts that do not. Hidden stops the
// tail; shown restarts it, backfilling the gap.
func (m *Model) SetVisible(v bool) tea.Cmd {
	if !v {
		if m.running {
			m.stop()
			m.hidden = true
		}
		return nil
	}
	if m.hidden && !m.req.Closed() {
		gap := min(m.deps.Now().Sub(m.stopped), maxResumeBackfill)
		return m.start(max(gap, 0))
	}
	return nil
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.imode != inputNone }

// Back implements common.BackHandler: esc leaves the request view, then
// clears the search, then the split.
func (m *Model) Back() bool {
	switch {
	case m.imode != inputNone:
		m.imode = inputNone
		m.input.Blur()
		return true
	case m.request != "":
		m.request, m.reqSeqs = "", nil
		return true
	case m.search != "":
		m.search = ""
		return true
	}
	return false
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.SetWidth(max(10, w-4))
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	l := m.km.Logs
	return []key.Binding{l.Follow, l.Search, l.Next, l.Filter, l.JSON, l.Split, l.Request, l.Backfill, l.Save,
		m.km.List.Up, m.km.List.Down, m.km.List.Bottom}
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case batchMsg:
		return m.onBatch(msg)
	case heartbeatMsg:
		if msg.pane != m.id || msg.beat != m.beat || m.req.Closed() {
			return nil
		}
		onScreen := m.views > 0
		m.views = 0
		return tea.Batch(m.SetVisible(onScreen), m.heartbeat())
	case aliasesMsg:
		return m.onAliases(msg)
	case rolloverMsg:
		if msg.pane != m.id || !m.req.Current(kindTail, msg.gen) || len(m.split) == 0 || !m.running {
			return nil
		}
		// New day: recompute the stream prefixes; the short backfill
		// covers the moment of the switch.
		return m.start(time.Minute)
	case common.RefreshMsg:
		return m.start(time.Minute)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.imode != inputNone {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return cmd
		}
	case tea.MouseWheelMsg:
		if d := scroll.Wheel(msg); d != 0 {
			m.moveCursor(d)
		}
	}
	return nil
}

func (m *Model) onBatch(msg batchMsg) tea.Cmd {
	if msg.pane != m.id || !m.req.Current(kindTail, msg.gen) || !m.running {
		return nil // stale: an older tail, already cancelled
	}
	if msg.closed {
		m.running = false
		m.req.Done(kindTail, msg.gen)
		if m.lastErr == nil {
			m.lastErr = fmt.Errorf("tail ended")
		}
		return nil
	}
	b := msg.batch
	if b.Mode != "" {
		m.mode = b.Mode
	}
	m.sampled = b.Sampled
	m.dropped += b.Dropped
	m.lag = b.Lag
	if b.Err != nil {
		m.lastErr = b.Err
	}
	m.ingest(b.Events)
	return waitBatch(msg.ch, m.id, msg.gen)
}

// ingest parses and buffers events, keeping the view where it was.
func (m *Model) ingest(evs []model.LogEvent) {
	for _, ev := range evs {
		src := m.sources[ev.Group]
		arch := ""
		if src < len(m.fns) {
			arch = m.fns[src].Architecture // each function priced at its own architecture
		}
		l := model.ParseLogEvent(ev, src)
		if !m.ring.Append(l) {
			continue
		}
		if l.Severity >= model.SevError {
			m.errors++
		}
		if l.Version != "" {
			vs := m.vstats[l.Version]
			if vs == nil {
				if m.vstats == nil {
					m.vstats = map[string]*vstats{}
				}
				vs = &vstats{}
				m.vstats[l.Version] = vs
			}
			if l.Report != nil {
				vs.inv++
				if l.Cold {
					vs.cold++
				}
			}
			if l.Severity >= model.SevError {
				vs.errs++
			}
		}
		if r := l.Report; r != nil {
			m.invocations++
			if l.Cold {
				m.cold++
			}
			m.durTotal += r.Duration
			if r.MaxMemoryUsedMB > m.maxMem {
				m.maxMem = r.MaxMemoryUsedMB
			}
			m.memSize = r.MemorySizeMB
			c := model.InvocationCost(r.BilledDuration, r.MemorySizeMB, arch, m.prices())
			m.costTotal += c
			if m.perFn == nil {
				m.perFn = map[int]*fnRollup{}
			}
			f := m.perFn[src]
			if f == nil {
				f = &fnRollup{}
				m.perFn[src] = f
			}
			f.invocations++
			if l.Cold {
				f.cold++
			}
			f.durTotal += r.Duration
			f.maxMem = max(f.maxMem, r.MaxMemoryUsedMB)
			f.memSize = r.MemorySizeMB
			f.cost += c
		}
	}
	if m.follow {
		m.cursor = m.newest()
	} else if first := m.ring.First(); m.bottom < first {
		m.bottom = first
		m.cursor = max(m.cursor, first)
	}
}

func (m *Model) newest() uint64 {
	if m.ring.Total() == 0 {
		return 0
	}
	return m.ring.Total() - 1
}

func (m *Model) onAliases(msg aliasesMsg) tea.Cmd {
	if msg.pane != m.id || !m.req.Done(kindAliases, msg.gen) {
		return nil
	}
	if msg.err != nil {
		return common.Status("aliases: "+msg.err.Error(), true)
	}
	for _, a := range msg.aliases {
		if a.Routing.Active() {
			m.split = []string{a.Version, a.Routing.AdditionalVersion}
			m.splitW = []float64{1 - a.Routing.Weight, a.Routing.Weight}
			return tea.Batch(m.start(5*time.Minute),
				common.Status(fmt.Sprintf("split %s: v%s and v%s", a.Name, a.Version, a.Routing.AdditionalVersion), false))
		}
	}
	return common.Status("no weighted alias: nothing to split by version", false)
}

func (m *Model) bodyHeight() int {
	h := m.h - 1 // status line
	if m.imode != inputNone {
		h--
	}
	return max(1, h)
}

// prices are the session region's (Lambda's prices differ by region).
func (m *Model) prices() model.Prices {
	if m.deps.Fleet == nil {
		return model.DefaultPrices
	}
	return model.PricesFor(m.deps.Fleet.Target().Region)
}
