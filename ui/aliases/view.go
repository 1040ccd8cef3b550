package aliases

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
)

const labelW = 13 // cockpit label column

// View implements common.Pane: aliases first, then the cockpit of the
// selected alias, then as many versions as fit.
func (m *Model) View() string {
	w, h := m.w, m.h
	if w <= 0 || h <= 0 {
		return ""
	}
	var top []string
	switch {
	case !m.loaded && m.loadErr != nil:
		return m.fit([]string{m.st.Error.Render("could not load aliases of " + m.fn.Name + ": " + m.loadErr.Error()),
			m.st.Muted.Render("press r to retry")}, w, h)
	case !m.loaded:
		return m.fit([]string{m.st.Muted.Render("loading versions and aliases of " + m.fn.Name + "…")}, w, h)
	}
	top = append(top, m.aliasLines(w)...)
	top = append(top, "")
	top = append(top, m.deployBannerLines(w)...)
	top = append(top, m.cockpitLines(w)...)
	top = append(top, m.messageLines(w)...)
	rest := h - len(top) - 1
	if rest >= 2+min(3, len(m.versions)) {
		// it fits: the versions list takes the rows that are left
		top = append(top, "")
		top = append(top, m.versionLines(w, rest)...)
		m.scroll.Off = 0
		return m.fit(top, w, h)
	}
	// taller than the pane: everything, in a window that keeps the
	// selected alias visible (ctrl+d/ctrl+u and the wheel scroll)
	top = append(top, "")
	vtop := len(top)
	// the versions list scrolls itself within at most a screen of rows
	top = append(top, m.versionLines(w, max(4, h-1))...)
	focus := -1
	switch {
	case m.vfocus && m.vlist.Len() > 0:
		focus = vtop + 2 + m.vlist.Cursor() - m.vlist.Offset() // its title and header first
	case len(m.aliases) > 0:
		focus = 2 + m.list.Cursor() // the title and the column header come first
	}
	return m.fit(m.scroll.Window(top, h, focus, func(s string) string { return m.st.Muted.Render(s) }), w, h)
}

func (m *Model) fit(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if width(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func pad(s string, w int) string {
	if n := width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	} else if n == w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// width is the display width of s. It is a fast path for what this pane
// draws (ASCII, SGR sequences, arrows, box and block characters); anything
// else falls back to ansi.StringWidth.
func width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			if i+1 >= len(s) || s[i+1] != '[' {
				return ansi.StringWidth(s)
			}
			i += 2
			for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
				i++
			}
			i++
			continue
		case c < 0x20 || c == 0x7f:
			return ansi.StringWidth(s)
		case c < 0x80:
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !narrow(r) {
			return ansi.StringWidth(s)
		}
		n++
		i += size
	}
	return n
}

func narrow(r rune) bool {
	switch {
	case r >= 0xa0 && r < 0x300: // Latin-1 and Latin Extended
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2190 && r <= 0x21ff: // punctuation, arrows
		return true
	case r >= 0x2500 && r <= 0x25ff: // box drawing, blocks, geometric shapes
		return true
	case r == 0x2717, r == 0x26a0: // ✗ ⚠
		return true
	}
	return false
}

// ---- aliases --------------------------------------------------------------

func (m *Model) aliasLines(w int) []string {
	title := m.st.Title.Render(fmt.Sprintf("Aliases (%d)", len(m.aliases)))
	if n := m.list.Len(); n != len(m.aliases) {
		title = m.st.Title.Render(fmt.Sprintf("Aliases (%d/%d)", n, len(m.aliases)))
	}
	if f := m.list.FilterView(w); f != "" {
		title += "  " + f
	}
	if m.loading {
		title += m.st.Muted.Render("  refreshing…")
	}
	if len(m.aliases) == 0 {
		return []string{title, m.st.Muted.Render("  no aliases: press " + m.km.Aliases.Create.Help().Key + " to create one")}
	}
	rows := m.list.Len()
	if m.list.Choosing() {
		rows = len(m.aliasTable().Columns) + 1
	}
	m.list.SetSize(w, max(2, rows+1))
	return append([]string{title}, strings.Split(m.list.View(), "\n")...)
}

// routingCell is "7 █████████░ 8 · 10%" or "7 ██████████ 100%".
func (m *Model) routingCell(a model.Alias, barW int) string {
	if !a.Routing.Active() {
		return pad(a.Version, 4) + " " + m.st.Muted.Render(strings.Repeat("█", barW)) + " 100%"
	}
	n := canaryCells(a.Routing.Weight, barW)
	bar := m.st.Muted.Render(strings.Repeat("█", barW-n)) + m.st.Accent.Render(strings.Repeat("░", n))
	return pad(a.Version, 4) + " " + bar + " " + a.Routing.AdditionalVersion + " · " + model.FormatWeight(a.Routing.Weight)
}

func (m *Model) provCell(alias string) string {
	if m.provErr != nil {
		return m.st.Muted.Render("n/a")
	}
	p, ok := m.prov[alias]
	if !ok {
		return m.st.Muted.Render(format.NoData)
	}
	s := fmt.Sprintf("%d/%d ", p.Allocated, p.Requested)
	switch p.Status {
	case "READY":
		return s + m.st.OK.Render(p.Status)
	case "FAILED":
		return s + m.st.Error.Render(p.Status)
	}
	return s + m.st.Warn.Render(p.Status)
}

// ---- cockpit --------------------------------------------------------------

func (m *Model) cockpitLines(w int) []string {
	a, ok := m.selected()
	if !ok {
		return nil
	}
	title := m.st.Title.Render("Cockpit · "+a.Name) + "  " + DescribeAlias(a) + m.st.Muted.Render("  rev "+shortRev(a.RevisionID))
	am, have := m.metrics[a.Name]
	switch {
	case !have:
		return []string{title, m.st.Muted.Render("  loading metrics…")}
	case am.err != nil && len(am.series) == 0:
		return []string{title, m.st.Error.Render("  metrics unavailable: " + am.err.Error())}
	}
	upd := "  metrics " + am.at.Format("15:04") + " (last " + model.WindowLabel(m.deps.MetricsWindow()) + ")"
	if am.err != nil {
		upd += " · refresh failed: " + am.err.Error()
	}
	out := []string{title + m.st.Muted.Render(upd)}

	versions := aliasVersions(a)
	colW := (w - labelW) / len(versions)
	colW = max(16, min(colW, 60))
	healths := make([]model.VersionHealth, len(versions))
	series := make([]versionSeries, len(versions))
	for i, v := range versions {
		healths[i], _ = m.health(a.Name, v, time.Time{})
		series[i] = am.series[v]
		// the window's own percentiles, as the function list and triage
		// compute them, not a mean or max of per-minute ones
		healths[i].P50Ms, healths[i].P99Ms = 0, 0
		if x, ok := series[i].winP50.LastPresent(); ok {
			healths[i].P50Ms = x
		}
		if x, ok := series[i].winP99.LastPresent(); ok {
			healths[i].P99Ms = x
		}
	}
	var cmp model.HealthComparison
	if len(versions) == 2 {
		cmp = model.CompareHealth(healths[0], healths[1], m.opt.Thresholds)
	}
	bad := func(i int, worse bool) bool { return i == 1 && worse }

	head := pad("", labelW)
	for i, v := range versions {
		role := "stable"
		if i == 1 {
			role = "canary"
			if cmp.Worse() {
				role += " ✗ worse"
			}
		}
		head += pad(m.st.Bold.Render("v"+v)+" "+m.st.Muted.Render(role), colW)
	}
	out = append(out, head)

	totalInv := 0.0
	for _, h := range healths {
		totalInv += h.Invocations
	}
	valW := min(18, colW/2)
	sparkW := max(0, min(30, colW-valW-2))
	row := func(label string, cell func(i int) (val string, spark []float64, worse bool)) {
		line := m.st.Header.Render(pad(label, labelW))
		for i := range versions {
			val, sp, worse := cell(i)
			c := pad(val, valW)
			if sp != nil && sparkW > 0 {
				c += " " + format.Sparkline(sp, sparkW)
			}
			c = pad(c, colW)
			if bad(i, worse) {
				c = m.st.Error.Render(pad("✗ "+val, valW) + c[len(pad(val, valW)):]) // visible without colour too
			}
			line += c
		}
		out = append(out, line)
	}
	row("weight", func(i int) (string, []float64, bool) {
		w := 1.0
		if a.Routing.Active() {
			w = a.Routing.Weight
			if i == 0 {
				w = 1 - w
			}
		}
		return model.FormatWeight(model.RoundWeight(w)), nil, false
	})
	row("observed", func(i int) (string, []float64, bool) {
		if totalInv == 0 {
			return "no traffic", nil, false
		}
		return format.Percent(100 * healths[i].Invocations / totalInv), nil, false
	})
	row("invocations", func(i int) (string, []float64, bool) {
		return format.Float(healths[i].Invocations), series[i].inv.Values, false
	})
	row("errors", func(i int) (string, []float64, bool) {
		h := healths[i]
		if h.Invocations <= 0 {
			return format.NoData, nil, false // no invocations: no error rate
		}
		return format.Percent(h.ErrorPct()) + " (" + format.Float(h.Errors) + ")", ratioSeries(series[i].errs.Values, series[i].inv.Values), cmp.Errors
	})
	out = append(out, m.aliasThrottleLine(a.Name, am, colW))
	row("p50", func(i int) (string, []float64, bool) {
		return ms(healths[i].P50Ms), series[i].p50.Values, cmp.P50
	})
	row("p99/timeout", func(i int) (string, []float64, bool) {
		h := healths[i]
		v := ms(h.P99Ms)
		if h.TimeoutMs > 0 {
			v += fmt.Sprintf(" %.0f%%", 100*h.P99OfTimeout())
		}
		return v, series[i].p99.Values, cmp.P99 || h.P99OfTimeout() > 0.8
	})
	if m.alarms != nil {
		line := m.st.Header.Render(pad("alarms", labelW))
		for _, v := range versions {
			cell, firing := m.alarmCell(a, v)
			c := pad(cell, colW)
			if firing {
				c = m.st.Alarm.Render(c)
			}
			line += c
		}
		out = append(out, line)
	}
	out = append(out, m.st.Header.Render(pad("cold starts", labelW))+
		m.st.Muted.Render(textfit.First(w-labelW,
			"n/a: CloudWatch has no cold-start metric (REPORT Init Duration in the Logs tab)",
			"n/a: no CloudWatch metric (Init Duration in the Logs tab)",
			"n/a: see Init Duration in the Logs tab",
			"n/a (Logs tab)")))
	if len(versions) == 2 && !cmp.Judged {
		out = append(out, m.st.Muted.Render(pad("", labelW)+textfit.First(w-labelW,
			fmt.Sprintf("too little canary traffic to judge (< %.0f invocations)", m.opt.Thresholds.MinInvocations),
			fmt.Sprintf("too little traffic to judge (< %.0f)", m.opt.Thresholds.MinInvocations),
			"too little traffic to judge")))
	}
	return out
}

func ms(v float64) string {
	if v <= 0 {
		return format.NoData
	}
	if v >= 10000 {
		return fmt.Sprintf("%.1fs", v/1000)
	}
	return fmt.Sprintf("%.0fms", v)
}

// ---- messages: plan, problems, conflict, outcome --------------------------

func (m *Model) messageLines(w int) (out []string) {
	defer func() { // long messages wrap rather than lose what to do
		var wrapped []string
		for _, l := range out {
			wrapped = append(wrapped, strings.Split(ansi.Wrap(l, w, " "), "\n")...)
		}
		out = wrapped
	}()
	if m.plan != nil {
		now := m.deps.Now()
		_, abort, _ := strings.Cut(m.plan.plan.Describe(), "; ")
		out = append(out, m.st.Accent.Render("Plan · ")+m.planLabel(now)+m.st.Muted.Render(" · "+abort))
	} else if m.lastPlan != "" {
		out = append(out, m.st.Muted.Render("Last plan · "+m.lastPlan))
	}
	if m.conflict != nil {
		out = append(out, m.st.Warn.Render(fmt.Sprintf("⚠ changed by someone else: theirs %s (rev %s) · yours was %s",
			DescribeAlias(m.conflict.theirs), shortRev(m.conflict.theirs.RevisionID),
			model.DescribeRouting(m.conflict.mine.Version, m.conflict.mine.Routing))))
	}
	for _, p := range m.problems {
		out = append(out, m.st.Error.Render("✗ "+p.Message))
	}
	if m.notice != "" && len(m.problems) == 0 {
		if m.noticeErr {
			out = append(out, m.st.Error.Render(m.notice))
		} else {
			out = append(out, m.st.OK.Render(m.notice))
		}
	}
	return out
}
