package concurrency

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
)

// ---- the provisioned table ----

// Column indices of the provisioned table.
const (
	colQualifier = iota
	colKind
	colReq
	colAlloc
	colAvail
	colStatus
	colUtil
	colSpill
	colNote
)

func (r *Row) kind() string {
	if r.Alias {
		return "alias"
	}
	return "version"
}

func (r *Row) status() string {
	if r.Config == nil {
		return "none"
	}
	return r.Config.Status
}

// num is a config's count, -1 without a config (sorts first).
func num(r *Row, f func(c *Row) int) int {
	if r.Config == nil {
		return -1
	}
	return f(r)
}

func numCell(r *Row, f func(c *Row) int) string {
	if r.Config == nil {
		return format.NoData
	}
	return format.Int(f(r))
}

// utilOf and spillOf are a config's UTIL and SPILL, -1 when unknown.
func (m *Model) utilOf(r *Row) float64 {
	if u, ok := m.util[r.Qualifier]; ok && r.Config != nil {
		return u
	}
	return -1
}

func (m *Model) spillOf(r *Row) float64 {
	if v, ok := m.spill[r.Qualifier]; ok && r.Config != nil {
		return v
	}
	return -1
}

// metricCell is a UTIL or SPILL cell: the value, format.Loading while the
// metrics are read, format.NoData without a config or a datapoint.
func (m *Model) metricCell(r *Row, v float64, text func(float64) string) string {
	switch {
	case v >= 0:
		return text(v)
	case r.Config != nil && !m.metricsDone && m.deps.Metrics != nil:
		return format.Loading
	}
	return format.NoData
}

// tableConfig: the qualifier is never dropped; the note (orphan, failure
// reason) goes first as the pane narrows, then the counts. The rows keep
// the ledger's order (configs, then aliases without one) until sorted.
func (m *Model) tableConfig() table.Config[*Row] {
	req := func(r *Row) int { return r.Config.Requested }
	alloc := func(r *Row) int { return r.Config.Allocated }
	avail := func(r *Row) int { return r.Config.Available }
	cols := []table.Column[*Row]{
		colQualifier: {Title: "QUALIFIER", Width: 12, Max: 32, Priority: 0, Field: "qualifier", SortName: "qualifier",
			Cell: func(r *Row) string { return r.Qualifier }, Less: func(a, b *Row) bool { return a.Qualifier < b.Qualifier }},
		colKind: {Title: "KIND", Width: 8, Priority: 4, Field: "kind", Cell: (*Row).kind,
			Less: func(a, b *Row) bool { return a.kind() < b.kind() }},
		colReq: {Title: "REQ", Width: 5, Priority: 2, Right: true, Cell: func(r *Row) string { return numCell(r, req) },
			Less: func(a, b *Row) bool { return num(a, req) < num(b, req) }, SortName: "requested"},
		colAlloc: {Title: "ALLOC", Width: 6, Priority: 3, Right: true, Cell: func(r *Row) string { return numCell(r, alloc) },
			Less: func(a, b *Row) bool { return num(a, alloc) < num(b, alloc) }, SortName: "allocated"},
		colAvail: {Title: "AVAIL", Width: 6, Priority: 5, Right: true, Cell: func(r *Row) string { return numCell(r, avail) },
			Less: func(a, b *Row) bool { return num(a, avail) < num(b, avail) }, SortName: "available"},
		colStatus: {Title: "STATUS", Width: 11, Priority: 1, Field: "status", Cell: (*Row).status,
			Less: func(a, b *Row) bool { return a.status() < b.status() }},
		colUtil: {Title: "UTIL", Width: 5, Priority: 4, Right: true, Cell: func(r *Row) string {
			return m.metricCell(r, m.utilOf(r), func(u float64) string { return fmt.Sprintf("%d%%", int(u*100+0.5)) })
		}, Less: func(a, b *Row) bool { return m.utilOf(a) < m.utilOf(b) }, SortName: "utilisation"},
		colSpill: {Title: "SPILL", Width: 6, Priority: 3, Right: true, Cell: func(r *Row) string {
			return m.metricCell(r, m.spillOf(r), func(v float64) string { return format.Int(int(v)) })
		}, Less: func(a, b *Row) bool { return m.spillOf(a) < m.spillOf(b) }, SortName: "spillover"},
		colNote: {Title: "NOTE", Width: 10, Max: 72, Priority: 6, Cut: table.CutEnd, Cell: func(r *Row) string {
			switch {
			case r.Orphan:
				return "ORPHAN: no alias points at version " + r.Qualifier
			case r.Config != nil && r.Config.Status == "FAILED":
				return r.Config.StatusReason
			}
			return ""
		}},
	}
	return table.Config[*Row]{
		Columns: cols,
		Key:     func(r *Row) string { return r.Qualifier },
		Text:    func(r *Row) string { return r.Qualifier + " " + r.kind() + " " + r.status() },
		Style:   m.rowStyle,
		Sort:    -1,
		Empty:   "no row matches the filter",
	}
}

// rowStyle: an orphan in amber, a failed config in red.
func (m *Model) rowStyle(r *Row) *lipgloss.Style {
	switch {
	case r.Orphan:
		return &m.st.Warn
	case r.Config != nil && r.Config.Status == "FAILED":
		return &m.st.Error
	}
	return nil
}

// setRows gives the table the ledger's rows.
func (m *Model) setRows() {
	rows := m.led.Rows()
	ps := make([]*Row, len(rows))
	for i := range rows {
		ps[i] = &rows[i]
	}
	m.t.SetItems(ps)
}

// ---- view ----

// View implements common.Pane: the title, the ledger in the height the
// notice leaves, then the notice.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	m.tableY = -1
	lines := []string{m.fit(m.st.Title.Render("Concurrency of " + m.fn.Name))}
	var notice []string
	if m.notice != "" {
		st := m.st.OK
		if m.noticeE {
			st = m.st.Error
		}
		notice = append(notice, "")
		for _, l := range strings.Split(ansi.Wordwrap(m.notice, max(20, m.w-2), " "), "\n") {
			notice = append(notice, m.fit(st.Render(l)))
		}
		notice = notice[:min(len(notice), max(2, m.h/3))] // the footer has it whole
	}
	switch {
	case m.loadErr != nil && !m.loaded:
		lines = append(lines, m.fit(m.st.Error.Render("✗ "+m.loadErr.Error())))
	case !m.loaded:
		lines = append(lines, m.st.Muted.Render("loading…"))
	default:
		lines = append(lines, m.ledgerLines(m.h-len(lines)-len(notice))...)
	}
	return textfit.Lines(append(lines, notice...), m.w, m.h)
}

func (m *Model) fit(s string) string { return ansi.Truncate(s, m.w, "…") }

// The account block and the orphan warning: their lines in full.
const (
	accountLines = 7 // a blank, the header, three account lines, this function's, a blank
	orphanLines  = 3
)

// ledgerLines is the account block, the provisioned table and the orphan
// warning in room lines. When they do not all fit, the account block and
// the warning shrink to a line or two, and the table scrolls in what is
// left; while the column chooser is open it takes the account block's
// place.
func (m *Model) ledgerLines(room int) []string {
	orphans := m.led.Orphans()
	full := accountLines + 1 + m.t.Total() + 1
	if len(orphans) > 0 {
		full += orphanLines
	}
	compact := full > room
	var out []string
	if !m.t.Choosing() {
		out = m.account(compact)
	}
	out = append(out, m.provisionedHead())
	if m.t.Total() == 0 {
		return append(out, "  "+m.st.Muted.Render("no aliases and no provisioned concurrency"))
	}
	tail := m.orphanWarning(orphans, compact)
	m.tableY = 1 + len(out) // below the title line: where a click lands on the table's header
	th := room - len(out) - len(tail)
	if !m.t.Choosing() {
		th = min(th, m.t.Total()+1)
	}
	th = max(2, th) // the header and a row, at the least
	m.t.SetSize(max(1, m.w-2), th)
	for _, s := range strings.Split(m.t.View(), "\n") {
		out = append(out, "  "+s)
	}
	return append(out, tail...)
}

// account is the account's concurrency and this function's reservation:
// a block of accountLines, or two lines when compact.
func (m *Model) account(compact bool) []string {
	l := m.led
	var acct []string
	if l.SettingsErr != nil {
		acct = append(acct, m.st.Muted.Render("account settings unavailable: "+l.SettingsErr.Error()))
	} else {
		s := l.Settings
		sum := s.ConcurrentExecutions - s.UnreservedConcurrentExecutions
		floor := m.st.Muted.Render(fmt.Sprintf("(floor %d)", MinUnreserved))
		if s.UnreservedConcurrentExecutions-MinUnreserved < 50 {
			floor = m.st.Warn.Render(fmt.Sprintf("only %d above the floor of %d", s.UnreservedConcurrentExecutions-MinUnreserved, MinUnreserved))
		}
		if compact {
			acct = append(acct, fmt.Sprintf("limit %d · unreserved %d ", s.ConcurrentExecutions, s.UnreservedConcurrentExecutions)+floor+
				fmt.Sprintf(" · all reserved %d", sum))
		} else {
			acct = append(acct,
				fmt.Sprintf("%-24s %7d", "concurrency limit", s.ConcurrentExecutions),
				fmt.Sprintf("%-24s %7d  ", "unreserved", s.UnreservedConcurrentExecutions)+floor,
				fmt.Sprintf("%-24s %7d  ", "reserved, all functions", sum)+m.st.Muted.Render("= limit − unreserved"))
		}
	}
	res, short := m.st.Muted.Render("   none  (shares the unreserved pool)"), m.st.Muted.Render("none reserved (shares the unreserved pool)")
	if l.Reserved != nil {
		res, short = fmt.Sprintf("%7d", *l.Reserved), fmt.Sprintf("%d reserved", *l.Reserved)
		if *l.Reserved == 0 {
			res += "  " + m.st.Error.Render("THROTTLED: every invocation is refused")
			short += "  " + m.st.Error.Render("THROTTLED")
		}
	}
	change := "  " + m.st.Muted.Render(m.km.Concurrency.Reserved.Help().Key+" to change")
	if compact {
		return []string{m.fit(acct[0]), m.fit("this function: " + short + change)}
	}
	out := []string{"", m.st.Header.Render("Account")}
	for _, a := range acct {
		out = append(out, m.fit("  "+a))
	}
	return append(out, m.fit(fmt.Sprintf("  %-24s ", "reserved, this function")+res+change), "")
}

// provisionedHead is the table's title line: the filter and the order
// first, so that a narrow pane cuts the hint, not them.
func (m *Model) provisionedHead() string {
	head := m.st.Header.Render("Provisioned")
	if f := m.t.FilterView(m.w / 2); f != "" {
		head += "  " + f
	}
	if m.t.SortColumn() >= 0 {
		head += "  " + m.st.Muted.Render(m.t.SortTitle())
	}
	hint := m.km.Concurrency.Provisioned.Help().Key + " sets or removes on the selected row · UTIL, SPILL: last " + model.ShortDuration(UtilWindow)
	if m.metricsErr != nil {
		hint = "metrics unavailable: " + m.metricsErr.Error()
	}
	return m.fit(head + "  " + m.st.Muted.Render(hint))
}

// orphanWarning explains orphaned configs: orphanLines, or one line when
// compact.
func (m *Model) orphanWarning(orphans []string, compact bool) []string {
	if len(orphans) == 0 {
		return nil
	}
	what := fmt.Sprintf("⚠ %d orphaned: version %s has provisioned concurrency that no alias routes to", len(orphans), strings.Join(orphans, ", "))
	if compact {
		return []string{m.fit(m.st.Warn.Render(fmt.Sprintf("⚠ orphaned: version %s (billed, no alias routes to it)", strings.Join(orphans, ", "))))}
	}
	return []string{"", m.fit(m.st.Warn.Render(what + " —")),
		m.fit(m.st.Warn.Render("  billed while allocated, serving nothing (" + m.km.Concurrency.Provisioned.Help().Key + " with 0 removes it)"))}
}
