package tune

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/NimbleMarkets/ntcharts/v2/canvas"
	"github.com/NimbleMarkets/ntcharts/v2/linechart"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

func resultColumns() []table.Column[*model.SizeResult] {
	ms := func(v float64) string {
		if v == 0 {
			return "–"
		}
		if v >= 100 {
			return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
		}
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return []table.Column[*model.SizeResult]{
		{Title: "MEMORY", Width: 7, Right: true, Cell: func(r *model.SizeResult) string { return strconv.Itoa(r.MemoryMB) + " MB" }},
		{Title: "MEAN ms", Width: 8, Right: true, Priority: 1, Cell: func(r *model.SizeResult) string { return ms(r.MeanMs) }},
		{Title: "P90 ms", Width: 7, Right: true, Priority: 3, Cell: func(r *model.SizeResult) string { return ms(r.P90Ms) }},
		{Title: "COLD", Width: 5, Right: true, Priority: 5, Cell: func(r *model.SizeResult) string {
			return strconv.Itoa(int(math.Round(r.ColdShare*100))) + "%"
		}},
		{Title: "MAX MEM", Width: 8, Right: true, Priority: 4, Cell: func(r *model.SizeResult) string { return strconv.Itoa(r.MaxMemoryMB) + " MB" }},
		{Title: "ERRORS", Width: 9, Priority: 2, Cell: func(r *model.SizeResult) string {
			switch {
			case r.OOM > 0:
				return fmt.Sprintf("%d OOM", r.OOM)
			case r.Errors > 0:
				return strconv.Itoa(r.Errors)
			}
			return "–"
		}},
		{Title: "$/INVOKE", Width: 10, Right: true, Priority: 6, Cell: func(r *model.SizeResult) string {
			return strconv.FormatFloat(r.CostPerInvoke*1e6, 'f', 2, 64) + "µ"
		}},
		{Title: "$/1M", Width: 8, Right: true, Priority: 1, Cell: func(r *model.SizeResult) string { return model.FormatDollars(r.CostPerMillion) }},
		{Title: "arm64 $/1M", Width: 10, Right: true, Priority: 7, Cell: func(r *model.SizeResult) string {
			if r.ARMCostPerInvok == 0 {
				return "–"
			}
			return model.FormatDollars(r.ARMCostPerInvok * 1e6)
		}},
	}
}

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var lines []string
	head := m.st.Title.Render("Power tuning "+m.fn.Name) + m.st.Muted.Render(fmt.Sprintf("  now %d MB %s", m.cfg.MemoryMB, m.cfg.Architecture))
	lines = append(lines, fit(head, m.w))
	if m.showPast {
		lines = append(lines, m.pastLines()...)
		return m.finish(lines)
	}
	switch m.stage {
	case stageForm:
		lines = append(lines, m.formLines()...)
	default:
		lines = append(lines, m.resultLines()...)
	}
	return m.finish(lines)
}

func (m *Model) finish(lines []string) string {
	if len(lines) > m.h {
		lines = lines[:m.h]
	}
	for i, l := range lines {
		lines[i] = fit(l, m.w)
	}
	return strings.Join(lines, "\n")
}

func (m *Model) formLines() []string {
	var out []string
	if !m.info {
		out = append(out, m.st.Muted.Render("reading the configuration, concurrency and traffic…"))
	} else if m.infoErr != nil {
		out = append(out, m.st.Error.Render(m.infoErr.Error()))
	}
	for _, b := range m.blockers {
		out = append(out, m.st.Error.Render("✗ "+b))
	}
	out = append(out, "")
	values := [numFields]string{
		m.sizesText,
		strconv.Itoa(m.o.PerSize),
		m.payloads[m.payIdx].name,
		fmt.Sprintf("%d (at most %d: reserved concurrency / unreserved headroom)", m.o.Parallelism, m.maxPar),
		yesNo(m.o.AlsoARM) + "  (priced from the x86 durations; the code is not redeployed)",
		string(m.o.Strategy),
		strconv.FormatFloat(m.o.Weight, 'f', -1, 64),
	}
	for i := range numFields {
		label := fmt.Sprintf("%-24s", fieldNames[i])
		line := "  " + label + " " + values[i]
		if i == m.field {
			line = m.st.Selected.Render("▸ " + label + " " + values[i])
		}
		out = append(out, line)
	}
	out = append(out, "")
	if m.info && m.infoErr == nil {
		if pl, err := m.Plan("preview"); err == nil {
			out = append(out, m.st.Muted.Render(fmt.Sprintf("%d invocations, about %s; traffic %s invocations/month",
				pl.Invocations, model.FormatDollars(pl.EstCost), compact(m.monthly))))
		} else {
			out = append(out, m.st.Error.Render(err.Error()))
		}
	}
	out = append(out, m.st.Muted.Render("e edit · space next choice · p plan & start · h past runs"))
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (m *Model) resultLines() []string {
	var out []string
	switch m.stage {
	case stageRunning:
		msg := m.prog.Message
		if msg == "" && m.prog.MemoryMB > 0 {
			msg = fmt.Sprintf("invoking %s", model.TuneAlias(m.plan.Run, m.prog.MemoryMB))
		}
		out = append(out, m.bar()+"  "+m.st.Muted.Render(msg))
	case stageDone:
		out = append(out, m.summary()...)
	}
	rest := m.h - len(out) - 1
	if rest < 3 {
		return out
	}
	tblH := min(len(m.results)+1, rest)
	chartW, chartH := 0, 0
	// Side by side when wide, below when tall enough, else the table alone.
	tw := min(m.w, 86)
	switch {
	case m.w >= 120:
		chartW, chartH = m.w-tw-2, min(rest, 16)
	case rest-tblH >= 9:
		chartW, chartH = m.w, rest-tblH
	}
	if chartW == 0 {
		tw = m.w
	}
	m.tbl.SetSize(tw, max(2, tblH))
	tbl := m.tbl.View()
	if chartW > 0 && len(m.results) > 0 {
		ch := Chart(m.st, m.results, chartW, chartH, m.recommended())
		if m.w >= 120 {
			out = append(out, lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(tw+2).Render(tbl), ch))
		} else {
			out = append(out, tbl, ch)
		}
	} else {
		out = append(out, tbl)
	}
	return strings.Split(strings.Join(out, "\n"), "\n")
}

func (m *Model) recommended() int {
	if m.run != nil {
		return m.run.Recommended
	}
	return 0
}

func (m *Model) bar() string {
	w := 24
	p := 0.0
	if m.prog.Total > 0 {
		p = float64(m.prog.Done) / float64(m.prog.Total)
	}
	n := int(p * float64(w))
	return m.st.Accent.Render(strings.Repeat("█", n)) + m.st.Muted.Render(strings.Repeat("░", w-n)) +
		fmt.Sprintf(" %d/%d", m.prog.Done, m.prog.Total)
}

func (m *Model) summary() []string {
	r := m.run
	var out []string
	status := r.Status
	st := m.st.OK
	if status != "done" {
		st = m.st.Warn
	}
	out = append(out, st.Render("run "+r.Run+": "+status)+m.st.Muted.Render("  cleanup: "+strings.Join(r.Cleanup, "; ")))
	// what the figures are: no window, this run's own invocations
	out = append(out, m.st.Muted.Render(fmt.Sprintf("per size: trimmed mean and p90 of this run's %d invocations; $ = %s",
		r.Options.PerSize, model.InvocationBasis(model.PricesFor(r.Region), r.Arch, r.EphemeralMB))))
	if r.Recommended > 0 {
		line := fmt.Sprintf("recommended (%s", r.Options.Strategy)
		if r.Options.Strategy == model.TuneBalanced {
			line += fmt.Sprintf(", cost weight %.2g", r.Options.Weight)
		}
		line += fmt.Sprintf("): %d MB", r.Recommended)
		if r.MonthlyCalls > 0 {
			line += " · " + monthlyText(*r)
		}
		out = append(out, m.st.Bold.Render(line))
	} else {
		out = append(out, m.st.Warn.Render("no size ran without errors: nothing to recommend"))
	}
	hint := "a apply · s save JSON+CSV · p new run · h past runs"
	if m.applied != "" {
		hint = m.applied
	} else if len(m.saved) > 0 {
		hint = "saved " + strings.Join(m.saved, ", ")
	}
	return append(out, m.st.Muted.Render(hint))
}

func (m *Model) pastLines() []string {
	out := []string{m.st.Bold.Render("past runs of " + m.fn.Name)}
	if len(m.past) == 0 {
		return append(out, m.st.Muted.Render("none saved yet (s saves a finished run)"))
	}
	for _, r := range m.past {
		out = append(out, fmt.Sprintf("%s  %-8s %-10s sizes %-28s → %4d MB  %s", r.Started.Local().Format("2006-01-02 15:04"),
			r.Run, r.Status, joinSizes(r.Options.Sizes), r.Recommended, pastDelta(r)))
	}
	return out
}

// Chart draws duration (line) and cost per million (dots) against memory
// with ntcharts; sizes are spaced evenly on the x axis. The recommended
// size is marked.
func Chart(st *styles.Styles, rs []model.SizeResult, w, h, recommended int) string {
	if w < 20 || h < 6 || len(rs) == 0 {
		return ""
	}
	maxDur, maxCost := 0.0, 0.0
	for _, r := range rs {
		maxDur = math.Max(maxDur, r.MeanMs)
		maxCost = math.Max(maxCost, r.CostPerMillion)
	}
	if maxDur == 0 {
		maxDur = 1
	}
	if maxCost == 0 {
		maxCost = 1
	}
	n := len(rs)
	xmax := float64(max(1, n-1))
	// The x labels are drawn below, one under each size (the chart's own
	// labels fall on fixed steps, not on the sizes).
	xlabel := func(int, float64) string { return "" }
	ylabel := func(_ int, v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	lc := linechart.New(w, h-1, 0, xmax, 0, maxDur*1.05,
		linechart.WithXYSteps(2, 2),
		linechart.WithXLabelFormatter(xlabel),
		linechart.WithYLabelFormatter(ylabel),
		linechart.WithStyles(st.Muted, st.Muted, st.Accent))
	lc.DrawXYAxisAndLabel()
	for i := 1; i < n; i++ {
		lc.DrawBrailleLineWithStyle(canvas.Float64Point{X: float64(i - 1), Y: rs[i-1].MeanMs},
			canvas.Float64Point{X: float64(i), Y: rs[i].MeanMs}, st.Accent)
	}
	// Cost is drawn on the duration axis, scaled so its maximum meets the top.
	scale := maxDur / maxCost
	for i, r := range rs {
		mark := '•'
		style := st.Warn
		if r.MemoryMB == recommended {
			mark, style = '★', st.OK
		}
		if !r.Usable() {
			mark, style = '✗', st.Error
		}
		lc.DrawRuneWithStyle(canvas.Float64Point{X: float64(i), Y: r.CostPerMillion * scale}, mark, style)
	}
	legend := st.Accent.Render("⣿ mean duration (ms)") + "  " + st.Warn.Render("• cost per 1M (max "+model.FormatDollars(maxCost)+")")
	if recommended > 0 {
		legend += "  " + st.OK.Render("★ "+strconv.Itoa(recommended)+" MB")
	}
	ls := strings.Split(strings.TrimRight(lc.View(), "\n"), "\n")
	labels := xLabels(rs, lc.Origin().X, lc.GraphWidth(), w)
	if n := len(ls); n > 0 && strings.TrimSpace(ansiStrip(ls[n-1])) == "" {
		ls[n-1] = labels // the chart's own (empty) label row
	} else {
		ls = append(ls, labels)
	}
	return fit(legend, w) + "\n" + strings.Join(ls, "\n")
}

// xLabels puts each size under its point.
func xLabels(rs []model.SizeResult, x0, gw, w int) string {
	line := []rune(strings.Repeat(" ", w))
	n := len(rs)
	next := 0
	for i, r := range rs {
		pos := x0
		if n > 1 {
			pos = x0 + int(math.Round(float64(i)*float64(gw-1)/float64(n-1)))
		}
		lab := []rune(strconv.Itoa(r.MemoryMB))
		start := max(pos-len(lab)/2, next)
		if start+len(lab) > w {
			start = w - len(lab)
		}
		if start < next || start < 0 {
			continue
		}
		copy(line[start:], lab)
		next = start + len(lab) + 1
	}
	out := strings.TrimRight(string(line), " ")
	if len([]rune(out))+3 <= w {
		out += " MB"
	}
	return out
}

func ansiStrip(s string) string { return ansi.Strip(s) }

func pastDelta(r model.TuneRun) string {
	if !r.BaseMeasured || r.MonthlyCalls == 0 {
		return ""
	}
	return signedDollars(r.MonthlyDelta) + "/month"
}

func compact(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.1fB", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func signedDollars(v float64) string {
	if v < 0 {
		return "saves " + model.FormatDollars(-v)
	}
	if v == 0 {
		return "no change"
	}
	return "costs " + model.FormatDollars(v) + " more"
}

func fit(s string, w int) string { return ansi.Truncate(s, max(0, w), "…") }

// monthlyText is the monthly difference of the recommendation, or why it
// is not known.
func monthlyText(r model.TuneRun) string {
	if !r.BaseMeasured {
		return fmt.Sprintf("the current %d MB was not measured: no monthly difference", r.BaseMemory)
	}
	return fmt.Sprintf("at %s invocations a month it %s a month", compact(r.MonthlyCalls), signedDollars(r.MonthlyDelta))
}
