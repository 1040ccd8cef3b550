package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var t0 = time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	// Timed messages (heartbeat, midnight rollover) are delivered by hand.
	tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	os.Exit(m.Run())
}

// tailFake wraps the shared counting fake with a controllable Tail: each
// call records its request and gets a buffered channel the test feeds.
type tailFake struct {
	*fake.Session
	mu     sync.Mutex
	reqs   []aws.TailRequest
	chans  []chan aws.TailBatch
	done   []bool
	ctxs   []<-chan struct{}
	queued []aws.TailBatch // delivered to the next Tail at once
}

func newTailFake() *tailFake { return &tailFake{Session: fake.New("us-east-1", 3)} }

func (f *tailFake) Tail(ctx context.Context, req aws.TailRequest) <-chan aws.TailBatch {
	f.Session.Tail(context.Background(), req) // count it (its own channel is never read)
	ch := make(chan aws.TailBatch, 64)
	f.mu.Lock()
	i := len(f.chans)
	f.reqs = append(f.reqs, req)
	f.chans = append(f.chans, ch)
	f.done = append(f.done, false)
	f.ctxs = append(f.ctxs, ctx.Done())
	for _, b := range f.queued {
		ch <- b
	}
	f.queued = nil
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		f.mu.Lock()
		f.done[i] = true
		close(ch)
		f.mu.Unlock()
	}()
	return ch
}

func (f *tailFake) send(i int, b aws.TailBatch) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.done[i] {
		f.chans[i] <- b
	}
}

// cancelled reports whether tail i's context was cancelled.
func (f *tailFake) cancelled(i int) bool {
	f.mu.Lock()
	d := f.ctxs[i]
	f.mu.Unlock()
	select {
	case <-d:
		return true
	default:
		return false
	}
}

func (f *tailFake) tails() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func (f *tailFake) req(i int) aws.TailRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[i]
}

// run executes cmd and every command of a batch, returning their messages.
// A command that blocks (a tail with nothing queued) fails the test.
func run(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("command blocked")
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, run(t, c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// deliver feeds msgs to m and runs what comes back, until quiet or a
// command would block on an empty tail.
func deliver(t *testing.T, f *tailFake, m *Model, msgs []tea.Msg) []tea.Msg {
	t.Helper()
	var other []tea.Msg
	for len(msgs) > 0 {
		msg := msgs[0]
		msgs = msgs[1:]
		if _, ok := msg.(batchMsg); !ok {
			other = append(other, msg)
			continue
		}
		before := f.Calls("")
		cmd := m.Update(msg)
		if f.Calls("") != before {
			t.Fatalf("Update called AWS: %s", f.CallLog())
		}
		if cmd == nil {
			continue
		}
		// The re-armed reader blocks on an empty channel: only run it when
		// something is queued.
		if bm := msg.(batchMsg); !bm.closed && len(bm.ch) == 0 {
			continue
		}
		msgs = append(msgs, run(t, cmd)...)
	}
	return other
}

func ev(stream, msg string, i int) model.LogEvent {
	return model.LogEvent{Group: "/aws/lambda/orders-api", Stream: stream, Timestamp: t0.Add(time.Duration(i) * time.Millisecond),
		IngestionTime: t0.Add(time.Duration(i)*time.Millisecond + 300*time.Millisecond), Message: msg, EventID: fmt.Sprint("ev", i)}
}

const stream7 = "2026/11/26/[7]aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
const stream8 = "2026/11/26/[8]bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

// invocation is the five lines of one request.
func invocation(i int, stream string, cold, fail bool) []model.LogEvent {
	id := fmt.Sprintf("%08d-aaaa-4bbb-8ccc-dddddddddddd", i)
	init := ""
	if cold {
		init = "Init Duration: 180.20 ms\t"
	}
	lvl, text := "INFO", "processed order"
	if fail {
		lvl, text = "ERROR", "payment declined: card expired"
	}
	msgs := []string{
		"START RequestId: " + id + " Version: " + model.StreamVersion(stream),
		"2026-11-26T14:00:00.000Z\t" + id + "\t" + lvl + "\t" + text,
		`{"timestamp":"2026-11-26T14:00:00.001Z","level":"WARN","message":"slow downstream","ms":812,"requestId":"` + id + `"}`,
		"END RequestId: " + id,
		"REPORT RequestId: " + id + "\tDuration: 128.83 ms\tBilled Duration: 129 ms\tMemory Size: 512 MB\tMax Memory Used: 74 MB\t" + init,
	}
	out := make([]model.LogEvent, len(msgs))
	for j, m := range msgs {
		out[j] = ev(stream, m, i*10+j)
	}
	return out
}

func newPane(t *testing.T, f *tailFake, fns ...model.Function) *Model {
	t.Helper()
	if len(fns) == 0 {
		fns = []model.Function{{Name: "orders-api", Architecture: "x86_64", MemoryMB: 512, TimeoutSec: 10}}
	}
	deps := common.Deps{Fleet: f, Metrics: f, Logs: f, Journal: f, Now: func() time.Time { return t0.Add(time.Minute) }}
	m := NewMulti(deps, styles.New(true), keymap.Default(), fns, Options{Heartbeat: -1, SaveDir: t.TempDir()})
	m.SetSize(100, 20)
	return m
}

// start runs Init with batches queued for the first tail.
func start(t *testing.T, f *tailFake, m *Model, batches ...aws.TailBatch) {
	t.Helper()
	f.queued = batches
	before := f.Calls("")
	cmd := m.Init()
	if f.Calls("") != before {
		t.Fatal("Init called AWS itself")
	}
	if len(batches) == 0 {
		return // the reader would block: leave the tail started but unread
	}
	deliver(t, f, m, run(t, cmd))
}

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func batchOf(evs ...[]model.LogEvent) aws.TailBatch {
	b := aws.TailBatch{Mode: aws.TailLive}
	for _, e := range evs {
		b.Events = append(b.Events, e...)
	}
	return b
}

func TestTailIngestsAndFollows(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	start(t, f, m, batchOf(invocation(1, stream7, true, false)))
	if f.tails() != 1 || f.req(0).Groups[0] != "/aws/lambda/orders-api" {
		t.Fatalf("tail request %+v", f.reqs)
	}
	if m.Ring().Len() != 5 || !m.Running() {
		t.Fatalf("buffered %d running %v", m.Ring().Len(), m.Running())
	}
	// A second batch arrives through the re-armed reader.
	f.send(0, batchOf(invocation(2, stream7, false, true)))
	msgs := run(t, waitBatch(f.chans[0], m.id, m.req.Gen(kindTail)))
	deliver(t, f, m, msgs)
	if m.Ring().Len() != 10 || m.cursor != m.newest() || !m.follow {
		t.Fatalf("len %d cursor %d follow %v", m.Ring().Len(), m.cursor, m.follow)
	}
	if m.invocations != 2 || m.cold != 1 || m.errors != 1 {
		t.Fatalf("rollup inv %d cold %d err %d", m.invocations, m.cold, m.errors)
	}
	// Duplicates (same event ids, as a poll overlap would send) are dropped.
	m.Update(batchMsg{pane: m.id, gen: m.req.Gen(kindTail), ch: f.chans[0], batch: batchOf(invocation(2, stream7, false, true))})
	if m.Ring().Len() != 10 {
		t.Fatal("duplicates buffered")
	}
	if !strings.Contains(ansi.Strip(m.View()), "LIVE TAIL") {
		t.Fatal("no live badge")
	}
}

func TestStaleBatchesDropped(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	start(t, f, m, batchOf(invocation(1, stream7, false, false)))
	oldGen, oldCh := m.req.Gen(kindTail), f.chans[0]
	// Changing the filter pattern restarts the tail at the source.
	m.Update(panetest.Key("F"))
	if !m.CapturesInput() {
		t.Fatal("filter input not open")
	}
	typeText(m, "ERROR")
	before := f.Calls("")
	cmd := m.Update(panetest.Key("enter"))
	if f.Calls("") != before {
		t.Fatal("Update called AWS")
	}
	if !f.cancelled(0) {
		t.Fatal("old tail not cancelled")
	}
	f.queued = []aws.TailBatch{{Mode: aws.TailPoll}}
	deliver(t, f, m, run(t, cmd))
	if r := f.req(1); r.Filter != "ERROR" || r.Backfill != 5*time.Minute {
		t.Fatalf("restart request %+v", r)
	}
	if m.req.Gen(kindTail) == oldGen {
		t.Fatal("generation not bumped")
	}
	// A batch of the old tail that was already in flight is ignored, and
	// its reader is not re-armed.
	if cmd := m.Update(batchMsg{pane: m.id, gen: oldGen, ch: oldCh, batch: batchOf(invocation(9, stream7, false, false))}); cmd != nil {
		t.Fatal("stale batch re-armed")
	}
	if m.Ring().Len() != 0 {
		t.Fatalf("stale events buffered: %d", m.Ring().Len())
	}
	// A batch addressed to another pane instance is ignored too.
	other := newPane(t, f)
	if cmd := m.Update(batchMsg{pane: other.id, gen: m.req.Gen(kindTail), ch: oldCh, batch: batchOf(invocation(9, stream7, false, false))}); cmd != nil || m.Ring().Len() != 0 {
		t.Fatal("other pane's batch taken")
	}
	if !strings.Contains(ansi.Strip(m.View()), "POLLING") {
		t.Fatal("poll badge missing")
	}
}

func TestPauseFollowAndScroll(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	var evs [][]model.LogEvent
	for i := range 20 {
		evs = append(evs, invocation(i, stream7, false, false))
	}
	start(t, f, m, batchOf(evs...))
	newest := m.newest()
	m.Update(panetest.Key("space"))
	if m.follow || m.bottom != newest {
		t.Fatal("space did not pause")
	}
	// New lines arrive while paused: the view stays where it was.
	m.Update(batchMsg{pane: m.id, gen: m.req.Gen(kindTail), ch: f.chans[0], batch: batchOf(invocation(50, stream7, false, false))})
	if m.bottom != newest || m.cursor != newest {
		t.Fatalf("paused view moved: bottom %d cursor %d", m.bottom, m.cursor)
	}
	for range 30 {
		m.Update(panetest.Key("up"))
	}
	if m.cursor != newest-30 {
		t.Fatalf("cursor %d", m.cursor)
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "›") || !strings.Contains(view, "paused") {
		t.Fatalf("cursor row not shown:\n%s", view)
	}
	m.Update(panetest.Key("G"))
	if !m.follow || m.cursor != m.newest() {
		t.Fatal("G did not resume following")
	}
	m.Update(panetest.Key("up"))
	if m.follow {
		t.Fatal("moving up keeps following")
	}
	m.Update(panetest.Key("space"))
	if !m.follow {
		t.Fatal("space did not resume")
	}
}

func TestSearchBuffer(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	var evs [][]model.LogEvent
	for i := range 10 {
		evs = append(evs, invocation(i, stream7, false, i == 2 || i == 7))
	}
	start(t, f, m, batchOf(evs...))
	m.Update(panetest.Key("/"))
	typeText(m, "DECLINED")
	m.Update(panetest.Key("enter"))
	l := m.Ring().Seq(m.cursor)
	if m.follow || l == nil || !strings.Contains(l.Message, "declined") || !strings.HasPrefix(l.RequestID, "00000007") {
		t.Fatalf("search landed on %+v", l)
	}
	m.Update(panetest.Key("n"))
	if l := m.Ring().Seq(m.cursor); !strings.HasPrefix(l.RequestID, "00000002") {
		t.Fatalf("n went to %q", l.RequestID)
	}
	cmd := m.Update(panetest.Key("n"))
	msgs := run(t, cmd)
	if len(msgs) != 1 || !strings.Contains(msgs[0].(common.StatusMsg).Text, "no line matches") {
		t.Fatalf("no more matches: %v", msgs)
	}
	m.Update(panetest.Key("N"))
	if l := m.Ring().Seq(m.cursor); !strings.HasPrefix(l.RequestID, "00000007") {
		t.Fatalf("N went to %q", l.RequestID)
	}
	m.Update(panetest.Key("up"))
	if !strings.Contains(ansi.Strip(m.View()), "•") {
		t.Fatal("matches not marked")
	}
	if !m.Back() || m.search != "" {
		t.Fatal("esc did not clear the search")
	}
	if m.Back() {
		t.Fatal("nothing left to go back from")
	}
}

func TestRequestView(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	// Two requests interleaved, as concurrent environments write them.
	a, b := invocation(1, stream7, false, false), invocation(2, stream8, false, true)
	var mixed []model.LogEvent
	for i := range a {
		mixed = append(mixed, a[i], b[i])
	}
	start(t, f, m, batchOf(mixed))
	m.Update(panetest.Key("space"))
	m.Update(panetest.Key("up")) // the REPORT of request 1
	m.Update(panetest.Key("enter"))
	if !strings.HasPrefix(m.request, "00000001") || len(m.reqSeqs) != 5 {
		t.Fatalf("request %q lines %d", m.request, len(m.reqSeqs))
	}
	v := ansi.Strip(m.View())
	if strings.Contains(v, "00000002") || !strings.Contains(v, "request 00000001") {
		t.Fatalf("request view shows other lines:\n%s", v)
	}
	if !m.Back() || m.request != "" {
		t.Fatal("esc did not leave the request view")
	}
}

func TestPrettyJSONToggle(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	start(t, f, m, batchOf(invocation(1, stream7, false, false)))
	m.Update(panetest.Key("J"))
	v := ansi.Strip(m.View())
	if !strings.Contains(v, `"level": "WARN"`) {
		t.Fatalf("not pretty:\n%s", v)
	}
	m.Update(panetest.Key("J"))
	if strings.Contains(ansi.Strip(m.View()), `"level": "WARN"`) {
		t.Fatal("still pretty")
	}
}

func TestBackfillSteps(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	start(t, f, m, aws.TailBatch{Mode: aws.TailLive}) // nothing buffered yet
	for i, want := range []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour} {
		before := f.Calls("")
		cmd := m.Update(panetest.Key("b"))
		if f.Calls("") != before {
			t.Fatal("Update called AWS")
		}
		f.queued = []aws.TailBatch{{Mode: aws.TailLive}}
		deliver(t, f, m, run(t, cmd))
		if got := f.req(i + 1).Backfill; got != want {
			t.Fatalf("backfill %d = %v, want %v", i, got, want)
		}
		if !f.cancelled(i) {
			t.Fatal("previous tail not cancelled")
		}
	}
	// A buffer that already spans the window is not refetched.
	m.Update(batchMsg{pane: m.id, gen: m.req.Gen(kindTail), ch: f.chans[3], batch: batchOf([]model.LogEvent{
		{Timestamp: t0.Add(-10 * time.Minute), Message: "old", EventID: "old"}})})
	n := f.tails()
	msgs := run(t, m.Update(panetest.Key("b"))) // 5 min again
	if f.tails() != n || len(msgs) != 1 || !strings.Contains(msgs[0].(common.StatusMsg).Text, "already covers") {
		t.Fatalf("refetched: %v", msgs)
	}
}

func TestSplitByVersion(t *testing.T) {
	f := newTailFake()
	f.Aliases["orders-api"] = []model.Alias{
		{Function: "orders-api", Name: "dev", Version: "3"},
		{Function: "orders-api", Name: "live", Version: "7", Routing: model.Routing{AdditionalVersion: "8", Weight: 0.1}},
	}
	m := newPane(t, f)
	start(t, f, m, batchOf(invocation(1, stream7, false, false)))
	before := f.Calls("")
	cmd := m.Update(panetest.Key("v"))
	if f.Calls("") != before {
		t.Fatal("Update called AWS")
	}
	msgs := run(t, cmd) // ListAliases
	if f.Calls("ListAliases") != 1 {
		t.Fatal("aliases not listed")
	}
	f.queued = []aws.TailBatch{batchOf(invocation(2, stream7, false, false), invocation(3, stream8, true, true))}
	deliver(t, f, m, run(t, m.Update(msgs[0])))
	req := f.req(1)
	want := "2026/11/25/[7],2026/11/26/[7],2026/11/25/[8],2026/11/26/[8]"
	if strings.Join(req.StreamPrefixes, ",") != want {
		t.Fatalf("prefixes %v", req.StreamPrefixes)
	}
	m.SetSize(120, 16)
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "v7 · 90%") || !strings.Contains(v, "v8 · 10%") || !strings.Contains(v, "1 cold") {
		t.Fatalf("split view:\n%s", v)
	}
	// At midnight the prefixes are recomputed.
	m.deps.Now = func() time.Time { return time.Date(2026, 11, 27, 0, 0, 1, 0, time.UTC) }
	f.queued = []aws.TailBatch{{Mode: aws.TailLive}}
	deliver(t, f, m, run(t, m.Update(rolloverMsg{pane: m.id, gen: m.req.Gen(kindTail)})))
	if got := strings.Join(f.req(2).StreamPrefixes, ","); !strings.Contains(got, "2026/11/27/[8]") || !strings.Contains(got, "2026/11/26/[7]") {
		t.Fatalf("after rollover %s", got)
	}
	// v again turns the split off.
	f.queued = []aws.TailBatch{{Mode: aws.TailLive}}
	cmd = m.Update(panetest.Key("v"))
	for _, msg := range run(t, cmd) {
		deliver(t, f, m, []tea.Msg{msg})
	}
	if len(m.split) != 0 || len(f.req(3).StreamPrefixes) != 0 {
		t.Fatal("split not turned off")
	}
}

func TestSplitNeedsWeightedAlias(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	start(t, f, m)
	msgs := run(t, m.Update(panetest.Key("v")))
	msgs = run(t, m.Update(msgs[0]))
	if len(msgs) != 1 || !strings.Contains(msgs[0].(common.StatusMsg).Text, "no weighted alias") {
		t.Fatalf("%v", msgs)
	}
}

func TestSaveBuffer(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	start(t, f, m, batchOf(invocation(1, stream7, false, false)))
	msgs := run(t, m.Update(panetest.Key("s")))
	st := msgs[0].(common.StatusMsg)
	if st.Err || !strings.Contains(st.Text, "saved 5 lines") {
		t.Fatalf("%+v", st)
	}
	path := st.Text[strings.LastIndex(st.Text, " ")+1:]
	data, err := os.ReadFile(path)
	if err != nil || bytes.Count(data, []byte("\n")) != 5 || filepath.Dir(path) != m.opts.SaveDir {
		t.Fatalf("%v %q", err, data)
	}
}

func TestVisibilityStopsAndResumes(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	m.opts.Heartbeat = time.Hour // heartbeat messages are delivered by hand
	start(t, f, m, batchOf(invocation(1, stream7, false, false)))
	// A beat with no View since the last one: the pane is off screen.
	m.Update(heartbeatMsg{pane: m.id, beat: m.beat})
	if m.Running() || !f.cancelled(0) {
		t.Fatal("hidden pane still tails")
	}
	if !strings.Contains(ansi.Strip(m.View()), "STOPPED (hidden)") {
		t.Fatal("no hidden badge")
	}
	// Viewed again: the next beat restarts it, backfilling the gap.
	m.deps.Now = func() time.Time { return t0.Add(4 * time.Minute) }
	cmd := m.Update(heartbeatMsg{pane: m.id, beat: m.beat})
	if f.tails() != 1 {
		t.Fatal("Update called Tail")
	}
	f.queued = []aws.TailBatch{{Mode: aws.TailLive}}
	deliver(t, f, m, run(t, cmd))
	if f.tails() != 2 || f.req(1).Backfill != 3*time.Minute || !m.Running() {
		t.Fatalf("resume: tails %d backfill %v", f.tails(), f.req(1).Backfill)
	}
	// Old heartbeats are ignored.
	if m.Update(heartbeatMsg{pane: m.id, beat: m.beat - 1}) != nil {
		t.Fatal("stale beat acted on")
	}
	m.Close()
	if m.Running() || !f.cancelled(1) {
		t.Fatal("Close did not stop the tail")
	}
	if m.SetVisible(true) != nil {
		t.Fatal("closed pane restarted")
	}
}

func TestTailErrorsAndEnd(t *testing.T) {
	f := newTailFake()
	m := newPane(t, f)
	start(t, f, m, aws.TailBatch{Mode: aws.TailLive, Err: errors.New("ThrottlingException: slow down"), Sampled: true, Dropped: 12, Lag: 3 * time.Second})
	v := ansi.Strip(m.View())
	for _, want := range []string{"SAMPLED", "DROPPED 12", "LAG 3.0s", "ThrottlingException"} {
		if !strings.Contains(v, want) {
			t.Fatalf("missing %q in\n%s", want, v)
		}
	}
	m.Update(batchMsg{pane: m.id, gen: m.req.Gen(kindTail), closed: true})
	if m.Running() || !strings.Contains(ansi.Strip(m.View()), "STOPPED") {
		t.Fatal("end of tail not shown")
	}
	// r restarts it.
	f.queued = []aws.TailBatch{{Mode: aws.TailLive}}
	deliver(t, f, m, run(t, m.Update(common.RefreshMsg{})))
	if !m.Running() || f.tails() != 2 {
		t.Fatal("refresh did not restart")
	}
}

func TestMultiFunctionScreen(t *testing.T) {
	f := newTailFake()
	deps := common.Deps{Fleet: f, Metrics: f, Logs: f, Journal: f}
	p, err := Screen(deps, styles.New(true), keymap.Default(), common.ScreenContext{Args: []string{"orders-api", "payments-webhook"}})
	if err != nil {
		t.Fatal(err)
	}
	m := p.(*Model)
	m.opts.Heartbeat = -1
	m.SetSize(110, 12)
	f.queued = []aws.TailBatch{batchOf(invocation(1, stream7, false, false), []model.LogEvent{
		{Group: "/aws/lambda/payments-webhook", Stream: stream7, Timestamp: t0.Add(time.Second), Message: "webhook received", EventID: "p1"}})}
	deliver(t, f, m, run(t, m.Init()))
	if got := f.req(0).Groups; len(got) != 2 || got[1] != "/aws/lambda/payments-webhook" {
		t.Fatalf("groups %v", got)
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "payments-webhook") || !strings.Contains(v, "orders-api") {
		t.Fatalf("sources not labelled:\n%s", v)
	}
	if m.Ring().At(5).Source != 1 {
		t.Fatal("source index")
	}
	if _, err := Screen(deps, nil, keymap.Default(), common.ScreenContext{}); err == nil {
		t.Fatal("no functions accepted")
	}
	if msgs := run(t, m.Update(panetest.Key("v"))); len(msgs) != 1 || !strings.Contains(msgs[0].(common.StatusMsg).Text, "single function") {
		t.Fatal("split allowed on a multi-function tail")
	}
}

func TestGoldenViews(t *testing.T) {
	f := newTailFake()
	build := func(w, h int) *Model {
		m := newPane(t, f)
		m.SetSize(w, h)
		var evs [][]model.LogEvent
		for i := range 6 {
			evs = append(evs, invocation(i, stream7, i == 0, i == 3))
		}
		start(t, f, m, batchOf(evs...))
		return m
	}
	t.Run("80x24", func(t *testing.T) { golden.RequireEqual(t, panetest.ASCII(build(80, 24).View())) })
	t.Run("120x30", func(t *testing.T) { golden.RequireEqual(t, panetest.ASCII(build(120, 30).View())) })
	t.Run("paused-json-80x24", func(t *testing.T) {
		m := build(80, 24)
		m.Update(panetest.Key("space"))
		m.Update(panetest.Key("up"))
		m.Update(panetest.Key("J"))
		golden.RequireEqual(t, panetest.ASCII(m.View()))
	})
	t.Run("search-input-80x24", func(t *testing.T) {
		m := build(80, 24)
		m.Update(panetest.Key("/"))
		typeText(m, "declined")
		golden.RequireEqual(t, panetest.ASCII(m.View()))
	})
}

// :logs a b: the header's roll-up is per function (each its own memory
// size and use), not one "mem 88/256MB" for both.
func TestMultiTailRollupPerFunction(t *testing.T) {
	f := newTailFake()
	a := model.Function{Name: "orders-api", Architecture: "x86_64", MemoryMB: 256}
	b := model.Function{Name: "image-resizer", Architecture: "arm64", MemoryMB: 1024}
	m := newPane(t, f, a, b)
	m.SetSize(160, 20)
	report := func(group, id string, size, used int) model.LogEvent {
		return model.LogEvent{Group: group, Stream: stream7, Timestamp: t0, IngestionTime: t0, EventID: group + id,
			Message: fmt.Sprintf("REPORT RequestId: %s\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t", id, size, used)}
	}
	m.ingest([]model.LogEvent{
		report(a.LogGroupName(), "r1", 256, 88),
		report(b.LogGroupName(), "r2", 1024, 300),
		report(b.LogGroupName(), "r3", 1024, 310),
	})
	h := ansi.Strip(m.View())
	for _, want := range []string{"orders-api 1 inv", "mem 88/256MB", "image-resizer 2 inv", "mem 310/1024MB"} {
		if !strings.Contains(h, want) {
			t.Fatalf("header lacks %q:\n%s", want, strings.SplitN(h, "\n", 2)[0])
		}
	}
}
