package triage

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var now = time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	os.Exit(m.Run())
}

// fleet returns a fake with n healthy functions and a few sick ones.
func fleet(n int) *fake.Session {
	s := fake.New("us-east-1", n)
	s.Fns[3].Name = "payments-webhook"
	s.Fns[7].Name = "orders-api"
	s.Fns[11].Name = "report-generator"
	s.Fns[11].TimeoutSec = 30
	for i := range s.Fns {
		s.Fns[i].Reserved = nil
	}
	rep := func(v float64) []float64 {
		out := make([]float64, 12)
		for i := range out {
			out[i] = v
		}
		return out
	}
	s.Series = func(q model.MetricQuery) []float64 {
		switch {
		case q.Metric == model.MetricInvocations:
			return rep(300)
		case q.Metric == model.MetricErrors && q.Function == "payments-webhook":
			return rep(45)
		case q.Metric == model.MetricErrors:
			return rep(0.5)
		case q.Metric == model.MetricThrottles && q.Function == "orders-api":
			return rep(30)
		case q.Metric == model.MetricDuration && q.Stat == "p99" && q.Function == "report-generator":
			return rep(27000)
		case q.Metric == model.MetricDuration:
			return rep(100)
		}
		return rep(0)
	}
	return s
}

// settle delivers messages until none are left, checking that Update
// itself never calls AWS.
func settle(t *testing.T, s *fake.Session, m *Model, msgs []tea.Msg) []tea.Msg {
	t.Helper()
	var other []tea.Msg
	for len(msgs) > 0 {
		msg := msgs[0]
		msgs = msgs[1:]
		switch msg.(type) {
		case listedMsg, metricsMsg, extrasMsg, refreshMsg:
		default:
			other = append(other, msg)
			continue
		}
		before := s.Calls("")
		cmd := m.Update(msg)
		if s.Calls("") != before {
			t.Fatalf("Update called AWS: %s", s.CallLog())
		}
		msgs = append(msgs, panetest.Messages(cmd)...)
	}
	return other
}

func newBoard(s *fake.Session, w, h int) *Model {
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return now }
	m := NewWithOptions(deps, styles.New(true), keymap.Default(), Options{SampleMemory: -1})
	m.SetSize(w, h)
	return m
}

func TestBoardRanksIncidentsFirst(t *testing.T) {
	s := fleet(120)
	m := newBoard(s, 140, 30)
	settle(t, s, m, panetest.Messages(m.Init()))
	if !m.Complete() {
		t.Fatal("metrics incomplete")
	}
	rows := m.Rows()
	top := map[string]string{}
	for _, h := range rows[:3] {
		top[h.Function] = h.Findings[0].Rule
	}
	want := map[string]string{"payments-webhook": "error-rate", "orders-api": "throttles", "report-generator": "p99-timeout"}
	for fn, rule := range want {
		if top[fn] != rule {
			t.Fatalf("top rows %v, want %v", top, want)
		}
	}
	for _, h := range rows[3:] {
		if h.Tier >= model.TierWarn {
			t.Fatalf("healthy function flagged: %s %s", h.Function, h.Reason())
		}
	}
	// 120 functions in batches of 45: 3 calls; reserved asked for orders-api.
	if got := s.Calls("GetMetrics"); got != 3 {
		t.Fatalf("GetMetrics calls %d", got)
	}
	if s.Calls("GetReserved") != 1 {
		t.Fatalf("GetReserved %d", s.Calls("GetReserved"))
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "error rate 15.0% > 1%") || !strings.Contains(v, "metric queries: $0.0132/refresh") {
		t.Fatalf("view:\n%s", v)
	}
}

func TestVisibleRowsFetchedFirst(t *testing.T) {
	s := fleet(200)
	m := newBoard(s, 120, 10) // 7 rows on screen
	msgs := panetest.Messages(m.Init())
	// The listing arrives; the first batch is asked for.
	cmd := m.Update(msgs[0])
	first := panetest.Messages(cmd)[0].(metricsMsg)
	if len(first.names) != BatchFunctions || first.names[0] != m.t.At(0).fn.Name {
		t.Fatalf("first batch %v", first.names[:3])
	}
	m.Update(first)
	// Meanwhile the user scrolls to the end: those rows come next.
	m.inFlight = true // a batch is in flight; scrolling must not pile up another
	if cmd := m.Update(panetest.Key("G")); cmd != nil {
		t.Fatal("fetch piled up")
	}
	m.inFlight = false
	next := panetest.Messages(m.fetchNext())[0].(metricsMsg)
	last := m.t.At(m.t.Len() - 1).fn.Name
	found := false
	for _, n := range next.names[:m.bodyHeight()] {
		if n == last {
			found = true
		}
	}
	if !found {
		t.Fatalf("rows on screen not fetched first: %v", next.names[:8])
	}
}

func TestStaleResultsDropped(t *testing.T) {
	s := fleet(20)
	m := newBoard(s, 120, 30)
	msgs := panetest.Messages(m.Init())
	old := m.req.Gen(kindRun)
	// r relists: the old listing is stale when it lands.
	m.Update(common.RefreshMsg{})
	if m.req.Gen(kindRun) == old {
		t.Fatal("generation not bumped")
	}
	if cmd := m.Update(msgs[0]); cmd != nil || m.listed {
		t.Fatal("stale listing applied")
	}
	if m.Update(metricsMsg{pane: m.id, gen: old, names: []string{"x"}}) != nil {
		t.Fatal("stale metrics applied")
	}
	if m.Update(listedMsg{pane: m.id + 1000, gen: m.req.Gen(kindRun)}) != nil {
		t.Fatal("other pane's listing applied")
	}
}

func TestOpenSortAndRefresh(t *testing.T) {
	s := fleet(30)
	m := newBoard(s, 120, 30)
	settle(t, s, m, panetest.Messages(m.Init()))
	msgs := panetest.Messages(m.Update(panetest.Key("enter")))
	open, ok := msgs[0].(common.OpenFunctionMsg)
	if !ok || open.Function.Name != m.Rows()[0].Function || open.Tab != 0 {
		t.Fatalf("enter: %#v", msgs)
	}
	msgs = panetest.Messages(m.Update(panetest.Key("l")))
	if msgs[0].(common.OpenFunctionMsg).Tab != 3 {
		t.Fatal("l does not open logs")
	}
	m.Update(panetest.Key("down"))
	cur := m.t.At(m.t.Cursor()).fn.Name
	m.Update(panetest.Key("s")) // rank → name
	if m.t.SortColumn() != ColFunction || m.t.At(0).fn.Name > m.t.At(1).fn.Name {
		t.Fatal("name sort")
	}
	if m.t.At(m.t.Cursor()).fn.Name != cur {
		t.Fatal("cursor did not stay on its function")
	}
	// A refresh round refetches everything.
	before := s.Calls("GetMetrics")
	settle(t, s, m, []tea.Msg{refreshMsg{pane: m.id, gen: m.req.Gen(kindRun)}})
	if s.Calls("GetMetrics") != before+1 {
		t.Fatalf("refresh calls %d", s.Calls("GetMetrics")-before)
	}
}

func TestGolden(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {140, 30}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			s := fleet(40)
			m := newBoard(s, sz.w, sz.h)
			settle(t, s, m, panetest.Messages(m.Init()))
			golden.RequireEqual(t, panetest.ASCII(m.View()))
		})
	}
}

// Defect 2: "/" filters the board, and the letters typed into the filter
// never run as commands (l opens the logs, s sorts).
func TestSlashFiltersAndCapturesLetters(t *testing.T) {
	s := fleet(40)
	m := newBoard(s, 120, 30)
	settle(t, s, m, panetest.Messages(m.Init()))
	h := panetest.New(t, m)
	h.Press("/")
	if !m.CapturesInput() {
		t.Fatal("/ did not open the filter")
	}
	var opened []tea.Msg
	for _, r := range "payments-webhook" {
		for _, msg := range panetest.Messages(m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})) {
			if _, ok := msg.(common.OpenFunctionMsg); ok {
				opened = append(opened, msg)
			}
		}
	}
	if len(opened) > 0 || m.t.SortColumn() != ColRank {
		t.Fatalf("letters typed into the filter ran commands: %v, sort %d", opened, m.t.SortColumn())
	}
	h.Press("enter")
	if m.t.Len() != 1 || m.t.At(0).fn.Name != "payments-webhook" {
		t.Fatalf("filter shows %d rows", m.t.Len())
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "/payments-webhook") || !strings.Contains(v, "1/40 functions") {
		t.Fatalf("filter not shown:\n%s", v)
	}
	m.SetFilter("tier:alarm")
	if m.t.Len() != 3 {
		t.Fatalf("tier:alarm shows %d rows, want 3", m.t.Len())
	}
	if !m.Back() || m.t.Len() != 40 {
		t.Fatal("esc did not clear the filter")
	}
	msgs := panetest.Messages(m.Update(panetest.Key("z")))
	if len(msgs) != 1 || !strings.Contains(msgs[0].(common.StatusMsg).Text, "does nothing here") {
		t.Fatalf("an unbound key said nothing: %v", msgs)
	}
}

// Defect 3: large counts are never cut to "1193…".
func TestLargeThrottleCountReadable(t *testing.T) {
	s := fleet(20)
	base := s.Series
	s.Series = func(q model.MetricQuery) []float64 {
		if q.Metric == model.MetricThrottles && q.Function == "orders-api" {
			out := make([]float64, 12)
			for i := range out {
				out[i] = 119310.0 / 12
			}
			return out
		}
		return base(q)
	}
	for _, w := range []int{140, 80, 60} {
		m := newBoard(s, w, 20)
		settle(t, s, m, panetest.Messages(m.Init()))
		v := ansi.Strip(m.View())
		if strings.Contains(v, "1193…") || !strings.Contains(v, "119,310") && !strings.Contains(v, "119.3k") && !strings.Contains(v, "119k") {
			t.Fatalf("at %d wide the throttles read:\n%s", w, v)
		}
	}
}
