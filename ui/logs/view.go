package logs

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/format"
)

const timeLayout = "15:04:05.000"

// View implements common.Pane. Only the visible rows are rendered.
func (m *Model) View() string {
	m.views++
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	bodyH := m.bodyHeight()
	var rows []string
	switch {
	case len(m.split) > 0 && m.request == "":
		rows = m.splitRows(bodyH)
	case m.request != "":
		rows = m.requestRows(bodyH)
	default:
		rows = m.column(m.w, bodyH, nil)
	}
	for len(rows) < bodyH {
		rows = append(rows, "")
	}
	var b strings.Builder
	b.WriteString(m.statusLine())
	for _, r := range rows {
		b.WriteByte('\n')
		b.WriteString(r)
	}
	if m.imode != inputNone {
		b.WriteByte('\n')
		b.WriteString(ansi.Truncate(m.input.View(), m.w, "…"))
	}
	return b.String()
}

// column renders the rows of one column of width w, bottom-anchored at the
// newest line (following) or at m.bottom (paused); keep selects the lines.
func (m *Model) column(w, h int, keep func(*model.LogLine) bool) []string {
	if m.ring.Len() == 0 {
		msg := "waiting for log events…"
		if !m.running && m.lastErr != nil {
			msg = "tail stopped: " + m.lastErr.Error() + " (r restarts)"
		} else if m.hidden {
			msg = "tail paused while hidden"
		}
		return []string{m.st.Muted.Render(ansi.Truncate(msg, w, "…"))}
	}
	anchor := m.newest()
	if !m.follow {
		anchor = min(m.bottom, anchor)
	}
	first := m.ring.First()
	var out []string // newest first
	for s := anchor + 1; s > first && len(out) < h; s-- {
		l := m.ring.Seq(s - 1)
		if keep != nil && !keep(l) {
			continue
		}
		rs := m.renderLine(l, s-1, w)
		for i := len(rs) - 1; i >= 0 && len(out) < h; i-- {
			out = append(out, rs[i])
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (m *Model) requestRows(h int) []string {
	title := m.st.Title.Render(ansi.Truncate(fmt.Sprintf("request %s · %d lines · esc returns", m.request, len(m.reqSeqs)), m.w, "…"))
	out := []string{title}
	seqs := m.reqSeqs
	var rows []string
	for _, s := range seqs {
		if l := m.ring.Seq(s); l != nil {
			rows = append(rows, m.renderLine(l, s, m.w)...)
		}
	}
	if len(rows) > h-1 {
		rows = rows[len(rows)-(h-1):]
	}
	return append(out, rows...)
}

func (m *Model) splitRows(h int) []string {
	gap := 1
	cw := (m.w - gap) / 2
	cols := make([][]string, len(m.split))
	for i, v := range m.split {
		v := v
		head := fmt.Sprintf("v%s", v)
		if i < len(m.splitW) {
			head += fmt.Sprintf(" · %d%%", int(m.splitW[i]*100+0.5))
		}
		st := m.versionStats(v)
		head += fmt.Sprintf(" · %d inv · %d err · %d cold", st.inv, st.errs, st.cold)
		style := m.st.Source(i)
		col := []string{padRight(style.Bold(true).Render(ansi.Truncate(head, cw, "…")), cw)}
		rows := m.column(cw, h-1, func(l *model.LogLine) bool { return l.Version == v })
		if m.ring.Len() == 0 && len(rows) > 0 {
			rows[0] = padRight(rows[0], cw)
		}
		col = append(col, rows...)
		cols[i] = col
	}
	out := make([]string, h)
	blank := strings.Repeat(" ", cw)
	sep := m.st.Muted.Render("│")
	for r := 0; r < h; r++ {
		var parts []string
		for i := range cols {
			cell := blank
			if r < len(cols[i]) {
				cell = cols[i][r] // already cw wide
			}
			parts = append(parts, cell)
		}
		out[r] = strings.Join(parts, sep)
	}
	return out
}

type vstats struct{ inv, errs, cold int }

// versionStats are the invocations, errors and cold starts of one version
// seen since the buffer was last reset.
func (m *Model) versionStats(v string) vstats {
	if vs := m.vstats[v]; vs != nil {
		return *vs
	}
	return vstats{}
}

func padRight(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "")
	}
	return s + strings.Repeat(" ", w-sw)
}

// lineHeight is how many rows line s takes.
func (m *Model) lineHeight(s uint64) int {
	if !m.json {
		return 1
	}
	l := m.ring.Seq(s)
	if l == nil || !l.JSON || l.Kind == model.KindReport {
		return 1
	}
	p, _ := model.PrettyJSON(l.Message)
	return strings.Count(p, "\n") + 1
}

// paint is a style's escape sequences around a "\x00" probe, so rows are
// coloured by concatenation instead of a lipgloss Render per cell.
type paint struct{ pre, post string }

func mkPaint(st lipgloss.Style) paint {
	r := st.Render("\x00")
	i := strings.IndexByte(r, 0)
	if i < 0 {
		return paint{}
	}
	return paint{r[:i], r[i+1:]}
}

func (p paint) on(s string) string {
	if s == "" || p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

type paints struct {
	muted, text, err, warn, accent, selected paint
	source                                   []paint
}

func (m *Model) paint() *paints {
	if m.paints == nil {
		p := &paints{muted: mkPaint(m.st.Muted), text: mkPaint(m.st.Text), err: mkPaint(m.st.Error),
			warn: mkPaint(m.st.Warn), accent: mkPaint(m.st.Accent), selected: mkPaint(m.st.Selected)}
		for i := range m.fns {
			p.source = append(p.source, mkPaint(m.st.Source(i)))
		}
		m.paints = p
	}
	return m.paints
}

// fit truncates plain text to w cells, fast for ASCII.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return ansi.Truncate(s, w, "…")
		}
	}
	if len(s) <= w {
		return s
	}
	return s[:w-1] + "…"
}

// rowKey is what a cached row render depends on besides the line itself.
type rowKey struct {
	w            int
	json, dark   bool
	search       string
	multi, split bool
}

// renderLine renders one buffered line as one row (or several, for pretty
// JSON), each at most w cells wide. Renders are cached by sequence number
// (lines never change) until the width or a display setting changes; the
// selected row is always rendered afresh.
func (m *Model) renderLine(l *model.LogLine, seq uint64, w int) []string {
	selected := !m.follow && seq == m.cursor
	if selected {
		return m.padSplit(m.renderRow(l, seq, w, true), w)
	}
	k := rowKey{w: w, json: m.json, dark: m.st.IsDark, search: m.search, multi: len(m.fns) > 1, split: len(m.split) > 0}
	if k != m.cacheKey || m.cache == nil || len(m.cache) > 4096 {
		if k.dark != m.cacheKey.dark {
			m.paints = nil
		}
		m.cache = make(map[uint64][]string, 256)
		m.cacheKey = k
	}
	if r, ok := m.cache[seq]; ok {
		return r
	}
	r := m.padSplit(m.renderRow(l, seq, w, false), w)
	m.cache[seq] = r
	return r
}

// padSplit pads rows to the column width in the split view, once per
// render (rows are cached), so columns line up without measuring per frame.
func (m *Model) padSplit(rows []string, w int) []string {
	if len(m.split) == 0 {
		return rows
	}
	for i := range rows {
		rows[i] = padRight(rows[i], w)
	}
	return rows
}

func (m *Model) renderRow(l *model.LogLine, seq uint64, w int, selected bool) []string {
	p := m.paint()
	match := m.search != "" && model.ContainsFold(l.Message, m.search)
	gutter := " "
	switch {
	case selected:
		gutter = p.accent.on("›")
	case match:
		gutter = p.warn.on("•")
	}
	var ts [len(timeLayout)]byte
	prefix := gutter + p.muted.on(string(l.Time.UTC().AppendFormat(ts[:0], timeLayout))) + " "
	used := 1 + len(timeLayout) + 1
	if len(m.fns) > 1 {
		src := int(l.Source) % len(m.fns)
		name := m.fns[src].Name
		if len(name) > 16 {
			name = name[:15] + "…"
		}
		name = padRight(name, 16)
		prefix += p.source[src].on(name) + " "
		used += 17
	}
	room := w - used
	if room <= 0 {
		return []string{ansi.Truncate(prefix, w, "")}
	}
	if l.Kind == model.KindReport && l.Report != nil {
		return []string{prefix + m.reportText(l, room)}
	}
	sev := m.sevPaint(l)
	if m.json && l.JSON {
		pj, _ := model.PrettyJSON(l.Message)
		parts := strings.Split(pj, "\n")
		out := make([]string, len(parts))
		indent := strings.Repeat(" ", used)
		for i, part := range parts {
			txt := sev.on(fit(part, room))
			if i == 0 {
				out[i] = prefix + txt
			} else {
				out[i] = indent + txt
			}
		}
		return out
	}
	text := m.displayText(l)
	tag := ""
	if s := l.Severity.String(); s != "" && l.Kind == model.KindApp {
		tag = s + strings.Repeat(" ", 6-len(s))
	}
	line := fit(tag+text, room)
	if selected {
		return []string{prefix + p.selected.on(line)}
	}
	return []string{prefix + sev.on(line)}
}

func (m *Model) sevPaint(l *model.LogLine) paint {
	p := m.paint()
	switch {
	case l.Severity >= model.SevError:
		return p.err
	case l.Severity == model.SevWarn:
		return p.warn
	case l.Severity == model.SevDebug || l.Severity == model.SevTrace:
		return p.muted
	case l.Kind == model.KindStart || l.Kind == model.KindEnd || l.Kind == model.KindPlatform:
		return p.muted
	case l.Kind == model.KindInit:
		return p.warn
	}
	return p.text
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// displayText is the message without the fields the row already shows
// (timestamp, request id and level of the runtimes' text format).
func (m *Model) displayText(l *model.LogLine) string {
	msg := l.Message
	switch l.Kind {
	case model.KindStart:
		v := ""
		if i := strings.Index(msg, "Version: "); i >= 0 {
			v = " v" + strings.TrimSpace(msg[i+len("Version: "):])
		}
		return "START  " + shortID(l.RequestID) + v
	case model.KindEnd:
		return "END    " + shortID(l.RequestID)
	}
	if l.JSON {
		return msg
	}
	if l.RequestID != "" {
		// Node: ts \t id \t LEVEL \t msg; Python: [LEVEL] \t ts \t id \t msg.
		f := strings.SplitN(msg, "\t", 4)
		if len(f) == 4 {
			switch l.RequestID {
			case f[1]:
				return shortID(l.RequestID) + "  " + tabs(f[3])
			case f[2]:
				return shortID(l.RequestID) + "  " + tabs(f[3])
			}
		}
	}
	return tabs(msg)
}

func tabs(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\t", "  ")
}

// reportText renders a REPORT as compact columns with a cold-start marker.
func (m *Model) reportText(l *model.LogLine, room int) string {
	r := l.Report
	mem := ""
	if r.MemorySizeMB > 0 {
		mem = fmt.Sprintf("%d/%dMB %3d%%", r.MaxMemoryUsedMB, r.MemorySizeMB, int(r.MemoryUse()*100+0.5))
	}
	base := fmt.Sprintf("REPORT %-8s %9s  billed %7s  %-17s", shortID(r.RequestID), ms(r.Duration), ms(r.BilledDuration), mem)
	p := m.paint()
	s := p.accent.on(fit(base, room))
	used := min(len(base), room)
	var extra []string
	if l.Cold {
		d := r.InitDuration
		if d == 0 {
			d = r.RestoreDuration
		}
		c := " ❄ cold " + ms(d)
		extra = append(extra, p.warn.on(ansi.Truncate(c, room-used, "…")))
		used += ansi.StringWidth(c)
	}
	if r.TimedOut || l.Severity >= model.SevError {
		if used < room {
			extra = append(extra, p.err.on(ansi.Truncate(" TIMEOUT", room-used, "")))
		}
	}
	return s + strings.Join(extra, "")
}

func ms(d time.Duration) string {
	v := float64(d.Microseconds()) / 1000
	switch {
	case v >= 10000:
		return strconv.FormatFloat(v/1000, 'f', 1, 64) + "s"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64) + "ms"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + "ms"
}

// statusLine shows the tail's badges and the buffer's roll-up.
func (m *Model) statusLine() string {
	var parts []string
	switch {
	case m.running && m.mode == awsapi.TailLive:
		parts = append(parts, m.st.Badge(m.st.OK).Render("LIVE TAIL"))
	case m.running && m.mode == awsapi.TailPoll:
		parts = append(parts, m.st.Badge(m.st.Warn).Render("POLLING"))
	case m.running:
		parts = append(parts, m.st.Badge(m.st.Muted).Render("CONNECTING"))
	case m.hidden:
		parts = append(parts, m.st.Badge(m.st.Muted).Render("STOPPED (hidden)"))
	default:
		parts = append(parts, m.st.Badge(m.st.Error).Render("STOPPED"))
	}
	if m.sampled {
		parts = append(parts, m.st.Badge(m.st.Warn).Render("SAMPLED"))
	}
	if m.lag >= 2*time.Second {
		parts = append(parts, m.st.Badge(m.st.Warn).Render("LAG "+model.ShortDuration(m.lag)))
	}
	if m.dropped > 0 {
		parts = append(parts, m.st.Badge(m.st.Error).Render(fmt.Sprintf("DROPPED %d", m.dropped)))
	}
	if m.follow {
		parts = append(parts, m.st.Muted.Render("following"))
	} else {
		parts = append(parts, m.st.Warn.Render("paused"))
	}
	if m.filter != "" {
		parts = append(parts, m.st.Accent.Render("F "+strconv.Quote(m.filter)))
	}
	if m.search != "" {
		parts = append(parts, m.st.Accent.Render("/"+m.search))
	}
	if len(m.split) > 0 {
		parts = append(parts, m.st.Accent.Render("split v"+strings.Join(m.split, "|v")))
	}
	if m.json {
		parts = append(parts, m.st.Muted.Render("json"))
	}
	parts = append(parts, m.st.Muted.Render(fmt.Sprintf("%s lines", format.Int(m.ring.Len()))))
	if m.invocations > 0 && len(m.fns) > 1 {
		// one roll-up per function: memory and price differ between them
		var each []string
		for i, f := range m.fns {
			r := m.perFn[i]
			if r == nil || r.invocations == 0 {
				continue
			}
			s := fmt.Sprintf("%s %d inv · %d%% cold", f.Name, r.invocations, (r.cold*100+r.invocations/2)/r.invocations)
			if r.memSize > 0 {
				s += fmt.Sprintf(" · mem %d/%dMB", r.maxMem, r.memSize)
			}
			each = append(each, s)
		}
		parts = append(parts, m.st.Text.Render(strings.Join(each, "; ")))
	} else if m.invocations > 0 {
		avg := m.durTotal / time.Duration(m.invocations)
		s := fmt.Sprintf("%d inv · %d%% cold · avg %s", m.invocations, (m.cold*100+m.invocations/2)/m.invocations, ms(avg))
		if m.memSize > 0 {
			s += fmt.Sprintf(" · mem %d/%dMB", m.maxMem, m.memSize)
		}
		s += " · ~" + model.FormatDollars(m.costTotal/float64(m.invocations)*1e6) + "/1M inv"
		parts = append(parts, m.st.Text.Render(s))
	}
	if m.errors > 0 {
		parts = append(parts, m.st.Error.Render(fmt.Sprintf("%d errors", m.errors)))
	}
	if m.lastErr != nil && m.running {
		parts = append(parts, m.st.Error.Render(m.lastErr.Error()))
	}
	return ansi.Truncate(strings.Join(parts, " "), m.w, "…")
}
