package ui

import (
	"strings"
	"testing"
)

// A notice about a key belongs to the context where it was pressed: it is
// cleared when the tab, the screen or the dialog in front changes.
func TestKeyNoticeClearedWhenContextChanges(t *testing.T) {
	m, _ := cockpitRoot(t)
	nothing := func() {
		t.Helper()
		runCmds(t, m, press(m, "z"))
		if !strings.Contains(m.Status(), "does nothing here") {
			t.Fatalf("z: status %q", m.Status())
		}
	}
	nothing()
	runCmds(t, m, press(m, "3")) // another tab
	if s := m.Status(); strings.Contains(s, "does nothing") {
		t.Fatalf("after switching tabs the footer still says %q", s)
	}
	nothing()
	runCmds(t, m, press(m, "esc")) // back to the list
	if s := m.Status(); strings.Contains(s, "does nothing") {
		t.Fatalf("after leaving the view the footer still says %q", s)
	}
	// Other statuses stay until they fade.
	runCmds(t, m, m.setStatus("published version 3", false))
	runCmds(t, m, press(m, "enter"))
	if m.Status() != "published version 3" {
		t.Fatalf("an ordinary status was cleared by a context change: %q", m.Status())
	}
}
