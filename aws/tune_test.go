package aws

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
)

// tuneSandbox is a demo fleet on a manual clock that moves when the client
// waits for LastUpdateStatus, so no test sleeps.
func tuneSandbox(t *testing.T) (*sandbox.Server, *Client) {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	s := startSandbox(t, sandbox.Options{Functions: 20, Seed: 3, Clock: clk})
	c := openSandbox(t, s, Config{
		Sleep: func(ctx context.Context, d time.Duration) error {
			clk.Advance(d)
			return ctx.Err()
		},
		// Each invocation takes its time on the sandbox's clock, so the
		// next one finds the environment warm, as serial calls do.
		HTTPClient: &http.Client{Transport: advancing{clk, http.DefaultTransport}},
		Budgets:    Budgets{QuotaLambdaControl: 1000, QuotaGetFunction: 1000},
	})
	return s, c
}

type advancing struct {
	clk  *clock.Manual
	next http.RoundTripper
}

func (a advancing) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := a.next.RoundTrip(r)
	if strings.HasSuffix(r.URL.Path, "/invocations") {
		a.clk.Advance(5 * time.Second)
	}
	return res, err
}

func tunePlan(t *testing.T, c *Client, fn string, run string) model.TunePlan {
	t.Helper()
	o, err := model.TuneOptions{Function: fn, PerSize: 10, Parallelism: 2, Strategy: model.TuneBalanced, AlsoARM: true}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.FunctionConfig(context.Background(), fn)
	if err != nil {
		t.Fatal(err)
	}
	return model.PlanTune(run, o, f, 0, model.DefaultPrices)
}

// assertClean: memory as before, no temporary alias or version left, the
// run settled in the journal.
func assertClean(t *testing.T, c *Client, fn, run string, memory int) {
	t.Helper()
	ctx := context.Background()
	f, err := c.FunctionConfig(ctx, fn)
	if err != nil || f.MemoryMB != memory {
		t.Fatalf("%s memory %d after the run, want %d (%v)", fn, f.MemoryMB, memory, err)
	}
	as, _ := c.ListAliases(ctx, fn)
	for _, a := range as {
		if strings.HasPrefix(a.Name, model.TuneAliasPrefix) {
			t.Errorf("alias %s left behind", a.Name)
		}
	}
	vs, _ := c.ListVersions(ctx, fn)
	for _, v := range vs {
		if model.TuneVersionOfRun(v.Description, run) {
			t.Errorf("version %s (%s) left behind", v.Version, v.Description)
		}
	}
	es, _ := c.JournalEntries()
	if p := pendingIntents(es); len(p) != 0 {
		t.Errorf("%d intents left unsettled: %+v", len(p), p[0])
	}
}

func TestTuneSweepFindsTheRightSize(t *testing.T) {
	t.Parallel()
	s, c := tuneSandbox(t)
	ctx := context.Background()
	for _, tc := range []struct {
		fn       string
		lo, hi   int // acceptable recommendation
		oomBelow int
	}{
		{"checksum-worker", 1024, 2048, 0}, // CPU-bound: near one vCPU
		{"video-thumbnails", 1024, 2048, 0},
		{"inventory-proxy", 128, 256, 0}, // I/O-bound: memory buys nothing
		{"webhook-relay", 128, 256, 0},
		{"csv-importer", 512, 2048, 512}, // out of memory at 128 and 256, never recommended
	} {
		t.Run(tc.fn, func(t *testing.T) {
			before, err := c.FunctionConfig(ctx, tc.fn)
			if err != nil {
				t.Fatal(err)
			}
			var events int
			run, err := c.Tune(ctx, tunePlan(t, c, tc.fn, "t"+tc.fn[:4]), 1e6, func(model.TuneProgress) { events++ })
			if err != nil || run.Status != "done" {
				t.Fatalf("run %s: %v", run.Status, err)
			}
			if len(run.Results) != 7 || events < 70 {
				t.Fatalf("%d sizes, %d progress events", len(run.Results), events)
			}
			if run.Recommended < tc.lo || run.Recommended > tc.hi {
				t.Errorf("recommended %d MB, want %d–%d; rows %+v", run.Recommended, tc.lo, tc.hi, run.Results)
			}
			for _, r := range run.Results {
				if r.N != 10 {
					t.Errorf("%d MB: %d invocations", r.MemoryMB, r.N)
				}
				oom := r.MemoryMB < tc.oomBelow
				if oom != (r.OOM == r.N) {
					t.Errorf("%d MB: %d of %d out of memory", r.MemoryMB, r.OOM, r.N)
				}
				if oom && r.MaxMemoryMB != r.MemoryMB {
					t.Errorf("%d MB OOM reports Max Memory Used %d", r.MemoryMB, r.MaxMemoryMB)
				}
			}
			r128, _ := run.Result(128)
			r3008, _ := run.Result(3008)
			ratio := r128.MeanMs / r3008.MeanMs
			switch tc.fn {
			case "checksum-worker", "video-thumbnails":
				if ratio < 8 {
					t.Errorf("CPU-bound: 128 MB only %.1f× slower than 3008 MB", ratio)
				}
			case "inventory-proxy", "webhook-relay":
				if ratio > 1.4 {
					t.Errorf("I/O-bound: 128 MB %.1f× slower than 3008 MB", ratio)
				}
			}
			assertClean(t, c, tc.fn, run.Run, before.MemoryMB)
		})
	}
	if n := s.Stats().Count("DeleteFunction"); n == 0 {
		t.Fatal("no version deleted")
	}
}

// TestTuneCancelCleansUp: cancelling part way still restores and removes.
func TestTuneCancelCleansUp(t *testing.T) {
	t.Parallel()
	_, c := tuneSandbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	before, _ := c.FunctionConfig(ctx, "checksum-worker")
	run, err := c.Tune(ctx, tunePlan(t, c, "checksum-worker", "cncl"), 0, func(p model.TuneProgress) {
		if p.Done == 15 {
			cancel()
		}
	})
	if err != nil || run.Status != "cancelled" {
		t.Fatalf("status %q err %v", run.Status, err)
	}
	if len(run.Results) != 2 {
		t.Fatalf("%d sizes measured before the cancel", len(run.Results))
	}
	assertClean(t, c, "checksum-worker", "cncl", before.MemoryMB)
}

// TestTuneRefuses: read-only, and a weighted alias (a canary owns it).
func TestTuneRefuses(t *testing.T) {
	t.Parallel()
	s, c := tuneSandbox(t)
	ctx := context.Background()
	b, err := c.TuneBlockers(ctx, "checkout-api")
	if err != nil || len(b) == 0 || !strings.Contains(b[0], "canary") {
		t.Fatalf("checkout-api (weighted alias live): %v %v", b, err)
	}
	if _, err := c.Tune(ctx, tunePlan(t, c, "checkout-api", "nope"), 0, nil); err == nil {
		t.Fatal("tuned a function a canary owns")
	}
	ro := openSandbox(t, s, Config{ReadOnly: true})
	if _, err := ro.Tune(ctx, tunePlan(t, c, "inventory-proxy", "ro"), 0, nil); err != ErrReadOnly {
		t.Fatalf("read-only: %v", err)
	}
	RegisterOwnerCheck(func(_ context.Context, _ *Client, fn string) (string, error) {
		if fn == "payments-webhook" {
			return "CodeDeploy deployment d-TEST", nil
		}
		return "", nil
	})
	if b, _ := c.TuneBlockers(ctx, "payments-webhook"); len(b) != 1 || !strings.Contains(b[0], "d-TEST") {
		t.Fatalf("owner check: %v", b)
	}
}

// TestTuneUnderThrottles: 429s (with Retry-After) on every API, the
// invocations included; every size still gets its invocations and the
// cleanup leaves nothing behind.
func TestTuneUnderThrottles(t *testing.T) {
	t.Parallel()
	s, c := tuneSandbox(t)
	s.SetFaults(sandbox.Faults{ThrottleRate: 0.15})
	ctx := context.Background()
	pl := tunePlan(t, c, "webhook-relay", "thr")
	pl.Options.Sizes = []int{1024}
	run, err := c.Tune(ctx, pl, 0, nil)
	if err != nil || run.Status != "done" {
		t.Fatalf("%s %v", run.Status, err)
	}
	for _, r := range run.Results {
		if r.N != 10 || r.Errors != 0 {
			t.Errorf("%d MB: %d invocations, %d errors, %d throttled", r.MemoryMB, r.N, r.Errors, r.Throttled)
		}
	}
	s.SetFaults(sandbox.Faults{})
	assertClean(t, c, "webhook-relay", "thr", 512)
	if s.Stats().Throttles() == 0 {
		t.Fatal("no throttles were served: the test tested nothing")
	}
}
