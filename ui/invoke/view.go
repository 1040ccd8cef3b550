package invoke

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.editor.SetWidth(max(10, w))
	m.editor.SetHeight(m.editorH())
}

func (m *Model) editorH() int { return max(3, (m.h-4)*2/5) }

func (m *Model) resultH() int { return max(1, m.h-m.editorH()-3-m.historyH()) }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	k := m.km.Invoke
	if m.editing {
		return []key.Binding{k.Send, k.Template, k.Qualifier, k.Type, k.Format, k.Save, k.Load, m.km.Global.Back}
	}
	if m.ht.CapturesInput() {
		return m.ht.HelpKeys()
	}
	out := []key.Binding{k.Send, k.Edit, k.Older, k.Newer, k.Qualifier, k.Type, k.Template, k.Load}
	if len(m.hist) > 0 {
		l := m.km.List
		out = append(out, l.Filter, l.SortNext, l.SortReverse)
		if _, off := m.ht.Columns(); off > 0 {
			out = append(out, l.ScrollRight, l.Columns)
		}
	}
	return out
}

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var b strings.Builder
	head := m.st.Title.Render("Invoke "+m.fn.Name) + "  " +
		m.st.Muted.Render("qualifier ") + m.st.Accent.Render(m.Qualifier()) + m.st.Muted.Render(fmt.Sprintf(" %d/%d", m.qi+1, len(m.quals))) + "  " +
		m.st.Muted.Render("type ") + m.st.Accent.Render(string(m.Type()))
	if m.tmpl >= 0 {
		head += "  " + m.st.Muted.Render("template "+Templates[m.tmpl].Name)
	}
	if len(m.saved) > 0 {
		head += "  " + m.st.Muted.Render(fmt.Sprintf("%d saved", len(m.saved)))
	}
	b.WriteString(ansi.Truncate(head, m.w, "…"))
	b.WriteString("\n")
	eh := m.editorH()
	if m.big != nil {
		lines := []string{
			m.st.Warn.Render(fmt.Sprintf("payload from %s: %s — too large to edit here", m.bigName, size(len(m.big)))),
			m.st.Muted.Render("alt+o loads another, ctrl+t a template"),
		}
		b.WriteString(textfit.Text(strings.Join(lines, "\n"), m.w, eh))
	} else {
		b.WriteString(textfit.Text(m.editor.View(), m.w, eh))
	}
	b.WriteString("\n")
	b.WriteString(ansi.Truncate(m.validationLine(), m.w, "…"))
	b.WriteString("\n")
	b.WriteString(m.ruler())
	b.WriteString("\n")
	for _, l := range m.historyLines() {
		b.WriteString(l)
		b.WriteString("\n")
	}
	lines := m.resultLines()
	rh := m.resultH()
	end := min(len(lines), m.scroll+rh)
	vis := lines[min(m.scroll, end):end]
	b.WriteString(textfit.Text(strings.Join(vis, "\n"), m.w, rh))
	return b.String()
}

func (m *Model) validationLine() string {
	p := m.Payload()
	if m.notice != "" && m.noticeE {
		return m.st.Error.Render("✗ " + m.notice)
	}
	if m.jsonErr != nil {
		return m.st.Error.Render("✗ invalid JSON at " + m.jsonErr.Error())
	}
	limit := model.MaxSyncPayload
	if m.Type() == model.Event {
		limit = model.MaxAsyncPayload
	}
	if len(p) > limit {
		return m.st.Error.Render(fmt.Sprintf("✗ %s is over the %s limit for %s", size(len(p)), size(limit), m.Type()))
	}
	s := "✓ valid JSON"
	if len(strings.TrimSpace(string(p))) == 0 {
		s = "✓ empty payload"
	}
	out := m.st.OK.Render(s) + m.st.Muted.Render(fmt.Sprintf(" · %s of %s", size(len(p)), size(limit)))
	if m.inflight {
		out += "  " + m.st.Accent.Render("invoking…")
	}
	return out
}

func (m *Model) ruler() string {
	label := " Result "
	if e, ok := m.shown(); ok {
		label = fmt.Sprintf(" Result %d/%d ", m.histIndex(e.id)+1, len(m.hist))
		if f := m.ht.FilterView(m.w); f != "" {
			label += f + " "
		}
		if m.ht.SortColumn() != hcolTime || !m.ht.SortDesc() {
			label += m.st.Muted.Render(m.ht.SortTitle()) + " "
		}
	} else if f := m.ht.FilterView(m.w); f != "" {
		label += f + " "
	}
	rest := max(0, m.w-ansi.StringWidth(label)-2)
	if m.ht.Filtering() || m.ht.Filter() != "" {
		return m.st.Muted.Render("──") + label + m.st.Muted.Render(strings.Repeat("─", rest))
	}
	return m.st.Muted.Render("──" + label + strings.Repeat("─", rest))
}

// resultLines renders the shown history entry, cached by entry and width.
func (m *Model) resultLines() []string {
	sel, ok := m.shown()
	switch {
	case len(m.hist) == 0:
		return []string{m.st.Muted.Render("No result yet: ctrl+s sends (after a confirmation).")}
	case !ok:
		return nil // the history says no row matches the filter
	}
	e := *sel
	k := fmt.Sprintf("%d|%d|%p", e.id, m.w, m.st)
	if m.cache.key == k {
		return m.cache.lines
	}
	m.cache.key = k
	m.cache.lines = renderEntry(m.st, e, m.fn, m.opt.Prices, m.w)
	return m.cache.lines
}

// ErrorPayload is the body Lambda returns with a function error.
type ErrorPayload struct {
	Type    string
	Message string
	Trace   []string
}

// ParseErrorPayload reads errorType, errorMessage and stackTrace.
func ParseErrorPayload(b []byte) (ErrorPayload, bool) {
	var raw struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
		StackTrace   any    `json:"stackTrace"`
		Trace        any    `json:"trace"`
	}
	if err := jsonUnmarshal(b, &raw); err != nil || (raw.ErrorType == "" && raw.ErrorMessage == "") {
		return ErrorPayload{}, false
	}
	ep := ErrorPayload{Type: raw.ErrorType, Message: raw.ErrorMessage}
	st := raw.StackTrace
	if st == nil {
		st = raw.Trace
	}
	switch v := st.(type) {
	case []any:
		for _, x := range v {
			switch y := x.(type) {
			case string:
				ep.Trace = append(ep.Trace, y)
			case []any: // python: [file, line, func, code]
				parts := make([]string, 0, len(y))
				for _, p := range y {
					parts = append(parts, fmt.Sprint(p))
				}
				ep.Trace = append(ep.Trace, strings.Join(parts, ", "))
			default:
				ep.Trace = append(ep.Trace, fmt.Sprint(y))
			}
		}
	case string:
		ep.Trace = strings.Split(v, "\n")
	}
	return ep, true
}

// FormatCost renders a tiny dollar amount with three significant digits.
func FormatCost(v float64) string {
	if v <= 0 {
		return "$0"
	}
	if v >= 0.01 {
		return model.FormatDollars(v)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	// keep three significant digits
	i := strings.IndexFunc(s[2:], func(r rune) bool { return r != '0' })
	if i < 0 {
		return "$" + s
	}
	end := min(len(s), 2+i+3)
	return "$" + strings.TrimRight(s[:end], "0")
}

func renderEntry(st *styles.Styles, e Entry, fn model.Function, prices model.Prices, w int) []string {
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, w, "…")) }
	wrap := func(prefix, s string) {
		for _, l := range strings.Split(s, "\n") {
			for _, p := range strings.Split(ansi.Hardwrap(prefix+l, max(10, w), true), "\n") {
				out = append(out, p)
			}
		}
	}
	when := e.At.UTC().Format("15:04:05")
	add(st.Muted.Render(fmt.Sprintf("%s  %s  %s  %s payload", when, target(e.Function, e.Qualifier), e.Type, size(e.Size))))
	if e.Err != nil {
		var tooLarge *awsapi.PayloadTooLargeError
		msg := e.Err.Error()
		if errors.As(e.Err, &tooLarge) {
			msg = "refused before sending: " + msg
		}
		wrap("", st.Error.Render("✗ "+msg))
		return out
	}
	r := e.Result
	status := st.OK.Render(fmt.Sprintf("status %d", r.StatusCode))
	if r.StatusCode >= 300 || r.FunctionError != "" {
		status = st.Error.Render(fmt.Sprintf("status %d", r.StatusCode))
	}
	line := status + "  " + st.Muted.Render("executed ") + orDash(r.ExecutedVersion)
	if r.RequestID != "" {
		line += "  " + st.Muted.Render("request "+r.RequestID)
	}
	if r.Elapsed > 0 {
		line += "  " + st.Muted.Render(fmt.Sprintf("round trip %d ms", r.Elapsed.Milliseconds()))
	}
	add(line)
	if rep := r.Report; rep != nil {
		mem := fmt.Sprintf("memory %d/%d MB (%d%%)", rep.MaxMemoryUsedMB, rep.MemorySizeMB, int(rep.MemoryUse()*100+0.5))
		add(st.Bold.Render("REPORT ") + fmt.Sprintf("duration %s · billed %d ms · %s", ms(rep.Duration), rep.BilledDuration.Milliseconds(), mem))
		s := "warm start"
		if rep.InitDuration > 0 {
			s = st.Warn.Render("init " + ms(rep.InitDuration) + " (cold start)")
		}
		memMB := rep.MemorySizeMB
		if memMB == 0 {
			memMB = fn.MemoryMB
		}
		arch := fn.Architecture
		if arch == "" {
			arch = "x86_64"
		}
		cost := model.InvocationCost(rep.BilledDuration, memMB, arch, prices) + model.StorageCost(rep.BilledDuration, fn.EphemeralMB, prices)
		add("       " + s + " · " + st.Accent.Render("cost "+FormatCost(cost)) + st.Muted.Render(" ("+model.InvocationBasis(prices, arch, fn.EphemeralMB)+")"))
	} else if e.Type == model.RequestResponse {
		add(st.Muted.Render("no REPORT line in the log tail"))
	}
	if r.FunctionError != "" {
		add("")
		if ep, ok := ParseErrorPayload(r.Payload); ok {
			add(st.Error.Render(fmt.Sprintf("function error (%s): %s", r.FunctionError, ep.Type)))
			wrap("  ", ep.Message)
			for _, t := range ep.Trace {
				wrap("    ", st.Muted.Render(t))
			}
		} else {
			add(st.Error.Render("function error (" + r.FunctionError + ")"))
		}
	}
	if e.Type == model.RequestResponse {
		add("")
		add(st.Header.Render("Response"))
		body := r.Payload
		if len(body) == 0 {
			add(st.Muted.Render("  (empty)"))
		} else {
			if len(body) > 1<<20 {
				body = body[:1<<20]
			}
			wrap("  ", string(Pretty(body)))
		}
	} else if e.Type == model.Event {
		add(st.Muted.Render("queued for asynchronous execution (202): the result goes to the function's destinations"))
	} else {
		add(st.Muted.Render("dry run: the function would run with this input and these permissions"))
	}
	if r.LogTail != "" {
		add("")
		add(st.Header.Render("Log tail (last 4 KB)"))
		for _, l := range strings.Split(strings.TrimRight(r.LogTail, "\n"), "\n") {
			l = strings.ReplaceAll(l, "\t", "  ")
			if strings.HasPrefix(l, "REPORT ") {
				l = st.Accent.Render(l)
			}
			wrap("  ", l)
		}
	}
	return out
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func target(fn, q string) string {
	if q == "" || q == "$LATEST" {
		return fn + ":$LATEST"
	}
	return fn + ":" + q
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
