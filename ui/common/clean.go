package common

import (
	"strings"
	"unicode/utf8"
)

// Clean makes text that came from AWS (names, descriptions, tags,
// environment values, error messages) inert on a terminal: escape
// sequences, BEL, backspace, carriage returns and every other C0/C1
// control become visible stand-ins (ESC shows as ␛, other controls as
// �); newlines and tabs become spaces so one value stays one line.
// Panes call it on data before styling it, never on styled output.
func Clean(s string) string {
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case r == 0x1b:
			b.WriteRune('␛')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError:
			b.WriteRune('�')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return true
		}
		if c >= 0x80 {
			// C1 controls are U+0080..U+009F (0xC2 0x80..0x9F); invalid
			// UTF-8 is cleaned too
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || (r >= 0x80 && r < 0xa0) {
				return true
			}
			i += n - 1
		}
	}
	return false
}
