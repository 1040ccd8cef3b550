package tune

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

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
	// a filter typed over the results is text, never a or s
	h.Press("/")
	h.TypeText("as")
	if len(h.Dialogs) != 0 || len(m.past) != 1 || !m.CapturesInput() {
		t.Fatalf("/as reached the pane: dialogs %d, past runs %d", len(h.Dialogs), len(m.past))
	}
	h.Press("esc")
	h.Press("x")
	if !strings.Contains(h.LastStatus(), "does nothing here") {
		t.Fatalf("an unused key: %q", h.LastStatus())
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

// TestCloseCancelsAndDrainWaitsForTheCleanup: closing the pane (quitting)
// cancels the run; Drain lets its cleanup finish.
func TestCloseCancelsAndDrainWaitsForTheCleanup(t *testing.T) {
	_, c := panetest.StartSandbox(t, sandbox.Options{Functions: 20, Seed: 3}, false)
	m := New(common.FromSession(c, nil), styles.New(true), keymap.Default(), model.Function{Name: "webhook-relay"}, c.Target(), c, Options{})
	h := panetest.New(t, m)
	h.Run(m.Init())
	m.setField(fieldSizes, "256,1024,2048")
	pl, err := m.Plan("quit")
	if err != nil {
		t.Fatal(err)
	}
	_ = m.start(pl) // the job runs; its messages are not read
	if !Busy() {
		t.Fatal("no job running")
	}
	m.Close()
	if !Drain(time.Minute) {
		t.Fatal("the cleanup did not finish")
	}
	f, _ := c.FunctionConfig(context.Background(), "webhook-relay")
	as, _ := c.ListAliases(context.Background(), "webhook-relay")
	if f.MemoryMB != 512 || len(as) != 0 {
		t.Fatalf("memory %d, aliases %+v", f.MemoryMB, as)
	}
}

// TestPayloadChoices: the invoke editor's last payload comes first, then
// saved events are offered; an edited payload survives a refresh.
func TestPayloadChoices(t *testing.T) {
	hist := invoke.NewHistory()
	hist.Add(invoke.Entry{Function: "f", Type: model.RequestResponse, Payload: []byte(`{"order":42}`)})
	dir := t.TempDir()
	ev := invoke.Events{Dir: dir}
	if err := ev.Save("f", "big-order", []byte(`{"order":1e6}`)); err != nil {
		t.Fatal(err)
	}
	m := New(common.Deps{}, styles.New(true), keymap.Default(), model.Function{Name: "f"}, model.Target{}, nil, Options{Events: ev, History: hist})
	if got := string(m.payloads[m.payIdx].body); got != `{"order":42}` {
		t.Fatalf("default payload %s", got)
	}
	m.Update(infoMsg{gen: m.req.Bump(kindInfo), events: []payload{{name: "saved event: big-order", body: []byte(`{"order":1e6}`)}}})
	m.setField(fieldPayload, `{"x":1}`)
	m.Update(infoMsg{gen: m.req.Bump(kindInfo), events: []payload{{name: "saved event: big-order", body: []byte(`{"order":1e6}`)}}})
	names := []string{}
	for _, p := range m.payloads {
		names = append(names, p.name)
	}
	if string(m.payloads[m.payIdx].body) != `{"x":1}` || !strings.Contains(strings.Join(names, "|"), "saved event: big-order") {
		t.Fatalf("payloads %v, chosen %q", names, m.payloads[m.payIdx].name)
	}
}

func TestJobBlockers(t *testing.T) {
	b := JobBlockers("checkout-api", []string{"plan:checkout-api:live", "plan:orders-api:prod", "tune:checkout-api"})
	if len(b) != 2 || !strings.Contains(b[0], "canary plan on alias live") {
		t.Fatalf("%v", b)
	}
	if len(JobBlockers("orders", []string{"plan:orders-api:prod"})) != 0 {
		t.Fatal("a plan on orders-api blocks orders")
	}
}
