// Command taillatency measures the time from an invocation in the sandbox
// to its REPORT line on screen in the Logs pane (ui/logs fed by the aws
// layer's Logs.Tail, the frame rendered with View), next to
// `PYTHONUNBUFFERED=1 aws logs tail --follow` (AWS CLI v2) against the same
// sandbox, for the same invocations in the same run. It prints the median
// and maximum of both. Targets: ours median < 1 s, max < 1.5 s.
//
//	go run ./bench/taillatency [-n 20] [-aws /usr/bin/aws]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	lambdaops "github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/logs"
	"github.com/lambdaops/lambdaops/ui/styles"
)

func main() {
	n := flag.Int("n", 20, "invocations")
	cli := flag.String("aws", "/usr/bin/aws", "AWS CLI v2 (empty: skip the baseline)")
	fnName := flag.String("function", "orders-api", "demo-fleet function to invoke")
	flag.Parse()
	if err := run(*n, *cli, *fnName); err != nil {
		fmt.Fprintln(os.Stderr, "taillatency:", err)
		os.Exit(1)
	}
}

type arrivals struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (a *arrivals) mark(id string) {
	a.mu.Lock()
	if _, ok := a.at[id]; !ok {
		a.at[id] = time.Now()
	}
	a.mu.Unlock()
}

func (a *arrivals) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.at)
}

func run(n int, cli, fnName string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// No background traffic: the only lines are those of our invocations.
	srv, err := sandbox.Start(ctx, sandbox.Options{Seed: 1})
	if err != nil {
		return err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "taillatency")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c, err := lambdaops.Open(ctx, lambdaops.Config{Sandbox: true, EndpointURL: srv.URL(),
		CacheDir: filepath.Join(dir, "cache"), StateDir: filepath.Join(dir, "state")})
	if err != nil {
		return err
	}
	fn := model.Function{Name: fnName}
	group := fn.LogGroupName()

	// Ours: the Logs pane, driven as Bubble Tea would drive it.
	screen := &arrivals{at: map[string]time.Time{}}
	var pmu sync.Mutex
	pending := map[string]bool{} // short ids not yet on screen
	deps := common.FromSession(c, nil)
	pane := logs.New(deps, styles.New(true), keymap.Default(), fn)
	pane.SetSize(200, 60)
	msgs := make(chan tea.Msg, 256)
	var runCmd func(tea.Cmd)
	runCmd = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		go func() {
			msg := cmd()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					runCmd(c)
				}
				return
			}
			if msg != nil {
				select {
				case msgs <- msg:
				case <-ctx.Done():
				}
			}
		}()
	}
	runCmd(pane.Init())
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case msg := <-msgs:
				cmd := pane.Update(msg)
				view := pane.View()
				pmu.Lock()
				for id := range pending {
					if strings.Contains(view, "REPORT "+id[:8]) {
						screen.mark(id)
						delete(pending, id)
					}
				}
				pmu.Unlock()
				runCmd(cmd)
			}
		}
	}()

	// Theirs: the AWS CLI v2, unbuffered.
	theirs := &arrivals{at: map[string]time.Time{}}
	var cliErr strings.Builder
	if cli != "" {
		cmd := exec.CommandContext(ctx, cli, "logs", "tail", group, "--follow", "--format", "short", "--since", "1m", "--endpoint-url", srv.URL())
		cmd.Env = peers.CLIEnv(srv.URL(), "us-east-1") // unbuffered Python, no shared config
		cmd.Stderr = &cliErr
		out, err := cmd.StdoutPipe()
		if err == nil {
			err = cmd.Start()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "AWS CLI did not start; baseline skipped:", err)
			cli = ""
		} else {
			defer func() { cancel(); _ = cmd.Wait() }()
			go func() {
				sc := bufio.NewScanner(out)
				sc.Buffer(make([]byte, 1<<20), 1<<20)
				for sc.Scan() {
					line := sc.Text()
					if i := strings.Index(line, "REPORT RequestId: "); i >= 0 {
						id := line[i+len("REPORT RequestId: "):]
						if j := strings.IndexAny(id, " \t"); j >= 0 {
							id = id[:j]
						}
						theirs.mark(id)
					}
				}
			}()
		}
	}
	time.Sleep(3 * time.Second) // both tails connected

	sent := map[string]time.Time{}
	for i := 0; i < n; i++ {
		t0 := time.Now()
		res, err := c.Invoke(ctx, model.InvokeRequest{Function: fn.Name, Type: model.RequestResponse, Payload: []byte(`{}`)})
		if err != nil {
			return fmt.Errorf("invoke: %w", err)
		}
		if len(res.RequestID) >= 8 {
			sent[res.RequestID] = t0
			pmu.Lock()
			pending[res.RequestID] = true
			pmu.Unlock()
		}
		// Spread the invocations over the CLI's 5 s poll.
		time.Sleep(time.Duration(700+(i*373)%900) * time.Millisecond)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && (screen.len() < len(sent) || (cli != "" && theirs.len() < len(sent))) {
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Printf("%d invocations of %s through the sandbox at %s\n", len(sent), fn.Name, srv.URL())
	report("lambdaops (Live Tail → Logs pane on screen)", sent, screen)
	if cli != "" {
		report("aws logs tail --follow (AWS CLI v2)", sent, theirs)
		if theirs.len() == 0 && cliErr.Len() > 0 {
			fmt.Printf("AWS CLI stderr: %s\n", strings.TrimSpace(cliErr.String()))
		}
	}
	return nil
}

func report(name string, sent map[string]time.Time, got *arrivals) {
	got.mu.Lock()
	defer got.mu.Unlock()
	var v []float64
	missing := 0
	for id, t0 := range sent {
		t, ok := got.at[id]
		if !ok {
			missing++
			continue
		}
		v = append(v, t.Sub(t0).Seconds())
	}
	if len(v) == 0 {
		fmt.Printf("%-46s no REPORT line arrived (%d missing)\n", name, missing)
		return
	}
	sort.Float64s(v)
	med := v[len(v)/2]
	if len(v)%2 == 0 {
		med = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	fmt.Printf("%-46s median %.3f s  max %.3f s  (%d seen, %d missing)\n", name, med, v[len(v)-1], len(v), missing)
}
