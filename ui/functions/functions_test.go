package functions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

func newPane(t testing.TB, n int) (*Model, *fake.Session) {
	s := fake.New("us-east-1", n)
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return now }
	m := New(deps, styles.NewPlain(), keymap.Default())
	m.SetSize(120, 20)
	return m, s
}

// drive runs cmd and feeds results back until quiet (panetest.Pump).
func drive(t testing.TB, m *Model, cmd tea.Cmd) []tea.Msg {
	return panetest.PumpWith(t, panetest.PumpOptions{Wait: 50 * time.Millisecond}, m.Update, cmd)
}

func kp(s string) tea.KeyPressMsg { return panetest.Key(s) }

func typeQ(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func TestListingPagesAndCount(t *testing.T) {
	m, s := newPane(t, 137)
	s.PageSize = 20
	drive(t, m, m.Init())
	if sh, tot := m.Count(); sh != 137 || tot != 137 {
		t.Fatalf("count %d/%d", sh, tot)
	}
	if s.Calls("ListFunctions") != 1 || s.Calls("Snapshot") != 1 {
		t.Fatalf("calls: %s", s.CallLog())
	}
	if !strings.Contains(ansi.Strip(m.View()), "functions 137/137") {
		t.Fatal("count missing from the title")
	}
}

func TestUpdateMakesNoAWSCalls(t *testing.T) {
	m, s := newPane(t, 300)
	drive(t, m, m.Init())
	before := s.Calls("")
	for _, k := range []string{"j", "j", "G", "g", "s", "S", "/", "p", "a", "y", "esc", "enter", "down"} {
		m.Update(kp(k)) // commands deliberately not run
		_ = m.View()
	}
	if after := s.Calls(""); after != before {
		t.Fatalf("Update/View called AWS: %d → %d (%s)", before, after, s.CallLog())
	}
}

func TestStaleListingIsDropped(t *testing.T) {
	m, s := newPane(t, 10)
	drive(t, m, m.Init())
	old := m.req.Gen(kindList)
	m.Update(common.RefreshMsg{}) // supersedes gen
	if m.req.Gen(kindList) == old {
		t.Fatal("refresh did not bump the generation")
	}
	ghost := model.Function{Name: "ghost", ARN: "arn:ghost"}
	m.Update(listMsg{gen: old, pages: []aws.Page{{Functions: []model.Function{ghost}, Loaded: 1, Last: true}}, done: true})
	if _, ok := m.rows["ghost"]; ok {
		t.Fatal("a stale page was applied")
	}
	m.Update(metricsMsg{gen: old, vals: map[string]rowMetrics{s.Fns[0].Name: {v: [nMetrics]float64{5, 1, 0, 100}, hasP99: true}}})
	if m.rows[s.Fns[0].Name].metrics != nil {
		t.Fatal("stale metrics were applied")
	}
}

func TestSnapshotShownStaleThenReplaced(t *testing.T) {
	m, s := newPane(t, 5)
	s.Snap = fake.Functions(8, "us-east-1")
	s.Snap[7].Name = "deleted-since"
	s.SnapAt, s.SnapOK = now.Add(-3*time.Minute), true
	s.Block = make(chan struct{})
	s.PageSize = 2
	cmds := m.Init()
	// run only the snapshot read
	batch := cmds().(tea.BatchMsg)
	m.Update(batch[0]())
	if !m.stale || len(m.rows) != 8 {
		t.Fatalf("snapshot not shown: stale=%v rows=%d", m.stale, len(m.rows))
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "STALE cached 3m old") {
		t.Fatalf("stale marker missing:\n%s", v)
	}
	close(s.Block)
	drive(t, m, batch[1])
	if m.stale || len(m.rows) != 5 {
		t.Fatalf("after listing stale=%v rows=%d", m.stale, len(m.rows))
	}
	if _, ok := m.rows["deleted-since"]; ok {
		t.Fatal("a deleted function survived the listing")
	}
}

func TestFilterModes(t *testing.T) {
	m, _ := newPane(t, 100)
	drive(t, m, m.Init())
	cases := []struct {
		q    string
		want func(model.Function) bool
	}{
		{"pay", func(f model.Function) bool { return strings.HasPrefix(f.Name, "payments") }},
		{"pmt", func(f model.Function) bool { return isSubseq(strings.ToLower(f.Name), "pmt") }},
		{"re:^search-.*-00[0-4]", func(f model.Function) bool {
			return strings.HasPrefix(f.Name, "search-") && f.Name[len(f.Name)-2] <= '4' && f.Name[len(f.Name)-3] == '0' && f.Name[len(f.Name)-4] == '0'
		}},
		{"tag:team=payments", func(f model.Function) bool { return f.Tags["team"] == "payments" }},
		{"!tag:team=payments", func(f model.Function) bool { return f.Tags["team"] != "payments" }},
		{"!api", func(f model.Function) bool { return !isSubseq(strings.ToLower(f.Name), "api") }},
	}
	for _, tc := range cases {
		t.Run(tc.q, func(t *testing.T) {
			m.SetFilter(tc.q)
			want := 0
			for _, r := range m.rows {
				if tc.want(r.fn) {
					want++
				}
			}
			if got, _ := m.Count(); got != want || want == 0 {
				t.Fatalf("filter %q shows %d, want %d", tc.q, got, want)
			}
		})
	}
	m.SetFilter("re:([")
	if m.t.FilterErr() == nil {
		t.Fatal("a bad regexp was not reported")
	}
}

func TestIncrementalFilterMatchesFull(t *testing.T) {
	m, _ := newPane(t, 500)
	drive(t, m, m.Init())
	m.Update(kp("/"))
	typeQ(m, "pay0")
	inc := viewNames(m)
	m.SetFilter("")
	m.ForgetFilterResults()
	m.SetFilter("pay0")
	full := viewNames(m)
	if len(inc) != len(full) {
		t.Fatalf("incremental %d vs full %d", len(inc), len(full))
	}
	for i := range inc {
		if inc[i] != full[i] {
			t.Fatal("incremental order differs")
		}
	}
	// backspace widens again
	m.SetFilter("pay0")
	m.Update(kp("/"))
	m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	wide, _ := m.Count()
	m.SetFilter("pay")
	if again, _ := m.Count(); again != wide {
		t.Fatalf("after backspace %d, want %d", wide, again)
	}
}

func TestSortAndSelectionKept(t *testing.T) {
	m, _ := newPane(t, 50)
	drive(t, m, m.Init())
	m.Update(kp("j"))
	m.Update(kp("j"))
	sel, _ := m.Selected()
	m.Update(kp("s")) // runtime
	if columns()[m.t.SortColumn()].Title != "RUNTIME" {
		t.Fatalf("sort column %s", columns()[m.t.SortColumn()].Title)
	}
	if now, _ := m.Selected(); now.Name != sel.Name {
		t.Fatalf("selection moved from %s to %s", sel.Name, now.Name)
	}
	for i := 1; i < m.t.Len(); i++ {
		if runtime(m.t.At(i-1).fn) > runtime(m.t.At(i).fn) {
			t.Fatal("not sorted by runtime")
		}
	}
	m.Update(kp("S"))
	for i := 1; i < m.t.Len(); i++ {
		if runtime(m.t.At(i-1).fn) < runtime(m.t.At(i).fn) {
			t.Fatal("not reversed")
		}
	}
}

func TestEnterOpensAndYCopies(t *testing.T) {
	m, _ := newPane(t, 5)
	drive(t, m, m.Init())
	msg := m.Update(kp("enter"))()
	if o, ok := msg.(common.OpenFunctionMsg); !ok || o.Function.Name == "" {
		t.Fatalf("enter gave %T", msg)
	}
	if m.Update(kp("y")) == nil {
		t.Fatal("y returned no command")
	}
}

func TestMetricsBatchedForVisibleRows(t *testing.T) {
	m, s := newPane(t, 400)
	s.Series = func(q model.MetricQuery) []float64 {
		switch q.Metric {
		case "Invocations":
			return []float64{100}
		case "Errors":
			return []float64{5}
		case "Duration":
			return []float64{1500}
		}
		return []float64{0}
	}
	drive(t, m, m.Init())
	m.SetSize(120, 200) // 198 visible rows → 792 queries → 2 calls
	cmd := m.Update(metricsTickMsg{gen: m.req.Gen(kindList), seq: m.mseq})
	drive(t, m, cmd)
	if got := s.Calls("GetMetrics"); got != 2 {
		t.Fatalf("GetMetrics calls = %d, want 2 (batches of 500 queries)", got)
	}
	r := m.t.At(0)
	if r.metrics == nil || r.errPct() != 5 {
		t.Fatalf("metrics not applied: %+v", r.metrics)
	}
	if !strings.Contains(m.View(), "5.0") {
		t.Fatal("error % not shown")
	}
}

func TestMouse(t *testing.T) {
	m, _ := newPane(t, 30)
	drive(t, m, m.Init())
	m.Update(tea.MouseClickMsg{X: 3, Y: 5, Button: tea.MouseLeft})
	if m.t.Cursor() != 3 {
		t.Fatalf("click on row 3 put the cursor on %d", m.t.Cursor())
	}
	m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if m.t.Cursor() != 6 {
		t.Fatalf("wheel: cursor %d", m.t.Cursor())
	}
}

func TestGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {60, 15}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m, _ := newPane(t, 120)
			drive(t, m, m.Init())
			m.SetSize(sz[0], sz[1])
			m.Update(kp("j"))
			out := ansi.Strip(m.View())
			for i, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Fatalf("line %d is %d wide", i, w)
				}
			}
			if n := strings.Count(out, "\n") + 1; n != sz[1] {
				t.Fatalf("%d lines, want %d", n, sz[1])
			}
			golden.RequireEqual(t, []byte(out))
		})
	}
	t.Run("filtered", func(t *testing.T) {
		m, _ := newPane(t, 120)
		drive(t, m, m.Init())
		m.SetSize(100, 12)
		m.SetFilter("tag:team=search")
		golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
	})
}

var _ = context.Background

func TestFuzzyRanksContiguousFirst(t *testing.T) {
	m, _ := newPane(t, 0)
	m.SetFunctions([]model.Function{{Name: "media-export-gateway"}, {Name: "payments-api"}, {Name: "a-pay"}})
	m.SetFilter("pay")
	var got []string
	for i := range m.t.Len() {
		got = append(got, m.t.At(i).fn.Name)
	}
	if strings.Join(got, ",") != "a-pay,payments-api,media-export-gateway" {
		t.Fatalf("order %v", got)
	}
}

func TestSortByMetricColumn(t *testing.T) {
	m, s := newPane(t, 30)
	s.Series = func(q model.MetricQuery) []float64 {
		var n int
		fmt.Sscanf(q.Function[len(q.Function)-4:], "%d", &n)
		switch q.Metric {
		case "Invocations":
			return []float64{100}
		case "Errors":
			return []float64{float64(n % 7)}
		}
		return []float64{0}
	}
	drive(t, m, m.Init())
	m.SetSize(120, 40)
	drive(t, m, m.Update(metricsTickMsg{gen: m.req.Gen(kindList), seq: m.mseq}))
	for columns()[m.t.SortColumn()].Title != "ERR%" {
		m.Update(kp("s"))
	}
	m.Update(kp("S"))
	for i := 1; i < m.t.Len(); i++ {
		if m.t.At(i-1).errPct() < m.t.At(i).errPct() {
			t.Fatalf("row %d (%.1f) before %.1f: not descending", i, m.t.At(i-1).errPct(), m.t.At(i).errPct())
		}
	}
	if m.t.At(0).errPct() != 6 {
		t.Fatalf("top error %% = %.1f", m.t.At(0).errPct())
	}
}

func TestListingErrorShown(t *testing.T) {
	m, s := newPane(t, 3)
	s.Err = fmt.Errorf("the SSO session for profile %q has expired", "prod")
	msgs := drive(t, m, m.Init())
	out := ansi.Strip(m.View())
	if !strings.Contains(out, "could not list functions: the SSO session") || !strings.Contains(out, "r retries") {
		t.Fatalf("error not shown:\n%s", out)
	}
	status := false
	for _, msg := range msgs {
		if st, ok := msg.(common.StatusMsg); ok && st.Err {
			status = true
		}
	}
	if !status {
		t.Fatal("no error status")
	}
	s.Err = nil
	drive(t, m, m.Update(common.RefreshMsg{}))
	if sh, _ := m.Count(); sh != 3 {
		t.Fatal("refresh after the error did not list")
	}
}

func TestLargeListingEndsSorted(t *testing.T) {
	m, s := newPane(t, 25_000)
	s.PageSize = 2_000
	drive(t, m, m.Init())
	if sh, tot := m.Count(); sh != 25_000 || tot != 25_000 {
		t.Fatalf("count %d/%d", sh, tot)
	}
	for i := 1; i < m.t.Len(); i++ {
		if m.t.At(i-1).fn.Name > m.t.At(i).fn.Name {
			t.Fatal("not sorted after the listing")
		}
	}
}

// isSubseq is the test's own oracle for a fuzzy match.
func isSubseq(h, n string) bool {
	for _, c := range n {
		i := strings.IndexRune(h, c)
		if i < 0 {
			return false
		}
		h = h[i+1:]
	}
	return true
}

func viewNames(m *Model) []string {
	var out []string
	for i := 0; i < m.t.Len(); i++ {
		out = append(out, m.t.At(i).fn.Name)
	}
	return out
}

// failingMetrics answers every GetMetrics with moto's 500 (an HTML page).
type failingMetrics struct{ awsapi.Metrics }

func (failingMetrics) GetMetrics(context.Context, []model.MetricQuery, time.Time, time.Time) ([]model.MetricSeries, error) {
	return nil, errors.New("GetMetricData (4 queries): operation error CloudWatch: GetMetricData, https response error StatusCode: 500, RequestID: , deserialization failed, failed to decode response body, invalid character '<' looking for beginning of value")
}

// When the endpoint cannot give metrics, the title says so in one line,
// and neither it nor the footer shows the SDK's raw error.
func TestMetricsFailureSaysSoInOneLine(t *testing.T) {
	s := fake.New("us-east-1", 5)
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return now }
	deps.Metrics = failingMetrics{deps.Metrics}
	m := New(deps, styles.NewPlain(), keymap.Default())
	m.Configure(Options{MetricsDelay: time.Millisecond})
	m.SetSize(160, 20)
	msgs := drive(t, m, m.Init())
	title := strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0]
	if !strings.Contains(title, "metrics unavailable: the endpoint answered HTTP 500") {
		t.Fatalf("title %q", title)
	}
	for _, msg := range msgs {
		if st, ok := msg.(common.StatusMsg); ok && strings.Contains(st.Text, "deserialization") {
			t.Fatalf("raw SDK error in the footer: %q", st.Text)
		}
	}
}
