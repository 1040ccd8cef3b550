package ui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/internal/request"
)

// ---- session: switching profile or region, going read-only ----

// switchTo connects to another profile and/or region in a command; the
// old session stays until the new one is validated.
func (m *Model) switchTo(profile, region string) tea.Cmd {
	if m.deps.Connect == nil {
		return m.setStatus("switching is not possible with this session", true)
	}
	asked := strings.TrimSpace(profile + " " + region)
	if profile == "" {
		profile = m.target.Profile
	}
	if region == "" {
		region = m.target.Region
	}
	return m.guardClose(0, "Switch to "+asked+" anyway?", func() tea.Cmd { return m.connect(profile, region) })
}

func (m *Model) connect(profile, region string) tea.Cmd {
	parent, gen := m.req.Start(kindConnect)
	m.connecting = true
	conn := m.deps.Connect
	what := strings.TrimSpace(profile + " " + region)
	return tea.Batch(m.setStatus("connecting to "+what+"…", false), func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		s, err := conn.Connect(ctx, profile, region)
		return connectedMsg{gen: gen, session: s, err: err, what: what}
	})
}

// kindConnect is the root's one request kind: a newer switch supersedes an
// older one still connecting.
const kindConnect request.Kind = "connect"

func (m *Model) handleConnected(msg connectedMsg) tea.Cmd {
	if !m.req.Done(kindConnect, msg.gen) {
		return nil
	}
	m.connecting = false
	if msg.err != nil {
		return m.setStatus("could not switch to "+msg.what+": "+msg.err.Error()+" (still on "+m.target.Region+")", true)
	}
	conn := m.deps.Connect
	if c, ok := msg.session.(awsapi.Connector); ok {
		conn = c
	}
	now, window := m.deps.Now, m.deps.Window
	m.deps = common.FromSession(msg.session, conn)
	m.deps.Now, m.deps.Window = now, window
	if m.readOnly {
		// the aws layer keeps :readonly across a switch; a session from
		// elsewhere is told again
		msg.session.SetReadOnly()
	}
	m.target = msg.session.Target()
	stopped := m.popTo(1)
	m.closeScreen(m.stack[0])
	m.dialogs = nil
	f := m.newFunctions()
	m.stack[0] = screen{id: m.newID(string(functions.ID)), pane: f}
	bw, bh := m.bodySize()
	f.SetSize(bw, bh)
	note := "switched to " + msg.what
	if m.target.Sandbox {
		note += " (the sandbox serves the same fleet in every region)"
	}
	cmds := append([]tea.Cmd{stopped, common.Wrap(m.stack[0].id, f.Init()), m.setStatus(note, false)},
		startupCmds(m.deps, m.st, m.km, m.target)...)
	return tea.Batch(cmds...)
}

func (m *Model) setReadOnly() tea.Cmd {
	if m.readOnly {
		return m.setStatus("already read-only", false)
	}
	return m.guardClose(0, "Go read-only anyway?", m.goReadOnly)
}

func (m *Model) goReadOnly() tea.Cmd {
	if m.readOnly {
		return nil
	}
	ro, ok := m.deps.Fleet.(awsapi.ReadOnlySetter)
	if !ok {
		return m.setStatus("this session cannot be made read-only; nothing changed", true)
	}
	// read-only is decided in the aws layer: the session refuses every
	// mutation from now on, and every pane sees it in Target()
	ro.SetReadOnly()
	m.readOnly = true
	m.target = m.deps.Fleet.Target()
	return m.setStatus("read-only for the rest of this session: every change is refused", false)
}
