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

// lminute is one minute of invocation-derived data (80 bytes plus the
// duration histogram).
type lminute struct {
	t                               int32 // minutes since the Unix epoch
	inv, errs, thr, pc, spill, conc uint32
	dur                             dist
}

type lseries struct {
	key  lkey
	seen uint16 // bit i: lambdaMetricNames[i] has had data
	mins []lminute
}

func (s *lseries) minute(t int32) *lminute {
	n := len(s.mins)
	if n > 0 && s.mins[n-1].t == t {
		return &s.mins[n-1]
	}
	if n == 0 || s.mins[n-1].t < t {
		s.mins = append(s.mins, lminute{t: t})
		return &s.mins[n]
	}
	i := sort.Search(n, func(i int) bool { return s.mins[i].t >= t })
	if s.mins[i].t != t {
		s.mins = append(s.mins, lminute{})
		copy(s.mins[i+1:], s.mins[i:])
		s.mins[i] = lminute{t: t}
	}
	return &s.mins[i]
}

// gkey identifies any other series by namespace, name and canonical dimensions.
type gkey struct{ ns, name, dims string }

type gminute struct {
	t int32
	d dist
}

type gseries struct {
	key  gkey
	dims []Dimension // sorted by name
	unit string
	mins []gminute
}

func (s *gseries) minute(t int32) *gminute {
	n := len(s.mins)
	if n > 0 && s.mins[n-1].t == t {
		return &s.mins[n-1]
	}
	if n == 0 || s.mins[n-1].t < t {
		s.mins = append(s.mins, gminute{t: t})
		return &s.mins[n]
	}
	i := sort.Search(n, func(i int) bool { return s.mins[i].t >= t })
	if s.mins[i].t != t {
		s.mins = append(s.mins, gminute{})
		copy(s.mins[i+1:], s.mins[i:])
		s.mins[i] = gminute{t: t}
	}
	return &s.mins[i]
}

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
	lambda    map[lkey]*lseries
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
	s := &Store{clk: clk, retention: m, lambda: map[lkey]*lseries{}, generic: map[gkey]*gseries{}}
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

func (s *Store) lseries(k lkey) *lseries {
	ls := s.lambda[k]
	if ls == nil {
		ls = &lseries{key: k}
		s.lambda[k] = ls
	}
	return ls
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

// Invocation aggregates one invocation (or throttle) into the FunctionName,
// FunctionName+Resource and FunctionName+Resource+ExecutedVersion series and
// the region-wide aggregate.
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
	keys := [3]lkey{{fn: rec.Function}}
	n := 1
	if rec.Resource != "" {
		res := rec.Function + ":" + rec.Resource
		keys[n] = lkey{fn: rec.Function, res: res}
		n++
		if !isVersion(rec.Resource) && rec.ExecutedVersion != "" && !rec.Throttled {
			keys[n] = lkey{fn: rec.Function, res: res, ver: rec.ExecutedVersion}
			n++
		}
	}
	durMS := float64(rec.Duration) / float64(time.Millisecond)
	conc := uint32(0)
	if rec.Concurrent > 0 {
		conc = uint32(rec.Concurrent)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var concRise uint32 // rise of the function's per-minute maximum
	for i := 0; i < n; i++ {
		ls := s.lseries(keys[i])
		mn := ls.minute(int32(m))
		if rec.Throttled {
			mn.thr++
			ls.seen |= 1 << mThrottles
			continue
		}
		mn.inv++
		ls.seen |= 1<<mInvocations | 1<<mErrors | 1<<mDuration | 1<<mConcurrent
		if rec.Error {
			mn.errs++
		}
		if rec.Provisioned {
			mn.pc++
			ls.seen |= 1 << mPCInvocations
		}
		if rec.Spillover {
			mn.spill++
			ls.seen |= 1 << mSpillover
		}
		mn.dur.add(durMS, 1)
		if conc < 1 {
			conc = 1
		}
		if conc > mn.conc {
			if i == 0 {
				concRise = conc - mn.conc
			}
			mn.conc = conc
		}
	}
	// Region-wide: every metric, with ConcurrentExecutions the sum of the
	// functions' per-minute maxima.
	ls := s.lseries(lkey{})
	mn := ls.minute(int32(m))
	if rec.Throttled {
		mn.thr++
		ls.seen |= 1 << mThrottles
		return
	}
	mn.inv++
	ls.seen |= 1<<mInvocations | 1<<mErrors | 1<<mDuration | 1<<mConcurrent
	if rec.Error {
		mn.errs++
	}
	if rec.Provisioned {
		mn.pc++
		ls.seen |= 1 << mPCInvocations
	}
	if rec.Spillover {
		mn.spill++
		ls.seen |= 1 << mSpillover
	}
	mn.dur.add(durMS, 1)
	mn.conc += concRise
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
	s.put(LambdaNamespace, x.Name, dims, "", t, func(d *dist) { d.add(x.Value, 1) })
}

// Logs is a no-op: logs belong to the logs store.
func (s *Store) Logs(string, string, []record.LogLine) {}

// put adds to a generic series under the write lock.
func (s *Store) put(ns, name string, dims []Dimension, unit string, t time.Time, f func(*dist)) {
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
	f(&gs.minute(int32(m)).d)
}

// maybeSweep drops minutes older than the retention and compacts closed
// minutes, at most once per minute of the store's clock.
func (s *Store) maybeSweep(now int64) {
	last := s.lastSweep.Load()
	if now <= last || !s.lastSweep.CompareAndSwap(last, now) {
		return
	}
	cutoff := int32(now - int64(s.retention) + 1)
	closedFrom := int32(last - 2)
	closedTo := int32(now - 1) // minutes before this are closed
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, ls := range s.lambda {
		i := sort.Search(len(ls.mins), func(i int) bool { return ls.mins[i].t >= cutoff })
		if i > 0 {
			n := copy(ls.mins, ls.mins[i:])
			clear(ls.mins[n:])
			ls.mins = ls.mins[:n]
		}
		if len(ls.mins) == 0 {
			delete(s.lambda, k)
			continue
		}
		for j := len(ls.mins) - 1; j >= 0 && ls.mins[j].t >= closedFrom; j-- {
			if ls.mins[j].t < closedTo {
				ls.mins[j].dur.compact()
			}
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
		for j := len(gs.mins) - 1; j >= 0 && gs.mins[j].t >= closedFrom; j-- {
			if gs.mins[j].t < closedTo {
				gs.mins[j].d.compact()
			}
		}
	}
}

// SeriesCount returns the number of stored series (for tests and benchmarks).
func (s *Store) SeriesCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.lambda) + len(s.generic)
}
