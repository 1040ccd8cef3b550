package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/sim"
)

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true}}
}

// markers walks every ListFunctions page once and returns their markers.
func markers(b *testing.B, c *http.Client, base string) []string {
	ms := []string{""}
	for {
		resp, err := c.Get(base + "/2015-03-31/functions?Marker=" + url.QueryEscape(ms[len(ms)-1]))
		if err != nil {
			b.Fatal(err)
		}
		var out struct{ NextMarker string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if out.NextMarker == "" {
			return ms
		}
		ms = append(ms, out.NextMarker)
	}
}

// BenchmarkListFunctionsPages serves 50-function pages of a 10,000-function
// fleet over real HTTP (keep-alive, parallel clients).
func BenchmarkListFunctionsPages(b *testing.B) {
	s, _ := start(b, Options{Functions: 10000, Seed: 1})
	c := benchClient()
	ms := markers(b, c, s.URL())
	urls := make([]string, len(ms))
	for i, m := range ms {
		urls[i] = s.URL() + "/2015-03-31/functions?Marker=" + url.QueryEscape(m)
	}
	var n atomic.Int64
	b.ResetTimer()
	begin, cpu0 := time.Now(), processCPU()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 128<<10)
		i := int(n.Add(7))
		for pb.Next() {
			resp, err := c.Get(urls[i%len(urls)])
			if err != nil {
				b.Error(err)
				return
			}
			for {
				if _, err := resp.Body.Read(buf); err != nil {
					break
				}
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			i++
		}
	})
	reportRate(b, begin, cpu0, "pages/s")
}

// BenchmarkInvoke invokes a healthy function over real HTTP (RequestResponse).
func BenchmarkInvoke(b *testing.B) {
	// The real clock: on a manual clock environments would stay busy forever.
	c := benchClient()
	s2, err := Start(ctx, Options{Functions: 150, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer s2.Close()
	// A fast function, so that 20,000 calls/s stay within the account's
	// 1,000 concurrent executions.
	s2.SetBehaviour("image-resizer", sim.Behaviour{MeanDuration: 2 * time.Millisecond, MemoryUsedMB: 120})
	target := s2.URL() + "/2015-03-31/functions/image-resizer/invocations"
	payload := []byte(`{"key":"cat.jpg"}`)
	var ok, throttled atomic.Int64
	b.ResetTimer()
	begin, cpu0 := time.Now(), processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Post(target, "application/json", bytes.NewReader(payload))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
			case 429:
				throttled.Add(1)
			default:
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	reportRate(b, begin, cpu0, "invokes/s")
	b.ReportMetric(float64(throttled.Load())/float64(b.N), "throttled/op")
}

// BenchmarkFleetMemory reports the heap held by a 10,000-function sandbox
// after every page has been listed once (response caches filled).
func BenchmarkFleetMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := Start(ctx, Options{Functions: 10000, Seed: 1, Clock: nil})
		if err != nil {
			b.Fatal(err)
		}
		c := benchClient()
		_ = markers(b, c, s.URL())
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MB")
		b.ReportMetric(float64(after.Sys)/(1<<20), "sys-MB")
		runtime.KeepAlive(s)
		s.Close()
	}
}

// reportRate reports the wall-clock rate and, since the benchmark machine is
// shared, the rate two dedicated cores would reach at the CPU time this
// process (server and client together) spent per operation.
func reportRate(b *testing.B, begin time.Time, cpu0 time.Duration, unit string) {
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), unit)
	if cpu := processCPU() - cpu0; cpu > 0 {
		per := cpu / time.Duration(b.N)
		b.ReportMetric(float64(per.Microseconds()), "cpu-µs/op")
		b.ReportMetric(2*float64(time.Second)/float64(per), unit+"@2cores")
	}
}
