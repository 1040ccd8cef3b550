package tune

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

// ---- actions: the plan and its confirmation, the run as a job, applying
// the recommended size, saving the run ----

func newRunID() string {
	return strconv.FormatInt(time.Now().UnixNano()/1e6%0xffffffff, 36)
}

// Plan builds the plan for the current options (exported for tests).
func (m *Model) Plan(run string) (model.TunePlan, error) {
	o := m.o
	o.Function = m.fn.Name
	o.Payload = m.payloads[m.payIdx].body
	o.PayloadFrom = m.payloads[m.payIdx].name
	o, err := o.Normalize()
	if err != nil {
		return model.TunePlan{}, err
	}
	return model.PlanTune(run, o, m.cfg, m.avgDur, model.PricesFor(m.region())), nil
}

func (m *Model) proposePlan() tea.Cmd {
	if !m.info {
		return m.say("still reading "+m.fn.Name+"'s configuration", true)
	}
	if m.infoErr != nil {
		return m.say(m.infoErr.Error(), true)
	}
	if m.target.Protection == model.ReadOnly {
		return m.say("read-only: power tuning changes $LATEST, so it cannot run here", true)
	}
	if len(m.blockers) > 0 {
		return m.say("not tuning "+m.fn.Name+": "+strings.Join(m.blockers, "; "), true)
	}
	pl, err := m.Plan(newRunID())
	if err != nil {
		return m.say(err.Error(), true)
	}
	return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.target, dialog.ConfirmOptions{
		Title: "Power-tune " + m.fn.Name + " (run " + pl.Run + ")",
		Body:  PlanBody(pl),
		Name:  m.fn.Name,
		Yes:   func() tea.Msg { return startMsg{plan: pl} },
	}))
}

// PlanBody is the plan as the confirmation shows it.
func PlanBody(pl model.TunePlan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d invocations: %d sizes × %d, %d at a time\n", pl.Invocations, len(pl.Options.Sizes), pl.Options.PerSize, pl.Options.Parallelism)
	fmt.Fprintf(&b, "estimated cost of the run: %s (%s)\n", model.FormatDollars(pl.EstCost), model.InvocationBasis(model.PricesFor(pl.Region), pl.Arch, pl.EphemeralMB))
	fmt.Fprintf(&b, "payload: %s\n\n", pl.Options.PayloadFrom)
	b.WriteString("changes:\n  " + strings.Join(pl.Changes, "\n  ") + "\n")
	fmt.Fprintf(&b, "creates, one size at a time:\n  %d versions and aliases %s<mb>\n", len(pl.Creates), model.TuneAliasPrefix+pl.Run+"-")
	b.WriteString("removes at the end (also on cancel, error, or after a crash):\n  " + strings.Join(pl.Removes, "\n  "))
	return b.String()
}

func (m *Model) start(pl model.TunePlan) tea.Cmd {
	if m.stage == stageRunning {
		return nil
	}
	m.stage, m.plan, m.results, m.run, m.runErr, m.saved, m.applied = stageRunning, pl, nil, nil, nil, nil, ""
	m.prog = model.TuneProgress{Total: pl.Invocations, Message: "starting"}
	m.tbl.SetItems(nil)
	m.jobGen++
	m.feed = &feed{notify: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	tu, f, monthly := m.tuner, m.feed, m.monthly
	running.Add(1)
	active.Add(1)
	go func() {
		defer running.Done()
		defer active.Add(-1)
		run, err := tu.Tune(ctx, pl, monthly, f.push)
		f.finish(doneMsg{run: run, err: err})
	}()
	return tea.Batch(m.job(false, nil), m.wait())
}

func (m *Model) job(done bool, err error) tea.Cmd {
	p := 0.0
	if m.prog.Total > 0 {
		p = float64(m.prog.Done) / float64(m.prog.Total)
	}
	label := fmt.Sprintf("tuning %s %d/%d", m.fn.Name, m.prog.Done, m.prog.Total)
	if m.prog.MemoryMB > 0 {
		label += fmt.Sprintf(" · %d MB", m.prog.MemoryMB)
	}
	if m.prog.Stage == "cleanup" {
		label = "tuning " + m.fn.Name + ": cleaning up"
	}
	if done {
		label = "tuned " + m.fn.Name
		if m.run != nil {
			label += ": " + m.run.Status
		}
		p = 1
	}
	j := common.JobMsg{ID: m.jobID(), Label: label, Progress: p, Done: done, Err: err, Blocking: !done}
	return func() tea.Msg { return j }
}

func (m *Model) progress(msg progressMsg) tea.Cmd {
	for _, ev := range msg.evs {
		m.prog = ev
		if ev.Result != nil {
			r := *ev.Result
			m.results = append(m.results, r)
		}
	}
	m.setRows(m.results)
	if msg.done == nil {
		return tea.Batch(m.job(false, nil), m.wait())
	}
	run := msg.done.run
	m.run, m.runErr, m.stage, m.cancel = &run, msg.done.err, stageDone, nil
	m.results = run.Results
	m.setRows(run.Results)
	cmds := []tea.Cmd{m.job(true, msg.done.err)}
	if msg.done.err != nil {
		cmds = append(cmds, m.say(common.FailLine("tuning "+m.fn.Name, msg.done.err), true))
	}
	return tea.Batch(cmds...)
}

func (m *Model) setRows(rs []model.SizeResult) {
	rows := make([]*model.SizeResult, len(rs))
	for i := range rs {
		rows[i] = &rs[i]
	}
	m.tbl.SetItems(rows)
}

func (m *Model) confirmApply() tea.Cmd {
	if m.run == nil || m.run.Recommended == 0 {
		return m.say("no recommended size to apply", true)
	}
	mb, fn, tu := m.run.Recommended, m.fn.Name, m.tuner
	body := fmt.Sprintf("UpdateFunctionConfiguration on %s: memory %d MB → %d MB.\nJournaled; undo by applying %d MB again.", fn, m.run.BaseMemory, mb, m.run.BaseMemory)
	if m.run.MonthlyCalls > 0 {
		body += "\n" + monthlyText(*m.run)
	}
	ctx, gen := m.req.Start(kindApply)
	return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.target, dialog.ConfirmOptions{
		Title: fmt.Sprintf("Apply %d MB to %s", mb, fn),
		Body:  body,
		Name:  fn,
		Yes: func() tea.Msg {
			_, err := tu.SetMemory(ctx, fn, mb)
			return appliedMsg{gen: gen, mb: mb, err: err}
		},
	}))
}

func (m *Model) save() tea.Cmd {
	if m.run == nil {
		return nil
	}
	_, gen := m.req.Start(kindSave)
	run, tu := *m.run, m.tuner
	return func() tea.Msg {
		p, err := tu.SaveTuneRun(run)
		return savedMsg{gen: gen, paths: p, err: err}
	}
}

// region is the session's (prices differ by region); "" is us-east-1's.
func (m *Model) region() string {
	if m.deps.Fleet == nil {
		return ""
	}
	return m.deps.Fleet.Target().Region
}
