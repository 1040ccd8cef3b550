package metrics_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// fleetRecord is invocation i of a 2,000-function fleet: every function
// behind alias "live" on two versions, log-normal-ish durations.
func fleetRecord(i int, t time.Time, fns []string) record.Invocation {
	f := i % len(fns)
	return record.Invocation{
		Function: fns[f], Resource: "live", ExecutedVersion: []string{"1", "2"}[(i/len(fns))%2],
		Start: t, Duration: time.Duration(20+(i*7919)%400) * time.Millisecond,
		Error: i%97 == 0, Concurrent: 1 + i%5, Throttled: i%211 == 0,
	}
}

func fleetNames(n int) []string {
	fns := make([]string, n)
	for i := range fns {
		fns[i] = fmt.Sprintf("function-%04d", i)
	}
	return fns
}

// BenchmarkInvocationIngest: one op is one Invocation record (2,000
// functions, 3 dimension sets each plus the region aggregate), the clock
// moving one minute every 60,000 records (1,000 invocations/s).
func BenchmarkInvocationIngest(b *testing.B) {
	fns := fleetNames(2000)
	clk := clock.NewManual(base)
	s := metrics.NewStore(clk, metrics.Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%60000 == 59999 {
			clk.Advance(time.Minute)
		}
		s.Invocation(fleetRecord(i, clk.Now(), fns))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inv/s")
}

func benchStore(b *testing.B, fns []string, minutes, perMinute int) (*metrics.Store, *clock.Manual) {
	clk := clock.NewManual(base)
	s := metrics.NewStore(clk, metrics.Options{})
	i := 0
	for m := 0; m < minutes; m++ {
		t := base.Add(time.Duration(m) * time.Minute)
		clk.Set(t)
		for k := 0; k < perMinute*len(fns); k++ {
			s.Invocation(fleetRecord(i, t.Add(time.Duration(k%60)*time.Second), fns))
			i++
		}
	}
	clk.Set(base.Add(time.Duration(minutes) * time.Minute))
	return s, clk
}

func queries500(fns []string) []metrics.MetricDataQuery {
	stats := []string{"Sum", "p99", "Average", "Maximum"}
	names := []string{"Invocations", "Duration", "Duration", "ConcurrentExecutions"}
	qs := make([]metrics.MetricDataQuery, 500)
	for i := range qs {
		p := int32(60)
		qs[i] = metrics.MetricDataQuery{Id: fmt.Sprintf("q%d", i), MetricStat: &metrics.MetricStat{
			Metric: &metrics.Metric{Namespace: "AWS/Lambda", MetricName: names[i%4],
				Dimensions: []metrics.Dimension{{Name: "FunctionName", Value: fns[i/4]}}},
			Period: &p, Stat: stats[i%4]}}
	}
	return qs
}

// BenchmarkGetMetricData500x60: one op is a call of 500 queries (Sum, p99,
// Average, Maximum over 125 functions) returning 60 points each.
func BenchmarkGetMetricData500x60(b *testing.B) {
	fns := fleetNames(125)
	s, _ := benchStore(b, fns, 60, 30)
	in := &metrics.GetMetricDataInput{StartTime: metrics.TS(base), EndTime: metrics.TS(base.Add(time.Hour)), MetricDataQueries: queries500(fns)}
	out, err := s.GetMetricData(in)
	if err != nil || len(out.MetricDataResults) != 500 || len(out.MetricDataResults[1].Values) != 60 {
		b.Fatalf("%v %v", err, out)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.GetMetricData(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*500*60)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkGetMetricData500x60CBOR is the same call through the CBOR
// front-end (decode, evaluate, encode), in process.
func BenchmarkGetMetricData500x60CBOR(b *testing.B) {
	fns := fleetNames(125)
	s, _ := benchStore(b, fns, 60, 30)
	h := metrics.NewHandler(s)
	em, _ := cbor.EncOptions{Time: cbor.TimeUnixDynamic, TimeTag: cbor.EncTagRequired}.EncMode()
	body, err := em.Marshal(&metrics.GetMetricDataInput{StartTime: metrics.TS(base), EndTime: metrics.TS(base.Add(time.Hour)), MetricDataQueries: queries500(fns)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodPost, "/service/GraniteServiceVersion20100801/operation/GetMetricData", bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
	}
}

func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// BenchmarkMemory reports the heap held by 2,000 functions × 3 dimension
// sets × N minutes at 30 invocations per function per minute (1,000/s).
func BenchmarkMemory(b *testing.B) {
	for _, minutes := range []int{60, 180} {
		b.Run(fmt.Sprintf("minutes=%d", minutes), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				before := heapMB()
				s, _ := benchStore(b, fleetNames(2000), minutes, 30)
				after := heapMB()
				b.ReportMetric(after-before, "heapMB")
				b.ReportMetric(float64(s.SeriesCount()), "series")
				runtime.KeepAlive(s)
			}
		})
	}
}
