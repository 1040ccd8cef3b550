package ui

import (
	"io"
	"strings"

	"github.com/charmbracelet/colorprofile"
)

// startProfile is the colour profile the first frame is drawn with, and,
// inside tmux, a check to run after it.
//
// Bubble Tea's own detection (colorprofile.Detect) runs `tmux info` inside
// tmux, a subprocess that talks to the tmux server, before the first
// frame: 10 to 60 ms of the start-up spent waiting. Here the first frame
// uses everything else Detect looks at (the environment, terminfo), and
// later runs the full detection, tmux included, off the start-up path; if
// it finds more colours (tmux's Tc or RGB: true colour), the program is
// sent a tea.ColorProfileMsg and the renderer redraws with them.
func startProfile(out io.Writer, env []string) (first colorprofile.Profile, later func() (colorprofile.Profile, bool)) {
	if !hasEnv(env, "TMUX") {
		return colorprofile.Detect(out, env), nil
	}
	first = colorprofile.Detect(out, withoutEnv(env, "TMUX"))
	return first, func() (colorprofile.Profile, bool) {
		full := colorprofile.Detect(out, env)
		return full, full > first
	}
}

func hasEnv(env []string, name string) bool {
	for _, e := range env {
		if k, v, _ := strings.Cut(e, "="); k == name && v != "" {
			return true
		}
	}
	return false
}

func withoutEnv(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k != name {
			out = append(out, e)
		}
	}
	return out
}
