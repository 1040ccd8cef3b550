package functions

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// warmFleet adds the warm-start and column interfaces to the fake.
type warmFleet struct {
	*fake.Session
	verr    error
	tags    map[string]map[string]string
	mu      sync.Mutex
	visible []string
	lookups []string
}

func (w *warmFleet) Validated(context.Context) error { return w.verr }

func (w *warmFleet) FunctionTags(ctx context.Context, fn func(awsapi.TagPage) error) error {
	return fn(awsapi.TagPage{Tags: w.tags, Last: true})
}

func (w *warmFleet) LookupFunction(ctx context.Context, name string) (model.Function, error) {
	w.mu.Lock()
	w.lookups = append(w.lookups, name)
	w.mu.Unlock()
	for _, f := range w.Fns {
		if f.Name == name {
			f.Enriched, f.TagsKnown = true, true
			return f, nil
		}
	}
	return model.Function{}, errors.New("not found")
}

type fakeEnrichment struct {
	w  *warmFleet
	ch chan awsapi.Enriched
}

func (e *fakeEnrichment) Visible(names ...string) {
	e.w.mu.Lock()
	e.w.visible = append(e.w.visible, names...)
	e.w.mu.Unlock()
	go func() {
		for _, n := range names {
			n7 := 7
			e.w.mu.Lock()
			tags := e.w.tags[n]
			e.w.mu.Unlock()
			e.ch <- awsapi.Enriched{Name: n, Function: model.Function{Name: n, Enriched: true, TagsKnown: true, Reserved: &n7, Tags: tags}}
		}
	}()
}
func (e *fakeEnrichment) Queue(names ...string)           {}
func (e *fakeEnrichment) Results() <-chan awsapi.Enriched { return e.ch }

func (w *warmFleet) StartEnrichment(ctx context.Context, workers int) awsapi.Enrichment {
	return &fakeEnrichment{w: w, ch: make(chan awsapi.Enriched, 64)}
}

var (
	_ awsapi.Validator = (*warmFleet)(nil)
	_ awsapi.Columns   = (*warmFleet)(nil)
)

func newWarmPane(t *testing.T, n int) (*Model, *warmFleet) {
	w := &warmFleet{Session: fake.New("us-east-1", n)}
	for i := range w.Fns {
		w.Fns[i].Tags, w.Fns[i].Reserved = nil, nil // the listing brings neither
	}
	deps := common.FromSession(w, nil)
	deps.Fleet = w
	deps.Now = func() time.Time { return now }
	m := New(deps, styles.NewPlain(), keymap.Default())
	m.SetSize(200, 20)
	return m, w
}

func TestPreloadIsInTheFirstFrame(t *testing.T) {
	m, w := newWarmPane(t, 5)
	snap := fake.Functions(300, "us-east-1")
	m.Preload(snap, now.Add(-time.Hour))
	v := ansi.Strip(m.View()) // before Init: nothing asked yet
	if !strings.Contains(v, "functions 300/300") || !strings.Contains(v, "STALE cached 1h old") || !strings.Contains(v, m.t.At(0).fn.Name) {
		t.Fatalf("first frame:\n%s", v)
	}
	if w.Calls("") != 0 {
		t.Fatalf("the first frame cost calls: %s", w.CallLog())
	}
	if cmd := m.Init(); cmd == nil {
		t.Fatal("no listing started")
	}
	if w.Calls("Snapshot") != 0 {
		t.Fatal("Init read the snapshot again")
	}
}

// A large snapshot (filled in two halves at once) keeps every function
// once, in name order, and the first of a name written twice.
func TestPreloadLargeSnapshot(t *testing.T) {
	m, _ := newWarmPane(t, 5)
	snap := fake.Functions(6000, "us-east-1")
	sortByName(snap)
	dup := snap[10]
	dup.MemoryMB = 12345
	snap = append(snap, dup)
	m.Preload(snap, now.Add(-time.Hour))
	if shown, total := m.Count(); shown != 6000 || total != 6000 {
		t.Fatalf("count %d/%d, want 6000/6000", shown, total)
	}
	for i := 1; i < 6000; i++ {
		if m.t.At(i-1).fn.Name >= m.t.At(i).fn.Name {
			t.Fatalf("row %d out of order: %s, %s", i, m.t.At(i-1).fn.Name, m.t.At(i).fn.Name)
		}
	}
	if r := m.rows[dup.Name]; r.fn.MemoryMB == 12345 || r.lower != strings.ToLower(dup.Name) || r.cols != &m.colst {
		t.Fatalf("duplicate or row state wrong: %+v", r.fn.MemoryMB)
	}
}

func TestLivePagesMergeIntoTheCachedView(t *testing.T) {
	m, w := newWarmPane(t, 6)
	snap := append([]model.Function(nil), w.Fns...)
	gone := snap[0]
	gone.Name = "deleted-since"
	snap = append(snap, gone)
	for i := range snap {
		snap[i].MemoryMB = 64 // the cache is out of date
	}
	m.Preload(snap, now.Add(-time.Minute))
	w.PageSize = 2
	w.Block = make(chan struct{})
	// Apply the first page only: the cache stays, the listed rows update in place.
	listing := m.startList()
	first := listing().(listMsg)
	m.Update(first)
	if _, tot := m.Count(); tot != 7 {
		t.Fatalf("page 1 replaced the cache: %d rows", tot)
	}
	for _, f := range first.pages[0].Functions {
		if got := m.rows[f.Name].fn.MemoryMB; got != f.MemoryMB {
			t.Fatalf("%s not updated in place: %d", f.Name, got)
		}
	}
	close(w.Block)
	drive(t, m, waitList(first.ch, first.gen))
	if _, tot := m.Count(); tot != 6 || m.stale {
		t.Fatalf("after the complete listing: %d rows, stale %v", tot, m.stale)
	}
	if _, ok := m.rows["deleted-since"]; ok {
		t.Fatal("a function gone since the cache survived a complete listing")
	}
}

func TestAccountChangedDropsTheCache(t *testing.T) {
	m, w := newWarmPane(t, 4)
	w.verr = &awsapi.AccountChangedError{Cached: "111111111111", Now: "222222222222"}
	snap := fake.Functions(50, "us-east-1")
	snap[0].Name = "other-account-only"
	m.Preload(snap, now)
	seen := drive(t, m, m.validate())
	if _, ok := m.rows["other-account-only"]; ok {
		t.Fatal("another account's cached rows stayed on screen")
	}
	status := ""
	for _, msg := range seen {
		if s, ok := msg.(common.StatusMsg); ok {
			status += s.Text
		}
	}
	_ = status
	if _, tot := m.Count(); tot != 4 {
		t.Fatalf("the new account's listing: %d rows", tot)
	}
}

func TestEndpointDownKeepsTheStaleFleet(t *testing.T) {
	m, w := newWarmPane(t, 4)
	w.verr = &awsapi.NetworkError{Endpoint: "http://127.0.0.1:9", Reason: "connection refused"}
	w.Err = w.verr
	m.Preload(fake.Functions(40, "us-east-1"), now.Add(-2*time.Hour))
	drive(t, m, m.Init())
	v := ansi.Strip(m.View())
	if _, tot := m.Count(); tot != 40 || !m.stale {
		t.Fatalf("the stale fleet went: %d rows", tot)
	}
	for _, want := range []string{"cannot reach http://127.0.0.1:9: connection refused", "r retries", ":profile", "STALE cached 2h old"} {
		if !strings.Contains(v, want) {
			t.Fatalf("title lacks %q:\n%s", want, strings.SplitN(v, "\n", 2)[0])
		}
	}
	// r retries: the check and the listing run again.
	w.verr, w.Err = nil, nil
	drive(t, m, m.Update(common.RefreshMsg{}))
	if m.verr != nil || m.stale {
		t.Fatalf("retry: verr %v stale %v", m.verr, m.stale)
	}
}

func TestReservedAndTagsFillIn(t *testing.T) {
	m, w := newWarmPane(t, 30)
	w.tags = map[string]map[string]string{w.Fns[0].Name: {"team": "payments"}, w.Fns[1].Name: {"team": "search"}}
	cmd := m.Init()
	// Before any answer: loading cells say so.
	drive(t, m, m.startList())
	r := m.rows[w.Fns[2].Name]
	if c := rsvCell(r); c != "…" {
		t.Fatalf("RSV while loading: %q", c)
	}
	drive(t, m, cmd)
	if c := tagsCell(m.rows[w.Fns[0].Name]); c != "team=payments" {
		t.Fatalf("tags: %q", c)
	}
	if c := tagsCell(m.rows[w.Fns[5].Name]); c != "—" {
		t.Fatalf("a function in no tags page has none: %q", c)
	}
	m.SetFilter("tag:team=payments")
	if sh, _ := m.Count(); sh != 1 {
		t.Fatalf("tag filter over the swept tags: %d", sh)
	}
	m.SetFilter("")
	// the rows on screen went to the enricher first
	w.mu.Lock()
	vis := append([]string(nil), w.visible...)
	w.mu.Unlock()
	if len(vis) == 0 || vis[0] != m.t.At(0).fn.Name {
		t.Fatalf("visible rows not enriched first: %v", vis)
	}
	if c := rsvCell(m.rows[vis[0]]); c != "7" {
		t.Fatalf("RSV after GetFunction: %q", c)
	}
}

func TestFilterLooksUpAnUnlistedName(t *testing.T) {
	m, w := newWarmPane(t, 200)
	w.PageSize = 50
	w.Block = make(chan struct{})
	listing := m.startList()
	first := listing().(listMsg)
	m.Update(first) // 50 of 200 listed
	target := w.Fns[199].Name
	if _, ok := m.rows[target]; ok {
		t.Fatal("test set-up: the name is already listed")
	}
	m.Update(kp("/"))
	var cmds []tea.Cmd
	for _, r := range target {
		cmds = append(cmds, m.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
	// only the last keystroke's debounce survives; run it and the lookup
	tick := cmds[len(cmds)-1]
	var msg tea.Msg = tick()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c == nil {
				continue
			}
			if x, ok := c().(lookupTickMsg); ok {
				msg = x
			}
		}
	}
	look := m.Update(msg)
	if look == nil {
		t.Fatal("no lookup")
	}
	m.Update(look())
	if sh, _ := m.Count(); sh != 1 || m.t.At(0).fn.Name != target {
		t.Fatalf("the typed name was not found ahead of the listing: %d shown", sh)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.lookups) != 1 || w.lookups[0] != target {
		t.Fatalf("lookups %v: want one GetFunction for the full name", w.lookups)
	}
	close(w.Block)
}

// BenchmarkPreload10k: a snapshot of 10,000 functions into the pane and
// the first frame (go test ./ui/functions -run '^$' -bench Preload).
func BenchmarkPreload10k(b *testing.B) {
	fns := fake.Functions(10_000, "us-east-1")
	sortByName(fns)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := fake.New("us-east-1", 0)
		m := New(common.FromSession(s, nil), styles.NewPlain(), keymap.Default())
		m.SetSize(160, 43)
		m.Preload(fns, now)
		_ = m.View()
	}
}

func sortByName(fns []model.Function) {
	sort.Slice(fns, func(i, j int) bool { return fns[i].Name < fns[j].Name })
}
