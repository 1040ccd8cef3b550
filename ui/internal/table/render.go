package table

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/ui/common"
)

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
			b.WriteString(t.render(t.At(i), i == t.cursor && !t.blurred))
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
