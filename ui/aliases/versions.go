package aliases

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// The versions list is the cockpit's second table.Model: v moves the keys
// to it (the aliases list stays on its alias, and the cockpit keys still
// act on that alias), where j/k, "/" (fuzzy, alias:, runtime:, desc:),
// s/S, ←/→ and ctrl+o work as on every list; v or esc moves them back.

const (
	vcolVersion = iota
	vcolAliases
	vcolDesc
	vcolSHA
	vcolModified
	vcolRuntime
	vcolMemory
)

// versionOrder is a version's place: $LATEST above every published one.
func versionOrder(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 1 << 30
	}
	return n
}

func (m *Model) versionTable() table.Config[*model.Version] {
	type V = *model.Version
	return table.Config[V]{
		Columns: []table.Column[V]{
			vcolVersion: {Title: "VERSION", Width: 7, Priority: 0, Cell: func(v V) string { return v.Version },
				Less: func(a, b V) bool { return versionOrder(a.Version) < versionOrder(b.Version) }, SortName: "version"},
			vcolAliases: {Title: "ALIASES", Width: 12, Max: 48, Priority: 1, Cut: table.CutEnd, Field: "alias", Cell: m.routedBy},
			vcolDesc: {Title: "DESCRIPTION", Width: 15, Max: 40, Priority: 3, Cut: table.CutEnd, Field: "desc",
				Cell: func(v V) string { return v.Description }, Less: func(a, b V) bool { return a.Description < b.Description }},
			vcolSHA: {Title: "CODE SHA", Width: 8, Priority: 7, Cell: func(v V) string {
				if len(v.CodeSHA256) > 8 {
					return v.CodeSHA256[:8]
				}
				return v.CodeSHA256
			}},
			vcolModified: {Title: "MODIFIED", Width: 16, Priority: 2, Cell: func(v V) string {
				if v.LastModified.IsZero() {
					return format.NoData
				}
				return v.LastModified.UTC().Format("2006-01-02 15:04")
			}, Less: func(a, b V) bool { return a.LastModified.Before(b.LastModified) }, SortName: "modified"},
			vcolRuntime: {Title: "RUNTIME", Width: 10, Max: 15, Cut: table.CutEnd, Priority: 4, Field: "runtime", Cell: func(v V) string {
				if v.Runtime == "" {
					return "image"
				}
				return v.Runtime
			}, Less: func(a, b V) bool { return a.Runtime < b.Runtime }},
			vcolMemory: {Title: "MEMORY", Width: 7, Priority: 6, Right: true, Cell: func(v V) string {
				if v.MemoryMB <= 0 {
					return format.NoData
				}
				return strconv.Itoa(v.MemoryMB) + " MB"
			}, Less: func(a, b V) bool { return a.MemoryMB < b.MemoryMB }},
		},
		Key:   func(v V) string { return v.Version },
		Text:  func(v V) string { return v.Version + " " + v.Description },
		Sort:  vcolVersion,
		Desc:  true,
		Empty: "none",
	}
}

// routedBy names the aliases that send traffic to v, with their share when
// they split it: "live 90%, beta".
func (m *Model) routedBy(v *model.Version) string {
	var out []string
	for _, a := range m.aliases {
		switch {
		case a.Routing.Active() && a.Version == v.Version:
			out = append(out, a.Name+" "+model.FormatWeight(model.RoundWeight(1-a.Routing.Weight)))
		case a.Routing.Active() && a.Routing.AdditionalVersion == v.Version:
			out = append(out, a.Name+" "+model.FormatWeight(a.Routing.Weight))
		case a.Version == v.Version:
			out = append(out, a.Name)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// setVersions hands the versions to their table.
func (m *Model) setVersions() {
	rows := make([]*model.Version, len(m.versions))
	for i := range m.versions {
		rows[i] = &m.versions[i]
	}
	m.vlist.SetItems(rows)
}

// focusVersions gives the keys to the versions list (on) or back to the
// aliases list.
func (m *Model) focusVersions(on bool) {
	m.vfocus = on
	m.vlist.SetFocused(on)
	m.list.SetFocused(!on)
	if !on {
		m.scroll.Off = 0 // back at the top: the aliases' title and header in view
	}
}

// versionKey handles a key while the versions list has the keys; used is
// false when neither the list nor this used it.
func (m *Model) versionKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	return m.vlist.Update(k)
}

// versionsHelp is the versions list's keys, v first (back to the aliases).
func (m *Model) versionsHelp() []key.Binding {
	back := m.km.Aliases.Versions
	back.SetHelp(back.Help().Key, "aliases list")
	return append([]key.Binding{back}, m.vlist.HelpKeys()...)
}

// versionLines is the versions list: its title (count, filter, sort) and
// the table in at most rows lines.
func (m *Model) versionLines(w, rows int) []string {
	n := fmt.Sprintf("Versions (%d)", len(m.versions))
	if l := m.vlist.Len(); l != len(m.versions) {
		n = fmt.Sprintf("Versions (%d/%d)", l, len(m.versions))
	}
	title := m.st.Title.Render(n)
	if m.vfocus {
		if f := m.vlist.FilterView(w); f != "" {
			title += "  " + f
		}
		title += "  " + m.st.Muted.Render(m.vlist.SortTitle()+" · "+m.km.Aliases.Versions.Help().Key+"/esc: aliases")
	} else {
		if f := m.vlist.Filter(); f != "" {
			title += "  " + m.st.Accent.Render("/"+f)
		}
		title += "  " + m.st.Muted.Render(m.km.Aliases.Versions.Help().Key+": browse")
	}
	if len(m.versions) == 0 {
		return []string{title, m.st.Muted.Render("  none")}
	}
	body := max(1, m.vlist.Len())
	if m.vlist.Choosing() {
		body = vcolMemory + 2
	}
	m.vlist.SetSize(w, max(2, min(rows-1, body+1)))
	return append([]string{title}, strings.Split(m.vlist.View(), "\n")...)
}
