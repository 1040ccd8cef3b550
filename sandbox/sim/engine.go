package sim

import (
	"container/heap"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// Engine simulates execution environments and invocations. Each function
// has its own lock and random stream (seeded from the engine seed and the
// function name), so calls to different functions never wait on each other
// and a function's outcomes depend only on its own call sequence.
type Engine struct {
	clk           clock.Clock
	sink          record.Sink
	seed          int64
	accountLimit  int
	reservedTotal atomic.Int64

	// Backfill mode (set by Traffic.Backfill only): a default weight for
	// calls and log sampling (keep logs of 1 in bfLogEvery successes).
	bfWeight   atomic.Int64
	bfLogEvery atomic.Int64

	mu  sync.RWMutex
	fns map[string]*fnState

	acct acctState
}

const (
	idleMin = 5 * time.Minute
	idleMax = 15 * time.Minute
)

// env is one execution environment.
type env struct {
	stream    string
	busyUntil int64 // unix nanos
	lastUsed  int64
	ttl       int64
	gen       int
	reserved  bool // counted as reserved in the account heap
	pool      *pool
}

// pool holds the idle environments of one version (on-demand) or of one
// qualifier+version (provisioned).
type pool struct {
	key         string // key in fnState.pools
	version     string
	provisioned bool
	limit       int // provisioned: configured count
	total       int // provisioned: environments in existence
	idle        []*env
	nextSweep   int64
}

type fnState struct {
	mu       sync.Mutex
	name     string
	rng      *rand.Rand
	gen      int
	pools    map[string]*pool
	busy     envHeap
	logGroup string // cached "/aws/lambda/<name>"
	buf      []byte
	marks    []mark
}

func newEngine(clk clock.Clock, sink record.Sink, seed int64, accountLimit int) *Engine {
	if accountLimit <= 0 {
		accountLimit = 1000
	}
	if sink == nil {
		sink = record.Nop{}
	}
	if clk == nil {
		clk = clock.Real{}
	}
	return &Engine{clk: clk, sink: sink, seed: seed, accountLimit: accountLimit, fns: map[string]*fnState{}}
}

func hashString(seed int64, s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64() ^ uint64(seed)*0x9e3779b97f4a7c15
}

func (e *Engine) fn(name string) *fnState {
	e.mu.RLock()
	f := e.fns[name]
	e.mu.RUnlock()
	if f != nil {
		return f
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if f = e.fns[name]; f == nil {
		h := hashString(e.seed, name)
		f = &fnState{
			name:     name,
			rng:      rand.New(rand.NewPCG(h, h^0x5851f42d4c957f2d)),
			pools:    map[string]*pool{},
			logGroup: "/aws/lambda/" + name,
		}
		e.fns[name] = f
	}
	return f
}

func (e *Engine) reset(function string, forget bool) {
	e.mu.Lock()
	f := e.fns[function]
	if forget {
		delete(e.fns, function)
	}
	e.mu.Unlock()
	if f == nil {
		return
	}
	f.mu.Lock()
	f.gen++
	for k, p := range f.pools {
		p.idle = p.idle[:0]
		p.total = 0
		delete(f.pools, k)
	}
	f.mu.Unlock()
}

// release moves environments whose run ended by t back to their pools.
func (f *fnState) release(t int64) {
	for len(f.busy) > 0 && f.busy[0].busyUntil <= t {
		en := heap.Pop(&f.busy).(*env)
		en.lastUsed = en.busyUntil
		p := en.pool
		if en.gen != f.gen || f.pools[p.key] != p {
			continue
		}
		if p.provisioned && p.total > p.limit {
			p.total--
			continue
		}
		p.idle = append(p.idle, en)
	}
}

func (e *Engine) concurrency(function string, t time.Time) int {
	e.mu.RLock()
	f := e.fns[function]
	e.mu.RUnlock()
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.release(t.UnixNano())
	return len(f.busy)
}

func (e *Engine) accountConcurrency(t time.Time) int {
	r, u := e.acct.counts(t.UnixNano())
	return r + u
}

// acctState counts busy environments account-wide with a heap of end times.
type acctState struct {
	mu         sync.Mutex
	ends       endHeap
	reserved   int
	unreserved int
}

type endItem struct {
	end      int64
	reserved bool
}

func (a *acctState) releaseLocked(t int64) {
	for len(a.ends) > 0 && a.ends[0].end <= t {
		it := a.ends.pop()
		if it.reserved {
			a.reserved--
		} else {
			a.unreserved--
		}
	}
}

func (a *acctState) counts(t int64) (reserved, unreserved int) {
	a.mu.Lock()
	a.releaseLocked(t)
	reserved, unreserved = a.reserved, a.unreserved
	a.mu.Unlock()
	return
}

// admit reports whether an unreserved environment may start at t and, if
// so, counts it busy until end.
func (a *acctState) admitUnreserved(t, end int64, limit int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.releaseLocked(t)
	if a.unreserved >= limit {
		return false
	}
	a.unreserved++
	a.ends.push(endItem{end, false})
	return true
}

func (a *acctState) addReserved(end int64) {
	a.mu.Lock()
	a.reserved++
	a.ends.push(endItem{end, true})
	a.mu.Unlock()
}

// endHeap is a min-heap of end times (hand-rolled to avoid interface boxing).
type endHeap []endItem

func (h *endHeap) push(x endItem) {
	*h = append(*h, x)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s[p].end <= s[i].end {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *endHeap) pop() endItem {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s[r].end < s[l].end {
			m = r
		}
		if s[i].end <= s[m].end {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// envHeap orders busy environments by the end of their run.
type envHeap []*env

func (h envHeap) Len() int           { return len(h) }
func (h envHeap) Less(i, j int) bool { return h[i].busyUntil < h[j].busyUntil }
func (h envHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *envHeap) Push(x any)        { *h = append(*h, x.(*env)) }
func (h *envHeap) Pop() any {
	s := *h
	x := s[len(s)-1]
	s[len(s)-1] = nil
	*h = s[:len(s)-1]
	return x
}

var defaultBehaviour = &Behaviour{}

func (e *Engine) invoke(at time.Time, c Call) Result {
	b := c.Behaviour
	if b == nil {
		b = defaultBehaviour
	}
	if c.Version == "" {
		c.Version = "$LATEST"
	}
	weight := c.Weight
	if weight < 1 {
		weight = int(e.bfWeight.Load())
	}
	if weight < 1 {
		weight = 1
	}
	f := e.fn(c.Function)
	t := at.UnixNano()

	f.mu.Lock()
	f.release(t)
	rng := f.rng
	reqID := uuid(rng)

	// Outcome first: it decides how long the environment stays busy.
	o := outcome(rng, b, &c, at)

	var (
		en          *env
		cold        bool
		provisioned bool
		spillover   bool
		initDur     time.Duration
	)
	if c.Provisioned > 0 && c.Resource != "" {
		key := "P" + c.Resource + "\x00" + c.Version
		p := f.pools[key]
		if p == nil {
			p = &pool{key: key, version: c.Version, provisioned: true}
			f.pools[key] = p
		}
		p.limit = c.Provisioned
		for n := len(p.idle); n > 0 && p.total > p.limit; n = len(p.idle) {
			p.idle[n-1] = nil // provisioned concurrency was lowered
			p.idle = p.idle[:n-1]
			p.total--
		}
		if n := len(p.idle); n > 0 {
			en = p.idle[n-1]
			p.idle = p.idle[:n-1]
			provisioned = true
		} else if p.total < p.limit {
			// Provisioned environments are initialised ahead of time: no
			// Init Duration on their first call.
			en = f.newEnv(e, p, at, c.Version)
			p.total++
			provisioned = true
		} else {
			spillover = true
		}
	}
	if en == nil {
		p := f.pools[c.Version]
		if p == nil {
			p = &pool{key: c.Version, version: c.Version}
			f.pools[c.Version] = p
		}
		if t >= p.nextSweep && len(p.idle) > 0 {
			p.sweep(t)
		}
		for n := len(p.idle); n > 0; n = len(p.idle) {
			cand := p.idle[n-1]
			p.idle = p.idle[:n-1]
			if cand.lastUsed+cand.ttl >= t {
				en = cand
				break
			}
		}
		if en == nil {
			cold = true
		}
		// Concurrency limits apply to on-demand environments.
		busyFor := int64(o.duration) * int64(weight)
		if cold {
			initDur = initDuration(rng, b, &c)
			busyFor += int64(initDur)
		}
		end := t + busyFor
		if c.Reserved != nil {
			if len(f.busy) >= *c.Reserved {
				if en != nil {
					p.idle = append(p.idle, en)
				}
				f.mu.Unlock()
				return e.throttle(at, &c, reqID, ReasonReserved, weight)
			}
			e.acct.addReserved(end)
		} else if !e.acct.admitUnreserved(t, end, e.accountLimit-int(e.reservedTotal.Load())) {
			if en != nil {
				p.idle = append(p.idle, en)
			}
			f.mu.Unlock()
			return e.throttle(at, &c, reqID, ReasonAccount, weight)
		}
		if en == nil {
			en = f.newEnv(e, p, at, c.Version)
		}
		en.busyUntil = end
	} else {
		end := t + int64(o.duration)*int64(weight)
		en.busyUntil = end
		if c.Reserved != nil {
			e.acct.addReserved(end)
		} else {
			e.acct.mu.Lock()
			e.acct.unreserved++
			e.acct.ends.push(endItem{end, false})
			e.acct.mu.Unlock()
		}
	}
	heap.Push(&f.busy, en)
	concurrent := len(f.busy)

	mem := memoryUsed(rng, b, &c, cold)
	if o.oom {
		mem = c.MemoryMB
		en.ttl = -1 // the runtime was killed: the next call starts cold
	}
	res := Result{
		RequestID:       reqID,
		ExecutedVersion: c.Version,
		FunctionError:   o.errType,
		TimedOut:        o.timedOut,
		Duration:        o.duration,
		BilledDuration:  billed(o.duration),
		InitDuration:    initDur,
		MaxMemoryUsedMB: mem,
		Provisioned:     provisioned,
		Spillover:       spillover,
	}
	group := c.LogGroup
	if group == "" {
		group = f.logGroup
	}
	var (
		lines []record.LogLine
		tail  string
	)
	if every := e.bfLogEvery.Load(); every <= 1 || c.Tail || o.errType != "" || rng.Int64N(every) == 0 {
		lines, tail = f.writeLogs(rng, &c, b, &res, o, at, c.Tail)
	}
	dlqFail := c.Async && o.errType != "" && c.DLQ != "" && b.DeadLetterFailRate > 0 && rng.Float64() < b.DeadLetterFailRate
	stream := en.stream
	f.mu.Unlock()

	res.LogTail = tail
	res.Payload = responsePayload(&c, &res, o, at)
	if lines != nil {
		e.sink.Logs(group, stream, lines)
	}
	cnt, failed := 0, 0
	if weight > 1 {
		cnt = weight
		failed = weightedFailures(rng, b, &c, at, weight, o)
	}
	e.sink.Invocation(record.Invocation{
		Errors:          failed,
		Function:        c.Function,
		Resource:        c.Resource,
		ExecutedVersion: c.Version,
		Start:           at,
		Duration:        o.duration,
		InitDuration:    initDur,
		MemorySizeMB:    c.MemoryMB,
		MaxMemoryUsedMB: mem,
		Error:           o.errType != "",
		TimedOut:        o.timedOut,
		Async:           c.Async,
		Provisioned:     provisioned,
		Spillover:       spillover,
		Concurrent:      concurrent,
		Count:           cnt,
	})
	if dlqFail {
		dims := map[string]string{"FunctionName": c.Function}
		ts := at.Add(o.duration)
		e.sink.Metric(record.Metric{Name: "DeadLetterErrors", Dimensions: dims, Time: ts, Value: float64(weight)})
		e.sink.Metric(record.Metric{Name: "AsyncEventsDropped", Dimensions: dims, Time: ts, Value: float64(weight)})
	}
	return res
}

func (p *pool) sweep(t int64) {
	keep := p.idle[:0]
	for _, en := range p.idle {
		if en.lastUsed+en.ttl >= t {
			keep = append(keep, en)
		}
	}
	for i := len(keep); i < len(p.idle); i++ {
		p.idle[i] = nil
	}
	p.idle = keep
	p.nextSweep = t + int64(time.Minute)
}

func (f *fnState) newEnv(e *Engine, p *pool, at time.Time, version string) *env {
	var id [32]byte
	hexFill(id[:], f.rng.Uint64(), f.rng.Uint64())
	b := f.buf[:0]
	b = at.UTC().AppendFormat(b, "2006/01/02")
	b = append(b, "/["...)
	b = append(b, version...)
	b = append(b, ']')
	b = append(b, id[:]...)
	f.buf = b
	en := &env{
		stream: string(b),
		ttl:    int64(idleMin) + f.rng.Int64N(int64(idleMax-idleMin)),
		gen:    f.gen,
		pool:   p,
	}
	if p.provisioned {
		en.ttl = math.MaxInt64 / 4
	}
	return en
}

func (e *Engine) throttle(at time.Time, c *Call, reqID, reason string, weight int) Result {
	cnt := 0
	if weight > 1 {
		cnt = weight
	}
	e.sink.Invocation(record.Invocation{
		Function:  c.Function,
		Resource:  c.Resource,
		Start:     at,
		Throttled: true,
		Async:     c.Async,
		Count:     cnt,
	})
	return Result{Throttled: true, Reason: reason, RequestID: reqID}
}

func billed(d time.Duration) time.Duration {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms < 1 {
		ms = 1
	}
	return ms * time.Millisecond
}

// outcomeT is what an invocation does before environments are considered.
type outcomeT struct {
	duration time.Duration
	errType  string
	timedOut bool
	msg      int // index of the error message
	oom      bool
}

// cpuSpeed is the relative CPU a function gets at mem MB (1 vCPU = 1769 MB).
func cpuSpeed(mem int) float64 {
	if mem <= 0 {
		mem = 128
	}
	if mem <= 1769 {
		return float64(mem) / 1769
	}
	// More vCPUs help single-threaded work only a little.
	return 1 + 0.06*math.Log2(float64(mem)/1769)
}

// MedianDuration is the behaviour's median duration at mem MB (no jitter).
func (b *Behaviour) MedianDuration(mem int) time.Duration {
	base := b.MeanDuration
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	io := b.IOFraction
	if io <= 0 {
		io = 0.3
	}
	if io > 1 {
		io = 1
	}
	ratio := cpuSpeed(1024) / cpuSpeed(mem)
	return time.Duration(float64(base) * (io + (1-io)*ratio))
}

func (b *Behaviour) sigma() float64 {
	if b.P99 > 0 {
		base := b.MeanDuration
		if base <= 0 {
			base = 100 * time.Millisecond
		}
		if b.P99 > base {
			return math.Log(float64(b.P99)/float64(base)) / 2.3263
		}
	}
	if b.Jitter > 0 {
		return b.Jitter
	}
	return 0.25
}

// ErrorRateAt is the error rate for version at time t.
func (b *Behaviour) ErrorRateAt(version string, t time.Time) float64 {
	if b.VersionErrorRate != nil {
		if r, ok := b.VersionErrorRate[version]; ok {
			return r
		}
	}
	if !b.ErrorChangeAt.IsZero() && !t.Before(b.ErrorChangeAt) {
		return b.ErrorRateAfter
	}
	return b.ErrorRate
}

// weightedFailures is how many of the weight invocations one sampled
// (backfill) record stands for failed: each is drawn at the error rate, so
// a sampled failure does not become weight failures. A sampled timeout
// stands for timeouts throughout (its duration drew the heavy tail).
func weightedFailures(rng *rand.Rand, b *Behaviour, c *Call, at time.Time, weight int, o outcomeT) int {
	if o.timedOut {
		return weight
	}
	p := b.ErrorRateAt(c.Version, at)
	if p <= 0 {
		return 0
	}
	n := 0
	for range weight {
		if rng.Float64() < p {
			n++
		}
	}
	return n
}

func outcome(rng *rand.Rand, b *Behaviour, c *Call, at time.Time) outcomeT {
	med := b.MedianDuration(c.MemoryMB)
	d := time.Duration(float64(med) * math.Exp(b.sigma()*rng.NormFloat64()))
	var o outcomeT
	if rng.Float64() < b.ErrorRateAt(c.Version, at) {
		o.errType = ErrorUnhandled
		if b.HandledShare > 0 && rng.Float64() < b.HandledShare {
			o.errType = ErrorHandled
		}
		o.msg = rng.IntN(len(errorMessages))
		// Failures tend to come early (a failed call upstream) or late.
		d = time.Duration(float64(d) * (0.2 + 0.8*rng.Float64()))
	}
	if b.WorkingSetMB > 0 && c.MemoryMB > 0 && c.MemoryMB < b.WorkingSetMB {
		// Killed when the heap reaches the limit, part way through.
		o.errType, o.oom = ErrorUnhandled, true
		d = time.Duration(float64(d) * (0.3 + 0.5*rng.Float64()))
	}
	if b.Instant {
		d = 0
	}
	timeout := time.Duration(c.TimeoutSec) * time.Second
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	if d >= timeout {
		d = timeout
		o.timedOut = true
		o.errType = ErrorUnhandled
	}
	if !b.Instant && d < 500*time.Microsecond {
		d = 500*time.Microsecond + time.Duration(rng.Int64N(int64(time.Millisecond)))
	}
	o.duration = d.Round(10 * time.Microsecond)
	return o
}

type runtimeClass int

const (
	rtNode runtimeClass = iota
	rtPython
	rtJava
	rtDotnet
	rtRuby
	rtNative // go / provided / rust
)

func classify(runtime string) runtimeClass {
	switch {
	case strings.HasPrefix(runtime, "nodejs"):
		return rtNode
	case strings.HasPrefix(runtime, "python"):
		return rtPython
	case strings.HasPrefix(runtime, "java"):
		return rtJava
	case strings.HasPrefix(runtime, "dotnet"):
		return rtDotnet
	case strings.HasPrefix(runtime, "ruby"):
		return rtRuby
	}
	return rtNative
}

// BaseInitDuration is the typical cold-start Init Duration for a call's
// runtime, package and VPC settings (before jitter).
func BaseInitDuration(runtime, packageType string, codeSize int64, vpc bool) time.Duration {
	var d time.Duration
	switch classify(runtime) {
	case rtNode:
		d = 180 * time.Millisecond
	case rtPython:
		d = 150 * time.Millisecond
	case rtJava:
		d = 1100 * time.Millisecond
	case rtDotnet:
		d = 650 * time.Millisecond
	case rtRuby:
		d = 230 * time.Millisecond
	default:
		d = 70 * time.Millisecond
	}
	mb := float64(codeSize) / (1 << 20)
	if packageType == "Image" {
		if runtime == "" {
			d = 250 * time.Millisecond
		}
		d += 350*time.Millisecond + time.Duration(mb*2*float64(time.Millisecond))
	} else {
		d += time.Duration(mb * 9 * float64(time.Millisecond))
	}
	if vpc {
		d += 25 * time.Millisecond
	}
	return d
}

func initDuration(rng *rand.Rand, b *Behaviour, c *Call) time.Duration {
	if b.Instant {
		return 0
	}
	d := b.InitDuration
	if d <= 0 {
		d = BaseInitDuration(c.Runtime, c.PackageType, c.CodeSize, c.VPC)
	}
	d = time.Duration(float64(d) * math.Exp(0.15*rng.NormFloat64()))
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return d.Round(10 * time.Microsecond)
}

func memoryUsed(rng *rand.Rand, b *Behaviour, c *Call, cold bool) int {
	m := b.MemoryUsedMB
	if m <= 0 && b.WorkingSetMB > 0 {
		m = b.WorkingSetMB
	}
	if m <= 0 {
		switch classify(c.Runtime) {
		case rtNode:
			m = 72
		case rtPython:
			m = 58
		case rtJava:
			m = 140
		case rtDotnet:
			m = 95
		case rtRuby:
			m = 64
		default:
			m = 28
		}
		if c.PackageType == "Image" {
			m += 40
		}
		m += int(c.CodeSize / (4 << 20))
	}
	v := float64(m) * (1 + 0.06*rng.NormFloat64())
	if cold {
		v *= 0.93
	}
	n := int(v)
	if n < 16 {
		n = 16
	}
	if c.MemoryMB > 0 && n > c.MemoryMB {
		n = c.MemoryMB
	}
	return n
}

const hexDigits = "0123456789abcdef"

func hexFill(dst []byte, a, b uint64) {
	for i := 0; i < len(dst); i++ {
		var v uint64
		if i < 16 {
			v = a >> (uint(i) * 4)
		} else {
			v = b >> (uint(i-16) * 4)
		}
		dst[i] = hexDigits[v&15]
	}
}

// uuid returns a random version-4 style UUID string.
func uuid(rng *rand.Rand) string {
	var h [32]byte
	hexFill(h[:], rng.Uint64(), rng.Uint64())
	h[12] = '4'
	h[16] = hexDigits[8+(h[16]&3)]
	var out [36]byte
	copy(out[0:8], h[0:8])
	out[8] = '-'
	copy(out[9:13], h[8:12])
	out[13] = '-'
	copy(out[14:18], h[12:16])
	out[18] = '-'
	copy(out[19:23], h[16:20])
	out[23] = '-'
	copy(out[24:36], h[20:32])
	return string(out[:])
}
