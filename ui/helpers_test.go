package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var fixedNow = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

func newTestRoot(t testing.TB, n int) (*Model, *fake.Session, *fake.Connector) {
	t.Helper()
	s := fake.New("us-east-1", n)
	c := &fake.Connector{N: n}
	deps := common.FromSession(s, c)
	deps.Now = func() time.Time { return fixedNow }
	m := New(Options{Deps: deps, Config: config.Default(), Styles: styles.NewPlain(), Version: "test"})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m, s, c
}

// runCmds runs cmd and feeds its messages back into m, recursively, like
// the program would; commands still blocked after a short wait (ticks,
// tails) are abandoned. It returns every message seen.
func runCmds(t testing.TB, m *Model, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var seen []tea.Msg
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("runCmds: too many steps")
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
		case <-time.After(100 * time.Millisecond):
			continue
		}
		if msg == nil {
			continue
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		seen = append(seen, msg)
		_, next := m.Update(msg)
		queue = append(queue, next)
	}
	return seen
}

func press(m *Model, keys ...string) tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range keys {
		_, c := m.Update(keyMsg(k))
		cmds = append(cmds, c)
	}
	return tea.Batch(cmds...)
}

func keyMsg(k string) tea.KeyPressMsg { return panetest.Key(k) }

func typeText(m *Model, s string) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range s {
		_, c := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		cmds = append(cmds, c)
	}
	return tea.Batch(cmds...)
}
