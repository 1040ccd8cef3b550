// Package fnview is the function view: one function with six tabs —
// 1 Config (built here), 2 Aliases, 3 Event sources, 4 Logs, 5 Metrics, 6 Deployments —
// whose panes come from common.TabMaker functions supplied by the root. A
// tab without a maker shows a placeholder. Tabs are built the first time
// they are shown; their commands are addressed to them with an envelope
// (common.Wrap(TabID(i), cmd)) nested inside the root's envelope for this
// view, so results reach only the tab that asked.
package fnview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// NumTabs is the number of tabs.
const NumTabs = 7

// TabNames are the tab titles, in order.
var TabNames = [NumTabs]string{"Config", "Aliases", "Event sources", "Logs", "Metrics", "Alarms", "Deployments"}

// TabID is the envelope address of tab i (0-based).
func TabID(i int) common.PaneID { return common.PaneID(fmt.Sprintf("tab%d", i+1)) }

// Model is the function view.
type Model struct {
	deps   common.Deps
	st     *styles.Styles
	km     keymap.KeyMap
	fn     model.Function
	makers [NumTabs]common.TabMaker
	tabs   [NumTabs]common.Pane
	active int
	w, h   int
}

// New builds the function view for fn. makers[0] is ignored (Config is
// built in); nil makers show a placeholder.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function, makers [NumTabs]common.TabMaker) *Model {
	m := &Model{deps: deps, st: st, km: km, fn: fn, makers: makers}
	m.tabs[0] = newConfig(deps, st, km, fn)
	return m
}

// Function returns the function shown.
func (m *Model) Function() model.Function { return m.fn }

// Active returns the 0-based active tab.
func (m *Model) Active() int { return m.active }

// Tab returns tab i's pane (nil until it has been shown).
func (m *Model) Tab(i int) common.Pane { return m.tabs[i] }

// Init implements common.Pane.
func (m *Model) Init() tea.Cmd {
	return common.Wrap(TabID(0), m.tabs[0].Init())
}

// Show switches to tab i (0-based), building it on first use.
func (m *Model) Show(i int) tea.Cmd {
	if i < 0 || i >= NumTabs {
		return nil
	}
	m.active = i
	if m.tabs[i] != nil {
		return nil
	}
	if m.makers[i] == nil {
		m.tabs[i] = &placeholder{st: m.st, name: TabNames[i]}
	} else {
		m.tabs[i] = m.makers[i](m.deps, m.st, m.km, m.fn)
	}
	m.tabs[i].SetSize(m.w, m.bodyH())
	return common.Wrap(TabID(i), m.tabs[i].Init())
}

func (m *Model) bodyH() int { return max(1, m.h-2) }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.PaneMsg:
		for i := range m.tabs {
			if TabID(i) == msg.Pane && m.tabs[i] != nil {
				return common.Wrap(msg.Pane, m.tabs[i].Update(msg.Msg))
			}
		}
		return nil
	case tea.KeyPressMsg:
		if ic, ok := m.tabs[m.active].(common.InputCapturer); ok && ic.CapturesInput() {
			return m.forward(msg)
		}
		if kc, ok := m.tabs[m.active].(common.KeyClaimer); ok && kc.ClaimsKey(msg) {
			return m.forward(msg) // e.g. R stops a CodeDeploy deployment in the cockpit
		}
		f := m.km.FnView
		switch {
		case key.Matches(msg, f.NextTab):
			return m.Show((m.active + 1) % NumTabs)
		case key.Matches(msg, f.PrevTab):
			return m.Show((m.active + NumTabs - 1) % NumTabs)
		case key.Matches(msg, f.Copy):
			return tea.Batch(tea.SetClipboard(m.fn.ARN), common.Status("copied "+m.fn.ARN, false))
		case key.Matches(msg, m.km.Invoke.Open):
			return openScreen("invoke")
		case key.Matches(msg, m.km.Tune.Open):
			return openScreen("tune")
		case key.Matches(msg, m.km.Concurrency.Reserved):
			return openScreen("concurrency", "--reserved")
		case key.Matches(msg, m.km.Concurrency.Provisioned):
			return openScreen("concurrency", "--provisioned")
		}
		for i, b := range f.Tabs() {
			if key.Matches(msg, b) {
				return m.Show(i)
			}
		}
		return m.forward(msg)
	case tea.MouseClickMsg:
		if msg.Y == 0 {
			if i := m.tabAt(msg.X); i >= 0 {
				return m.Show(i)
			}
			return nil
		}
		msg.Y -= 2
		return m.forward(msg)
	case tea.MouseWheelMsg:
		msg.Y -= 2
		return m.forward(msg)
	}
	return m.forward(msg)
}

func (m *Model) forward(msg tea.Msg) tea.Cmd {
	t := m.tabs[m.active]
	if t == nil {
		return nil
	}
	return common.Wrap(TabID(m.active), t.Update(msg))
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool {
	ic, ok := m.tabs[m.active].(common.InputCapturer)
	return ok && ic.CapturesInput()
}

// Back implements common.BackHandler.
func (m *Model) Back() bool {
	if bh, ok := m.tabs[m.active].(common.BackHandler); ok {
		return bh.Back()
	}
	return false
}

// Title implements common.Titled.
func (m *Model) Title() string { return common.Clean(m.fn.Name) }

// Close implements common.Closer: every tab's in-flight work stops.
func (m *Model) Close() {
	for _, t := range m.tabs {
		if c, ok := t.(common.Closer); ok {
			c.Close()
		}
	}
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	for _, t := range m.tabs {
		if t != nil {
			t.SetSize(w, m.bodyH())
		}
	}
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	keys := []key.Binding{m.km.FnView.NextTab, m.km.FnView.Copy, m.km.Invoke.Open, m.km.Concurrency.Reserved, m.km.Concurrency.Provisioned, m.km.Tune.Open}
	if t := m.tabs[m.active]; t != nil {
		keys = append(t.HelpKeys(), keys...)
	}
	return keys
}

// openScreen asks the root for a full-screen pane on this function (the
// i, R and C keys open invoke and the concurrency ledger).
func openScreen(name string, args ...string) tea.Cmd {
	return func() tea.Msg { return common.OpenScreenMsg{Name: name, Args: args} }
}

// View implements common.Pane.
func (m *Model) View() string {
	bar := m.tabBar()
	rule := m.st.Muted.Render(strings.Repeat("─", max(0, m.w)))
	body := ""
	if t := m.tabs[m.active]; t != nil {
		body = t.View()
	}
	return bar + "\n" + rule + "\n" + body
}

// placeholder stands in for a tab whose pane has not been built yet.
type placeholder struct {
	st   *styles.Styles
	name string
	w, h int
}

func (p *placeholder) Init() tea.Cmd           { return nil }
func (p *placeholder) Update(tea.Msg) tea.Cmd  { return nil }
func (p *placeholder) SetSize(w, h int)        { p.w, p.h = w, h }
func (p *placeholder) HelpKeys() []key.Binding { return nil }
func (p *placeholder) View() string {
	s := p.st.Muted.Render(ansi.Truncate(p.name+": not available in this build yet", p.w, "…"))
	return s + strings.Repeat("\n", max(0, p.h-1))
}
