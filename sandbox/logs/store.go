package logs

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// Options tunes a Store. The zero value gives AWS-like defaults.
type Options struct {
	Region  string // default "us-east-1"; used in ARNs
	Account string // default "123456789012"; used in ARNs

	// MaxBytesPerGroup bounds what one log group keeps; the oldest events go
	// first. Default 4 MiB. An event costs len(message) + EventOverhead.
	MaxBytesPerGroup int64
	// MaxBytes bounds the whole store. When it is exceeded the largest groups
	// are trimmed (oldest events first) until the store is back under 90% of
	// it, so quiet groups keep their history. Default 64 MiB.
	MaxBytes int64

	// SessionTimeout ends a Live Tail session with SessionTimeoutException
	// once this much time has passed on the store's clock. Default 3 h.
	SessionTimeout time.Duration
	// UpdateInterval is the real-time period of Live Tail sessionUpdate
	// frames. Default 1 s, as AWS.
	UpdateInterval time.Duration
	// MaxEventsPerUpdate caps the events of one sessionUpdate; more matching
	// events are sampled. Default 500, as AWS.
	MaxEventsPerUpdate int
	// MaxLiveTailSessions caps concurrent sessions (LimitExceededException).
	// Default 15, as AWS; negative means unlimited.
	MaxLiveTailSessions int
}

// EventOverhead is the bookkeeping cost charged per stored event on top of
// its message bytes when enforcing the size limits.
const EventOverhead = 160

func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "123456789012"
	}
	if o.MaxBytesPerGroup <= 0 {
		o.MaxBytesPerGroup = 4 << 20
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 20
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = 3 * time.Hour
	}
	if o.UpdateInterval <= 0 {
		o.UpdateInterval = time.Second
	}
	if o.MaxEventsPerUpdate <= 0 {
		o.MaxEventsPerUpdate = 500
	}
	if o.MaxLiveTailSessions == 0 {
		o.MaxLiveTailSessions = 15
	}
	return o
}

// event is one stored log event. Within a stream events are ordered by
// (ts, id); id is unique across the store and increases with ingestion.
type event struct {
	ts     int64 // epoch ms
	ingest int64 // epoch ms
	id     uint64
	msg    string
}

func (e *event) cost() int64 { return int64(len(e.msg)) + EventOverhead }

// before reports whether e sorts before the key (ts, id).
func (e *event) before(ts int64, id uint64) bool {
	return e.ts < ts || (e.ts == ts && e.id < id)
}

type stream struct {
	name       string
	created    int64
	events     []event // events[head:] are live
	head       int
	lastIngest int64
	lastTs     int64 // newest event timestamp ever stored (survives eviction)
	hasEvents  bool  // at least one event was ever stored
	bytes      int64
}

func (st *stream) live() []event { return st.events[st.head:] }

// insert adds e keeping (ts, id) order; appends are the fast path.
func (st *stream) insert(e event) {
	live := st.live()
	if n := len(live); n == 0 || !e.before(live[n-1].ts, live[n-1].id) {
		st.events = append(st.events, e)
	} else {
		i := sort.Search(n, func(i int) bool { return !live[i].before(e.ts, e.id) })
		st.events = append(st.events, event{})
		copy(st.events[st.head+i+1:], st.events[st.head+i:])
		st.events[st.head+i] = e
	}
	st.bytes += e.cost()
	if !st.hasEvents || e.ts > st.lastTs {
		st.lastTs = e.ts
	}
	st.hasEvents = true
	if e.ingest > st.lastIngest {
		st.lastIngest = e.ingest
	}
}

// evictOldest drops the stream's oldest event and returns its cost.
func (st *stream) evictOldest() int64 {
	if st.head >= len(st.events) {
		return 0
	}
	c := st.events[st.head].cost()
	st.events, st.head = popFront(st.events, st.head, 256)
	st.bytes -= c
	return c
}

type group struct {
	name          string
	created       int64
	retentionDays int
	streams       map[string]*stream
	bytes         int64
	// fifo holds one token per stored event, in ingestion order; evicting
	// a token drops the oldest event of the stream it names.
	fifo     []*stream
	fifoHead int
}

func (g *group) pushToken(st *stream) { g.fifo = append(g.fifo, st) }

// evictOne drops the group's oldest event and returns its cost.
func (g *group) evictOne() int64 {
	if g.fifoHead >= len(g.fifo) {
		return 0
	}
	st := g.fifo[g.fifoHead]
	g.fifo, g.fifoHead = popFront(g.fifo, g.fifoHead, 1024)
	c := st.evictOldest()
	g.bytes -= c
	if len(st.live()) == 0 {
		// A stream emptied by retention goes away, so memory stays bounded
		// however many execution environments come and go.
		if cur := g.streams[st.name]; cur == st {
			delete(g.streams, st.name)
		}
	}
	return c
}

// dropStreamTokens removes a deleted stream's tokens.
func (g *group) dropStreamTokens(st *stream) {
	out := g.fifo[:0]
	for _, t := range g.fifo[g.fifoHead:] {
		if t != st {
			out = append(out, t)
		}
	}
	clear(g.fifo[len(out):])
	g.fifo = out
	g.fifoHead = 0
}

// Store is the in-memory CloudWatch Logs world. It is safe for concurrent
// use and implements record.Sink (only Logs does anything).
type Store struct {
	record.Nop

	clk  clock.Clock
	opts Options

	mu     sync.RWMutex
	groups map[string]*group
	names  []string // sorted group names
	total  int64
	seq    uint64
	subs   map[string][]*subscription // by group name; copy-on-write slices

	sessions  int           // live tail sessions open
	done      chan struct{} // closed by Close: ends live tail sessions
	closeOnce sync.Once
}

// Close ends every open Live Tail session (their streams end cleanly) so
// an http.Server can shut down; the store stays usable otherwise.
func (s *Store) Close() {
	s.closeOnce.Do(func() { close(s.done) })
}

var _ record.Sink = (*Store)(nil)

// NewStore returns an empty store reading time from clk (nil = real clock).
func NewStore(clk clock.Clock, o Options) *Store {
	if clk == nil {
		clk = clock.Real{}
	}
	return &Store{
		clk:    clk,
		opts:   o.withDefaults(),
		groups: map[string]*group{},
		subs:   map[string][]*subscription{},
		done:   make(chan struct{}),
	}
}

// Options returns the store's effective options (defaults filled in).
func (s *Store) Options() Options { return s.opts }

func ms(t time.Time) int64 { return t.UnixMilli() }

// CreateGroup creates the log group if it does not exist yet.
func (s *Store) CreateGroup(name string) {
	s.mu.Lock()
	s.groupLocked(name)
	s.mu.Unlock()
}

// groupLocked returns the named group, creating it. Caller holds s.mu.
func (s *Store) groupLocked(name string) *group {
	g := s.groups[name]
	if g == nil {
		g = &group{name: name, created: ms(s.clk.Now()), streams: map[string]*stream{}}
		s.groups[name] = g
		i := sort.SearchStrings(s.names, name)
		s.names = append(s.names, "")
		copy(s.names[i+1:], s.names[i:])
		s.names[i] = name
	}
	return g
}

func (s *Store) deleteGroupLocked(name string) {
	g := s.groups[name]
	if g == nil {
		return
	}
	s.total -= g.bytes
	delete(s.groups, name)
	i := sort.SearchStrings(s.names, name)
	if i < len(s.names) && s.names[i] == name {
		s.names = append(s.names[:i], s.names[i+1:]...)
	}
}

// Logs appends lines to group/stream, creating both as needed (as Lambda
// does). It implements record.Sink.
func (s *Store) Logs(groupName, streamName string, lines []record.LogLine) {
	if len(lines) == 0 || groupName == "" || streamName == "" {
		return
	}
	ingest := ms(s.clk.Now())
	var delivered []event
	s.mu.Lock()
	g := s.groupLocked(groupName)
	st := g.streams[streamName]
	if st == nil {
		st = &stream{name: streamName, created: ingest}
		g.streams[streamName] = st
	}
	subs := s.subs[groupName]
	if len(subs) > 0 {
		delivered = make([]event, 0, len(lines))
	}
	for _, l := range lines {
		s.seq++
		e := event{ts: ms(l.Time), ingest: ingest, id: s.seq, msg: l.Message}
		st.insert(e)
		g.pushToken(st)
		c := e.cost()
		g.bytes += c
		s.total += c
		if delivered != nil {
			delivered = append(delivered, e)
		}
	}
	for g.bytes > s.opts.MaxBytesPerGroup {
		c := g.evictOne()
		if c == 0 {
			break
		}
		s.total -= c
	}
	if s.total > s.opts.MaxBytes {
		s.trimLocked()
	}
	s.mu.Unlock()
	for _, sub := range subs {
		sub.offer(groupName, streamName, delivered)
	}
}

// trimLocked brings the store under 90% of MaxBytes by capping every group
// at a common size (water-filling), evicting oldest events first.
func (s *Store) trimLocked() {
	target := s.opts.MaxBytes / 10 * 9
	sizes := make([]int64, 0, len(s.groups))
	for _, g := range s.groups {
		sizes = append(sizes, g.bytes)
	}
	sort.Slice(sizes, func(i, j int) bool { return sizes[i] > sizes[j] })
	// Find cap c so that sum(min(size, c)) <= target.
	var rest int64 // sum of sizes[i:]
	for _, z := range sizes {
		rest += z
	}
	capBytes := int64(0)
	for i := range sizes {
		// Groups 0..i-1 are capped; try capping group i too at c such that
		// i+1 groups at c plus the rest below fit.
		rest -= sizes[i]
		c := (target - rest) / int64(i+1)
		if c >= 0 && (i+1 == len(sizes) || c >= sizes[i+1]) {
			capBytes = min(c, sizes[i])
			break
		}
	}
	for _, g := range s.groups {
		for g.bytes > capBytes {
			c := g.evictOne()
			if c == 0 {
				break
			}
			s.total -= c
		}
	}
}

// resolveGroup maps a log group name or ARN to a name.
func (s *Store) resolveGroup(id string) string {
	if strings.HasPrefix(id, "arn:") {
		// arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
		parts := strings.SplitN(id, ":", 7)
		if len(parts) == 7 && parts[2] == "logs" && strings.HasPrefix(parts[5], "log-group") {
			name := parts[6]
			name = strings.TrimSuffix(name, ":*")
			return name
		}
		if len(parts) == 6 && strings.HasPrefix(parts[5], "log-group/") {
			return strings.TrimPrefix(parts[5], "log-group/")
		}
	}
	return id
}

func (s *Store) groupARN(name string) string {
	return "arn:aws:logs:" + s.opts.Region + ":" + s.opts.Account + ":log-group:" + name
}

// Bytes reports the store's accounted size and the number of stored events.
func (s *Store) Bytes() (bytes int64, events int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, g := range s.groups {
		events += len(g.fifo) - g.fifoHead
	}
	return s.total, events
}

// GroupBytes reports the accounted size of one group (0 if absent).
func (s *Store) GroupBytes(name string) int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if g := s.groups[name]; g != nil {
		return g.bytes
	}
	return 0
}

func msTime(v int64) time.Time { return time.UnixMilli(v) }

// popFront drops q[head] (zeroed, so nothing it points to is kept) from a
// queue whose live part is q[head:], and returns the queue and its new
// head: emptied when nothing is left, compacted to the front once at
// least minCompact elements and half of the slice are consumed.
func popFront[T any](q []T, head, minCompact int) ([]T, int) {
	var zero T
	q[head] = zero
	head++
	if head == len(q) {
		return q[:0], 0
	}
	if head >= minCompact && head*2 >= len(q) {
		n := copy(q, q[head:])
		clear(q[n:])
		return q[:n], 0
	}
	return q, head
}
