package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	lambdaops "github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/logs"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var fixedNow = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

func newRoot(t testing.TB, s *fake.Session, w, h int) *ui.Model {
	t.Helper()
	deps := common.FromSession(s, &fake.Connector{N: len(s.Fns)})
	deps.Now = func() time.Time { return fixedNow }
	m := ui.New(ui.Options{Deps: deps, Config: config.Default(), Styles: styles.New(true), Version: "test"})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, m.Init())
	return m
}

// run executes cmd and feeds its messages back like the program would.
func run(t testing.TB, m *ui.Model, cmd tea.Cmd) {
	t.Helper()
	panetest.Pump(t, panetest.Root(m), cmd)
}

func press(t testing.TB, m *ui.Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := m.Update(panetest.Key(k))
		run(t, m, cmd)
	}
}

func screen(m *ui.Model) string { return m.View().Content }

// fits checks the frame is no larger than the terminal.
func fits(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%d×%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%d×%d: line %d is %d cells wide: %q", w, h, i, lw, ansi.Strip(l))
			return
		}
	}
}

func TestShrinkTo20x5AndBack(t *testing.T) {
	s := fake.New("us-east-1", 200)
	m := newRoot(t, s, 120, 40)
	before := ansi.Strip(screen(m))
	m.Update(tea.WindowSizeMsg{Width: 20, Height: 5})
	fits(t, screen(m), 20, 5)
	press(t, m, "j", "j", "enter") // open a function while tiny
	fits(t, screen(m), 20, 5)
	press(t, m, "esc")
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	press(t, m, "k", "k")
	out := screen(m)
	fits(t, out, 120, 40)
	if got := ansi.Strip(out); got != before {
		t.Errorf("the screen did not come back after shrinking:\nbefore:\n%s\nafter:\n%s", before, got)
	}
}

func TestResizeStorm(t *testing.T) {
	s := fake.New("us-east-1", 500)
	m := newRoot(t, s, 100, 30)
	press(t, m, "enter") // the function view, with its tabs
	sizes := [][2]int{{0, 0}, {1, 1}, {20, 5}, {300, 100}, {2, 80}, {80, 2}}
	for i := 0; i < 400; i++ {
		sizes = append(sizes, [2]int{1 + (i*37)%240, 1 + (i*53)%90})
	}
	for i, sz := range sizes {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		out := screen(m)
		if sz[0] >= 20 && sz[1] >= 5 && i%10 == 0 {
			fits(t, out, sz[0], sz[1])
		}
		if i == 200 {
			press(t, m, "esc", "/", "p", "a", "y") // the list with a filter open
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	fits(t, screen(m), 100, 30)
}

func TestPasted10MB(t *testing.T) {
	s := fake.New("us-east-1", 100)
	m := newRoot(t, s, 120, 40)
	big := strings.Repeat("x", 10<<20)
	m.Update(tea.PasteMsg{Content: big}) // nothing takes input: ignored
	press(t, m, "/")
	_, cmd := m.Update(tea.PasteMsg{Content: big}) // into the filter
	run(t, m, cmd)
	out := screen(m)
	fits(t, out, 120, 40)
	if len(out) > 1<<20 {
		t.Errorf("a 10 MB paste made a %d-byte frame", len(out))
	}
	press(t, m, "esc", "esc")
	press(t, m, "i") // the invoke pane's payload editor
	_, cmd = m.Update(tea.PasteMsg{Content: "{\"k\":\"" + big + "\"}"})
	run(t, m, cmd)
	out = screen(m)
	fits(t, out, 120, 40)
	if len(out) > 1<<20 {
		t.Errorf("a 10 MB paste in the invoke editor made a %d-byte frame", len(out))
	}
}

// evil holds sequences a terminal would act on: colour, clear screen, a
// window-title OSC ending in BEL, a bare BEL, backspace and carriage return.
const evil = "\x1b[31mEVIL\x1b[2J\x1b]0;pwned\x07\x07\b\r"

// inert fails if any sequence that came from data reaches the frame.
func inert(t *testing.T, where, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b[31mEVIL", "\x1b[2J", "\x1b]0;", "\x07", "\b", "\r"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s: the frame contains %q from data", where, bad)
		}
	}
}

// TestEscapesInDataRenderedInert puts escape sequences into everything a
// user can set on a function in a real (sandbox) account, reads them back
// through the aws layer, and draws every screen.
func TestEscapesInDataRenderedInert(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := 0; i < 3; i++ {
		createFunction(t, srv.URL(), fmt.Sprintf("evil-%d", i), map[string]any{
			"Description": "desc" + evil,
			"Environment": map[string]any{"Variables": map[string]string{"KEY": "value" + evil}},
			"Tags":        map[string]string{"team": "pay" + evil},
		})
	}
	c, err := lambdaops.Open(ctx, lambdaops.Config{Sandbox: true, EndpointURL: srv.URL(), CacheDir: t.TempDir(), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	deps := common.FromSession(c, nil)
	m := ui.New(ui.Options{Deps: deps, Config: config.Default(), Styles: styles.New(true), Version: "test"})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 45})
	run(t, m, m.Init())
	if !strings.Contains(ansi.Strip(screen(m)), "evil-1") {
		t.Fatalf("the sandbox functions are not listed:\n%s", ansi.Strip(screen(m)))
	}
	inert(t, "functions list", screen(m))
	press(t, m, "enter") // function view, config tab
	if !strings.Contains(screen(m), "desc␛[31mEVIL") && !strings.Contains(screen(m), "pay␛[31mEVIL") {
		t.Logf("note: neither description nor tag shown on the config tab:\n%s", ansi.Strip(screen(m)))
	}
	inert(t, "function view", screen(m))
	press(t, m, "x") // reveal env values
	inert(t, "function view, values revealed", screen(m))
	for _, tab := range []string{"2", "3", "4", "5", "1"} {
		press(t, m, tab)
		inert(t, "function view tab "+tab, screen(m))
	}

	// Log lines, as the logs pane ingests them (model.ParseLogEvent).
	p := logs.New(deps, styles.New(true), keymap.Default(), model.Function{Name: "evil-0"})
	p.SetSize(160, 40)
	for i := 0; i < 50; i++ {
		ev := model.LogEvent{Group: "/aws/lambda/evil-0", Stream: "2026/11/26/[1]abc" + evil, Timestamp: fixedNow.Add(time.Duration(i) * time.Second),
			Message: fmt.Sprintf("2026-11-26T15:00:00.000Z\tid-%d\tINFO\tline %s %d", i, evil, i), EventID: fmt.Sprint(i)}
		if i%5 == 0 {
			ev.Message = `{"level":"ERROR","message":"json ` + strings.ReplaceAll(evil, "\x1b", `\u001b`) + `"}`
		}
		p.Ring().Append(model.ParseLogEvent(ev, 0))
	}
	inert(t, "logs pane", p.View())
}

// createFunction creates a function in the sandbox over its Lambda REST API.
func createFunction(t *testing.T, endpoint, name string, extra map[string]any) {
	t.Helper()
	body := map[string]any{"FunctionName": name, "Runtime": "python3.12", "Role": "arn:aws:iam::123456789012:role/r",
		"Handler": "index.handler", "Code": map[string]string{"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/2015-03-31/functions", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=sandbox/20261126/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		out, _ := io.ReadAll(resp.Body)
		t.Fatalf("CreateFunction %s: %d %s", name, resp.StatusCode, out)
	}
}

func TestConfigErrorsNameTheLine(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"bad yaml", "theme: dark\nkeys:\n  global.quit: [q\n", "line"},
		{"unknown setting", "theme: dark\n\ntheme2: x\n", "config.yaml:3:"},
		{"bad duration", "refresh:\n  functions: soon\n", "config.yaml:2:"},
		{"key conflict", "keys:\n  global.quit: j\n", "j"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("config.yaml", []byte(tc.yaml))
			if err == nil {
				if c, e := config.Parse("config.yaml", []byte(tc.yaml)); e == nil {
					_, err = c.KeyMap()
				}
			}
			if err == nil {
				t.Fatalf("no error for %q", tc.yaml)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "goroutine") || strings.Contains(err.Error(), "panic") {
				t.Errorf("error is not a clear message: %q", err)
			}
		})
	}
	// Load names the file too.
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("refresh:\n  metrics: -5x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(path); err == nil || !strings.Contains(err.Error(), "config.yaml") || !strings.Contains(err.Error(), "2") {
		t.Errorf("Load: %v (want the file name and line 2)", err)
	}
}

// panicPane panics when drawn, to exercise the crash report writer.
type panicPane struct{}

func (panicPane) Init() tea.Cmd           { return nil }
func (panicPane) Update(tea.Msg) tea.Cmd  { return nil }
func (panicPane) SetSize(int, int)        {}
func (panicPane) HelpKeys() []key.Binding { return nil }
func (panicPane) View() string            { panic("boom in view") }

func TestSecretsStayOffScreenAndOutOfCrashReports(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAHOSTILEKEY000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "hostile/secret/key/0000000000000000000001")
	t.Setenv("AWS_SESSION_TOKEN", "HOSTILESESSIONTOKEN0001")
	s := fake.New("us-east-1", 20) // env values are "s3cr3t-<name>"
	deps := common.FromSession(s, &fake.Connector{N: 20})
	deps.Now = func() time.Time { return fixedNow }
	screens := map[string]common.ScreenMaker{"boom": func(d common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
		return panicPane{}, nil
	}}
	m := ui.New(ui.Options{Deps: deps, Config: config.Default(), Styles: styles.New(true), Version: "test", Screens: screens})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 45})
	run(t, m, m.Init())
	secrets := []string{"s3cr3t-", "AKIAHOSTILEKEY000001", "hostile/secret/key", "HOSTILESESSIONTOKEN0001"}
	check := func(where, out string) {
		t.Helper()
		for _, sec := range secrets {
			if strings.Contains(out, sec) {
				t.Errorf("%s shows %q", where, sec)
			}
		}
	}
	check("functions list", screen(m))
	press(t, m, "enter")
	check("config tab, values hidden", screen(m))
	press(t, m, "x")
	if !strings.Contains(screen(m), "s3cr3t-") {
		t.Errorf("revealing (x) did not show the env values; the test would prove nothing")
	}
	press(t, m, "x", "esc")

	g := ui.NewGuarded(m)
	g.Dir = t.TempDir()
	_, cmd := m.Update(common.OpenScreenMsg{Name: "boom"})
	run(t, m, cmd)
	func() {
		defer func() { _ = recover() }()
		g.View()
	}()
	if g.Report() == "" {
		t.Fatal("no crash report written")
	}
	data, err := os.ReadFile(g.Report())
	if err != nil {
		t.Fatal(err)
	}
	check("the crash report", string(data))
	if !strings.Contains(string(data), "boom in view") {
		t.Errorf("crash report lacks the panic: %s", data)
	}
}

var _ = errors.New
var _ = context.Background

// TestSecretsStayOutOfLogsAndJournal drives the aws layer against the
// sandbox with recognisable credentials from the environment (the default
// chain, as against AWS), reads, mutates and invokes, then looks for the
// access key, secret, session token, environment values and the payload in
// the debug log, the journal and everything else written to the state and
// cache directories.
func TestSecretsStayOutOfLogsAndJournal(t *testing.T) {
	const (
		keyID   = "AKIAHOSTILEKEY000002"
		secret  = "hostile/secret/key/0000000000000000000002"
		token   = "HOSTILESESSIONTOKEN0002"
		envVal  = "envvalue-HOSTILE-0002"
		payload = "PAYLOAD-HOSTILE-0002"
	)
	t.Setenv("AWS_ACCESS_KEY_ID", keyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", token)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Empty: true, Clock: clock.NewManual(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	createFunction(t, srv.URL(), "secretive", map[string]any{
		"Environment": map[string]any{"Variables": map[string]string{"DB_PASSWORD": envVal}},
	})
	srv.Advance(time.Minute) // Pending → Active
	var logBuf strings.Builder
	var mu sync.Mutex
	cache, state := t.TempDir(), t.TempDir()
	c, err := lambdaops.Open(ctx, lambdaops.Config{EndpointURL: srv.URL(), Region: "us-east-1", CacheDir: cache, StateDir: state,
		Logf: func(f string, a ...any) { mu.Lock(); fmt.Fprintf(&logBuf, f+"\n", a...); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ListFunctions(ctx, func(lambdaops.Page) error { return nil }); err != nil {
		t.Fatal(err)
	}
	d, err := c.GetFunction(ctx, "secretive")
	if err != nil {
		t.Fatal(err)
	}
	if d.Function.Env["DB_PASSWORD"] != envVal {
		t.Fatalf("the env value did not come back (%v); the test would prove nothing", d.Function.Env)
	}
	if _, err := c.Invoke(ctx, model.InvokeRequest{Function: "secretive", Type: model.RequestResponse, Payload: []byte(`{"p":"` + payload + `"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishVersion(ctx, "secretive", "v1"); err != nil {
		t.Fatal(err)
	}
	if err := c.PutReserved(ctx, "secretive", 5); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the snapshot is written in the background
	journal := false
	check := func(where, data string) {
		t.Helper()
		for _, s := range []string{keyID, secret, token, envVal, payload} {
			if strings.Contains(data, s) {
				t.Errorf("%s contains %q", where, s)
			}
		}
	}
	for _, dir := range []string{state, cache} {
		_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			b, _ := os.ReadFile(p)
			if strings.Contains(p, "journal") && len(b) > 0 {
				journal = true
			}
			rel, _ := filepath.Rel(dir, p)
			check(rel, string(b))
			return nil
		})
	}
	if !journal {
		t.Error("no journal written for the mutations; the test would prove nothing")
	}
	mu.Lock()
	check("the debug log", logBuf.String())
	mu.Unlock()
}
