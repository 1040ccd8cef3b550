package functions

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

// column is one table column. Columns are dropped, lowest priority first,
// when the pane is too narrow; the name column takes what is left.
type column struct {
	title    string
	width    int
	priority int // lower shows first
	right    bool
	cell     func(r *row) string
	less     func(a, b *row) bool
}

func cmpStr(a, b string) bool { return a < b }

var columns = []column{
	{title: "NAME", width: 0, priority: 0, cell: func(r *row) string { return r.fn.Name },
		less: func(a, b *row) bool { return a.fn.Name < b.fn.Name }},
	{title: "RUNTIME", width: 15, priority: 1, cell: func(r *row) string { return orDash(runtime(r.fn)) },
		less: func(a, b *row) bool { return cmpStr(runtime(a.fn), runtime(b.fn)) }},
	{title: "MEM", width: 6, priority: 2, right: true, cell: func(r *row) string { return strconv.Itoa(r.fn.MemoryMB) },
		less: func(a, b *row) bool { return a.fn.MemoryMB < b.fn.MemoryMB }},
	{title: "TIMEOUT", width: 7, priority: 3, right: true, cell: func(r *row) string { return strconv.Itoa(r.fn.TimeoutSec) + "s" },
		less: func(a, b *row) bool { return a.fn.TimeoutSec < b.fn.TimeoutSec }},
	{title: "STATE", width: 8, priority: 4, cell: func(r *row) string { return orDash(r.fn.State) },
		less: func(a, b *row) bool { return a.fn.State < b.fn.State }},
	{title: "INVOC", width: 7, priority: 5, right: true, cell: func(r *row) string { return r.metricCell(mInvocations) },
		less: func(a, b *row) bool { return a.metric(mInvocations) < b.metric(mInvocations) }},
	{title: "ERR%", width: 6, priority: 6, right: true, cell: func(r *row) string { return r.errPctCell() },
		less: func(a, b *row) bool { return a.errPct() < b.errPct() }},
	{title: "P99/TO", width: 7, priority: 7, right: true, cell: func(r *row) string { return r.p99Cell() },
		less: func(a, b *row) bool { return a.p99Ratio() < b.p99Ratio() }},
	{title: "ARCH", width: 6, priority: 8, cell: func(r *row) string { return orDash(r.fn.Architecture) },
		less: func(a, b *row) bool { return a.fn.Architecture < b.fn.Architecture }},
	{title: "UPDATE", width: 10, priority: 9, cell: func(r *row) string { return orDash(r.fn.LastUpdateStatus) },
		less: func(a, b *row) bool { return a.fn.LastUpdateStatus < b.fn.LastUpdateStatus }},
	{title: "RSV", width: 4, priority: 10, right: true, cell: rsvCell,
		less: func(a, b *row) bool { return reservedSort(a.fn) < reservedSort(b.fn) }},
	{title: "THR", width: 5, priority: 11, right: true, cell: func(r *row) string { return r.metricCell(mThrottles) },
		less: func(a, b *row) bool { return a.metric(mThrottles) < b.metric(mThrottles) }},
	{title: "PKG", width: 5, priority: 12, cell: func(r *row) string { return orDash(r.fn.PackageType) },
		less: func(a, b *row) bool { return a.fn.PackageType < b.fn.PackageType }},
	{title: "MODIFIED", width: 16, priority: 13, cell: func(r *row) string { return modified(r.fn.LastModified) },
		less: func(a, b *row) bool { return a.fn.LastModified.Before(b.fn.LastModified) }},
	{title: "TAGS", width: 24, priority: 14, cell: tagsCell, less: tagsLess},
}

// minNameWidth is the narrowest the name column gets before columns drop.
const minNameWidth = 24

// maxNameWidth is the widest the name column gets (Lambda names are at most 64).
const maxNameWidth = 64

func runtime(f model.Function) string {
	if f.Runtime == "" && f.PackageType == "Image" {
		return "image"
	}
	return f.Runtime
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func reserved(f model.Function) string {
	if f.Reserved == nil {
		return "-"
	}
	return strconv.Itoa(*f.Reserved)
}

func reservedN(f model.Function) int {
	if f.Reserved == nil {
		return -1
	}
	return *f.Reserved
}

func modified(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// layout is the set of columns shown at a width, in display order.
type layout struct {
	width  int
	cols   []int // indices into columns, display order
	widths []int
	header string
}

func computeLayout(width int) layout {
	l := layout{width: width}
	// choose by priority
	byPrio := make([]int, len(columns))
	for i := range columns {
		byPrio[i] = i
	}
	used := minNameWidth
	chosen := map[int]bool{0: true}
	for _, i := range byPrio[1:] {
		if used+1+columns[i].width <= width {
			used += 1 + columns[i].width
			chosen[i] = true
		}
	}
	for i := range columns {
		if chosen[i] {
			l.cols = append(l.cols, i)
		}
	}
	l.widths = make([]int, len(l.cols))
	for k, i := range l.cols {
		l.widths[k] = columns[i].width
	}
	// the name takes what is left, up to maxNameWidth; beyond that the
	// spare width stays at the right edge
	l.widths[0] = max(1, min(maxNameWidth, minNameWidth+width-used))
	titles := make([]string, len(l.cols))
	for k, i := range l.cols {
		titles[k] = columns[i].title
	}
	l.header = l.line(titles)
	return l
}

// line lays out cells in the columns, padded and truncated.
func (l layout) line(cells []string) string {
	var b strings.Builder
	b.Grow(l.width + 16)
	for k, c := range cells {
		if k > 0 {
			b.WriteByte(' ')
		}
		w := l.widths[k]
		if ansi.StringWidth(c) > w {
			c = ansi.Truncate(c, w, "…")
		}
		pad := w - ansi.StringWidth(c)
		if columns[l.cols[k]].right {
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

func (l layout) render(r *row) string {
	cells := make([]string, len(l.cols))
	for k, i := range l.cols {
		cells[k] = common.Clean(columns[i].cell(r)) // data made inert before it is laid out
	}
	return l.line(cells)
}

// thousands formats n with commas: 5000 → "5,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func compact(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0fk", v/1e3)
	}
	return strconv.Itoa(int(v))
}
