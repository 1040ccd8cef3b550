package invoke

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// keptSession keeps invocations in memory, as the aws session keeps them
// on disk.
type keptSession struct {
	*session
	mu    sync.Mutex
	kept  map[string][]model.Invocation
	saves int
}

func (k *keptSession) SaveInvocations(fn string, list []model.Invocation) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.kept[fn] = append([]model.Invocation(nil), list...)
	k.saves++
	return nil
}

func (k *keptSession) Invocations(fn string) ([]model.Invocation, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]model.Invocation(nil), k.kept[fn]...), nil
}

func keptPane(t *testing.T, k *keptSession) (*Model, *panetest.Harness) {
	t.Helper()
	deps := common.FromSession(k, nil)
	deps.Now = func() time.Time { return t0 }
	m := New(deps, styles.NewPlain(), keymap.Default(), k.Fns[0], Options{Events: Events{Dir: t.TempDir()}})
	m.SetSize(120, 40)
	h := panetest.New(t, m)
	h.Run(m.Init())
	return m, h
}

// TestHistoryKeptAcrossRuns: every result is kept (never the payload
// sent); a new program (a new History) shows the last invocations.
func TestHistoryKeptAcrossRuns(t *testing.T) {
	k := &keptSession{session: newSession(), kept: map[string][]model.Invocation{}}
	m, h := keptPane(t, k)
	m.SetType(model.DryRun)
	h.TypeText(`{"secret": "do-not-keep"}`)
	for i := range 3 {
		k.result = model.InvokeResult{StatusCode: 204, ExecutedVersion: fmt.Sprint(i + 1), RequestID: fmt.Sprintf("req-%d", i)}
		h.Press("ctrl+s")
	}
	if k.saves != 3 || len(k.kept[m.fn.Name]) != 3 {
		t.Fatalf("saves %d kept %d", k.saves, len(k.kept[m.fn.Name]))
	}
	for _, inv := range k.kept[m.fn.Name] {
		if strings.Contains(fmt.Sprintf("%+v", inv), "do-not-keep") {
			t.Fatal("the payload sent was kept")
		}
	}
	m2, _ := keptPane(t, k) // a new program: Options.History is new
	if len(m2.History()) != 3 || !strings.Contains(ansi.Strip(m2.View()), "Result 3/3") || !strings.Contains(ansi.Strip(m2.View()), "req-2") {
		t.Fatalf("reopened: %d entries\n%s", len(m2.History()), ansi.Strip(m2.View()))
	}
}

// TestHistoryTable: the history is a table, newest first; "/" filters it
// (the letters typed never reach the pane's keys), s/S sort, [ and ] go
// back and forth in time whatever the sort, a key nobody uses says so.
func TestHistoryTable(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	m.SetType(model.DryRun)
	for i, q := range []string{"$LATEST", "live", "$LATEST"} {
		s.result = model.InvokeResult{StatusCode: 204, ExecutedVersion: fmt.Sprint(i)}
		if q == "live" {
			h.Press("ctrl+q")
			s.result.FunctionError = "Handled"
		}
		h.Press("ctrl+s")
		if q == "live" {
			h.Press("ctrl+q", "ctrl+q", "ctrl+q") // back to $LATEST
		}
	}
	if len(m.History()) != 3 || m.CapturesInput() {
		t.Fatalf("history %d, captures %v", len(m.History()), m.CapturesInput())
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "TIME↓") || !strings.Contains(v, "204 Handled") || !strings.Contains(v, "Result 3/3") {
		t.Fatalf("view:\n%s", v)
	}
	before := s.Calls("")
	h.Press("/")
	h.TypeText("qualifier:live")
	if !m.CapturesInput() || m.ht.Len() != 1 || len(h.Dialogs) != 0 {
		t.Fatalf("filter: %d rows, %d dialogs", m.ht.Len(), len(h.Dialogs))
	}
	h.Press("enter")
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "Result 2/3 /qualifier:live") || !strings.Contains(v, "executed 1") {
		t.Fatalf("filtered:\n%s", v)
	}
	if !m.Back() || m.ht.Len() != 3 {
		t.Fatal("esc did not clear the history filter")
	}
	h.Press("S") // oldest first
	if e, _ := m.ht.Selected(); m.ht.At(0).Result.ExecutedVersion != "0" || e.Result.ExecutedVersion != "1" {
		t.Fatalf("S: first %s, selected %s", m.ht.At(0).Result.ExecutedVersion, e.Result.ExecutedVersion)
	}
	h.Press("[")
	if !strings.Contains(ansi.Strip(m.View()), "Result 1/3") {
		t.Fatal("[ did not go to the older result")
	}
	h.Press("[")
	if !strings.Contains(h.LastStatus(), "oldest") {
		t.Fatalf("[ at the oldest: %q", h.LastStatus())
	}
	h.Press("s")
	if m.ht.SortName() != "qualifier" || !strings.Contains(ansi.Strip(m.View()), "sort qualifier") {
		t.Fatalf("s: %s", m.ht.SortName())
	}
	h.Press("z")
	if !strings.Contains(h.LastStatus(), "does nothing here") {
		t.Fatalf("z: %q", h.LastStatus())
	}
	if s.Calls("") != before {
		t.Fatal("the history's keys called AWS")
	}
}
