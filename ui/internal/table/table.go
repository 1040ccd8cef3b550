// Package table is the one list every pane uses: a generic, virtualised
// table of V (a pointer to the pane's row type, usually).
//
// What it does for every list, so panes do not each write their own:
//
//   - cursor and offset; View renders only the rows on screen, and each
//     rendered row is cached by its key, the width and its version;
//   - "/" filtering with one syntax everywhere (see parse): fuzzy by
//     default, "re:" a regexp, "!" inverts, field filters such as
//     "tag:team=payments" that a pane registers (Field) or that come from
//     a column (Column.Field); an invalid regexp keeps the text and shows
//     the error;
//   - "s"/"S" sort by any column with a Less, the cursor staying on its row;
//   - column priorities: as the width shrinks the least important
//     columns go first, never a pinned one (Priority 0) and never the one
//     the sort or a filter uses; spare width goes to the columns that may
//     grow (Max);
//   - "←"/"→" scroll the columns that do not fit, "ctrl+o" opens a column
//     chooser, and the header shows "+N›" while columns are out of view;
//   - cells too wide are cut in the middle ("catalog-aut…staging-2"), and
//     right-aligned numbers are never cut ("119,310" becomes "119.3k").
//
// A pane builds one with New, gives it rows with SetItems, passes it the
// keys and mouse events it does not handle itself (Update reports whether
// the table used them), and places View (the header and the rows) and
// FilterView (the filter input or the applied filter) in its own layout.
// While CapturesInput is true (typing a filter, choosing columns) every
// key must go to the table. See docs/ARCHITECTURE.md, "How to write a list
// pane".
package table

import (
	"sort"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Column is one column of a table of V.
type Column[V any] struct {
	Title string
	// Width is the column's width, its narrowest when it may grow.
	Width int
	// Max > Width lets the column take spare width, up to Max.
	Max int
	// Priority orders what is dropped when the table is too narrow: the
	// highest number goes first; 0 is never dropped (the row's name).
	Priority int
	// Right aligns the cell right; right-aligned cells are numbers and are
	// never cut (FitNumber), only shortened ("119.3k").
	Right bool
	// Cut is how a left-aligned cell too wide is shortened.
	Cut Cut
	// Cell is the cell's text. It is cleaned of terminal controls by the
	// table; it must not carry styles.
	Cell func(V) string
	// Less sorts by this column (nil: not sortable). Ties keep the key
	// order.
	Less func(a, b V) bool
	// Field, when set, makes "<field>:text" filter on this column's cell.
	Field string
	// SortName names the order in "sorted by …" (default: the title).
	SortName string
	// Styled cells carry their own styles (a routing bar): the pane has
	// cleaned the data in them, and the selected row shows them plain.
	Styled bool
}

// Field is a filter field a pane registers: "<Name>:<arg>" keeps the rows
// for which Match(row, arg) is true (tag:team=payments, region:eu-).
type Field[V any] struct {
	Name  string
	Match func(v V, arg string) bool
	// Column is the index of the column showing this field (kept on screen
	// while the field filters), or -1.
	Column int
}

// Config describes a table.
type Config[V any] struct {
	Columns []Column[V]
	// Key is a row's identity: the cursor stays on it across sorts,
	// filters and new items, and the row cache is keyed by it.
	Key func(V) string
	// Text is what fuzzy and re: terms match (default: Key).
	Text func(V) string
	// Version changes whenever a row's cells change. Without it, rows are
	// re-rendered after every SetItems.
	Version func(V) uint64
	// Style colours a row (nil or a nil result: plain).
	Style  func(V) *lipgloss.Style
	Fields []Field[V]
	// Sort is the initial sort column, Desc its direction.
	Sort int
	Desc bool
	// Empty is shown when there are no rows at all (default "no rows").
	Empty string
}

type cached struct {
	w, gen uint32
	ver    uint64
	raw    string // plain, padded to the width
	styled string
}

// Model is a table of V.
type Model[V any] struct {
	cfg  Config[V]
	st   *styles.Styles
	km   keymap.List
	cols []Column[V]

	items []V     // every row, in sort order
	view  []int32 // indices in items of the rows that match the filter
	all   []int32 // 0..len(items)-1

	// arena holds every row's lower-cased text back to back (offs[i] ..
	// offs[i+1]), so a fuzzy filter scans contiguous memory; masks[i] has
	// a bit for every byte class of row i (see charMask).
	arena   []byte
	offs    []int32
	masks   []uint64
	indexed bool // arena, offs and masks match items (ensureIndex)
	// fbuf and lbuf are reused filter scratch; memo keeps recent results
	// by query text (cleared by SetItems).
	fbuf, lbuf []int32
	memo       map[string][]int32
	memoKeys   []string

	cursor, offset int
	w, h           int

	sortCol  int
	sortDesc bool

	input     textinput.Model
	filtering bool
	text      string // the filter as typed (kept when it does not parse)
	q         query  // the last valid query
	qErr      error
	// anchor is the row selected when the filter started (a position in
	// items, -1 for none) and the screen row it was on: while the filter
	// changes it stays selected whenever it matches, and clearing the
	// filter brings it back where it was, as k9s does. Moving the cursor
	// while filtered picks another row and drops the anchor.
	anchorPos int32
	anchorKey string
	anchorRow int

	start    int // horizontal scroll: first non-pinned column (0: by priority)
	hidden   []bool
	choosing bool
	chCursor int

	lay      layout
	layDirty bool
	grows    bool // a column sizes to its content (Max > Width)
	styled   bool // a column's cells carry styles
	header   string

	cache           map[string]*cached
	gen             uint32
	selPre, selPost string
	selStyle        string
	empty           string
	blurred         bool // another list of the pane has the keys: no row is highlighted
}

// New builds a table.
func New[V any](cfg Config[V], st *styles.Styles, km keymap.List) *Model[V] {
	if cfg.Text == nil {
		cfg.Text = cfg.Key
	}
	in := textinput.New()
	in.Prompt = "/"
	in.SetVirtualCursor(true)
	ist := in.Styles()
	ist.Cursor.Blink = false // a steady cursor: no blink ticks while a filter is typed
	in.SetStyles(ist)
	t := &Model[V]{anchorPos: -1, cfg: cfg, st: st, km: km, cols: cfg.Columns, input: in,
		sortCol: cfg.Sort, sortDesc: cfg.Desc, hidden: make([]bool, len(cfg.Columns)),
		cache: map[string]*cached{}, layDirty: true, gen: 1, empty: cfg.Empty}
	if t.empty == "" {
		t.empty = "no rows"
	}
	for _, c := range cfg.Columns {
		t.grows = t.grows || c.Max > c.Width
		t.styled = t.styled || c.Styled
	}
	in.Placeholder = t.placeholder()
	t.input = in
	return t
}

func (t *Model[V]) placeholder() string {
	parts := []string{"fuzzy", "re:regexp"}
	for _, f := range t.cfg.Fields {
		if f.Name == "tag" {
			parts = append(parts, "tag:k=v")
		} else {
			parts = append(parts, f.Name+":…")
		}
	}
	for _, c := range t.cols {
		if c.Field != "" {
			parts = append(parts, c.Field+":…")
		}
	}
	return strings.Join(append(parts, "!negate"), ", ")
}

// ---- rows ----

// SetItems replaces the rows (the table keeps the slice and sorts it in
// place) and re-applies the sort and the filter, keeping the cursor on the
// row it was on.
func (t *Model[V]) SetItems(items []V) {
	sel, had := t.selectedKey()
	t.items = items
	t.sortItems()
	t.index()
	if t.anchorPos >= 0 { // the rows moved: find the anchor again
		t.anchorPos = -1
		for i, v := range t.items {
			if t.cfg.Key(v) == t.anchorKey {
				t.anchorPos = int32(i)
				break
			}
		}
	}
	if t.cfg.Version == nil {
		t.gen++
	}
	t.refilter(false)
	if had {
		t.reselectKey(sel)
	}
	t.clamp()
	if t.grows {
		t.layDirty = true // the widest cells may have changed
	}
}

// Resort re-sorts the rows (their sort values changed).
func (t *Model[V]) Resort() { t.SetItems(t.items) }

// Items returns every row in sort order (the table's slice: read only).
func (t *Model[V]) Items() []V { return t.items }

// Len is the number of rows that match the filter; Total all rows.
func (t *Model[V]) Len() int   { return len(t.view) }
func (t *Model[V]) Total() int { return len(t.items) }

// At returns the i-th row that matches the filter.
func (t *Model[V]) At(i int) V { return t.items[t.view[i]] }

// Selected returns the row under the cursor.
func (t *Model[V]) Selected() (V, bool) {
	if t.cursor >= 0 && t.cursor < len(t.view) {
		return t.At(t.cursor), true
	}
	var zero V
	return zero, false
}

// SetFocused says whether the table has the keys. A pane with two lists
// (the cockpit's aliases and versions) unfocuses the other one: its
// cursor row is then drawn like the others, so only one row looks
// selected.
func (t *Model[V]) SetFocused(on bool) { t.blurred = !on }

// Focused reports whether the table has the keys (the default).
func (t *Model[V]) Focused() bool { return !t.blurred }

// Cursor and Offset are the selected row and the first row on screen, as
// indices among the rows that match the filter.
func (t *Model[V]) Cursor() int { return t.cursor }
func (t *Model[V]) Offset() int { return t.offset }

// VisibleRange is [lo, hi) of the rows on screen.
func (t *Model[V]) VisibleRange() (lo, hi int) {
	return t.offset, min(len(t.view), t.offset+t.bodyHeight())
}

// Select moves the cursor to the row with key k; false if no row that
// matches the filter has it.
func (t *Model[V]) Select(k string) bool {
	t.anchorPos = -1
	return t.reselectKey(k)
}

// SetCursor moves the cursor to the i-th row that matches the filter.
func (t *Model[V]) SetCursor(i int) {
	t.anchorPos = -1
	t.cursor = i
	t.clamp()
}

// Move moves the cursor by d rows.
func (t *Model[V]) Move(d int) {
	t.anchorPos = -1
	t.cursor += d
	t.clamp()
}

func (t *Model[V]) selectedKey() (string, bool) {
	if t.cursor >= 0 && t.cursor < len(t.view) {
		return t.cfg.Key(t.At(t.cursor)), true
	}
	return "", false
}

func (t *Model[V]) reselectKey(k string) bool {
	pos := int32(-1)
	for i, v := range t.items {
		if t.cfg.Key(v) == k {
			pos = int32(i)
			break
		}
	}
	return pos >= 0 && t.reselectPos(pos)
}

func (t *Model[V]) reselectPos(pos int32) bool {
	if len(t.view) == len(t.all) && int(pos) < len(t.view) && t.view[pos] == pos {
		t.cursor = int(pos)
		t.clamp()
		return true
	}
	for i, p := range t.view {
		if p == pos {
			t.cursor = i
			t.clamp()
			return true
		}
	}
	return false
}

func (t *Model[V]) sortItems() {
	c := t.sortCol
	if c < 0 || c >= len(t.cols) || t.cols[c].Less == nil {
		return
	}
	less, desc, key := t.cols[c].Less, t.sortDesc, t.cfg.Key
	before := func(a, b V) bool {
		if less(a, b) {
			return !desc
		}
		if less(b, a) {
			return desc
		}
		return key(a) < key(b)
	}
	// Rows often arrive in order already (a snapshot, pages of a listing
	// sorted by name): one pass says so, instead of a sort's n log n.
	sorted := true
	for i := 1; i < len(t.items) && sorted; i++ {
		sorted = !before(t.items[i], t.items[i-1])
	}
	if sorted {
		return
	}
	sort.Slice(t.items, func(i, j int) bool { return before(t.items[i], t.items[j]) })
}

// index notes that the order changed: the filter's arena and masks are
// rebuilt when a filter next needs them (ensureIndex), not for every set
// of rows while none is applied (the first frame of a warm start, every
// page of a listing).
func (t *Model[V]) index() {
	t.indexed = false
	if len(t.all) != len(t.items) {
		t.all = make([]int32, len(t.items))
		for i := range t.all {
			t.all[i] = int32(i)
		}
	}
	t.memo, t.memoKeys = nil, nil
	if len(t.cache) > 4*len(t.items)+4096 {
		t.cache = map[string]*cached{}
	}
}

// ensureIndex builds the filter's arena and masks for the current order.
func (t *Model[V]) ensureIndex() {
	if t.indexed {
		return
	}
	t.indexed = true
	t.arena, t.offs, t.masks = t.arena[:0], t.offs[:0], t.masks[:0]
	for _, v := range t.items {
		s := strings.ToLower(t.cfg.Text(v)) // no copy when already lower case
		t.offs = append(t.offs, int32(len(t.arena)))
		t.arena = append(t.arena, s...)
		t.masks = append(t.masks, charMask(s))
	}
	t.offs = append(t.offs, int32(len(t.arena)))
}

// ---- sort ----

// SortBy sorts by column c (desc: descending) and shows it if it was
// scrolled out.
func (t *Model[V]) SortBy(c int, desc bool) {
	if c < 0 || c >= len(t.cols) || t.cols[c].Less == nil {
		return
	}
	t.sortCol, t.sortDesc = c, desc
	t.start = 0
	t.layDirty = true
	t.Resort()
}

// SortColumn and SortDesc are the current sort.
func (t *Model[V]) SortColumn() int { return t.sortCol }
func (t *Model[V]) SortDesc() bool  { return t.sortDesc }

// SortName names the current order ("name", "error %").
func (t *Model[V]) SortName() string {
	if t.sortCol < 0 || t.sortCol >= len(t.cols) {
		return ""
	}
	c := t.cols[t.sortCol]
	if c.SortName != "" {
		return c.SortName
	}
	return strings.ToLower(c.Title)
}

// SortTitle is "sort <name> ↑" (or ↓) for a pane's title line.
func (t *Model[V]) SortTitle() string {
	arrow := "↑"
	if t.sortDesc {
		arrow = "↓"
	}
	return "sort " + t.SortName() + " " + arrow
}

func (t *Model[V]) nextSort() {
	for k := 1; k <= len(t.cols); k++ {
		c := (t.sortCol + k) % len(t.cols)
		if t.cols[c].Less != nil {
			t.SortBy(c, t.sortDesc)
			return
		}
	}
}

// ---- size and scrolling ----

// SetSize sets the table's box: the header and h-1 rows.
func (t *Model[V]) SetSize(w, h int) {
	if w != t.w {
		t.layDirty = true
	}
	t.w, t.h = w, h
	t.clamp()
}

func (t *Model[V]) bodyHeight() int { return max(1, t.h-1) }

func (t *Model[V]) clamp() {
	n := len(t.view)
	t.cursor = min(max(t.cursor, 0), max(n-1, 0))
	bh := t.bodyHeight()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+bh {
		t.offset = t.cursor - bh + 1
	}
	t.offset = min(max(t.offset, 0), max(0, n-bh))
}

func (t *Model[V]) protected(i int) bool {
	if i == t.sortCol {
		return true
	}
	for _, name := range t.q.fields() {
		if t.cols[i].Field == name {
			return true
		}
		for _, f := range t.cfg.Fields {
			if f.Name == name && f.Column == i {
				return true
			}
		}
	}
	return false
}

func (t *Model[V]) layout() layout {
	if !t.layDirty && t.lay.width == t.w {
		return t.lay
	}
	specs := make([]spec, len(t.cols))
	for i, c := range t.cols {
		specs[i] = spec{width: c.Width, max: max(c.Width, c.Max), prio: c.Priority, hidden: t.hidden[i] && !t.protected(i)}
		if specs[i].max > c.Width {
			specs[i].want = t.measure(i)
		}
	}
	old := t.lay
	t.lay = fit(specs, t.w, t.start, t.protected)
	t.layDirty = false
	if !sameLayout(old, t.lay) {
		t.gen++ // rendered rows are stale
	}
	titles := make([]string, len(t.lay.cols))
	for k, i := range t.lay.cols {
		title := t.cols[i].Title
		if i == t.sortCol {
			arrow := "↑"
			if t.sortDesc {
				arrow = "↓"
			}
			if ansi.StringWidth(title)+1 <= t.lay.widths[k] {
				title += arrow
			}
		}
		titles[k] = title
	}
	h := t.line(titles, true)
	if t.lay.hint != "" {
		h = padRight(h, t.w-ansi.StringWidth(t.lay.hint)) + t.lay.hint
	}
	t.header = t.st.TableHeader.Render(ansi.Truncate(h, t.w, "")) // styled once per layout
	return t.lay
}

// measureAll is the most rows whose cells are measured to size a growing
// column; beyond it only the rows on screen are.
const measureAll = 2000

// measure is the widest cell of column c (and its title): over every row
// of a short list, over the rows on screen of a long one.
func (t *Model[V]) measure(c int) int {
	w := ansi.StringWidth(t.cols[c].Title) + 1
	lo, hi := 0, len(t.view)
	if hi > measureAll {
		lo, hi = t.VisibleRange()
	}
	for i := lo; i < hi; i++ {
		w = max(w, ansi.StringWidth(common.Clean(t.cols[c].Cell(t.At(i)))))
	}
	return w
}

func sameLayout(a, b layout) bool {
	if a.width != b.width || len(a.cols) != len(b.cols) || a.hint != b.hint {
		return false
	}
	for k := range a.cols {
		if a.cols[k] != b.cols[k] || a.widths[k] != b.widths[k] {
			return false
		}
	}
	return true
}

// Columns reports the shown columns (indices into Config.Columns) and
// how many did not fit.
func (t *Model[V]) Columns() (shown []int, off int) {
	l := t.layout()
	return l.cols, l.off
}

func (t *Model[V]) scroll(d int) tea.Cmd {
	l := t.layout()
	switch {
	case d > 0 && l.off == 0:
		return common.Status("no more columns to the right", false)
	case d < 0 && t.start == 0:
		return common.Status("no columns to the left", false)
	}
	// step until the columns on screen change, so the key always shows its
	// effect (the first scrolled view may show what the priority view did)
	for {
		t.start = max(0, t.start+d)
		t.layDirty = true
		n := t.layout()
		if t.start == 0 || !sameCols(n.cols, l.cols) || d > 0 && n.off == 0 || t.start > len(t.cols) {
			return nil
		}
	}
}

func sameCols(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
