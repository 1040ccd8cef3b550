package logs

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// invocationLines is what one simulated invocation writes.
func invocationLines(now time.Time, i int) []record.LogLine {
	id := fmt.Sprintf("5f3e%08x-aaaa-4bbb-8ccc-%012x", i, i)
	return []record.LogLine{
		{Time: now, Message: "START RequestId: " + id + " Version: $LATEST"},
		{Time: now, Message: now.Format(time.RFC3339Nano) + "\t" + id + "\tINFO\tprocessed order " + strconv.Itoa(i)},
		{Time: now, Message: "END RequestId: " + id},
		{Time: now, Message: "REPORT RequestId: " + id + "\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB"},
	}
}

// BenchmarkAppend measures Store.Logs throughput with 2,000 groups and the
// default retention limits (so eviction runs once the store is full).
//
//	go test -run XXX -bench Append -benchmem ./sandbox/logs
func BenchmarkAppend(b *testing.B) {
	for _, tail := range []bool{false, true} {
		b.Run(fmt.Sprintf("liveTail=%v", tail), func(b *testing.B) {
			clk := clock.NewManual(t0)
			st := NewStore(clk, Options{})
			const groups = 2000
			names := make([]string, groups)
			for i := range names {
				names[i] = fmt.Sprintf("/aws/lambda/fn-%04d", i)
				st.CreateGroup(names[i])
			}
			if tail {
				// one session on 10 groups with a filter, as the TUI opens
				sub := newSubscription(500)
				p, _ := ParsePattern("?ERROR ?REPORT")
				sub.pat = p
				for _, n := range names[:10] {
					sub.groups[n] = n
				}
				cancel, _ := st.subscribe(sub)
				defer cancel()
				stop := make(chan struct{})
				defer close(stop)
				go func() {
					for {
						select {
						case <-stop:
							return
						case <-time.After(time.Second):
							sub.drain()
						}
					}
				}()
			}
			batches := make([][]record.LogLine, 64)
			for i := range batches {
				batches[i] = invocationLines(t0, i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				g := names[i%groups]
				st.Logs(g, "2026/11/26/[$LATEST]"+g[len(g)-4:], batches[i%len(batches)])
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*4)/b.Elapsed().Seconds(), "events/s")
			bytes, _ := st.Bytes()
			b.ReportMetric(float64(bytes)/(1<<20), "stored-MiB")
		})
	}
}

// BenchmarkStoreMemory fills the store far past its limit and reports the
// Go heap it holds (the limits bound it).
//
//	go test -run XXX -bench StoreMemory ./sandbox/logs
func BenchmarkStoreMemory(b *testing.B) {
	for range b.N {
		clk := clock.NewManual(t0)
		st := NewStore(clk, Options{})
		for i := range 500_000 { // 2M events, ~300 MB of text offered
			g := fmt.Sprintf("/aws/lambda/fn-%04d", i%2000)
			st.Logs(g, "s-"+strconv.Itoa(i%5), invocationLines(t0, i))
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		bytes, events := st.Bytes()
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(bytes)/(1<<20), "accounted-MiB")
		b.ReportMetric(float64(events), "events-kept")
		runtime.KeepAlive(st)
	}
}

// BenchmarkLiveTailLatency appends events at a fixed real-time rate to a
// group tailed over HTTP by the Go SDK with AWS's 1-second update interval
// and 500-event cap, and reports the append-to-client latency of the
// delivered events. At 1,000 events/s about half are sampled out, as on
// AWS; at 400 events/s every event must arrive.
//
//	go test -run XXX -bench LiveTailLatency -benchtime 3000x ./sandbox/logs
func BenchmarkLiveTailLatency(b *testing.B) {
	for _, rate := range []int{1000, 400} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) { benchLiveTail(b, rate) })
	}
}

func benchLiveTail(b *testing.B, rate int) {
	e := newEnv(b, Options{})
	g := "/aws/lambda/bench"
	e.store.CreateGroup(g)
	stream, _ := startTail(b, e.c, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{g}})
	type rx struct {
		lat     []time.Duration
		sampled int // updates flagged sampled
	}
	stop := make(chan struct{})
	done := make(chan rx)
	go func() {
		var r rx
		defer func() { done <- r }()
		for {
			select {
			case ev, ok := <-stream.Events():
				if !ok {
					return
				}
				up, ok := ev.(*types.StartLiveTailResponseStreamMemberSessionUpdate)
				if !ok {
					continue
				}
				now := time.Now()
				if up.Value.SessionMetadata != nil && up.Value.SessionMetadata.Sampled {
					r.sampled++
				}
				for _, res := range up.Value.SessionResults {
					msg := aws.ToString(res.Message)
					if i := strings.LastIndexByte(msg, ' '); i >= 0 {
						if ns, err := strconv.ParseInt(msg[i+1:], 10, 64); err == nil {
							r.lat = append(r.lat, now.Sub(time.Unix(0, ns)))
						}
					}
				}
			case <-stop:
				return
			}
		}
	}()
	period := time.Second / time.Duration(rate)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if d := time.Until(start.Add(time.Duration(i) * period)); d > 0 {
			time.Sleep(d)
		}
		e.store.Logs(g, "s", []record.LogLine{{Time: time.Now(), Message: "event sent-at-ns " + strconv.FormatInt(time.Now().UnixNano(), 10)}})
	}
	b.StopTimer()
	time.Sleep(1500 * time.Millisecond) // the last update window
	close(stop)
	r := <-done
	if len(r.lat) == 0 {
		b.Fatal("no events received")
	}
	slices.Sort(r.lat)
	b.ReportMetric(float64(r.lat[len(r.lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(r.lat[len(r.lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(r.lat[len(r.lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(len(r.lat)), "delivered")
	b.ReportMetric(float64(b.N-len(r.lat)), "sampled-out")
	b.ReportMetric(float64(r.sampled), "sampled-updates")
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "offered-events/s")
}
