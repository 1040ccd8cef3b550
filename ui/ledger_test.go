package ui

import (
	"testing"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/concurrency"
)

// TestLedgerThroughTheRoot: the root gives the ledger's filter every key
// (R and C typed after / are text), esc clears the filter before it leaves
// the ledger, and R outside the filter opens the prompt.
func TestLedgerThroughTheRoot(t *testing.T) {
	m, s, _ := newTestRoot(t, 5)
	runCmds(t, m, m.Init())
	fn := s.Fns[2].Name
	s.Aliases[fn] = []model.Alias{{Function: fn, Name: "live", Version: "1"}, {Function: fn, Name: "canary", Version: "1"}}
	runCmds(t, m, m.runCommand("concurrency "+fn))
	l, ok := m.Focused().(*concurrency.Model)
	if !ok {
		t.Fatalf(":concurrency opened %T", m.Focused())
	}
	runCmds(t, m, press(m, "/"))
	runCmds(t, m, typeText(m, "CRc"))
	if m.Dialog() != nil {
		t.Fatal("a letter typed into the ledger's filter opened a dialog")
	}
	runCmds(t, m, press(m, "enter"))
	m.Update(keyMsg("esc")) // clears the filter
	if _, ok := m.Focused().(*concurrency.Model); !ok {
		t.Fatal("esc left the ledger instead of clearing its filter")
	}
	if l.CapturesInput() {
		t.Fatal("still filtering")
	}
	runCmds(t, m, press(m, "R"))
	if m.Dialog() == nil {
		t.Fatal("R did not open the reserved prompt")
	}
	if n := s.Calls("PutReserved") + s.Calls("PutProvisioned"); n != 0 {
		t.Fatalf("%d changes sent", n)
	}
}
