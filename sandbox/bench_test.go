package sandbox

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/internal/cputime"
	"github.com/lambdaops/lambdaops/internal/rawhttp"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/sim"
)

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true}}
}

// markers walks every ListFunctions page once and returns their markers.
func markers(b *testing.B, c *http.Client, base string) []string {
	ms, err := rawhttp.Markers(c, base)
	if err != nil {
		b.Fatal(err)
	}
	return ms
}

// BenchmarkListFunctionsPages serves 50-function pages of a 10,000-function
// fleet over real HTTP (keep-alive, parallel clients).
func BenchmarkListFunctionsPages(b *testing.B) {
	s, err := Start(ctx, Options{Functions: 10000, Seed: 1, Clock: clock.NewManual(t0)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close() // each b.N round builds its own fleet; free it
	c := benchClient()
	ms := markers(b, c, s.URL())
	reqs := make([][]byte, len(ms))
	for i, m := range ms {
		reqs[i] = []byte("GET /2015-03-31/functions?Marker=" + url.QueryEscape(m) + " HTTP/1.1\r\nHost: " + s.Addr() + "\r\n\r\n")
	}
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	begin, cpu0 := time.Now(), cputime.Process()
	b.RunParallel(func(pb *testing.PB) {
		i := int(n.Add(7))
		conns := map[int]*rawConn{}
		for pb.Next() {
			k := i % len(reqs)
			rc := conns[k]
			if rc == nil {
				rc = dialRaw(b, s.Addr(), reqs[k])
				defer rc.c.Close()
				conns[k] = rc
			}
			code, err := rc.do()
			if err != nil || code != 200 {
				b.Errorf("status %d: %v", code, err)
				return
			}
			i++
		}
	})
	reportRate(b, begin, cpu0, "pages/s")
}

// rawConn is a minimal keep-alive HTTP/1.1 client (one request in flight,
// responses with Content-Length only), so that the benchmark measures the
// server rather than net/http's client.
type rawConn struct {
	c   net.Conn
	br  *bufio.Reader
	req []byte
}

func dialRaw(b *testing.B, addr string, req []byte) *rawConn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	return &rawConn{c: c, br: bufio.NewReaderSize(c, 64<<10), req: req}
}

func (r *rawConn) do() (int, error) {
	if _, err := r.c.Write(r.req); err != nil {
		return 0, err
	}
	return rawhttp.ReadResponse(r.br)
}

// BenchmarkInvoke invokes a function (RequestResponse) over real HTTP with
// keep-alive connections: execution simulated, logs and metrics recorded.
func BenchmarkInvoke(b *testing.B) {
	// The real clock: on a manual clock environments would stay busy forever.
	s, err := Start(ctx, Options{Functions: 150, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// A fast function, so that 20,000 calls/s stay within the account's
	// 1,000 concurrent executions.
	s.SetBehaviour("image-resizer", sim.Behaviour{MeanDuration: 2 * time.Millisecond, MemoryUsedMB: 120})
	payload := `{"key":"cat.jpg"}`
	req := []byte("POST /2015-03-31/functions/image-resizer/invocations HTTP/1.1\r\nHost: " + s.Addr() +
		"\r\nContent-Type: application/json\r\nX-Amz-Invocation-Type: RequestResponse\r\nContent-Length: " +
		strconv.Itoa(len(payload)) + "\r\n\r\n" + payload)
	var throttled atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	begin, cpu0 := time.Now(), cputime.Process()
	b.RunParallel(func(pb *testing.PB) {
		rc := dialRaw(b, s.Addr(), req)
		defer rc.c.Close()
		for pb.Next() {
			code, err := rc.do()
			if err != nil {
				b.Error(err)
				return
			}
			switch code {
			case 200:
			case 429:
				throttled.Add(1)
			default:
				b.Errorf("status %d", code)
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
		debug.FreeOSMemory()
		if rss := residentMB(); rss > 0 {
			b.ReportMetric(rss, "rss-MB")
		}
		runtime.KeepAlive(s)
		s.Close()
	}
}

// reportRate reports the wall-clock rate and, since the benchmark machine is
// shared, the rate two dedicated cores would reach at the CPU time this
// process (server and client together) spent per operation.
func reportRate(b *testing.B, begin time.Time, cpu0 time.Duration, unit string) {
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), unit)
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		per := cpu / time.Duration(b.N)
		b.ReportMetric(float64(per.Microseconds()), "cpu-µs/op")
		b.ReportMetric(2*float64(time.Second)/float64(per), unit+"@2cores")
	}
}
