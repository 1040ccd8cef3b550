package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	lambdaops "github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

// benchTail measures the time from an invocation in the sandbox to its
// REPORT line arriving through the aws layer's Logs.Tail (Live Tail), and,
// for the very same invocations, through `aws logs tail --follow` (AWS CLI
// v2, run with PYTHONUNBUFFERED=1 so that it does not buffer when piped).
func benchTail(e *env) ([]Row, error) {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	s, err := sandbox.Start(ctx, sandbox.Options{Functions: 20, Seed: 1})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	c, err := lambdaops.Open(ctx, lambdaops.Config{Sandbox: true, EndpointURL: s.URL(),
		CacheDir: filepath.Join(e.dir, "tail-cache"), StateDir: filepath.Join(e.dir, "tail-state")})
	if err != nil {
		return nil, err
	}
	var fn model.Function
	err = c.ListFunctions(ctx, func(p lambdaops.Page) error {
		for _, f := range p.Functions {
			if fn.Name == "" && f.LogGroupName() != "" {
				fn = f
			}
		}
		return nil
	})
	if err != nil || fn.Name == "" {
		return nil, fmt.Errorf("no function to invoke: %v", err)
	}
	group := fn.LogGroupName()

	var mu sync.Mutex
	ours := map[string]time.Time{}
	theirs := map[string]time.Time{}
	seen := func(m map[string]time.Time, msg string) {
		i := strings.Index(msg, "REPORT RequestId: ")
		if i < 0 {
			return
		}
		id := msg[i+len("REPORT RequestId: "):]
		if j := strings.IndexAny(id, " \t"); j >= 0 {
			id = id[:j]
		}
		mu.Lock()
		if _, ok := m[id]; !ok {
			m[id] = time.Now()
		}
		mu.Unlock()
	}
	batches := c.Tail(ctx, lambdaops.TailRequest{Groups: []string{group}})
	go func() {
		for b := range batches {
			for _, ev := range b.Events {
				seen(ours, ev.Message)
			}
		}
	}()
	cliNote := "AWS CLI v2 `aws logs tail --follow` on the same endpoint, same invocations"
	if e.cli != "" {
		cmd := exec.CommandContext(ctx, e.cli, "--endpoint-url", s.URL(), "logs", "tail", group, "--follow", "--format", "short", "--since", "1m")
		cmd.Env = peers.CLIEnv(s.URL(), "us-east-1") // unbuffered Python, no shared config
		out, err := cmd.StdoutPipe()
		if err == nil {
			err = cmd.Start()
		}
		if err != nil {
			cliNote = "AWS CLI failed to start: " + err.Error()
		} else {
			defer func() { cancel(); _ = cmd.Wait() }()
			go func() {
				sc := bufio.NewScanner(out)
				sc.Buffer(make([]byte, 1<<20), 1<<20)
				for sc.Scan() {
					seen(theirs, sc.Text())
				}
			}()
		}
	} else {
		cliNote = "AWS CLI v2 missing: baseline skipped"
	}
	time.Sleep(3 * time.Second) // both tails connected
	n := 12
	if e.quick {
		n = 6
	}
	sent := map[string]time.Time{}
	for i := 0; i < n; i++ {
		t0 := time.Now()
		res, err := c.Invoke(ctx, model.InvokeRequest{Function: fn.Name, Type: model.RequestResponse, Payload: []byte(`{}`)})
		if err != nil {
			return nil, fmt.Errorf("invoke: %w", err)
		}
		if res.RequestID != "" {
			sent[res.RequestID] = t0
		}
		time.Sleep(time.Duration(700+(i*373)%900) * time.Millisecond) // spread over the CLI's 5 s poll
	}
	deadline := time.Now().Add(12 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		done := len(ours) >= len(sent) && (e.cli == "" || len(theirs) >= len(sent))
		mu.Unlock()
		if done {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	lat := func(m map[string]time.Time) (med, max float64, missing int) {
		mu.Lock()
		defer mu.Unlock()
		var v []float64
		for id, t0 := range sent {
			t, ok := m[id]
			if !ok {
				missing++
				continue
			}
			v = append(v, t.Sub(t0).Seconds())
		}
		if len(v) == 0 {
			return nan, nan, missing
		}
		sort.Float64s(v)
		return v[len(v)/2], v[len(v)-1], missing
	}
	om, ox, omiss := lat(ours)
	bm, bx, bmiss := nan, nan, 0
	if e.cli != "" {
		bm, bx, bmiss = lat(theirs)
	}
	note := fmt.Sprintf("%d invocations; %s", len(sent), cliNote)
	if omiss > 0 || bmiss > 0 {
		note += fmt.Sprintf("; REPORT lines never seen: ours %d, CLI %d", omiss, bmiss)
	}
	rows := []Row{
		atMost("tail", "invocation→REPORT median", om, bm, 1, "s", note),
		atMost("tail", "invocation→REPORT max", ox, bx, 1.5, "s", ""),
	}
	if omiss > 0 {
		rows[0].Pass, rows[1].Pass = false, false
	}
	return rows, nil
}
