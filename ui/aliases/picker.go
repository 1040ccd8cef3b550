package aliases

// + on an alias without routing does not pick a version silently: a picker
// lists the published versions (newest first, each with its description
// and date), preselected on the newest above the primary, and the choice
// goes through the usual confirmation.

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/styles"
)

type versionPickedMsg struct {
	alias, version string
}

func (versionPickedMsg) own() {}

// versionPicker is the dialog.
type versionPicker struct {
	st     *styles.Styles
	km     keymap.KeyMap
	alias  model.Alias
	items  []model.Version
	cursor int
	step   float64
}

// pickVersion opens the picker for a (an alias without routing).
func (m *Model) pickVersion(a model.Alias) tea.Cmd {
	var items []model.Version
	for _, v := range m.versions { // newest first
		if v.Version != "$LATEST" && v.Version != a.Version {
			items = append(items, v)
		}
	}
	if len(items) == 0 {
		return m.fail("no other published version to start a canary with: publish one with " + m.km.Aliases.Publish.Help().Key)
	}
	p := &versionPicker{st: m.st, km: m.km, alias: a, items: items, step: m.opt.Step}
	if nv, ok := model.NewestAbove(a.Version, m.versions); ok {
		for i, v := range items {
			if v.Version == nv {
				p.cursor = i
			}
		}
	}
	return common.OpenDialog(p)
}

func (m *Model) handlePicked(msg versionPickedMsg) tea.Cmd {
	a, ok := m.aliasNamed(msg.alias)
	if !ok {
		return m.fail("alias " + msg.alias + " is gone: press r")
	}
	if a.Routing.Active() {
		return m.fail(a.Name + " already has a canary (" + DescribeAlias(a) + "): press + again")
	}
	c := model.AliasChange{Kind: model.ChangeStart, Before: a, Version: a.Version,
		Routing: model.Routing{AdditionalVersion: msg.version, Weight: model.RoundWeight(m.opt.Step)}}
	return m.propose(c, "Start canary")
}

func (p *versionPicker) ID() string { return "version-picker" }

func (p *versionPicker) Update(msg tea.Msg) (common.Action, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return common.ActionNone{}, nil
	}
	switch {
	case key.Matches(k, p.km.Confirm.Cancel):
		return common.ActionClose{}, nil
	case key.Matches(k, p.km.List.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(k, p.km.List.Down):
		p.cursor = min(len(p.items)-1, p.cursor+1)
	case key.Matches(k, p.km.Confirm.Submit):
		alias, v := p.alias.Name, p.items[p.cursor].Version
		return common.ActionRun{Cmd: func() tea.Msg { return versionPickedMsg{alias: alias, version: v} }}, nil
	}
	return common.ActionNone{}, nil
}

func (p *versionPicker) View(width, height int) string {
	w := min(max(50, width*2/3), width-4, 90)
	inner := w - p.st.Dialog.GetHorizontalFrameSize()
	newest, _ := model.NewestAbove(p.alias.Version, p.items)
	lines := []string{
		p.st.Title.Render(ansi.Truncate(fmt.Sprintf("Start a canary on %s — which version gets %s?", p.alias.Name, model.FormatWeight(p.step)), inner, "…")),
		p.st.Muted.Render(fmt.Sprintf("now all traffic on version %s", p.alias.Version)),
		"",
	}
	rows := max(3, min(len(p.items), height-10))
	off := 0
	if p.cursor >= rows {
		off = p.cursor - rows + 1
	}
	for i := off; i < min(len(p.items), off+rows); i++ {
		v := p.items[i]
		mark := "  "
		if i == p.cursor {
			mark = "▸ "
		}
		date := ""
		if !v.LastModified.IsZero() {
			date = v.LastModified.UTC().Format("2006-01-02 15:04")
		}
		desc := v.Description
		if desc == "" {
			desc = "(no description)"
		}
		note := ""
		if v.Version == newest {
			note = "  newest"
		}
		line := ansi.Truncate(fmt.Sprintf("%s%-5s %s  %s", mark, v.Version, date, desc), inner-len(note), "…") + note
		if i == p.cursor {
			line = p.st.Bold.Render(line)
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", p.st.Muted.Render("enter choose (then confirm) • ↑/↓ move • esc cancel"))
	return p.st.Dialog.Width(w).Render(strings.Join(lines, "\n"))
}

func (p *versionPicker) HelpKeys() []key.Binding {
	return []key.Binding{p.km.Confirm.Submit, p.km.List.Up, p.km.List.Down, p.km.Confirm.Cancel}
}
