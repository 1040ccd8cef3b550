package invoke

import (
	"context"
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/sim"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

func startSandbox(t *testing.T, readOnly bool) (*sandbox.Server, *aws.Client) {
	t.Helper()
	return panetest.StartSandbox(t, sandbox.Options{Clock: clock.NewManual(t0), Functions: 20, Seed: 1}, readOnly)
}

func sandboxPane(t *testing.T, c *aws.Client, name string) (*Model, *panetest.Harness) {
	t.Helper()
	d, err := c.GetFunction(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	deps := common.FromSession(c, c)
	m := New(deps, styles.NewPlain(), keymap.Default(), d.Function, Options{Events: Events{Dir: t.TempDir()}})
	m.SetSize(120, 60)
	h := panetest.New(t, m)
	h.Run(m.Init())
	return m, h
}

// TestSandboxInvokeShowsWhatRan: the result is what the sandbox executed —
// the executed version (live routes 90/10 between 7 and 8), the REPORT
// fields of that very request, and a function error when it fails.
func TestSandboxInvokeShowsWhatRan(t *testing.T) {
	srv, c := startSandbox(t, false)
	m, h := sandboxPane(t, c, "checkout-api")
	for m.Qualifier() != "live" {
		h.Press("ctrl+q")
		if m.qi == 0 {
			t.Fatalf("no live qualifier in %v", m.quals)
		}
	}
	h.TypeText(`{"orderId": 42}`)
	h.Press("ctrl+s", "y")
	if len(m.History()) != 1 {
		t.Fatalf("no result; status %q", h.LastStatus())
	}
	e := m.History()[0]
	r := e.Result
	if e.Err != nil || r.StatusCode != 200 || (r.ExecutedVersion != "7" && r.ExecutedVersion != "8") {
		t.Fatalf("result %+v err %v", r, e.Err)
	}
	if !strings.Contains(r.LogTail, "START RequestId: "+r.RequestID+" Version: "+r.ExecutedVersion) {
		t.Fatalf("log tail does not show the executed request/version:\n%s", r.LogTail)
	}
	rep := r.Report
	if rep == nil || rep.RequestID != r.RequestID || rep.Duration <= 0 || rep.BilledDuration < rep.Duration.Truncate(1e6) ||
		rep.MemorySizeMB != m.fn.MemoryMB || rep.MaxMemoryUsedMB <= 0 {
		t.Fatalf("report %+v (fn memory %d)", rep, m.fn.MemoryMB)
	}
	v := m.View()
	for _, want := range []string{"executed " + r.ExecutedVersion, "billed ", "cost $", "memory "} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if srv.Stats().Count("Invoke") != 1 {
		t.Fatalf("Invoke requests %d", srv.Stats().Count("Invoke"))
	}

	// a failing function: the function error is shown with its type
	srv.SetBehaviour("checkout-api", sim.Behaviour{ErrorRate: 1})
	h.Press("ctrl+s", "y")
	e = m.History()[len(m.History())-1]
	if e.Err != nil || e.Result.FunctionError == "" {
		t.Fatalf("expected a function error: %+v %v", e.Result, e.Err)
	}
	if !strings.Contains(m.View(), "function error ("+e.Result.FunctionError+")") {
		t.Fatalf("view:\n%s", m.View())
	}
}

// TestSandboxBadRequestsNeverSent: invalid JSON and oversized payloads stop
// before the network.
func TestSandboxBadRequestsNeverSent(t *testing.T) {
	srv, c := startSandbox(t, false)
	m, h := sandboxPane(t, c, "checkout-api")
	h.TypeText(`{"a": }`)
	h.Press("ctrl+s")
	m.SetPayload("big", []byte(`"`+strings.Repeat("z", 2<<20)+`"`))
	m.SetType("Event")
	h.Press("ctrl+s")
	if n := srv.Stats().Count("Invoke"); n != 0 || len(h.Dialogs) != 0 {
		t.Fatalf("bad requests sent: %d", n)
	}
}

// TestSandboxReadOnly: the pane refuses, and so does the aws layer.
func TestSandboxReadOnly(t *testing.T) {
	srv, c := startSandbox(t, true)
	m, h := sandboxPane(t, c, "checkout-api")
	h.TypeText(`{}`)
	h.Press("ctrl+s")
	if !strings.Contains(m.Notice(), "read-only") {
		t.Fatalf("notice %q", m.Notice())
	}
	if _, err := c.Invoke(context.Background(), model0()); err != aws.ErrReadOnly {
		t.Fatalf("aws layer: %v", err)
	}
	if n := srv.Stats().Count("Invoke"); n != 0 {
		t.Fatalf("Invoke requests in read-only mode: %d", n)
	}
}

func model0() model.InvokeRequest { return model.InvokeRequest{Function: "checkout-api"} }
