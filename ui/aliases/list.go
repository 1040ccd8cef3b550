package aliases

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// The aliases list is a table.Model over the pane's aliases: "/" filters
// it (fuzzy on the name; version: matches the versions it routes to),
// s/S sort it, and while the filter is typed every key is the filter's
// (in the cockpit "/live" never reaches i, + or P).

const (
	colAlias = iota
	colRouting
	colProv
	colPlan
	colDeploy
)

func (m *Model) aliasTable() table.Config[*model.Alias] {
	return table.Config[*model.Alias]{
		Columns: []table.Column[*model.Alias]{
			colAlias: {Title: "ALIAS", Width: 8, Max: 20, Priority: 0, Cell: func(a *model.Alias) string { return a.Name },
				Less: func(a, b *model.Alias) bool { return a.Name < b.Name }, SortName: "alias"},
			colRouting: {Title: "ROUTING", Width: 24, Max: 64, Priority: 1, Styled: true, Cell: func(a *model.Alias) string { return m.routingCell(*a, m.barW()) },
				Less: func(a, b *model.Alias) bool { return a.Routing.Weight < b.Routing.Weight }, SortName: "canary weight"},
			colProv: {Title: "PROVISIONED", Width: 18, Priority: 2, Styled: true, Cell: func(a *model.Alias) string { return m.provCell(a.Name) }},
			colPlan: {Title: "", Width: 4, Priority: 3, Styled: true, Cell: func(a *model.Alias) string {
				if m.plan != nil && m.plan.alias == a.Name {
					return m.st.Accent.Render("plan")
				}
				return ""
			}},
			// shown only while a CodeDeploy deployment owns one of the aliases (codedeploy.go)
			colDeploy: {Title: "CODEDEPLOY", Width: 11, Priority: 4, Styled: true, Cell: func(a *model.Alias) string { return m.deployMark(a.Name) }},
		},
		Key: func(a *model.Alias) string { return a.Name },
		Fields: []table.Field[*model.Alias]{{Name: "version", Column: colRouting, Match: func(a *model.Alias, arg string) bool {
			return a.Version == arg || a.Routing.Active() && a.Routing.AdditionalVersion == arg
		}}},
		Empty: "no aliases",
	}
}

// barW is the routing bar's width for the pane's width.
func (m *Model) barW() int {
	nameW := 5
	for _, a := range m.aliases {
		nameW = max(nameW, min(20, len(a.Name)))
	}
	deployW := 0
	if !m.list.Hidden(colDeploy) {
		deployW = 12 // the CODEDEPLOY column and its gap
	}
	return max(10, min(40, m.w-2-nameW-1-18-26-deployW))
}

// setAliases hands the aliases to the table (a new load, or one changed).
func (m *Model) setAliases() {
	rows := make([]*model.Alias, len(m.aliases))
	for i := range m.aliases {
		rows[i] = &m.aliases[i]
	}
	m.list.SetItems(rows)
	m.list.InvalidateCache()  // routing, provisioned and plan cells change in place
	m.vlist.InvalidateCache() // so do the versions' aliases
}

// listKey gives the table the keys the cockpit does not use (and every
// key while the filter or the chooser is open); the selection changing
// fetches the new alias's metrics. used is false when nobody used it.
func (m *Model) listKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	before, _ := m.selected()
	cmd, used := m.list.Update(k)
	if after, ok := m.selected(); ok && after.Name != before.Name {
		m.problems, m.conflict = nil, nil
		if _, have := m.metrics[after.Name]; !have {
			cmd = tea.Batch(cmd, m.fetchMetrics(after))
		}
	}
	return cmd, used
}

// CapturesInput implements common.InputCapturer: the filter and the
// column chooser take every key (the function view forwards them).
func (m *Model) CapturesInput() bool {
	return m.list.CapturesInput() || m.vfocus && m.vlist.CapturesInput()
}

// SetFilter applies a filter to the aliases as if typed.
func (m *Model) SetFilter(s string) { m.list.SetFilter(s) }

func (m *Model) listHelp() []key.Binding { return m.list.HelpKeys() }

var _ common.InputCapturer = (*Model)(nil)

// noAction reports a key nobody used.
func noAction(k tea.KeyPressMsg) tea.Cmd { return table.NoAction(k) }
