package invoke

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

func newPane(t *testing.T, s *session) (*Model, *panetest.Harness) {
	t.Helper()
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return t0 }
	fn := s.Fns[0]
	fn.MemoryMB, fn.Architecture = 512, "arm64"
	m := New(deps, styles.NewPlain(), keymap.Default(), fn, Options{Events: Events{Dir: t.TempDir()}})
	m.SetSize(100, 40)
	h := panetest.New(t, m)
	h.Run(m.Init())
	return m, h
}

const tail = "START RequestId: r-1 Version: 2\n" +
	"2026-11-26T12:00:00.000Z\tr-1\tERROR\tboom\n" +
	"END RequestId: r-1\n" +
	"REPORT RequestId: r-1\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 64 MB\tInit Duration: 245.10 ms\t\n"

func cannedResult() model.InvokeResult {
	r, _ := model.ParseReportFromTail(tail)
	return model.InvokeResult{StatusCode: 200, ExecutedVersion: "2", FunctionError: "Unhandled",
		Payload: []byte(`{"errorType":"TypeError","errorMessage":"x is undefined","stackTrace":["at handler (index.js:3:9)","at run (runtime.js:1:1)"]}`),
		LogTail: tail, Report: &r, RequestID: "r-1", Elapsed: 20 * time.Millisecond}
}

func TestSendConfirmsThenShowsResult(t *testing.T) {
	s := newSession()
	s.result = cannedResult()
	m, h := newPane(t, s)
	if got := m.quals; strings.Join(got, ",") != "$LATEST,live,2,1" {
		t.Fatalf("qualifiers %v", got)
	}
	h.TypeText(`{"a": 1}`)
	h.Press("ctrl+q") // live
	before := s.Calls("")
	cmd := m.Update(panetest.Key("ctrl+s"))
	if s.Calls("") != before {
		t.Fatalf("Update called AWS: %s", s.CallLog())
	}
	h.Run(cmd)
	if len(h.Dialogs) != 1 || !strings.Contains(h.DialogView(), "Invoke "+m.fn.Name+":live?") {
		t.Fatalf("no confirmation: %q", h.DialogView())
	}
	if s.Calls("Invoke") != 0 {
		t.Fatal("invoked before the confirmation")
	}
	h.Press("y")
	if s.Calls("Invoke") != 1 || len(s.reqs) != 1 {
		t.Fatalf("invoke calls %d", s.Calls("Invoke"))
	}
	req := s.reqs[0]
	if req.Qualifier != "live" || req.Type != model.RequestResponse || string(req.Payload) != `{"a": 1}` {
		t.Fatalf("request %+v", req)
	}
	out := m.View()
	for _, want := range []string{"status 200", "executed 2", "function error (Unhandled): TypeError", "x is undefined",
		"at handler (index.js:3:9)", "duration 12.50 ms · billed 13 ms · memory 64/512 MB (13%)", "init 245.10 ms (cold start)", "cost $0.000000", "Result 1/1"} {
		if !strings.Contains(out, want) {
			t.Errorf("result view lacks %q:\n%s", want, out)
		}
	}
	// 13 ms × 0.5 GB on arm64 + one request
	want := FormatCost(model.InvocationCost(13*time.Millisecond, 512, "arm64", model.DefaultPrices))
	if !strings.Contains(out, "cost "+want) {
		t.Errorf("cost %s missing:\n%s", want, out)
	}
	if len(m.opt.History.List(m.fn.Name)) != 1 {
		t.Fatal("history not kept")
	}
}

func TestJSONErrorsPointAtLineAndColumn(t *testing.T) {
	cases := []struct {
		in        string
		line, col int
	}{
		{"{\n  \"a\": 1,\n  \"b\": }", 3, 8},
		{"{\"a\": 1", 1, 8},
		{"[1, 2,\n 3,,]", 2, 4},
		{"{\n  \"é\": x}", 2, 8},
	}
	for _, c := range cases {
		e := Validate([]byte(c.in))
		if e == nil || e.Line != c.line || e.Column != c.col {
			t.Errorf("Validate(%q) = %+v, want line %d column %d", c.in, e, c.line, c.col)
		}
	}
	if Validate([]byte("  \n")) != nil || Validate([]byte(`{"ok":[1,2]}`)) != nil {
		t.Error("valid payloads refused")
	}
}

func TestInvalidJSONIsNotSent(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	h.TypeText("{\n  \"a\": 1,\n  \"b\": }")
	if e := m.JSONError(); e == nil || e.Line != 3 || e.Column != 8 {
		t.Fatalf("JSON error %+v", e)
	}
	if !strings.Contains(m.View(), "invalid JSON at line 3, column 8") {
		t.Fatalf("view does not point at the error:\n%s", m.View())
	}
	h.Press("ctrl+s")
	if len(h.Dialogs) != 0 || s.Calls("Invoke") != 0 {
		t.Fatalf("invalid JSON reached a dialog or AWS: %s", s.CallLog())
	}
	if !strings.Contains(h.LastStatus(), "line 3, column 8") {
		t.Fatalf("status %q", h.LastStatus())
	}
}

func TestSizeLimitsBlockSending(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	// 1.5 MB: fine synchronously, too large asynchronously
	big := []byte(`{"blob":"` + strings.Repeat("x", 1536*1024) + `"}`)
	m.SetPayload("big.json", big)
	m.SetType(model.Event)
	h.Press("ctrl+s")
	if len(h.Dialogs) != 0 || s.Calls("Invoke") != 0 {
		t.Fatal("an oversized async payload was offered for sending")
	}
	if st := h.LastStatus(); !strings.Contains(st, "at most 1.0 MB") || !strings.Contains(st, "not sent") {
		t.Fatalf("status %q", st)
	}
	m.SetType(model.RequestResponse)
	h.Press("ctrl+s")
	if len(h.Dialogs) != 1 {
		t.Fatalf("a 1.5 MB sync payload was refused: %q", h.LastStatus())
	}
	h.Press("n")
	huge := []byte(`"` + strings.Repeat("y", model.MaxSyncPayload) + `"`)
	m.SetPayload("huge.json", huge)
	h.Press("ctrl+s")
	if len(h.Dialogs) != 0 || s.Calls("Invoke") != 0 {
		t.Fatal("an oversized sync payload was offered for sending")
	}
	if st := h.LastStatus(); !strings.Contains(st, "at most 6.0 MB") {
		t.Fatalf("status %q", st)
	}
	if !strings.Contains(m.View(), "too large to edit here") {
		t.Fatal("large payload not summarised")
	}
}

func TestReadOnlyRefusesWithoutRequest(t *testing.T) {
	s := newSession()
	s.T.Protection = model.ReadOnly
	m, h := newPane(t, s)
	h.TypeText(`{}`)
	h.Press("ctrl+s")
	if len(h.Dialogs) != 0 || s.Calls("Invoke") != 0 {
		t.Fatalf("read-only: %s", s.CallLog())
	}
	if !strings.Contains(h.LastStatus(), "read-only") || !strings.Contains(m.View(), "read-only") {
		t.Fatalf("no clear refusal: %q", h.LastStatus())
	}
	// even a confirmation that slipped through is refused before AWS
	h.Deliver(confirmedMsg{req: model.InvokeRequest{Function: m.fn.Name}})
	if s.Calls("Invoke") != 0 {
		t.Fatal("read-only invoke sent")
	}
}

func TestStaleResultDropped(t *testing.T) {
	s := newSession()
	s.result = cannedResult()
	m, h := newPane(t, s)
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(invokedMsg); return ok }
	m.SetType(model.DryRun) // no confirmation for a dry run
	h.Press("ctrl+s")
	if len(h.Held) != 1 {
		t.Fatalf("held %d", len(h.Held))
	}
	old := h.Held[0].(invokedMsg)
	m.req.Start(kindInvoke) // superseded (e.g. a newer send)
	h.Hold = nil
	h.Deliver(old)
	if len(m.History()) != 0 {
		t.Fatal("stale result shown")
	}
}

// A slow file load must not overwrite what the user typed while it ran, and
// a load that finishes after the pane closed is dropped.
func TestSlowLoadDoesNotOverwriteEdits(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	f := filepath.Join(t.TempDir(), "ev.json")
	if err := os.WriteFile(f, []byte(`{"from":"file"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(loadedMsg); return ok }
	h.Press("esc", "alt+o")
	h.TypeText(f + "\n")
	if len(h.Held) != 1 {
		t.Fatalf("the load did not start (held %d)", len(h.Held))
	}
	slow := h.Held[0]
	h.Hold = nil
	if len(h.Dialogs) != 1 {
		t.Fatal("the load prompt closed before the load answered")
	}
	h.Press("esc", "e") // give up waiting, edit instead
	h.TypeText(`{"typed":1}`)
	h.Deliver(slow)
	if string(m.Payload()) != `{"typed":1}` {
		t.Fatalf("the slow load overwrote the edit: %q", m.Payload())
	}

	// with no edit in between, the load applies
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(loadedMsg); return ok }
	h.Press("esc", "alt+o")
	h.TypeText(f + "\n")
	h.Hold = nil
	h.Deliver(h.Held[1])
	if string(m.Payload()) != `{"from":"file"}` {
		t.Fatalf("the load did not apply: %q (%s)", m.Payload(), h.LastStatus())
	}
	if len(h.Dialogs) != 0 {
		t.Fatal("a successful load left its prompt open")
	}

	// after Close, a late load is dropped
	m.SetPayload("", []byte(`{}`))
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(loadedMsg); return ok }
	h.Press("alt+o")
	h.TypeText(f + "\n")
	h.Hold = nil
	h.Press("esc")
	m.Close()
	h.Deliver(h.Held[2])
	if string(m.Payload()) != `{}` {
		t.Fatalf("a load after Close applied: %q", m.Payload())
	}
}

// The dialog contract: a load that fails keeps its prompt open with the
// error inline, and the keys typed next go to the prompt, not to the editor.
func TestFailedLoadKeepsThePromptOpen(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	h.Press("esc", "alt+o")
	h.TypeText(filepath.Join(t.TempDir(), "nosuch.json") + "\n")
	if len(h.Dialogs) != 1 {
		t.Fatal("the prompt closed on an error")
	}
	d := h.Dialogs[0].(*dialog.PromptDialog)
	if d.Err() == nil || !strings.Contains(ansi.Strip(h.DialogView()), "no such file") {
		t.Fatalf("no inline error: %v\n%s", d.Err(), h.DialogView())
	}
	before := string(m.Payload())
	h.TypeText("x")
	if string(m.Payload()) != before || !strings.HasSuffix(d.Value(), "x") {
		t.Fatalf("the next key went to the pane behind: payload %q, prompt %q", m.Payload(), d.Value())
	}
}

func TestTemplatesAreValidAndPretty(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	for i := range Templates {
		h.Press("ctrl+t")
		if m.tmpl != i || m.JSONError() != nil {
			t.Fatalf("template %d (%s): %v", i, Templates[i].Name, m.JSONError())
		}
		if !bytes.Contains(m.Payload(), []byte("\n  ")) {
			t.Errorf("template %s is not indented", Templates[i].Name)
		}
	}
	m.SetPayload("x", []byte(`{"a":[1,2],"b":{"c":true}}`))
	h.Press("ctrl+f")
	if got := string(m.Payload()); got != "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": true\n  }\n}" {
		t.Fatalf("pretty %q", got)
	}
}

func TestSaveAndLoadEvents(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	h.TypeText(`{"saved": true}`)
	h.Press("alt+s")
	if len(h.Dialogs) != 1 {
		t.Fatal("no save prompt")
	}
	h.TypeText("smoke-1\n")
	p := filepath.Join(m.opt.Events.Dir, "lambdaops", "events", m.fn.Name, "smoke-1.json")
	if b, err := os.ReadFile(p); err != nil || string(b) != `{"saved": true}` {
		t.Fatalf("saved file %q %v", b, err)
	}
	if len(m.saved) != 1 {
		t.Fatalf("saved list %v", m.saved)
	}
	m.SetPayload("", nil)
	h.Press("alt+o")
	h.TypeText("smoke-1\n")
	if string(m.Payload()) != `{"saved": true}` {
		t.Fatalf("loaded %q (%s)", m.Payload(), h.LastStatus())
	}
	f := filepath.Join(t.TempDir(), "ev.json")
	os.WriteFile(f, []byte(`[1,2,3]`), 0o600)
	h.Press("alt+o")
	h.TypeText(f + "\n")
	if string(m.Payload()) != `[1,2,3]` {
		t.Fatalf("file load %q (%s)", m.Payload(), h.LastStatus())
	}
	// a second pane on the same function lists the saved event
	m2 := New(m.deps, m.st, m.km, m.fn, m.opt)
	h2 := panetest.New(t, m2)
	h2.Run(m2.Init())
	if len(m2.saved) != 1 || m2.saved[0] != "smoke-1" {
		t.Fatalf("second pane saved %v", m2.saved)
	}
	if ValidName("../x") == nil || ValidName("") == nil {
		t.Fatal("bad names accepted")
	}
}

func TestHistoryBrowsing(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	m.SetType(model.DryRun)
	for i := 0; i < 3; i++ {
		s.result = model.InvokeResult{StatusCode: 204, ExecutedVersion: fmt.Sprint(i)}
		h.Press("ctrl+s")
	}
	if len(m.History()) != 3 || !strings.Contains(m.View(), "Result 3/3") {
		t.Fatalf("history %d", len(m.History()))
	}
	h.Press("[", "[")
	if !strings.Contains(m.View(), "Result 1/3") {
		t.Fatal("[ did not go back")
	}
	h.Press("]")
	if !strings.Contains(m.View(), "Result 2/3") {
		t.Fatal("] did not go forward")
	}
}

func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			s := newSession()
			s.result = cannedResult()
			m, h := newPane(t, s)
			m.SetSize(sz[0], sz[1])
			m.opt.Events = Events{Dir: "/nonexistent"}
			h.TypeText(`{"orderId": 42}`)
			h.Press("ctrl+s", "y")
			golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
		})
	}
	t.Run("json-error-80x24", func(t *testing.T) {
		s := newSession()
		m, h := newPane(t, s)
		m.SetSize(80, 24)
		h.TypeText("{\n  \"a\": [1, 2,]\n}")
		golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
	})
}

func TestFormatCost(t *testing.T) {
	for in, want := range map[float64]string{0: "$0", 0.0000002167: "$0.000000216", 0.05: "$0.05", 0.00123: "$0.00123"} {
		if got := FormatCost(in); got != want {
			t.Errorf("FormatCost(%v) = %s, want %s", in, got, want)
		}
	}
}

func TestQualifierPicker(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	h.Press("alt+q")
	h.TypeText("nope\n")
	if len(h.Dialogs) != 1 {
		t.Fatal("unknown qualifier accepted")
	}
	for range "nope" {
		h.Press("backspace")
	}
	h.TypeText("1\n")
	if m.Qualifier() != "1" || len(h.Dialogs) != 0 {
		t.Fatalf("qualifier %s", m.Qualifier())
	}
	h.Press("ctrl+q")
	if m.Qualifier() != "$LATEST" {
		t.Fatalf("cycle wraps to %s", m.Qualifier())
	}
}

func TestLargePasteKeptAsPayload(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s)
	big := `"` + strings.Repeat("p", 2<<20) + `"`
	h.Run(m.Update(tea.PasteMsg{Content: big}))
	if string(m.Payload()) != big || m.big == nil || !strings.Contains(h.LastStatus(), "too large to edit here") {
		t.Fatalf("paste of %d bytes: payload %d, status %q", len(big), len(m.Payload()), h.LastStatus())
	}
	h.Run(m.Update(tea.PasteMsg{Content: `{"small": 1}`}))
	if string(m.Payload()) != big {
		t.Fatal("a paste over a large payload replaced it silently")
	}
}
