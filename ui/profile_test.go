package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

// Inside tmux, the first frame's colour profile is found without running
// `tmux info` (a subprocess on the start-up path); the full detection runs
// later and reports the true colour tmux offers.
func TestStartProfileDefersTmuxInfo(t *testing.T) {
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	script := "#!/bin/sh\ntouch " + ran + "\necho ' 197: RGB: (flag) true'\n"
	if err := os.WriteFile(filepath.Join(dir, "tmux"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + dir, "TERM=xterm-256color", "TTY_FORCE=1", "TMUX=/tmp/tmux-0/default,1,0"}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH")) // exec.Command looks tmux up in the process's PATH
	first, later := startProfile(io.Discard, env)
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("tmux info ran before the first frame")
	}
	if first != colorprofile.ANSI256 || later == nil {
		t.Fatalf("first %v, later set %v: want ANSI256 and a later check", first, later != nil)
	}
	full, more := later()
	if _, err := os.Stat(ran); err != nil {
		t.Fatal("the later check did not ask tmux")
	}
	if full != colorprofile.TrueColor || !more {
		t.Fatalf("later: %v %v, want TrueColor and an upgrade", full, more)
	}

	// Outside tmux there is nothing to check later.
	if p, later := startProfile(io.Discard, []string{"TERM=xterm-256color", "TTY_FORCE=1", "COLORTERM=truecolor"}); p != colorprofile.TrueColor || later != nil {
		t.Fatalf("outside tmux: %v, later %v", p, later != nil)
	}
}

// Work held back for the first frame (main.go's paused collector, the
// tmux colour check) runs once it has been rendered, not before.
func TestAfterFirstFrame(t *testing.T) {
	m, _, _ := newTestRoot(t, 3)
	g := NewGuarded(m)
	done := make(chan struct{})
	g.afterFirstFrame(context.Background(), func() { close(done) })
	select {
	case <-g.drawn:
		t.Fatal("the first frame counts as drawn before View")
	case <-done:
		t.Fatal("ran before the first frame")
	default:
	}
	g.View()
	g.View() // a second frame does not close twice
	<-done
}
