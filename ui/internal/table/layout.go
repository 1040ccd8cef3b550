package table

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Cut says how a cell too wide for its column is shortened.
type Cut uint8

const (
	// CutMiddle keeps the start and the end of the text, joined by "…", so
	// names that differ only at the end stay distinguishable (the default
	// for left-aligned columns).
	CutMiddle Cut = iota
	// CutEnd keeps the start (prose: reasons, descriptions).
	CutEnd
	// CutStart keeps the end (paths, ARNs whose resource name is last).
	CutStart
)

// spec is what the layout needs to know of a column.
type spec struct {
	width, max, prio int
	want             int  // the widest cell measured (0: unknown, grow to max)
	hidden           bool // unticked in the chooser
}

// layout is the set of columns on screen at a width.
type layout struct {
	width  int
	cols   []int // column indices, display order
	widths []int
	// off is how many (not hidden) columns did not fit; left is whether
	// columns before the first shown one are scrolled out (start > 0).
	off  int
	left bool
	// growth is the width each shown column gained from spare space.
	hint string
}

// gap is the space between columns.
const gap = 1

// fit chooses the columns shown in width.
//
// With start == 0 every column that is not hidden is a candidate; while
// they do not fit, the least important (highest Priority, rightmost on a
// tie) is dropped, never a Priority-0 column and never a protected one
// (the sort column, the columns a filter uses). With start > 0 the view is
// scrolled: the pinned (Priority 0) and protected columns, then the other
// columns in display order from the start-th, as many as fit.
//
// Spare width then goes to the columns that may grow (max > width), the
// more important first, in equal shares.
func fit(specs []spec, width, start int, protected func(int) bool) layout {
	l := layout{width: width}
	var cand []int
	for i, s := range specs {
		if !s.hidden {
			cand = append(cand, i)
		}
	}
	total := func(cs []int) int {
		t := 0
		for k, i := range cs {
			if k > 0 {
				t += gap
			}
			t += specs[i].width
		}
		return t
	}
	pinned := func(i int) bool { return specs[i].prio == 0 || protected(i) }
	hintW := 0
	for pass := 0; pass < 2; pass++ {
		avail := width - hintW
		var shown []int
		if start <= 0 {
			shown = append([]int(nil), cand...)
			for total(shown) > avail {
				drop := -1
				for k, i := range shown {
					if pinned(i) {
						continue
					}
					if drop < 0 || specs[i].prio >= specs[shown[drop]].prio {
						drop = k
					}
				}
				if drop < 0 {
					break
				}
				shown = append(shown[:drop], shown[drop+1:]...)
			}
		} else {
			for _, i := range cand {
				if pinned(i) {
					shown = append(shown, i)
				}
			}
			skipped, rest, added := 0, 0, 0
			full := false
			for _, i := range cand {
				if pinned(i) {
					continue
				}
				if skipped < start-1 { // start 1 is the display order from the first column
					skipped++
					continue
				}
				rest++
				// the first column scrolled to is shown even when it does
				// not fit (the widest column is squeezed below): → always
				// brings a column into view
				if full || added > 0 && total(append(shown, i)) > avail {
					full = true
					continue
				}
				shown = insertOrdered(shown, i)
				added++
			}
			l.left = skipped > 0
			l.off = rest - added
		}
		l.cols = shown
		if start <= 0 {
			l.off = len(cand) - len(shown)
		}
		if (l.off == 0 && !l.left) || hintW > 0 {
			break
		}
		hintW = hintWidth(l.off, l.left)
	}
	l.widths = make([]int, len(l.cols))
	for k, i := range l.cols {
		l.widths[k] = specs[i].width
	}
	// spare width: the growable columns whose cells are cut, more
	// important first, up to their widest cell
	spare := width - hintW - total(l.cols)
	limit := func(i int) int {
		if w := specs[i].want; w > 0 {
			return max(specs[i].width, min(w, specs[i].max))
		}
		return specs[i].max
	}
	for spare > 0 {
		var grow []int
		for k, i := range l.cols {
			if l.widths[k] < limit(i) {
				grow = append(grow, k)
			}
		}
		if len(grow) == 0 {
			break
		}
		// stable by priority
		for a := 1; a < len(grow); a++ {
			for b := a; b > 0 && specs[l.cols[grow[b]]].prio < specs[l.cols[grow[b-1]]].prio; b-- {
				grow[b], grow[b-1] = grow[b-1], grow[b]
			}
		}
		share := max(1, spare/len(grow))
		for _, k := range grow {
			add := min(share, limit(l.cols[k])-l.widths[k], spare)
			l.widths[k] += add
			spare -= add
			if spare == 0 {
				break
			}
		}
	}
	// the columns still do not fit (pinned ones too wide): squeeze the
	// widest growable or left-aligned column
	if over := total(l.cols) - (width - hintW); over > 0 && len(l.cols) > 0 {
		k := 0
		for j := range l.widths {
			if l.widths[j] > l.widths[k] {
				k = j
			}
		}
		l.widths[k] = max(1, l.widths[k]-over)
	}
	l.hint = hintText(l.off, l.left)
	return l
}

func insertOrdered(s []int, i int) []int {
	k := len(s)
	for k > 0 && s[k-1] > i {
		k--
	}
	s = append(s, 0)
	copy(s[k+1:], s[k:])
	s[k] = i
	return s
}

// hintText marks columns out of view in the header: "‹" when columns are
// scrolled out on the left, "+N›" for N more on the right.
func hintText(off int, left bool) string {
	var s string
	if left {
		s = "‹"
	}
	if off > 0 {
		if left {
			s += " "
		}
		s += "+" + strconv.Itoa(off) + "›"
	}
	return s
}

func hintWidth(off int, left bool) int {
	h := hintText(max(off, 1), left)
	return gap + ansi.StringWidth(h) + 1 // room for a two-digit count
}

// Trim shortens s to at most w cells the way cut says, marking the cut
// with "…". Text that fits is returned as is.
func Trim(s string, w int, cut Cut) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	if w == 1 {
		return "…"
	}
	switch cut {
	case CutEnd:
		return ansi.Truncate(s, w, "…")
	case CutStart:
		return "…" + ansi.TruncateLeft(s, sw-(w-1), "")
	}
	// middle: the tail is the distinguishing part of most names
	// (…-staging-2, …-eu-west-1), so it gets the larger share
	keep := w - 1
	head := keep * 2 / 5
	tail := keep - head
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
}

// FitNumber shortens a number to w cells without cutting digits: "119,310"
// becomes "119.3k" or "119k", "1.25M" stays; units after the number are
// kept. Text that is not a number is cut at the end.
func FitNumber(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	num, unit := splitNumber(s)
	if num == "" {
		return Trim(s, w, CutEnd)
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
	if err != nil {
		return Trim(s, w, CutEnd)
	}
	for _, c := range compactForms(v) {
		if out := c + unit; ansi.StringWidth(out) <= w {
			return out
		}
	}
	for _, c := range compactForms(v) {
		if ansi.StringWidth(c) <= w {
			return c
		}
	}
	return strings.Repeat("#", max(w, 0)) // never a misleading prefix of the digits
}

// splitNumber splits a leading number (sign, digits, commas, one point)
// from what follows it ("12.5%" → "12.5", "%").
func splitNumber(s string) (num, unit string) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ',' || s[i] == '.') {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
		i++
	}
	if digits == 0 {
		return "", s
	}
	return s[:i], s[i:]
}

// compactForms are v's compact spellings in its natural unit (the largest
// it is at least one of), most precise first, then the plain number.
func compactForms(v float64) []string {
	neg := ""
	if v < 0 {
		neg, v = "-", -v
	}
	units := []struct {
		div float64
		sfx string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}
	var out []string
	for _, u := range units {
		if x := v / u.div; x >= 1 {
			out = append(out, neg+strconv.FormatFloat(x, 'f', 1, 64)+u.sfx, neg+strconv.FormatFloat(x, 'f', 0, 64)+u.sfx)
			break
		}
	}
	if v == float64(int64(v)) {
		out = append(out, neg+strconv.FormatInt(int64(v), 10))
	} else {
		out = append(out, neg+strconv.FormatFloat(v, 'f', 1, 64), neg+strconv.FormatFloat(v, 'f', 0, 64))
	}
	return out
}
