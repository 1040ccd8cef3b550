package concurrency

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

func (m *Model) refuseReadOnly(what string) tea.Cmd {
	return m.say("read-only mode: "+what+" refused; nothing was sent", true)
}

func (m *Model) askReserved() tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing reserved concurrency")
	}
	// the current value is shown, not prefilled: typing a number replaces it
	title := "Reserved concurrency for " + m.fn.Name
	if m.loaded {
		if m.led.Reserved != nil {
			title += fmt.Sprintf(" (now %d)", *m.led.Reserved)
		} else {
			title += " (now none)"
		}
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       title,
		Placeholder: "a number; 0 stops all, empty removes",
		Validate: func(s string) error {
			s = strings.TrimSpace(s)
			if s == "" {
				return nil
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return errors.New("a whole number ≥ 0, or empty to remove")
			}
			if m.loaded { // the unreserved floor, inline, before the prompt closes
				if why := m.led.FloorCheck(n); why != "" {
					return errors.New(why)
				}
			}
			return nil
		},
		Submit: func(s string) tea.Cmd {
			s = strings.TrimSpace(s)
			if s == "" {
				return func() tea.Msg { return reservedAskMsg{} }
			}
			n, _ := strconv.Atoi(s)
			return func() tea.Msg { return reservedAskMsg{n: &n} }
		},
	}))
}

func (m *Model) confirmReserved(n *int) tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing reserved concurrency")
	}
	fleet, ctx, fn := m.deps.Fleet, m.req.Context(), m.fn.Name
	before := "none (uses the unreserved pool)"
	if m.loaded && m.led.Reserved != nil {
		before = strconv.Itoa(*m.led.Reserved)
	} else if !m.loaded {
		before = "(not loaded yet)"
	}
	if n == nil {
		return m.confirm("Remove the reservation of "+fn+"?",
			"reserved  "+before+" → none\nThe function then draws on the unreserved pool with every other function.",
			"", func() tea.Msg {
				return reservedDoneMsg{err: fleet.DeleteReserved(ctx, fn)}
			})
	}
	v := *n
	if m.loaded {
		if why := m.led.FloorCheck(v); why != "" {
			return m.say(why, true)
		}
	}
	body := fmt.Sprintf("reserved  %s → %d", before, v)
	if m.loaded && m.led.SettingsErr == nil && m.led.Settings.ConcurrentExecutions > 0 {
		cur := 0
		if m.led.Reserved != nil {
			cur = *m.led.Reserved
		}
		u := m.led.Settings.UnreservedConcurrentExecutions
		body += fmt.Sprintf("\nunreserved %d → %d (of %d)", u, u+cur-v, m.led.Settings.ConcurrentExecutions)
	}
	if p := m.led.ProvisionedTotal(); m.loaded && p > v {
		body += fmt.Sprintf("\n⚠ %d executions are provisioned on this function, more than the %d reserved.", p, v)
	}
	if v == 0 {
		body += "\n\nReserving 0 STOPS EVERY INVOCATION of " + fn + ":\nall of them are throttled until this is changed."
	} else {
		body += fmt.Sprintf("\nAt most %d run at once; the rest are throttled.", v)
	}
	danger := ""
	if v == 0 {
		danger = "THIS STOPS EVERY INVOCATION"
	}
	return m.confirm(fmt.Sprintf("Reserve %d for %s?", v, fn),
		body,
		danger, func() tea.Msg {
			return reservedDoneMsg{n: &v, err: fleet.PutReserved(ctx, fn, v)}
		})
}

func (m *Model) selectedQualifier() string {
	if r, ok := m.t.Selected(); ok {
		return r.Qualifier
	}
	return ""
}

func (m *Model) askProvisioned() tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing provisioned concurrency")
	}
	val, led, fn := "", m.led, m.fn.Name
	if q := m.selectedQualifier(); q != "" {
		val = q + " "
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       ProvisionedPrompt,
		Placeholder: "alias count, e.g. live 10 (0 removes)",
		Value:       val,
		Validate: func(s string) error {
			q, n, err := ParseProvisioned(s)
			if err != nil {
				return err
			}
			return CheckProvisioned(led, fn, q, n) // before anything is sent
		},
		Submit: func(s string) tea.Cmd {
			q, n, _ := ParseProvisioned(s)
			return func() tea.Msg { return provAskMsg{q: q, n: n} }
		},
	}))
}

// ParseProvisioned reads "<qualifier> <count>" (count 0 removes).
func ParseProvisioned(s string) (string, int, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return "", 0, errors.New("type an alias or version and a count, e.g. live 10")
	}
	if f[0] == "$LATEST" {
		return "", 0, errors.New("provisioned concurrency needs an alias or a published version, not $LATEST")
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 {
		return "", 0, errors.New("the count must be a whole number ≥ 0 (0 removes)")
	}
	return f[0], n, nil
}

func (m *Model) confirmProvisioned(q string, n int) tea.Cmd {
	if m.readOnly() {
		return m.refuseReadOnly("changing provisioned concurrency")
	}
	fleet, ctx, fn := m.deps.Fleet, m.req.Context(), m.fn.Name
	before := "none"
	for _, c := range m.led.Provisioned {
		if c.Qualifier == q {
			before = strconv.Itoa(c.Requested)
		}
	}
	t := fn + ":" + q
	if err := CheckProvisioned(m.led, fn, q, n); err != nil {
		return m.say(err.Error()+" (nothing was sent)", true)
	}
	if n == 0 {
		return m.confirm("Remove provisioned concurrency from "+t+"?",
			"provisioned  "+before+" → none\nRequests then start cold environments as needed.",
			"", func() tea.Msg {
				return provDoneMsg{q: q, n: 0, err: fleet.DeleteProvisioned(ctx, fn, q)}
			})
	}
	return m.confirm(fmt.Sprintf("Provision %d on %s?", n, t),
		fmt.Sprintf("provisioned  %s → %d\ncost         %s\nProvisioned environments are billed while allocated; allocation is followed in the footer.", before, n, m.provisionedCost(n)),
		"", func() tea.Msg {
			_, err := fleet.PutProvisioned(ctx, fn, q, n)
			return provDoneMsg{q: q, n: n, err: err}
		})
}

// confirm asks before a change to the function: its name must be typed on a
// protected profile, and on any profile when danger says what the change
// does (reserving 0 stops every invocation).
func (m *Model) confirm(title, body, danger string, yes func() tea.Msg) tea.Cmd {
	target := m.deps.Fleet.Target()
	why := ""
	if danger != "" && target.Protection != model.Protected {
		why = danger
	}
	return common.OpenDialog(dialog.ConfirmFor(m.st, m.km.Confirm, target, dialog.ConfirmOptions{
		Title: title, Body: body, Protected: danger != "", Name: m.fn.Name, Why: why, Yes: yes,
	}))
}
