// Package deployments is the function view's Deployments tab: the
// function's CodeDeploy history, newest first — when, which alias and
// versions, which config, who started it, and how it ended, with rollbacks
// and the alarm that caused them. The selected deployment's details (error,
// rollback, lifecycle events) show below the list.
//
// AWS is reached only from tea.Cmd closures that capture locals; results
// carry a generation and stale ones are dropped; Close cancels in-flight work.
package deployments

import (
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// HistoryLimit is how many deployments the tab shows.
const HistoryLimit = 50

// Refresh is how often the tab re-reads the history while a deployment runs.
const Refresh = 30 * time.Second

// Model is the Deployments tab.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	fn   model.Function

	w, h int
	// req tracks the history read (kindLoad) and the follow-up tick
	// (kindTick); Close drops every late result.
	req request.Tracker

	loading     bool
	loaded      bool
	err         error
	unsupported bool
	list        []model.Deployment
	t           *table.Model[*model.Deployment] // rows point into list

	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

var (
	_ common.Pane   = (*Model)(nil)
	_ common.Closer = (*Model)(nil)
	_ common.Titled = (*Model)(nil)
)

// New builds the tab for fn (a common.TabMaker).
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) *Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	m := &Model{deps: deps, st: st, km: km, fn: fn, after: tea.Tick}
	m.t = table.New(m.tableConfig(), st, km.List)
	return m
}

// Tab is New as a common.TabMaker.
func Tab(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
	return New(deps, st, km, fn)
}

// Title implements common.Titled.
func (m *Model) Title() string { return "Deployments" }

// Close cancels in-flight work.
func (m *Model) Close() { m.req.Close() }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	return append(m.t.HelpKeys(), m.km.Global.Refresh)
}

// CapturesInput implements common.InputCapturer: the filter and the
// column chooser take every key.
func (m *Model) CapturesInput() bool { return m.t.CapturesInput() }

// Back implements common.BackHandler: esc closes the chooser or clears the
// filter first.
func (m *Model) Back() bool { return m.t.Back() }

// SetFilter applies a filter as if typed.
func (m *Model) SetFilter(s string) { m.t.SetFilter(s) }

var (
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
)

// Deployments returns what the tab shows (tests).
func (m *Model) Deployments() []model.Deployment { return m.list }

type loadedMsg struct {
	gen  uint64
	list []model.Deployment
	err  error
}

type tickMsg struct{ gen uint64 }

const (
	kindLoad request.Kind = "load"
	kindTick request.Kind = "tick"
)

// Init implements common.Pane.
func (m *Model) Init() tea.Cmd { return m.load() }

func (m *Model) load() tea.Cmd {
	cd := m.deps.Deployments()
	if cd == nil {
		m.unsupported, m.loaded = true, true
		return nil
	}
	ctx, gen := m.req.Start(kindLoad)
	m.loading = true
	name := m.fn.Name
	return func() tea.Msg {
		list, err := cd.DeploymentHistory(ctx, name, HistoryLimit)
		return loadedMsg{gen: gen, list: list, err: err}
	}
}

// Update implements common.Pane; it never calls AWS.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if !m.req.Done(kindLoad, msg.gen) {
			return nil
		}
		m.loading, m.loaded = false, true
		if msg.err != nil {
			if errors.Is(msg.err, awsapi.ErrUnsupported) {
				m.unsupported, m.err = true, nil
				return nil
			}
			m.err = msg.err
			return common.Status("CodeDeploy history: "+msg.err.Error(), true)
		}
		m.err = nil
		m.list = msg.list
		rows := make([]*model.Deployment, len(m.list))
		for i := range m.list {
			rows[i] = &m.list[i]
		}
		m.t.SetItems(rows) // the cursor stays on the deployment it was on
		for _, d := range m.list {
			if d.Active() { // follow it while it runs
				gen := m.req.Bump(kindTick)
				return m.after(Refresh, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
			}
		}
		return nil
	case tickMsg:
		if !m.req.Current(kindTick, msg.gen) {
			return nil
		}
		return m.load()
	case common.RefreshMsg:
		if m.unsupported {
			return nil
		}
		return m.load()
	case tea.KeyPressMsg:
		cmd, used := m.t.Update(msg)
		if !used {
			return table.NoAction(msg)
		}
		return cmd
	}
	cmd, _ := m.t.Update(msg) // the wheel, the filter's cursor
	return cmd
}
