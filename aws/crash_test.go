//go:build unix

package aws

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

// The kill -9 tests: a child process (this test binary, re-executed) makes
// a change or runs a tuning job against a sandbox the parent owns, and
// stops itself with SIGKILL at a chosen point: just after an intent is
// synced (nothing sent yet) or just before an outcome is written (the
// change has been applied). The parent then starts again on the same
// journal: nothing is lost, nothing is left behind, nothing applied twice.

const crashEnv = "LAMBDAOPS_TEST_CRASH_CHILD"

// TestCrashChild is the child's side; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashEnv) == "" {
		t.Skip("the child process of the kill -9 tests")
	}
	if os.Getenv("CRASH_DO") == "append" {
		// One of several processes appending to one journal at once.
		size, _ := strconv.ParseInt(os.Getenv("CRASH_SIZE"), 10, 64)
		j := openJournalSized(filepath.Join(os.Getenv("CRASH_STATE"), "journal.jsonl"), size, 200)
		for i := range 300 {
			if err := j.append(model.JournalEntry{Action: "UpdateAlias", Target: os.Getenv("CRASH_AT") + ":" + strconv.Itoa(i),
				Result: "ok", Account: "1", Region: "r", Reason: strings.Repeat("x", i%50)}); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	at := os.Getenv("CRASH_AT") // phase:Action:n
	parts := strings.Split(at, ":")
	nth, _ := strconv.Atoi(parts[2])
	seen := 0
	testHookJournal = func(e model.JournalEntry) {
		if e.Phase == parts[0] && e.Action == parts[1] {
			if seen++; seen == nth {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}
	}
	c, err := Open(context.Background(), Config{Sandbox: true, EndpointURL: os.Getenv("CRASH_URL"),
		StateDir: os.Getenv("CRASH_STATE"), Governor: NewGovernor(),
		// Not t.TempDir: this process dies by SIGKILL and would leave it behind; the parent's temp dir holds it.
		CacheDir: filepath.Join(filepath.Dir(os.Getenv("CRASH_STATE")), "child-cache"),
		Budgets:  Budgets{QuotaLambdaControl: 1000, QuotaGetFunction: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	switch os.Getenv("CRASH_DO") {
	case "reserve":
		err = c.PutReserved(ctx, "inventory-proxy", 7)
	case "tune":
		o, _ := model.TuneOptions{Function: "checksum-worker", Sizes: []int{256, 1024, 2048}, PerSize: 3}.Normalize()
		f, _ := c.FunctionConfig(ctx, "checksum-worker")
		_, err = c.Tune(ctx, model.PlanTune("kill", o, f, 0, model.DefaultPrices), 0, nil)
	}
	t.Fatalf("not killed at %s (err %v)", at, err)
}

// runKilled runs the child until it kills itself at `at`.
func runKilled(t *testing.T, s *sandbox.Server, state, do, at string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"=1", "CRASH_URL="+s.URL(), "CRASH_STATE="+state, "CRASH_DO="+do, "CRASH_AT="+at)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child exited with %v:\n%s", err, out)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed at %s: %v\n%s", at, err, out)
	}
}

func restart(t *testing.T, s *sandbox.Server, state string) *Client {
	t.Helper()
	c, err := Open(context.Background(), Config{Sandbox: true, EndpointURL: s.URL(), StateDir: state,
		CacheDir: t.TempDir(), Governor: NewGovernor(), Budgets: Budgets{QuotaLambdaControl: 1000, QuotaGetFunction: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestKill9DuringAMutation(t *testing.T) {
	for _, tc := range []struct {
		at      string
		applied bool
	}{
		{"intent:PutFunctionConcurrency:1", false}, // killed before the request was sent
		{"outcome:PutFunctionConcurrency:1", true}, // killed after AWS applied it
	} {
		t.Run(tc.at, func(t *testing.T) {
			s := startSandbox(t, sandbox.Options{Functions: 20, Seed: 3})
			state := filepath.Join(t.TempDir(), "state")
			runKilled(t, s, state, "reserve", tc.at)
			sent := s.Stats().Count("PutFunctionConcurrency")
			if want := map[bool]int64{false: 0, true: 1}[tc.applied]; sent != want {
				t.Fatalf("%d PutFunctionConcurrency sent by the child, want %d", sent, want)
			}
			c := restart(t, s, state)
			ctx := context.Background()
			got, tunes, err := c.Reconcile(ctx)
			if err != nil || len(got) != 1 || len(tunes) != 0 {
				t.Fatalf("reconciled %d (%d runs), %v", len(got), len(tunes), err)
			}
			e := got[0]
			if !e.Reconciled || e.Action != "PutFunctionConcurrency" || e.Function != "inventory-proxy" || e.Profile != "" && e.Account == "" {
				t.Fatalf("entry %+v", e)
			}
			if (e.Result == "ok") != tc.applied {
				t.Fatalf("recorded %q, applied %v", e.Result, tc.applied)
			}
			r, _ := c.GetReserved(ctx, "inventory-proxy")
			if (r != nil && *r == 7) != tc.applied {
				t.Fatalf("live reserved %v", r)
			}
			// Nothing re-sent, nothing settled twice, and undo sees the truth.
			again, _, _ := c.Reconcile(ctx)
			if len(again) != 0 || s.Stats().Count("PutFunctionConcurrency") != sent {
				t.Fatalf("second start reconciled %d more; %d requests", len(again), s.Stats().Count("PutFunctionConcurrency"))
			}
			last, ok := c.LastAction("inventory-proxy", "PutFunctionConcurrency")
			if ok != tc.applied || ok && num(last.After["reserved"]) != 7 {
				t.Fatalf("undo sees %+v %v", last, ok)
			}
		})
	}
}

func TestKill9DuringATuningRun(t *testing.T) {
	for _, at := range []string{
		"outcome:CreateAlias:2",                 // second alias made, its outcome lost
		"intent:PublishVersion:3",               // third version about to be published
		"outcome:UpdateFunctionConfiguration:2", // memory changed to 512, outcome lost
	} {
		t.Run(at, func(t *testing.T) {
			s := startSandbox(t, sandbox.Options{Functions: 20, Seed: 3})
			state := filepath.Join(t.TempDir(), "state")
			c := restart(t, s, state)
			ctx := context.Background()
			before, _ := c.FunctionConfig(ctx, "checksum-worker")
			runKilled(t, s, state, "tune", at)
			if f, _ := c.FunctionConfig(ctx, "checksum-worker"); f.MemoryMB == before.MemoryMB {
				t.Fatalf("the child changed nothing before dying (memory %d)", f.MemoryMB)
			}
			// Next start: the run is listed for confirmation, not undone by itself.
			c2 := restart(t, s, state)
			recs, tunes, err := c2.Reconcile(ctx)
			if err != nil || len(tunes) != 1 || tunes[0].Run != "kill" || tunes[0].BaseMemory != before.MemoryMB {
				t.Fatalf("interrupted runs %+v, %v", tunes, err)
			}
			for _, r := range recs {
				if !r.Reconciled || r.Run != "kill" {
					t.Errorf("reconciled %+v", r)
				}
			}
			publishes := s.Stats().Count("PublishVersion")
			steps, err := c2.CleanupTune(ctx, tunes[0])
			if err != nil {
				t.Fatalf("cleanup: %v (%v)", err, steps)
			}
			assertClean(t, c2, "checksum-worker", "kill", before.MemoryMB)
			if s.Stats().Count("PublishVersion") != publishes {
				t.Fatal("cleanup published a version")
			}
			// A third start finds nothing to do.
			c3 := restart(t, s, state)
			if recs, tunes, _ := c3.Reconcile(ctx); len(recs)+len(tunes) != 0 {
				t.Fatalf("third start: %d entries, %d runs", len(recs), len(tunes))
			}
			mut := s.Stats().Count("UpdateFunctionConfiguration") + s.Stats().Count("DeleteAlias") + s.Stats().Count("DeleteFunction")
			if steps, err := c3.CleanupTune(ctx, tunes[0]); err != nil || len(steps) != 1 || steps[0] != "already cleaned up" {
				t.Fatalf("second cleanup of the same run: %v %v", steps, err)
			}
			if s.Stats().Count("UpdateFunctionConfiguration")+s.Stats().Count("DeleteAlias")+s.Stats().Count("DeleteFunction") != mut {
				t.Fatal("a second cleanup sent changes")
			}
		})
	}
}

// TestJournalSharedByProcesses: three processes append at once to one
// journal that rotates as they go; every entry arrives whole, once.
func TestJournalSharedByProcesses(t *testing.T) {
	state := t.TempDir()
	var cmds []*exec.Cmd
	for _, name := range []string{"a", "b", "c"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"=1", "CRASH_DO=append", "CRASH_STATE="+state, "CRASH_AT="+name, "CRASH_SIZE=16384")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	j := openJournalSized(filepath.Join(state, "journal.jsonl"), 16384, 200)
	if len(j.files()) < 3 {
		t.Fatalf("only %d files: no rotation happened", len(j.files()))
	}
	es, err := j.entries()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		if seen[e.Target] {
			t.Fatalf("%s twice", e.Target)
		}
		seen[e.Target] = true
	}
	if len(seen) != 900 {
		t.Fatalf("%d entries of 900 across %d files", len(seen), len(j.files()))
	}
	// No torn line anywhere.
	for _, p := range j.files() {
		b, _ := os.ReadFile(p)
		for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if !strings.HasPrefix(l, "{") || !strings.HasSuffix(l, "}") {
				t.Fatalf("%s line %d torn: %q", filepath.Base(p), i, l)
			}
		}
	}
}
