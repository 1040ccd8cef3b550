package textfit

import "testing"

func TestText(t *testing.T) {
	for _, c := range []struct {
		in   string
		w, h int
		want string
	}{
		{"abc\ndef", 2, 3, "ab\nde\n"},
		{"a\nb\nc\nd", 5, 2, "a\nb"},
		{"", 3, 1, ""},
		{"héllo wörld", 5, 1, "héllo"},
	} {
		if got := Text(c.in, c.w, c.h); got != c.want {
			t.Errorf("Text(%q, %d, %d) = %q, want %q", c.in, c.w, c.h, got, c.want)
		}
	}
}

func TestLinesTail(t *testing.T) {
	got := LinesTail([]string{"abcdef", "ab"}, 4, 3, "…")
	if got != "abc…\nab\n" {
		t.Fatalf("%q", got)
	}
}
