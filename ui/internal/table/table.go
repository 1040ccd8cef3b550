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
	"bytes"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
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
	arena []byte
	offs  []int32
	masks []uint64
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
	t := &Model[V]{cfg: cfg, st: st, km: km, cols: cfg.Columns, input: in,
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
func (t *Model[V]) Select(k string) bool { return t.reselectKey(k) }

// SetCursor moves the cursor to the i-th row that matches the filter.
func (t *Model[V]) SetCursor(i int) {
	t.cursor = i
	t.clamp()
}

// Move moves the cursor by d rows.
func (t *Model[V]) Move(d int) {
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
	sort.Slice(t.items, func(i, j int) bool {
		a, b := t.items[i], t.items[j]
		if less(a, b) {
			return !desc
		}
		if less(b, a) {
			return desc
		}
		return key(a) < key(b)
	})
}

// index rebuilds the filter's arena and masks after the order changed.
func (t *Model[V]) index() {
	t.arena, t.offs, t.masks = t.arena[:0], t.offs[:0], t.masks[:0]
	for _, v := range t.items {
		s := strings.ToLower(t.cfg.Text(v)) // no copy when already lower case
		t.offs = append(t.offs, int32(len(t.arena)))
		t.arena = append(t.arena, s...)
		t.masks = append(t.masks, charMask(s))
	}
	t.offs = append(t.offs, int32(len(t.arena)))
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

// ---- filter ----

// SetFilter applies a filter as if typed.
func (t *Model[V]) SetFilter(s string) { t.setQuery(s) }

// Filter is the filter as typed; FilterErr why it does not parse.
func (t *Model[V]) Filter() string   { return t.text }
func (t *Model[V]) FilterErr() error { return t.qErr }

// Filtering reports whether the filter input has the keys.
func (t *Model[V]) Filtering() bool { return t.filtering }

// CapturesInput reports whether every key must go to the table (typing a
// filter, choosing columns).
func (t *Model[V]) CapturesInput() bool { return t.filtering || t.choosing }

// Back handles esc outside the input: it closes the chooser or clears an
// applied filter, and reports whether it did.
func (t *Model[V]) Back() bool {
	switch {
	case t.choosing:
		t.choosing = false
		return true
	case t.filtering || t.text != "":
		t.filtering = false
		t.input.Blur()
		t.setQuery("")
		return true
	}
	return false
}

func (t *Model[V]) isField(name string) bool {
	for _, f := range t.cfg.Fields {
		if f.Name == name {
			return true
		}
	}
	for _, c := range t.cols {
		if c.Field == name {
			return true
		}
	}
	return false
}

func (t *Model[V]) setQuery(s string) {
	t.text = s
	q, err := parse(s, t.isField)
	t.qErr = err
	if err != nil {
		return // keep filtering by the last valid query while a regexp is half-typed
	}
	selPos := int32(-1)
	if t.cursor >= 0 && t.cursor < len(t.view) {
		selPos = t.view[t.cursor]
	}
	inc := q.narrows(t.q) && !t.q.empty()
	fieldsChanged := !sameFields(q, t.q)
	t.q = q
	t.refilter(inc)
	t.cursor, t.offset = 0, 0
	if selPos >= 0 {
		t.reselectPos(selPos)
	}
	t.clamp()
	if fieldsChanged {
		t.layDirty = true
	}
}

// sameFields reports whether a and b filter on the same fields (so the
// columns they keep on screen are the same).
func sameFields(a, b query) bool {
	i, j := 0, 0
	for {
		for i < len(a.terms) && a.terms[i].kind != 'd' {
			i++
		}
		for j < len(b.terms) && b.terms[j].kind != 'd' {
			j++
		}
		if i == len(a.terms) || j == len(b.terms) {
			return i == len(a.terms) && j == len(b.terms)
		}
		if a.terms[i].field != b.terms[j].field {
			return false
		}
		i, j = i+1, j+1
	}
}

const memoSize = 32

func (t *Model[V]) remember(q string, rows []int32) {
	if t.memo == nil {
		t.memo = map[string][]int32{}
	}
	if _, ok := t.memo[q]; ok {
		return
	}
	if len(t.memoKeys) == memoSize {
		delete(t.memo, t.memoKeys[0])
		t.memoKeys = t.memoKeys[1:]
	}
	t.memo[q] = rows
	t.memoKeys = append(t.memoKeys, q)
}

// ForgetFilterResults drops remembered filter results (benchmarks of the
// cold path).
func (t *Model[V]) ForgetFilterResults() { t.memo, t.memoKeys = nil, nil }

// refilter applies t.q; incremental filters only the current view.
// Results are fresh, exactly sized slices (they may be remembered).
func (t *Model[V]) refilter(incremental bool) {
	if t.q.empty() {
		t.view = t.all
		return
	}
	if v, ok := t.memo[t.q.raw]; ok {
		t.view = v
		return
	}
	base := t.all
	if incremental {
		base = t.view
	}
	out, loose := t.fbuf[:0], t.lbuf[:0]
	if ft, ok := t.q.single(); ok {
		// rows whose text contains the query as typed come first, then
		// the scattered (fuzzy) matches; each group keeps the sort order
		needle, inv := ft.needle, ft.invert
		qm := charMaskB(needle)
		arena, offs, masks := t.arena, t.offs, t.masks
		for _, pos := range base {
			ok := masks[pos]&qm == qm
			var name []byte
			if ok {
				name = arena[offs[pos]:offs[pos+1]]
				ok = subsequence(name, needle)
			}
			switch {
			case inv:
				if !ok {
					out = append(out, pos)
				}
			case !ok:
			case bytes.Contains(name, needle):
				out = append(out, pos)
			default:
				loose = append(loose, pos)
			}
		}
	} else {
		for _, pos := range base {
			if t.match(pos) {
				out = append(out, pos)
			}
		}
	}
	res := make([]int32, len(out)+len(loose))
	copy(res[copy(res, out):], loose)
	t.fbuf, t.lbuf = out, loose
	t.view = res
	t.remember(t.q.raw, res)
}

func (t *Model[V]) match(pos int32) bool {
	v := t.items[pos]
	for _, tm := range t.q.terms {
		var ok bool
		switch tm.kind {
		case 'f':
			ok = t.masks[pos]&charMaskB(tm.needle) == charMaskB(tm.needle) &&
				subsequence(t.arena[t.offs[pos]:t.offs[pos+1]], tm.needle)
		case 'r':
			ok = tm.re.MatchString(t.cfg.Text(v))
		case 'd':
			ok = t.matchField(v, tm.field, tm.arg)
		}
		if ok == tm.invert {
			return false
		}
	}
	return true
}

func (t *Model[V]) matchField(v V, name, arg string) bool {
	for _, f := range t.cfg.Fields {
		if f.Name == name {
			return f.Match(v, arg)
		}
	}
	for _, c := range t.cols {
		if c.Field == name {
			return Contains(c.Cell(v), arg)
		}
	}
	return false
}

// FilterView is the filter for a pane's title line: the input while
// typing, the applied filter otherwise, and the error of one that does
// not parse; "" when there is none. width bounds the input.
func (t *Model[V]) FilterView(width int) string {
	var parts []string
	switch {
	case t.filtering:
		t.input.SetWidth(min(max(10, width/3, ansi.StringWidth(t.input.Placeholder)+1), max(10, width/2)))
		parts = append(parts, t.input.View())
	case t.text != "":
		parts = append(parts, t.st.Accent.Render("/"+common.Clean(t.text)))
	}
	if t.qErr != nil {
		parts = append(parts, t.st.Error.Render(common.Clean(t.qErr.Error())))
	}
	return strings.Join(parts, "  ")
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
	t.start = max(0, t.start+d)
	t.layDirty = true
	return nil
}

// ---- rendering ----

// InvalidateCache drops every rendered row (the theme changed).
func (t *Model[V]) InvalidateCache() {
	t.gen++
	t.layDirty = true
	t.selPre, t.selPost = "", ""
}

// SetEmpty sets the line shown when there are no rows at all.
func (t *Model[V]) SetEmpty(s string) { t.empty = s }

func padRight(s string, w int) string {
	if sw := ansi.StringWidth(s); sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// line lays cells out in the shown columns, padded and shortened.
func (t *Model[V]) line(cells []string, header bool) string {
	l := t.lay
	var b strings.Builder
	b.Grow(t.w + 16)
	for k, c := range cells {
		if k > 0 {
			b.WriteByte(' ')
		}
		col := t.cols[l.cols[k]]
		w := l.widths[k]
		if ansi.StringWidth(c) > w {
			switch {
			case header:
				c = ansi.Truncate(c, w, "")
			case col.Right:
				c = FitNumber(c, w)
			default:
				c = Trim(c, w, col.Cut)
			}
		}
		pad := w - ansi.StringWidth(c)
		if col.Right {
			b.WriteString(strings.Repeat(" ", pad))
			b.WriteString(c)
		} else {
			b.WriteString(c)
			if k < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", pad))
			}
		}
	}
	return b.String()
}

func (t *Model[V]) render(v V, selected bool) string {
	k := t.cfg.Key(v)
	var ver uint64
	if t.cfg.Version != nil {
		ver = t.cfg.Version(v)
	}
	e := t.cache[k]
	if e == nil {
		e = &cached{}
		t.cache[k] = e
	}
	if e.w != uint32(t.w) || e.gen != t.gen || e.ver != ver || e.raw == "" {
		cells := make([]string, len(t.lay.cols))
		for j, i := range t.lay.cols {
			if c := t.cols[i]; c.Styled {
				cells[j] = c.Cell(v)
			} else {
				cells[j] = common.Clean(c.Cell(v))
			}
		}
		raw := t.line(cells, false)
		if w := ansi.StringWidth(raw); w > t.w {
			raw = ansi.Truncate(raw, t.w, "")
		} else if w < t.w {
			raw += strings.Repeat(" ", t.w-w)
		}
		e.raw, e.styled = raw, raw
		if t.cfg.Style != nil {
			if s := t.cfg.Style(v); s != nil {
				e.styled = s.Render(raw)
			}
		}
		e.w, e.gen, e.ver = uint32(t.w), t.gen, ver
	}
	if !selected {
		return e.styled
	}
	if t.selStyle != t.st.Selected.String() || t.selPre == "" {
		// the selection style's escape codes, found once by rendering a marker
		t.selStyle = t.st.Selected.String()
		t.selPre, t.selPost, _ = strings.Cut(t.st.Selected.Render("\x00"), "\x00")
	}
	if t.styled {
		return t.st.Selected.Render(ansi.Strip(e.raw))
	}
	if t.selPre == "" && t.selPost == "" {
		return t.st.Selected.Render(e.raw)
	}
	return t.selPre + e.raw + t.selPost
}

// View is the header and the rows on screen: exactly h lines of at most w
// cells (the column chooser replaces the rows while it is open).
func (t *Model[V]) View() string {
	if t.w <= 0 || t.h <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow((t.w + 8) * t.h)
	t.WriteView(&b)
	return b.String()
}

// WriteView writes View to b (a pane composing a screen saves a copy).
func (t *Model[V]) WriteView(b *strings.Builder) {
	if t.w <= 0 || t.h <= 0 {
		return
	}
	t.layout()
	b.WriteString(t.header)
	bh := t.h - 1
	lines := 0
	if t.choosing {
		for _, l := range t.chooserLines(bh) {
			b.WriteByte('\n')
			b.WriteString(l)
			lines++
		}
	} else {
		lo, hi := t.VisibleRange()
		for i := lo; i < hi && lines < bh; i++ {
			b.WriteByte('\n')
			b.WriteString(t.render(t.At(i), i == t.cursor))
			lines++
		}
		if len(t.view) == 0 && lines < bh {
			b.WriteByte('\n')
			msg := t.empty
			if len(t.items) > 0 {
				msg = "no row matches the filter (esc clears it)"
			}
			b.WriteString(t.st.Muted.Render(ansi.Truncate(msg, t.w, "…")))
			lines++
		}
	}
	for ; lines < bh; lines++ {
		b.WriteByte('\n')
	}
}

// ---- keys ----

// Update handles the table's keys and mouse wheel: moving, "/" and the
// filter input, sorting, scrolling columns, the chooser. It reports
// whether it used msg; a pane handles what it did not.
func (t *Model[V]) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case t.choosing:
			return t.chooserKey(msg), true
		case t.filtering:
			return t.filterKey(msg), true
		}
		return t.key(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			t.Move(-3)
			return nil, true
		case tea.MouseWheelDown:
			t.Move(3)
			return nil, true
		}
	default:
		if t.filtering { // cursor blinks and the like
			var cmd tea.Cmd
			t.input, cmd = t.input.Update(msg)
			return cmd, false
		}
	}
	return nil, false
}

func (t *Model[V]) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	l := t.km
	switch {
	case key.Matches(msg, l.Up):
		t.Move(-1)
	case key.Matches(msg, l.Down):
		t.Move(1)
	case key.Matches(msg, l.Top):
		t.Move(-len(t.view))
	case key.Matches(msg, l.Bottom):
		t.Move(len(t.view))
	case key.Matches(msg, l.PageDown):
		t.Move(max(1, t.bodyHeight()/2))
	case key.Matches(msg, l.PageUp):
		t.Move(-max(1, t.bodyHeight()/2))
	case key.Matches(msg, l.Filter):
		t.filtering = true
		t.input.SetValue(t.text)
		t.input.CursorEnd()
		return t.input.Focus(), true
	case key.Matches(msg, l.SortNext):
		t.nextSort()
		return common.Status("sorted by "+t.SortName(), false), true
	case key.Matches(msg, l.SortReverse):
		t.SortBy(t.sortCol, !t.sortDesc)
		return common.Status("sorted by "+t.SortName()+map[bool]string{true: ", descending", false: ", ascending"}[t.sortDesc], false), true
	case key.Matches(msg, l.ScrollRight):
		return t.scroll(1), true
	case key.Matches(msg, l.ScrollLeft):
		return t.scroll(-1), true
	case key.Matches(msg, l.Columns):
		t.choosing, t.chCursor = true, 0
	default:
		return nil, false
	}
	return nil, true
}

func (t *Model[V]) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		t.filtering = false
		t.input.Blur()
		t.setQuery("")
		return nil
	case "enter":
		t.filtering = false
		t.input.Blur()
		return nil
	case "up", "down", "ctrl+d", "ctrl+u", "pgup", "pgdown":
		t.filtering = false
		t.input.Blur()
		cmd, _ := t.key(msg)
		return cmd
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	if v := t.input.Value(); v != t.text {
		t.setQuery(v)
	}
	return cmd
}

// HelpKeys are the table's keys for a pane's help line.
func (t *Model[V]) HelpKeys() []key.Binding {
	switch {
	case t.filtering:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		}
	case t.choosing:
		return t.chooserHelp()
	}
	l := t.km
	out := []key.Binding{l.Up, l.Down, l.Filter, l.SortNext, l.SortReverse}
	if _, off := t.Columns(); off > 0 || t.start > 0 {
		out = append(out, l.ScrollRight, l.Columns)
	}
	return out
}

// FullHelpKeys are every key of the table.
func (t *Model[V]) FullHelpKeys() []key.Binding {
	if t.filtering || t.choosing {
		return t.HelpKeys()
	}
	l := t.km
	return []key.Binding{l.Up, l.Down, l.Top, l.Bottom, l.PageDown, l.PageUp, l.Filter, l.SortNext, l.SortReverse,
		l.ScrollLeft, l.ScrollRight, l.Columns}
}

// Click selects the row at y (0 is the header: sorts by the column at x).
func (t *Model[V]) Click(x, y int) {
	if y >= 1 {
		if i := t.offset + y - 1; i < len(t.view) {
			t.cursor = i
			t.clamp()
		}
		return
	}
	l := t.layout()
	at := 0
	for k, c := range l.cols {
		at += l.widths[k] + gap
		if x < at {
			if t.cols[c].Less == nil {
				return
			}
			if t.sortCol == c {
				t.SortBy(c, !t.sortDesc)
			} else {
				t.SortBy(c, false)
			}
			return
		}
	}
}

func statusf(format string, args ...any) tea.Cmd {
	return common.Status(fmt.Sprintf(format, args...), false)
}

// NoAction is the footer's answer to a key that does nothing where it was
// pressed: it says so, rather than doing nothing silently.
func NoAction(msg tea.KeyPressMsg) tea.Cmd {
	k := msg.String()
	if k == "" || msg.Text == "" && len([]rune(k)) == 1 {
		return nil
	}
	return common.Status(k+" does nothing here (? lists the keys)", false)
}
