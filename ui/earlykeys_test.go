package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/ui/concurrency"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/invoke"
)

// R and i act on the selected row as soon as a row is shown: before the
// listing, the metrics or the STS check have answered.
func TestScreenKeysActOnFirstRows(t *testing.T) {
	for _, k := range []string{"R", "i"} {
		m, s, _ := newTestRoot(t, 20)
		s.Snap, s.SnapAt, s.SnapOK = s.Fns[:5], fixedNow, true
		preloadSnapshot(m, Options{Deps: m.deps})
		if !strings.Contains(m.View().Content, s.Fns[0].Name) {
			t.Fatalf("no cached row shown:\n%s", m.View().Content)
		}
		runCmds(t, m, press(m, k))
		top := m.stack[len(m.stack)-1].pane
		switch top.(type) {
		case *concurrency.Model, *invoke.Model:
		default:
			t.Errorf("%s: top is %T, status %q", k, top, m.status)
		}
	}
}

// The same on a cold start, once only the first page of the listing has
// arrived (the rest of Init's answers not delivered yet).
func TestScreenKeysActOnFirstPage(t *testing.T) {
	for _, k := range []string{"R", "i"} {
		m, s, _ := newTestRoot(t, 120)
		s.PageSize = 50
		init := m.Init()
		for _, msg := range panetest.Messages(init) {
			if fmt.Sprintf("%T", msg) == "common.PaneMsg" {
				m.Update(msg) // the first page, not the commands it starts
			}
		}
		if !strings.Contains(m.View().Content, "growth-") {
			t.Fatalf("no row shown:\n%s", m.View().Content)
		}
		runCmds(t, m, press(m, k))
		switch top := m.stack[len(m.stack)-1].pane; top.(type) {
		case *concurrency.Model, *invoke.Model:
		default:
			t.Errorf("%s: top is %T, status %q", k, top, m.status)
		}
	}
}
