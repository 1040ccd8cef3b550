package aliases

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

// planRun is a guarded plan in progress. The pane drives it: a one-second
// tick (carrying the run id and a sequence, so only one chain lives) asks
// model.Plan.Decide what to do with the clock and the canary's health since
// the plan started; every shift, promote or abort goes through the aws
// layer's UpdateAlias, which journals it.
type planRun struct {
	id       uint64
	alias    string
	plan     model.Plan
	state    model.PlanState
	primary  string
	canary   string
	inFlight bool
	failures int
	tickSeq  uint64
	last     model.PlanDecision  // the latest decision, for the view
	aborting *model.PlanDecision // once the plan decides to abort it keeps aborting until it has
	lastBeat time.Time           // when the plan last ran a step (its heartbeat)
	paused   time.Duration       // the longest gap between beats: the machine slept or the program hung
}

// heartbeat notes gaps between the plan's one-second beats: a laptop that
// slept stopped the plan for that long.
func (p *planRun) heartbeat(now time.Time) {
	if !p.lastBeat.IsZero() {
		if gap := now.Sub(p.lastBeat); gap > 30*time.Second && gap > p.paused {
			p.paused = gap
		}
	}
	p.lastBeat = now
}

// A failed step is retried maxPlanFailures times before the plan aborts;
// a failed abort is retried maxAbortFailures times before it gives up and
// tells the operator to act.
const (
	maxPlanFailures  = 3
	maxAbortFailures = 10
)

func (m *Model) planJobID(alias string) string { return "plan:" + m.fn.Name + ":" + alias }

func (m *Model) promptPlan(a model.Alias) tea.Cmd {
	name := a.Name
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Guarded plan for %s", a.Name),
		Placeholder: m.opt.Plan.Spec(),
		Value:       m.opt.Plan.Spec(),
		Accept: func(s string) (tea.Cmd, error) {
			spec, override := splitOverride(s)
			p, err := model.ParsePlan(spec)
			if err != nil {
				return nil, err
			}
			return m.planProposal(name, p, override)
		},
	}))
}

// planTarget says which versions a plan on a works with: the primary stays,
// the canary is the additional version (or the newest published above the
// primary when there is no routing yet).
func planTarget(a model.Alias, versions []model.Version) (primary, canary string, err error) {
	if a.Routing.Active() {
		return a.Version, a.Routing.AdditionalVersion, nil
	}
	nv, ok := model.NewestAbove(a.Version, versions)
	if !ok {
		return "", "", fmt.Errorf("no published version newer than %s to roll out: publish one with p", a.Version)
	}
	return a.Version, nv, nil
}

// planProposal opens the plan's confirmation, or says why it cannot run
// (the plan prompt shows that error and stays open).
func (m *Model) planProposal(alias string, p model.Plan, override bool) (tea.Cmd, error) {
	a, ok := m.aliasNamed(alias)
	if !ok {
		return nil, fmt.Errorf("alias %s is gone: press r", alias)
	}
	if m.plan != nil {
		return nil, fmt.Errorf("a plan is already running on %s", m.plan.alias)
	}
	primary, canary, err := planTarget(a, m.versions)
	if err != nil {
		return nil, err
	}
	past := m.planPastThresholds(a, canary, p)
	if past != "" && !override {
		return nil, fmt.Errorf("refused: the canary is already past this plan's thresholds (%s), so the plan would only abort; add %s at the end to start it anyway", past, OverrideMark)
	}
	first := planChange(a, primary, canary, p.Decide(model.NewPlanState(), m.deps.Now(), model.VersionHealth{}))
	if probs := model.Preflight(m.fn, m.versions, first); len(probs) > 0 {
		m.problems = probs
		return nil, errors.New("pre-flight: " + probs[0].Message)
	}
	m.problems = nil
	steps, abort, _ := strings.Cut(p.Describe(), "; ")
	body := fmt.Sprintf("steps  %s\n%s\ncanary version %s, stable version %s\n\nfirst step:\n%s\n\nThe plan runs inside this program: quitting,\nclosing this view or the machine sleeping\nstops it (routing stays where it is).\nFor unattended rollouts use CodeDeploy.",
		steps, abort, canary, primary, ChangeBody(first, 30))
	if past != "" {
		body = "⚠ OVERRIDE: the canary is already past the thresholds:\n⚠ " + past + "\n\n" + body
	}
	if w := m.worseWarning(first); w != "" {
		body = w + body
	}
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     fmt.Sprintf("Run plan on %s:%s", m.fn.Name, a.Name),
		Body:      body,
		Protected: m.protected(),
		Name:      a.Name,
		Yes: func() tea.Msg {
			return planStartMsg{alias: alias, plan: p, primary: primary, canary: canary}
		},
	})), nil
}

// planChange is the UpdateAlias a plan decision needs.
func planChange(a model.Alias, primary, canary string, d model.PlanDecision) model.AliasChange {
	switch d.Kind {
	case model.DecidePromote:
		return model.AliasChange{Kind: model.ChangePromote, Before: a, Version: canary}
	case model.DecideAbort:
		return model.AliasChange{Kind: model.ChangeAbort, Before: a, Version: primary}
	}
	kind := model.ChangeShift
	if !a.Routing.Active() {
		kind = model.ChangeStart
	}
	return model.AliasChange{Kind: kind, Before: a, Version: primary,
		Routing: model.Routing{AdditionalVersion: canary, Weight: model.RoundWeight(d.Weight)}}
}

func (m *Model) startPlan(msg planStartMsg) tea.Cmd {
	if m.plan != nil {
		return m.fail("a plan is already running on " + m.plan.alias)
	}
	m.jobs++
	m.plan = &planRun{id: m.jobs, alias: msg.alias, plan: msg.plan, state: model.NewPlanState(),
		primary: msg.primary, canary: msg.canary}
	m.notice = ""
	return tea.Batch(common.Status("plan started on "+msg.alias+": "+msg.plan.Describe(), false), m.planStep())
}

func (m *Model) planTick() tea.Cmd {
	p := m.plan
	p.tickSeq++
	run, seq := p.id, p.tickSeq
	return m.after(planTickEvery, func(time.Time) tea.Msg { return planTickMsg{run: run, seq: seq} })
}

// planHealth is the canary's health since the plan started.
func (m *Model) planHealth() model.VersionHealth {
	p := m.plan
	since := p.state.Started.Truncate(time.Minute)
	h, _ := m.health(p.alias, p.canary, since)
	h.Version = p.canary
	// No version is ever throttled (a throttled request never ran, so
	// CloudWatch has no ExecutedVersion for it): the guard counts the
	// alias's throttles since the plan started, else it could never trip.
	h.Throttles = max(h.Throttles, m.aliasThrottles(p.alias, since))
	if a, ok := m.aliasNamed(p.alias); ok {
		h.Alarms = m.firingFor(a, p.canary)
	}
	return h
}

// planStep asks the plan what to do now and does it.
func (m *Model) planStep() tea.Cmd {
	p := m.plan
	if p == nil || p.inFlight {
		return nil
	}
	a, ok := m.aliasNamed(p.alias)
	if !ok {
		return m.stopPlan("alias " + p.alias + " is gone")
	}
	if p.state.Phase != model.PlanPending && (a.Version != p.primary || a.Routing.Active() && a.Routing.AdditionalVersion != p.canary) {
		return m.stopPlan(fmt.Sprintf("%s was changed outside the plan (now %s); routing left as it is", a.Name, DescribeAlias(a)))
	}
	now := m.deps.Now()
	p.heartbeat(now)
	d := p.plan.Decide(p.state, now, m.planHealth())
	if p.aborting != nil {
		d = *p.aborting
	}
	p.last = d
	switch d.Kind {
	case model.DecideDone:
		return m.stopPlan("finished")
	case model.DecideWait:
		return tea.Batch(m.planJob(now), m.planTick())
	}
	c := planChange(a, p.primary, p.canary, d)
	if d.Kind == model.DecideAbort && !a.Routing.Active() {
		p.state = p.state.Applied(d, now) // nothing routed: nothing to undo
		return m.finishPlan()
	}
	if c.Noop() {
		p.state = p.state.Applied(d, now)
		if p.state.Finished() {
			return m.finishPlan()
		}
		return m.planStep()
	}
	if d.Kind != model.DecideAbort {
		if probs := model.Preflight(m.fn, m.versions, c); len(probs) > 0 {
			d = model.PlanDecision{Kind: model.DecideAbort, Reason: "pre-flight: " + probs[0].Message}
			p.last = d
			c = planChange(a, p.primary, p.canary, d)
		}
	}
	if d.Kind == model.DecideAbort {
		p.aborting = &d
	}
	p.inFlight = true
	return tea.Batch(m.planJob(now), m.applyCmd(c, p.id, d))
}

func (m *Model) planApplied(msg appliedMsg) tea.Cmd {
	p := m.plan
	if p == nil || p.id != msg.plan {
		// the run was stopped while its change was in flight: keep the alias current
		if msg.err == nil {
			m.setAlias(msg.alias)
		}
		return nil
	}
	p.inFlight = false
	var conflict *awsapi.ConflictError
	switch {
	case errors.As(msg.err, &conflict):
		m.setAlias(conflict.Current)
		return m.stopPlan(fmt.Sprintf("%s was changed by someone else (now %s, revision %s); nothing was overwritten",
			p.alias, DescribeAlias(conflict.Current), shortRev(conflict.Current.RevisionID)))
	case msg.err != nil:
		p.failures++
		limit := maxPlanFailures
		if msg.d.Kind == model.DecideAbort {
			limit = maxAbortFailures
		}
		if p.failures < limit {
			return tea.Batch(m.fail(fmt.Sprintf("plan: %s failed (%v); retrying", msg.d.Kind, msg.err)), m.planTick())
		}
		if msg.d.Kind != model.DecideAbort {
			p.failures = 0
			d := model.PlanDecision{Kind: model.DecideAbort, Reason: fmt.Sprintf("%s failed %d times: %v", msg.d.Kind, maxPlanFailures, msg.err)}
			p.last, p.aborting = d, &d
			a, _ := m.aliasNamed(p.alias)
			if !a.Routing.Active() {
				return m.stopPlan(d.Reason)
			}
			p.inFlight = true
			return m.applyCmd(planChange(a, p.primary, p.canary, d), p.id, d)
		}
		return m.stopPlan(fmt.Sprintf("ABORT FAILED %d times (%v): remove the routing of %s by hand (A)", maxAbortFailures, msg.err, p.alias))
	}
	p.failures = 0
	m.setAlias(msg.alias)
	now := m.deps.Now()
	p.state = p.state.Applied(msg.d, now)
	if p.state.Finished() {
		return m.finishPlan()
	}
	return m.planStep()
}

func (m *Model) finishPlan() tea.Cmd {
	p := m.plan
	m.plan = nil
	var status tea.Cmd
	job := common.JobMsg{ID: m.planJobID(p.alias), Progress: 1, Done: true}
	switch p.state.Phase {
	case model.PlanPromoted:
		job.Label = fmt.Sprintf("plan on %s promoted version %s", p.alias, p.canary)
		status = m.say(job.Label)
	default:
		job.Label = fmt.Sprintf("plan on %s aborted: %s", p.alias, p.state.Reason)
		job.Err = errors.New(p.state.Reason)
		status = m.fail(job.Label + "; traffic is back on version " + p.primary)
	}
	m.lastPlan = job.Label
	return tea.Batch(status, common.Job(job))
}

func (m *Model) stopPlan(reason string) tea.Cmd {
	p := m.plan
	if p == nil {
		return nil
	}
	m.plan = nil
	label := fmt.Sprintf("plan on %s stopped: %s", p.alias, reason)
	m.lastPlan = label
	return tea.Batch(m.fail(label), common.Job(common.JobMsg{ID: m.planJobID(p.alias), Label: label, Progress: 1, Done: true}))
}

// planJob reports the run in the footer with a countdown; Blocking makes
// the root ask before quitting.
func (m *Model) planJob(now time.Time) tea.Cmd {
	return common.Job(common.JobMsg{
		ID:       m.planJobID(m.plan.alias),
		Label:    m.planLabel(now),
		Progress: m.plan.plan.Progress(m.plan.state, now),
		Blocking: true,
	})
}

// planLabel is "canary live 25% · next 50% in 3:12".
func (m *Model) planLabel(now time.Time) string {
	p := m.plan
	head := "canary " + p.alias
	switch {
	case p.inFlight:
		return fmt.Sprintf("%s · applying %s", head, describeDecision(p.last))
	case p.state.Phase == model.PlanPending:
		return head + " · starting"
	}
	cur := p.plan.Steps[min(p.state.Step, len(p.plan.Steps)-1)]
	next := "promote"
	if p.state.Step+1 < len(p.plan.Steps) {
		if w := p.plan.Steps[p.state.Step+1].Weight; w < 1 {
			next = model.FormatWeight(w)
		}
	}
	left := max(0, p.state.StepStarted.Add(cur.Dwell).Sub(now))
	out := fmt.Sprintf("%s %s · next %s in %s", head, model.FormatWeight(cur.Weight), next, countdown(left))
	if p.paused > 0 {
		out += " · was paused " + countdown(p.paused) + " (asleep?)"
	}
	return out
}

func describeDecision(d model.PlanDecision) string {
	switch d.Kind {
	case model.DecideShift:
		return "shift to " + model.FormatWeight(d.Weight)
	case model.DecidePromote:
		return "promote"
	case model.DecideAbort:
		return "abort (" + d.Reason + ")"
	}
	return string(d.Kind)
}

func countdown(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
