package canaries

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/deploytext"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
)

// Column indices.
const (
	colAlias = iota
	colRouting
	colOwner
	colDetail
)

// rank orders the rows by who moves them: CodeDeploy first, then plans,
// then canaries judged worse, then the rest.
func rank(r *Row) int {
	switch {
	case r.Owner == OwnerCodeDeploy:
		return 0
	case r.Owner == OwnerPlan:
		return 1
	case r.Worse:
		return 2
	}
	return 3
}

func rowKey(r *Row) string { return r.Function + ":" + r.Alias.Name }

// rowID is a row's key: over several pairs the same fn:alias may be in two.
func rowID(r *Row) string { return rowKey(r) + " " + r.Pair }

// tableConfig: sorted by owner (CodeDeploy, plans, worse, the rest, then
// by name); the alias and its verdict are never dropped; owner: filters
// ("/owner:code"), fuzzy matches the alias, the owner and the verdict.
func (m *Model) tableConfig() table.Config[*Row] {
	return m.withPairs(table.Config[*Row]{
		Columns: []table.Column[*Row]{
			colAlias: {Title: "FUNCTION:ALIAS", Width: 20, Max: 48, Priority: 0, Field: "alias", Cell: rowKey,
				Less: func(a, b *Row) bool { return rowKey(a) < rowKey(b) }, SortName: "alias"},
			colRouting: {Title: "ROUTING", Width: 14, Max: 22, Priority: 1, Cell: routing,
				Less: func(a, b *Row) bool { return a.Alias.Routing.Weight < b.Alias.Routing.Weight }, SortName: "weight"},
			colOwner: {Title: "OWNER", Width: 11, Max: 14, Cut: table.CutEnd, Priority: 2, Field: "owner", Cell: owner,
				Less: func(a, b *Row) bool { return rank(a) < rank(b) }},
			colDetail: {Title: "VERDICT " + model.WindowLabel(m.deps.MetricsWindow()) + " / DEPLOYMENT", Width: 24, Max: 120, Priority: 0, Cut: table.CutEnd, Cell: m.detail},
		},
		Key:   rowID,
		Text:  func(r *Row) string { return rowKey(r) + " " + owner(r) + " " + r.Verdict },
		Style: m.rowStyle,
		Sort:  colOwner,
		Empty: "nothing is shifting: no alias has weighted routing and no CodeDeploy deployment runs",
	})
}

func routing(r *Row) string {
	a := r.Alias
	if a.Routing.Active() {
		return fmt.Sprintf("%s → %s %s", a.Version, a.Routing.AdditionalVersion, model.FormatWeight(a.Routing.Weight))
	}
	return a.Version + " 100%"
}

func owner(r *Row) string {
	switch r.Owner {
	case OwnerNone:
		return "by hand"
	case OwnerPlan:
		return "plan (here)"
	}
	return string(r.Owner)
}

// detail is the verdict, or the deployment and its next step.
func (m *Model) detail(r *Row) string {
	d := r.Deploy
	if d == nil {
		return r.Verdict
	}
	s := fmt.Sprintf("%s %s %s→%s %g%%", d.ID, deploytext.Config(d.Config), d.CurrentVersion, d.TargetVersion, d.TargetWeight)
	if at, wt, ok := d.NextStep(m.deps.Time()); ok {
		s += fmt.Sprintf(", %g%% at %s", wt, at.Format("15:04"))
	}
	if r.Alias.Routing.Active() && r.Verdict != "" {
		s += " · " + r.Verdict
	}
	return s
}

func (m *Model) rowStyle(r *Row) *lipgloss.Style {
	switch {
	case r.Worse:
		return &m.st.Error
	case r.Owner == OwnerCodeDeploy:
		return &m.st.Warn
	}
	return nil
}

// View implements common.Pane.
func (m *Model) View() string {
	w, h := m.w, m.h
	if w <= 0 || h <= 0 {
		return ""
	}
	title := fmt.Sprintf("What is shifting right now: %d aliases with routing or a deployment", len(m.rows))
	if w < 120 {
		title = fmt.Sprintf("What is shifting: %d aliases", len(m.rows))
	}
	if n := m.t.Len(); n != len(m.rows) {
		title = fmt.Sprintf("What is shifting right now: %d of %d aliases with routing or a deployment", n, len(m.rows))
		if w < 120 {
			title = fmt.Sprintf("What is shifting: %d of %d aliases", n, len(m.rows))
		}
	}
	switch {
	case m.listErr != nil:
		title = "could not list functions: " + m.listErr.Error()
	case !m.done && len(m.fns) == 0:
		title = "listing functions and CodeDeploy deployments…"
	case !m.done:
		title += fmt.Sprintf(" · scanned %d/%d functions…", m.scanned, len(m.fns)) + m.scanNote()
	case w < 80:
		title += fmt.Sprintf(" · %d scanned", len(m.fns))
	default:
		title += fmt.Sprintf(" · %d functions scanned", len(m.fns)) + m.scanNote()
	}
	line := m.st.Title.Render(title)
	if f := m.t.FilterView(w); f != "" {
		line += "  " + f
	}
	if len(m.rows) > 0 {
		line += "  " + m.st.Muted.Render(m.t.SortTitle())
	}
	out := []string{line}
	if m.cdNote != "" {
		out = append(out, m.st.Muted.Render(m.cdNote))
	}
	if len(m.rows) == 0 && !m.done {
		return textfit.Lines(out, w, h)
	}
	m.t.SetSize(w, max(2, h-len(out)))
	out = append(out, strings.Split(m.t.View(), "\n")...)
	return textfit.Lines(out, w, h)
}
