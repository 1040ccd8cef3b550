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
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
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

	w, h   int
	ctx    context.Context
	cancel context.CancelFunc
	gen    uint64
	seq    uint64

	loading     bool
	loaded      bool
	err         error
	unsupported bool
	list        []model.Deployment
	cursor      int
	offset      int

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
	ctx, cancel := context.WithCancel(context.Background())
	return &Model{deps: deps, st: st, km: km, fn: fn, ctx: ctx, cancel: cancel, after: tea.Tick}
}

// Tab is New as a common.TabMaker.
func Tab(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
	return New(deps, st, km, fn)
}

// Title implements common.Titled.
func (m *Model) Title() string { return "Deployments" }

// Close cancels in-flight work.
func (m *Model) Close() { m.cancel(); m.gen++; m.seq++ }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	return []key.Binding{m.km.List.Up, m.km.List.Down, m.km.Global.Refresh}
}

// Deployments returns what the tab shows (tests).
func (m *Model) Deployments() []model.Deployment { return m.list }

type loadedMsg struct {
	gen  uint64
	list []model.Deployment
	err  error
}

type tickMsg struct{ seq uint64 }

// Init implements common.Pane.
func (m *Model) Init() tea.Cmd { return m.load() }

func (m *Model) load() tea.Cmd {
	cd := m.deps.Deployments()
	if cd == nil {
		m.unsupported, m.loaded = true, true
		return nil
	}
	m.gen++
	m.loading = true
	ctx, gen, name := m.ctx, m.gen, m.fn.Name
	return func() tea.Msg {
		list, err := cd.DeploymentHistory(ctx, name, HistoryLimit)
		return loadedMsg{gen: gen, list: list, err: err}
	}
}

// Update implements common.Pane; it never calls AWS.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.gen != m.gen {
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
		sel := ""
		if m.cursor < len(m.list) {
			sel = m.list[m.cursor].ID
		}
		m.list = msg.list
		m.cursor = 0
		for i, d := range m.list {
			if d.ID == sel {
				m.cursor = i
			}
		}
		for _, d := range m.list {
			if d.Active() { // follow it while it runs
				m.seq++
				seq := m.seq
				return m.after(Refresh, func(time.Time) tea.Msg { return tickMsg{seq: seq} })
			}
		}
		return nil
	case tickMsg:
		if msg.seq != m.seq {
			return nil
		}
		return m.load()
	case common.RefreshMsg:
		if m.unsupported {
			return nil
		}
		return m.load()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.km.List.Up):
			m.move(-1)
		case key.Matches(msg, m.km.List.Down):
			m.move(1)
		case key.Matches(msg, m.km.List.Top):
			m.move(-len(m.list))
		case key.Matches(msg, m.km.List.Bottom):
			m.move(len(m.list))
		}
	}
	return nil
}

func (m *Model) move(d int) {
	if len(m.list) == 0 {
		return
	}
	m.cursor = max(0, min(len(m.list)-1, m.cursor+d))
}

// ---- view -------------------------------------------------------------------

// View implements common.Pane.
func (m *Model) View() string {
	w, h := m.w, m.h
	if w <= 0 || h <= 0 {
		return ""
	}
	var out []string
	switch {
	case m.unsupported:
		out = append(out, m.st.Muted.Render("CodeDeploy is not available on this endpoint: no deployment history to show"))
		return m.fit(out, w, h)
	case !m.loaded && m.err == nil:
		return m.fit([]string{m.st.Muted.Render("reading the CodeDeploy history of " + m.fn.Name + "…")}, w, h)
	case m.err != nil && len(m.list) == 0:
		return m.fit([]string{m.st.Error.Render("could not read CodeDeploy: " + m.err.Error()), m.st.Muted.Render("press r to retry")}, w, h)
	}
	title := m.st.Title.Render(fmt.Sprintf("CodeDeploy deployments of %s (%d)", m.fn.Name, len(m.list)))
	if m.loading {
		title += m.st.Muted.Render("  refreshing…")
	}
	out = append(out, title)
	if len(m.list) == 0 {
		out = append(out, m.st.Muted.Render("  none: no CodeDeploy deployment among the region's newest ones names this function"))
		return m.fit(out, w, h)
	}
	if w >= 100 {
		out = append(out, m.st.TableHeader.Render(m.row(w, "CREATED", "ID", "ALIAS", "VERSIONS", "CONFIG", "BY", "OUTCOME")))
	} else {
		out = append(out, m.st.TableHeader.Render(m.row(w, "DATE", "ID", "ALIAS", "VER", "CONFIG", "", "OUTCOME")))
	}
	detail := m.detailLines(w)
	rows := max(3, h-len(out)-len(detail)-1)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, min(m.offset, len(m.list)-1))
	end := min(len(m.list), m.offset+rows)
	for i := m.offset; i < end; i++ { // only the rows on screen
		d := m.list[i]
		outcome := d.Outcome()
		if d.IsRollback() && w < 100 { // no BY column: say it here
			outcome = "rollback, " + outcome
		}
		line := m.row(w, created(d.Created, w), d.ID, d.Alias, d.CurrentVersion+"→"+d.TargetVersion,
			shortConfig(d.Config), creator(d.Creator), outcome)
		mark := "  "
		if i == m.cursor {
			mark = "▸ "
		}
		line = mark + line[2:]
		switch {
		case d.Active():
			line = m.st.Warn.Render(line)
		case d.Status == "Failed" || d.RolledBack():
			line = m.st.Error.Render(line)
		case d.IsRollback():
			line = m.st.Accent.Render(line)
		}
		if i == m.cursor {
			line = m.st.Bold.Render(line)
		}
		out = append(out, line)
	}
	if end < len(m.list) {
		out = append(out, m.st.Muted.Render(fmt.Sprintf("  … %d more", len(m.list)-end)))
	}
	out = append(out, "")
	out = append(out, detail...)
	return m.fit(out, w, h)
}

// row lays out created, id, alias, versions, config, by and the outcome
// (the rest of the line). Below 100 columns BY is left out (the detail
// says who) so that the outcome, cause first, keeps its alarm.
func (m *Model) row(w int, cols ...string) string {
	widths := []int{6, 12, 9, 6, 14, 0}
	switch {
	case w >= 120:
		widths = []int{17, 12, 12, 10, 24, 12}
	case w >= 100:
		widths = []int{12, 12, 9, 9, 14, 9}
	}
	var b strings.Builder
	b.WriteString("  ")
	for i, c := range cols[:len(cols)-1] {
		if widths[i] > 0 {
			b.WriteString(pad(c, widths[i]))
		}
	}
	b.WriteString(cols[len(cols)-1])
	return b.String()
}

func created(t time.Time, w int) string {
	switch {
	case t.IsZero():
		return "—"
	case w >= 120:
		return t.UTC().Format("2006-01-02 15:04")
	case w >= 100:
		return t.UTC().Format("01-02 15:04")
	}
	return t.UTC().Format("01-02") // the detail has the time
}

// shortConfig turns CodeDeployDefault.LambdaCanary10Percent5Minutes into Canary10%/5m.
func shortConfig(c string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(c, "CodeDeployDefault."), "Lambda")
	var p, iv int
	switch {
	case strings.HasPrefix(s, "Canary"):
		if n, _ := fmt.Sscanf(s, "Canary%dPercent%dMinute", &p, &iv); n == 2 {
			return fmt.Sprintf("Canary%d%%/%dm", p, iv)
		}
	case strings.HasPrefix(s, "Linear"):
		if n, _ := fmt.Sscanf(s, "Linear%dPercentEvery%dMinute", &p, &iv); n == 2 {
			return fmt.Sprintf("Linear%d%%/%dm", p, iv)
		}
	}
	return s
}

func creatorWord(c string) string {
	switch c {
	case "codeDeployRollback":
		return "CodeDeploy (rollback)"
	case "":
		return "unknown"
	}
	return c
}

func creator(c string) string {
	switch c {
	case "codeDeployRollback":
		return "rollback"
	case "CloudFormation":
		return "CFN"
	case "CloudFormationRollback":
		return "CFN-rb"
	}
	return c
}

// detailLines describe the selected deployment.
func (m *Model) detailLines(w int) []string {
	if m.cursor >= len(m.list) {
		return nil
	}
	d := m.list[m.cursor]
	var out []string
	head := m.st.Title.Render(d.ID) + "  " + d.Status + m.st.Muted.Render("  by "+creatorWord(d.Creator)+" · "+d.Application+"/"+d.Group+" · "+d.Config)
	out = append(out, head)
	when := "  created " + d.Created.UTC().Format("2006-01-02 15:04:05")
	if !d.Completed.IsZero() && !d.Started.IsZero() {
		when += " · took " + d.Completed.Sub(d.Started).Round(time.Second).String()
	}
	if d.Description != "" {
		when += " · " + d.Description
	}
	out = append(out, when)
	if d.ErrorCode != "" {
		out = append(out, m.st.Error.Render("  "+d.ErrorCode+": "+d.ErrorMessage))
	}
	if d.RolledBack() {
		why := ""
		if a := d.CausingAlarms(); len(a) > 0 {
			why = " because alarm " + strings.Join(a, ", ") + " went into ALARM"
		}
		out = append(out, m.st.Error.Render("  rolled back by "+d.RollbackID+why))
	}
	if d.IsRollback() && d.RollbackOf != "" {
		out = append(out, m.st.Accent.Render("  rollback of "+d.RollbackOf+": traffic back to version "+d.TargetVersion))
	}
	if len(d.Events) > 0 {
		var ev []string
		for _, e := range d.Events {
			ev = append(ev, e.Name+" "+eventMark(e.Status))
		}
		out = append(out, m.st.Muted.Render("  "+strings.Join(ev, " · ")))
	}
	var wrapped []string
	for _, l := range out {
		wrapped = append(wrapped, strings.Split(ansi.Wrap(l, w, " "), "\n")...)
	}
	return wrapped
}

func eventMark(s string) string {
	switch s {
	case "Succeeded":
		return "✓"
	case "Failed":
		return "✗"
	case "InProgress":
		return "…"
	case "Skipped":
		return "skipped"
	}
	return strings.ToLower(s)
}

func (m *Model) fit(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func pad(s string, w int) string {
	n := ansi.StringWidth(s)
	switch {
	case n < w:
		return s + strings.Repeat(" ", w-n)
	case n == w:
		return s
	}
	return ansi.Truncate(s, w-1, "…") + " "
}
