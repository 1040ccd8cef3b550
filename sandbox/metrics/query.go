package metrics

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/internal/lazyre"
)

// Limits as AWS enforces them.
const (
	MaxQueries            = 500
	DefaultMaxDatapoints  = 100800
	MaxStatisticsPoints   = 1440
	ListMetricsPageSize   = 500
	MaxPutMetricData      = 1000
	MaxDimensions         = 30
	maxExpressionLen      = 2048
	scanDescending        = "TimestampDescending"
	scanAscending         = "TimestampAscending"
	statusComplete        = "Complete"
	statusPartialData     = "PartialData"
	statusInternalError   = "InternalError"
	queryTokenPrefix      = "gmd1."
	listMetricTokenPrefix = "lm1."
)

var idPattern = lazyre.New(`^[a-z][a-zA-Z0-9_]*$`)

// point is one aggregated period: t in epoch seconds.
type point struct {
	t int64
	v float64
}

// window is the time grid of a query: minutes [start, end) in buckets of
// per minutes, starting at start.
type window struct {
	start, end int64 // minutes since the epoch
	per        int64 // minutes per period (>= 1)
}

// ref is a resolved series.
type ref struct {
	l      *lseries
	metric int
	g      *gseries
}

func (s *Store) lookup(ns, name string, dims []Dimension) (ref, bool) {
	if ns == LambdaNamespace {
		if mi := lambdaMetricIndex(name); mi >= 0 {
			var k lkey
			ok := true
			for _, d := range dims {
				switch {
				case d.Name == "FunctionName" && k.fn == "":
					k.fn = d.Value
				case d.Name == "Resource" && k.res == "":
					k.res = d.Value
				case d.Name == "ExecutedVersion" && k.ver == "":
					k.ver = d.Value
				default:
					ok = false
				}
			}
			if ok && (k.fn != "" || len(dims) == 0) {
				if ls := s.lseriesFor(k); ls != nil && ls.seen&(1<<mi) != 0 {
					return ref{l: ls, metric: mi}, true
				}
				return ref{}, false
			}
		}
	}
	_, dk := canonDims(dims)
	if gs := s.generic[gkey{ns: ns, name: name, dims: dk}]; gs != nil {
		return ref{g: gs}, true
	}
	return ref{}, false
}

// lseriesFor finds an invocation-derived series by its dimensions.
func (s *Store) lseriesFor(k lkey) *lseries {
	if k.fn == "" {
		if k.res != "" || k.ver != "" || len(s.region.mins) == 0 {
			return nil
		}
		return &s.region
	}
	fs := s.fns[k.fn]
	if fs == nil {
		return nil
	}
	if k.res == "" {
		if k.ver != "" {
			return nil
		}
		return &fs.all
	}
	q, ok := strings.CutPrefix(k.res, k.fn+":")
	if !ok {
		return nil
	}
	rs := fs.res[q]
	if rs == nil {
		return nil
	}
	if k.ver == "" {
		return &rs.s
	}
	return rs.vers[k.ver]
}

func (r ref) unit() string {
	if r.l != nil {
		return lambdaMetricUnits[r.metric]
	}
	if r.g != nil {
		return r.g.unit
	}
	return ""
}

// addMinute adds one stored minute of the series to a.
func (r ref) addLambda(a *acc, m *lminute) {
	switch r.metric {
	case mInvocations:
		a.addCounter(m.dur.n, 0)
	case mErrors:
		if m.dur.n > 0 {
			a.addCounter(m.errs, m.dur.n-m.errs)
		}
	case mThrottles:
		a.addCounter(m.thr, 0)
	case mDuration:
		a.addDsum(&m.dur, &r.l.h, m.t)
	case mConcurrent:
		if m.conc > 0 {
			a.addValue(float64(m.conc))
		}
	case mPCInvocations:
		a.addCounter(m.pc, 0)
	case mSpillover:
		a.addCounter(m.spill, 0)
	}
}

// scan calls emit for every period of w that has data, oldest first.
func (r ref) scan(w window, a *acc, emit func(t int64, a *acc)) {
	a.integral = r.l != nil && r.metric != mDuration
	cur := int64(-1)
	flush := func() {
		if cur >= 0 && a.n > 0 {
			emit((w.start+cur*w.per)*60, a)
		}
		a.reset()
	}
	step := func(t int32) bool { // false: past the window
		m := int64(t)
		if m >= w.end {
			return false
		}
		if b := (m - w.start) / w.per; b != cur {
			flush()
			cur = b
		}
		return true
	}
	if r.l != nil {
		mins := r.l.mins
		i := sort.Search(len(mins), func(i int) bool { return int64(mins[i].t) >= w.start })
		for ; i < len(mins) && step(mins[i].t); i++ {
			r.addLambda(a, &mins[i])
		}
	} else if r.g != nil {
		mins := r.g.mins
		i := sort.Search(len(mins), func(i int) bool { return int64(mins[i].t) >= w.start })
		for ; i < len(mins) && step(mins[i].t); i++ {
			a.addDsum(&mins[i].d, &r.g.h, mins[i].t)
		}
	}
	flush()
}

func validPeriod(p int32) bool {
	switch p {
	case 1, 5, 10, 20, 30:
		return true
	}
	return p >= 60 && p%60 == 0
}

func perMinutes(p int32) int64 {
	if p < 60 {
		return 1
	}
	return int64(p / 60)
}

// compiled is a validated query.
type compiled struct {
	q      *MetricDataQuery
	stat   stat
	expr   node
	label  string
	ret    bool
	points []point
	done   bool // evaluated
	busy   bool // being evaluated (cycle detection)
	msgs   []MessageData
}

// GetMetricData runs the queries of one call, protocol-neutral.
func (s *Store) GetMetricData(in *GetMetricDataInput) (*GetMetricDataOutput, error) {
	if len(in.MetricDataQueries) == 0 {
		return nil, errMissing("MetricDataQueries")
	}
	if len(in.MetricDataQueries) > MaxQueries {
		return nil, errInvalidValue("The collection MetricDataQueries must not have a size greater than %d.", MaxQueries)
	}
	if in.StartTime == nil {
		return nil, errMissing("StartTime")
	}
	if in.EndTime == nil {
		return nil, errMissing("EndTime")
	}
	if !in.StartTime.Before(in.EndTime.Time) {
		return nil, errInvalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	scan := scanDescending
	if in.ScanBy != nil {
		switch *in.ScanBy {
		case scanDescending, scanAscending:
			scan = *in.ScanBy
		default:
			return nil, errInvalidValue("The value %s for parameter ScanBy is not valid (TimestampDescending or TimestampAscending).", *in.ScanBy)
		}
	}
	maxPoints := DefaultMaxDatapoints
	if in.MaxDatapoints != nil {
		if *in.MaxDatapoints < 1 {
			return nil, errInvalidValue("The parameter MaxDatapoints must be greater than 0.")
		}
		maxPoints = int(*in.MaxDatapoints)
	}
	qs := make([]*compiled, len(in.MetricDataQueries))
	byID := make(map[string]*compiled, len(qs))
	for i := range in.MetricDataQueries {
		q := &in.MetricDataQueries[i]
		path := fmt.Sprintf("MetricDataQueries.member.%d", i+1)
		c, err := compileQuery(q, path)
		if err != nil {
			return nil, err
		}
		if byID[q.Id] != nil {
			return nil, errInvalidValue("The value %s for parameter %s.Id is not unique.", q.Id, path)
		}
		byID[q.Id] = c
		qs[i] = c
	}
	for i, c := range qs {
		if c.expr != nil {
			for _, id := range c.expr.refs(nil) {
				if byID[id] == nil {
					return nil, errInvalidValue("Error in expression %s (%s): unknown metric or expression id %q.", c.q.Id, fmt.Sprintf("MetricDataQueries.member.%d", i+1), id)
				}
			}
		}
	}
	startQ, startOff := 0, 0
	h := requestHash(in)
	if in.NextToken != nil && *in.NextToken != "" {
		var ok bool
		startQ, startOff, ok = decodeQueryToken(*in.NextToken, h, len(qs))
		if !ok {
			return nil, errNextToken()
		}
	}
	w := window{start: minuteOf(in.StartTime.Time), end: ceilMinute(in.EndTime.Time)}
	s.maybeSweep(minuteOf(s.clk.Now()))
	s.mu.RLock()
	ev := &evaluator{s: s, w: w, byID: byID}
	for _, c := range qs {
		if c.ret {
			ev.eval(c)
		}
	}
	s.mu.RUnlock()

	out := &GetMetricDataOutput{MetricDataResults: []MetricDataResult{}}
	budget := maxPoints
	for qi := startQ; qi < len(qs); qi++ {
		c := qs[qi]
		if !c.ret {
			continue
		}
		pts := c.points
		if scan == scanDescending {
			rev := make([]point, len(pts))
			for i, p := range pts {
				rev[len(pts)-1-i] = p
			}
			pts = rev
		}
		off := 0
		if qi == startQ {
			off = min(startOff, len(pts))
		}
		pts = pts[off:]
		res := MetricDataResult{Id: c.q.Id, Label: c.label, Timestamps: []Timestamp{}, Values: []float64{}, StatusCode: statusComplete, Messages: c.msgs}
		n := len(pts)
		if n > budget {
			n = budget
		}
		for _, p := range pts[:n] {
			res.Timestamps = append(res.Timestamps, Timestamp{time.Unix(p.t, 0).UTC()})
			res.Values = append(res.Values, p.v)
		}
		budget -= n
		if n < len(pts) {
			res.StatusCode = statusPartialData
			tok := encodeQueryToken(qi, off+n, h)
			out.NextToken = &tok
			out.MetricDataResults = append(out.MetricDataResults, res)
			break
		}
		out.MetricDataResults = append(out.MetricDataResults, res)
	}
	return out, nil
}

func ceilMinute(t time.Time) int64 {
	m := minuteOf(t)
	if !time.Unix(m*60, 0).Equal(t) && time.Unix(m*60, 0).Before(t) {
		m++
	}
	return m
}

func compileQuery(q *MetricDataQuery, path string) (*compiled, error) {
	if q.Id == "" {
		return nil, errMissing(path + ".Id")
	}
	if len(q.Id) > 255 || !idPattern.MatchString(q.Id) {
		return nil, errInvalidValue("The value %s for parameter %s.Id is not valid. It must start with a lowercase letter and contain only letters, numbers and underscores.", q.Id, path)
	}
	hasExpr := q.Expression != nil
	if (q.MetricStat != nil) == hasExpr {
		return nil, errCombination("Exactly one element of the MetricStat or Expression parameters must be specified in %s.", path)
	}
	c := &compiled{q: q, ret: q.ReturnData == nil || *q.ReturnData}
	if q.Label != nil {
		c.label = *q.Label
	}
	if hasExpr {
		e := *q.Expression
		if len(e) == 0 || len(e) > maxExpressionLen {
			return nil, errInvalidValue("The parameter %s.Expression must be 1 to %d characters long.", path, maxExpressionLen)
		}
		if q.Period != nil && (*q.Period < 1 || !validPeriod(*q.Period)) {
			return nil, errInvalidValue("The value %d for parameter %s.Period is not valid.", *q.Period, path)
		}
		n, err := parseExpr(e)
		if err != nil {
			return nil, errInvalidValue("Error in expression %s: %v", q.Id, err)
		}
		c.expr = n
		if c.label == "" {
			c.label = q.Id
		}
		return c, nil
	}
	ms := q.MetricStat
	if ms.Metric == nil {
		return nil, errMissing(path + ".MetricStat.Metric")
	}
	if ms.Metric.MetricName == "" {
		return nil, errMissing(path + ".MetricStat.Metric.MetricName")
	}
	if ms.Metric.Namespace == "" {
		return nil, errMissing(path + ".MetricStat.Metric.Namespace")
	}
	if len(ms.Metric.Dimensions) > MaxDimensions {
		return nil, errInvalidValue("The collection %s.MetricStat.Metric.Dimensions must not have a size greater than %d.", path, MaxDimensions)
	}
	if ms.Period == nil {
		return nil, errMissing(path + ".MetricStat.Period")
	}
	if !validPeriod(*ms.Period) {
		return nil, errInvalidValue("The value %d for parameter %s.MetricStat.Period is not valid. Valid values are 1, 5, 10, 20, 30, 60 and any multiple of 60.", *ms.Period, path)
	}
	if ms.Stat == "" {
		return nil, errMissing(path + ".MetricStat.Stat")
	}
	st, ok := parseStat(ms.Stat)
	if !ok {
		return nil, errInvalidValue("The value %s for parameter %s.MetricStat.Stat is not a valid statistic.", ms.Stat, path)
	}
	c.stat = st
	if c.label == "" {
		c.label = ms.Metric.MetricName
	}
	return c, nil
}

// evaluator computes query points under the store's read lock.
type evaluator struct {
	s    *Store
	w    window
	byID map[string]*compiled
	a    acc
}

func (ev *evaluator) eval(c *compiled) []point {
	if c.done {
		return c.points
	}
	if c.busy {
		c.msgs = append(c.msgs, MessageData{Code: "InternalError", Value: "circular reference in expressions"})
		return nil
	}
	c.busy = true
	defer func() { c.busy = false; c.done = true }()
	if c.expr != nil {
		v, err := c.expr.eval(ev)
		if err != nil {
			c.msgs = append(c.msgs, MessageData{Code: "InternalError", Value: err.Error()})
			c.points = []point{}
			return c.points
		}
		c.points = v.series
		return c.points
	}
	ms := c.q.MetricStat
	c.points = []point{}
	r, ok := ev.s.lookup(ms.Metric.Namespace, ms.Metric.MetricName, ms.Metric.Dimensions)
	if !ok || (ms.Unit != "" && ms.Unit != "None" && r.unit() != "" && ms.Unit != r.unit()) {
		return c.points
	}
	w := ev.w
	w.per = perMinutes(*ms.Period)
	ev.a.pct = c.stat.kind == statPercentile
	r.scan(w, &ev.a, func(t int64, a *acc) {
		v := a.value(c.stat)
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			c.points = append(c.points, point{t, v})
		}
	})
	return c.points
}

func requestHash(in *GetMetricDataInput) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%d|", in.StartTime.UnixMilli(), in.EndTime.UnixMilli())
	if in.ScanBy != nil {
		h.Write([]byte(*in.ScanBy))
	}
	for _, q := range in.MetricDataQueries {
		h.Write([]byte("|" + q.Id))
		if q.Expression != nil {
			h.Write([]byte("=" + *q.Expression))
		}
		if ms := q.MetricStat; ms != nil {
			if ms.Metric != nil {
				h.Write([]byte(ms.Metric.Namespace + "/" + ms.Metric.MetricName))
				for _, d := range ms.Metric.Dimensions {
					h.Write([]byte(d.Name + "=" + d.Value + ";"))
				}
			}
			if ms.Period != nil {
				fmt.Fprintf(h, "%d", *ms.Period)
			}
			h.Write([]byte(ms.Stat))
		}
	}
	return h.Sum64()
}

func encodeQueryToken(q, off int, h uint64) string {
	return queryTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%d.%x", q, off, h)))
}

func decodeQueryToken(tok string, h uint64, nq int) (q, off int, ok bool) {
	rest, found := strings.CutPrefix(tok, queryTokenPrefix)
	if !found || len(rest) > 100 {
		return 0, 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return 0, 0, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return 0, 0, false
	}
	q, err1 := strconv.Atoi(parts[0])
	off, err2 := strconv.Atoi(parts[1])
	th, err3 := strconv.ParseUint(parts[2], 16, 64)
	if err1 != nil || err2 != nil || err3 != nil || q < 0 || q >= nq || off < 0 || th != h {
		return 0, 0, false
	}
	return q, off, true
}
