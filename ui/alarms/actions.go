package alarms

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

// ---- actions: SetAlarmState and muting an alarm's actions, confirmed ----

// askState asks which state to set, then confirms (typing the alarm's
// name on a protected profile).
func (m *Model) askState() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok {
		return nil
	}
	m.acting = m.rowSession(r)
	if m.tgt().Protection == model.ReadOnly {
		return common.Status("read-only mode: SetAlarmState is not sent", true)
	}
	name := r.a.Name
	next := model.AlarmAlarm
	if r.a.State == model.AlarmAlarm {
		next = model.AlarmOK
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title: "Set the state of " + common.Clean(name) + " (OK, ALARM or INSUFFICIENT_DATA) — until its next evaluation",
		Value: next,
		Validate: func(v string) error {
			switch strings.ToUpper(strings.TrimSpace(v)) {
			case model.AlarmOK, model.AlarmAlarm, model.AlarmInsufficient:
				return nil
			}
			return errors.New("OK, ALARM or INSUFFICIENT_DATA")
		},
		Submit: func(v string) tea.Cmd {
			state := strings.ToUpper(strings.TrimSpace(v))
			return func() tea.Msg {
				return confirmMsg{run: func() tea.Cmd { return m.confirmState(name, state) }}
			}
		},
	}))
}

func (m *Model) confirmState(name, state string) tea.Cmd {
	reason := "set by lambdaops to test the alarm's actions"
	return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.tgt(), dialog.ConfirmOptions{
		Title: "SetAlarmState " + common.Clean(name) + " → " + state,
		Body:  "The alarm's actions run as for a real transition (pages, rollbacks).\nIts next evaluation sets it back.\nreason: " + reason,
		Name:  name,
		Yes:   m.run("set "+name+" to "+state, func(al awsapi.Alarms, ctx contextT) error { return al.SetAlarmState(ctx, name, state, reason) }),
	}))
}

// askActions asks for a reason, then confirms muting (or unmuting) the
// alarm's actions.
func (m *Model) askActions() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok {
		return nil
	}
	m.acting = m.rowSession(r)
	if m.tgt().Protection == model.ReadOnly {
		return common.Status("read-only mode: alarm actions are not changed", true)
	}
	name, enable := r.a.Name, !r.a.ActionsEnabled
	verb := "Disable"
	if enable {
		verb = "Enable"
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       verb + " the actions of " + common.Clean(name) + ": why? (journaled)",
		Placeholder: "maintenance window",
		Validate:    dialog.Required("a reason"),
		Submit: func(v string) tea.Cmd {
			reason := strings.TrimSpace(v)
			return func() tea.Msg {
				return confirmMsg{run: func() tea.Cmd {
					return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, m.tgt(), dialog.ConfirmOptions{
						Title: verb + "AlarmActions " + common.Clean(name),
						Body:  "reason: " + common.Clean(reason),
						Name:  name,
						Yes: m.run(strings.ToLower(verb)+"d the actions of "+name, func(al awsapi.Alarms, ctx contextT) error {
							return al.SetAlarmActions(ctx, []string{name}, enable, reason)
						}),
					}))
				}}
			}
		},
	}))
}

// run returns the command a confirmation runs: the change, in a command.
func (m *Model) run(what string, f func(awsapi.Alarms, contextT) error) tea.Cmd {
	al := m.deps.Alarms
	if m.acting != nil { // over several pairs: the alarm's own
		al = m.acting
	}
	return func() tea.Msg {
		// The action's generation is taken when the confirmed command runs
		// (in Update order), so a second change supersedes the first.
		return startActionMsg{what: what, f: func(ctx contextT) error { return f(al, ctx) }}
	}
}

type contextT = context.Context

// startActionMsg runs a confirmed change in a command, under the action
// request's generation.
type startActionMsg struct {
	what string
	f    func(context.Context) error
}

func (m *Model) startAction(msg startActionMsg) tea.Cmd {
	ctx, gen := m.req.Start(kindAction)
	return func() tea.Msg {
		return actionMsg{gen: gen, what: msg.what, err: msg.f(ctx)}
	}
}
