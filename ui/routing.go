package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/scroll"
)

// ---- routing: input by mode (dialog › palette › help › text input › global › focused pane), then results addressed to one pane ----

func (m *Model) updateFocused(msg tea.Msg) tea.Cmd {
	top := m.stack[len(m.stack)-1]
	return common.Wrap(top.id, top.pane.Update(msg))
}

func (m *Model) updateDialog(msg tea.Msg) tea.Cmd {
	top := m.dialogs[len(m.dialogs)-1]
	act, cmd := top.d.Update(msg)
	switch a := act.(type) {
	case common.ActionClose:
		m.dialogs = m.dialogs[:len(m.dialogs)-1]
	case common.ActionRun:
		m.dialogs = m.dialogs[:len(m.dialogs)-1]
		return tea.Batch(cmd, common.WrapPath(top.path, a.Cmd))
	case common.ActionAwait:
		m.dialogs[len(m.dialogs)-1].awaiting = true
		return tea.Batch(cmd, common.WrapPath(top.path, a.Cmd))
	}
	return cmd
}

// resolveDialog applies a pane's answer to the awaiting dialog it opened:
// nil closes it, an error stays inline in it. An answer for a dialog the user
// already closed is dropped (the pane reports errors in the footer too).
func (m *Model) resolveDialog(path []common.PaneID, err error) {
	for i := len(m.dialogs) - 1; i >= 0; i-- {
		d := m.dialogs[i]
		if !d.awaiting || !samePath(d.path, path) {
			continue
		}
		if err == nil {
			m.dialogs = append(m.dialogs[:i], m.dialogs[i+1:]...)
			return
		}
		m.dialogs[i].awaiting = false
		if es, ok := d.d.(common.ErrorShower); ok {
			es.ShowError(err)
		}
		return
	}
}

func samePath(a, b []common.PaneID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// tooSmall reports whether the window is below the minimum size: the UI is
// hidden behind a message, so no key but quit may act (a key acting on a
// screen nobody can see could shift live traffic unseen).
func (m *Model) tooSmall() bool { return m.w < common.MinWidth || m.h < common.MinHeight }

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.tooSmall() {
		switch {
		case key.Matches(msg, m.km.Global.ForceQuit):
			return m.quit(true)
		case key.Matches(msg, m.km.Global.Quit) && len(m.dialogs) == 0 && m.pal == nil:
			return m.quit(false)
		}
		return nil
	}
	if len(m.dialogs) > 0 {
		return m.updateDialog(msg)
	}
	if m.pal != nil {
		return m.pal.update(msg)
	}
	if m.showHelp {
		return m.helpKey(msg)
	}
	if ic, ok := m.Focused().(common.InputCapturer); ok && ic.CapturesInput() {
		if key.Matches(msg, m.km.Global.ForceQuit) {
			return m.quit(true)
		}
		return m.updateFocused(msg)
	}
	g := m.km.Global
	switch {
	case key.Matches(msg, g.ForceQuit):
		return m.quit(true)
	case key.Matches(msg, g.Quit):
		return m.quit(false)
	case key.Matches(msg, g.Help):
		m.showHelp, m.helpOff = true, 0
		return nil
	case key.Matches(msg, g.Palette):
		m.pal = newPalette(m)
		return m.pal.focus()
	case key.Matches(msg, g.Back):
		return m.back()
	case key.Matches(msg, g.Refresh):
		return m.updateFocused(common.RefreshMsg{})
	}
	return m.updateFocused(msg)
}

func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if m.showHelp && !m.tooSmall() {
		if w, ok := msg.(tea.MouseWheelMsg); ok {
			m.scrollHelp(scroll.Wheel(w))
		}
		return nil
	}
	if len(m.dialogs) > 0 || m.pal != nil || m.showHelp || m.tooSmall() {
		return nil
	}
	mouse := msg.Mouse()
	if mouse.Y < headerH || mouse.Y >= m.h-footerH {
		return nil
	}
	mouse.Y -= headerH
	switch msg.(type) {
	case tea.MouseClickMsg:
		return m.updateFocused(tea.MouseClickMsg(mouse))
	case tea.MouseWheelMsg:
		return m.updateFocused(tea.MouseWheelMsg(mouse))
	}
	return nil
}

// handlePaneMsg unwraps an envelope: root-level messages are handled here
// (remembering the sender's address), the rest go to the addressed pane
// only; results for a pane that has closed are dropped.
func (m *Model) handlePaneMsg(msg common.PaneMsg) tea.Cmd {
	path, inner := common.Unwrap(msg)
	if cmd, ok := m.handleRootMsg(path, inner); ok {
		return cmd
	}
	for _, s := range m.stack {
		if s.id == path[0] {
			return common.Wrap(s.id, s.pane.Update(common.Address(path[1:], inner)))
		}
	}
	return nil
}

// handleRootMsg handles the messages panes send to the root.
func (m *Model) handleRootMsg(path []common.PaneID, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case common.StatusMsg:
		if msg.Key {
			return m.setKeyNotice(msg.Text), true
		}
		return m.setStatus(msg.Text, msg.Err), true
	case common.JobMsg:
		var owner common.PaneID
		if len(path) > 0 {
			owner = path[0]
			if !msg.Done && m.screenIndex(owner) < 0 {
				return nil, true // from a screen that has closed: its jobs stopped with it
			}
		}
		m.updateJob(msg, owner)
		return nil, true
	case common.OpenDialogMsg:
		if msg.Dialog != nil {
			m.dialogs = append(m.dialogs, openDialog{d: msg.Dialog, path: path})
		}
		return nil, true
	case common.DialogResultMsg:
		m.resolveDialog(path, msg.Err)
		return nil, true
	case common.OpenFunctionMsg:
		return m.openFunction(msg.Function, msg.Tab), true
	case common.OpenScreenMsg:
		return m.openScreen(msg.Name, msg.Args, false), true
	case common.BackMsg:
		if len(path) > 0 && path[0] == m.stack[len(m.stack)-1].id {
			return m.pop(), true
		}
		return nil, true
	case confirmedMsg:
		return msg.run(), true
	case quitNowMsg:
		return m.quitNow(), true
	}
	return nil, false
}
