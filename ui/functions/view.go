package functions

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

// FitsSize implements common.Fitted: View always returns exactly h lines
// of at most w cells.
func (m *Model) FitsSize() bool { return true }

func (m *Model) titleLine() string {
	shown, total := m.Count()
	parts := []string{m.st.Title.Render("functions") + " " + thousands(shown) + "/" + thousands(total)}
	if f := m.t.FilterView(m.w); f != "" {
		parts = append(parts, f)
	}
	// what went wrong and the stale marker come first: on a narrow screen
	// the sort order is what falls off the end
	switch {
	case m.verr != nil && !m.validating:
		parts = append(parts, m.st.Error.Render(offlineText(m.verr)))
	case m.err != nil && !m.listing:
		parts = append(parts, m.st.Error.Render("listing failed: "+offlineText(m.err)))
	}
	if m.mErr != nil && m.err == nil && m.verr == nil {
		parts = append(parts, m.st.Warn.Render(common.Unavailable("metrics", m.mErr, m.w-ansi.StringWidth(strings.Join(parts, "  "))-4-ansi.StringWidth(m.t.SortTitle()))))
	}
	if m.stale {
		age := ""
		if !m.snapTaken.IsZero() {
			age = " " + shortAge(m.deps.Now().Sub(m.snapTaken)) + " old"
		}
		parts = append(parts, m.st.Warn.Render("STALE cached"+age))
	}
	if c := m.connecting(); c != "" && m.verr == nil {
		parts = append(parts, m.st.Muted.Render(c))
	} else if m.listing && c == "" {
		parts = append(parts, m.progress())
	}
	// the window INVOC, ERR%, P99/TO and THR are computed over
	parts = append(parts, m.st.Muted.Render("metrics "+model.WindowLabel(m.deps.MetricsWindow())))
	if p := m.pairsLine(); p != "" {
		parts = append(parts, p)
	}
	parts = append(parts, m.st.Muted.Render(m.t.SortTitle()))
	return ansi.Truncate(strings.Join(parts, "  "), m.w, "…")
}

func (m *Model) progress() string {
	const bw = 12
	if m.expect > 0 {
		f := min(1, float64(m.loaded)/float64(max(m.expect, m.loaded)))
		n := int(f * bw)
		return m.st.Accent.Render(strings.Repeat("█", n)+strings.Repeat("░", bw-n)) +
			m.st.Muted.Render(fmt.Sprintf(" %s/~%s", thousands(m.loaded), thousands(m.expect)))
	}
	return m.st.Accent.Render("loading") + m.st.Muted.Render(fmt.Sprintf(" %s (page %d)…", thousands(m.loaded), m.pages+1))
}

func shortAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// View implements common.Pane: exactly h lines of at most w cells.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	switch {
	case m.t.Total() > 0:
	case m.listing:
		m.t.SetEmpty("waiting for the first page…")
	case m.err != nil:
		m.t.SetEmpty(m.st.Error.Render("could not list functions: " + m.err.Error()))
	default:
		m.t.SetEmpty("no functions in this region")
	}
	if m.h == 1 {
		return m.titleLine()
	}
	var b strings.Builder
	b.Grow((m.w + 8) * m.h)
	b.WriteString(m.titleLine())
	b.WriteByte('\n')
	m.t.WriteView(&b)
	return b.String()
}
