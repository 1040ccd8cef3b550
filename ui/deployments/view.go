package deployments

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/deploytext"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
)

// Column indices.
const (
	colCreated = iota
	colID
	colAlias
	colVersions
	colConfig
	colBy
	colOutcome
)

// tableConfig: newest first; the outcome (cause first, so a narrow column
// keeps the alarm) and the ID are never dropped; BY goes first when the
// tab narrows (the detail below says who). alias:, config:, by: and
// status: filter by column.
func (m *Model) tableConfig() table.Config[*model.Deployment] {
	type D = *model.Deployment
	return table.Config[D]{
		Columns: []table.Column[D]{
			colCreated: {Title: "CREATED", Width: 11, Max: 16, Priority: 3, Cell: func(d D) string { return created(d.Created) },
				Less: func(a, b D) bool { return a.Created.Before(b.Created) }, SortName: "created"},
			colID: {Title: "ID", Width: 11, Max: 14, Priority: 0, Cell: func(d D) string { return d.ID },
				Less: func(a, b D) bool { return a.ID < b.ID }},
			colAlias: {Title: "ALIAS", Width: 7, Max: 20, Priority: 1, Field: "alias", Cell: func(d D) string { return d.Alias },
				Less: func(a, b D) bool { return a.Alias < b.Alias }},
			colVersions: {Title: "VER", Width: 5, Max: 9, Priority: 2, Cell: func(d D) string { return d.CurrentVersion + "→" + d.TargetVersion }},
			colConfig: {Title: "CONFIG", Width: 13, Max: 24, Priority: 4, Field: "config", Cell: func(d D) string { return deploytext.ShortConfig(d.Config) },
				Less: func(a, b D) bool { return a.Config < b.Config }},
			colBy: {Title: "BY", Width: 10, Max: 14, Priority: 5, Field: "by", Cell: by,
				Less: func(a, b D) bool { return a.Creator < b.Creator }},
			colOutcome: {Title: "OUTCOME", Width: 26, Max: 60, Priority: 0, Cut: table.CutEnd, Field: "status", Cell: outcome,
				Less: func(a, b D) bool { return outcome(a) < outcome(b) }},
		},
		Key:   func(d D) string { return d.ID },
		Text:  func(d D) string { return d.ID + " " + d.Alias + " " + d.Status + " " + outcome(d) },
		Style: m.rowStyle,
		Sort:  colCreated,
		Desc:  true,
		Empty: "none: no CodeDeploy deployment among the region's newest ones names this function",
	}
}

// by is who started it; a CodeDeploy rollback is CodeDeploy's (the
// outcome says "rollback").
func by(d *model.Deployment) string {
	if d.Creator == "codeDeployRollback" {
		return "CodeDeploy"
	}
	return deploytext.CreatorShort(d.Creator)
}

// outcome is how a deployment ended; a rollback says so (the BY column may
// be out of view).
func outcome(d *model.Deployment) string {
	if d.IsRollback() {
		return "rollback, " + d.Outcome()
	}
	return d.Outcome()
}

// rowStyle: running in amber, failed or rolled back in red, a rollback in
// the accent.
func (m *Model) rowStyle(d *model.Deployment) *lipgloss.Style {
	switch {
	case d.Active():
		return &m.st.Warn
	case d.Status == "Failed" || d.RolledBack():
		return &m.st.Error
	case d.IsRollback():
		return &m.st.Accent
	}
	return nil
}

func created(t time.Time) string {
	if t.IsZero() {
		return format.NoData
	}
	return t.UTC().Format("01-02 15:04")
}

// View implements common.Pane: the title, the list, and the selected
// deployment's details below.
func (m *Model) View() string {
	w, h := m.w, m.h
	if w <= 0 || h <= 0 {
		return ""
	}
	switch {
	case m.unsupported:
		return textfit.Lines([]string{m.st.Muted.Render("CodeDeploy is not available on this endpoint: no deployment history to show")}, w, 1)
	case !m.loaded && m.err == nil:
		return textfit.Lines([]string{m.st.Muted.Render("reading the CodeDeploy history of " + m.fn.Name + "…")}, w, 1)
	case m.err != nil && len(m.list) == 0:
		return textfit.Lines([]string{m.st.Error.Render("could not read CodeDeploy: " + m.err.Error()), m.st.Muted.Render("press r to retry")}, w, 2)
	}
	n := fmt.Sprintf("(%d)", len(m.list))
	if m.t.Len() != len(m.list) {
		n = fmt.Sprintf("(%d/%d)", m.t.Len(), len(m.list))
	}
	title := m.st.Title.Render("CodeDeploy deployments of " + m.fn.Name + " " + n)
	if f := m.t.FilterView(w); f != "" {
		title += "  " + f
	}
	if len(m.list) > 0 {
		title += "  " + m.st.Muted.Render(m.t.SortTitle())
	}
	if m.loading {
		title += m.st.Muted.Render("  refreshing…")
	}
	out := []string{title}
	detail := m.detailLines(w)
	rows := max(1, m.t.Len())
	if m.t.Choosing() {
		rows = colOutcome + 2
	}
	// the list keeps at least 3 rows; the detail takes what is left
	rows = min(rows, max(3, h-len(out)-len(detail)-2))
	m.t.SetSize(w, rows+1)
	out = append(out, strings.Split(m.t.View(), "\n")...)
	if len(detail) > 0 {
		out = append(out, "")
		out = append(out, detail...)
	}
	if len(out) > h {
		out = out[:h]
	}
	return textfit.Lines(out, w, len(out))
}

// detailLines describe the selected deployment.
func (m *Model) detailLines(w int) []string {
	d, ok := table.SelectedValue(m.t)
	if !ok {
		return nil
	}
	var out []string
	head := m.st.Title.Render(d.ID) + "  " + d.Status + m.st.Muted.Render("  by "+deploytext.Creator(d.Creator)+" · "+d.Application+"/"+d.Group+" · "+d.Config)
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
			ev = append(ev, e.Name+" "+deploytext.EventMark(e.Status))
		}
		out = append(out, m.st.Muted.Render("  "+strings.Join(ev, " · ")))
	}
	var wrapped []string
	for _, l := range out {
		wrapped = append(wrapped, strings.Split(ansi.Wrap(l, w, " "), "\n")...)
	}
	return wrapped
}
