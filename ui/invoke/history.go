package invoke

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// The history of results is a table.Model over the function's entries,
// newest first: [ and ] go to the older or newer result (in time, whatever
// the sort), "/" filters (fuzzy, status:, qualifier:, type:, request:),
// s/S sort, ←/→ and ctrl+o show the columns that do not fit; the selected
// entry's result shows below. It is kept on disk between runs of the
// program when the session can (awsapi.InvokeHistory).

const (
	hcolTime = iota
	hcolQualifier
	hcolType
	hcolStatus
	hcolVersion
	hcolDuration
	hcolCold
	hcolRequest
)

func status(e *Entry) string {
	switch {
	case e.Err != nil:
		return "error: " + e.Err.Error()
	case e.Result.FunctionError != "":
		return strconv.Itoa(e.Result.StatusCode) + " " + e.Result.FunctionError
	}
	return strconv.Itoa(e.Result.StatusCode)
}

// start is "cold" or "warm" (from the REPORT line), "" without one.
func start(e *Entry) string {
	switch r := e.Result.Report; {
	case r == nil:
		return ""
	case r.ColdStart():
		return "cold"
	}
	return "warm"
}

func duration(e *Entry) float64 {
	if e.Result.Report == nil {
		return -1
	}
	return float64(e.Result.Report.Duration.Microseconds()) / 1000
}

func (m *Model) historyTable() table.Config[*Entry] {
	type E = *Entry
	return table.Config[E]{
		Columns: []table.Column[E]{
			hcolTime: {Title: "TIME", Width: 8, Priority: 0, Cell: func(e E) string { return e.At.UTC().Format("15:04:05") },
				Less: func(a, b E) bool { return a.id < b.id }, SortName: "time"},
			hcolQualifier: {Title: "QUALIFIER", Width: 9, Max: 20, Priority: 1, Field: "qualifier", Cell: func(e E) string { return e.Qualifier },
				Less: func(a, b E) bool { return a.Qualifier < b.Qualifier }},
			hcolType: {Title: "TYPE", Width: 7, Max: 15, Priority: 4, Cut: table.CutEnd, Field: "type", Cell: func(e E) string { return string(e.Type) },
				Less: func(a, b E) bool { return a.Type < b.Type }},
			hcolStatus: {Title: "STATUS", Width: 13, Max: 48, Priority: 0, Cut: table.CutEnd, Field: "status", Cell: status,
				Less: func(a, b E) bool { return status(a) < status(b) }},
			hcolVersion: {Title: "EXECUTED", Width: 8, Priority: 3, Cell: func(e E) string { return orDash(e.Result.ExecutedVersion) }},
			hcolDuration: {Title: "DURATION", Width: 9, Priority: 2, Right: true, Cell: func(e E) string {
				if d := duration(e); d >= 0 {
					return strconv.FormatFloat(d, 'f', 2, 64) + " ms"
				}
				return format.NoData
			}, Less: func(a, b E) bool { return duration(a) < duration(b) }},
			hcolCold:    {Title: "START", Width: 5, Priority: 5, Field: "start", Cell: start},
			hcolRequest: {Title: "REQUEST", Width: 8, Max: 36, Priority: 6, Field: "request", Cell: func(e E) string { return e.Result.RequestID }},
		},
		Key: func(e E) string { return strconv.FormatUint(e.id, 10) },
		Text: func(e E) string {
			return e.Qualifier + " " + status(e) + " " + string(e.Type) + " " + e.Result.ExecutedVersion + " " + start(e) + " " + e.Result.RequestID
		},
		Style: m.historyStyle,
		Sort:  hcolTime,
		Desc:  true,
		Empty: "no result yet",
	}
}

func (m *Model) historyStyle(e *Entry) *lipgloss.Style {
	if e.Err != nil || e.Result.FunctionError != "" || e.Result.StatusCode >= 300 {
		return &m.st.Error
	}
	return nil
}

// setHistory hands the entries to the table; sel (an entry's id, 0 for
// none) is selected.
func (m *Model) setHistory(sel uint64) {
	rows := make([]*Entry, len(m.hist))
	for i := range m.hist {
		rows[i] = &m.hist[i]
	}
	m.ht.SetItems(rows)
	if sel != 0 {
		m.ht.Select(strconv.FormatUint(sel, 10))
	}
	m.scroll = 0
}

// shown is the entry whose result is on screen.
func (m *Model) shown() (*Entry, bool) { return m.ht.Selected() }

// step goes to the result d steps newer (negative: older) in time, among
// the rows the filter keeps.
func (m *Model) step(d int) tea.Cmd {
	e, ok := m.shown()
	if !ok {
		return nil
	}
	i := m.histIndex(e.id)
	for j := i + d; j >= 0 && j < len(m.hist); j += d {
		if m.ht.Select(strconv.FormatUint(m.hist[j].id, 10)) {
			m.scroll = 0
			return nil
		}
	}
	if d < 0 {
		return common.Status("this is the oldest result", false)
	}
	return common.Status("this is the newest result", false)
}

func (m *Model) histIndex(id uint64) int {
	for i := range m.hist {
		if m.hist[i].id == id {
			return i
		}
	}
	return -1
}

// historyH is the rows the history table takes (its header included).
func (m *Model) historyH() int {
	if len(m.hist) == 0 {
		return 0
	}
	rows := min(max(1, m.ht.Len()), 4, max(1, (m.h-m.editorH()-3)/3))
	if m.ht.Choosing() {
		rows = max(rows, min(hcolRequest+2, m.h-m.editorH()-4))
	}
	return rows + 1
}

type (
	keptMsg struct {
		gen  uint64
		list []model.Invocation
		err  error
	}
	keptSavedMsg struct{ err error }
)

const kindKept = "kept"

// loadKept reads what a previous run kept, once per function and program.
func (m *Model) loadKept() tea.Cmd {
	hs, ok := m.deps.Fleet.(awsapi.InvokeHistory)
	if !ok || m.opt.History.Loaded(m.fn.Name) {
		return nil
	}
	_, gen := m.req.Start(kindKept)
	fn := m.fn.Name
	return func() tea.Msg {
		list, err := hs.Invocations(fn)
		return keptMsg{gen: gen, list: list, err: err}
	}
}

func (m *Model) handleKept(msg keptMsg) tea.Cmd {
	if !m.req.Done(kindKept, msg.gen) {
		return nil
	}
	if msg.err != nil {
		return common.Status("earlier invocations could not be read: "+msg.err.Error(), true)
	}
	sel := uint64(0)
	if e, ok := m.shown(); ok {
		sel = e.id
	}
	m.hist = m.opt.History.Merge(m.fn.Name, msg.list)
	if sel == 0 && len(m.hist) > 0 {
		sel = m.hist[len(m.hist)-1].id
	}
	m.setHistory(sel)
	return nil
}

// saveKept writes the function's entries (without the payloads sent).
func (m *Model) saveKept() tea.Cmd {
	hs, ok := m.deps.Fleet.(awsapi.InvokeHistory)
	if !ok {
		return nil
	}
	fn := m.fn.Name
	list := make([]model.Invocation, len(m.hist))
	for i := range m.hist {
		list[i] = m.hist[i].invocation()
	}
	return func() tea.Msg { return keptSavedMsg{err: hs.SaveInvocations(fn, list)} }
}

// historyLines are the history table's lines.
func (m *Model) historyLines() []string {
	hh := m.historyH()
	if hh == 0 {
		return nil
	}
	m.ht.SetSize(m.w, hh)
	return strings.Split(m.ht.View(), "\n")
}
