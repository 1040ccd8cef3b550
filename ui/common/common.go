// Package common is the contract between the root model and its panes and
// dialogs: dependencies, the pane interface, the message envelope that
// addresses async results to one pane, and the typed actions dialogs return.
package common

import (
	"reflect"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Deps are what panes may use to reach AWS. Only tea.Cmd closures call them.
type Deps struct {
	Fleet   awsapi.Fleet
	Metrics awsapi.Metrics
	Logs    awsapi.Logs
	Journal awsapi.Journal
	// Alarms is CloudWatch alarms (nil in tests that do not need them).
	Alarms awsapi.Alarms
	// Connect switches profile or region (nil when switching is not possible).
	Connect awsapi.Connector
	Now     func() time.Time
	// Window is what rates and percentiles are computed over (the config
	// file's window:); 0 is model.DefaultWindow. Read it with MetricsWindow.
	Window time.Duration
}

// MetricsWindow is the window every rate and percentile is computed over.
func (d Deps) MetricsWindow() time.Duration {
	if d.Window < time.Minute {
		return model.DefaultWindow
	}
	return d.Window
}

// Time is the current time from Deps.Now (tests inject a clock), or the
// wall clock when none is set.
func (d Deps) Time() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// FromSession fills Deps from one session.
func FromSession(s awsapi.Session, c awsapi.Connector) Deps {
	return Deps{Fleet: s, Metrics: s, Logs: s, Journal: s, Alarms: s, Connect: c, Now: time.Now}
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

// Wrap addresses the messages cmd produces to pane id. Bubble Tea's own
// messages (tea.SetClipboard, tea.Quit, tea.Sequence, ...) pass through
// unwrapped so the program still sees them. Envelopes nest: a host pane
// (the function view) wraps its tabs' commands with the tab's id, and the
// root wraps the host's with the host's id; the root unwraps the chain.
// Root-level messages (StatusMsg, JobMsg, OpenDialogMsg, OpenScreenMsg,
// OpenFunctionMsg, BackMsg) may be returned wrapped: the root recognises
// them at any depth and remembers the address, so a dialog's ActionRun
// command is delivered back to the pane that opened it. Use tea.Batch, not
// tea.Sequence, in pane commands: a sequence is Bubble Tea's own message,
// so its results arrive unaddressed (the root gives those to the focused
// pane).
func Wrap(id PaneID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		if isTeaMsg(msg) {
			if _, ok := msg.(tea.BatchMsg); !ok {
				return msg
			}
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
	// Key marks a notice about a key pressed in the focused context ("x does
	// nothing here"): the root clears it when the context changes (another
	// screen, tab or dialog), since it is no longer true there.
	Key bool
}

// KeyNotice returns a command that shows a notice about a key in the
// footer, cleared when the user moves to another screen, tab or dialog.
func KeyNotice(text string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Key: true} }
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

// ActionAwait runs Cmd (addressed to its pane) and keeps the dialog open
// until the pane answers with Resolve: nil closes the dialog, an error is
// shown inline and the dialog stays, so the user's next keys still go to the
// dialog and not to the pane behind it. Esc still closes an awaiting dialog.
type ActionAwait struct{ Cmd tea.Cmd }

func (ActionNone) isAction()  {}
func (ActionClose) isAction() {}
func (ActionRun) isAction()   {}
func (ActionAwait) isAction() {}

// ErrorShower is a dialog that can show an error inline (the answer to an
// ActionAwait, or any later error its opener reports).
type ErrorShower interface {
	ShowError(err error)
}

// DialogResultMsg is a pane's answer to the dialog it opened that is
// awaiting (ActionAwait): the root closes it on nil, or shows Err in it.
type DialogResultMsg struct{ Err error }

// Resolve answers the awaiting dialog the pane opened.
func Resolve(err error) tea.Cmd {
	return func() tea.Msg { return DialogResultMsg{Err: err} }
}

var teaPkg = reflect.TypeOf(tea.BatchMsg{}).PkgPath()

func isTeaMsg(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == teaPkg
}

// Unwrap follows a chain of envelopes and returns the address path and
// the innermost message.
func Unwrap(msg tea.Msg) (path []PaneID, inner tea.Msg) {
	for {
		pm, ok := msg.(PaneMsg)
		if !ok {
			return path, msg
		}
		path = append(path, pm.Pane)
		msg = pm.Msg
	}
}

// Address wraps msg in envelopes for path (outermost first).
func Address(path []PaneID, msg tea.Msg) tea.Msg {
	for i := len(path) - 1; i >= 0; i-- {
		msg = PaneMsg{Pane: path[i], Msg: msg}
	}
	return msg
}

// WrapPath addresses cmd's messages along path (outermost first).
func WrapPath(path []PaneID, cmd tea.Cmd) tea.Cmd {
	for i := len(path) - 1; i >= 0; i-- {
		cmd = Wrap(path[i], cmd)
	}
	return cmd
}

// Optional pane capabilities, checked by the root (and by the function
// view for its tabs) with a type assertion.

// InputCapturer is a pane with a focused text input (a filter, a form):
// while CapturesInput is true it receives every key before global keys.
type InputCapturer interface{ CapturesInput() bool }

// BackHandler is a pane that uses esc itself (clearing a filter, leaving a
// sub-view). Back returns false when there was nothing to undo, and the
// root then closes the pane.
type BackHandler interface{ Back() bool }

// Titled is a pane with a title for the header breadcrumb.
type Titled interface{ Title() string }

// Closer is a pane holding in-flight work (a context.CancelFunc, a tail):
// the root calls Close when the pane is popped or the session changes.
type Closer interface{ Close() }

// Fitted is a pane whose View always returns exactly the lines and width
// it was sized to; the root then skips re-measuring every line.
type Fitted interface{ FitsSize() bool }

// FullHelper is a pane with more keys than fit the footer: ? lists
// FullHelpKeys instead of HelpKeys.
type FullHelper interface{ FullHelpKeys() []key.Binding }

// RefreshMsg is delivered to the focused pane when the user presses r.
type RefreshMsg struct{}

// BackMsg asks the root to close the focused screen (the pane is done).
type BackMsg struct{}

// OpenFunctionMsg asks the root to open the function view for Function.
type OpenFunctionMsg struct {
	Function model.Function
	Tab      int // 0-based tab to show first
}

// OpenScreenMsg asks the root to open a full-screen pane registered under
// Name (see ScreenMaker), as the palette command ":<name> args..." does.
type OpenScreenMsg struct {
	Name string
	Args []string
}

// ScreenContext is what a full-screen pane is opened with.
type ScreenContext struct {
	Args     []string        // palette arguments after the command name
	Function *model.Function // the function selected or open, if any
	Target   model.Target
	// Jobs are the IDs of the background jobs running now (a canary plan
	// is "plan:<function>:<alias>"), for screens that must not start
	// while another job owns their function.
	Jobs []string
}

// ScreenMaker builds a full-screen pane (":triage", ":esm", ":logs", ...).
// Pane packages export one; the root is given a map of them
// (ui.Options.Screens, merged over ui.DefaultScreens) keyed by the palette
// command name. An error is shown in the footer and nothing opens.
type ScreenMaker func(deps Deps, st *styles.Styles, km keymap.KeyMap, sc ScreenContext) (Pane, error)

// TabMaker builds one tab of the function view. Tab pane packages export
// New with this signature: New(deps, st, km, fn) *Model. The function view
// is given them through ui.Options.Tabs (merged over ui.DefaultTabs); a tab
// without a maker shows a placeholder.
type TabMaker func(deps Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) Pane

// Sizes below which the root shows one message instead of the layout.
const (
	MinWidth  = 60
	MinHeight = 15
)

// OpenDialog returns a command that asks the root to push d.
func OpenDialog(d Dialog) tea.Cmd {
	return func() tea.Msg { return OpenDialogMsg{Dialog: d} }
}

// Job returns a command reporting a job's progress.
func Job(j JobMsg) tea.Cmd {
	return func() tea.Msg { return j }
}
