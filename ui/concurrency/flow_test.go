package concurrency_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/esm"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
)

type rig struct {
	t      *testing.T
	srv    *sandbox.Server
	client *aws.Client
	tm     *teatest.TestModel
}

func start(t *testing.T, readOnly bool) *rig {
	t.Helper()
	srv, client := panetest.StartSandbox(t, sandbox.Options{Functions: 20, Seed: 1}, readOnly)
	root := ui.New(ui.Options{Deps: common.FromSession(client, client), Config: config.Default(), Version: "flow"})
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return &rig{t: t, srv: srv, client: client, tm: tm}
}

// wait reads the program's output until every string has been seen (the
// bytes read are consumed: a later wait sees only newer output).
func (r *rig) wait(what ...string) {
	r.t.Helper()
	var seen []byte
	deadline := time.Now().Add(10 * time.Second)
	buf := make([]byte, 64<<10)
	for time.Now().Before(deadline) {
		n, _ := r.tm.Output().Read(buf)
		seen = append(seen, buf[:n]...)
		all := true
		for _, w := range what {
			all = all && bytes.Contains(seen, []byte(w))
		}
		if all {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.tm.Type("q")
	fm := r.tm.FinalModel(r.t, teatest.WithFinalTimeout(5*time.Second)).(*ui.Model)
	var stack []string
	for _, p := range fm.Stack() {
		stack = append(stack, fmt.Sprintf("%T", p))
	}
	r.t.Fatalf("%q not all shown; stack %v, dialog %v, status %q\nlast output: %q", what, stack, fm.Dialog(), fm.Status(), tailBytes(seen, 1500))
}

func (r *rig) key(k tea.KeyPressMsg) { r.tm.Send(k) }

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	ctrlS = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
)

func (r *rig) selectFunction(name string) {
	r.wait(name) // its row is drawn: the list has loaded
	r.tm.Type("/" + name)
	r.key(enter)
}

func (r *rig) palette(cmd string) {
	r.tm.Type(":" + cmd)
	r.key(enter)
}

func (r *rig) quit() {
	r.tm.Type("q")
	_ = r.tm.FinalModel(r.t, teatest.WithFinalTimeout(5*time.Second))
}

// TestFlowReserveFive drives the program as a user would: select
// checkout-api, R, 5, enter, y; then GetFunctionConcurrency on the sandbox
// returns 5.
func TestFlowReserveFive(t *testing.T) {
	r := start(t, false)
	r.selectFunction("checkout-api")
	r.tm.Type("R")
	r.wait("Reserved concurrency for checkout-api")
	r.tm.Type("5")
	r.key(enter)
	r.wait("Reserve 5 for checkout-api?")
	r.tm.Type("y")
	deadline := time.Now().Add(10 * time.Second)
	var got *int
	for time.Now().Before(deadline) {
		if v, err := r.client.GetReserved(context.Background(), "checkout-api"); err == nil && v != nil {
			got = v
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got == nil || *got != 5 {
		t.Fatalf("GetFunctionConcurrency after R 5 enter y: %v", got)
	}
	r.wait("reserved concurrency of checkout-api is now 5")
	r.quit()
}

var mutating = []string{"Invoke", "PutFunctionConcurrency", "DeleteFunctionConcurrency",
	"PutProvisionedConcurrencyConfig", "DeleteProvisionedConcurrencyConfig", "UpdateEventSourceMapping"}

// TestFlowReadOnlySendsNothing tries every action of invoke, concurrency
// and mappings in read-only mode (started read-only, and switched with
// :readonly): each is refused on screen and the sandbox receives no
// mutating request.
func TestFlowReadOnlySendsNothing(t *testing.T) {
	for _, how := range []string{"flag", ":readonly"} {
		t.Run(how, func(t *testing.T) {
			r := start(t, how == "flag")
			r.wait("checkout-api")
			if how == ":readonly" {
				r.palette("readonly")
				r.wait("READ-ONLY")
			}
			// the renderer redraws only what changed: each wait looks for
			// words that are new on the screen
			r.palette("invoke checkout-api")
			r.wait("Invoke checkout-api")
			r.tm.Type("{}")
			r.key(ctrlS)
			r.wait("invoking is refused")
			r.key(esc)
			r.key(esc)
			r.palette("concurrency --reserved checkout-api")
			r.wait("reserved concurrency refused")
			r.key(esc)
			r.palette("concurrency --provisioned checkout-api")
			r.wait("provisioned concurrency refused")
			r.key(esc)
			r.palette("esm")
			r.wait("in this region", "Kinesis")
			r.tm.Type("e")
			r.wait("disabling a mapping refused")
			r.tm.Type("b")
			r.tm.Type("q")
			fm := r.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*ui.Model)
			st := r.srv.Stats()
			for _, op := range mutating {
				if n := st.Count(op); n != 0 {
					t.Errorf("%s: %d requests in read-only mode", op, n)
				}
			}
			s := fm.Stack()
			if e, ok := s[len(s)-1].(*esm.Model); !ok || !strings.Contains(e.Notice(), "read-only mode: changing a batch size refused") {
				t.Errorf("b in read-only mode: %T %v", s[len(s)-1], s)
			}
		})
	}
}

// TestFlowKeysFromFunctionView: in the function view, i opens invoke, C
// the provisioned dialog over the ledger, and 3 the Event sources tab.
func TestFlowKeysFromFunctionView(t *testing.T) {
	r := start(t, false)
	r.selectFunction("checkout-api")
	r.key(enter)
	r.wait("Event sources")
	r.tm.Type("i")
	r.wait("Invoke checkout-api")
	r.key(esc)
	r.key(esc)
	r.tm.Type("C")
	r.wait("Provisioned concurrency", "live")
	r.key(esc)
	r.key(esc)
	r.tm.Type("3")
	r.wait("Async invocation", "retries") // the tab has loaded the function's async config
	r.quit()
}

func tailBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
