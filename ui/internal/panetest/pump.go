package panetest

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Pump is the one command pump of the ui tests: it runs cmd and feeds every
// message it produces back through update, as the program would, until
// nothing is left, and returns the messages it delivered. Batches are
// flattened; tea.QuitMsg is returned but not delivered. A command still running after
// Wait (a tick, a tail waiting for its next batch) is abandoned, as a
// program that has moved on would leave it pending. It fails the test
// after 10,000 steps (a loop that never settles).
func Pump(t testing.TB, update func(tea.Msg) tea.Cmd, cmd tea.Cmd) []tea.Msg {
	return PumpWith(t, PumpOptions{}, update, cmd)
}

// PumpOptions tune Pump.
type PumpOptions struct {
	// Wait is how long a command may run before it is abandoned (default
	// 100ms).
	Wait time.Duration
	// Deliver, when set, chooses the messages fed back to update; the others
	// are returned but not delivered (a test that delivers them by hand).
	Deliver func(tea.Msg) bool
	// After, when set, runs after each update (a check that Update made no
	// AWS call, say).
	After func(tea.Msg)
}

// PumpWith is Pump with options.
func PumpWith(t testing.TB, o PumpOptions, update func(tea.Msg) tea.Cmd, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if o.Wait <= 0 {
		o.Wait = 100 * time.Millisecond
	}
	var seen []tea.Msg
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("panetest.Pump: too many steps (the messages never settle)")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(o.Wait):
			continue
		}
		switch m := msg.(type) {
		case nil:
			continue
		case tea.QuitMsg:
			seen = append(seen, msg) // returned, not delivered
			continue
		case tea.BatchMsg:
			queue = append(queue, m...)
			continue
		}
		seen = append(seen, msg)
		if o.Deliver != nil && !o.Deliver(msg) {
			continue
		}
		queue = append(queue, update(msg))
		if o.After != nil {
			o.After(msg)
		}
	}
	return seen
}

// Root adapts a tea.Model's Update (the root's) to Pump.
func Root(m tea.Model) func(tea.Msg) tea.Cmd {
	return func(msg tea.Msg) tea.Cmd {
		_, cmd := m.Update(msg)
		return cmd
	}
}
