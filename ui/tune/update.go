package tune

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

// ---- messages and Update ----

type startMsg struct{ plan model.TunePlan }

type appliedMsg struct {
	gen uint64
	mb  int
	err error
}

type savedMsg struct {
	gen   uint64
	paths []string
	err   error
}

func (m *Model) jobID() string { return "tune:" + m.fn.Name }

func (m *Model) say(s string, isErr bool) tea.Cmd { return common.Status(s, isErr) }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case infoMsg:
		if !m.req.Done(kindInfo, msg.gen) {
			return nil
		}
		m.info, m.infoErr = true, msg.err
		if msg.err != nil {
			return m.say(common.FailLine("tune "+m.fn.Name, msg.err), true)
		}
		m.cfg, m.blockers, m.maxPar, m.monthly, m.avgDur = msg.cfg, append(append([]string(nil), m.jobBlockers...), msg.blockers...), max(1, msg.maxPar), msg.monthly, msg.avgDur
		m.payloads = append(m.payloads[:m.fixed], msg.events...)
		m.payIdx = min(m.payIdx, len(m.payloads)-1)
		m.o.Parallelism = min(m.o.Parallelism, m.maxPar)
		return nil
	case runsMsg:
		if m.req.Done(kindRuns, msg.gen) {
			m.past = msg.runs
		}
		return nil
	case startMsg:
		return m.start(msg.plan)
	case cancelMsg:
		if m.cancel != nil {
			m.cancel()
			m.prog.Message = "cancelling: the cleanup runs next"
		}
		return nil
	case setFieldMsg:
		m.setField(msg.field, msg.value)
		return nil
	case progressMsg:
		if msg.gen != m.jobGen {
			return nil
		}
		return m.progress(msg)
	case appliedMsg:
		if !m.req.Done(kindApply, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return m.say("memory not changed: "+msg.err.Error(), true)
		}
		m.applied = fmt.Sprintf("%s now runs at %d MB (journaled)", m.fn.Name, msg.mb)
		return m.say(m.applied, false)
	case savedMsg:
		if !m.req.Done(kindSave, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return m.say("not saved: "+msg.err.Error(), true)
		}
		m.saved = msg.paths
		return tea.Batch(m.say("saved "+strings.Join(msg.paths, ", "), false), m.loadRuns())
	case common.RefreshMsg:
		if m.stage != stageRunning {
			return tea.Batch(m.loadInfo(), m.loadRuns())
		}
		return nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return nil
}
