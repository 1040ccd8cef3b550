package concurrency

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

// Every key of the ledger, driven through panetest. The rows of newSession
// are, in the ledger's order: live (5 provisioned), 3 (2, an orphan) and
// canary (an alias without a config).

func selected(m *Model) string { return m.selectedQualifier() }

func shownTitles(m *Model) []string {
	cols, _ := m.t.Columns()
	cfg := m.tableConfig()
	var out []string
	for _, c := range cols {
		out = append(out, cfg.Columns[c].Title)
	}
	return out
}

func TestKeysMoveTheCursor(t *testing.T) {
	m, h := newPane(t, newSession(), "")
	for _, c := range []struct {
		keys []string
		want string
	}{
		{nil, "live"},
		{[]string{"j"}, "3"},
		{[]string{"down"}, "canary"},
		{[]string{"down"}, "canary"}, // stays on the last row
		{[]string{"k"}, "3"},
		{[]string{"up", "up"}, "live"},
		{[]string{"G"}, "canary"},
		{[]string{"g"}, "live"},
		{[]string{"end"}, "canary"},
		{[]string{"home"}, "live"},
		{[]string{"ctrl+d"}, "3"}, // half of the table's 3 rows: one
		{[]string{"ctrl+d"}, "canary"},
		{[]string{"ctrl+u"}, "3"},
		{[]string{"pgup"}, "live"},
		{[]string{"pgdown"}, "3"},
		{[]string{"g"}, "live"},
	} {
		h.Press(c.keys...)
		if got := selected(m); got != c.want {
			t.Fatalf("after %v: on %q, want %q", c.keys, got, c.want)
		}
	}
	h.Run(m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})) // the harness drops bubbletea's own messages
	if got := selected(m); got != "canary" {
		t.Fatalf("wheel down: on %q", got)
	}
	h.Run(m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp}))
	if got := selected(m); got != "live" {
		t.Fatalf("wheel up: on %q", got)
	}
	// a click selects a row; a click on the header sorts by that column
	h.Run(m.Update(tea.MouseClickMsg{X: 3, Y: 2, Button: tea.MouseLeft})) // before any View: nothing
	if got := selected(m); got != "live" {
		t.Fatalf("a click before the table was drawn selected %q", got)
	}
	v := strings.Split(ansi.Strip(m.View()), "\n")
	y := slices.IndexFunc(v, func(l string) bool { return strings.HasPrefix(l, "  3 ") })
	h.Run(m.Update(tea.MouseClickMsg{X: 4, Y: y, Button: tea.MouseLeft}))
	if got := selected(m); got != "3" {
		t.Fatalf("click on line %d selected %q", y, got)
	}
	h.Run(m.Update(tea.MouseClickMsg{X: 4, Y: y - 2, Button: tea.MouseLeft})) // the header's QUALIFIER
	if m.t.SortName() != "qualifier" || selected(m) != "3" {
		t.Fatalf("header click: sort %q, on %q", m.t.SortName(), selected(m))
	}
	// C acts on the row under the cursor (3 is first by qualifier)
	h.Press("G", "g", "C")
	if len(h.Dialogs) != 1 || !strings.Contains(ansi.Strip(h.DialogView()), "> 3 ") {
		t.Fatalf("C on row 3 should start the prompt with it:\n%s", h.DialogView())
	}
}

// TestFilterKeys: "/" captures every key (an R or C typed there is text,
// never the binding), enter applies, esc clears; the filter shows in the
// title line; field filters and an invalid regexp work as everywhere.
func TestFilterKeys(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s, "")
	h.Press("/")
	if !m.CapturesInput() {
		t.Fatal("/ did not open the filter")
	}
	h.TypeText("CR")
	if len(h.Dialogs) != 0 {
		t.Fatal("a letter typed into the filter opened a dialog")
	}
	if got := m.t.Filter(); got != "CR" {
		t.Fatalf("filter %q", got)
	}
	if keys := m.HelpKeys(); len(keys) != 2 || keys[0].Help().Key != "enter" {
		t.Fatalf("help while filtering: %v", keys)
	}
	h.Press("esc") // esc inside the input clears it and closes it
	if m.CapturesInput() || m.t.Filter() != "" {
		t.Fatalf("esc: capturing %v, filter %q", m.CapturesInput(), m.t.Filter())
	}
	h.Press("/")
	h.TypeText("can\n")
	if m.CapturesInput() || m.t.Len() != 1 || selected(m) != "canary" {
		t.Fatalf("/can: %d rows, on %q", m.t.Len(), selected(m))
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Provisioned  can") && !strings.Contains(v, "/can") {
		t.Fatalf("the applied filter is not shown:\n%s", v)
	}
	if !m.Back() || m.t.Filter() != "" || m.t.Len() != 3 {
		t.Fatalf("Back (esc) should clear the filter: %q, %d rows", m.t.Filter(), m.t.Len())
	}
	if m.Back() {
		t.Fatal("Back with nothing to clear should let the root go back")
	}
	for q, want := range map[string][]string{
		"status:READY": {"live", "3"},
		"kind:alias":   {"live", "canary"},
		"!kind:alias":  {"3"},
		"re:^c":        {"canary"},
	} {
		m.SetFilter(q)
		var got []string
		for i := 0; i < m.t.Len(); i++ {
			got = append(got, m.t.At(i).Qualifier)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	m.SetFilter("")
	h.Press("/")
	h.TypeText("re:[a-\n")
	if m.t.Filter() != "re:[a-" || m.t.FilterErr() == nil {
		t.Fatalf("an invalid regexp must keep its text and its error: %q %v", m.t.Filter(), m.t.FilterErr())
	}
	if n := s.Calls("PutReserved") + s.Calls("PutProvisioned"); n != 0 {
		t.Fatal("filtering sent a change")
	}
}

func TestSortKeys(t *testing.T) {
	m, h := newPane(t, newSession(), "")
	order := func() []string {
		var out []string
		for i := 0; i < m.t.Len(); i++ {
			out = append(out, m.t.At(i).Qualifier)
		}
		return out
	}
	if got := order(); !slices.Equal(got, []string{"live", "3", "canary"}) {
		t.Fatalf("unsorted, the ledger's order: %v", got)
	}
	h.Press("s")
	if got := order(); !slices.Equal(got, []string{"3", "canary", "live"}) || h.LastStatus() != "sorted by qualifier" {
		t.Fatalf("s: %v %q", got, h.LastStatus())
	}
	h.Press("S")
	if got := order(); !slices.Equal(got, []string{"live", "canary", "3"}) || !strings.Contains(h.LastStatus(), "descending") {
		t.Fatalf("S: %v %q", got, h.LastStatus())
	}
	h.Press("s", "s") // kind, then requested
	if m.t.SortName() != "requested" {
		t.Fatalf("sort %q", m.t.SortName())
	}
	if got := order(); !slices.Equal(got, []string{"live", "3", "canary"}) { // descending: 5, 2, none
		t.Fatalf("by requested ↓: %v", got)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "sort requested ↓") {
		t.Fatalf("the order is not in the title line:\n%s", v)
	}
}

// TestColumnKeys: in a narrow pane the least important columns go first;
// → and ← scroll them, ctrl+o chooses them.
func TestColumnKeys(t *testing.T) {
	m, h := newPane(t, newSession(), "")
	m.SetSize(50, 30)
	m.View()
	before := shownTitles(m)
	if slices.Contains(before, "NOTE") || !slices.Contains(before, "QUALIFIER") || !slices.Contains(before, "STATUS") {
		t.Fatalf("at 50 columns: %v", before)
	}
	h.Press("right")
	m.View()
	if after := shownTitles(m); slices.Equal(after, before) || after[0] != "QUALIFIER" {
		t.Fatalf("→ did not scroll: %v → %v", before, after)
	}
	for range 10 {
		h.Press("right")
	}
	if h.LastStatus() != "no more columns to the right" {
		t.Fatalf("status %q", h.LastStatus())
	}
	for range 10 {
		h.Press("left")
	}
	m.View()
	if got := shownTitles(m); !slices.Equal(got, before) || h.LastStatus() != "no columns to the left" {
		t.Fatalf("← back: %v %q", got, h.LastStatus())
	}

	m.SetSize(120, 30)
	h.Press("ctrl+o")
	if !m.t.Choosing() || !m.CapturesInput() {
		t.Fatal("ctrl+o did not open the chooser")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "[x] KIND") || strings.Contains(v, "Account") {
		t.Fatalf("the chooser should take the account block's room:\n%s", v)
	}
	h.Press("j", "space", "C") // hide KIND; a C typed in the chooser is not the binding
	if len(h.Dialogs) != 0 {
		t.Fatal("C reached the pane from the chooser")
	}
	h.Press("enter")
	if m.t.Choosing() || slices.Contains(shownTitles(m), "KIND") {
		t.Fatalf("KIND still shown: %v", shownTitles(m))
	}
	h.Press("ctrl+o", "space") // QUALIFIER is pinned
	if !strings.Contains(h.LastStatus(), "always shown") {
		t.Fatalf("status %q", h.LastStatus())
	}
	if !m.Back() || m.t.Choosing() {
		t.Fatal("esc (Back) should close the chooser")
	}
}

func TestOtherKeys(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s, "")
	before := s.Calls("ListProvisioned")
	h.Deliver(common.RefreshMsg{}) // r
	if s.Calls("ListProvisioned") != before+1 {
		t.Fatalf("refresh did not reload: %s", s.CallLog())
	}
	h.Press("x")
	if h.LastStatus() != "x does nothing here (? lists the keys)" {
		t.Fatalf("an unused key: %q", h.LastStatus())
	}
	help := func(keys []string) string { return strings.Join(keys, " ") }
	var short, full []string
	for _, k := range m.HelpKeys() {
		short = append(short, k.Help().Key)
	}
	for _, k := range m.FullHelpKeys() {
		full = append(full, k.Help().Key)
	}
	for _, want := range []string{"R", "C", "/", "s", "S", "r"} {
		if !slices.Contains(short, want) {
			t.Errorf("help %q lacks %s", help(short), want)
		}
	}
	for _, want := range []string{"g", "G", "ctrl+d", "←", "→", "ctrl+o"} {
		if !slices.Contains(full, want) {
			t.Errorf("full help %q lacks %s", help(full), want)
		}
	}
	if n := s.Calls("PutReserved") + s.Calls("PutProvisioned") + s.Calls("DeleteReserved") + s.Calls("DeleteProvisioned"); n != 0 {
		t.Fatal("a key sent a change without a confirmation")
	}
}

// TestUtilAndSpill: both metrics are asked per config with the qualifier
// as the Resource; an all-zero utilisation series is no data.
func TestUtilAndSpill(t *testing.T) {
	s := newSession()
	var resources []string
	s.Series = func(q model.MetricQuery) []float64 {
		resources = append(resources, q.Resource)
		switch {
		case q.Metric == model.MetricSpillover && q.Resource == "live":
			return []float64{3, 0, 4}
		case q.Metric == "ProvisionedConcurrencyUtilization" && q.Resource == "live":
			return []float64{0.5, 0.8, 0}
		}
		return []float64{0, 0}
	}
	m, _ := newPane(t, s, "")
	for _, r := range resources {
		if r != "live" && r != "3" {
			t.Fatalf("Resource %q: the aws layer adds the function's name", r)
		}
	}
	v := ansi.Strip(m.View())
	var live, orphan string
	for _, l := range strings.Split(v, "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == "live" {
			live = l
		}
		if len(f) > 0 && f[0] == "3" {
			orphan = l
		}
	}
	if !strings.Contains(live, "80%") || !strings.Contains(live, " 7 ") {
		t.Fatalf("live: UTIL 80%% and SPILL 7 expected:\n%s", v)
	}
	if f := strings.Fields(orphan); len(f) < 8 || f[6] != "—" || f[7] != "0" {
		t.Fatalf("3: no utilisation datapoint is no data, no spillover is 0: %q", orphan)
	}
}

// TestSmallSizes: the pane at 60×12 (a 60×15 terminal) keeps the table,
// the orphan warning and the notice on screen.
func TestSmallSizes(t *testing.T) {
	for _, sz := range [][2]int{{60, 12}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m, h := newPane(t, newSession(), "")
			h.Press("x") // a notice is not needed; the layout is
			m.SetSize(sz[0], sz[1])
			v := ansi.Strip(m.View())
			if n := strings.Count(v, "\n") + 1; n != sz[1] {
				t.Fatalf("%d lines", n)
			}
			for _, want := range []string{"live", "canary", "orphaned", "this function: 10 reserved"} {
				if !strings.Contains(v, want) {
					t.Errorf("%q not on screen:\n%s", want, v)
				}
			}
			golden.RequireEqual(t, []byte(v))
		})
	}
}
