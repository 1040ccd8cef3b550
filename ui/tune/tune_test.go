package tune

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/invoke"
	"github.com/lambdaops/lambdaops/ui/styles"
)

func checkSize(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("%d lines at height %d", len(lines), h)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Errorf("line %d is %d wide at width %d: %q", i, ansi.StringWidth(l), w, ansi.Strip(l))
		}
	}
}

// TestTuneFlowOnTheSandbox drives the pane: options, the plan in the
// confirmation, the job to its end, the table and chart, save, apply.
func TestTuneFlowOnTheSandbox(t *testing.T) {
	srv, c := panetest.StartSandbox(t, sandbox.Options{Functions: 20, Seed: 3}, false)
	deps := common.FromSession(c, nil)
	st := styles.New(true)
	fn := model.Function{Name: "checksum-worker"}
	m := New(deps, st, keymap.Default(), fn, c.Target(), c, Options{Events: invoke.Events{Dir: t.TempDir()}})
	m.SetSize(160, 45)
	h := panetest.New(t, m)
	h.Run(m.Init())
	if !m.info || m.infoErr != nil || m.cfg.MemoryMB != 512 {
		t.Fatalf("info %v %v cfg %+v", m.info, m.infoErr, m.cfg)
	}
	checkSize(t, m.View(), 160, 45)
	m.setField(fieldSizes, "256, 1024")
	m.setField(fieldPerSize, "3")
	h.Press("p")
	if len(h.Dialogs) != 1 {
		t.Fatalf("no plan dialog; statuses %+v", h.Statuses)
	}
	plan := h.DialogView()
	for _, want := range []string{"6 invocations", "estimated cost", "lambdaops-tune-", "back to 512 MB", "aliases"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
	h.Press("y")
	if m.stage != stageDone || m.run == nil || m.run.Status != "done" || len(m.results) != 2 {
		t.Fatalf("stage %v run %+v err %v", m.stage, m.run, m.runErr)
	}
	blocking := false
	for _, j := range h.Jobs[:len(h.Jobs)-1] {
		blocking = blocking || j.Blocking && !j.Done
	}
	if !blocking {
		t.Fatalf("job messages %+v: a running tune must be blocking (quitting asks first)", h.Jobs)
	}
	if j := h.Jobs[len(h.Jobs)-1]; !j.Done || j.Blocking {
		t.Fatalf("last job message %+v", j)
	}
	for _, sz := range [][2]int{{160, 45}, {80, 24}} {
		m.SetSize(sz[0], sz[1])
		v := m.View()
		checkSize(t, v, sz[0], sz[1])
		if !strings.Contains(v, "recommended") || !strings.Contains(v, "1024 MB") {
			t.Errorf("%dx%d view:\n%s", sz[0], sz[1], ansi.Strip(v))
		}
	}
	m.SetSize(160, 45)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "mean duration") {
		t.Errorf("no chart at 160x45:\n%s", v)
	}
	h.Press("s")
	if len(m.saved) != 2 {
		t.Fatalf("saved %v; statuses %+v", m.saved, h.Statuses)
	}
	for _, p := range m.saved {
		if b, err := os.ReadFile(p); err != nil || len(b) == 0 {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if len(m.past) != 1 {
		t.Fatalf("past runs %d", len(m.past))
	}
	h.Press("a")
	if len(h.Dialogs) != 1 || !strings.Contains(h.DialogView(), "512 MB →") {
		t.Fatalf("apply dialog: %q", h.DialogView())
	}
	h.Press("y")
	f, _ := c.FunctionConfig(context.Background(), "checksum-worker")
	if f.MemoryMB != m.run.Recommended || m.applied == "" {
		t.Fatalf("memory %d after apply, recommended %d", f.MemoryMB, m.run.Recommended)
	}
	if e, ok := c.LastAction("checksum-worker", "UpdateFunctionConfiguration"); !ok || e.Run != "" {
		t.Fatalf("apply not journaled on its own: %+v %v", e, ok)
	}
	_ = srv
}

// TestTuneRefusesReadOnlyAndCanary: nothing starts, the reason shows.
func TestTuneRefusesReadOnlyAndCanary(t *testing.T) {
	_, c := panetest.StartSandbox(t, sandbox.Options{Functions: 20, Seed: 3}, false)
	m := New(common.FromSession(c, nil), styles.New(true), keymap.Default(), model.Function{Name: "checkout-api"}, c.Target(), c, Options{})
	m.SetSize(80, 24)
	h := panetest.New(t, m)
	h.Run(m.Init())
	h.Press("p")
	if len(h.Dialogs) != 0 || !strings.Contains(h.LastStatus(), "canary") {
		t.Fatalf("dialogs %d, status %q", len(h.Dialogs), h.LastStatus())
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "canary owns the function") {
		t.Fatalf("view:\n%s", v)
	}
	_, ro := panetest.StartSandbox(t, sandbox.Options{Functions: 20, Seed: 3}, true)
	m = New(common.FromSession(ro, nil), styles.New(true), keymap.Default(), model.Function{Name: "inventory-proxy"}, ro.Target(), ro, Options{})
	h = panetest.New(t, m)
	h.Run(m.Init())
	h.Press("p")
	if len(h.Dialogs) != 0 || !strings.Contains(h.LastStatus(), "read-only") {
		t.Fatalf("read-only: dialogs %d, status %q", len(h.Dialogs), h.LastStatus())
	}
}
