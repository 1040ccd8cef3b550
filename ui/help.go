package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// ---- help: the ? screen, laid out in as many columns as fit and scrolled ----

// helpKey handles a key while help is shown: the list's movement keys
// scroll it, force-quit quits, any other key closes it.
func (m *Model) helpKey(msg tea.KeyPressMsg) tea.Cmd {
	l := m.km.List
	_, bh := m.bodySize()
	page := max(1, bh-3)
	switch {
	case key.Matches(msg, m.km.Global.ForceQuit):
		return m.quit(true)
	case key.Matches(msg, l.Down):
		m.scrollHelp(1)
	case key.Matches(msg, l.Up):
		m.scrollHelp(-1)
	case key.Matches(msg, l.PageDown), msg.String() == "space":
		m.scrollHelp(page)
	case key.Matches(msg, l.PageUp):
		m.scrollHelp(-page)
	case key.Matches(msg, l.Top):
		m.helpOff = 0
	case key.Matches(msg, l.Bottom):
		m.scrollHelp(1 << 20)
	default:
		m.showHelp = false
	}
	return nil
}

func (m *Model) scrollHelp(d int) {
	_, bh := m.bodySize()
	m.helpOff = max(0, min(m.helpOff+d, len(m.helpLines())-(bh-2)))
}

// helpGroups are the context's key groups: the dialog's or the focused
// pane's, then the global keys the pane does not already list.
func (m *Model) helpGroups() [][]key.Binding {
	var keys []key.Binding
	if d := m.Dialog(); d != nil {
		keys = d.HelpKeys()
	} else {
		keys = m.Focused().HelpKeys()
	}
	if fh, ok := m.Focused().(common.FullHelper); ok && m.Dialog() == nil {
		keys = fh.FullHelpKeys()
	}
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k.Help().Key] = true
	}
	var groups [][]key.Binding
	for i := 0; i < len(keys); i += 6 {
		groups = append(groups, keys[i:min(i+6, len(keys))])
	}
	for _, g := range m.km.Global.FullHelp() {
		var left []key.Binding
		for _, k := range g {
			if !seen[k.Help().Key] {
				left = append(left, k)
			}
		}
		if len(left) > 0 {
			groups = append(groups, left)
		}
	}
	return groups
}

// helpColumns renders each group as a column ("key  desc" lines).
func (m *Model) helpColumns(groups [][]key.Binding) [][]string {
	var cols [][]string
	for _, g := range groups {
		kw := 0
		for _, k := range g {
			if k.Enabled() {
				kw = max(kw, ansi.StringWidth(k.Help().Key))
			}
		}
		var col []string
		for _, k := range g {
			if !k.Enabled() || k.Help().Key == "" {
				continue
			}
			h := k.Help()
			col = append(col, m.st.HelpKey.Render(h.Key)+strings.Repeat(" ", kw-ansi.StringWidth(h.Key)+1)+m.st.HelpDesc.Render(h.Desc))
		}
		if len(col) > 0 {
			cols = append(cols, col)
		}
	}
	return cols
}

// helpLines is the whole help at the current width: the key columns packed
// into rows of columns (a column that does not fit moves to the next row, so
// none is lost), then the palette's commands, wrapped.
func (m *Model) helpLines() []string {
	const gap = 3
	cols := m.helpColumns(m.helpGroups())
	var out []string
	for i := 0; i < len(cols); {
		// as many columns as fit in m.w, at least one
		j, used := i, 0
		var widths []int
		for j < len(cols) {
			cw := 0
			for _, l := range cols[j] {
				cw = max(cw, ansi.StringWidth(l))
			}
			need := cw
			if j > i {
				need += gap
			}
			if j > i && used+need > m.w {
				break
			}
			widths = append(widths, cw)
			used += need
			j++
		}
		rows := 0
		for _, c := range cols[i:j] {
			rows = max(rows, len(c))
		}
		for r := range rows {
			var b strings.Builder
			for k, c := range cols[i:j] {
				cell := ""
				if r < len(c) {
					cell = c[r]
				}
				if k < j-i-1 {
					cell += strings.Repeat(" ", widths[k]-ansi.StringWidth(cell)+gap)
				}
				b.WriteString(cell)
			}
			out = append(out, ansi.Truncate(b.String(), m.w, "…"))
		}
		out = append(out, "")
		i = j
	}
	var names []string
	for _, c := range commands {
		if m.scrns[c.name] != nil || !screenOnly[c.name] {
			names = append(names, strings.TrimSpace(":"+c.name+" "+c.args))
		}
	}
	cmds := ansi.Wordwrap("Commands: "+strings.Join(names, "  "), m.w, " ")
	for _, l := range strings.Split(cmds, "\n") {
		out = append(out, m.st.Muted.Render(l))
	}
	return out
}

// helpView is the help screen, h lines tall: a title, then the lines from
// helpOff; the title says when there is more above or below.
func (m *Model) helpView(h int) string {
	lines := m.helpLines()
	room := max(1, h-2)
	m.helpOff = max(0, min(m.helpOff, len(lines)-room))
	end := min(len(lines), m.helpOff+room)
	hint := "  (any key closes)"
	if len(lines) > room {
		switch {
		case m.helpOff > 0 && end < len(lines):
			hint = "  ↑↓ more"
		case end < len(lines):
			hint = "  ↓ more"
		default:
			hint = "  ↑ more"
		}
		hint += " (j/k ctrl+d/ctrl+u scroll · other keys close)"
	}
	title := m.st.Title.Render("Keys") + m.st.Muted.Render(hint)
	return fitLines(title+"\n\n"+strings.Join(lines[m.helpOff:end], "\n"), m.w, h)
}

func helpStyles(st *styles.Styles) help.Styles {
	return help.Styles{
		Ellipsis: st.Muted, ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.Muted,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.Muted,
	}
}

// shortHelp renders "key desc • key desc …" within width, skipping
// disabled bindings and repeated keys.
func (m *Model) shortHelp(keys []key.Binding, width int) string {
	var b strings.Builder
	used := 0
	seen := map[string]bool{}
	for _, k := range keys {
		h := k.Help()
		if !k.Enabled() || h.Key == "" || seen[h.Key] {
			continue
		}
		seen[h.Key] = true
		sep := ""
		if used > 0 {
			sep = " • "
		}
		w := ansi.StringWidth(sep + h.Key + " " + h.Desc)
		if used+w > width {
			if used+2 <= width {
				b.WriteString(m.st.Muted.Render(" …"))
			}
			break
		}
		b.WriteString(m.st.Muted.Render(sep) + m.st.HelpKey.Render(h.Key) + " " + m.st.HelpDesc.Render(h.Desc))
		used += w
	}
	return b.String()
}
