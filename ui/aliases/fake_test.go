package aliases

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// canaryFake extends the shared counting fake with what the cockpit needs:
// versions, aliases with revisions enforced like Lambda's, provisioned
// concurrency, per-version metric series and a journal.
type canaryFake struct {
	*fake.Session

	mu        sync.Mutex
	calls     map[string]int
	fn        model.Function
	versions  []model.Version
	aliases   []model.Alias
	prov      []model.ProvisionedConfig
	rev       int
	unchanged bool // PublishVersion answers with the newest version, as Lambda does for an unchanged $LATEST
	journal   []model.JournalEntry
	updates   []sentUpdate
	// series gives the values of one query for the minutes start..end.
	series func(q model.MetricQuery, start, end time.Time) model.MetricSeries
	// beforeUpdate runs inside UpdateAlias before the revision check: a
	// change made "by someone else" between read and write.
	beforeUpdate func(f *canaryFake)
	updateErr    error
}

type sentUpdate struct {
	revision string
	version  string
	routing  model.Routing
}

const role = "arn:aws:iam::123456789012:role/checkout"
const dlq = "arn:aws:sqs:us-east-1:123456789012:checkout-dlq"

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func newCanaryFake() *canaryFake {
	s := fake.New("us-east-1", 0)
	fn := model.Function{Name: "checkout-api", ARN: "arn:aws:lambda:us-east-1:123456789012:function:checkout-api",
		Runtime: "nodejs20.x", MemoryMB: 512, TimeoutSec: 3, Role: role, DLQTarget: dlq, State: "Active", LastUpdateStatus: "Successful"}
	s.Fns = []model.Function{fn}
	v := func(n, desc, sha string, age time.Duration) model.Version {
		return model.Version{Function: fn.Name, Version: n, Description: desc, CodeSHA256: sha, LastModified: t0.Add(-age),
			Runtime: "nodejs20.x", MemoryMB: 512, TimeoutSec: 3, Role: role, DLQTarget: dlq}
	}
	f := &canaryFake{
		Session: s,
		calls:   map[string]int{},
		fn:      fn,
		versions: []model.Version{
			v("$LATEST", "", "9f86d081884c7d65", 0),
			v("6", "first cut", "1b4f0e9851971998", 72*time.Hour),
			v("7", "stable: retry budget", "60303ae22b998861", 48*time.Hour),
			v("8", "canary: new pricing client", "fd61a03af4f77d87", 2*time.Hour),
		},
		aliases: []model.Alias{
			{Function: fn.Name, Name: "beta", Version: "8", RevisionID: "b-1"},
			{Function: fn.Name, Name: "live", Version: "7", Routing: model.Routing{AdditionalVersion: "8", Weight: 0.1}, RevisionID: "r-1"},
		},
		prov: []model.ProvisionedConfig{{Function: fn.Name, Qualifier: "live", Requested: 50, Allocated: 50, Available: 50, Status: "READY"}},
		rev:  1,
	}
	f.series = failingCanary
	return f
}

// failingCanary: v7 serves ~100/min with rare errors; v8 ~11/min failing ~9%.
func failingCanary(q model.MetricQuery, start, end time.Time) model.MetricSeries {
	return genSeries(q, start, end, func(i int) float64 {
		canary := q.ExecutedVersion == "8"
		switch q.Metric + "/" + q.Stat {
		case "Invocations/Sum":
			if canary {
				return float64(10 + i%3)
			}
			return float64(95 + (i*7)%11)
		case "Errors/Sum":
			if canary {
				return float64(1 - (i%5)/4) // 1 most minutes
			}
			return float64((i % 10) / 9)
		case "Duration/p50":
			if canary {
				return float64(110 + i%4*5)
			}
			return float64(80 + i%3*4)
		case "Duration/p99":
			if canary {
				return float64(1500 + (i%6)*100)
			}
			return float64(300 + (i%5)*20)
		}
		return 0
	})
}

// healthyCanary: both versions clean.
func healthyCanary(q model.MetricQuery, start, end time.Time) model.MetricSeries {
	return genSeries(q, start, end, func(i int) float64 {
		switch q.Metric + "/" + q.Stat {
		case "Invocations/Sum":
			return 50
		case "Duration/p50":
			return 80
		case "Duration/p99":
			return 300
		}
		return 0
	})
}

func genSeries(q model.MetricQuery, start, end time.Time, f func(i int) float64) model.MetricSeries {
	s := model.MetricSeries{Query: q}
	for i, t := 0, start; t.Before(end); i, t = i+1, t.Add(time.Minute) {
		s.Timestamps = append(s.Timestamps, t)
		s.Values = append(s.Values, f(int(t.Sub(t0)/time.Minute)+1000))
	}
	return s
}

func (f *canaryFake) count(op string) {
	f.mu.Lock()
	f.calls[op]++
	f.mu.Unlock()
}

// total is every AWS call made, through this fake or the embedded one.
func (f *canaryFake) total() int {
	f.mu.Lock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	f.mu.Unlock()
	return n + f.Session.Calls("")
}

func (f *canaryFake) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op] + f.Session.Calls(op)
}

func (f *canaryFake) GetFunction(ctx context.Context, name string) (model.FunctionDetail, error) {
	f.count("GetFunction")
	f.mu.Lock()
	defer f.mu.Unlock()
	return model.FunctionDetail{Function: f.fn}, nil
}

func (f *canaryFake) ListVersions(ctx context.Context, function string) ([]model.Version, error) {
	f.count("ListVersions")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.Version(nil), f.versions...), nil
}

func (f *canaryFake) ListAliases(ctx context.Context, function string) ([]model.Alias, error) {
	f.count("ListAliases")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.Alias(nil), f.aliases...), nil
}

func (f *canaryFake) GetAlias(ctx context.Context, function, name string) (model.Alias, error) {
	f.count("GetAlias")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.aliases {
		if a.Name == name {
			return a, nil
		}
	}
	return model.Alias{}, fmt.Errorf("ResourceNotFoundException: alias %s", name)
}

func (f *canaryFake) ListProvisioned(ctx context.Context, function string) ([]model.ProvisionedConfig, error) {
	f.count("ListProvisioned")
	return f.prov, nil
}

// set changes an alias as another operator would, bumping its revision.
func (f *canaryFake) set(name, version string, r model.Routing) {
	for i := range f.aliases {
		if f.aliases[i].Name == name {
			f.rev++
			f.aliases[i].Version, f.aliases[i].Routing = version, r
			f.aliases[i].RevisionID = fmt.Sprintf("%s-%d", name[:1], f.rev)
		}
	}
}

func state(a model.Alias) map[string]any {
	m := map[string]any{"version": a.Version}
	if a.Routing.Active() {
		m["additionalVersion"], m["weight"] = a.Routing.AdditionalVersion, a.Routing.Weight
	}
	return m
}

func (f *canaryFake) UpdateAlias(ctx context.Context, current model.Alias, version string, routing model.Routing) (model.Alias, error) {
	f.count("UpdateAlias")
	if f.beforeUpdate != nil {
		hook := f.beforeUpdate
		f.beforeUpdate = nil
		f.mu.Lock()
		hook(f)
		f.mu.Unlock()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, sentUpdate{revision: current.RevisionID, version: version, routing: routing})
	if f.updateErr != nil {
		return model.Alias{}, f.updateErr
	}
	for i := range f.aliases {
		a := f.aliases[i]
		if a.Name != current.Name {
			continue
		}
		if a.RevisionID != current.RevisionID {
			return model.Alias{}, &aws.ConflictError{Current: a}
		}
		before := a
		f.set(a.Name, version, routing)
		after := f.aliases[i]
		f.journal = append(f.journal, model.JournalEntry{Time: t0, Action: "UpdateAlias", Target: f.fn.Name + ":" + a.Name,
			Before: state(before), After: state(after), RevisionBefore: before.RevisionID, RevisionAfter: after.RevisionID, Result: "ok"})
		return after, nil
	}
	return model.Alias{}, fmt.Errorf("ResourceNotFoundException: alias %s", current.Name)
}

func (f *canaryFake) CreateAlias(ctx context.Context, a model.Alias) (model.Alias, error) {
	f.count("CreateAlias")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rev++
	a.RevisionID = fmt.Sprintf("c-%d", f.rev)
	f.aliases = append(f.aliases, a)
	return a, nil
}

func (f *canaryFake) PublishVersion(ctx context.Context, function, description string) (model.Version, error) {
	f.count("PublishVersion")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unchanged {
		v := f.versions[len(f.versions)-1]
		v.Reused = true
		return v, nil
	}
	v := f.versions[0]
	v.Version = fmt.Sprint(len(f.versions) + 5)
	v.Description = description
	f.versions = append(f.versions, v)
	return v, nil
}

func (f *canaryFake) GetMetrics(ctx context.Context, qs []model.MetricQuery, start, end time.Time) ([]model.MetricSeries, error) {
	f.count("GetMetrics")
	out := make([]model.MetricSeries, len(qs))
	for i, q := range qs {
		out[i] = f.series(q, start, end)
	}
	return out, nil
}

func (f *canaryFake) Last(target string) (model.JournalEntry, bool) {
	f.count("JournalLast")
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.journal) - 1; i >= 0; i-- {
		if f.journal[i].Target == target && f.journal[i].Result == "ok" {
			return f.journal[i], true
		}
	}
	return model.JournalEntry{}, false
}

// ---- harness ----------------------------------------------------------------

// manualClock is the test's clock.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// harness drives the pane with panetest.Harness (the one command pump of
// the ui tests): dialogs stacked, statuses and jobs recorded, ticks held to
// be delivered by hand. It fails the test if Update or View calls AWS.
type harness struct {
	*panetest.Harness
	t       *testing.T
	m       *Model
	fleet   aws.Fleet
	metrics aws.Metrics
	total   func() int
	clock   *manualClock
}

// checked is the pane as the harness sees it: every Update and the View
// after it must not call AWS.
type checked struct {
	*Model
	h *harness
}

func (c checked) Update(msg tea.Msg) tea.Cmd {
	c.h.t.Helper()
	before := c.h.total()
	cmd := c.Model.Update(msg)
	if after := c.h.total(); after != before {
		c.h.t.Fatalf("Update(%T) made %d AWS calls", msg, after-before)
	}
	_ = c.Model.View()
	if after := c.h.total(); after != before {
		c.h.t.Fatalf("View made AWS calls")
	}
	return cmd
}

func newHarness(t *testing.T, f *canaryFake, protection model.Protection) *harness {
	t.Helper()
	f.Session.T.Protection = protection
	clock := &manualClock{now: t0}
	deps := common.Deps{Fleet: f, Metrics: f, Logs: f, Journal: f, Now: clock.Now}
	h := &harness{t: t, fleet: f, metrics: f, total: f.total, clock: clock}
	h.m = New(deps, styles.New(true), keymap.Default(), f.fn)
	h.m.after = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return heldTick{msg: fn(time.Time{})} }
	}
	h.attach()
	h.m.SetSize(100, 30)
	h.run(h.m.Init())
	return h
}

type heldTick struct{ msg tea.Msg }

// attach puts h.m under a panetest.Harness that holds ticks.
func (h *harness) attach() {
	h.Harness = panetest.New(h.t, checked{h.m, h})
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(heldTick); return ok }
}

// send delivers msg to the pane and runs what it returns.
func (h *harness) send(msg tea.Msg) { h.t.Helper(); h.Deliver(msg) }

func (h *harness) run(cmd tea.Cmd) { h.t.Helper(); h.Run(cmd) }

// press sends keys to the open dialog if there is one, else to the pane.
func (h *harness) press(keys ...string) { h.t.Helper(); h.Press(keys...) }

// typeText types into the open dialog.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.press(string(r))
	}
}

func (h *harness) dialogView() string {
	h.t.Helper()
	if len(h.Dialogs) == 0 {
		h.t.Fatalf("no dialog open; statuses: %v", h.Statuses)
	}
	return plain(h.Dialogs[len(h.Dialogs)-1].View(100, 30))
}

// clearInput empties a prompt's prefilled value.
func (h *harness) clearInput() {
	for i := 0; i < 60; i++ {
		h.press("backspace")
	}
}

func (h *harness) lastStatus() common.StatusMsg {
	if len(h.Statuses) == 0 {
		return common.StatusMsg{}
	}
	return h.Statuses[len(h.Statuses)-1]
}

// ticks are the held ticks, not yet delivered.
func (h *harness) ticks() []tea.Msg {
	var out []tea.Msg
	for _, m := range h.Held {
		out = append(out, m.(heldTick).msg)
	}
	return out
}

// deliverTicks sends every held tick once (the ones they re-arm are held again).
func (h *harness) deliverTicks() {
	ticks := h.ticks()
	h.Held = nil
	for _, t := range ticks {
		h.send(t)
	}
}

// plain strips styling for assertions.
func plain(s string) string { return ansi.Strip(s) }

// ascii renders s as a terminal with the ASCII colour profile would (for goldens).
func ascii(s string) string {
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.Ascii}
	_, _ = w.WriteString(s)
	return b.String()
}

func (h *harness) view() string { return plain(h.m.View()) }

// afterLine returns the text after "after   " in a confirmation.
func afterLine(view string) string {
	for _, l := range strings.Split(view, "\n") {
		l = strings.Trim(l, "│ ")
		if strings.HasPrefix(l, "after   ") {
			return strings.TrimSpace(strings.TrimPrefix(l, "after   "))
		}
	}
	return ""
}
