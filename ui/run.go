package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/internal/startup"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/tune"
)

// Run runs the program until the user quits or ctx ends. A panic anywhere
// in Update, View or a command restores the terminal (Bubble Tea does
// that) and writes a crash report under the XDG state directory; the
// returned error names the report. Reports hold the panic, the stack, the
// version and the target's profile, region and account, never
// credentials or environment variables.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		opts.NoColor = true
	}
	g := NewGuarded(New(opts))
	startup.Mark("ui.New")
	preloadSnapshot(g.m, opts)
	startup.Mark("snapshot preloaded")
	// Lay the screen out at the terminal's size now, so the first frame is
	// drawn with the rows instead of waiting for the program's size message.
	if w, h, err := term.GetSize(os.Stdout.Fd()); err == nil && w > 0 && h > 0 {
		g.m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	}
	startup.Mark("laid out")
	// The colour profile without waiting for `tmux info` (profile.go);
	// options passed in come after, so a caller's own profile wins.
	profile, later := startProfile(os.Stdout, os.Environ())
	p := tea.NewProgram(g, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithColorProfile(profile)}, progOpts...)...)
	if opts.FirstFrame != nil {
		g.afterFirstFrame(ctx, opts.FirstFrame)
	}
	if later != nil {
		// after the first frame: the check competes for the CPU
		g.afterFirstFrame(ctx, func() {
			if full, more := later(); more && ctx.Err() == nil {
				p.Send(tea.ColorProfileMsg{Profile: full})
			}
		})
	}
	startup.Mark("tea.NewProgram")
	_, err := p.Run()
	// A power-tuning run stopped by quitting still restores the function
	// and removes what it made (else the journal offers it at next start).
	if tune.Busy() {
		fmt.Fprintln(os.Stderr, "lambdaops: finishing the power-tuning cleanup (restoring memory, removing aliases and versions)…")
		tune.Drain(2 * time.Minute)
	}
	if path := g.Report(); path != "" {
		return fmt.Errorf("lambdaops crashed; the terminal was restored and a crash report was written to %s", path)
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		return errors.New("lambdaops crashed; the terminal was restored (no crash report could be written)")
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// preloadSnapshot reads the cached fleet before the program starts, so the
// first frame already holds every cached row (the listing then streams
// into it); reading it in a command raced the first network page.
func preloadSnapshot(m *Model, opts Options) {
	if opts.Deps.Fleet == nil || len(m.stack) == 0 {
		return
	}
	f, ok := m.stack[0].pane.(*functions.Model)
	if !ok {
		return
	}
	// No collection while the cache is decoded and laid out: everything
	// allocated here stays live, and a fresh process would otherwise run
	// several collections over it before the first frame.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	fns, taken, ok := opts.Deps.Fleet.Snapshot()
	if !ok {
		fns = nil
	}
	if startup.On() {
		startup.Mark(fmt.Sprintf("snapshot read and decoded (%d functions)", len(fns)))
	}
	f.Preload(fns, taken)
}

// Guarded wraps the root so that any panic writes a crash report before
// Bubble Tea restores the terminal.
type Guarded struct {
	m *Model

	mu     sync.Mutex
	report string

	drawn     chan struct{} // closed once the first frame has been rendered
	drawnOnce sync.Once
	// Dir overrides the report directory (tests).
	Dir string
}

// NewGuarded wraps m.
func NewGuarded(m *Model) *Guarded { return &Guarded{m: m, drawn: make(chan struct{})} }

// afterFirstFrame runs f on its own goroutine once the first frame has
// been rendered, or when ctx ends first.
func (g *Guarded) afterFirstFrame(ctx context.Context, f func()) {
	go func() {
		select {
		case <-g.drawn:
		case <-ctx.Done():
		}
		f()
	}()
}

// Root returns the wrapped model.
func (g *Guarded) Root() *Model { return g.m }

// Report returns the crash report's path, if one was written.
func (g *Guarded) Report() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.report
}

// Init implements tea.Model.
func (g *Guarded) Init() tea.Cmd {
	defer g.recover()
	startup.Mark("Init (tea.Program.Run set the terminal up)")
	return g.wrap(g.m.Init())
}

// Update implements tea.Model.
func (g *Guarded) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer g.recover()
	_, cmd := g.m.Update(msg)
	return g, g.wrap(cmd)
}

// View implements tea.Model.
func (g *Guarded) View() tea.View {
	defer g.recover()
	v := g.m.View()
	g.drawnOnce.Do(func() { close(g.drawn) })
	if firstFrame != nil {
		firstFrame.note(g.m)
	}
	if startup.On() {
		startup.Mark("View")
		if _, n := g.m.fleetCount(); n > 0 {
			startup.Flush()
		}
	}
	return v
}

// firstFrame, set by LAMBDAOPS_FIRST_FRAME=<file>, records when the first
// frame was rendered and when the first frame holding rows was (Unix
// nanoseconds and the row count, one line each) for the warm-start
// benchmark (go run ./bench -only warm). It holds no data from AWS.
var firstFrame = newFrameRecorder(os.Getenv("LAMBDAOPS_FIRST_FRAME"))

type frameRecorder struct {
	path      string
	any, rows bool
}

func newFrameRecorder(path string) *frameRecorder {
	if path == "" {
		return nil
	}
	return &frameRecorder{path: path}
}

func (r *frameRecorder) note(m *Model) {
	if r.rows {
		return
	}
	_, n := m.fleetCount()
	var line string
	switch {
	case n > 0:
		r.rows, r.any = true, true
		line = fmt.Sprintf("rows %d %d\n", time.Now().UnixNano(), n)
	case !r.any:
		r.any = true
		line = fmt.Sprintf("frame %d 0\n", time.Now().UnixNano())
	default:
		return
	}
	if f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
		_, _ = f.WriteString(line)
		f.Close()
	}
}

// fleetCount is the functions pane's row counts (0, 0 without one).
func (m *Model) fleetCount() (shown, total int) {
	if len(m.stack) > 0 {
		if f, ok := m.stack[0].pane.(*functions.Model); ok {
			return f.Count()
		}
	}
	return 0, 0
}

func (g *Guarded) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		defer g.recover()
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(b))
			for i, c := range b {
				out[i] = g.wrap(c)
			}
			return out
		}
		return msg
	}
}

// recover records a panic and re-raises it for Bubble Tea to handle.
func (g *Guarded) recover() {
	r := recover()
	if r == nil {
		return
	}
	g.write(r, debug.Stack())
	panic(r)
}

func (g *Guarded) write(r any, stack []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.report != "" {
		return
	}
	dir := g.Dir
	if dir == "" {
		d, err := config.StateDir()
		if err != nil {
			return
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	now := time.Now().UTC()
	path := filepath.Join(dir, "crash-"+now.Format("20060102-150405")+".txt")
	t := g.m.target
	var b strings.Builder
	fmt.Fprintf(&b, "lambdaops crash report\n\ntime:    %s\nversion: %s\ngo:      %s %s/%s\n", now.Format(time.RFC3339), orDash(g.m.opts.Version), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "target:  profile=%s region=%s account=%s sandbox=%v endpoint=%s\n", t.Profile, t.Region, t.Account, t.Sandbox, t.Endpoint)
	fmt.Fprintf(&b, "screen:  %dx%d\npanes:  ", g.m.w, g.m.h)
	for _, s := range g.m.stack {
		if tt, ok := s.pane.(common.Titled); ok {
			fmt.Fprintf(&b, " %s", tt.Title())
		} else {
			fmt.Fprintf(&b, " %s", s.id)
		}
	}
	fmt.Fprintf(&b, "\n\npanic: %v\n\n%s", r, stack)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return
	}
	g.report = path
}

var _ tea.Model = (*Guarded)(nil)
