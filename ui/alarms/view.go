package alarms

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
)

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	lines := make([]string, 0, m.h)
	title := m.st.Title.Render(m.Title())
	switch {
	case m.unsupported:
		lines = append(lines, title, m.st.Muted.Render(ansi.Truncate("CloudWatch alarms are not available on this endpoint (DescribeAlarms is missing or partial)", m.w, "…")))
		return textfit.LinesTail(lines, m.w, m.h, "…")
	case !m.loaded:
		lines = append(lines, title, m.st.Muted.Render("reading alarms…"))
		return textfit.LinesTail(lines, m.w, m.h, "…")
	case m.err != nil:
		lines = append(lines, title, m.st.Error.Render(ansi.Truncate("could not read alarms: "+m.err.Error(), m.w, "…")))
		return textfit.LinesTail(lines, m.w, m.h, "…")
	}
	inAlarm := 0
	for _, it := range m.tbl.Items() {
		if it.a.State == model.AlarmAlarm {
			inAlarm++
		}
	}
	head := fmt.Sprintf("%s  %d alarms", title, m.tbl.Total())
	if inAlarm > 0 {
		head += "  " + m.st.Alarm.Render(fmt.Sprintf("%d in ALARM", inAlarm))
	}
	if f := m.tbl.FilterView(m.w / 2); f != "" {
		head += "  " + f
	}
	lines = append(lines, ansi.Truncate(head, m.w, "…"))
	lines = append(lines, strings.Split(m.tbl.View(), "\n")...)
	if r, ok := m.tbl.Selected(); ok {
		lines = append(lines, m.detail(r, m.h-len(lines))...)
	}
	return textfit.LinesTail(lines, m.w, m.h, "…")
}

// detail is the selected alarm: state and reason, the chart with the
// threshold line, the composites including it, and its history.
func (m *Model) detail(r *row, room int) []string {
	if room <= 0 {
		return nil
	}
	a := r.a
	st := m.st.OK
	switch a.State {
	case model.AlarmAlarm:
		st = m.st.Alarm
	case model.AlarmInsufficient:
		st = m.st.Muted
	}
	out := []string{m.st.Muted.Render(strings.Repeat("─", m.w))}
	out = append(out, st.Render(stateLabel(a.State))+"  "+m.st.Bold.Render(common.Clean(a.Name))+"  "+m.st.Muted.Render("since "+m.since(a)))
	if a.Description != "" {
		out = append(out, m.st.Muted.Render(common.Clean(a.Description)))
	}
	out = append(out, "reason: "+common.Clean(model.ShortAlarmARNs(a.Reason)))
	// the condition in full, wrapped at word boundaries
	cond := textfit.Wrap("condition: "+common.Clean(condition(r))+"  actions: "+map[bool]string{true: "on", false: "muted"}[a.ActionsEnabled], max(1, m.w), 4)
	if n := len(cond) - 1; !a.ActionsEnabled && strings.HasSuffix(cond[n], "muted") {
		cond[n] = strings.TrimSuffix(cond[n], "muted") + m.st.Warn.Render("muted")
	}
	out = append(out, cond...)
	if len(r.children) > 0 {
		parts := make([]string, len(r.children))
		for i, n := range r.children {
			parts[i] = n + " (" + r.states[i] + ")"
		}
		out = append(out, textfit.Wrap("watches: "+common.Clean(strings.Join(parts, ", ")), max(1, m.w), 3)...)
	}
	if ps := m.ix.Parents(a.Name); len(ps) > 0 {
		var names []string
		for _, p := range ps {
			names = append(names, p.Name+" ("+stateLabel(p.State)+")")
		}
		out = append(out, "in composites: "+common.Clean(strings.Join(names, ", ")))
	}
	if m.series != nil && len(m.series.values) > 0 && !a.Composite {
		out = append(out, m.st.Muted.Render(m.series.caption(a.Threshold)))
		for _, l := range Chart(m.series.values, a.Threshold, true, min(m.w, 120), 4) {
			out = append(out, m.chartLine(l))
		}
	}
	out = append(out, m.st.TableHeader.Render("history"))
	switch {
	case m.histErr != nil && errors.Is(m.histErr, awsapi.ErrUnsupported):
		out = append(out, m.st.Muted.Render("history is not available on this endpoint"))
	case m.histErr != nil:
		out = append(out, m.st.Error.Render("history: "+m.histErr.Error()))
	case m.hist == nil && m.histFor == m.rowKey(r):
		out = append(out, m.st.Muted.Render("reading history…"))
	}
	for _, h := range m.hist {
		if h.Type == "Action" && len(out) > room-2 {
			continue
		}
		line := h.Time.UTC().Format("01-02 15:04") + "  " + padRight(h.Type, 19) + "  " + common.Clean(h.Summary)
		if reason := historyReason(h); reason != "" {
			line += " — " + common.Clean(model.ShortAlarmARNs(reason))
		}
		out = append(out, line)
	}
	return out
}

// chartLine colours the chart: bars above the threshold in the alarm
// colour, the threshold line muted.
func (m *Model) chartLine(l ChartLine) string {
	var b strings.Builder
	for i, c := range l.Cells {
		s := string(c)
		switch {
		case l.Over[i]:
			b.WriteString(m.st.Alarm.Render(s))
		case c == '─':
			b.WriteString(m.st.Muted.Render(s))
		default:
			b.WriteString(s)
		}
	}
	return b.String()
}

func padRight(s string, w int) string {
	if len(s) >= w {
		return s
	}
	return s + strings.Repeat(" ", w-len(s))
}
