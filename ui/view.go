package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
)

// ---- view: header, body, footer, overlays ----

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
	if so := m.statusOverlay(); so != "" {
		base = overlay(base, so, 0, m.h-footerH-lipgloss.Height(so))
	}
	if m.pal != nil {
		if comp := m.pal.completionView(); comp != "" {
			base = overlay(base, comp, 0, m.h-footerH-lipgloss.Height(comp))
		}
	}
	if d := m.Dialog(); d != nil {
		box := m.dialogBox(d.View(m.w, m.h))
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
	t := m.headerTarget()
	switch {
	case m.readOnly || t.Protection == model.ReadOnly:
		return m.st.BadgeReadOnly.Render("READ-ONLY")
	case t.Protection == model.Protected:
		return m.st.BadgeProtected.Render("PROTECTED")
	case t.Sandbox:
		return m.st.BadgeSandbox.Render("SANDBOX")
	}
	return ""
}

// cachedHeader re-renders the header only when what it shows changes.
func (m *Model) cachedHeader() string {
	var k strings.Builder
	fmt.Fprintf(&k, "%d|%v|%v|%v|%+v", m.w, m.readOnly, m.connecting, m.st.Title.String(), m.headerTarget())
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
	t := m.headerTarget()
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
		if t.Profile != "" && t.Profile != t.Account { // a sandbox profile is its account
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
		lines := m.statusLines(avail)
		left = m.statusStyle().Render(lines[len(lines)-1])
	} else {
		left = m.shortHelp(m.helpKeys(), avail)
	}
	pad := max(0, m.w-ansi.StringWidth(left)-rw)
	return ansi.Truncate(left+strings.Repeat(" ", pad)+right, m.w, "")
}

// maxStatusLines is how many lines a long status may take: its first lines
// are drawn over the bottom of the body, above the footer, while it shows.
const maxStatusLines = 3

// statusLines is the status wrapped at word boundaries to w cells (never
// cut mid-word): the footer holds the last line.
func (m *Model) statusLines(w int) []string {
	lines := textfit.Wrap(m.status, max(1, w), maxStatusLines)
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

func (m *Model) statusStyle() lipgloss.Style {
	if m.statusErr {
		return m.st.Error
	}
	return m.st.OK
}

// statusOverlay returns the lines of a long status that do not fit in the
// footer, padded to the width, or "".
func (m *Model) statusOverlay() string {
	if m.status == "" || m.pal != nil {
		return ""
	}
	avail := max(0, m.w-ansi.StringWidth(m.jobsView())-1)
	lines := m.statusLines(avail)
	if len(lines) < 2 {
		return ""
	}
	st := m.statusStyle()
	out := make([]string, len(lines)-1)
	for i, l := range lines[:len(lines)-1] {
		out[i] = st.Render(l) + strings.Repeat(" ", max(0, m.w-ansi.StringWidth(l)))
	}
	return strings.Join(out, "\n")
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
