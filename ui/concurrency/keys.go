package concurrency

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// ---- keys and size ----

// handleKey: while the filter or the column chooser is open every key is
// theirs (so "/live" never reaches C); then the pane's keys, then the
// table's; a key nobody uses says so.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.t.CapturesInput() {
		cmd, _ := m.t.Update(msg)
		return cmd
	}
	c := m.km.Concurrency
	switch {
	case key.Matches(msg, c.Reserved):
		return m.askReserved()
	case key.Matches(msg, c.Provisioned):
		return m.askProvisioned()
	}
	cmd, used := m.t.Update(msg)
	if !used {
		return table.NoAction(msg)
	}
	return cmd
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.t.CapturesInput() }

// Back implements common.BackHandler: esc clears the filter first.
func (m *Model) Back() bool { return m.t.Back() }

// SetFilter applies a filter as if typed.
func (m *Model) SetFilter(s string) { m.t.SetFilter(s) }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	return append([]key.Binding{m.km.Concurrency.Reserved, m.km.Concurrency.Provisioned}, append(m.t.HelpKeys(), m.km.Global.Refresh)...)
}

// FullHelpKeys implements common.FullHelper: ? lists every key.
func (m *Model) FullHelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	return append([]key.Binding{m.km.Concurrency.Reserved, m.km.Concurrency.Provisioned}, append(m.t.FullHelpKeys(), m.km.Global.Refresh)...)
}

var (
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
	_ common.FullHelper    = (*Model)(nil)
)
