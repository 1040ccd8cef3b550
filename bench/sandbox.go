package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdaops/lambdaops/internal/cputime"
	"github.com/lambdaops/lambdaops/internal/rawhttp"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/sim"
)

// benchSandbox: the sandbox must never be the bottleneck: ListFunctions
// pages/s over a 10,000-function fleet and invokes/s, both by wall clock
// (in-process server, 4 keep-alive connections driven by a lean raw HTTP
// client in the same process, on this shared machine), and the resident
// memory of a real `lambdaops sandbox` process with 10,000 functions after
// every page has been listed once. The baseline, measured in the same run
// with the same client and interleaved with the sandbox in short slices, is
// a bare net/http server answering a fixed body of the same size: the
// ceiling of one HTTP round trip here, so the ratio is the share of it the
// sandbox keeps.
func benchSandbox(e *env) ([]Row, error) {
	d := 3 * time.Second
	if e.quick {
		d = time.Second
	}
	s, err := sandbox.Start(e.ctx, sandbox.Options{Functions: fleetN, Seed: 1})
	if err != nil {
		return nil, err
	}
	ms, err := rawhttp.Markers(http.DefaultClient, s.URL())
	if err != nil {
		s.Close()
		return nil, err
	}
	reqs := make([][]byte, len(ms))
	for i, m := range ms {
		reqs[i] = []byte("GET /2015-03-31/functions?Marker=" + url.QueryEscape(m) + " HTTP/1.1\r\nHost: " + s.Addr() + "\r\n\r\n")
	}
	pageBytes := responseSize(s.URL() + "/2015-03-31/functions")
	pages, pagesCPU, pagesBase, perr := interleaved(s.Addr(), reqs, pageBytes, d)
	s.Close()

	s, err = sandbox.Start(e.ctx, sandbox.Options{Functions: 150, Seed: 1})
	if err != nil {
		return nil, err
	}
	// Instant: a synchronous Invoke waits out its simulated run on the real
	// clock (as Lambda answers when the function ends); the figure is the
	// sandbox's own cost per request, so the function takes no time.
	s.SetBehaviour("image-resizer", sim.Behaviour{Instant: true, MemoryUsedMB: 120})
	payload := `{"key":"cat.jpg"}`
	inv := []byte("POST /2015-03-31/functions/image-resizer/invocations HTTP/1.1\r\nHost: " + s.Addr() +
		"\r\nContent-Type: application/json\r\nX-Amz-Invocation-Type: RequestResponse\r\nContent-Length: " +
		strconv.Itoa(len(payload)) + "\r\n\r\n" + payload)
	invokes, invokesCPU, invokesBase, ierr := interleaved(s.Addr(), [][]byte{inv}, len(payload), d)
	s.Close()

	rows := []Row{
		atLeast("sandbox", "ListFunctions pages/s, wall clock (10,000 functions)", pages, pagesBase, 5000, "pages/s",
			fmt.Sprintf("4 keep-alive clients in the same process; baseline: bare net/http answering %d bytes; CPU-time estimate for 2 dedicated cores %.0f/s", pageBytes, pagesCPU)),
		atLeast("sandbox", "invokes/s, wall clock", invokes, invokesBase, 20000, "invokes/s",
			fmt.Sprintf("4 keep-alive clients in the same process; baseline: bare net/http echoing the payload; CPU-time estimate for 2 dedicated cores %.0f/s; 429s count as answered", invokesCPU)),
	}
	for _, e := range []error{perr, ierr} {
		if e != nil {
			rows[0].Note += fmt.Sprintf("; error: %v", e)
		}
	}
	rss, err := sandboxRSS(e)
	if err != nil {
		return rows, err
	}
	return append(rows, atMost("sandbox", "RSS of `lambdaops sandbox` with 10,000 functions", rss, nan, 200, "MB", "VmRSS after listing every page")), nil
}

// responseSize is the body size of one GET.
func responseSize(u string) int {
	resp, err := http.Get(u)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	return int(n)
}

// interleaved measures the sandbox at addr and the bare baseline (a
// net/http server answering a fixed JSON body of n bytes) in alternating
// slices of d/rounds each, so that a shared machine's changing load falls
// on both alike. It returns the sandbox's wall-clock rate, its CPU-time
// estimate and the baseline's wall-clock rate.
func interleaved(addr string, reqs [][]byte, n int, d time.Duration) (float64, float64, float64, error) {
	body := []byte(`"` + strings.Repeat("x", max(n-2, 0)) + `"`)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nan, nan, nan, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	bare := ln.Addr().String()
	breq := [][]byte{[]byte("POST /x HTTP/1.1\r\nHost: " + bare + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")}
	const rounds = 3
	slice := d / rounds
	var sRate, sCPU, bRate float64
	var firstErr error
	for i := 0; i < rounds; i++ {
		r, c, err := hammer(addr, reqs, slice)
		sRate, sCPU = sRate+r/rounds, sCPU+c/rounds
		if err != nil && firstErr == nil {
			firstErr = err
		}
		r, _, err = hammer(bare, breq, slice)
		bRate += r / rounds
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return sRate, sCPU, bRate, firstErr
}

// hammer sends reqs round-robin over 4 keep-alive connections for d and
// returns the wall-clock rate of answered requests on this (shared)
// machine, and, for reference, the rate two dedicated cores would reach at
// the measured CPU time per response (getrusage; it counts this process's
// own clients too). The client reads only the status line, the headers'
// Content-Length and the body, so that the figure is the server's.
func hammer(addr string, reqs [][]byte, d time.Duration) (float64, float64, error) {
	cpu0 := cputime.Process()
	var n atomic.Int64
	var firstErr atomic.Value
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	begin := time.Now()
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				firstErr.CompareAndSwap(nil, err)
				return
			}
			defer c.Close()
			br := bufio.NewReaderSize(c, 64<<10)
			for i := g * 7; time.Now().Before(stop); i++ {
				if _, err := c.Write(reqs[i%len(reqs)]); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				code, err := rawhttp.ReadResponse(br)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				if code != 200 && code != 429 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("status %d", code))
				}
				n.Add(1)
			}
		}(g)
	}
	wg.Wait()
	var err error
	if v := firstErr.Load(); v != nil {
		err = v.(error)
	}
	wall := float64(n.Load()) / time.Since(begin).Seconds()
	cpu := cputime.Process() - cpu0
	if cpu <= 0 || n.Load() == 0 {
		return wall, nan, err
	}
	return wall, 2 / (cpu.Seconds() / float64(n.Load())), err
}

// binary builds the lambdaops binary once into the scratch dir.
func (e *env) binary() (string, error) {
	bin := filepath.Join(e.dir, "lambdaops")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = e.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

func sandboxRSS(e *env) (float64, error) {
	bin, err := e.binary()
	if err != nil {
		return nan, err
	}
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "sandbox", "--addr", "127.0.0.1:0", "--functions", strconv.Itoa(fleetN), "--traffic=false")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nan, err
	}
	if err := cmd.Start(); err != nil {
		return nan, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(out)
	endpoint := ""
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export AWS_ENDPOINT_URL="); ok {
			endpoint = v
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if endpoint == "" {
		return nan, fmt.Errorf("lambdaops sandbox printed no endpoint")
	}
	if _, err := rawhttp.Markers(http.DefaultClient, endpoint); err != nil {
		return nan, err
	}
	return vmRSS(cmd.Process.Pid)
}

// vmRSS reads a process's resident set in MB from /proc.
func vmRSS(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nan, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024, err
		}
	}
	return nan, fmt.Errorf("no VmRSS for pid %d", pid)
}
