package table

import (
	"bytes"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/ui/common"
)

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
	row := t.cursor - t.offset // the selected row's line on screen
	if t.q.empty() && !q.empty() && selPos >= 0 {
		t.anchorPos, t.anchorKey, t.anchorRow = selPos, t.cfg.Key(t.items[selPos]), row
	}
	inc := q.narrows(t.q) && !t.q.empty()
	fieldsChanged := !sameFields(q, t.q)
	t.q = q
	t.refilter(inc)
	t.cursor, t.offset = 0, 0
	switch {
	case t.anchorPos >= 0 && t.reselectPos(t.anchorPos):
		if q.empty() {
			row = t.anchorRow
		}
	case selPos >= 0:
		t.reselectPos(selPos)
	}
	if q.empty() {
		t.anchorPos = -1
	}
	// keep the selected row on the same screen line
	t.offset = max(0, t.cursor-max(0, min(row, t.bodyHeight()-1)))
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
	t.ensureIndex()
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
