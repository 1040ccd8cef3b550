package aliases

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
)

// TestVersionsList: v gives the keys to the versions list (the aliases list
// stays on its alias); j/k move it, "/" filters it (the letters typed never
// act: p would publish), s/S sort it, esc clears the filter, then comes
// back; the cockpit's keys still act on the selected alias.
func TestVersionsList(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	h.m.SetSize(120, 40)
	before := f.total()
	h.press("v")
	if !h.m.vfocus || !strings.Contains(h.LastStatus(), "versions list") {
		t.Fatalf("v: focus %v, status %q", h.m.vfocus, h.LastStatus())
	}
	if v, _ := h.m.vlist.Selected(); v.Version != "$LATEST" {
		t.Fatalf("first version %s", v.Version)
	}
	h.press("j", "j")
	if v, _ := h.m.vlist.Selected(); v.Version != "7" {
		t.Fatalf("j j: version %s", v.Version)
	}
	if a, _ := h.m.selected(); a.Name != "live" {
		t.Fatalf("the alias moved too: %s", a.Name)
	}
	// the help line is the versions list's
	if k := h.m.HelpKeys(); len(k) == 0 || k[0].Help().Desc != "aliases list" {
		t.Fatalf("help: %v", k)
	}
	h.typeText("/pub")
	if len(h.Dialogs) != 0 || f.total() != before || !h.m.CapturesInput() {
		t.Fatal("a letter typed into the versions filter acted")
	}
	h.press("backspace", "backspace", "backspace")
	h.typeText("alias:live\n")
	if h.m.vlist.Len() != 2 {
		t.Fatalf("alias:live: %d versions", h.m.vlist.Len())
	}
	v := ansi.Strip(h.m.View())
	if !strings.Contains(v, "Versions (2/4)  /alias:live") || !strings.Contains(v, "live 90%") {
		t.Fatalf("view:\n%s", v)
	}
	if !h.m.Back() || h.m.vlist.Len() != 4 || !h.m.vfocus {
		t.Fatal("esc did not clear the versions filter first")
	}
	h.press("S")
	if first := h.m.vlist.At(0).Version; first != "6" {
		t.Fatalf("S: first %s", first)
	}
	h.press("s")
	if h.m.vlist.SortName() != "aliases" && h.m.vlist.SortName() != "description" {
		t.Fatalf("s: %s", h.m.vlist.SortName())
	}
	// + still shifts the selected alias (with a confirmation)
	h.press("+")
	if len(h.Dialogs) != 1 || !strings.Contains(h.dialogView(), "live") {
		t.Fatalf("+ in the versions list: %d dialogs", len(h.Dialogs))
	}
	h.press("esc")
	if !h.m.Back() || h.m.vfocus {
		t.Fatal("esc did not give the keys back to the aliases")
	}
	h.press("j")
	if a, _ := h.m.selected(); a.Name == "live" && h.m.list.Len() > 1 && h.m.list.Cursor() == 0 {
		t.Fatal("j after esc did not move the aliases list")
	}
	if f.total() != before {
		t.Fatal("the versions list called AWS")
	}
}

// TestVersionsReachableWhenSmall: at 60x15 the cockpit is taller than the
// pane; with the versions list focused, G brings its last row into view.
func TestVersionsReachableWhenSmall(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	h.m.SetSize(60, 15)
	h.press("v", "G")
	v := ansi.Strip(h.m.View())
	if n := len(strings.Split(v, "\n")); n > 15 {
		t.Fatalf("%d lines", n)
	}
	if !strings.Contains(v, "first cut") {
		t.Fatalf("the last version is not on screen:\n%s", v)
	}
}
