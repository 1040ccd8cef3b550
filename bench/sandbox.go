package main

import (
	"bufio"
	"context"
	"encoding/json"
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

	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/sim"
)

// benchSandbox: the sandbox must never be the bottleneck: ListFunctions
// pages/s over a 10,000-function fleet and invokes/s (in-process server,
// raw keep-alive HTTP clients, 4 goroutines, wall clock on this shared
// machine), and the resident memory of a real `lambdaops sandbox` process
// with 10,000 functions after every page has been listed once.
func benchSandbox(e *env) ([]Row, error) {
	d := 3 * time.Second
	if e.quick {
		d = time.Second
	}
	s, err := sandbox.Start(e.ctx, sandbox.Options{Functions: fleetN, Seed: 1})
	if err != nil {
		return nil, err
	}
	ms, err := markers(s.URL())
	if err != nil {
		s.Close()
		return nil, err
	}
	reqs := make([][]byte, len(ms))
	for i, m := range ms {
		reqs[i] = []byte("GET /2015-03-31/functions?Marker=" + url.QueryEscape(m) + " HTTP/1.1\r\nHost: " + s.Addr() + "\r\n\r\n")
	}
	pages, pagesWall, perr := hammer(s.Addr(), reqs, d)
	s.Close()

	s, err = sandbox.Start(e.ctx, sandbox.Options{Functions: 150, Seed: 1})
	if err != nil {
		return nil, err
	}
	s.SetBehaviour("image-resizer", sim.Behaviour{MeanDuration: 2 * time.Millisecond, MemoryUsedMB: 120})
	payload := `{"key":"cat.jpg"}`
	inv := []byte("POST /2015-03-31/functions/image-resizer/invocations HTTP/1.1\r\nHost: " + s.Addr() +
		"\r\nContent-Type: application/json\r\nX-Amz-Invocation-Type: RequestResponse\r\nContent-Length: " +
		strconv.Itoa(len(payload)) + "\r\n\r\n" + payload)
	invokes, invokesWall, ierr := hammer(s.Addr(), [][]byte{inv}, d)
	s.Close()

	rows := []Row{
		atLeast("sandbox", "ListFunctions pages/s @2 cores (10,000 functions)", pages, nan, 5000, "pages/s",
			fmt.Sprintf("from CPU time per page, 4 clients in the same process counted too; wall clock here %.0f/s", pagesWall)),
		atLeast("sandbox", "invokes/s @2 cores", invokes, nan, 20000, "invokes/s",
			fmt.Sprintf("from CPU time per invoke, 4 clients in the same process counted too; wall clock here %.0f/s; 429s count as answered", invokesWall)),
	}
	if perr != nil || ierr != nil {
		rows[0].Note += fmt.Sprintf("; errors: %v %v", perr, ierr)
	}
	rss, err := sandboxRSS(e)
	if err != nil {
		return rows, err
	}
	return append(rows, atMost("sandbox", "RSS of `lambdaops sandbox` with 10,000 functions", rss, nan, 200, "MB", "VmRSS after listing every page")), nil
}

func markers(base string) ([]string, error) {
	ms := []string{""}
	for {
		resp, err := http.Get(base + "/2015-03-31/functions?Marker=" + url.QueryEscape(ms[len(ms)-1]))
		if err != nil {
			return nil, err
		}
		var out struct{ NextMarker string }
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if out.NextMarker == "" {
			return ms, nil
		}
		ms = append(ms, out.NextMarker)
	}
}

// hammer sends reqs round-robin over 4 keep-alive connections for d and
// returns the responses per second two dedicated cores would reach at the
// measured CPU time per response (getrusage; it counts this process's own
// HTTP clients too, so it is conservative for the server), and the wall
// clock rate on this (shared) machine.
func hammer(addr string, reqs [][]byte, d time.Duration) (float64, float64, error) {
	cpu0 := processCPU()
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
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 && resp.StatusCode != 429 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("status %d", resp.StatusCode))
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
	cpu := processCPU() - cpu0
	if cpu <= 0 || n.Load() == 0 {
		return wall, wall, err
	}
	return 2 / (cpu.Seconds() / float64(n.Load())), wall, err
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
	if _, err := markers(endpoint); err != nil {
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
