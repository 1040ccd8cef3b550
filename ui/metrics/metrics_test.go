package metrics

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var now = time.Date(2026, 11, 26, 14, 0, 30, 0, time.UTC)

func TestMain(m *testing.M) {
	tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	os.Exit(m.Run())
}

func ramp(n int, from, to float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = from + (to-from)*float64(i)/float64(max(1, n-1))
	}
	return out
}

func session() *fake.Session {
	s := fake.New("us-east-1", 2)
	s.Aliases["report-generator"] = []model.Alias{{Function: "report-generator", Name: "live", Version: "7", Routing: model.Routing{AdditionalVersion: "8", Weight: 0.1}}}
	s.Series = func(q model.MetricQuery) []float64 {
		switch {
		case q.Metric == model.MetricInvocations:
			return ramp(60, 100, 300)
		case q.Metric == model.MetricErrors:
			return ramp(60, 0, 9)
		case q.Metric == model.MetricDuration && q.Stat == "p99":
			return ramp(60, 8000, 27000)
		case q.Metric == model.MetricDuration && q.Stat == "p90":
			return ramp(60, 4000, 12000)
		case q.Metric == model.MetricDuration:
			return ramp(60, 1000, 3000)
		case q.Metric == model.MetricConcurrent:
			return ramp(60, 2, 9)
		}
		return make([]float64, 60)
	}
	return s
}

func newTab(s *fake.Session) *Model {
	deps := common.FromSession(s, nil)
	deps.Logs = nil // no REPORT sampling here
	deps.Now = func() time.Time { return now }
	fn := model.Function{Name: "report-generator", TimeoutSec: 30, MemoryMB: 2048}
	m := New(deps, styles.New(true), keymap.Default(), fn)
	m.SetSize(100, 24)
	return m
}

func deliver(t *testing.T, s *fake.Session, m *Model, msgs []tea.Msg) {
	t.Helper()
	for _, msg := range msgs {
		before := s.Calls("")
		m.Update(msg)
		if s.Calls("") != before {
			t.Fatalf("Update called AWS: %s", s.CallLog())
		}
	}
}

func TestLoadsAndRenders(t *testing.T) {
	s := session()
	m := newTab(s)
	before := s.Calls("")
	cmd := m.Init()
	if s.Calls("") != before {
		t.Fatal("Init called AWS")
	}
	deliver(t, s, m, panetest.Messages(cmd))
	if s.Calls("GetMetrics") != 1 || s.Calls("ListAliases") != 1 {
		t.Fatalf("calls %s", s.CallLog())
	}
	v := ansi.Strip(m.View())
	for _, want := range []string{"Invocations", "timeout 30s", "p99 15m 27.0s", "Errors", "report-generator", "1h"} {
		if !strings.Contains(v, want) {
			t.Fatalf("missing %q:\n%s", want, v)
		}
	}
}

func TestWindowAndQualifierRefetchAndDropStale(t *testing.T) {
	s := session()
	m := newTab(s)
	deliver(t, s, m, panetest.Messages(m.Init()))
	old := m.req.Gen(kindData)
	// w: the next window; its query carries the window's period.
	before := s.Calls("")
	cmd := m.Update(panetest.Key("w"))
	if s.Calls("") != before {
		t.Fatal("Update called AWS")
	}
	if m.req.Gen(kindData) == old || m.wins[m.win].Name != "1h" {
		t.Fatal("window not switched")
	}
	msgs := panetest.Messages(cmd)
	// A result of the old window arriving late is dropped.
	if m.Update(dataMsg{pane: m.id, gen: old, series: nil}) != nil || !m.req.InFlight(kindData) {
		t.Fatal("stale result applied")
	}
	deliver(t, s, m, msgs)
	// a: the alias, with its routing.
	deliver(t, s, m, panetest.Messages(m.Update(panetest.Key("a"))))
	if m.qualifier() != "live" || !strings.Contains(ansi.Strip(m.View()), "alias live (v7 + v8 at 10%)") {
		t.Fatalf("qualifier %q", m.qualifier())
	}
	// The minute tick refreshes only for the current generation.
	if m.Update(refreshMsg{pane: m.id, gen: m.req.Gen(kindData) - 1}) != nil {
		t.Fatal("stale tick refreshed")
	}
	n := s.Calls("GetMetrics")
	deliver(t, s, m, panetest.Messages(m.Update(refreshMsg{pane: m.id, gen: m.req.Gen(kindData)})))
	if s.Calls("GetMetrics") != n+1 {
		t.Fatal("tick did not refresh")
	}
}

func TestBars(t *testing.T) {
	b := Bars([]float64{0, 15, 30, 60}, 4, 2, 30)
	if len(b) != 2 || b[0] != "  ██" || b[1] != " ███" {
		t.Fatalf("%q", b)
	}
}

func TestGolden(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"140x30", 140, 30}} {
		t.Run(sz.name, func(t *testing.T) {
			s := session()
			m := newTab(s)
			m.SetSize(sz.w, sz.h)
			deliver(t, s, m, panetest.Messages(m.Init()))
			golden.RequireEqual(t, panetest.ASCII(m.View()))
		})
	}
}

// reportLogs is a Logs fake whose tails deliver two REPORT lines (one cold)
// and end.
type reportLogs struct{ tails int }

func (r *reportLogs) Tail(ctx context.Context, req aws.TailRequest) <-chan aws.TailBatch {
	r.tails++
	ch := make(chan aws.TailBatch, 1)
	ch <- aws.TailBatch{Events: []model.LogEvent{
		{Message: "REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 100.00 ms\t"},
		{Message: "REPORT RequestId: b\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t"},
	}}
	close(ch)
	return ch
}

func TestColdStartsSampledNotEveryMinute(t *testing.T) {
	s := session()
	m := newTab(s)
	rl := &reportLogs{}
	m.deps.Logs = rl
	deliver(t, s, m, panetest.Messages(m.Init()))
	if rl.tails != 1 || !strings.Contains(ansi.Strip(m.View()), "50.0% of 2 REPORT lines") {
		t.Fatalf("tails %d\n%s", rl.tails, ansi.Strip(m.View()))
	}
	// The minute refresh reads metrics only: a tail is billed per minute.
	deliver(t, s, m, panetest.Messages(m.Update(refreshMsg{pane: m.id, gen: m.req.Gen(kindData)})))
	if rl.tails != 1 || !strings.Contains(ansi.Strip(m.View()), "50.0% of 2 REPORT lines") {
		t.Fatalf("minute refresh tailed: %d", rl.tails)
	}
}

func TestLatestPercentileSkipsEmptyMinutes(t *testing.T) {
	if got := lastSeen([]float64{120, 250, 0, 0}); got != 250 {
		t.Fatalf("lastSeen = %v, want 250 (trailing zeros are minutes without invocations)", got)
	}
	if got := lastSeen(nil); got != 0 {
		t.Fatalf("lastSeen(nil) = %v", got)
	}
}

// An endpoint without GetMetricData (moto's CBOR 404) gets one line saying
// so, not the SDK's chain, and no figures that read as zero.
func TestUnsupportedMetricsSayOneLine(t *testing.T) {
	s := session()
	s.Err = fmt.Errorf("GetMetricData (9 queries): %w", aws.ErrUnsupported)
	m := newTab(s)
	deliver(t, s, m, panetest.Messages(m.Init()))
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "metrics unavailable: not supported by this endpoint") {
		t.Fatalf("no one-line notice:\n%s", v)
	}
	if strings.Contains(v, "Invocations") || strings.Contains(v, "GetMetricData (9") {
		t.Fatalf("zeros or the raw error shown:\n%s", v)
	}
}

// No invocations in the window: the percentiles and the error rate are no
// data ("—"), not "p99 0ms" and "0.00%".
func TestNoInvocationsReadNoData(t *testing.T) {
	s := session()
	s.Series = func(q model.MetricQuery) []float64 { return make([]float64, 15) }
	m := newTab(s)
	deliver(t, s, m, panetest.Messages(m.Init()))
	v := ansi.Strip(m.View())
	for _, want := range []string{"p99 15m —", "p50 15m —", "0 in 15m · —"} {
		if !strings.Contains(v, want) {
			t.Fatalf("missing %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "0ms") || strings.Contains(v, "0.00%") {
		t.Fatalf("no data shown as zero:\n%s", v)
	}
}
