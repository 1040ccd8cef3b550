//go:build simstores

// Run with: go test -tags simstores -run XXX -bench Stores ./sandbox/sim/
// (kept behind a tag so this package's tests never depend on the
// state of the logs and metrics packages).

package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/logs"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// BenchmarkTraffic1000PerSec2000FunctionsStores is the same load as
// BenchmarkTraffic1000PerSec2000Functions but reporting into the real logs
// and metrics stores, as the sandbox does. ns/op is CPU per simulated
// second for simulation + stores (no HTTP).
func BenchmarkTraffic1000PerSec2000FunctionsStores(b *testing.B) {
	clk := clock.NewManual(t0)
	sink := record.Multi{logs.NewStore(clk, logs.Options{}), metrics.NewStore(clk, metrics.Options{})}
	e := NewEngine(clk, sink, 1, 100000)
	w := &benchWorld{e: e, calls: map[string]*Call{}}
	for i := 0; i < 2000; i++ {
		name := fmt.Sprint("fn-", i)
		c := baseCall()
		c.Function = name
		c.Behaviour = &Behaviour{MeanDuration: time.Duration(20+i%200) * time.Millisecond, Rate: 0.5, AsyncShare: 0.1}
		w.calls[name] = &c
		w.targets = append(w.targets, Target{Function: name, Behaviour: c.Behaviour})
	}
	tr := NewTraffic(e, w, clk, 1, 1)
	tr.Step(t0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clk.Advance(time.Second)
		tr.Step(clk.Now())
	}
	b.ReportMetric(float64(w.n)/float64(b.N), "invocations/op")
}
