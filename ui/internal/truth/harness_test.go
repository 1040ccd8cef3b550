package truth_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/truth"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// world is one sandbox run: the demo fleet with its incidents, traffic on
// a manual clock, every simulated record kept by rec.
type world struct {
	t      *testing.T
	srv    *sandbox.Server
	client *aws.Client
	rec    *truth.Recorder
	deps   common.Deps
	st     *styles.Styles
	km     keymap.KeyMap
	window time.Duration
}

func start(t *testing.T, window time.Duration) *world {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the sandbox with traffic")
	}
	clk := clock.NewManual(time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC))
	rec := &truth.Recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := sandbox.Start(ctx, sandbox.Options{Clock: clk, Traffic: true, Seed: 1, Backfill: window + 10*time.Minute, Record: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	// live (unsampled) traffic after the backfill, in whole minutes so the
	// window's edges are minute edges
	srv.Advance(5 * time.Minute)
	d := t.TempDir()
	c, err := aws.Open(ctx, aws.Config{Sandbox: true, EndpointURL: srv.URL(), Now: clk.Now,
		CacheDir: filepath.Join(d, "cache"), StateDir: filepath.Join(d, "state")})
	if err != nil {
		t.Fatal(err)
	}
	deps := common.FromSession(c, nil)
	deps.Now, deps.Window = clk.Now, window
	return &world{t: t, srv: srv, client: c, rec: rec, deps: deps, st: styles.NewPlain(), km: keymap.Default(), window: window}
}

// span is the window every pane must be showing now.
func (w *world) span() (time.Time, time.Time) {
	return model.WindowRange(w.srv.Clock().Now(), w.window)
}

func (w *world) truth(f truth.Filter) truth.Figures {
	s, e := w.span()
	return w.rec.Window(f, s, e)
}

// driver runs a pane as the root would, but with every command on its own
// goroutine: timers (refresh ticks) simply never fire within the test,
// and the test waits for what the screen shows, not for a duration.
type driver struct {
	t        *testing.T
	pane     common.Pane
	ch       chan tea.Msg
	statuses []string
}

func drive(t *testing.T, p common.Pane, w, h int) *driver {
	p.SetSize(w, h)
	d := &driver{t: t, pane: p, ch: make(chan tea.Msg, 4096)}
	d.run(p.Init())
	return d
}

var teaPkg = reflect.TypeOf(tea.BatchMsg{}).PkgPath()

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { d.ch <- cmd() }()
}

func (d *driver) deliver(msg tea.Msg) {
	switch m := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range m {
			d.run(c)
		}
		return
	case common.PaneMsg:
		d.deliver(m.Msg)
		return
	case common.StatusMsg:
		d.statuses = append(d.statuses, m.Text)
		return
	case common.JobMsg, common.OpenDialogMsg, common.OpenScreenMsg, common.OpenFunctionMsg:
		return
	}
	if reflect.TypeOf(msg).PkgPath() == teaPkg {
		return
	}
	d.run(d.pane.Update(msg))
}

// until delivers messages until done holds. The deadline only turns a
// hang into a failure; nothing depends on how fast it goes.
func (d *driver) until(what string, done func(view string) bool) string {
	d.t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		v := ansi.Strip(d.pane.View())
		if done(v) {
			return v
		}
		select {
		case msg := <-d.ch:
			d.deliver(msg)
		case <-deadline:
			d.t.Fatalf("%s: never happened; the screen:\n%s\nstatuses: %v", what, v, d.statuses)
		}
	}
}

// ---- reading figures off the screen -------------------------------------

// line is the first line of view containing all of subs.
func line(view string, subs ...string) (string, bool) {
	for _, l := range strings.Split(view, "\n") {
		ok := true
		for _, s := range subs {
			if !strings.Contains(l, s) {
				ok = false
				break
			}
		}
		if ok {
			return l, true
		}
	}
	return "", false
}

// rowFields is the row of a table whose first field (after a tier mark)
// is name, split on spaces.
func rowFields(view, name string) []string {
	for _, l := range strings.Split(view, "\n") {
		f := strings.Fields(l)
		for len(f) > 0 && (f[0] == "●" || f[0] == "▲" || f[0] == "◆" || f[0] == "▸" || f[0] == ">") {
			f = f[1:]
		}
		if len(f) > 0 && f[0] == name {
			return f
		}
	}
	return nil
}

// headerIndex maps a table header's titles to their field index.
func headerIndex(view, first string) map[string]int {
	for _, l := range strings.Split(view, "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && strings.TrimRight(f[0], "↑↓") == first {
			out := map[string]int{}
			for i, h := range f {
				out[strings.TrimRight(h, "↑↓")] = i // the sorted column carries an arrow
			}
			return out
		}
	}
	return nil
}

const noData = "—"

// count parses a count cell: 950, 9,500, 12k, 1.2M; the tolerance is half
// its last digit.
func count(s string) (v, tol float64, err error) {
	s = strings.ReplaceAll(s, ",", "")
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, strings.TrimSuffix(s, "M")
	}
	v, err = strconv.ParseFloat(s, 64)
	return v * mult, halfULP(s) * mult, err
}

// halfULP is half a unit of the last digit written in s.
func halfULP(s string) float64 {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return 0.5 * math.Pow(10, -float64(len(s)-i-1))
	}
	return 0.5
}

// percent parses "7.3%" or "7.3": the value and half its last digit.
func percent(s string) (v, tol float64, err error) {
	s = strings.TrimSuffix(s, "%")
	v, err = strconv.ParseFloat(s, 64)
	return v, halfULP(s), err
}

// duration parses 850ms, 27.1s, 14.5m, 1.4h into milliseconds and half
// its last digit.
func duration(s string) (ms, tol float64, err error) {
	units := []struct {
		suf string
		ms  float64
	}{{"ms", 1}, {"s", 1000}, {"m", 60_000}, {"h", 3_600_000}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suf); ok {
			v, err := strconv.ParseFloat(n, 64)
			return v * u.ms, halfULP(n) * u.ms, err
		}
	}
	return 0, 0, fmt.Errorf("not a duration: %q", s)
}

// HistogramError is the sandbox's documented percentile precision: the
// log-linear histogram has 32 sub-buckets per power of two (relative error
// under 1.6%); 2% leaves room for the bucket midpoint.
const HistogramError = 0.02

// check compares a figure read off a screen with the truth.
type check struct {
	t     *testing.T
	where string
}

func (c check) near(what string, shown, tol, want float64) {
	c.t.Helper()
	c.t.Logf("%s %s: screen %v, records %v (±%.4g)", c.where, what, shown, want, tol)
	if math.Abs(shown-want) > tol+1e-9 {
		c.t.Errorf("%s %s: screen %v, records %v (allowed ±%v)", c.where, what, shown, want, tol)
	}
}

// countCell checks a count cell.
func (c check) countCell(what, cell string, want float64) {
	c.t.Helper()
	v, tol, err := count(cell)
	if err != nil {
		c.t.Errorf("%s %s: %q is not a count", c.where, what, cell)
		return
	}
	c.near(what, v, tol, want)
}

// rateCell checks an error-rate cell (percent), or — without invocations.
func (c check) rateCell(what, cell string, f truth.Figures) {
	c.t.Helper()
	if f.Invocations == 0 {
		if cell != noData {
			c.t.Errorf("%s %s: %q without invocations, want %s", c.where, what, cell, noData)
		}
		return
	}
	v, tol, err := percent(cell)
	if err != nil {
		c.t.Errorf("%s %s: %q is not a percentage", c.where, what, cell)
		return
	}
	c.near(what, v, tol, 100*f.ErrorRate())
}

// msCell checks a duration cell against a percentile in milliseconds (NaN:
// no invocations, so the cell must read —).
func (c check) msCell(what, cell string, want float64) {
	c.t.Helper()
	if math.IsNaN(want) {
		if cell != noData {
			c.t.Errorf("%s %s: %q without invocations, want %s", c.where, what, cell, noData)
		}
		return
	}
	v, tol, err := duration(cell)
	if err != nil {
		c.t.Errorf("%s %s: %v", c.where, what, err)
		return
	}
	c.near(what, v, tol+HistogramError*want, want)
}

func fmtSscanf(s, f string, a ...any) (int, error) { return fmt.Sscanf(s, f, a...) }
