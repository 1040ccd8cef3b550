package ui

import (
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

// ---- jobs and status: the footer's background jobs, quitting while one runs ----

// blockingJobs lists the running blocking jobs owned by screens at stack
// index from and above (from 0: every job, owned or not), each with the
// title of the screen that owns it.
func (m *Model) blockingJobs(from int) []string {
	var out []string
	for _, j := range m.jobs {
		if !j.Blocking || j.Done {
			continue
		}
		i := m.screenIndex(j.owner)
		if from > 0 && i < from {
			continue
		}
		line := common.Clean(j.Label)
		if i > 0 {
			line += " (" + m.screenTitle(i) + ")"
		}
		out = append(out, line)
	}
	return out
}

func (m *Model) quit(force bool) tea.Cmd {
	if !force {
		if running := m.blockingJobs(0); len(running) > 0 {
			m.dialogs = append(m.dialogs, openDialog{d: dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
				Title: "Quit and stop running jobs?",
				Body:  "These jobs would stop:\n  " + strings.Join(running, "\n  ") + "\nA stopped canary plan leaves traffic where it is now.",
				Yes:   func() tea.Msg { return quitNowMsg{} },
			})})
			return nil
		}
	}
	return m.quitNow()
}

type quitNowMsg struct{}

func (m *Model) quitNow() tea.Cmd {
	m.quitting = true
	for _, s := range m.stack {
		if c, ok := s.pane.(common.Closer); ok {
			c.Close()
		}
	}
	return tea.Quit
}

func (m *Model) setStatus(text string, isErr bool) tea.Cmd {
	m.status, m.statusErr = common.Clean(text), isErr
	m.statusCtx = ""
	m.statusSeq++
	seq := m.statusSeq
	return tea.Tick(statusTTL, func(time.Time) tea.Msg { return statusFadeMsg{seq: seq} })
}

// setKeyNotice shows a notice about a key, which holds only in the context
// where the key was pressed (dropStaleNotice clears it when that changes).
func (m *Model) setKeyNotice(text string) tea.Cmd {
	cmd := m.setStatus(text, false)
	m.statusCtx = m.keyContext()
	return cmd
}

// keyContext names where keys go now: the top screen, its tab, and whether
// a dialog or the palette is in front.
func (m *Model) keyContext() string {
	ctx := ""
	if n := len(m.stack); n > 0 {
		top := m.stack[n-1]
		ctx = string(top.id)
		if t, ok := top.pane.(interface{ Active() int }); ok {
			ctx += "#" + strconv.Itoa(t.Active())
		}
	}
	if len(m.dialogs) > 0 {
		ctx += "+dialog" + strconv.Itoa(len(m.dialogs))
	}
	if m.pal != nil {
		ctx += "+palette"
	}
	return ctx
}

// dropStaleNotice clears a key notice once the context it was about is gone.
func (m *Model) dropStaleNotice() {
	if m.statusCtx != "" && m.status != "" && m.keyContext() != m.statusCtx {
		m.status, m.statusCtx = "", ""
	}
}

func (m *Model) updateJob(j common.JobMsg, owner common.PaneID) {
	for i := range m.jobs {
		if m.jobs[i].ID == j.ID {
			if j.Done {
				m.jobs = append(m.jobs[:i], m.jobs[i+1:]...)
				return
			}
			m.jobs[i].JobMsg = j
			if owner != "" {
				m.jobs[i].owner = owner
			}
			return
		}
	}
	if !j.Done {
		m.jobs = append(m.jobs, job{JobMsg: j, owner: owner, started: m.deps.Now()})
	}
}
