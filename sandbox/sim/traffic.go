package sim

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// SliceDuration is the traffic engine's time step.
const SliceDuration = 100 * time.Millisecond

const (
	slice          = int64(SliceDuration)
	backfillBudget = 80_000 // invocations simulated by Backfill, about
	streamMaxAge   = int64(24 * time.Hour)
	sqsMaxBacklog  = 2_000_000
	maxSQSBatches  = 200 // concurrent SQS batches per slice per mapping
	maxCatchUp     = 5 * time.Minute
)

// Traffic drives the fleet: direct invocations and event source mappings.
type Traffic struct {
	e    *Engine
	w    World
	clk  clock.Clock
	rate float64
	seed int64

	mu        sync.Mutex
	started   bool
	next      int64 // start of the next slice to simulate (unix nanos)
	curMinute int64
	targets   []Target
	cum       []float64
	total     float64
	mappings  []Mapping
	mapsAt    int64
	mstate    map[string]*mapState
	picks     []pick
	pcg       rand.PCG
	rng       *rand.Rand

	// Backfill: mapping polls stand for weight polls; a target whose rate
	// is above bfR0 is thinned to about bfR0 with weights kOf.
	invoked int64 // world invokes made (all time)

	weight int
	bfR0   float64
	kOf    []int32
}

type pick struct {
	off   int64
	idx   int32
	k     int32
	async bool
}

// chunk is records that arrived in a stream shard or queue at one time.
type chunk struct {
	at int64
	n  int
}

type shardState struct {
	fifo      []chunk
	head      int
	count     int
	busyUntil int64
	nextPoll  int64
	retries   int
}

func (s *shardState) push(at int64, n int) {
	if n <= 0 {
		return
	}
	if s.head > 0 && s.head*2 >= len(s.fifo) {
		m := copy(s.fifo, s.fifo[s.head:])
		s.fifo = s.fifo[:m]
		s.head = 0
	}
	s.fifo = append(s.fifo, chunk{at, n})
	s.count += n
}

// take removes up to n records that arrived by t; it returns how many and
// the arrival time of the newest one taken.
func (s *shardState) peek(n int, t int64) (got int, newest int64) {
	for i := s.head; i < len(s.fifo) && got < n; i++ {
		c := s.fifo[i]
		if c.at > t {
			break
		}
		got += min(c.n, n-got)
		newest = c.at
	}
	return got, newest
}

func (s *shardState) remove(n int) {
	s.count -= n
	for n > 0 && s.head < len(s.fifo) {
		c := &s.fifo[s.head]
		if c.n <= n {
			n -= c.n
			s.head++
			continue
		}
		c.n -= n
		n = 0
	}
}

// expire drops records older than the stream retention.
func (s *shardState) expire(before int64) {
	for s.head < len(s.fifo) && s.fifo[s.head].at < before {
		s.count -= s.fifo[s.head].n
		s.head++
	}
}

type mapState struct {
	shards  []shardState
	carry   float64 // fractional arrivals
	seenAt  int64
	dims    map[string]string
	resDims map[string]string
}

func newTraffic(e *Engine, w World, clk clock.Clock, rate float64, seed int64) *Traffic {
	if rate <= 0 {
		rate = 1
	}
	if clk == nil {
		clk = clock.Real{}
	}
	t := &Traffic{e: e, w: w, clk: clk, rate: rate, seed: seed, mstate: map[string]*mapState{}, curMinute: math.MinInt64, weight: 1}
	t.rng = rand.New(&t.pcg)
	return t
}

// DailyShape is the load factor (0..1] at t: peak mid-afternoon UTC,
// trough in the small hours.
func DailyShape(t time.Time) float64 {
	t = t.UTC()
	h := float64(t.Hour()) + float64(t.Minute())/60 + float64(t.Second())/3600
	return 0.4 + 0.6*(0.5-0.5*math.Cos(2*math.Pi*(h-3)/24))
}

// burst is the function's burst multiplier during a minute (1 = none).
func (t *Traffic) burst(fnHash uint64, minute int64) float64 {
	for back := int64(0); back < 3; back++ {
		h := mix(fnHash ^ uint64(minute-back)*0x9e3779b97f4a7c15)
		if h%1000 < 4 { // a burst starts in ~0.4% of minutes
			length := int64(1 + (h>>20)%3)
			if back < length {
				return 2 + float64((h>>32)%3)
			}
		}
	}
	return 1
}

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func (t *Traffic) step(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := now.UnixNano()
	if !t.started {
		t.started = true
		t.next = floorTo(n, slice)
	}
	for t.next+slice <= n {
		t.runSlice(t.next)
		t.next += slice
	}
}

func floorTo(x, m int64) int64 {
	r := x % m
	if r < 0 {
		r += m
	}
	return x - r
}

func (t *Traffic) refreshTargets(minute int64) {
	t.targets = t.w.Targets(t.targets[:0])
	t.cum = t.cum[:0]
	t.kOf = t.kOf[:0]
	var total float64
	for i := range t.targets {
		b := t.targets[i].Behaviour
		r := 0.0
		if b != nil && b.Rate > 0 {
			r = b.Rate * t.burst(hashString(t.seed, t.targets[i].Function), minute)
		}
		k := 1.0
		if t.bfR0 > 0 && r > t.bfR0 {
			k = math.Round(r / t.bfR0)
			r /= k
		}
		t.kOf = append(t.kOf, int32(k))
		total += r
		t.cum = append(t.cum, total)
	}
	t.total = total
	t.curMinute = minute
}

func (t *Traffic) runSlice(s int64) {
	minute := floorTo(s, int64(time.Minute)) / int64(time.Minute)
	if minute != t.curMinute {
		t.refreshTargets(minute)
	}
	idx := uint64(s / slice)
	t.pcg.Seed(uint64(t.seed)^0x243f6a8885a308d3, mix(idx^uint64(t.seed)))
	rng := t.rng
	at := time.Unix(0, s).UTC()
	shape := DailyShape(at)

	// Direct traffic.
	if t.total > 0 {
		lambda := t.total * shape * t.rate * SliceDuration.Seconds()
		n := poisson(rng, lambda)
		t.picks = t.picks[:0]
		for i := 0; i < n; i++ {
			x := rng.Float64() * t.total
			j := sort.SearchFloat64s(t.cum, x)
			if j >= len(t.targets) {
				j = len(t.targets) - 1
			}
			async := false
			if b := t.targets[j].Behaviour; b != nil && b.AsyncShare > 0 {
				async = rng.Float64() < b.AsyncShare
			}
			t.picks = append(t.picks, pick{off: rng.Int64N(slice), idx: int32(j), k: t.kOf[j], async: async})
		}
		slices.SortFunc(t.picks, func(a, b pick) int {
			if a.off != b.off {
				if a.off < b.off {
					return -1
				}
				return 1
			}
			return int(a.idx - b.idx)
		})
		for _, p := range t.picks {
			tg := &t.targets[p.idx]
			if p.k > 1 {
				t.e.bfWeight.Store(int64(p.k))
			}
			t.invoked++
			t.w.Invoke(tg.Function, tg.Qualifier, time.Unix(0, s+p.off).UTC(), p.async, directPayload)
			if p.k > 1 {
				t.e.bfWeight.Store(0)
			}
		}
	}

	// Event source mappings.
	if t.mapsAt == 0 || s-t.mapsAt >= int64(time.Second) {
		t.mappings = t.w.Mappings(t.mappings[:0])
		t.mapsAt = s
		for _, m := range t.mappings {
			if st := t.mstate[m.UUID]; st != nil {
				st.seenAt = s
			}
		}
		for id, st := range t.mstate {
			if st.seenAt != s && st.seenAt != 0 {
				delete(t.mstate, id)
			}
		}
	}
	for i := range t.mappings {
		t.runMapping(&t.mappings[i], s, shape, rng)
	}
}

var directPayload = []byte(`{"source":"lambdaops.sandbox","detail-type":"request"}`)

func poisson(rng *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		n := int(math.Round(lambda + math.Sqrt(lambda)*rng.NormFloat64()))
		return max(n, 0)
	}
	l := math.Exp(-lambda)
	k := 0
	p := 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func (t *Traffic) runMapping(m *Mapping, s int64, shape float64, rng *rand.Rand) {
	st := t.mstate[m.UUID]
	isSQS := m.SourceType == "SQS"
	if st == nil {
		shards := 1
		if !isSQS && m.Shards > 1 {
			shards = m.Shards
		}
		st = &mapState{shards: make([]shardState, shards), seenAt: s,
			dims: map[string]string{"FunctionName": m.Function}}
		if m.Qualifier != "" {
			st.resDims = map[string]string{"FunctionName": m.Function, "Resource": m.Function + ":" + m.Qualifier}
		}
		t.mstate[m.UUID] = st
	}
	// Records arrive whatever the mapping's state.
	want := m.Rate*shape*t.rate*SliceDuration.Seconds() + st.carry
	arrivals := int(want)
	st.carry = want - float64(arrivals)
	if arrivals > 0 {
		per := arrivals / len(st.shards)
		extra := arrivals % len(st.shards)
		for i := range st.shards {
			n := per
			if i < extra {
				n++
			}
			st.shards[i].push(s+rng.Int64N(slice), n)
		}
	}
	end := s + slice
	if !isSQS {
		for i := range st.shards {
			st.shards[i].expire(s - streamMaxAge)
		}
	} else if sh := &st.shards[0]; sh.count > sqsMaxBacklog {
		sh.expire(sh.fifo[sh.head].at + 1) // drop the oldest chunk
	}
	if m.State != "Enabled" {
		return
	}
	batch := m.BatchSize
	if batch <= 0 {
		if isSQS {
			batch = 10
		} else {
			batch = 100
		}
	}
	if isSQS {
		t.pollSQS(m, st, s, batch)
		return
	}
	for i := range st.shards {
		t.pollShard(m, st, &st.shards[i], s, end, batch)
	}
}

// bfCount is how many real invocations one backfill poll that took n
// records stands for, when it replaces k polls of batch-size batches.
func bfCount(n, batch, k int) int {
	w := max((n+batch-1)/batch, min(n, k))
	return max(1, min(w, k))
}

func (t *Traffic) invokeWeighted(m *Mapping, at int64, w int, payload []byte) (Result, bool) {
	if w > 1 {
		t.e.bfWeight.Store(int64(w))
		defer t.e.bfWeight.Store(0)
	}
	t.invoked++
	return t.w.Invoke(m.Function, m.Qualifier, time.Unix(0, at).UTC(), false, payload)
}

// pollSQS: Lambda long-polls the queue and invokes as messages arrive, up
// to BatchSize per invocation, scaling out with the backlog.
func (t *Traffic) pollSQS(m *Mapping, st *mapState, s int64, batch int) {
	k := t.weight
	if k > 1 && (s/slice)%int64(k) != 0 {
		return // backfill: one poll stands for k slices
	}
	sh := &st.shards[0]
	for i := 0; i < maxSQSBatches && sh.count > 0; i++ {
		at := s + int64(i)*slice/maxSQSBatches
		n, _ := sh.peek(batch*k, s+slice)
		if n == 0 {
			return
		}
		r, ok := t.invokeWeighted(m, at, bfCount(n, batch, k), sqsPayload)
		if !ok || r.Throttled {
			return // messages stay in the queue; try again next slice
		}
		// Failed messages go back to the queue and, after the redrive
		// policy's receive count, to its DLQ: modelled as gone.
		sh.remove(n)
	}
}

// pollInterval is how often Lambda polls a shard that has no full batch
// waiting (Kinesis: once a second; DynamoDB Streams: four times).
func pollInterval(sourceType string) int64 {
	if sourceType == "DynamoDB" {
		return int64(250 * time.Millisecond)
	}
	return int64(time.Second)
}

// pollShard: one batch in flight per shard; full batches follow each
// other as fast as the function runs, otherwise the shard is polled at
// pollInterval. The records' age when a batch starts is its IteratorAge.
func (t *Traffic) pollShard(m *Mapping, st *mapState, sh *shardState, s, end int64, batch int) {
	k := t.weight
	interval := pollInterval(m.SourceType) * int64(k)
	for guard := 0; guard < 1000; guard++ {
		start := max(sh.busyUntil, sh.nextPoll, s)
		if start >= end {
			return
		}
		n, newest := sh.peek(batch*k, start)
		if n == 0 {
			sh.nextPoll = start + interval
			continue
		}
		w := bfCount(n, batch, k)
		r, ok := t.invokeWeighted(m, start, w, streamPayload)
		if !ok {
			return
		}
		at := time.Unix(0, start).UTC()
		age := float64(time.Duration(start - newest).Milliseconds())
		t.e.sink.Metric(record.Metric{Name: "IteratorAge", Dimensions: st.dims, Time: at, Value: age})
		if st.resDims != nil {
			t.e.sink.Metric(record.Metric{Name: "IteratorAge", Dimensions: st.resDims, Time: at, Value: age})
		}
		if r.Throttled {
			sh.busyUntil = start + int64(time.Second)
			continue
		}
		sh.busyUntil = start + int64(w)*(int64(r.Duration)+int64(5*time.Millisecond)) + int64(r.InitDuration)
		if n < batch*k {
			sh.nextPoll = start + interval
		}
		if r.FunctionError != "" && sh.retries < 2 {
			sh.retries++ // the batch is retried, blocking the shard
			continue
		}
		sh.retries = 0
		sh.remove(n)
	}
}

var (
	sqsPayload    = []byte(`{"Records":[{"eventSource":"aws:sqs","body":"{}"}]}`)
	streamPayload = []byte(`{"Records":[{"eventSource":"aws:kinesis","kinesis":{"data":"e30="}}]}`)
)

// IteratorAge reports a mapping's current lag: the age of its oldest
// unprocessed record at now (0 when it has none). For tests and the world.
func (t *Traffic) IteratorAge(uuid string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.mstate[uuid]
	if st == nil {
		return 0
	}
	var oldest int64 = math.MaxInt64
	for i := range st.shards {
		sh := &st.shards[i]
		if sh.head < len(sh.fifo) && sh.fifo[sh.head].at < oldest {
			oldest = sh.fifo[sh.head].at
		}
	}
	if oldest == math.MaxInt64 {
		return 0
	}
	return time.Duration(now.UnixNano() - oldest)
}

// Invocations is how many invocations the traffic engine has made through
// the world (simulated calls, not weighted).
func (t *Traffic) Invocations() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.invoked
}

// Backlog is the number of records waiting in a mapping's source.
func (t *Traffic) Backlog(uuid string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.mstate[uuid]
	if st == nil {
		return 0
	}
	n := 0
	for i := range st.shards {
		n += st.shards[i].count
	}
	return n
}

func (t *Traffic) backfill(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.started || d <= 0 {
		return
	}
	now := t.clk.Now().UnixNano()
	start := floorTo(now-int64(d), slice)
	minute := floorTo(start, int64(time.Minute)) / int64(time.Minute)
	t.refreshTargets(minute)

	// The daily shape's mean over the window.
	var shape float64
	steps := 0
	for x := start; x < now; x += int64(time.Minute) {
		shape += DailyShape(time.Unix(0, x))
		steps++
	}
	shape /= float64(max(steps, 1))

	// Mapping polls per second to expect; if they would take more than a
	// third of the budget, each poll stands for weight polls.
	var polls float64
	for _, m := range t.w.Mappings(nil) {
		if m.State != "Enabled" {
			continue
		}
		if m.SourceType == "SQS" {
			polls += min(m.Rate*t.rate*shape, 10)
		} else {
			polls += float64(max(m.Shards, 1)) * float64(time.Second) / float64(pollInterval(m.SourceType))
		}
	}
	secs := d.Seconds()
	t.weight = max(1, int(math.Ceil(polls*secs/(backfillBudget/3))))
	// Direct traffic: thin the busiest targets so that the sum over
	// targets of min(rate, r0) fits the rest of the budget.
	budget := (backfillBudget - polls*secs/float64(t.weight)) / (secs * shape * t.rate)
	if t.total > budget && budget > 0 {
		rates := make([]float64, 0, len(t.targets))
		for i := range t.targets {
			if b := t.targets[i].Behaviour; b != nil && b.Rate > 0 {
				rates = append(rates, b.Rate)
			}
		}
		lo, hi := 0.0, slices.Max(rates)
		for it := 0; it < 50; it++ {
			mid := (lo + hi) / 2
			sum := 0.0
			for _, r := range rates {
				sum += min(r, mid)
			}
			if sum > budget {
				hi = mid
			} else {
				lo = mid
			}
		}
		t.bfR0 = max(lo, 1e-3)
		t.refreshTargets(minute)
	}

	t.started = true
	t.next = start
	quietUntil := now - int64(2*time.Minute)
	t.e.bfLogEvery.Store(10)
	for t.next+slice <= now {
		if t.next >= quietUntil {
			t.e.bfLogEvery.Store(0)
		}
		t.runSlice(t.next)
		t.next += slice
	}
	t.e.bfLogEvery.Store(0)
	t.weight = 1
	t.bfR0 = 0
	t.curMinute = math.MinInt64 // rebuild the targets at full weight
}

func (t *Traffic) run(ctx context.Context) {
	tk := time.NewTicker(SliceDuration)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			now := t.clk.Now()
			t.mu.Lock()
			// After a long stall (a suspended laptop), skip ahead rather
			// than replay hours of traffic at once.
			if t.started && now.UnixNano()-t.next > int64(maxCatchUp) {
				t.next = floorTo(now.UnixNano()-int64(maxCatchUp), slice)
			}
			t.mu.Unlock()
			t.step(now)
		}
	}
}
