package styles

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Additions for the observe panes (log tail, metrics, triage). They are
// derived from the fields above on each call, so a theme rebuilt in place
// (on a background-colour change) applies at once.

// sourceColours are the per-function colours of a multi-function tail,
// chosen to read on both dark and light backgrounds.
func sourceColours(t Theme, isDark bool) []color.Color {
	ld := lipgloss.LightDark(isDark)
	return []color.Color{
		t.BorderFocused,
		t.Accent,
		t.OK,
		ld(lipgloss.Color("#00747a"), lipgloss.Color("#5fd7d7")),
		ld(lipgloss.Color("#a3195b"), lipgloss.Color("#ff87af")),
		ld(lipgloss.Color("#5f5f00"), lipgloss.Color("#d7d75f")),
	}
}

// plain reports whether these are the monochrome (NO_COLOR) styles.
func (s *Styles) plain() bool {
	_, none := s.Text.GetForeground().(lipgloss.NoColor)
	return none || s.Text.GetForeground() == nil
}

// Source is the style of the i-th function of a multi-function log tail.
func (s *Styles) Source(i int) lipgloss.Style {
	if s.plain() {
		return s.Bold
	}
	cs := sourceColours(s.Theme, s.IsDark)
	return lipgloss.NewStyle().Foreground(cs[i%len(cs)])
}

// Badge is a reversed badge in the colour of base (e.g. s.Warn), for tail
// state such as LIVE TAIL, SAMPLED or DROPPED.
func (s *Styles) Badge(base lipgloss.Style) lipgloss.Style {
	return base.Bold(true).Reverse(true).Padding(0, 1)
}
