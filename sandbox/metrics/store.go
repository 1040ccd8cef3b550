package metrics

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// Options configures a Store.
type Options struct {
	// Retention is how long 1-minute points are kept; 0 means 3 hours.
	// Older minutes are dropped, and points older than that are ignored.
	Retention time.Duration
}

// DefaultRetention is the retention of a zero Options.
const DefaultRetention = 3 * time.Hour

// LambdaNamespace is where invocation metrics and record.Metric points go.
const LambdaNamespace = "AWS/Lambda"

// The metrics derived from invocations, in the order of the lminute counters.
const (
	mInvocations = iota
	mErrors
	mThrottles
	mDuration
	mConcurrent
	mPCInvocations
	mSpillover
	numLambdaMetrics
)

var lambdaMetricNames = [numLambdaMetrics]string{
	"Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions",
	"ProvisionedConcurrencyInvocations", "ProvisionedConcurrencySpilloverInvocations",
}

var lambdaMetricUnits = [numLambdaMetrics]string{
	"Count", "Count", "Count", "Milliseconds", "Count", "Count", "Count",
}

func lambdaMetricIndex(name string) int {
	for i, n := range lambdaMetricNames {
		if n == name {
			return i
		}
	}
	return -1
}

// lkey identifies an invocation-derived series: FunctionName, FunctionName +
// Resource ("fn:qualifier"), FunctionName + Resource + ExecutedVersion, or
// the zero key for the region-wide aggregate.
type lkey struct{ fn, res, ver string }

func (k lkey) dims() []Dimension {
	var d []Dimension
	if k.fn != "" {
		d = append(d, Dimension{Name: "FunctionName", Value: k.fn})
	}
	if k.res != "" {
		d = append(d, Dimension{Name: "Resource", Value: k.res})
	}
	if k.ver != "" {
		d = append(d, Dimension{Name: "ExecutedVersion", Value: k.ver})
	}
	return d
}

// lminute is one minute of invocation-derived data: 56 bytes plus the
// encoded duration histogram in the series arena.
type lminute struct {
	dur                        dsum // Duration; dur.n is the invocation count
	t                          int32
	errs, thr, pc, spill, conc uint32
}

type lseries struct {
	key  lkey
	seen uint16 // bit i: lambdaMetricNames[i] has had data
	mins []lminute
	h    hstore
}

// growCap is the capacity for a slice of n elements that is full: a quarter
// more (not double), so long sorted series waste little.
func growCap(n int) int { return n + n/4 + 4 }

// timed is a minute entry of a series: lminute or gminute.
type timed[M any] interface {
	*M
	minute() int32
	sum() *dsum // the minute's duration (or value) summary
}

func (m *lminute) minute() int32 { return m.t }
func (m *gminute) minute() int32 { return m.t }
func (m *lminute) sum() *dsum    { return &m.dur }
func (m *gminute) sum() *dsum    { return &m.d }

// minuteIn returns the entry of *mins (sorted by minute) for minute t,
// adding zero (an entry for t) in order when there is none. Appending the
// newest minute, the common case, grows by growCap.
func minuteIn[M any, P timed[M]](mins *[]M, t int32, zero M) *M {
	ms := *mins
	n := len(ms)
	if n > 0 && P(&ms[n-1]).minute() == t {
		return &ms[n-1]
	}
	if n == cap(ms) {
		m := make([]M, n, growCap(n))
		copy(m, ms)
		ms = m
	}
	if n == 0 || P(&ms[n-1]).minute() < t {
		ms = append(ms, zero)
		*mins = ms
		return &ms[n]
	}
	i := sort.Search(n, func(i int) bool { return P(&ms[i]).minute() >= t })
	if P(&ms[i]).minute() != t {
		var none M
		ms = append(ms, none)
		copy(ms[i+1:], ms[i:])
		ms[i] = zero
	}
	*mins = ms
	return &ms[i]
}

// sumIn returns the summary of minute t in mins (sorted by minute), or nil.
func sumIn[M any, P timed[M]](mins []M, t int32) *dsum {
	i := sort.Search(len(mins), func(i int) bool { return P(&mins[i]).minute() >= t })
	if i < len(mins) && P(&mins[i]).minute() == t {
		return P(&mins[i]).sum()
	}
	return nil
}

func (s *lseries) minute(t int32) *lminute { return minuteIn(&s.mins, t, lminute{t: t}) }

func (s *lseries) find(t int32) *dsum { return sumIn(s.mins, t) }

// record adds one invocation; it returns the rise of the minute's maximum
// concurrency.
func (s *lseries) record(m int32, rec *record.Invocation, durMS float64, conc, w uint32) uint32 {
	mn := s.minute(m)
	if rec.Throttled {
		mn.thr += w
		s.seen |= 1 << mThrottles
		return 0
	}
	s.seen |= 1<<mInvocations | 1<<mErrors | 1<<mDuration | 1<<mConcurrent
	mn.errs += uint32(rec.Failed())
	if rec.Provisioned {
		mn.pc += w
		s.seen |= 1 << mPCInvocations
	}
	if rec.Spillover {
		mn.spill += w
		s.seen |= 1 << mSpillover
	}
	s.h.add(m, &mn.dur, durMS, w, s.find)
	if conc > mn.conc {
		rise := conc - mn.conc
		mn.conc = conc
		return rise
	}
	return 0
}

// fnSeries holds a function's series: FunctionName, and per qualifier the
// FunctionName+Resource series with its ExecutedVersion series.
type fnSeries struct {
	all lseries
	res map[string]*resSeries
}

type resSeries struct {
	s    lseries
	vers map[string]*lseries
}

// gkey identifies any other series by namespace, name and canonical dimensions.
type gkey struct{ ns, name, dims string }

type gminute struct {
	d dsum
	t int32
}

type gseries struct {
	key  gkey
	dims []Dimension // sorted by name
	unit string
	mins []gminute
	h    hstore
}

func (s *gseries) minute(t int32) *gminute { return minuteIn(&s.mins, t, gminute{t: t}) }

func (s *gseries) find(t int32) *dsum { return sumIn(s.mins, t) }

// canonDims sorts dimensions by name and returns them with their key.
func canonDims(d []Dimension) ([]Dimension, string) {
	c := append([]Dimension(nil), d...)
	sort.Slice(c, func(i, j int) bool { return c[i].Name < c[j].Name })
	var b strings.Builder
	for _, x := range c {
		b.WriteString(x.Name)
		b.WriteByte(0x1f)
		b.WriteString(x.Value)
		b.WriteByte(0x1e)
	}
	return c, b.String()
}

// Store holds the sandbox's metric series. It implements record.Sink and is
// safe for concurrent use.
type Store struct {
	clk       clock.Clock
	retention int32 // minutes

	mu        sync.RWMutex
	fns       map[string]*fnSeries
	region    lseries // no dimensions: the region-wide aggregate
	generic   map[gkey]*gseries
	lastSweep atomic.Int64 // minute of the last retention sweep
}

var _ record.Sink = (*Store)(nil)

// NewStore returns an empty store reading time from clk (nil: the real clock).
func NewStore(clk clock.Clock, o Options) *Store {
	if clk == nil {
		clk = clock.Real{}
	}
	r := o.Retention
	if r <= 0 {
		r = DefaultRetention
	}
	m := int32(r / time.Minute)
	if m < 1 {
		m = 1
	}
	s := &Store{clk: clk, retention: m, fns: map[string]*fnSeries{}, generic: map[gkey]*gseries{}}
	s.lastSweep.Store(minuteOf(clk.Now()))
	return s
}

func minuteOf(t time.Time) int64 {
	u := t.Unix()
	if u < 0 {
		return (u - 59) / 60
	}
	return u / 60
}

// accept reports whether minute m is inside the retention window (and not
// absurdly far in the future).
func (s *Store) accept(m, now int64) bool {
	return m > now-int64(s.retention) && m < now+24*60 && m > 0 && m < 1<<31-1
}

// isVersion reports whether a qualifier names a version rather than an alias
// (alias names can never be all digits).
func isVersion(q string) bool {
	if q == "$LATEST" {
		return true
	}
	for _, c := range q {
		if c < '0' || c > '9' {
			return false
		}
	}
	return q != ""
}

// Invocation aggregates one invocation or throttle (rec.Count of them when
// set) into the FunctionName, FunctionName+Resource and
// FunctionName+Resource+ExecutedVersion series and the region-wide aggregate.
func (s *Store) Invocation(rec record.Invocation) {
	if rec.Function == "" {
		return
	}
	now := minuteOf(s.clk.Now())
	t := rec.Start
	if t.IsZero() {
		t = s.clk.Now()
	}
	m := minuteOf(t)
	s.maybeSweep(now)
	if !s.accept(m, now) {
		return
	}
	durMS := float64(rec.Duration) / float64(time.Millisecond)
	conc := uint32(1)
	if rec.Concurrent > 1 {
		conc = uint32(min(rec.Concurrent, 1<<30))
	}
	w := uint32(1) // backfilled records stand for Count invocations
	if rec.Count > 1 {
		w = uint32(min(rec.Count, 1<<20))
	}
	t32 := int32(m)
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := s.fns[rec.Function]
	if fs == nil {
		fs = &fnSeries{all: lseries{key: lkey{fn: rec.Function}}}
		s.fns[rec.Function] = fs
	}
	rise := fs.all.record(t32, &rec, durMS, conc, w)
	if q := rec.Resource; q != "" {
		if fs.res == nil {
			fs.res = map[string]*resSeries{}
		}
		rs := fs.res[q]
		if rs == nil {
			rs = &resSeries{s: lseries{key: lkey{fn: rec.Function, res: rec.Function + ":" + q}}}
			fs.res[q] = rs
		}
		rs.s.record(t32, &rec, durMS, conc, w)
		if v := rec.ExecutedVersion; v != "" && !rec.Throttled && !isVersion(q) {
			if rs.vers == nil {
				rs.vers = map[string]*lseries{}
			}
			vs := rs.vers[v]
			if vs == nil {
				vs = &lseries{key: lkey{fn: rec.Function, res: rs.s.key.res, ver: v}}
				rs.vers[v] = vs
			}
			vs.record(t32, &rec, durMS, conc, w)
		}
	}
	// Region-wide: every metric, with ConcurrentExecutions the sum of the
	// functions' per-minute maxima.
	s.region.record(t32, &rec, durMS, 0, w)
	if rise > 0 {
		s.region.minute(t32).conc += rise
	}
}

// forEachL calls f for every invocation-derived series (read or write lock held).
func (s *Store) forEachL(f func(*lseries)) {
	if len(s.region.mins) > 0 {
		f(&s.region)
	}
	for _, fs := range s.fns {
		f(&fs.all)
		for _, rs := range fs.res {
			f(&rs.s)
			for _, vs := range rs.vers {
				f(vs)
			}
		}
	}
}

// Metric stores a point reported by the simulation under AWS/Lambda with its
// dimensions (IteratorAge, DeadLetterErrors, AsyncEventsDropped, ...).
func (s *Store) Metric(x record.Metric) {
	if x.Name == "" {
		return
	}
	dims := make([]Dimension, 0, len(x.Dimensions))
	for k, v := range x.Dimensions {
		dims = append(dims, Dimension{Name: k, Value: v})
	}
	t := x.Time
	if t.IsZero() {
		t = s.clk.Now()
	}
	s.put(LambdaNamespace, x.Name, dims, "", t, func(gs *gseries, m int32) {
		gs.h.add(m, &gs.minute(m).d, x.Value, 1, gs.find)
	})
}

// Logs is a no-op: logs belong to the logs store.
func (s *Store) Logs(string, string, []record.LogLine) {}

// put adds to a generic series under the write lock.
func (s *Store) put(ns, name string, dims []Dimension, unit string, t time.Time, f func(gs *gseries, m int32)) {
	now := minuteOf(s.clk.Now())
	s.maybeSweep(now)
	m := minuteOf(t)
	if !s.accept(m, now) {
		return
	}
	cd, dk := canonDims(dims)
	k := gkey{ns: ns, name: name, dims: dk}
	s.mu.Lock()
	defer s.mu.Unlock()
	gs := s.generic[k]
	if gs == nil {
		gs = &gseries{key: k, dims: cd}
		s.generic[k] = gs
	}
	if unit != "" {
		gs.unit = unit
	}
	f(gs, int32(m))
}

// maybeSweep drops minutes older than the retention and compacts closed
// minutes, at most once per minute of the store's clock.
func (s *Store) maybeSweep(now int64) {
	last := s.lastSweep.Load()
	if now <= last || !s.lastSweep.CompareAndSwap(last, now) {
		return
	}
	cutoff := int32(now - int64(s.retention) + 1)
	closedTo := int32(now - 1) // minutes before this are closed
	s.mu.Lock()
	defer s.mu.Unlock()
	sweepL := func(ls *lseries) bool { // false: empty
		i := sort.Search(len(ls.mins), func(i int) bool { return ls.mins[i].t >= cutoff })
		if i > 0 {
			n := copy(ls.mins, ls.mins[i:])
			clear(ls.mins[n:])
			ls.mins = ls.mins[:n]
		}
		if ls.h.openT != 0 && ls.h.openT < closedTo {
			ls.h.close(ls.find(ls.h.openT))
		}
		if ls.h.openT == 0 {
			ls.h.open = nil
		}
		ls.h.compact(func(f func(*dsum)) {
			for j := range ls.mins {
				if ls.mins[j].t != ls.h.openT {
					f(&ls.mins[j].dur)
				}
			}
		})
		if len(ls.mins) == 0 {
			*ls = lseries{key: ls.key}
			return false
		}
		return true
	}
	sweepL(&s.region)
	for fn, fs := range s.fns {
		keep := sweepL(&fs.all)
		for q, rs := range fs.res {
			keepR := sweepL(&rs.s)
			for v, vs := range rs.vers {
				if sweepL(vs) {
					keepR = true
				} else {
					delete(rs.vers, v)
				}
			}
			if keepR {
				keep = true
			} else {
				delete(fs.res, q)
			}
		}
		if !keep {
			delete(s.fns, fn)
		}
	}
	for k, gs := range s.generic {
		i := sort.Search(len(gs.mins), func(i int) bool { return gs.mins[i].t >= cutoff })
		if i > 0 {
			n := copy(gs.mins, gs.mins[i:])
			clear(gs.mins[n:])
			gs.mins = gs.mins[:n]
		}
		if len(gs.mins) == 0 {
			delete(s.generic, k)
			continue
		}
		if gs.h.openT != 0 && gs.h.openT < closedTo {
			gs.h.close(gs.find(gs.h.openT))
		}
		if gs.h.openT == 0 {
			gs.h.open = nil
		}
		gs.h.compact(func(f func(*dsum)) {
			for j := range gs.mins {
				if gs.mins[j].t != gs.h.openT {
					f(&gs.mins[j].d)
				}
			}
		})
	}
}

// SeriesCount returns the number of stored series (for tests and benchmarks).
func (s *Store) SeriesCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	s.forEachL(func(*lseries) { n++ })
	return n + len(s.generic)
}
