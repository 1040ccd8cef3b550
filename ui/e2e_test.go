package ui

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/internal/sandboxtest"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
)

// probe wraps the root and keeps the last rendered screen (plain text) so
// the test can wait on what a user would see, independently of how the
// renderer diffs its output.
type probe struct {
	m      *Model
	mu     sync.Mutex
	screen string
}

func (p *probe) Init() tea.Cmd { return p.m.Init() }
func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, cmd := p.m.Update(msg)
	p.screen = ansi.Strip(p.m.render())
	return p, cmd
}
func (p *probe) View() tea.View {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m.View()
}

// with runs f while the program cannot touch the model (the test reads
// the model from its own goroutine).
func (p *probe) with(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

func (p *probe) waitFor(t *testing.T, what string, cond func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		s := p.screen
		p.mu.Unlock()
		if cond(s) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Fatalf("timed out waiting for %s; screen:\n%s", what, p.screen)
}

func contains(sub ...string) func(string) bool {
	return func(s string) bool {
		for _, x := range sub {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	}
}

// startE2E runs the whole program at w×h against a sandbox started with o,
// through a real aws client; everything stops when t ends. It skips under
// -short.
func startE2E(t *testing.T, o sandbox.Options, w, h int) (*aws.Client, *Model, *probe, *teatest.TestModel) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the sandbox")
	}
	srv := sandboxtest.Start(t, o)
	// the aws layer writes its snapshot cache in the background, possibly
	// after the test ends: a directory removed best-effort, not t.TempDir
	dir, err := os.MkdirTemp("", "lambdaops-e2e")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	client, err := aws.Open(context.Background(), aws.Config{Sandbox: true, EndpointURL: srv.URL(), Region: "us-east-1",
		CacheDir: filepath.Join(dir, "cache"), StateDir: filepath.Join(dir, "state")})
	if err != nil {
		t.Fatal(err)
	}
	root := New(Options{Deps: common.FromSession(client, client), Config: config.Default(), Version: "e2e"})
	p := &probe{m: root}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return client, root, p, tm
}

func TestE2EAgainstSandbox(t *testing.T) {
	_, root, p, tm := startE2E(t, sandbox.Options{Functions: 40, Seed: 7}, 120, 40)

	// start: the whole fleet is listed, the header says SANDBOX
	p.waitFor(t, "the fleet", contains("functions 40/40", "SANDBOX", "us-east-1"))

	// filter
	var sel model.Function
	p.with(func() { sel, _ = root.stack[0].pane.(*functions.Model).Selected() })
	prefix := sel.Name[:4]
	tm.Type("/" + prefix)
	p.waitFor(t, "the filter", contains("/"+prefix))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})

	// sort by runtime, then by memory
	tm.Type("ss")
	p.waitFor(t, "the sort", contains("sort mem"))

	// open a function and read its config
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.waitFor(t, "the config tab", contains("1 Config", "Handler", "Environment", "values hidden"))
	tm.Type("G")
	p.waitFor(t, "the end of the config", contains("Triggers", "Tags"))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	p.waitFor(t, "back to the list", contains("sort mem"))

	// switch region
	tm.Type(":region eu-west-1")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.waitFor(t, "the new region", func(s string) bool {
		first := strings.SplitN(s, "\n", 2)[0]
		return strings.Contains(first, "eu-west-1") && strings.Contains(s, "switched to")
	})

	// quit
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*probe)
	if fm.m.Target().Region != "eu-west-1" {
		t.Fatalf("final region %s", fm.m.Target().Region)
	}
	if _, ok := fm.m.Focused().(*fnview.Model); ok {
		t.Fatal("still in the function view")
	}
}

// TestFlowResizeMouseJobsQuit drives the program with the counting fake:
// resize below the minimum and back, click a row, open it with enter, a
// running job makes q ask first, y quits.
func TestFlowResizeMouseJobsQuit(t *testing.T) {
	s := fake.New("eu-central-1", 50)
	root := New(Options{Deps: common.FromSession(s, nil), Config: config.Default()})
	p := &probe{m: root}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	p.waitFor(t, "the fleet", contains("functions 50/50", "eu-central-1"))

	tm.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	p.waitFor(t, "the size message", contains("needs at least 60×15"))
	tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	p.waitFor(t, "the table again", contains("functions 50/50"))

	// header (1) + title (1) + column header (1): the 3rd row is at y=5
	tm.Send(tea.MouseClickMsg{X: 4, Y: 5, Button: tea.MouseLeft})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.waitFor(t, "the function view", contains("1 Config", "› "))

	tm.Send(common.PaneMsg{Pane: "fn#1", Msg: common.JobMsg{ID: "plan", Label: "canary", Progress: 0.5, Blocking: true}})
	p.waitFor(t, "the job", contains("canary", "50%"))
	tm.Type("q")
	p.waitFor(t, "the quit question", contains("Quit and stop running jobs?"))
	tm.Type("y")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*probe)
	v, ok := fm.m.Focused().(*fnview.Model)
	if !ok {
		t.Fatalf("focused %T", fm.m.Focused())
	}
	var names []string
	for _, f := range fake.Functions(50, "eu-central-1") {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	if v.Function().Name != names[2] {
		t.Fatalf("opened %s, the clicked row is %s", v.Function().Name, names[2])
	}
}
