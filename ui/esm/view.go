package esm

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
)

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	m.fitTable()
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, m.w, "…")) }
	title := "Event source mappings"
	if _, multi := m.router(); m.fn == "" && multi {
		title += " in these accounts and regions"
	} else if m.fn == "" {
		title += " in this region"
	}
	if m.loaded {
		if n := m.t.Len(); n != len(m.items) {
			title += fmt.Sprintf(" (%d/%d)", n, len(m.items))
		} else {
			title += fmt.Sprintf(" (%d)", len(m.items))
		}
	}
	line := m.st.Title.Render(title)
	if f := m.t.FilterView(m.w); f != "" {
		line += "  " + f
	}
	if m.loaded && len(m.items) > 0 {
		line += "  " + m.st.Muted.Render(m.t.SortTitle())
	}
	if m.settling {
		line += "  " + m.st.Accent.Render("following a state change…")
	}
	add(line)
	switch {
	case m.loadErr != nil && !m.loaded:
		add(m.st.Error.Render("✗ " + m.loadErr.Error()))
	case !m.loaded:
		add(m.st.Muted.Render("loading…"))
		for i := 0; i < m.listH()-1; i++ {
			out = append(out, "")
		}
	default:
		out = append(out, strings.Split(m.t.View(), "\n")...)
	}
	if m.fn != "" {
		out = append(out, m.asyncLines()...)
	}
	if m.notice != "" {
		add("")
		st := m.st.OK
		if m.noticeE {
			st = m.st.Error
		}
		add(st.Render(m.notice))
	}
	return textfit.Lines(out, m.w, m.h)
}

// FitsSize implements common.Fitted.
func (m *Model) FitsSize() bool { return true }

// Column indices.
const (
	colFunction = iota
	colType
	colSource
	colState
	colBatch
	colWindow
	colResult
	colAge
	colCFN
)

// tableConfig: the FUNCTION column only in the region-wide list; sources
// and functions take the spare width (issue 18: at 160 wide they were cut
// while 35 columns stood empty); type:, state:, source:, function: filter
// by column; fuzzy matches function, source and type ("/kinesis").
func (m *Model) tableConfig() table.Config[*model.ESM] {
	byFn := func(a, b *model.ESM) bool {
		if a.Function != b.Function {
			return a.Function < b.Function
		}
		return a.SourceARN < b.SourceARN
	}
	win := model.WindowLabel(m.deps.MetricsWindow()) // the window the ages are read over
	cols := []table.Column[*model.ESM]{
		colFunction: {Title: "FUNCTION", Width: 20, Max: 48, Priority: 0, Field: "function",
			Cell: func(it *model.ESM) string { return it.Function }, Less: byFn, SortName: "function"},
		colType: {Title: "TYPE", Width: 8, Priority: 3, Field: "type", Cell: func(it *model.ESM) string { return it.SourceType },
			Less: func(a, b *model.ESM) bool { return a.SourceType < b.SourceType }},
		colSource: {Title: "SOURCE", Width: 16, Max: 48, Priority: 1, Field: "source", Cell: func(it *model.ESM) string { return shortSource(it.SourceARN) },
			Less: func(a, b *model.ESM) bool { return a.SourceARN < b.SourceARN }}, // by service, then resource
		colState: {Title: "STATE", Width: 10, Priority: 2, Field: "state", Cell: func(it *model.ESM) string { return it.State },
			Less: func(a, b *model.ESM) bool { return a.State < b.State }},
		colBatch: {Title: "BATCH", Width: 6, Priority: 5, Right: true, Cell: func(it *model.ESM) string { return format.Int(it.BatchSize) },
			Less: func(a, b *model.ESM) bool { return a.BatchSize < b.BatchSize }},
		colWindow: {Title: "WINDOW", Width: 6, Priority: 7, Right: true, Cell: func(it *model.ESM) string {
			if it.BatchWindowSec > 0 {
				return fmt.Sprintf("%ds", it.BatchWindowSec)
			}
			return "-"
		}, Less: func(a, b *model.ESM) bool { return a.BatchWindowSec < b.BatchWindowSec }},
		colResult: {Title: "LAST RESULT", Width: 11, Max: 32, Priority: 4, Cut: table.CutEnd, Cell: func(it *model.ESM) string { return orDash(it.LastProcessingResult) },
			Less: func(a, b *model.ESM) bool { return a.LastProcessingResult < b.LastProcessingResult }},
		colAge: {Title: "ITERATOR AGE " + win, Width: max(13, len("ITERATOR AGE "+win)), Priority: 3, Cell: m.ageCell,
			Less: func(a, b *model.ESM) bool { return m.age(a) < m.age(b) }, SortName: "iterator age"},
		colCFN: {Title: "CFN", Width: 5, Priority: 6, Cell: func(it *model.ESM) string {
			if it.Tags[CFNTag] != "" {
				return "[cfn]"
			}
			return ""
		}},
	}
	if m.fn != "" {
		cols[colFunction].Priority = 9 // one function: hidden (New), still choosable
	}
	return m.withPairs(table.Config[*model.ESM]{
		Columns: cols,
		Key:     func(it *model.ESM) string { return it.UUID },
		Text:    func(it *model.ESM) string { return it.Function + " " + shortSource(it.SourceARN) + " " + it.SourceType },
		Style:   m.rowStyle,
		Empty:   "no event source mappings",
	})
}

// age is the latest IteratorAge of a stream mapping's function (-1: none).
func (m *Model) age(it *model.ESM) float64 {
	if v, ok := m.ages[m.fnKey(it)]; ok && len(v) > 0 && isStream(it.SourceType) {
		return last(v)
	}
	return -1
}

func (m *Model) ageCell(it *model.ESM) string {
	if !isStream(it.SourceType) {
		return ""
	}
	v, ok := m.ages[m.fnKey(it)]
	if !ok {
		return format.Loading
	}
	if len(v) == 0 {
		return format.NoData // no datapoint in the window (the header names it)
	}
	return format.Sparkline(v, 6) + " " + format.Millis(last(v))
}

// rowStyle: a failing last result in red, a mapping behind (iterator age
// over a minute) or disabled in amber, a changing state in the accent.
func (m *Model) rowStyle(it *model.ESM) *lipgloss.Style {
	lpr := it.LastProcessingResult
	switch {
	case lpr != "" && lpr != "OK" && lpr != "No records processed":
		return &m.st.Error
	case Transient(it.State):
		return &m.st.Accent
	case it.State == "Disabled" || m.age(it) > 60000:
		return &m.st.Warn
	}
	return nil
}

func (m *Model) asyncLines() []string {
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, m.w, "…")) }
	add("")
	add(m.st.Header.Render("Async invocation"))
	if m.detail == nil {
		add("  " + m.st.Muted.Render("not loaded"))
		add("")
		add(m.st.Header.Render("Triggers"))
		add("")
		return out
	}
	d := m.detail
	dlq := orDash(d.Function.DLQTarget)
	if e := d.EventInvoke; e != nil {
		retries, age := "2 (default)", "6h (default)"
		if e.MaxRetryAttempts != nil {
			retries = strconv.Itoa(*e.MaxRetryAttempts)
		}
		if e.MaxEventAgeSec != nil {
			age = fmtSeconds(*e.MaxEventAgeSec)
		}
		add(fmt.Sprintf("  retries %s · max event age %s · on success %s · on failure %s · DLQ %s",
			retries, age, orDash(destName(e.OnSuccess)), orDash(destName(e.OnFailure)), destName(dlq)))
	} else {
		add("  " + m.st.Muted.Render("defaults: 2 retries, 6h max event age, no destinations") + " · DLQ " + destName(dlq))
	}
	add("")
	add(m.st.Header.Render("Triggers") + m.st.Muted.Render(fmt.Sprintf("  %d mapping(s) above", len(m.items))))
	if len(d.Triggers) == 0 {
		add("  " + m.st.Muted.Render("no resource-policy principals"))
	} else {
		var parts []string
		for _, t := range d.Triggers {
			parts = append(parts, t.Principal+" "+destName(t.SourceARN))
		}
		add("  " + strings.Join(parts, " · "))
	}
	return out
}

func last(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}

// shortSource shortens an ARN to its resource (the TYPE column names the
// service): a queue, a stream, or "<table> stream".
func shortSource(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return arn
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	svc, res := parts[2], parts[5]
	switch svc {
	case "kinesis":
		res = strings.TrimPrefix(res, "stream/")
	case "dynamodb":
		res = strings.TrimPrefix(res, "table/")
		if i := strings.Index(res, "/stream/"); i >= 0 {
			res = res[:i] + " stream"
		}
	}
	return res
}

// destName names a destination ARN with its service: sqs:failures.
func destName(arn string) string {
	if p := strings.SplitN(arn, ":", 6); len(p) == 6 && p[0] == "arn" {
		return p[2] + ":" + shortSource(arn)
	}
	return arn
}

func fmtSeconds(sec int) string {
	switch {
	case sec%3600 == 0:
		return fmt.Sprintf("%dh", sec/3600)
	case sec%60 == 0:
		return fmt.Sprintf("%dm", sec/60)
	}
	return fmt.Sprintf("%ds", sec)
}

func short(uuid string) string {
	if len(uuid) > 8 {
		return uuid[:8]
	}
	return uuid
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
