package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// screen is one entry of the pane stack; the top one has focus.
type screen struct {
	id   common.PaneID
	pane common.Pane
}

// openDialog is a dialog with the address of the pane that opened it.
type openDialog struct {
	d        common.Dialog
	path     []common.PaneID
	awaiting bool // it returned ActionAwait: its opener's Resolve decides
}

// job is a background job shown in the footer. owner is the stack
// screen whose envelope carried it: when that screen closes, its jobs
// stop with it and leave the footer.
type job struct {
	common.JobMsg
	owner   common.PaneID
	started time.Time
}

// Model is the root: it owns the pane stack, dialogs, palette, help,
// header and footer, and routes every message (see Update).
type Model struct {
	opts   Options
	cfg    config.Config
	deps   common.Deps
	target model.Target
	st     *styles.Styles
	km     keymap.KeyMap
	tabs   [fnview.NumTabs]common.TabMaker
	scrns  map[string]common.ScreenMaker

	stack    []screen
	dialogs  []openDialog
	pal      *palette
	help     help.Model
	showHelp bool
	helpOff  int // first line of the help shown (it scrolls)

	status    string
	statusErr bool
	statusSeq uint64
	jobs      []job

	w, h       int
	readOnly   bool
	connecting bool
	req        request.Tracker // kindConnect: a profile or region switch
	nextID     int
	quitting   bool
	themeSet   bool // the config forces a theme

	headerKey, headerStr string
	footerKey, footerStr string
}

// Messages the root handles itself.
type (
	statusFadeMsg struct{ seq uint64 }
	// confirmedMsg carries an action the user confirmed in a root dialog
	// (closing screens that own running jobs); run executes in Update.
	confirmedMsg struct{ run func() tea.Cmd }
	connectedMsg struct {
		gen     uint64
		session awsapi.Session
		err     error
		what    string
	}
)

// statusTTL is how long a status message stays in the footer.
const statusTTL = 6 * time.Second

// New builds the root model.
func New(opts Options) *Model {
	m := &Model{opts: opts, cfg: opts.Config, deps: opts.Deps}
	if m.cfg.Theme == "" {
		m.cfg = config.Default()
	}
	if m.deps.Now == nil {
		m.deps.Now = time.Now
	}
	if opts.Now != nil {
		m.deps.Now = opts.Now
	}
	m.target = opts.Target
	if m.target.Region == "" && m.deps.Fleet != nil {
		m.target = m.deps.Fleet.Target()
	}
	if m.target.Protection == model.ReadOnly {
		m.readOnly = true
	}
	switch {
	case opts.Styles != nil:
		m.st = opts.Styles
		m.themeSet = true
	case m.cfg.Theme == "light":
		m.st = styles.New(false)
		m.themeSet = true
	default:
		m.st = styles.New(true)
		m.themeSet = m.cfg.Theme == "dark"
	}
	if opts.NoColor {
		m.themeSet = true
		*m.st = *styles.NewPlain()
	}
	if opts.KeyMap != nil {
		m.km = *opts.KeyMap
	} else if km, err := m.cfg.KeyMap(); err == nil {
		m.km = km
	} else {
		m.km = keymap.Default()
	}
	m.tabs = DefaultTabs(m.cfg)
	for i, t := range opts.Tabs {
		if t != nil {
			m.tabs[i] = t
		}
	}
	m.scrns = DefaultScreens()
	for k, v := range opts.Screens {
		m.scrns[k] = v
	}
	m.help = help.New()
	m.help.Styles = helpStyles(m.st)
	m.stack = []screen{{id: functions.ID, pane: m.newFunctions()}}
	return m
}

func (m *Model) newFunctions() *functions.Model {
	f := functions.New(m.deps, m.st, m.km)
	f.Configure(functions.Options{ListEvery: m.cfg.RefreshFunctions, MetricsEvery: m.cfg.RefreshMetrics})
	return f
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{common.Wrap(m.stack[0].id, m.stack[0].pane.Init())}
	if !m.themeSet {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	cmds = append(cmds, startupCmds(m.deps, m.st, m.km, m.target)...)
	return tea.Batch(cmds...)
}

// Focused returns the focused pane.
func (m *Model) Focused() common.Pane { return m.stack[len(m.stack)-1].pane }

// Stack returns the pane stack, bottom first (tests).
func (m *Model) Stack() []common.Pane {
	out := make([]common.Pane, len(m.stack))
	for i, s := range m.stack {
		out[i] = s.pane
	}
	return out
}

// Dialog returns the open dialog, if any.
func (m *Model) Dialog() common.Dialog {
	if len(m.dialogs) == 0 {
		return nil
	}
	return m.dialogs[len(m.dialogs)-1].d
}

// Target is the account and region shown.
func (m *Model) Target() model.Target { return m.target }

// Status is the footer's current status text.
func (m *Model) Status() string { return m.status }

// PaletteOpen reports whether the command palette is open.
func (m *Model) PaletteOpen() bool { return m.pal != nil }

// Update implements tea.Model. It is a dispatcher: size and theme, then
// input by mode (dialog → palette → help → text input in the focused pane
// → global keys → focused pane), then results addressed to one pane, then
// the root's own messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		if !m.themeSet {
			m.setTheme(msg.IsDark())
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		return m, m.handleMouse(msg)
	case common.PaneMsg:
		return m, m.handlePaneMsg(msg)
	case statusFadeMsg:
		if msg.seq == m.statusSeq {
			m.status = ""
		}
		return m, nil
	case connectedMsg:
		return m, m.handleConnected(msg)
	}
	if cmd, ok := m.handleRootMsg(nil, msg); ok {
		return m, cmd
	}
	if _, ok := msg.(tea.PasteMsg); ok && m.tooSmall() {
		return m, nil // input, like a key: nothing acts behind the size message
	}
	// anything else unaddressed (cursor blinks, ...): the input in front
	switch {
	case len(m.dialogs) > 0:
		return m, m.updateDialog(msg)
	case m.pal != nil:
		return m, m.pal.update(msg)
	}
	return m, m.updateFocused(msg)
}

func (m *Model) setTheme(dark bool) {
	*m.st = *styles.New(dark)
	m.help.Styles = helpStyles(m.st)
	// cached renders hold the old colours: a resize rebuilds them
	m.resize(m.w, m.h)
	for _, s := range m.stack {
		if t, ok := s.pane.(interface{ InvalidateCache() }); ok {
			t.InvalidateCache()
		}
	}
}

const headerH, footerH = 1, 1

func (m *Model) bodySize() (int, int) { return m.w, max(1, m.h-headerH-footerH) }

func (m *Model) resize(w, h int) {
	m.w, m.h = w, h
	bw, bh := m.bodySize()
	for _, s := range m.stack {
		s.pane.SetSize(bw, bh)
	}
	m.help.SetWidth(w)
}

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

// back lets the focused pane use esc, else closes it (never the last
// one), asking first when that would stop a running blocking job.
func (m *Model) back() tea.Cmd {
	if bh, ok := m.Focused().(common.BackHandler); ok && bh.Back() {
		return nil
	}
	if len(m.stack) <= 1 {
		return nil
	}
	top := len(m.stack) - 1
	id := m.stack[top].id
	return m.guardClose(top, "Close "+m.screenTitle(top)+" anyway?", func() tea.Cmd {
		if m.stack[len(m.stack)-1].id != id {
			return nil // something else closed it meanwhile
		}
		return m.pop()
	})
}

// pop closes the top screen (never the last one).
func (m *Model) pop() tea.Cmd {
	if len(m.stack) <= 1 {
		return nil
	}
	top := m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
	return m.stopped(m.closeScreen(top))
}

// popTo closes screens until n remain.
func (m *Model) popTo(n int) tea.Cmd {
	var stopped []string
	for len(m.stack) > max(1, n) {
		top := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		stopped = append(stopped, m.closeScreen(top)...)
	}
	return m.stopped(stopped)
}

// closeScreen stops s's in-flight work and drops the jobs it owned (they
// stopped with it); it returns the labels of blocking jobs that stopped.
func (m *Model) closeScreen(s screen) []string {
	if c, ok := s.pane.(common.Closer); ok {
		c.Close()
	}
	var stopped []string
	kept := m.jobs[:0]
	for _, j := range m.jobs {
		if j.owner == s.id {
			if j.Blocking && !j.Done {
				stopped = append(stopped, j.Label)
			}
			continue
		}
		kept = append(kept, j)
	}
	m.jobs = kept
	return stopped
}

func (m *Model) stopped(labels []string) tea.Cmd {
	if len(labels) == 0 {
		return nil
	}
	return m.setStatus("stopped: "+strings.Join(labels, "; "), true)
}

// screenIndex is the stack index of id, or -1.
func (m *Model) screenIndex(id common.PaneID) int {
	for i, s := range m.stack {
		if s.id == id {
			return i
		}
	}
	return -1
}

func (m *Model) screenTitle(i int) string {
	if t, ok := m.stack[i].pane.(common.Titled); ok && t.Title() != "" {
		return t.Title()
	}
	return "this view"
}

// blockingJobs lists the running blocking jobs owned by screens at stack
// index from and above (from 0: every job, owned or not), each with the
// title of the screen that owns it.
func (m *Model) blockingJobs(from int) []string {
	var out []string
	for _, j := range m.jobs {
		if !j.Blocking || j.Done {
			continue
		}
		i := m.screenIndex(j.owner)
		if from > 0 && i < from {
			continue
		}
		line := common.Clean(j.Label)
		if i > 0 {
			line += " (" + m.screenTitle(i) + ")"
		}
		out = append(out, line)
	}
	return out
}

// guardClose runs then at once unless closing the screens from stack
// index from upwards would stop a running blocking job (a canary plan):
// then it asks first, the way q does, and runs then only on y.
func (m *Model) guardClose(from int, title string, then func() tea.Cmd) tea.Cmd {
	running := m.blockingJobs(from)
	if len(running) == 0 {
		return then()
	}
	m.dialogs = append(m.dialogs, openDialog{d: dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title: title,
		Body:  "This stops:\n  " + strings.Join(running, "\n  ") + "\nA stopped canary plan leaves traffic where it is now.",
		Yes:   func() tea.Msg { return confirmedMsg{run: then} },
	})})
	return nil
}

func (m *Model) push(id common.PaneID, p common.Pane) tea.Cmd {
	bw, bh := m.bodySize()
	p.SetSize(bw, bh)
	m.stack = append(m.stack, screen{id: id, pane: p})
	return common.Wrap(id, p.Init())
}

func (m *Model) newID(prefix string) common.PaneID {
	m.nextID++
	return common.PaneID(fmt.Sprintf("%s#%d", prefix, m.nextID))
}

func (m *Model) quit(force bool) tea.Cmd {
	if !force {
		if running := m.blockingJobs(0); len(running) > 0 {
			m.dialogs = append(m.dialogs, openDialog{d: dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
				Title: "Quit and stop running jobs?",
				Body:  "These jobs would stop:\n  " + strings.Join(running, "\n  ") + "\nA stopped canary plan leaves traffic where it is now.",
				Yes:   func() tea.Msg { return quitNowMsg{} },
			})})
			return nil
		}
	}
	return m.quitNow()
}

type quitNowMsg struct{}

func (m *Model) quitNow() tea.Cmd {
	m.quitting = true
	for _, s := range m.stack {
		if c, ok := s.pane.(common.Closer); ok {
			c.Close()
		}
	}
	return tea.Quit
}

func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if m.showHelp && !m.tooSmall() {
		if w, ok := msg.(tea.MouseWheelMsg); ok {
			m.scrollHelp(map[bool]int{true: -3, false: 3}[w.Button == tea.MouseWheelUp])
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

func (m *Model) setStatus(text string, isErr bool) tea.Cmd {
	m.status, m.statusErr = common.Clean(text), isErr
	m.statusSeq++
	seq := m.statusSeq
	return tea.Tick(statusTTL, func(time.Time) tea.Msg { return statusFadeMsg{seq: seq} })
}

func (m *Model) updateJob(j common.JobMsg, owner common.PaneID) {
	for i := range m.jobs {
		if m.jobs[i].ID == j.ID {
			if j.Done {
				m.jobs = append(m.jobs[:i], m.jobs[i+1:]...)
				return
			}
			m.jobs[i].JobMsg = j
			if owner != "" {
				m.jobs[i].owner = owner
			}
			return
		}
	}
	if !j.Done {
		m.jobs = append(m.jobs, job{JobMsg: j, owner: owner, started: m.deps.Now()})
	}
}

func (m *Model) openFunction(fn model.Function, tab int) tea.Cmd {
	// reuse an open view of the same function
	for i := len(m.stack) - 1; i >= 1; i-- {
		if v, ok := m.stack[i].pane.(*fnview.Model); ok && v.Function().Name == fn.Name {
			id := m.stack[i].id
			return m.guardClose(i+1, "Close "+m.screenTitle(len(m.stack)-1)+" anyway?", func() tea.Cmd {
				if i = m.screenIndex(id); i < 0 {
					return nil
				}
				return tea.Batch(m.popTo(i+1), common.Wrap(id, v.Show(tab)))
			})
		}
	}
	v := fnview.New(m.deps, m.st, m.km, fn, m.tabs)
	id := m.newID("fn")
	cmd := m.push(id, v)
	if tab > 0 {
		cmd = tea.Batch(cmd, common.Wrap(id, v.Show(tab)))
	}
	return cmd
}

// context function: the open function view's, else the selected row's.
func (m *Model) contextFunction() (model.Function, bool) {
	for i := len(m.stack) - 1; i >= 0; i-- {
		switch p := m.stack[i].pane.(type) {
		case *fnview.Model:
			return p.Function(), true
		case *functions.Model:
			return p.Selected()
		}
	}
	return model.Function{}, false
}

var screenTabs = map[string]int{"config": 0, "alias": 1, "aliases": 1, "esm": 2, "logs": 3, "metrics": 4}

// openScreen opens a registered screen, or the function view's tab of that
// name. From the palette (replace) it replaces the top-level view, as in
// k9s; from a pane's key (i, R, C in the function view) it stacks on it, so
// esc returns to where the key was pressed.
func (m *Model) openScreen(name string, args []string, replace bool) tea.Cmd {
	sc := common.ScreenContext{Args: args, Target: m.target}
	for _, j := range m.jobs {
		if !j.Done {
			sc.Jobs = append(sc.Jobs, j.ID)
		}
	}
	fn, hasFn := m.contextFunction()
	if hasFn {
		sc.Function = &fn
	}
	if mk, ok := m.scrns[name]; ok {
		p, err := mk(m.deps, m.st, m.km, sc)
		if err != nil {
			return m.setStatus(":"+name+": "+err.Error(), true)
		}
		if !replace {
			return m.push(m.newID(name), p)
		}
		// as in k9s, a : command replaces the top-level view instead of
		// stacking on it: esc from it goes home, to the functions list
		return m.guardClose(1, "Open :"+name+" anyway?", func() tea.Cmd {
			return tea.Batch(m.popTo(1), m.push(m.newID(name), p))
		})
	}
	if tab, ok := screenTabs[name]; ok {
		if !hasFn {
			return m.setStatus(":"+name+": select a function first", true)
		}
		if !replace {
			return m.openFunction(fn, tab)
		}
		for i := 1; i < len(m.stack); i++ {
			if v, ok := m.stack[i].pane.(*fnview.Model); ok && v.Function().Name == fn.Name {
				return m.openFunction(fn, tab) // that function's view is open: go back to it
			}
		}
		return m.guardClose(1, "Open :"+name+" anyway?", func() tea.Cmd {
			return tea.Batch(m.popTo(1), m.openFunction(fn, tab))
		})
	}
	if known(name) {
		return m.setStatus(":"+name+" is not available in this build", true)
	}
	return m.setStatus(fmt.Sprintf(":%s is not a command (: then tab lists them)", name), true)
}

// switchTo connects to another profile and/or region in a command; the
// old session stays until the new one is validated.
func (m *Model) switchTo(profile, region string) tea.Cmd {
	if m.deps.Connect == nil {
		return m.setStatus("switching is not possible with this session", true)
	}
	asked := strings.TrimSpace(profile + " " + region)
	if profile == "" {
		profile = m.target.Profile
	}
	if region == "" {
		region = m.target.Region
	}
	return m.guardClose(0, "Switch to "+asked+" anyway?", func() tea.Cmd { return m.connect(profile, region) })
}

func (m *Model) connect(profile, region string) tea.Cmd {
	parent, gen := m.req.Start(kindConnect)
	m.connecting = true
	conn := m.deps.Connect
	what := strings.TrimSpace(profile + " " + region)
	return tea.Batch(m.setStatus("connecting to "+what+"…", false), func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		s, err := conn.Connect(ctx, profile, region)
		return connectedMsg{gen: gen, session: s, err: err, what: what}
	})
}

// kindConnect is the root's one request kind: a newer switch supersedes an
// older one still connecting.
const kindConnect request.Kind = "connect"

func (m *Model) handleConnected(msg connectedMsg) tea.Cmd {
	if !m.req.Done(kindConnect, msg.gen) {
		return nil
	}
	m.connecting = false
	if msg.err != nil {
		return m.setStatus("could not switch to "+msg.what+": "+msg.err.Error()+" (still on "+m.target.Region+")", true)
	}
	conn := m.deps.Connect
	if c, ok := msg.session.(awsapi.Connector); ok {
		conn = c
	}
	now := m.deps.Now
	m.deps = common.FromSession(msg.session, conn)
	m.deps.Now = now
	m.target = msg.session.Target()
	if m.readOnly {
		m.deps.Fleet = readOnlyFleet{m.deps.Fleet}
		m.target.Protection = model.ReadOnly
	}
	stopped := m.popTo(1)
	m.closeScreen(m.stack[0])
	m.dialogs = nil
	f := m.newFunctions()
	m.stack[0] = screen{id: m.newID(string(functions.ID)), pane: f}
	bw, bh := m.bodySize()
	f.SetSize(bw, bh)
	note := "switched to " + msg.what
	if m.target.Sandbox {
		note += " (the sandbox serves the same fleet in every region)"
	}
	return tea.Batch(stopped, common.Wrap(m.stack[0].id, f.Init()), m.setStatus(note, false))
}

func (m *Model) setReadOnly() tea.Cmd {
	if m.readOnly {
		return m.setStatus("already read-only", false)
	}
	return m.guardClose(0, "Go read-only anyway?", m.goReadOnly)
}

func (m *Model) goReadOnly() tea.Cmd {
	if m.readOnly {
		return nil
	}
	m.readOnly = true
	m.deps.Fleet = readOnlyFleet{m.deps.Fleet}
	m.target.Protection = model.ReadOnly
	// panes built from now on get the read-only fleet; rebuild the open ones
	m.popTo(1)
	m.closeScreen(m.stack[0])
	f := m.newFunctions()
	m.stack[0] = screen{id: m.newID(string(functions.ID)), pane: f}
	bw, bh := m.bodySize()
	f.SetSize(bw, bh)
	return tea.Batch(common.Wrap(m.stack[0].id, f.Init()),
		m.setStatus("read-only for the rest of this session: every change is refused", false))
}

// ---- view ----

// View implements tea.Model; only the root returns a tea.View.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "λ lambdaops " + m.target.Region
	return v
}

// render draws the whole screen as a string (tests use it directly).
func (m *Model) render() string {
	if m.quitting {
		return ""
	}
	if m.w < common.MinWidth || m.h < common.MinHeight {
		msg := fmt.Sprintf("lambdaops needs at least %d×%d\nnow %d×%d: enlarge the window", common.MinWidth, common.MinHeight, m.w, m.h)
		return lipgloss.Place(max(m.w, 1), max(m.h, 1), lipgloss.Center, lipgloss.Center,
			lipgloss.NewStyle().Width(max(m.w-2, 10)).Align(lipgloss.Center).Render(msg))
	}
	_, bh := m.bodySize()
	var body string
	if m.showHelp {
		body = m.helpView(bh)
	} else if f, ok := m.Focused().(common.Fitted); ok && f.FitsSize() {
		body = m.Focused().View()
	} else {
		body = fitLines(m.Focused().View(), m.w, bh)
	}
	base := m.cachedHeader() + "\n" + body + "\n" + m.cachedFooter()
	if m.pal != nil {
		if comp := m.pal.completionView(); comp != "" {
			base = overlay(base, comp, 0, m.h-footerH-lipgloss.Height(comp))
		}
	}
	if d := m.Dialog(); d != nil {
		box := d.View(m.w, m.h)
		x := max(0, (m.w-lipgloss.Width(box))/2)
		y := max(0, (m.h-lipgloss.Height(box))/2)
		base = overlay(base, box, x, y)
	}
	return base
}

func overlay(base, box string, x, y int) string {
	return lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(box).X(x).Y(y).Z(1)).Render()
}

// fitLines pads or cuts s to exactly h lines of at most w cells.
func fitLines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) badge() string {
	switch {
	case m.readOnly || m.target.Protection == model.ReadOnly:
		return m.st.BadgeReadOnly.Render("READ-ONLY")
	case m.target.Protection == model.Protected:
		return m.st.BadgeProtected.Render("PROTECTED")
	case m.target.Sandbox:
		return m.st.BadgeSandbox.Render("SANDBOX")
	}
	return ""
}

// cachedHeader re-renders the header only when what it shows changes.
func (m *Model) cachedHeader() string {
	var k strings.Builder
	fmt.Fprintf(&k, "%d|%v|%v|%v|%+v", m.w, m.readOnly, m.connecting, m.st.Title.String(), m.target)
	for _, s := range m.stack {
		if tt, ok := s.pane.(common.Titled); ok {
			k.WriteString("|" + tt.Title())
		}
	}
	if k.String() != m.headerKey {
		m.headerKey, m.headerStr = k.String(), m.headerView()
	}
	return m.headerStr
}

// cachedFooter re-renders the footer only when what it shows changes.
func (m *Model) cachedFooter() string {
	if m.pal != nil || len(m.jobs) > 0 {
		return m.footerView()
	}
	var k strings.Builder
	fmt.Fprintf(&k, "%d|%s|%v|%s", m.w, m.status, m.statusErr, m.st.HelpKey.String())
	if m.status == "" {
		for _, b := range m.helpKeys() {
			h := b.Help()
			k.WriteString("|" + h.Key + " " + h.Desc)
		}
	}
	if k.String() != m.footerKey {
		m.footerKey, m.footerStr = k.String(), m.footerView()
	}
	return m.footerStr
}

// headerView is the badge, the target and the breadcrumb. When it does not
// fit, what matters least goes first: the endpoint is shortened, then
// dropped, then the account and the profile label, then the middle of the
// breadcrumb; the last crumb (the function name) is kept.
func (m *Model) headerView() string {
	t := m.target
	var crumbs []string
	for _, s := range m.stack {
		if tt, ok := s.pane.(common.Titled); ok {
			crumbs = append(crumbs, common.Clean(tt.Title()))
		}
	}
	if len(crumbs) > 0 {
		crumbs = crumbs[1:] // the functions list is home
	}
	endpoint := t.Endpoint
	account, profileLabel := t.Account, true
	build := func(crumbs []string) string {
		var parts []string
		if b := m.badge(); b != "" {
			parts = append(parts, b)
		}
		parts = append(parts, m.st.Title.Render("λ"))
		if account != "" {
			parts = append(parts, account)
		}
		if t.Profile != "" {
			if profileLabel {
				parts = append(parts, m.st.Muted.Render("profile ")+t.Profile)
			} else {
				parts = append(parts, t.Profile)
			}
		}
		parts = append(parts, m.st.Accent.Render(orDash(t.Region)))
		if endpoint != "" {
			parts = append(parts, m.st.Warn.Render(endpoint))
		}
		if len(crumbs) > 0 {
			parts = append(parts, m.st.Muted.Render("› ")+strings.Join(crumbs, m.st.Muted.Render(" › ")))
		}
		if m.connecting {
			parts = append(parts, m.st.Muted.Render("connecting…"))
		}
		return strings.Join(parts, " ")
	}
	fits := func(s string) bool { return ansi.StringWidth(s) <= m.w }
	steps := []func(){
		func() { endpoint = strings.TrimPrefix(strings.TrimPrefix(endpoint, "http://"), "https://") },
		func() {
			if endpoint != "" {
				endpoint = "…"
			}
		},
		func() { endpoint = "" },
		func() { account = "" },
		func() { profileLabel = false },
	}
	h := build(crumbs)
	for _, step := range steps {
		if fits(h) {
			return h
		}
		step()
		h = build(crumbs)
	}
	// the middle of the breadcrumb, oldest first
	for i := 0; i < len(crumbs)-1 && !fits(h); i++ {
		crumbs = append(append([]string(nil), crumbs[:i]...), crumbs[i:]...)
		crumbs[i] = "…"
		h = build(crumbs)
	}
	if fits(h) || len(crumbs) == 0 {
		return ansi.Truncate(h, m.w, "…")
	}
	// still too wide: the last crumb keeps its end (a function name's
	// distinguishing suffix) and loses its start
	last := crumbs[len(crumbs)-1]
	crumbs[len(crumbs)-1] = ""
	room := m.w - ansi.StringWidth(build(crumbs)) - 1
	if room >= 8 {
		crumbs[len(crumbs)-1] = "…" + ansi.TruncateLeft(last, ansi.StringWidth(last)-room+1, "")
		return ansi.Truncate(build(crumbs), m.w, "…")
	}
	crumbs[len(crumbs)-1] = last
	return ansi.Truncate(build(crumbs), m.w, "…")
}

func (m *Model) helpKeys() []key.Binding {
	if d := m.Dialog(); d != nil {
		return d.HelpKeys()
	}
	keys := m.Focused().HelpKeys()
	if ic, ok := m.Focused().(common.InputCapturer); ok && ic.CapturesInput() {
		return keys // :, ? and q are typed into the input, not global keys
	}
	g := m.km.Global
	return append(keys, g.Palette, g.Help, g.Back, g.Quit)
}

func (m *Model) footerView() string {
	if m.pal != nil {
		return m.pal.view(m.w)
	}
	right := m.jobsView()
	rw := ansi.StringWidth(right)
	left := ""
	avail := max(0, m.w-rw-1)
	if m.status != "" {
		st := m.st.OK
		if m.statusErr {
			st = m.st.Error
		}
		left = st.Render(ansi.Truncate(m.status, avail, "…"))
	} else {
		left = m.shortHelp(m.helpKeys(), avail)
	}
	pad := max(0, m.w-ansi.StringWidth(left)-rw)
	return ansi.Truncate(left+strings.Repeat(" ", pad)+right, m.w, "")
}

func (m *Model) jobsView() string {
	if len(m.jobs) == 0 {
		return ""
	}
	var parts []string
	for i, j := range m.jobs {
		if i == 2 {
			parts = append(parts, fmt.Sprintf("+%d", len(m.jobs)-2))
			break
		}
		s := common.Clean(j.Label)
		if j.Progress >= 0 {
			const bw = 8
			n := int(min(1, j.Progress) * bw)
			s += " " + m.st.Accent.Render(strings.Repeat("█", n)+strings.Repeat("░", bw-n)) + fmt.Sprintf(" %d%%", int(j.Progress*100))
		} else {
			s += " …"
		}
		parts = append(parts, s)
	}
	out := strings.Join(parts, "  ")
	return ansi.Truncate(out, m.w/2, "…")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var _ tea.Model = (*Model)(nil)
