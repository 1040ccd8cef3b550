package ui

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// screen is one entry of the pane stack; the top one has focus.
type screen struct {
	id   common.PaneID
	pane common.Pane
	pair awsapi.Session // over several pairs: the one pair this screen acts on (pairs.go), else nil
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
	statusCtx string // set for a key notice: the context it is about
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
	if m.deps.Window == 0 {
		m.deps.Window = m.cfg.Window
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
	_, cmd := m.update(msg)
	m.dropStaleNotice()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
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

var _ tea.Model = (*Model)(nil)
