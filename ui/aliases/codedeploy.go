package aliases

// CodeDeploy in the cockpit: a banner when a running deployment owns the
// selected alias; while it runs the weight keys (+ - = P A L u) are refused
// with the banner's explanation and no UpdateAlias is sent; S stops the
// deployment and R stops it with rollback, both behind a typed confirmation
// (the aws layer journals them and refuses them in read-only mode).

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/deploytext"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/request"
)

// DeployPoll is how often the cockpit re-reads CodeDeploy while a
// deployment owns one of the function's aliases.
const DeployPoll = 15 * time.Second

type cdState struct {
	tickSeq     uint64
	loaded      bool
	byAlias     map[string]model.Deployment
	err         error
	unsupported bool
	busy        bool
}

const kindDeploys request.Kind = "codedeploy"

type deploysMsg struct {
	gen  uint64
	list []model.Deployment
	err  error
}

type deployTickMsg struct{ seq uint64 }

type stopConfirmedMsg struct {
	d        model.Deployment
	rollback bool
}

type stoppedMsg struct {
	d        model.Deployment
	rollback bool
	err      error
}

func (deploysMsg) own()       {}
func (deployTickMsg) own()    {}
func (stopConfirmedMsg) own() {}
func (stoppedMsg) own()       {}

// loadDeploys reads the region's running deployments (cached by the aws
// layer) and keeps this function's.
func (m *Model) loadDeploys() tea.Cmd {
	cd := m.deps.Deployments()
	if cd == nil || m.cd.unsupported || m.req.InFlight(kindDeploys) {
		return nil
	}
	ctx, gen := m.req.Start(kindDeploys)
	return func() tea.Msg {
		list, err := cd.ActiveDeployments(ctx)
		return deploysMsg{gen: gen, list: list, err: err}
	}
}

// handleDeployMsg takes the CodeDeploy messages.
func (m *Model) handleDeployMsg(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case deploysMsg:
		if !m.req.Done(kindDeploys, msg.gen) {
			return nil // stale
		}
		m.cd.loaded = true
		if msg.err != nil {
			if errors.Is(msg.err, awsapi.ErrUnsupported) {
				m.cd.unsupported, m.cd.err, m.cd.byAlias = true, nil, nil
				m.showDeployColumn()
				return nil
			}
			m.cd.err = msg.err // the last known owners stay (a read failure must not unlock the keys)
			return m.deployTick()
		}
		m.cd.err = nil
		by := map[string]model.Deployment{}
		for _, d := range msg.list {
			if d.Function == m.fn.Name && d.Active() {
				by[d.Alias] = d
			}
		}
		changed := len(by) != len(m.cd.byAlias)
		for a, d := range by {
			if old, ok := m.cd.byAlias[a]; !ok || old.TargetWeight != d.TargetWeight {
				changed = true
			}
		}
		m.cd.byAlias = by
		if changed {
			m.showDeployColumn()
		}
		var cmds []tea.Cmd
		if changed && m.loaded {
			cmds = append(cmds, m.load()) // the deployment moved the alias
		}
		if len(by) > 0 {
			cmds = append(cmds, m.deployTick())
		}
		return tea.Batch(cmds...)
	case deployTickMsg:
		if msg.seq != m.cd.tickSeq {
			return nil
		}
		return m.loadDeploys()
	case stopConfirmedMsg:
		if m.cd.busy {
			return m.fail("a stop is still being sent; nothing more was sent")
		}
		m.cd.busy = true
		cd, ctx, d, rb := m.deps.Deployments(), m.req.Context(), msg.d, msg.rollback
		return func() tea.Msg {
			return stoppedMsg{d: d, rollback: rb, err: cd.StopDeployment(ctx, d, rb)}
		}
	case stoppedMsg:
		m.cd.busy = false
		if msg.err != nil {
			return m.fail(fmt.Sprintf("stopping %s failed: %v", msg.d.ID, msg.err))
		}
		delete(m.cd.byAlias, msg.d.Alias)
		what := fmt.Sprintf("stopped CodeDeploy deployment %s on %s: the alias stays where it was", msg.d.ID, msg.d.Alias)
		if msg.rollback {
			what = fmt.Sprintf("stopped CodeDeploy deployment %s on %s and asked CodeDeploy to roll back to version %s", msg.d.ID, msg.d.Alias, msg.d.CurrentVersion)
		}
		return tea.Batch(m.say(what), m.load(), m.loadDeploys())
	}
	return nil
}

func (m *Model) deployTick() tea.Cmd {
	m.cd.tickSeq++
	seq := m.cd.tickSeq
	return m.after(DeployPoll, func(time.Time) tea.Msg { return deployTickMsg{seq: seq} })
}

// owner is the running deployment that owns alias, if any.
func (m *Model) owner(alias string) (model.Deployment, bool) {
	d, ok := m.cd.byAlias[alias]
	return d, ok
}

// Owner reports the deployment that owns the selected alias (for tests and the root).
func (m *Model) Owner() (model.Deployment, bool) {
	al, ok := m.selected()
	if !ok {
		return model.Deployment{}, false
	}
	return m.owner(al.Name)
}

func (m *Model) weightKey(k tea.KeyPressMsg) bool {
	a := m.km.Aliases
	for _, b := range []key.Binding{a.WeightUp, a.WeightDown, a.SetWeight, a.Promote, a.Abort, a.Plan, a.Undo} {
		if key.Matches(k, b) {
			return true
		}
	}
	return false
}

// ClaimsKey implements common.KeyClaimer: S and R belong to the cockpit
// while a deployment owns the selected alias.
func (m *Model) ClaimsKey(k tea.KeyPressMsg) bool {
	if _, owned := m.Owner(); !owned {
		return false
	}
	return key.Matches(k, m.km.Aliases.StopDeployment) || key.Matches(k, m.km.Aliases.StopRollback)
}

// deployKey handles the keys CodeDeploy changes: the stop keys, and the
// weight keys on an alias a deployment owns (refused, nothing sent). On an
// alias no deployment owns, S is the list's reverse sort.
func (m *Model) deployKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	a := m.km.Aliases
	al, ok := m.selected()
	if !ok {
		return nil, false
	}
	d, owned := m.owner(al.Name)
	stop, rollback := key.Matches(k, a.StopDeployment), key.Matches(k, a.StopRollback)
	switch {
	case (stop || rollback) && owned:
		if m.deps.Fleet != nil && m.deps.Fleet.Target().Protection == model.ReadOnly {
			return m.fail("read-only mode: stopping a CodeDeploy deployment is refused (nothing was sent)"), true
		}
		if m.cd.busy {
			return m.fail("a stop is still being sent"), true
		}
		return m.confirmStop(d, rollback), true
	case owned && m.weightKey(k):
		return m.fail("refused, nothing was sent: " + d.DeploymentGuard()), true
	}
	return nil, false
}

func (m *Model) confirmStop(d model.Deployment, rollback bool) tea.Cmd {
	var b strings.Builder
	fmt.Fprintf(&b, "deployment %s (%s), created by %s\n", d.ID, deploytext.Config(d.Config), deploytext.Creator(d.Creator))
	fmt.Fprintf(&b, "now     %s: version %s with %s on version %s\n", d.Target(), d.CurrentVersion, model.FormatWeight(d.TargetWeight/100), d.TargetVersion)
	if rollback {
		fmt.Fprintf(&b, "after   CodeDeploy rolls back: all traffic to version %s (a rollback deployment is created)", d.CurrentVersion)
	} else {
		fmt.Fprintf(&b, "after   the deployment stops where it is: %s keeps %s on version %s and CodeDeploy moves it no further", d.Alias, model.FormatWeight(d.TargetWeight/100), d.TargetVersion)
	}
	title := "Stop CodeDeploy deployment " + d.ID
	if rollback {
		title += " and roll back"
	}
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     title,
		Body:      b.String(),
		Protected: true, // always typed: this ends someone's release
		Name:      d.Alias,
		Yes:       func() tea.Msg { return stopConfirmedMsg{d: d, rollback: rollback} },
	}))
}

// deployBannerLines is the banner above the cockpit when a deployment owns
// the selected alias (or a one-line notice when CodeDeploy cannot be read).
func (m *Model) deployBannerLines(w int) []string {
	al, ok := m.selected()
	if !ok {
		return nil
	}
	if m.cd.unsupported {
		return []string{m.st.Muted.Render("CodeDeploy is not available on this endpoint: deployments that own aliases are not shown")}
	}
	d, owned := m.owner(al.Name)
	var out []string
	if m.cd.err != nil {
		out = append(out, m.st.Warn.Render("⚠ CodeDeploy could not be read: "+m.cd.err.Error()))
	}
	if !owned {
		return out
	}
	now := m.deps.Now()
	out = append(out, m.st.Warn.Render("CodeDeploy · "+d.ID)+"  "+m.st.Bold.Render(d.Status)+"  "+deploytext.Config(d.Config))
	barW := max(10, min(30, w-46))
	n := canaryCells(d.TargetWeight/100, barW)
	bar := m.st.Muted.Render(strings.Repeat("█", barW-n)) + m.st.Accent.Render(strings.Repeat("░", n))
	out = append(out, fmt.Sprintf("  %s → %s  %s %s on %s (target)", d.CurrentVersion, d.TargetVersion, bar,
		model.FormatWeight(d.TargetWeight/100), d.TargetVersion)+m.st.Muted.Render(" · "+d.Routing.String()))
	var when []string
	if at, wt, ok := d.NextStep(now); ok {
		when = append(when, fmt.Sprintf("next %g%% at %s (in %s)", wt, at.Format("15:04:05"), roundDur(at.Sub(now))))
	}
	if end, ok := d.End(); ok && end.After(now) {
		when = append(when, "all on "+d.TargetVersion+" by "+end.Format("15:04"))
	}
	if len(when) > 0 {
		out = append(out, "  "+strings.Join(when, " · "))
	}
	alarms := "  alarms: none"
	if len(d.Alarms) > 0 {
		alarms = "  alarms: " + strings.Join(d.Alarms, ", ")
		if !d.AlarmsEnabled {
			alarms += " (disabled)"
		}
	}
	if d.AutoRollback {
		alarms += " · rolls back on " + rollbackWords(d.RollbackEvents)
	}
	if w >= 120 {
		alarms += m.st.Muted.Render(" · " + d.Application + "/" + d.Group + " by " + deploytext.Creator(d.Creator))
	}
	out = append(out, alarms)
	k := m.km.Aliases
	out = append(out, m.st.Warn.Render(fmt.Sprintf("  ⚠ CodeDeploy owns it: weight keys refused · %s stop · %s stop and roll back",
		k.StopDeployment.Help().Key, k.StopRollback.Help().Key)))
	var wrapped []string
	for _, l := range out {
		wrapped = append(wrapped, strings.Split(ansi.Wrap(l, w, " "), "\n")...)
	}
	return wrapped
}

func rollbackWords(evs []string) string {
	var out []string
	for _, e := range evs {
		switch e {
		case "DEPLOYMENT_FAILURE":
			out = append(out, "failure")
		case "DEPLOYMENT_STOP_ON_ALARM":
			out = append(out, "alarm")
		case "DEPLOYMENT_STOP_ON_REQUEST":
			out = append(out, "stop")
		default:
			out = append(out, strings.ToLower(e))
		}
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, ", ")
}

func roundDur(d time.Duration) string {
	return max(d, 0).Round(time.Second).String()
}

// showDeployColumn shows the alias list's CODEDEPLOY column while a
// deployment owns one of the aliases, and hides it otherwise.
func (m *Model) showDeployColumn() {
	m.list.SetHidden(colDeploy, len(m.cd.byAlias) == 0)
	m.list.InvalidateCache()
}

// deployMark is the alias list's marker for an owned alias: the ID of the
// deployment owning it, in the CODEDEPLOY column.
func (m *Model) deployMark(alias string) string {
	if d, ok := m.owner(alias); ok {
		return m.st.Warn.Render(d.ID)
	}
	return ""
}

// aliasThrottleLine is the throttles row: the alias's throttles from its
// Resource dimension, said as such (throttled requests never ran, so they
// have no executed version and cannot be split between the versions).
func (m *Model) aliasThrottleLine(alias string, am *aliasMetrics, colW int) string {
	s, ok := am.series[""]
	label := m.st.Header.Render(pad("throttles", labelW))
	if !ok || len(s.thr.Timestamps) == 0 && len(s.thr.Values) == 0 {
		return label + m.st.Muted.Render("n/a (no alias-level throttle series)")
	}
	total := 0.0
	for _, v := range s.thr.Values {
		total += v
	}
	val := format.Float(total) + " on the alias"
	line := pad(val, min(18, colW/2))
	if total > 0 {
		line = m.st.Error.Render("✗ " + line)
	}
	sparkW := max(0, min(30, colW-min(18, colW/2)-2))
	if sparkW > 0 {
		line += " " + format.Sparkline(s.thr.Values, sparkW)
	}
	return label + line + m.st.Muted.Render("  by Resource "+m.fn.Name+":"+alias+": throttled requests have no executed version")
}
