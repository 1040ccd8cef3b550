package table

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/ui/styles"
)

type item struct {
	name, runtime string
	mem, invoc    int
	tags          map[string]string
	ver           uint64
}

var cellCalls int

func testCols() []Column[*item] {
	return []Column[*item]{
		{Title: "NAME", Width: 12, Max: 30, Priority: 0, Cell: func(r *item) string { cellCalls++; return r.name },
			Less: func(a, b *item) bool { return a.name < b.name }},
		{Title: "RUNTIME", Width: 10, Priority: 1, Field: "runtime", Cell: func(r *item) string { return r.runtime },
			Less: func(a, b *item) bool { return a.runtime < b.runtime }},
		{Title: "MEM", Width: 5, Priority: 3, Right: true, Cell: func(r *item) string { return strconv.Itoa(r.mem) },
			Less: func(a, b *item) bool { return a.mem < b.mem }},
		{Title: "INVOC", Width: 6, Priority: 2, Right: true, Cell: func(r *item) string { return thousands(r.invoc) },
			Less: func(a, b *item) bool { return a.invoc < b.invoc }},
	}
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func newTable(items []*item) *Model[*item] {
	t := New(Config[*item]{
		Columns: testCols(),
		Key:     func(r *item) string { return r.name },
		Version: func(r *item) uint64 { return r.ver },
		Fields: []Field[*item]{{Name: "tag", Column: -1, Match: func(r *item, arg string) bool {
			k, v, hasV := KV(arg)
			got, ok := r.tags[k]
			return ok && (!hasV || strings.EqualFold(got, v))
		}}},
	}, styles.New(true), keymap.Default().List)
	t.SetSize(80, 10)
	t.SetItems(items)
	return t
}

func sample() []*item {
	return []*item{
		{name: "payments-api", runtime: "python3.12", mem: 512, invoc: 119310, tags: map[string]string{"team": "pay"}},
		{name: "orders-api", runtime: "nodejs20.x", mem: 256, invoc: 12, tags: map[string]string{"team": "shop"}},
		{name: "report-generator", runtime: "python3.11", mem: 3008, invoc: 4},
		{name: "image-resizer", runtime: "java21", mem: 2048, invoc: 0},
	}
}

func names(t *Model[*item]) []string {
	var out []string
	for i := 0; i < t.Len(); i++ {
		out = append(out, t.At(i).name)
	}
	return out
}

func TestFilterSyntax(t *testing.T) {
	for _, c := range []struct {
		q    string
		want string
	}{
		{"", "image-resizer orders-api payments-api report-generator"},
		{"api", "orders-api payments-api"},
		{"pyap", "payments-api"},                   // fuzzy: letters in order
		{"!api", "image-resizer report-generator"}, // inverted
		{"re:^(orders|image)", "image-resizer orders-api"},
		{"re:API$", "orders-api payments-api"}, // case-insensitive
		{"tag:team=pay", "payments-api"},
		{"tag:team", "orders-api payments-api"},
		{"!tag:team", "image-resizer report-generator"},
		{"runtime:python", "payments-api report-generator"},
		{"runtime:python rep", "report-generator"}, // terms AND
		{"nosuch:x", ""}, // not a field: fuzzy text "nosuch:x"
	} {
		tb := newTable(sample())
		tb.SetFilter(c.q)
		if err := tb.FilterErr(); err != nil {
			t.Errorf("%q: %v", c.q, err)
		}
		if got := strings.Join(names(tb), " "); got != c.want {
			t.Errorf("filter %q = %q, want %q", c.q, got, c.want)
		}
	}
}

func TestFuzzyPutsContainedMatchesFirst(t *testing.T) {
	tb := newTable([]*item{{name: "a-p-i-x"}, {name: "zapi"}})
	tb.SetFilter("api")
	if got := strings.Join(names(tb), " "); got != "zapi a-p-i-x" {
		t.Fatalf("got %q", got)
	}
}

func TestInvalidRegexpKeepsTextAndShowsError(t *testing.T) {
	tb := newTable(sample())
	tb.Update(press("/"))
	for _, r := range "re:[a-" {
		tb.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	tb.Update(press("enter"))
	if tb.Filter() != "re:[a-" {
		t.Fatalf("filter text %q, want it as typed", tb.Filter())
	}
	if tb.FilterErr() == nil {
		t.Fatal("no error for an invalid regexp")
	}
	fv := ansi.Strip(tb.FilterView(80))
	if !strings.Contains(fv, "/re:[a-") || !strings.Contains(fv, "bad regexp") {
		t.Fatalf("filter view %q lacks the text or the error", fv)
	}
	// typing resumes from the text as typed
	tb.Update(press("/"))
	tb.Update(tea.KeyPressMsg{Code: 'z', Text: "z"})
	tb.Update(tea.KeyPressMsg{Code: ']', Text: "]"})
	if tb.Filter() != "re:[a-z]" || tb.FilterErr() != nil {
		t.Fatalf("filter %q err %v", tb.Filter(), tb.FilterErr())
	}
}

func TestFilterCapturesLetters(t *testing.T) {
	tb := newTable(sample())
	tb.Update(press("/"))
	if !tb.CapturesInput() {
		t.Fatal("filtering does not capture input")
	}
	for _, r := range "s" {
		if _, used := tb.Update(tea.KeyPressMsg{Code: r, Text: string(r)}); !used {
			t.Fatal("a letter typed into the filter was not used by the table")
		}
	}
	if tb.SortColumn() != 0 {
		t.Fatal("s typed into the filter sorted the table")
	}
}

func TestCursorStaysOnRow(t *testing.T) {
	tb := newTable(sample())
	tb.Select("payments-api")
	tb.SetFilter("api")
	if r, _ := tb.Selected(); r.name != "payments-api" {
		t.Fatalf("after filter: %s", r.name)
	}
	tb.SortBy(3, true)
	if r, _ := tb.Selected(); r.name != "payments-api" {
		t.Fatalf("after sort: %s", r.name)
	}
	tb.SetItems(append([]*item{{name: "aaa-api"}}, sample()...))
	if r, _ := tb.Selected(); r.name != "payments-api" {
		t.Fatalf("after new items: %s", r.name)
	}
}

func TestPriorities(t *testing.T) {
	specs := []spec{{width: 10, max: 10, prio: 0}, {width: 10, prio: 1}, {width: 10, prio: 3}, {width: 10, prio: 2}}
	none := func(int) bool { return false }
	for _, c := range []struct {
		w    int
		want []int
	}{
		{43, []int{0, 1, 2, 3}},
		{42, []int{0, 1, 3}}, // prio 3 goes first
		{27, []int{0, 1}},    // with room for the "+2›" hint
		{5, []int{0}},
	} {
		l := fit(specs, c.w, 0, none)
		if fmt.Sprint(l.cols) != fmt.Sprint(c.want) {
			t.Errorf("width %d: cols %v, want %v", c.w, l.cols, c.want)
		}
		if l.off != 4-len(c.want) {
			t.Errorf("width %d: off %d", c.w, l.off)
		}
	}
	// the sort column is never dropped: another goes instead
	l := fit(specs, 30, 0, func(i int) bool { return i == 2 })
	if fmt.Sprint(l.cols) != "[0 2]" {
		t.Errorf("protected: %v", l.cols)
	}
}

func TestSpareWidthGoesToGrowingColumns(t *testing.T) {
	specs := []spec{{width: 10, max: 40, prio: 0}, {width: 10, max: 30, prio: 1}, {width: 5, max: 5, prio: 2}}
	l := fit(specs, 60, 0, func(int) bool { return false })
	if l.widths[2] != 5 || l.widths[0]+l.widths[1]+l.widths[2]+2 != 60 {
		t.Fatalf("widths %v", l.widths)
	}
	if l.widths[0] < 20 || l.widths[1] < 20 {
		t.Fatalf("spare not shared: %v", l.widths)
	}
}

func TestScrollAndHint(t *testing.T) {
	tb := newTable(sample())
	tb.SetSize(30, 6)
	v := ansi.Strip(tb.View())
	head := strings.Split(v, "\n")[0]
	if !strings.Contains(head, "›") {
		t.Fatalf("no hint that columns are out of view: %q", head)
	}
	shown, off := tb.Columns()
	if off == 0 {
		t.Fatalf("nothing out of view at 30 wide: %v", shown)
	}
	var seen = map[int]bool{}
	for i := 0; i < 5; i++ {
		s, _ := tb.Columns()
		for _, c := range s {
			seen[c] = true
		}
		tb.Update(press("right"))
	}
	for c := range testCols() {
		if !seen[c] {
			t.Errorf("column %d never reachable by scrolling", c)
		}
	}
	if !strings.Contains(strings.Split(ansi.Strip(tb.View()), "\n")[0], "‹") {
		t.Error("no left hint after scrolling")
	}
	for i := 0; i < 5; i++ {
		tb.Update(press("left"))
	}
	if s, _ := tb.Columns(); fmt.Sprint(s) != fmt.Sprint(shown) {
		t.Errorf("scrolling back: %v, want %v", s, shown)
	}
}

func TestSortByHiddenColumnShowsIt(t *testing.T) {
	tb := newTable(sample())
	tb.SetSize(30, 6)
	shown, _ := tb.Columns()
	for _, c := range shown {
		if c == 2 {
			t.Fatalf("MEM already shown at 30: %v", shown)
		}
	}
	tb.SortBy(2, false)
	shown, _ = tb.Columns()
	found := false
	for _, c := range shown {
		found = found || c == 2
	}
	if !found {
		t.Fatalf("sort column MEM not shown: %v", shown)
	}
}

func TestFilterFieldKeepsItsColumn(t *testing.T) {
	tb := newTable(sample())
	tb.SetSize(14, 6) // only NAME fits
	tb.SetFilter("runtime:py")
	shown, _ := tb.Columns()
	if fmt.Sprint(shown) != "[0 1]" {
		t.Fatalf("runtime column not kept on screen while filtering by it: %v", shown)
	}
}

func TestChooser(t *testing.T) {
	tb := newTable(sample())
	tb.SetSize(40, 8)
	tb.Update(press("ctrl+o"))
	if !tb.Choosing() || !tb.CapturesInput() {
		t.Fatal("ctrl+o did not open the chooser")
	}
	if v := ansi.Strip(tb.View()); !strings.Contains(v, "[x] RUNTIME") {
		t.Fatalf("chooser view:\n%s", v)
	}
	tb.Update(press("space")) // NAME: always shown
	if tb.Hidden(0) {
		t.Fatal("NAME hidden")
	}
	tb.Update(press("down"))
	tb.Update(press("space"))
	if !tb.Hidden(1) {
		t.Fatal("RUNTIME not hidden")
	}
	tb.Update(press("enter"))
	if tb.Choosing() {
		t.Fatal("enter did not close the chooser")
	}
	shown, _ := tb.Columns()
	for _, c := range shown {
		if c == 1 {
			t.Fatalf("hidden column shown: %v", shown)
		}
	}
}

func TestTrimKeepsNamesDistinct(t *testing.T) {
	a := Trim("catalog-authorizer-staging-1", 20, CutMiddle)
	b := Trim("catalog-authorizer-staging-2", 20, CutMiddle)
	if a == b || ansi.StringWidth(a) != 20 || !strings.HasSuffix(a, "staging-1") {
		t.Fatalf("%q %q", a, b)
	}
	if s := Trim("abcdef", 6, CutMiddle); s != "abcdef" {
		t.Fatal(s)
	}
	if s := Trim("the reason is long", 8, CutEnd); s != "the rea…" {
		t.Fatal(s)
	}
	if s := Trim("arn:aws:sqs:queue", 8, CutStart); s != "…s:queue" {
		t.Fatal(s)
	}
}

func TestNumbersNeverCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"119,310", 7, "119,310"},
		{"119,310", 6, "119.3k"},
		{"119,310", 4, "119k"},
		{"1234567", 5, "1.2M"},
		{"12.6%", 4, "13%"},
		{"12.34", 4, "12.3"},
		{"-", 1, "-"},
		{"99999", 2, "##"},
	} {
		if got := FitNumber(c.in, c.w); got != c.want {
			t.Errorf("FitNumber(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
	tb := newTable(sample())
	tb.SetSize(80, 6)
	if v := ansi.Strip(tb.View()); !strings.Contains(v, "119.3k") && !strings.Contains(v, "119,310") || strings.Contains(v, "1193…") {
		t.Fatalf("invocations cut:\n%s", v)
	}
}

func TestRowCache(t *testing.T) {
	items := sample()
	tb := newTable(items)
	_ = tb.View()
	cellCalls = 0
	_ = tb.View()
	tb.Update(press("down"))
	_ = tb.View()
	if cellCalls != 0 {
		t.Fatalf("cached rows re-rendered: %d cell calls", cellCalls)
	}
	items[0].ver++
	_ = tb.View()
	if cellCalls != 1 {
		t.Fatalf("a new version re-rendered %d rows, want 1", cellCalls)
	}
	tb.SetSize(70, 10)
	cellCalls = 0
	_ = tb.View()
	if cellCalls != 2*len(items) { // measured (NAME grows to its widest cell) and rendered
		t.Fatalf("width change: %d cell calls, want %d", cellCalls, 2*len(items))
	}
}

func TestViewSizeAndVirtualRows(t *testing.T) {
	var many []*item
	for i := 0; i < 10000; i++ {
		many = append(many, &item{name: fmt.Sprintf("fn-%05d", i)})
	}
	tb := newTable(many)
	tb.SetSize(50, 7)
	cellCalls = 0
	v := tb.View()
	if n := strings.Count(v, "\n") + 1; n != 7 {
		t.Fatalf("%d lines", n)
	}
	if cellCalls > 12 { // the rows on screen, measured (the name grows) and rendered
		t.Fatalf("%d cell calls for 6 rows on screen", cellCalls)
	}
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > 50 {
			t.Fatalf("line wider than 50: %q", l)
		}
	}
	tb.Update(press("G"))
	if lo, hi := tb.VisibleRange(); hi != 10000 || lo != 10000-6 {
		t.Fatalf("range %d..%d", lo, hi)
	}
}

func TestSortKeys(t *testing.T) {
	tb := newTable(sample())
	tb.Update(press("s"))
	if tb.SortColumn() != 1 {
		t.Fatalf("s: sort column %d", tb.SortColumn())
	}
	tb.Update(press("S"))
	if !tb.SortDesc() || tb.At(0).runtime != "python3.12" {
		t.Fatalf("S: desc %v first %s", tb.SortDesc(), tb.At(0).runtime)
	}
	tb.Click(0, 0) // header: NAME
	if tb.SortColumn() != 0 {
		t.Fatal("click on header did not sort")
	}
}

func TestUnusedKeysAreReported(t *testing.T) {
	tb := newTable(sample())
	if _, used := tb.Update(press("e")); used {
		t.Fatal("e used by the table")
	}
}

func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+o":
		return tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: rune(k[0]), Text: k}
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

func TestSubsequenceAndMask(t *testing.T) {
	names := []string{"", "a", "payments-api-0001", "growth_cron.v2", "ÄPFEL-ß", "x\x1b[31m"}
	needles := []string{"", "p", "pa", "pay", "pmt", "api1", "0001", "_c.", "zz", "ß", "äpf", "\x1b[", "apa"}
	for _, h := range names {
		h = strings.ToLower(h)
		for _, n := range needles {
			want := isSubseq(h, n)
			if got := subsequence([]byte(h), []byte(n)); got != want {
				t.Errorf("subsequence(%q, %q) = %v", h, n, got)
			}
			// the mask never rejects a match
			if want && charMask(h)&charMaskB([]byte(n)) != charMaskB([]byte(n)) {
				t.Errorf("mask of %q rejects %q", h, n)
			}
		}
	}
}

func TestNoActionSaysSo(t *testing.T) {
	msg := NoAction(press("e"))()
	if s := fmt.Sprint(msg); !strings.Contains(s, "e does nothing here") {
		t.Fatalf("got %v", msg)
	}
}

// Rows set while no filter is applied are neither indexed for the filter
// nor re-sorted when already in order; a filter typed afterwards indexes
// them and finds what it should, and so do rows set while it is applied.
func TestSetItemsLazyIndexAndSortedInput(t *testing.T) {
	items := sample()
	tb := newTable(items)
	if tb.indexed || len(tb.arena) != 0 {
		t.Fatal("indexed with no filter applied")
	}
	if got := tb.At(0).name; got != "image-resizer" {
		t.Fatalf("not sorted: first %q", got)
	}
	tb.SetFilter("pay")
	if !tb.indexed || tb.Len() != 1 || tb.At(0).name != "payments-api" {
		t.Fatalf("filter after lazy index: %d rows", tb.Len())
	}
	// new rows under an applied filter are indexed for it at once
	tb.SetItems(append([]*item{{name: "pay-later"}}, sample()...))
	if tb.Len() != 2 || tb.At(0).name != "pay-later" {
		t.Fatalf("filter after SetItems: %d rows, first %q", tb.Len(), tb.At(0).name)
	}
	// rows already in order keep their order (and stay sorted)
	sorted := []*item{{name: "a"}, {name: "b"}, {name: "c"}}
	tb.SetFilter("")
	tb.SetItems(sorted)
	if tb.At(0).name != "a" || tb.At(2).name != "c" {
		t.Fatal("sorted input reordered")
	}
}

func TestUnfocusedTableHighlightsNoRow(t *testing.T) {
	st := styles.New(true)
	tb := New(Config[*string]{Columns: []Column[*string]{{Title: "NAME", Width: 10, Cell: func(s *string) string { return *s }}},
		Key: func(s *string) string { return *s }}, st, keymap.Default().List)
	a, b := "alpha", "beta"
	tb.SetItems([]*string{&a, &b})
	tb.SetSize(20, 3)
	focused := tb.View()
	tb.SetFocused(false)
	if tb.Focused() || tb.View() == focused {
		t.Fatal("unfocused table still highlights its cursor row")
	}
	if !strings.Contains(tb.View(), "alpha") {
		t.Fatal(tb.View())
	}
	tb.SetFocused(true)
	if tb.View() != focused {
		t.Fatal("focus back: not the same view")
	}
}

// When the pinned columns leave no room for another, → still brings the
// next column into view (the widest column gives up the room), so the key
// always shows its effect.
func TestScrollShowsAColumnWhenPinnedFillTheWidth(t *testing.T) {
	cols := testCols()
	cols[3].Priority = 0 // NAME and INVOC pinned: 12 + 1 + 6 of 22
	tb := New(Config[*item]{Columns: cols, Key: func(r *item) string { return r.name }}, styles.New(true), keymap.Default().List)
	tb.SetItems(sample())
	tb.SetSize(22, 5)
	before, off := tb.Columns()
	if off == 0 {
		t.Fatalf("everything fits at 22: %v", before)
	}
	seen := map[int]bool{}
	for i := 0; i < 2; i++ {
		prev, _ := tb.Columns()
		for _, c := range prev {
			seen[c] = true
		}
		if _, off := tb.Columns(); off == 0 {
			break
		}
		tb.Update(press("right"))
		now, _ := tb.Columns()
		if fmt.Sprint(now) == fmt.Sprint(prev) {
			t.Fatalf("→ %d changed nothing: %v", i+1, now)
		}
		for _, l := range strings.Split(ansi.Strip(tb.View()), "\n") {
			if ansi.StringWidth(l) > 22 {
				t.Fatalf("line too wide: %q", l)
			}
		}
	}
	s, _ := tb.Columns()
	for _, c := range s {
		seen[c] = true
	}
	if len(seen) != len(cols) {
		t.Fatalf("columns reached: %v", seen)
	}
}

func TestLookupFindsFilteredOutRows(t *testing.T) {
	tb := newTable(sample())
	tb.SetFilter("re:^zzz")
	if tb.Len() != 0 {
		t.Fatalf("%d rows match", tb.Len())
	}
	first := sample()[0]
	if v, ok := LookupValue(tb, first.name); !ok || v.name != first.name {
		t.Fatalf("lookup %s: %v %v", first.name, v, ok)
	}
	if _, ok := SelectedValue(tb); ok {
		t.Fatal("a selection with no row on screen")
	}
	if _, ok := tb.Lookup("nope"); ok {
		t.Fatal("found a row that is not there")
	}
}

// Clearing a filter keeps the row that was selected (k9s): the row selected
// before the filter comes back, on the same screen line, unless the user
// picked another one while filtered; then that one stays.
func TestClearingAFilterKeepsTheSelectedRow(t *testing.T) {
	var items []*item
	for i := 0; i < 100; i++ {
		items = append(items, &item{name: fmt.Sprintf("row-%03d", i)})
	}
	tb := newTable(items)
	typeKeys := func(s string) {
		for _, r := range s {
			tb.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	tb.Move(50)
	before, _ := tb.Selected()
	line := tb.Cursor() - tb.Offset()
	// A filter that hides the row, cancelled with esc while typing.
	tb.Update(press("/"))
	typeKeys("row-01")
	if r, _ := tb.Selected(); r == before {
		t.Fatal("the filter kept a row it hides")
	}
	tb.Update(press("esc"))
	if r, _ := tb.Selected(); r != before || tb.Cursor()-tb.Offset() != line {
		t.Fatalf("after esc while typing: %s on line %d, want %s on line %d", r.name, tb.Cursor()-tb.Offset(), before.name, line)
	}
	// Applied with enter, then cleared with esc (Back): the user accepted
	// the row the filter selected, and it stays selected.
	tb.Update(press("/"))
	typeKeys("row-01")
	tb.Update(press("enter"))
	accepted, _ := tb.Selected()
	if !tb.Back() {
		t.Fatal("Back did not clear the filter")
	}
	if r, _ := tb.Selected(); r != accepted {
		t.Fatalf("after Back: %s, want the accepted %s", r.name, accepted.name)
	}
	tb.Select(before.name)
	tb.SetCursor(tb.Cursor()) // as the user left it
	line = tb.Cursor() - tb.Offset()
	// A filter that keeps it: it stays selected throughout.
	tb.Update(press("/"))
	typeKeys("row-05")
	if r, _ := tb.Selected(); r != before {
		t.Fatalf("while filtered: %s", r.name)
	}
	tb.Update(press("esc"))
	// The user moves while filtered: the row moved to stays.
	tb.Update(press("/"))
	typeKeys("row-01")
	tb.Update(press("enter"))
	tb.Update(press("j"))
	picked, _ := tb.Selected()
	tb.Back()
	if r, _ := tb.Selected(); r != picked {
		t.Fatalf("after moving to %s while filtered and clearing: %s", picked.name, r.name)
	}
	// The anchor survives a refresh of the rows while filtered.
	tb.Select("row-070")
	tb.SetFilter("row-01")
	tb.SetItems(append([]*item{{name: "row-000a"}}, items...))
	tb.SetFilter("")
	if r, _ := tb.Selected(); r.name != "row-070" {
		t.Fatalf("after a refresh while filtered: %s", r.name)
	}
}
