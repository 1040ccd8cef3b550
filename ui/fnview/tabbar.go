package fnview

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// shortNames are the tab titles when the full ones do not fit (60 columns).
var shortNames = [NumTabs]string{"Config", "Aliases", "Sources", "Logs", "Metrics", "Alarms", "Deploys"}

// tabSpan is one tab's label and where it sits on the bar.
type tabSpan struct {
	tab   int
	label string
	x0    int // first column
	x1    int // one past the last column
}

// tabSep is the gap between two tabs.
const tabSep = "  "

// tabLayout lays the tab bar out in width columns, as k9s does: the full
// titles with their number keys; else the short titles; else the short
// titles without numbers (the keys are in the help); else a window of the
// short titles that always holds the active tab, with ‹ and › saying that
// more tabs are off to that side. A title is never cut.
// before and after report whether tabs are hidden on either side.
func tabLayout(width, active int) (spans []tabSpan, before, after bool) {
	numbered := func(names [NumTabs]string) []string {
		out := make([]string, NumTabs)
		for i, n := range names {
			out[i] = fmt.Sprintf("%d %s", i+1, n)
		}
		return out
	}
	for _, labels := range [][]string{numbered(TabNames), numbered(shortNames), shortNames[:]} {
		if barWidth(labels, 0, NumTabs) <= width {
			return place(labels, 0, NumTabs, 0), false, false
		}
	}
	labels := numbered(shortNames)
	// Grow a window around the active tab, rightwards first, while it fits
	// with the markers it needs.
	lo, hi := active, active+1
	fits := func(lo, hi int) bool {
		w := barWidth(labels, lo, hi)
		if lo > 0 {
			w += 2 // "‹ "
		}
		if hi < NumTabs {
			w += 2 // " ›"
		}
		return w <= width
	}
	for {
		switch {
		case hi < NumTabs && fits(lo, hi+1):
			hi++
		case lo > 0 && fits(lo-1, hi):
			lo--
		default:
			x := 0
			if lo > 0 {
				x = 2
			}
			return place(labels, lo, hi, x), lo > 0, hi < NumTabs
		}
	}
}

func barWidth(labels []string, lo, hi int) int {
	w := 0
	for i := lo; i < hi; i++ {
		w += ansi.StringWidth(labels[i])
	}
	return w + len(tabSep)*max(0, hi-lo-1)
}

func place(labels []string, lo, hi, x int) []tabSpan {
	spans := make([]tabSpan, 0, hi-lo)
	for i := lo; i < hi; i++ {
		w := ansi.StringWidth(labels[i])
		spans = append(spans, tabSpan{tab: i, label: labels[i], x0: x, x1: x + w})
		x += w + len(tabSep)
	}
	return spans
}

// tabBar renders the bar (styled, at most m.w columns).
func (m *Model) tabBar() string {
	spans, before, after := tabLayout(m.w, m.active)
	var b strings.Builder
	if before {
		b.WriteString(m.st.Muted.Render("‹ "))
	}
	for i, s := range spans {
		if i > 0 {
			b.WriteString(tabSep)
		}
		if s.tab == m.active {
			b.WriteString(m.st.TabActive.Render(s.label))
		} else {
			b.WriteString(m.st.TabInactive.Render(s.label))
		}
	}
	if after {
		b.WriteString(m.st.Muted.Render(" ›"))
	}
	return ansi.Truncate(b.String(), m.w, "…")
}

// tabAt returns the tab drawn at column x of the bar, or -1.
func (m *Model) tabAt(x int) int {
	spans, _, _ := tabLayout(m.w, m.active)
	for _, s := range spans {
		if x < s.x1+len(tabSep)/2 && x >= s.x0-len(tabSep)/2 {
			return s.tab
		}
	}
	return -1
}
