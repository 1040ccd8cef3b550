package scroll

import (
	"fmt"
	"strings"
	"testing"
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
