package concurrency

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/ui/common"
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
		return "-"
	}
	return fmt.Sprint(f(r))
}

func (m *Model) utilOf(r *Row) float64 {
	if u, ok := m.util[r.Qualifier]; ok && r.Config != nil {
		return u
	}
	return -1
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
			if u := m.utilOf(r); u >= 0 {
				return fmt.Sprintf("%d%%", int(u*100+0.5))
			}
			return "-"
		}, Less: func(a, b *Row) bool { return m.utilOf(a) < m.utilOf(b) }, SortName: "utilisation"},
		colNote: {Title: "NOTE", Width: 16, Max: 72, Priority: 6, Cut: table.CutEnd, Cell: func(r *Row) string {
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

// ---- keys and size ----

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.t.CapturesInput() }

// Back implements common.BackHandler: esc clears the filter first.
func (m *Model) Back() bool { return m.t.Back() }

// SetFilter applies a filter as if typed.
func (m *Model) SetFilter(s string) { m.t.SetFilter(s) }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	return append([]key.Binding{m.km.Concurrency.Reserved, m.km.Concurrency.Provisioned}, append(m.t.HelpKeys(), m.km.Global.Refresh)...)
}

var (
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
)

// ---- view ----

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var lines []string
	add := func(s string) { lines = append(lines, ansi.Truncate(s, m.w, "…")) }
	add(m.st.Title.Render("Concurrency of " + m.fn.Name))
	var notice []string
	if m.notice != "" {
		notice = append(notice, "")
		st := m.st.OK
		if m.noticeE {
			st = m.st.Error
		}
		for _, l := range strings.Split(ansi.Wordwrap(m.notice, max(20, m.w-2), " "), "\n") {
			notice = append(notice, ansi.Truncate(st.Render(l), m.w, "…"))
		}
	}
	switch {
	case m.loadErr != nil && !m.loaded:
		add(m.st.Error.Render("✗ " + m.loadErr.Error()))
	case !m.loaded:
		add(m.st.Muted.Render("loading…"))
	default:
		lines = append(lines, m.ledgerLines(len(lines)+len(notice))...)
	}
	return textfit.Lines(append(lines, notice...), m.w, m.h)
}

// ledgerLines is the account block, the provisioned table (in the height
// that used leaves) and the orphan warning.
func (m *Model) ledgerLines(used int) []string {
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, m.w, "…")) }
	l := m.led
	add("")
	add(m.st.Header.Render("Account"))
	if l.SettingsErr != nil {
		add("  " + m.st.Muted.Render("account settings unavailable: "+l.SettingsErr.Error()))
	} else {
		s := l.Settings
		sum := s.ConcurrentExecutions - s.UnreservedConcurrentExecutions
		add(fmt.Sprintf("  %-24s %7d", "concurrency limit", s.ConcurrentExecutions))
		un := fmt.Sprintf("  %-24s %7d", "unreserved", s.UnreservedConcurrentExecutions)
		if s.UnreservedConcurrentExecutions-MinUnreserved < 50 {
			un += "  " + m.st.Warn.Render(fmt.Sprintf("only %d above the floor of %d", s.UnreservedConcurrentExecutions-MinUnreserved, MinUnreserved))
		} else {
			un += "  " + m.st.Muted.Render(fmt.Sprintf("(floor %d)", MinUnreserved))
		}
		add(un)
		add(fmt.Sprintf("  %-24s %7d  ", "reserved, all functions", sum) + m.st.Muted.Render("= limit − unreserved"))
	}
	res := m.st.Muted.Render("   none  (shares the unreserved pool)")
	if l.Reserved != nil {
		res = fmt.Sprintf("%7d", *l.Reserved)
		if *l.Reserved == 0 {
			res += "  " + m.st.Error.Render("THROTTLED: every invocation is refused")
		}
	}
	add(fmt.Sprintf("  %-24s ", "reserved, this function") + res + "  " + m.st.Muted.Render("R to change"))
	add("")
	head := m.st.Header.Render("Provisioned") + "  " + m.st.Muted.Render("C sets or removes on the selected row")
	if f := m.t.FilterView(m.w); f != "" {
		head += "  " + f
	}
	if m.t.SortColumn() >= 0 {
		head += "  " + m.st.Muted.Render(m.t.SortTitle())
	}
	add(head)
	if m.t.Total() == 0 {
		add("  " + m.st.Muted.Render("no aliases and no provisioned concurrency"))
		return out
	}
	var tail []string
	if o := l.Orphans(); len(o) > 0 {
		tail = append(tail, "",
			ansi.Truncate(m.st.Warn.Render(fmt.Sprintf("⚠ %d orphaned: version %s has provisioned concurrency that no alias routes to —", len(o), strings.Join(o, ", "))), m.w, "…"),
			ansi.Truncate(m.st.Warn.Render("  billed while allocated, serving nothing (C with 0 removes it)"), m.w, "…"))
	}
	// the table takes what is left, at least its header and one row
	th := max(2, min(m.t.Total()+1, m.h-used-len(out)-len(tail)))
	m.t.SetSize(max(1, m.w-2), th)
	for _, s := range strings.Split(m.t.View(), "\n") {
		out = append(out, "  "+s)
	}
	return append(out, tail...)
}
