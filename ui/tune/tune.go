// Package tune is power tuning from the terminal: choose the sizes, the
// invocations, the payload, the parallelism and the strategy; see the plan
// (invocations, what the run costs, what it creates and removes); run it as
// a background job that can be cancelled; then read the result per size as
// a table and a chart of duration and cost against memory, apply the
// recommended size, or save the run as JSON and CSV.
//
// The run itself is aws.Tune: $LATEST's memory per size, a version and a
// temporary alias each, invocations through the alias, and a cleanup that
// always runs (and is journaled, so a crash is cleaned up at the next start).
package tune

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/invoke"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Options tune the pane (tests inject the event store).
type Options struct {
	Events  invoke.Events
	History *invoke.History // the invoke editor's results: its last payload is offered first
}

type stage int

const (
	stageForm stage = iota
	stageRunning
	stageDone
)

const (
	kindInfo  request.Kind = "info"
	kindRuns  request.Kind = "runs"
	kindApply request.Kind = "apply"
	kindSave  request.Kind = "save"
)

// Form fields, in order.
const (
	fieldSizes = iota
	fieldPerSize
	fieldPayload
	fieldParallel
	fieldARM
	fieldStrategy
	fieldWeight
	numFields
)

var fieldNames = [numFields]string{"memory sizes (MB)", "invocations per size", "payload", "parallelism", "also price arm64", "strategy", "cost weight (balanced)"}

type payload struct {
	name string
	body []byte
}

// Model is the power-tuning pane for one function.
type Model struct {
	deps   common.Deps
	st     *styles.Styles
	km     keymap.KeyMap
	fn     model.Function
	target model.Target
	opt    Options
	tuner  awsapi.Tuner
	req    request.Tracker
	w, h   int

	// options
	o         model.TuneOptions
	sizesText string
	payloads  []payload
	payIdx    int
	fixed     int // payloads before the saved events
	field     int
	maxPar    int

	// what was read before the plan
	cfg      model.Function
	info     bool
	blockers []string
	// jobBlockers are running jobs of this program that own the function.
	jobBlockers []string
	monthly     float64
	avgDur      time.Duration
	infoErr     error

	stage    stage
	plan     model.TunePlan
	prog     model.TuneProgress
	results  []model.SizeResult
	feed     *feed
	cancel   context.CancelFunc
	jobGen   uint64
	run      *model.TuneRun
	runErr   error
	saved    []string
	applied  string
	past     []model.TuneRun
	showPast bool

	tbl *table.Model[*model.SizeResult]
}

// Screen opens the pane: ":tune <function>" or T in the function view.
func Screen(opt Options) common.ScreenMaker {
	return func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
		fn, err := sc.FunctionArg(sc.Args, "tune")
		if err != nil {
			return nil, err
		}
		tu, ok := deps.Fleet.(awsapi.Tuner)
		if !ok {
			return nil, errors.New("power tuning is not available in this session (read-only, or an endpoint lambdaops cannot tune)")
		}
		m := New(deps, st, km, fn, sc.Target, tu, opt)
		m.jobBlockers = JobBlockers(fn.Name, sc.Jobs)
		return m, nil
	}
}

// JobBlockers names the running jobs that own function: a guarded canary
// plan ("plan:<function>:<alias>") or another tuning run.
func JobBlockers(function string, jobs []string) []string {
	var out []string
	for _, id := range jobs {
		if a, ok := strings.CutPrefix(id, "plan:"+function+":"); ok {
			out = append(out, "a canary plan on alias "+a+" owns the function")
		}
		if id == "tune:"+function {
			out = append(out, "this function is already being tuned")
		}
	}
	return out
}

// New builds the pane.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function, target model.Target, tu awsapi.Tuner, opt Options) *Model {
	o, _ := model.TuneOptions{Function: fn.Name}.Normalize()
	m := &Model{deps: deps, st: st, km: km, fn: fn, target: target, opt: opt, tuner: tu, o: o,
		sizesText: joinSizes(o.Sizes), maxPar: 1,
		payloads: []payload{{name: "{} (empty event)", body: []byte("{}")}}}
	for _, t := range invoke.Templates {
		m.payloads = append(m.payloads, payload{name: "template: " + t.Name, body: []byte(t.Body)})
	}
	m.fixed = len(m.payloads)
	if opt.History != nil {
		hs := opt.History.List(fn.Name)
		for i := len(hs) - 1; i >= 0; i-- {
			if e := hs[i]; e.Payload != nil && e.Type != model.Event {
				m.payloads = append(m.payloads, payload{name: fmt.Sprintf("invoke editor: last sent (%d bytes)", len(e.Payload)), body: e.Payload})
				m.fixed = len(m.payloads)
				m.payIdx = m.fixed - 1
				break
			}
		}
	}
	m.tbl = table.New(table.Config[*model.SizeResult]{
		Columns: resultColumns(),
		Key:     func(r *model.SizeResult) string { return strconv.Itoa(r.MemoryMB) },
		Empty:   "no size measured yet",
	}, st, km.List)
	return m
}

func joinSizes(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}

// Title implements common.Titled.
func (m *Model) Title() string { return "tune " + m.fn.Name }

// Init reads the function's configuration, what owns it, its concurrency
// and traffic, the saved test events and past runs.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.loadInfo(), m.loadRuns()) }

// Close implements common.Closer: the root asks first while a run is going
// on; closing cancels it, and its cleanup still runs (journaled: if the
// program exits first, the next start offers to finish it).
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
	}
	m.req.Close()
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.tbl.CapturesInput() }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	k := m.km.Tune
	switch m.stage {
	case stageRunning:
		return []key.Binding{k.Cancel, k.Runs}
	case stageDone:
		return []key.Binding{k.Apply, k.Save, k.Plan, k.Runs}
	}
	return []key.Binding{k.Edit, k.Cycle, k.Plan, k.Runs}
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// running counts the tuning jobs of this process, so that the program,
// once its window is gone, can let a cancelled run finish its cleanup
// (Drain) instead of leaving it to the next start. Process-wide by nature:
// the jobs outlive the panes that started them.
var (
	running sync.WaitGroup
	active  atomic.Int64
)

// Busy reports whether a tuning job of this process is still running.
func Busy() bool { return active.Load() > 0 }

// Drain waits up to timeout for running tuning jobs (cancelled by their
// pane's Close) to finish their cleanup; it reports whether they did.
func Drain(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { running.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}
