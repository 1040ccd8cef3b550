package functions

// The pane's data flow beyond the listing: the cached snapshot drawn
// before any request returns (Preload), the background STS check of a
// warm start (account changed: the cached view goes; endpoint down or
// credentials expired: the stale fleet stays with the error in the title),
// reserved concurrency from GetFunction (rows on screen first) and tags
// from the Tagging API sweep, and a name typed into the filter that the
// listing has not delivered yet, looked up with one GetFunction.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/internal/lazyre"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
)

// cellState is what the cells need to tell "still loading" ("…") from
// "none" ("-") and "unknown" ("?"); every row points at its pane's.
type cellState struct {
	rsvLoading  bool // an enrichment is running: rows without GetFunction yet will get it
	tagsLoading bool // the tags sweep (or enrichment) will tell
	// gen is part of every row's version (tableConfig): bumping it
	// re-renders every row without touching 10,000 of them.
	gen uint32
}

// rsvCell is the RSV column: the reserved concurrency, "-" for none, "…"
// while GetFunction has not answered yet, "?" when nothing will.
func rsvCell(r *row) string {
	if !r.fn.Enriched && r.fn.Reserved == nil {
		if r.cols != nil && r.cols.rsvLoading {
			return "…"
		}
		return "?"
	}
	return reserved(r.fn)
}

// tagsCell is the TAGS column: k=v pairs by key, "—" for none, "…" while
// loading, "?" when nothing will tell.
func tagsCell(r *row) string {
	if !r.fn.TagsKnown && !r.fn.Enriched && len(r.fn.Tags) == 0 {
		if r.cols != nil && (r.cols.tagsLoading || r.cols.rsvLoading) {
			return "…"
		}
		return "?"
	}
	if len(r.fn.Tags) == 0 {
		return "—"
	}
	keys := make([]string, 0, len(r.fn.Tags))
	for k := range r.fn.Tags {
		if !strings.HasPrefix(k, "aws:") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "—"
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(r.fn.Tags[k])
	}
	return b.String()
}

// cloneTags copies a tags map, strings included.
func cloneTags(t map[string]string) map[string]string {
	if t == nil {
		return nil
	}
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[strings.Clone(k)] = strings.Clone(v)
	}
	return out
}

func tagsLess(a, b *row) bool { return tagsCell(a) < tagsCell(b) }

// Preload shows a snapshot read before the program started (ui.Run reads
// it while nothing is on screen yet), so the very first frame holds every
// cached row; Init then skips its own snapshot read.
func (m *Model) Preload(fns []model.Function, taken time.Time) {
	m.preloaded = true
	if len(fns) == 0 {
		return
	}
	_, gen := m.req.Start(kindSnapshot)
	m.applySnapshot(snapshotMsg{gen: gen, fns: fns, taken: taken, ok: true})
}

// unwrapAs finds an optional read interface on the fleet or, through
// Unwrap, on the session under a wrapper (read-only mode).
func unwrapAs[T any](f awsapi.Fleet) (T, bool) {
	for i := 0; i < 4 && f != nil; i++ {
		if v, ok := f.(T); ok {
			return v, true
		}
		u, ok := f.(interface{ Unwrap() awsapi.Fleet })
		if !ok {
			break
		}
		f = u.Unwrap()
	}
	var zero T
	return zero, false
}

// ---- the warm start's STS check ----

type validatedMsg struct {
	gen uint64
	err error
}

type connectTickMsg struct{ gen uint64 }

func (m *Model) validate() tea.Cmd {
	v, ok := unwrapAs[awsapi.Validator](m.deps.Fleet)
	if !ok {
		return nil
	}
	m.validating, m.connStart = true, m.deps.Time()
	ctx, gen := m.req.Start(kindValidate)
	return tea.Batch(func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return validatedMsg{gen: gen, err: v.Validated(ctx)}
	}, m.connectTick())
}

// The pane's request kinds beyond the listing.
const (
	kindValidate request.Kind = "validate" // the warm start's STS check
	kindColumns  request.Kind = "columns"  // enrichment and the tags sweep
	kindLookup   request.Kind = "lookup"   // a filtered name not listed yet
)

func (m *Model) connectTick() tea.Cmd {
	gen := m.req.Gen(kindValidate)
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return connectTickMsg{gen: gen} })
}

func (m *Model) applyValidated(msg validatedMsg) tea.Cmd {
	if !m.req.Done(kindValidate, msg.gen) {
		return nil
	}
	m.validating = false
	var pe *awsapi.PairsError
	if errors.As(msg.err, &pe) && m.multi {
		return m.applyPairsValidated(pe)
	}
	var ac *awsapi.AccountChangedError
	switch {
	case msg.err == nil:
		m.verr = nil
		return nil
	case errors.As(msg.err, &ac):
		// Another account's fleet must not stay on screen: drop the
		// cached rows and list this account from scratch.
		m.verr = nil
		m.rows = map[string]*row{}
		m.stale, m.expect, m.snapTaken = false, 0, time.Time{}
		m.sweptTags = nil
		m.rebuild()
		m.listing = false
		return tea.Batch(common.Status(msg.err.Error(), true), m.startList(), m.startColumns())
	}
	m.verr = msg.err
	return common.Status(offlineText(msg.err), true)
}

// offlineText says what failed and what the user can do.
func offlineText(err error) string {
	return common.Clean(err.Error()) + " (r retries, :profile switches)"
}

// connecting says how long the first answer has been awaited.
func (m *Model) connecting() string {
	if !m.validating && !(m.listing && m.pages == 0) {
		return ""
	}
	what := m.deps.Fleet.Target().Endpoint
	if what == "" {
		what = "AWS " + m.deps.Fleet.Target().Region
	}
	start := m.connStart
	if start.IsZero() {
		start = m.listStart
	}
	secs := int(m.deps.Time().Sub(start) / time.Second)
	return fmt.Sprintf("connecting to %s (%d s)", what, secs)
}

// ---- reserved concurrency and tags ----

// tagFiltered reports a tag: filter (results depend on the tags).
func (m *Model) tagFiltered() bool {
	return strings.HasPrefix(strings.TrimPrefix(m.t.Filter(), "!"), "tag:")
}

type enrichMsg struct {
	gen uint64
	res []awsapi.Enriched
	ch  <-chan awsapi.Enriched
}

type tagsMsg struct {
	gen  uint64
	page awsapi.TagPage
	done bool
	err  error
	ch   <-chan tagsEvent
}

type tagsEvent struct {
	page awsapi.TagPage
	done bool
	err  error
}

// startColumns starts the GetFunction enrichment (rows on screen first)
// and the tags sweep, when the session offers them.
func (m *Model) startColumns() tea.Cmd {
	cols, ok := unwrapAs[awsapi.Columns](m.deps.Fleet)
	if !ok {
		return nil
	}
	ctx, gen := m.req.Start(kindColumns)
	m.enricher = cols.StartEnrichment(ctx, 4)
	m.colst.rsvLoading, m.colst.tagsLoading = true, true
	m.invalidateCells()
	ch := make(chan tagsEvent, 4)
	go func() {
		defer close(ch)
		err := cols.FunctionTags(ctx, func(p awsapi.TagPage) error {
			select {
			case ch <- tagsEvent{page: p}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		select {
		case ch <- tagsEvent{done: true, err: err}:
		case <-ctx.Done():
		}
	}()
	return tea.Batch(waitEnriched(m.enricher.Results(), gen), waitTags(ch, gen), m.visibleToEnricher())
}

func waitEnriched(ch <-chan awsapi.Enriched, gen uint64) tea.Cmd {
	return func() tea.Msg {
		r, ok := <-ch
		if !ok {
			return nil
		}
		msg := enrichMsg{gen: gen, res: []awsapi.Enriched{r}, ch: ch}
		for len(msg.res) < 256 {
			select {
			case r, ok := <-ch:
				if !ok {
					return msg
				}
				msg.res = append(msg.res, r)
			default:
				return msg
			}
		}
		return msg
	}
}

func waitTags(ch <-chan tagsEvent, gen uint64) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return nil
		}
		return tagsMsg{gen: gen, page: ev.page, done: ev.done, err: ev.err, ch: ch}
	}
}

func (m *Model) applyEnriched(msg enrichMsg) tea.Cmd {
	if !m.req.Current(kindColumns, msg.gen) {
		return nil
	}
	changed := false
	for _, e := range msg.res {
		r, ok := m.rows[e.Name]
		if !ok || e.Err != nil {
			continue
		}
		f := e.Function
		f.Env = r.fn.Env
		if f.Name == "" {
			continue
		}
		r.fn = f
		r.ver++
		changed = true
	}
	if changed && (m.tagFiltered() || m.t.SortColumn() == colRsv || m.t.SortColumn() == colTags) {
		m.rebuild()
	}
	return waitEnriched(msg.ch, msg.gen)
}

func (m *Model) applyTags(msg tagsMsg) tea.Cmd {
	if !m.req.Current(kindColumns, msg.gen) {
		return nil
	}
	if msg.done {
		m.colst.tagsLoading = false
		if msg.err != nil {
			// No Tagging API here (or no permission): GetFunction still
			// brings the tags, row by row.
			m.invalidateCells()
			var ne *awsapi.NetworkError
			if !errors.Is(msg.err, awsapi.ErrUnsupported) && !errors.Is(msg.err, context.Canceled) && !errors.As(msg.err, &ne) && m.verr == nil {
				return common.Status("tags: "+common.Clean(msg.err.Error()), true)
			}
			return nil
		}
		m.tagsSwept = true
		for _, r := range m.rows {
			if !r.fn.TagsKnown {
				r.fn.Tags, r.fn.TagsKnown = nil, true // in no page: no tags
				r.ver++
			}
		}
		m.invalidateCells()
		if m.tagFiltered() {
			m.rebuild()
		}
		return nil
	}
	if m.sweptTags == nil {
		m.sweptTags = map[string]map[string]string{}
	}
	for name, tags := range msg.page.Tags { // name is the row key (the ARN over several pairs)
		m.sweptTags[name] = tags
		if r, ok := m.rows[name]; ok && !r.fn.Enriched {
			r.fn.Tags, r.fn.TagsKnown = tags, true
			r.ver++
		}
	}
	m.pairSwept(msg.page.Swept)
	if m.tagFiltered() || m.t.SortColumn() == colTags {
		m.rebuild()
	}
	return waitTags(msg.ch, msg.gen)
}

// visibleToEnricher hands the enricher the rows on screen that have no
// reserved concurrency yet (they go first) in a command, off Update.
func (m *Model) visibleToEnricher() tea.Cmd {
	if m.enricher == nil || m.t.Len() == 0 {
		return nil
	}
	var names []string
	lo, hi := m.t.VisibleRange()
	for i := lo; i < hi; i++ {
		if r := m.t.At(i); !r.fn.Enriched {
			names = append(names, m.key(r.fn)) // over several pairs, the ARN
		}
	}
	key := strings.Join(names, "\x00")
	if key == m.lastVisible || len(names) == 0 {
		return nil
	}
	m.lastVisible = key
	e := m.enricher
	return func() tea.Msg { e.Visible(names...); return nil }
}

// queueAllForEnrichment queues every row without GetFunction yet, after
// the visible ones (background priority: the listing always goes first).
func (m *Model) queueAllForEnrichment() tea.Cmd {
	if m.enricher == nil {
		return nil
	}
	var names []string
	for _, r := range m.t.Items() {
		if !r.fn.Enriched {
			names = append(names, m.key(r.fn))
		}
	}
	if len(names) == 0 {
		return nil
	}
	e := m.enricher
	return func() tea.Msg { e.Queue(names...); return nil }
}

func (m *Model) invalidateCells() { m.colst.gen++ }

// ---- a name the listing has not delivered yet ----

type lookupTickMsg struct {
	seq uint64
	q   string
}

type lookupMsg struct {
	gen uint64
	q   string
	fn  model.Function
	err error
}

var plainName = lazyre.New(`^[A-Za-z0-9_-]{1,64}$`)

// lookupDelay debounces the lookup while the name is being typed.
const lookupDelay = 150 * time.Millisecond

// maybeLookup: when a plain name matches nothing and the listing is not
// complete, ask GetFunction for exactly that name (one round trip).
func (m *Model) maybeLookup() tea.Cmd {
	if _, ok := unwrapAs[awsapi.Columns](m.deps.Fleet); !ok || m.t.Len() > 0 {
		return nil
	}
	if !m.listing && m.err == nil && m.verr == nil && !m.stale {
		return nil // a complete listing: it does not exist
	}
	q := m.t.Filter() // a plain name: not re:, tag: or !
	if !plainName.MatchString(q) || m.looked[q] {
		return nil
	}
	m.lseq++
	seq := m.lseq
	return tea.Tick(lookupDelay, func(time.Time) tea.Msg { return lookupTickMsg{seq: seq, q: q} })
}

func (m *Model) handleLookupTick(msg lookupTickMsg) tea.Cmd {
	if msg.seq != m.lseq || msg.q != m.t.Filter() || m.t.Len() > 0 {
		return nil
	}
	cols, ok := unwrapAs[awsapi.Columns](m.deps.Fleet)
	if !ok {
		return nil
	}
	if m.looked == nil {
		m.looked = map[string]bool{}
	}
	m.looked[msg.q] = true
	q := msg.q
	ctx, gen := m.req.Start(kindLookup)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		f, err := cols.LookupFunction(ctx, q)
		return lookupMsg{gen: gen, q: q, fn: f, err: err}
	}
}

func (m *Model) applyLookup(msg lookupMsg) tea.Cmd {
	if !m.req.Done(kindLookup, msg.gen) || msg.err != nil || msg.fn.Name == "" {
		return nil // not there (yet): the listing will tell
	}
	m.upsert(msg.fn, m.req.Gen(kindList))
	m.rebuild()
	return common.Status("found "+common.Clean(msg.fn.Name)+" ahead of the listing (enter opens it)", false)
}

// reservedSort is RSV's sort key: unknown < none < n.
func reservedSort(f model.Function) int {
	if !f.Enriched && f.Reserved == nil {
		return -2
	}
	return reservedN(f)
}

var _ = strconv.Itoa
