package triage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// The demo fleet's seeded incidents and the rule that must name each.
var incidents = map[string]string{
	"payments-webhook":      "error-rate",
	"orders-api":            "throttles",
	"report-generator":      "p99-timeout",
	"clickstream-processor": "iterator-age",
	"checkout-api":          "error-rate",
	"search-api":            "spillover",
	"image-resizer":         "memory",
	"email-sender":          "dlq",
}

// TestBoardOnDemoFleet runs the board through the real aws client against
// the sandbox's demo fleet (manual clock, backfilled traffic): every seeded
// incident is at the top with the right reason, nothing healthy above them.
func TestBoardOnDemoFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the sandbox with two hours of traffic")
	}
	// The aws client reads time from the sandbox's manual clock too.
	clk := clock.NewManual(time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Seed: 1, Clock: clk, Traffic: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	d := t.TempDir()
	c, err := aws.Open(ctx, aws.Config{Sandbox: true, EndpointURL: srv.URL(), Governor: aws.NewGovernor(), Now: clk.Now,
		CacheDir: filepath.Join(d, "cache"), StateDir: filepath.Join(d, "state")})
	if err != nil {
		t.Fatal(err)
	}
	deps := common.FromSession(c, nil)
	deps.Now = clk.Now
	// an hour, as the demo incidents are built to show (some, like the
	// dead-letter errors, are sparse: a 15m window may hold none)
	m := NewWithOptions(deps, styles.New(true), keymap.Default(), Options{Window: time.Hour})
	m.SetSize(160, 40)
	settleReal(t, m)
	if !m.Complete() {
		t.Fatal("metrics incomplete")
	}
	if m.fetchErr != nil {
		t.Fatalf("metrics: %v", m.fetchErr)
	}
	if r := m.byName["image-resizer"]; r != nil {
		t.Logf("image-resizer: %+v cost %+v sampled %d", r.hc, r.h.Cost.Monthly, m.sampled)
	}
	rows := m.Rows()
	if len(rows) < len(incidents) {
		t.Fatalf("only %d rows", len(rows))
	}
	for i, h := range rows[:len(incidents)] {
		rule, ok := incidents[h.Function]
		if !ok {
			t.Errorf("row %d: healthy %s ranks among the incidents (%s)", i, h.Function, h.Reason())
			continue
		}
		if !h.Has(rule) {
			t.Errorf("row %d: %s lacks %s: %s", i, h.Function, rule, h.Reason())
		}
	}
	for i, h := range rows {
		t.Logf("%3d %-24s tier %d score %6.2f  %s", i, h.Function, h.Tier, h.Score, h.Reason())
		if i > 15 {
			break
		}
	}
	for _, h := range rows[len(incidents):] {
		if _, ok := incidents[h.Function]; ok {
			t.Errorf("incident %s ranked below healthy functions: %s", h.Function, h.Reason())
		}
		if h.Tier >= model.TierWarn {
			t.Errorf("healthy %s flagged: %s", h.Function, h.Reason())
		}
	}
}

// settleReal runs the board's commands (real I/O) until it is quiet.
func settleReal(t *testing.T, m *Model) {
	t.Helper()
	msgs := panetest.Messages(m.Init())
	for len(msgs) > 0 {
		msg := msgs[0]
		msgs = msgs[1:]
		switch msg.(type) {
		case listedMsg, metricsMsg, extrasMsg:
			msgs = append(msgs, panetest.Messages(m.Update(msg))...)
		}
	}
}
