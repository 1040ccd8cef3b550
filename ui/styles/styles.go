// Package styles is the one place colours and styles are defined: a semantic
// Theme, built for a light or dark background, feeds one Styles struct that
// is injected into every pane. Panes never call lipgloss.Color themselves.
package styles

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Theme is the semantic palette.
type Theme struct {
	Primary, Muted, Border, BorderFocused, Selected, SelectedFg, Error, Warn, OK, Accent color.Color
}

// NewTheme returns the palette for a dark or light background.
func NewTheme(isDark bool) Theme {
	ld := lipgloss.LightDark(isDark)
	return Theme{
		Primary:       ld(lipgloss.Color("#1f1f1f"), lipgloss.Color("#e4e4e4")),
		Muted:         ld(lipgloss.Color("#6b6b6b"), lipgloss.Color("#8a8a8a")),
		Border:        ld(lipgloss.Color("#c0c0c0"), lipgloss.Color("#444444")),
		BorderFocused: ld(lipgloss.Color("#0061c2"), lipgloss.Color("#5fafff")),
		Selected:      ld(lipgloss.Color("#d7e8ff"), lipgloss.Color("#264f78")),
		SelectedFg:    ld(lipgloss.Color("#000000"), lipgloss.Color("#ffffff")),
		Error:         ld(lipgloss.Color("#c4001a"), lipgloss.Color("#ff5f5f")),
		Warn:          ld(lipgloss.Color("#a35a00"), lipgloss.Color("#ffaf00")),
		OK:            ld(lipgloss.Color("#007a33"), lipgloss.Color("#5fd75f")),
		Accent:        ld(lipgloss.Color("#7b2fbf"), lipgloss.Color("#d787ff")),
	}
}

// Styles are the rendered styles every pane uses.
type Styles struct {
	Theme    Theme
	Text     lipgloss.Style
	Muted    lipgloss.Style
	Bold     lipgloss.Style
	Title    lipgloss.Style
	Header   lipgloss.Style
	Selected lipgloss.Style
	Error    lipgloss.Style
	Warn     lipgloss.Style
	OK       lipgloss.Style
	Accent   lipgloss.Style
	Border   lipgloss.Style
	Dialog   lipgloss.Style

	// Mode badges in the header: loud, reversed so they stay visible
	// under NO_COLOR too.
	BadgeReadOnly  lipgloss.Style
	BadgeProtected lipgloss.Style
	BadgeSandbox   lipgloss.Style
	BadgeWritable  lipgloss.Style

	TabActive   lipgloss.Style
	TabInactive lipgloss.Style
	TableHeader lipgloss.Style
	StatusBar   lipgloss.Style // header and footer background line
	HelpKey     lipgloss.Style
	HelpDesc    lipgloss.Style

	// Alarm marks CloudWatch alarms in ALARM (the ALARM column, :alarms).
	Alarm lipgloss.Style

	// IsDark records which background these styles were built for.
	IsDark bool
}

// New builds the styles for a dark or light background.
func New(isDark bool) *Styles {
	t := NewTheme(isDark)
	return &Styles{
		Theme:    t,
		Text:     lipgloss.NewStyle().Foreground(t.Primary),
		Muted:    lipgloss.NewStyle().Foreground(t.Muted),
		Bold:     lipgloss.NewStyle().Bold(true),
		Title:    lipgloss.NewStyle().Bold(true).Foreground(t.Accent),
		Header:   lipgloss.NewStyle().Bold(true).Foreground(t.Muted),
		Selected: lipgloss.NewStyle().Background(t.Selected).Foreground(t.SelectedFg),
		Error:    lipgloss.NewStyle().Foreground(t.Error),
		Alarm:    lipgloss.NewStyle().Foreground(t.Error).Bold(true),
		Warn:     lipgloss.NewStyle().Foreground(t.Warn),
		OK:       lipgloss.NewStyle().Foreground(t.OK),
		Accent:   lipgloss.NewStyle().Foreground(t.Accent),
		Border:   lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border),
		Dialog:   lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.BorderFocused).Padding(0, 1),

		BadgeReadOnly:  badge(t.Warn),
		BadgeProtected: badge(t.Error),
		BadgeSandbox:   badge(t.OK),
		BadgeWritable:  lipgloss.NewStyle().Bold(true).Foreground(t.Muted),

		TabActive:   lipgloss.NewStyle().Bold(true).Underline(true).Foreground(t.BorderFocused),
		TabInactive: lipgloss.NewStyle().Foreground(t.Muted),
		TableHeader: lipgloss.NewStyle().Bold(true).Foreground(t.Accent),
		StatusBar:   lipgloss.NewStyle().Foreground(t.Primary),
		HelpKey:     lipgloss.NewStyle().Bold(true).Foreground(t.BorderFocused),
		HelpDesc:    lipgloss.NewStyle().Foreground(t.Muted),
		IsDark:      isDark,
	}
}

func badge(c color.Color) lipgloss.Style {
	return lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(c).Padding(0, 1)
}

// ThemeMode is the theme the user asked for in the config file.
type ThemeMode string

const (
	ThemeAuto  ThemeMode = "auto" // follow the terminal background (default)
	ThemeDark  ThemeMode = "dark"
	ThemeLight ThemeMode = "light"
)

// NewPlain builds monochrome styles (NO_COLOR): emphasis by bold, reverse
// and underline only.
func NewPlain() *Styles {
	p := lipgloss.NewStyle()
	return &Styles{
		Theme:          NewTheme(true),
		Text:           p,
		Muted:          p,
		Bold:           p.Bold(true),
		Title:          p.Bold(true),
		Header:         p.Bold(true),
		Selected:       p.Reverse(true),
		Error:          p.Bold(true),
		Alarm:          p.Bold(true).Reverse(true),
		Warn:           p.Bold(true),
		OK:             p,
		Accent:         p,
		Border:         p.Border(lipgloss.RoundedBorder()),
		Dialog:         p.Border(lipgloss.RoundedBorder()).Padding(0, 1),
		BadgeReadOnly:  p.Bold(true).Reverse(true).Padding(0, 1),
		BadgeProtected: p.Bold(true).Reverse(true).Padding(0, 1),
		BadgeSandbox:   p.Bold(true).Reverse(true).Padding(0, 1),
		BadgeWritable:  p.Bold(true),
		TabActive:      p.Bold(true).Underline(true),
		TabInactive:    p,
		TableHeader:    p.Bold(true),
		StatusBar:      p,
		HelpKey:        p.Bold(true),
		HelpDesc:       p,
		IsDark:         true,
	}
}
