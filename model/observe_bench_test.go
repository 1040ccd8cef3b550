package model

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// benchEvents is a realistic mix: per invocation START, two app lines (one
// JSON), END and REPORT, one in ten a cold start.
func benchEvents(n int) []LogEvent {
	out := make([]LogEvent, 0, n)
	t0 := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	for i := 0; len(out) < n; i++ {
		id := fmt.Sprintf("%08x-7d4e-4c1b-9f2e-0a1b2c3d4e5f", i)
		stream := fmt.Sprintf("2026/11/26/[%d]0123456789abcdef0123456789abcdef", 7+i%2)
		init := ""
		if i%10 == 0 {
			init = "Init Duration: 166.62 ms\t"
		}
		for j, m := range []string{
			"START RequestId: " + id + " Version: 7",
			"2026-11-26T14:00:00.000Z\t" + id + "\tINFO\tprocessed order 12345 for customer 987 in 42 ms",
			`{"timestamp":"2026-11-26T14:00:00.000Z","level":"WARN","message":"retrying downstream call","attempt":2,"requestId":"` + id + `"}`,
			"END RequestId: " + id,
			"REPORT RequestId: " + id + "\tDuration: 128.83 ms\tBilled Duration: 129 ms\tMemory Size: 512 MB\tMax Memory Used: 74 MB\t" + init,
		} {
			out = append(out, LogEvent{Group: "/aws/lambda/orders-api", Stream: stream, Timestamp: t0.Add(time.Duration(i) * time.Millisecond),
				Message: m, EventID: fmt.Sprintf("3823749827349827349827349823749823%06d%d", i, j)})
		}
	}
	return out[:n]
}

// BenchmarkIngest parses events and appends them to a full-size ring; the
// events/s metric must stay above 50,000 on one core.
func BenchmarkIngest(b *testing.B) {
	evs := benchEvents(100_000)
	r := NewRing(DefaultRingLines, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Append(ParseLogEvent(evs[i%len(evs)], 0))
		if i%len(evs) == len(evs)-1 {
			r.Reset() // the same event ids come round again
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRingMemory reports the heap a full 50,000-line ring holds (the
// budget is 60 MB).
func BenchmarkRingMemory(b *testing.B) {
	evs := benchEvents(DefaultRingLines)
	for i := 0; i < b.N; i++ {
		mb := ringHeapMB(evs)
		b.ReportMetric(mb, "MB")
	}
}

func ringHeapMB(evs []LogEvent) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := NewRing(DefaultRingLines, 0)
	for _, ev := range evs {
		// Copy the message so the ring, not the fixture, owns its text.
		ev.Message = string([]byte(ev.Message))
		ev.EventID = string([]byte(ev.EventID))
		ev.Stream = string([]byte(ev.Stream))
		r.Append(ParseLogEvent(ev, 0))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(r)
	return float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
}

func TestRingMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a full buffer")
	}
	evs := benchEvents(DefaultRingLines)
	if mb := ringHeapMB(evs); mb > 60 {
		t.Fatalf("a full ring holds %.1f MB, budget 60 MB", mb)
	} else {
		t.Logf("full ring: %.1f MB", mb)
	}
}
