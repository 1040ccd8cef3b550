package concurrency

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func startSandbox(t *testing.T, readOnly bool) (*sandbox.Server, *aws.Client) {
	t.Helper()
	return panetest.StartSandbox(t, sandbox.Options{Clock: clock.NewManual(t0), Functions: 20, Seed: 1}, readOnly)
}

func sandboxPane(t *testing.T, srv *sandbox.Server, c *aws.Client, name, open string) (*Model, *panetest.Harness) {
	t.Helper()
	deps := common.FromSession(c, c)
	deps.Now = srv.Clock().Now
	m := New(deps, styles.NewPlain(), keymap.Default(), model.Function{Name: name}, Options{Open: open, PollEvery: 10 * time.Second,
		// allocation time passes on the sandbox's manual clock
		Wait: func(d time.Duration) <-chan time.Time { srv.Advance(d); return now() }})
	m.SetSize(120, 40)
	h := panetest.New(t, m)
	h.Run(m.Init())
	return m, h
}

func invoke(c *aws.Client) error {
	_, err := c.Invoke(context.Background(), model.InvokeRequest{Function: "checkout-api", Payload: []byte(`{}`)})
	return err
}

// TestSandboxReservedThrottles: reserving 0 (typed name) throttles every
// invocation on the sandbox; reserving 5 lets them through again.
func TestSandboxReservedThrottles(t *testing.T) {
	srv, c := startSandbox(t, false)
	if err := invoke(c); err != nil {
		t.Fatalf("invoke before: %v", err)
	}
	m, h := sandboxPane(t, srv, c, "checkout-api", ArgReserved)
	h.TypeText("0\n")
	h.TypeText("checkout-api\n")
	if r, err := c.GetReserved(context.Background(), "checkout-api"); err != nil || r == nil || *r != 0 {
		t.Fatalf("GetFunctionConcurrency after 0: %v %v (%s)", r, err, m.Notice())
	}
	err := invoke(c)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "toomanyrequests") {
		t.Fatalf("invoke with reserved 0: %v", err)
	}
	if st := srv.Stats().Ops["Invoke"]; st.Status[429] == 0 {
		t.Fatalf("no 429 from Invoke: %+v", st)
	}
	h.Press("R")
	h.Press("backspace")
	h.TypeText("5\n")
	h.Press("y")
	if r, _ := c.GetReserved(context.Background(), "checkout-api"); r == nil || *r != 5 {
		t.Fatalf("reserved after 5: %v", r)
	}
	if err := invoke(c); err != nil {
		t.Fatalf("invoke with reserved 5: %v", err)
	}
	l, _ := m.Ledger()
	if l.Reserved == nil || *l.Reserved != 5 {
		t.Fatalf("ledger %v", l.Reserved)
	}
}

// TestSandboxFloorRefused: a reservation cutting unreserved below 100 is
// refused with the arithmetic, and nothing is sent.
func TestSandboxFloorRefused(t *testing.T) {
	srv, c := startSandbox(t, false)
	s, err := c.AccountSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, h := sandboxPane(t, srv, c, "checkout-api", ArgReserved)
	over := s.UnreservedConcurrentExecutions - 99
	h.TypeText(strconv.Itoa(over) + "\n")
	if n := srv.Stats().Count("PutFunctionConcurrency"); n != 0 || len(h.Dialogs) != 1 {
		t.Fatalf("sent %d, dialogs %d (the prompt must stay open with the refusal)", n, len(h.Dialogs))
	}
	if err := h.Dialogs[0].(*dialog.PromptDialog).Err(); err == nil || !strings.Contains(err.Error(), "leaves 99 unreserved = "+strconv.Itoa(s.UnreservedConcurrentExecutions)+" unreserved now") {
		t.Fatalf("inline error %v", err)
	}
	// the aws layer refuses too, with the same numbers
	var fe *aws.FloorError
	if err := c.PutReserved(context.Background(), "checkout-api", over); !errors.As(err, &fe) || fe.Requested != over {
		t.Fatalf("aws layer: %v", err)
	}
}

// TestSandboxOrphanAndProvisionedJob: provisioned concurrency on a
// version no alias points at is flagged; C allocates as a job until READY.
func TestSandboxOrphanAndProvisionedJob(t *testing.T) {
	srv, c := startSandbox(t, false)
	ctx := context.Background()
	vs, err := c.ListVersions(ctx, "checkout-api")
	if err != nil {
		t.Fatal(err)
	}
	orphan := ""
	for _, v := range vs {
		if v.Version != "$LATEST" && v.Version != "7" && v.Version != "8" {
			orphan = v.Version
			break
		}
	}
	if orphan == "" {
		t.Fatalf("no spare version in %+v", vs)
	}
	if _, err := c.PutProvisioned(ctx, "checkout-api", orphan, 2); err != nil {
		t.Fatal(err)
	}
	m, h := sandboxPane(t, srv, c, "checkout-api", "")
	l, _ := m.Ledger()
	if o := l.Orphans(); len(o) != 1 || o[0] != orphan {
		t.Fatalf("orphans %v (rows %+v)", o, l.Rows())
	}
	if !strings.Contains(m.View(), "ORPHAN: no alias points at version "+orphan) {
		t.Fatalf("view:\n%s", m.View())
	}
	// C on the live row: 3 executions, followed to READY on the manual clock
	if !m.t.Select("live") {
		t.Fatal("no live row")
	}
	h.Press("C")
	h.TypeText("3\n")
	h.Press("y")
	last := h.Jobs[len(h.Jobs)-1]
	if !last.Done || last.Err != nil || !strings.Contains(m.Notice(), "READY (3)") {
		t.Fatalf("job %+v notice %q", last, m.Notice())
	}
	cfgs, _ := c.ListProvisioned(ctx, "checkout-api")
	ok := false
	for _, cf := range cfgs {
		ok = ok || (cf.Qualifier == "live" && cf.Status == "READY" && cf.Allocated == 3)
	}
	if !ok {
		t.Fatalf("configs %+v", cfgs)
	}
}
