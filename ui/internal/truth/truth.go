// Package truth is the ground truth the screens are checked against: a
// record.Sink that keeps every invocation and metric the sandbox's
// simulation reports (sandbox.Options.Record), and the figures computed
// from those records for a window, the way CloudWatch defines them. The
// harness test drives the real panes over the real aws client against the
// sandbox and compares every figure they show with these. Test support
// only: nothing in the binary imports it.
package truth

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/record"
)

// Recorder keeps what the simulation reports. Safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	inv  []record.Invocation
	mets []record.Metric
}

var _ record.Sink = (*Recorder)(nil)

// Invocation implements record.Sink.
func (r *Recorder) Invocation(i record.Invocation) {
	r.mu.Lock()
	r.inv = append(r.inv, i)
	r.mu.Unlock()
}

// Metric implements record.Sink.
func (r *Recorder) Metric(m record.Metric) {
	r.mu.Lock()
	r.mets = append(r.mets, m)
	r.mu.Unlock()
}

// Logs implements record.Sink (log lines are not needed: REPORT figures
// come from the invocations themselves).
func (r *Recorder) Logs(string, string, []record.LogLine) {}

// Filter selects invocations: a function, optionally one qualifier
// (Resource, "" = every invocation of the function) and executed version.
type Filter struct {
	Function        string
	Resource        string
	ExecutedVersion string
}

func (f Filter) match(i *record.Invocation) bool {
	if i.Function != f.Function {
		return false
	}
	if f.Resource != "" && i.Resource != f.Resource {
		return false
	}
	if f.ExecutedVersion != "" && (i.Throttled || i.ExecutedVersion != f.ExecutedVersion) {
		return false
	}
	return true
}

// Figures are the headline figures over a window, as CloudWatch computes
// them: Invocations counts every invocation that ran (not throttles),
// Errors the failed ones, Throttles the rejected ones; P50 and P99 are
// nearest-rank percentiles of Duration in milliseconds (P90 likewise; NaN without
// invocations); ColdStarts counts invocations with an init phase;
// MaxMemoryUsedMB is the largest REPORT "Max Memory Used".
type Figures struct {
	Invocations, Errors, Throttles float64
	ColdStarts                     float64
	P50, P90, P99                  float64
	MeanMs                         float64 // mean Duration (NaN without invocations)
	MaxMemoryUsedMB, MemorySizeMB  int
	// Peak is the largest number of concurrent executions seen when an
	// invocation started (ConcurrentExecutions, Maximum).
	Peak int
}

// ErrorRate is Errors/Invocations, NaN without invocations.
func (f Figures) ErrorRate() float64 {
	if f.Invocations == 0 {
		return math.NaN()
	}
	return f.Errors / f.Invocations
}

// inWindow is CloudWatch's rule: a datapoint belongs to the minute it
// started in, and a window is [start, end) in whole minutes.
func inWindow(t, start, end time.Time) bool {
	m := t.Truncate(time.Minute)
	return !m.Before(start) && m.Before(end)
}

// Window computes the figures of the invocations f selects that started in
// [start, end).
func (r *Recorder) Window(f Filter, start, end time.Time) Figures {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out Figures
	type sample struct {
		ms float64
		w  float64
	}
	var durs []sample
	var durSum float64
	for k := range r.inv {
		i := &r.inv[k]
		if !f.match(i) || !inWindow(i.Start, start, end) {
			continue
		}
		w := 1.0
		if i.Count > 1 {
			w = float64(i.Count)
		}
		if i.Throttled {
			out.Throttles += w
			continue
		}
		out.Invocations += w
		out.Errors += float64(i.Failed())
		if i.InitDuration > 0 {
			out.ColdStarts += w
		}
		out.MaxMemoryUsedMB = max(out.MaxMemoryUsedMB, i.MaxMemoryUsedMB)
		out.MemorySizeMB = i.MemorySizeMB
		out.Peak = max(out.Peak, i.Concurrent)
		durs = append(durs, sample{float64(i.Duration) / float64(time.Millisecond), w})
		durSum += w * float64(i.Duration) / float64(time.Millisecond)
	}
	out.P50, out.P90, out.P99, out.MeanMs = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if len(durs) > 0 {
		out.MeanMs = durSum / out.Invocations
		sort.Slice(durs, func(a, b int) bool { return durs[a].ms < durs[b].ms })
		var total float64
		for _, d := range durs {
			total += d.w
		}
		rank := func(p float64) float64 {
			want := math.Ceil(p / 100 * total)
			var cum float64
			for _, d := range durs {
				cum += d.w
				if cum >= want {
					return d.ms
				}
			}
			return durs[len(durs)-1].ms
		}
		out.P50, out.P90, out.P99 = rank(50), rank(90), rank(99)
	}
	return out
}

// IteratorAge is the newest IteratorAge (milliseconds) reported for a
// function in [start, end): the Maximum of the newest minute that has a
// datapoint, as a Maximum-per-minute series reads. ok is false when the
// mapping reported none in the window.
func (r *Recorder) IteratorAge(function string, start, end time.Time) (ms float64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var newest time.Time
	for _, m := range r.mets {
		if m.Name != "IteratorAge" || m.Dimensions["FunctionName"] != function || len(m.Dimensions) != 1 || !inWindow(m.Time, start, end) {
			continue
		}
		mt := m.Time.Truncate(time.Minute)
		switch {
		case !ok || mt.After(newest):
			newest, ms, ok = mt, m.Value, true
		case mt.Equal(newest):
			ms = max(ms, m.Value)
		}
	}
	return ms, ok
}

// Functions lists the functions that were invoked (or throttled) in
// [start, end).
func (r *Recorder) Functions(start, end time.Time) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for k := range r.inv {
		i := &r.inv[k]
		if !seen[i.Function] && inWindow(i.Start, start, end) {
			seen[i.Function] = true
			out = append(out, i.Function)
		}
	}
	sort.Strings(out)
	return out
}

// IteratorAgeMax is the largest IteratorAge (milliseconds) reported for a
// function in [start, end) (a Maximum over one period); ok is false when
// none was.
func (r *Recorder) IteratorAgeMax(function string, start, end time.Time) (ms float64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.mets {
		if m.Name != "IteratorAge" || m.Dimensions["FunctionName"] != function || len(m.Dimensions) != 1 || !inWindow(m.Time, start, end) {
			continue
		}
		if !ok || m.Value > ms {
			ms, ok = m.Value, true
		}
	}
	return ms, ok
}

// Durations are the Durations (milliseconds) of the invocations f selects
// that started in [start, end), one per invocation a record stands for,
// and how many of them failed.
func (r *Recorder) Durations(f Filter, start, end time.Time) (ms []float64, errors int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.inv {
		i := &r.inv[k]
		if !f.match(i) || i.Throttled || !inWindow(i.Start, start, end) {
			continue
		}
		for range max(1, i.Count) {
			ms = append(ms, float64(i.Duration)/float64(time.Millisecond))
		}
		errors += i.Failed()
	}
	return ms, errors
}
