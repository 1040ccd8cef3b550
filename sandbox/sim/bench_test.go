package sim

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// BenchmarkEngineInvoke measures Engine.InvokeAt across 200 functions from
// all procs, simulated time moving 50 µs per call (~20k calls per simulated
// second, so environments are reused and released as in real traffic).
func BenchmarkEngineInvoke(b *testing.B) {
	clk := clock.NewManual(t0)
	e := NewEngine(clk, record.Nop{}, 1, 100000)
	beh := &Behaviour{MeanDuration: 20 * time.Millisecond, ErrorRate: 0.01}
	names := make([]string, 200)
	for i := range names {
		names[i] = fmt.Sprint("fn-", i)
	}
	var tick atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := baseCall()
		c.Behaviour = beh
		for pb.Next() {
			n := tick.Add(1)
			c.Function = names[n%int64(len(names))]
			e.InvokeAt(t0.Add(time.Duration(n)*50*time.Microsecond), c)
		}
	})
}

// BenchmarkEngineInvokeTail is one function, sync, with LogType=Tail.
func BenchmarkEngineInvokeTail(b *testing.B) {
	e := NewEngine(clock.NewManual(t0), record.Nop{}, 1, 100000)
	c := baseCall()
	c.Tail = true
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.InvokeAt(t0.Add(time.Duration(i)*time.Millisecond), c)
	}
}

// benchWorld is a cheap World: no locks beyond the engine's, so the
// benchmark measures the simulation.
type benchWorld struct {
	e       *Engine
	targets []Target
	calls   map[string]*Call
	n       int
}

func (w *benchWorld) Targets(dst []Target) []Target    { return append(dst, w.targets...) }
func (w *benchWorld) Mappings(dst []Mapping) []Mapping { return dst }
func (w *benchWorld) Invoke(fn, q string, at time.Time, async bool, p []byte) (Result, bool) {
	c := *w.calls[fn]
	c.Async = async
	w.n++
	return w.e.InvokeAt(at, c), true
}

// BenchmarkTraffic1000PerSec2000Functions: one op is one simulated second
// of traffic at 1,000 invocations/s spread over 2,000 functions (at the
// daily peak, Nop sink). ns/op is the CPU cost per simulated second: under
// 1e9 means under one core.
func BenchmarkTraffic1000PerSec2000Functions(b *testing.B) {
	clk := clock.NewManual(t0) // 15:00 UTC: daily peak
	e := NewEngine(clk, record.Nop{}, 1, 100000)
	w := &benchWorld{e: e, calls: map[string]*Call{}}
	for i := 0; i < 2000; i++ {
		name := fmt.Sprint("fn-", i)
		c := baseCall()
		c.Function = name
		c.Behaviour = &Behaviour{MeanDuration: time.Duration(20+i%200) * time.Millisecond, Rate: 0.5, AsyncShare: 0.1}
		if i%7 == 0 {
			c.LogFormat = "JSON"
		}
		w.calls[name] = &c
		w.targets = append(w.targets, Target{Function: name, Behaviour: c.Behaviour})
	}
	tr := NewTraffic(e, w, clk, 1, 1)
	now := t0
	tr.Step(now)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(time.Second)
		tr.Step(now)
	}
	b.ReportMetric(float64(w.n)/float64(b.N), "invocations/op")
}
