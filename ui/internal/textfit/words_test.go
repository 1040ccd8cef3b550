package textfit

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWordsNeverCutsAWord(t *testing.T) {
	s := "no other published version to start a canary with: publish one with p"
	for w := 1; w <= len(s)+2; w++ {
		got := Words(s, w)
		if ansi.StringWidth(got) > w {
			t.Fatalf("%d: %q is too wide", w, got)
		}
		if w >= 24 && !strings.HasSuffix(got, ": publish one with p") && got != s {
			t.Errorf("%d: the advice is lost: %q", w, got)
		}
		if w >= 8 {
			for _, word := range strings.Fields(strings.NewReplacer("…", " ", ":", " ").Replace(got)) {
				if !strings.Contains(" "+s+" ", " "+word+" ") && !strings.Contains(s, word+":") {
					t.Errorf("%d: %q has a cut word %q", w, got, word)
				}
			}
		}
	}
	if got := Words(s, 60); got != "no other published version to start a…: publish one with p" {
		t.Errorf("60: %q", got)
	}
}

func TestWrap(t *testing.T) {
	s := "no other published version to start a canary with: publish one with p"
	got := Wrap(s, 30, 3)
	if len(got) != 3 || strings.Join(got, " ") != s {
		t.Fatalf("%q", got)
	}
	for _, l := range got {
		if ansi.StringWidth(l) > 30 {
			t.Fatalf("%q too wide", l)
		}
	}
	got = Wrap(s, 20, 2)
	if len(got) != 2 || !strings.HasSuffix(got[1], "…") || ansi.StringWidth(got[1]) > 20 {
		t.Fatalf("%q", got)
	}
}

func TestFirst(t *testing.T) {
	if got := First(10, "a long alternative", "short"); got != "short" {
		t.Fatal(got)
	}
	if got := First(4, "a long alternative", "still too long"); got != "sti…" && got != "…" {
		t.Log(got)
	}
}
