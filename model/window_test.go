package model

import (
	"testing"
	"time"
)

func TestWindowRange(t *testing.T) {
	now := time.Date(2026, 11, 26, 14, 7, 31, 0, time.UTC)
	s, e := WindowRange(now, 15*time.Minute)
	if !e.Equal(now.Truncate(time.Minute)) || e.Sub(s) != 15*time.Minute {
		t.Fatalf("range %v..%v", s, e)
	}
	if WindowLabel(0) != "15m" || WindowLabel(time.Hour) != "1h" {
		t.Fatalf("labels %q %q", WindowLabel(0), WindowLabel(time.Hour))
	}
	qs := WindowQueries("f", "live", "3", 15*time.Minute)
	if len(qs) != NumWindowQueries || qs[WinP99].Stat != "p99" || qs[WinP99].Period != 15*time.Minute || qs[WinP99].ExecutedVersion != "3" {
		t.Fatalf("queries %+v", qs)
	}
}

// A period without a datapoint is no data: the newest present point, not a
// zero-filled one, is the last value.
func TestLastPresent(t *testing.T) {
	s := MetricSeries{Values: []float64{5, 7, 0}, Present: []bool{true, true, false}}
	if v, ok := s.LastPresent(); !ok || v != 7 {
		t.Fatalf("LastPresent %v %v", v, ok)
	}
	if _, ok := (MetricSeries{Values: []float64{0}, Present: []bool{false}}).LastPresent(); ok {
		t.Fatal("an empty period reads as data")
	}
	if v, ok := (MetricSeries{Values: []float64{3}}).LastPresent(); !ok || v != 3 {
		t.Fatal("without Present every point is data")
	}
	ws := WindowStatsFrom(15*time.Minute, make([]MetricSeries, NumWindowQueries))
	if ws.HasDuration {
		t.Fatal("no duration datapoint must not read as p99 0")
	}
}

// IteratorAge reported every few minutes (a polling mapping) over a short
// window: the gaps are dropped, and an age growing as fast as the clock is
// rising even when it is not half as old again within the window.
func TestIteratorRisingWithGaps(t *testing.T) {
	base := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	var q MetricSeries
	for i := range 15 {
		q.Timestamps = append(q.Timestamps, base.Add(time.Duration(i)*time.Minute))
		v, has := 0.0, i%3 == 2
		if has {
			v = float64(4_500_000 + i*60_000) // 75 min old, one minute older each minute
		}
		q.Values, q.Present = append(q.Values, v), append(q.Present, has)
	}
	ss := make([]MetricSeries, TriageQueriesPerFunction)
	ss[6] = q
	ts := TriageFromSeries(time.Minute, ss)
	if len(ts.IteratorAge) != 5 || ts.IteratorAgeSpan != 12*time.Minute {
		t.Fatalf("ages %v span %v", ts.IteratorAge, ts.IteratorAgeSpan)
	}
	h := Assess(Function{Name: "f", TimeoutSec: 3}, ts, HealthContext{})
	if !h.Has("iterator-age") {
		t.Fatalf("not flagged: %+v", h.Findings)
	}
	// a steady age is not rising
	for i := range q.Values {
		if q.Present[i] {
			q.Values[i] = 4_500_000
		}
	}
	ss[6] = q
	if h := Assess(Function{Name: "f"}, TriageFromSeries(time.Minute, ss), HealthContext{}); h.Has("iterator-age") {
		t.Fatalf("a steady age flagged: %s", h.Reason())
	}
}
