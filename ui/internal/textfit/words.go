package textfit

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Words shortens plain text s to at most w cells without cutting a word:
// whole words are dropped from the end and "…" says so. When s is a reason
// followed by advice ("no other version to start a canary with: publish
// one with p"), the advice after the last ": " is what the user acts on, so
// the reason is shortened first and the advice kept whole while it fits.
func Words(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	if i := strings.LastIndex(s, ": "); i > 0 {
		head, tail := s[:i], s[i:] // tail keeps its ": "
		if tw := ansi.StringWidth(tail); tw+4 <= w {
			if h := cutWords(head, w-tw); h != "" {
				return h + tail
			}
		}
	}
	if out := cutWords(s, w); out != "" {
		return out
	}
	return ansi.Truncate(s, w, "…") // a single word longer than w
}

// cutWords keeps the leading words of s that fit in w cells with a "…",
// or returns "" when not even the first word does.
func cutWords(s string, w int) string {
	words := strings.Fields(s)
	out, n := "", 0
	for i, word := range words {
		ww := ansi.StringWidth(word)
		sep := 0
		if i > 0 {
			sep = 1
		}
		if n+sep+ww+1 > w { // +1 for the "…"
			break
		}
		if i > 0 {
			out += " "
		}
		out += word
		n += sep + ww
	}
	if out == "" {
		return ""
	}
	return strings.TrimRight(out, " ,;:·-") + "…"
}

// Wrap breaks plain text s into lines of at most w cells at word
// boundaries (a word longer than w is broken), at most maxLines of them;
// when more would be needed, the last line is shortened with Words.
func Wrap(s string, w, maxLines int) []string {
	if w <= 0 || maxLines <= 0 {
		return nil
	}
	lines := strings.Split(ansi.Wrap(s, w, ""), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	if len(lines) > maxLines {
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], Words(rest, w))
	}
	return lines
}

// First returns the first of alternatives (longest first) that fits in w
// cells, else the last one shortened with Words.
func First(w int, alternatives ...string) string {
	for _, a := range alternatives {
		if ansi.StringWidth(a) <= w {
			return a
		}
	}
	if len(alternatives) == 0 {
		return ""
	}
	return Words(alternatives[len(alternatives)-1], w)
}
