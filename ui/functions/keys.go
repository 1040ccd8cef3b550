package functions

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// handleKey gives the table every key while it captures input (the
// filter, the column chooser), then the pane's own keys, then the
// table's; a key nobody uses says so.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	off, n := m.t.Offset(), m.t.Len()
	if m.t.CapturesInput() {
		q := m.t.Filter()
		cmd, _ := m.t.Update(msg)
		if m.t.Filter() != q {
			cmd = tea.Batch(cmd, m.maybeLookup())
		}
		return tea.Batch(cmd, m.scrolled(off, n))
	}
	l := m.km.List
	switch {
	case key.Matches(msg, l.Open):
		if f, ok := m.Selected(); ok {
			return func() tea.Msg { return common.OpenFunctionMsg{Function: f} }
		}
		return nil
	case key.Matches(msg, l.Copy):
		if f, ok := m.Selected(); ok {
			return tea.Batch(tea.SetClipboard(f.ARN), common.Status("copied "+f.ARN, false))
		}
		return nil
	case key.Matches(msg, m.km.Invoke.Open):
		return m.openScreen("invoke")
	case key.Matches(msg, m.km.Concurrency.Reserved):
		return m.openScreen("concurrency", "--reserved")
	case key.Matches(msg, m.km.Concurrency.Provisioned):
		return m.openScreen("concurrency", "--provisioned")
	}
	cmd, used := m.t.Update(msg)
	if !used {
		return table.NoAction(msg)
	}
	return tea.Batch(cmd, m.scrolled(off, n))
}

// scrolled schedules metrics when other rows came on screen.
func (m *Model) scrolled(off, n int) tea.Cmd {
	if m.t.Offset() != off || m.t.Len() != n {
		return m.scheduleMetrics()
	}
	return nil
}

// openScreen asks the root for a full-screen pane on the selected function
// (invoke, concurrency: the i, R and C keys).
func (m *Model) openScreen(name string, args ...string) tea.Cmd {
	if _, ok := m.Selected(); !ok {
		return common.Status("select a function first", true)
	}
	return func() tea.Msg { return common.OpenScreenMsg{Name: name, Args: args} }
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	l := m.km.List
	return append(m.t.HelpKeys(), l.Open, l.Copy, m.km.Global.Refresh)
}

// FullHelpKeys implements common.FullHelper: ? lists every list key.
func (m *Model) FullHelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	l := m.km.List
	return append(m.t.FullHelpKeys(), l.Open, l.Copy, m.km.Global.Refresh)
}
