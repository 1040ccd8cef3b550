package esm

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// TestSandboxDisableStopsInvocations disables the clickstream-processor's
// Kinesis mapping through the tab (e, a reason, y): the state is followed
// from Disabling to Disabled, the reason is in the journal, and the
// function receives no more invocations while traffic goes on.
func TestSandboxDisableStopsInvocations(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	srv, c := panetest.StartSandbox(t, sandbox.Options{Clock: clk, Functions: 12, Seed: 1, Traffic: true}, false)
	ctx := context.Background()
	const fn = "clickstream-processor"
	invocations := func() float64 {
		t.Helper()
		end := clk.Now().Truncate(time.Minute)
		ss, err := c.GetMetrics(ctx, []model.MetricQuery{{Function: fn, Metric: "Invocations", Stat: model.StatSum, Period: time.Minute}}, end.Add(-5*time.Minute), end)
		if err != nil || len(ss) != 1 {
			t.Fatalf("GetMetrics: %v", err)
		}
		return ss[0].Sum()
	}
	srv.Advance(10 * time.Minute)
	if n := invocations(); n == 0 {
		t.Fatal("the mapping is not invoking the function before the change")
	}

	deps := common.FromSession(c, c)
	deps.Now = clk.Now
	m := New(deps, styles.NewPlain(), keymap.Default(), fn, Options{})
	m.SetSize(120, 30)
	h := panetest.New(t, m)
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(settleMsg); return ok }
	// the settle tick is a real timer in production: here it is held and delivered by hand
	m.opt.After = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd {
		gen := m.req.Gen(kindLoad)
		return func() tea.Msg { return settleMsg{gen: gen} }
	}
	h.Run(m.Init())
	if len(m.Items()) != 1 || m.Items()[0].State != "Enabled" {
		t.Fatalf("items %+v", m.Items())
	}
	uuid := m.Items()[0].UUID
	h.Press("e")
	if strings.Contains(h.DialogView(), "CloudFormation") {
		// the sandbox tags the mappings of stack-managed functions, as
		// CloudFormation does: acknowledge the drift warning first
		h.Press("y")
	}
	h.TypeText("poison records, INC-99\n")
	h.Press("y")
	if got := m.Items()[0].State; got != "Disabling" {
		t.Fatalf("state after e: %s (%s)", got, m.Notice())
	}
	if e, ok := c.Last(m.Items()[0].Function + "/esm/" + uuid); !ok || e.Reason != "poison records, INC-99" || e.Result != "ok" {
		t.Fatalf("journal %+v %v", e, ok)
	}
	srv.Advance(6 * time.Second)
	for i := 0; i < 5 && len(h.Held) > 0; i++ {
		msg := h.Held[len(h.Held)-1]
		h.Held = nil
		h.Run(m.Update(msg)) // new settle ticks are held again
	}
	if got := m.Items()[0].State; got != "Disabled" || m.settling {
		t.Fatalf("not settled: %s (held %d)", got, len(h.Held))
	}
	if !strings.Contains(m.View(), "Disabled") {
		t.Fatal("view does not show Disabled")
	}
	srv.Advance(10 * time.Minute)
	if n := invocations(); n != 0 {
		t.Fatalf("%v invocations in the 5 minutes after disabling", n)
	}
	if srv.Stats().Count("UpdateEventSourceMapping") != 1 {
		t.Fatalf("UpdateEventSourceMapping requests %d", srv.Stats().Count("UpdateEventSourceMapping"))
	}
}
