package scroll

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
)

func lines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}

func TestWindow(t *testing.T) {
	var v View
	if got := v.Window(lines(3), 5, -1, nil); len(got) != 3 {
		t.Fatal("lines that fit are cut")
	}
	got := v.Window(lines(20), 5, -1, nil)
	if len(got) != 5 || got[0] != "0" || !strings.Contains(got[4], "16 more") {
		t.Fatalf("%q", got)
	}
	got = v.Window(lines(20), 5, 10, nil) // the focus line is kept visible
	if !contains(got, "10") {
		t.Fatalf("focus not visible: %q", got)
	}
	v.By(100) // scrolling away from an unchanged focus is allowed
	got = v.Window(lines(20), 5, 10, nil)
	if got[len(got)-1] != "19" || len(got) != 5 {
		t.Fatalf("bottom: %q", got)
	}
	v.By(-100)
	if got = v.Window(lines(20), 5, -1, nil); got[0] != "0" {
		t.Fatalf("top: %q", got)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestKeysAndWheel(t *testing.T) {
	km := keymap.Default().List
	for k, want := range map[string]int{"j": 1, "down": 1, "k": -1, "up": -1, "ctrl+d": 5, "pgdown": 5, "ctrl+u": -5, "g": -Far, "G": Far} {
		if d, ok := Key(panetest.Key(k), km, 10); !ok || d != want {
			t.Errorf("%s: %d %v, want %d", k, d, ok, want)
		}
	}
	if _, ok := Key(panetest.Key("x"), km, 10); ok {
		t.Error("x scrolls")
	}
	if Page(1) != 1 || Page(0) != 1 {
		t.Error("a page is at least a line")
	}
	if Wheel(tea.MouseWheelMsg{Button: tea.MouseWheelUp}) != -WheelLines || Wheel(tea.MouseWheelMsg{Button: tea.MouseWheelDown}) != WheelLines ||
		Wheel(tea.MouseWheelMsg{Button: tea.MouseWheelLeft}) != 0 {
		t.Error("wheel")
	}
}
