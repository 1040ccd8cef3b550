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

// runCmds runs cmd and feeds its messages back into m (panetest.Pump).
func runCmds(t testing.TB, m *Model, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	return panetest.Pump(t, panetest.Root(m), cmd)
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
