// Package textfit holds small text-layout helpers shared by the ui panes
// (and only by them): sizing a pane's lines to the box it is given.
package textfit

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Lines cuts or pads lines to exactly h lines, cuts each to at most w
// cells, and joins them with newlines. It may reuse lines' backing array.
func Lines(lines []string, w, h int) string { return LinesTail(lines, w, h, "") }

// LinesTail is Lines with tail ("…") ending each line that was cut.
func LinesTail(lines []string, w, h int, tail string) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, tail)
		}
	}
	return strings.Join(lines, "\n")
}

// Text is Lines over the lines of s.
func Text(s string, w, h int) string { return Lines(strings.Split(s, "\n"), w, h) }
