package triage

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

// View implements common.Pane: the title line, the table, the cost line.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	switch {
	case m.listErr != nil && m.t.Total() == 0:
		m.t.SetEmpty(m.st.Error.Render("could not list functions: " + m.listErr.Error()))
	case !m.listed:
		m.t.SetEmpty("listing functions…")
	default:
		if m.multi {
			m.t.SetEmpty("no functions in these accounts and regions")
		} else {
			m.t.SetEmpty("no functions in this region")
		}
	}
	var b strings.Builder
	b.WriteString(m.header())
	if m.h > 1 {
		b.WriteByte('\n')
		m.t.WriteView(&b)
	}
	if m.h > 2 {
		b.WriteByte('\n')
		b.WriteString(m.footer())
	}
	return b.String()
}

// FitsSize implements common.Fitted.
func (m *Model) FitsSize() bool { return true }

func (m *Model) header() string {
	have, alarms, warns := 0, 0, 0
	for _, r := range m.rows {
		if r.have {
			have++
		}
		switch r.h.Tier {
		case model.TierAlarm:
			alarms++
		case model.TierWarn:
			warns++
		}
	}
	parts := []string{m.st.Title.Render("Triage"),
		m.st.Muted.Render(fmt.Sprintf("last %s", model.ShortDuration(m.opts.Window))),
		fmt.Sprintf("%d functions", len(m.rows))}
	if n := m.t.Len(); n != len(m.rows) {
		parts[2] = fmt.Sprintf("%d/%d functions", n, len(m.rows))
	}
	if f := m.t.FilterView(m.w); f != "" {
		parts = append(parts, f)
	}
	if m.fetchErr != nil {
		parts = append(parts, m.st.Warn.Render(common.Unavailable("metrics", m.fetchErr, m.w-ansi.StringWidth(strings.Join(parts, "  "))-4-ansi.StringWidth(m.t.SortTitle()))))
	} else if have < len(m.rows) {
		parts = append(parts, m.st.Warn.Render(fmt.Sprintf("metrics %d/%d", have, len(m.rows))))
	}
	if alarms > 0 {
		parts = append(parts, m.st.Error.Render(fmt.Sprintf("%d alarming", alarms)))
	}
	if warns > 0 {
		parts = append(parts, m.st.Warn.Render(fmt.Sprintf("%d warnings", warns)))
	}
	parts = append(parts, m.st.Muted.Render(m.t.SortTitle()))
	return ansi.Truncate(strings.Join(parts, "  "), m.w, "…")
}

// footer shows the cost of the metric queries: per refresh of the whole
// board, per hour at the refresh interval, and spent so far.
func (m *Model) footer() string {
	per := float64(len(m.rows)*(model.TriageQueriesPerFunction+1)) * pricePerMetric
	perHour := per * float64(time.Hour) / float64(m.opts.Refresh)
	s := fmt.Sprintf("metric queries: %s/refresh · %s/hour at 1/%s · spent %s · %s",
		dollars(per), dollars(perHour), model.ShortDuration(m.opts.Refresh), dollars(m.spent), model.CostBasis(model.PricesFor(m.region()), m.tier()))
	if m.fetchErr != nil {
		return m.st.Error.Render(ansi.Truncate(s+" · "+m.fetchErr.Error(), m.w, "…"))
	}
	return m.st.Muted.Render(ansi.Truncate(s, m.w, "…"))
}

func dollars(v float64) string {
	if v > 0 && v < 1 {
		return fmt.Sprintf("$%.4f", v)
	}
	return model.FormatDollars(v)
}
