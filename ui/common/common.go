// Package common is the contract between the root model and its panes and
// dialogs: dependencies, the pane interface, the message envelope that
// addresses async results to one pane, and the typed actions dialogs return.
package common

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws"
)

// Deps are what panes may use to reach AWS. Only tea.Cmd closures call them.
type Deps struct {
	Fleet   aws.Fleet
	Metrics aws.Metrics
	Logs    aws.Logs
	Journal aws.Journal
	// Connect switches profile or region (nil when switching is not possible).
	Connect aws.Connector
	Now     func() time.Time
}

// FromSession fills Deps from one session.
func FromSession(s aws.Session, c aws.Connector) Deps {
	return Deps{Fleet: s, Metrics: s, Logs: s, Journal: s, Connect: c, Now: time.Now}
}

// Pane is a child of the root model. Only the root implements tea.Model.
type Pane interface {
	Init() tea.Cmd
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	HelpKeys() []key.Binding
}

// PaneID names a pane for message routing.
type PaneID string

// PaneMsg addresses msg to one pane; the root unwraps it and delivers it only there.
type PaneMsg struct {
	Pane PaneID
	Msg  tea.Msg
}

// Wrap addresses the messages cmd produces to pane id.
func Wrap(id PaneID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(b))
			for i, c := range b {
				out[i] = Wrap(id, c)
			}
			return out
		}
		return PaneMsg{Pane: id, Msg: msg}
	}
}

// StatusMsg shows a fading message in the footer.
type StatusMsg struct {
	Text string
	Err  bool
}

// Status returns a command that shows text in the footer.
func Status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Err: isErr} }
}

// JobMsg reports a background job's progress in the footer.
type JobMsg struct {
	ID       string
	Label    string
	Progress float64 // 0..1, <0 when unknown
	Done     bool
	Err      error
	Blocking bool // quitting would stop it: q asks first
}

// Dialog is a modal component; it gets all input while open and returns a typed action.
type Dialog interface {
	ID() string
	Update(tea.Msg) (Action, tea.Cmd)
	View(width, height int) string
	HelpKeys() []key.Binding
}

// OpenDialogMsg asks the root to push a dialog.
type OpenDialogMsg struct{ Dialog Dialog }

// Action is what a dialog asks the root to do.
type Action interface{ isAction() }

// ActionNone keeps the dialog open.
type ActionNone struct{}

// ActionClose closes the dialog.
type ActionClose struct{}

// ActionRun closes the dialog and runs Cmd (already addressed to its pane).
type ActionRun struct{ Cmd tea.Cmd }

func (ActionNone) isAction()  {}
func (ActionClose) isAction() {}
func (ActionRun) isAction()   {}
