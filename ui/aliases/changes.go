package aliases

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

// ---- changes --------------------------------------------------------------

func (m *Model) protected() bool {
	return m.deps.Fleet != nil && m.deps.Fleet.Target().Protection == model.Protected
}

// propose runs the pre-flight checks on c and, when they pass, opens the
// confirmation showing the routing before and after.
func (m *Model) propose(c model.AliasChange, title string) tea.Cmd {
	cmd, err := m.proposal(c, title)
	if err != nil {
		return m.fail(err.Error())
	}
	return cmd
}

// weightChange is the confirmation of a typed canary weight, or why there
// is none (the weight prompt shows that error and stays open).
func (m *Model) weightChange(alias string, w float64) (tea.Cmd, error) {
	a, ok := m.aliasNamed(alias)
	if !ok {
		return nil, fmt.Errorf("alias %s is gone: press r", alias)
	}
	c, err := model.SetCanaryWeight(a, m.versions, w)
	if err != nil {
		return nil, err
	}
	return m.proposal(c, "Set canary weight")
}

// proposal opens the confirmation of c, or says why c cannot be proposed.
func (m *Model) proposal(c model.AliasChange, title string) (tea.Cmd, error) {
	m.conflict = nil
	if c.Noop() {
		return nil, fmt.Errorf("alias %s already is %s: nothing to change", c.Before.Name, model.DescribeRouting(c.Version, c.Routing))
	}
	if probs := model.Preflight(m.fn, m.versions, c); len(probs) > 0 {
		m.problems = probs
		return nil, errors.New("pre-flight: " + probs[0].Message)
	}
	m.problems = nil
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     fmt.Sprintf("%s — %s:%s", title, m.fn.Name, c.Before.Name),
		Body:      m.worseWarning(c) + ChangeBody(c, 30),
		Protected: m.protected(),
		Name:      c.Before.Name,
		Accept: func() (tea.Cmd, error) {
			if m.busy {
				return nil, errors.New("a change is still being applied; nothing was sent")
			}
			return m.confirmed(c), nil
		},
	})), nil
}

func (m *Model) confirmed(c model.AliasChange) tea.Cmd {
	return func() tea.Msg { return confirmedMsg{change: c} }
}

// ChangeBody is the confirmation's text: the routing before and after, as
// words and as bars, and the revision the change is conditional on.
func ChangeBody(c model.AliasChange, barWidth int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "before  %s\n", model.DescribeRouting(c.Before.Version, c.Before.Routing))
	fmt.Fprintf(&b, "        %s\n", plainBar(c.Before.Routing, barWidth))
	fmt.Fprintf(&b, "after   %s\n", model.DescribeRouting(c.Version, c.Routing))
	fmt.Fprintf(&b, "        %s\n", plainBar(c.Routing, barWidth))
	rev := c.Before.RevisionID
	if rev == "" {
		rev = "unknown"
	}
	fmt.Fprintf(&b, "sent only if still at revision %s", shortRev(rev))
	return b.String()
}

func plainBar(r model.Routing, width int) string {
	if !r.Active() {
		return strings.Repeat("█", width)
	}
	n := canaryCells(r.Weight, width)
	return strings.Repeat("█", width-n) + strings.Repeat("░", n)
}

// canaryCells is how many of width cells show the canary's share: at
// least one for any weight above zero, at most width-1 below 100 %.
func canaryCells(w float64, width int) int {
	n := int(w*float64(width) + 0.5)
	if w > 0 && n == 0 {
		n = 1
	}
	if w < 1 && n >= width {
		n = width - 1
	}
	return max(0, n)
}

func shortRev(r string) string {
	if len(r) > 8 {
		return r[:8]
	}
	return r
}

// applyCmd sends c with the RevisionId that was on screen. It runs only
// when the confirmation is accepted.
func (m *Model) applyCmd(c model.AliasChange, plan uint64, d model.PlanDecision) tea.Cmd {
	fleet, ctx := m.deps.Fleet, m.req.Context()
	return func() tea.Msg {
		got, err := fleet.UpdateAlias(ctx, c.Before, c.Version, c.Routing)
		return appliedMsg{change: c, alias: got, err: err, plan: plan, d: d}
	}
}

func (m *Model) handleApplied(msg appliedMsg) tea.Cmd {
	m.busy = false
	var conflict *awsapi.ConflictError
	switch {
	case errors.As(msg.err, &conflict):
		theirs := conflict.Current
		if theirs.Function == "" {
			theirs.Function = m.fn.Name
		}
		m.setAlias(theirs)
		m.conflict = &conflictInfo{mine: msg.change, theirs: theirs}
		// decide again: offer the same target routing over their change
		again := model.AliasChange{Kind: msg.change.Kind, Before: theirs, Version: msg.change.Version, Routing: msg.change.Routing}
		status := m.fail(fmt.Sprintf("%s was changed by someone else: it is now %s (revision %s); nothing was overwritten",
			theirs.Name, model.DescribeRouting(theirs.Version, theirs.Routing), shortRev(theirs.RevisionID)))
		if again.Noop() {
			return status
		}
		if probs := model.Preflight(m.fn, m.versions, again); len(probs) > 0 {
			m.problems = probs
			return status
		}
		body := fmt.Sprintf("Someone else changed %s while you decided:\nit is now %s.\nApply yours over theirs?\n\n%s",
			theirs.Name, model.DescribeRouting(theirs.Version, theirs.Routing), ChangeBody(again, 30))
		return tea.Batch(status, common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title:     fmt.Sprintf("Conflict — %s:%s", m.fn.Name, theirs.Name),
			Body:      body,
			Protected: m.protected(),
			Name:      theirs.Name,
			Yes:       m.confirmed(again),
		})))
	case msg.err != nil:
		return m.fail(fmt.Sprintf("%s on %s failed: %v", msg.change.Kind, msg.change.Before.Name, msg.err))
	}
	m.conflict = nil
	got := msg.alias
	if got.Function == "" {
		got.Function = m.fn.Name
	}
	m.setAlias(got)
	cmds := []tea.Cmd{m.say(fmt.Sprintf("%s: %s is now %s", msg.change.Kind, got.Name, model.DescribeRouting(got.Version, got.Routing)))}
	if !sameVersions(msg.change.Before, got) {
		cmds = append(cmds, m.fetchMetrics(got))
	}
	return tea.Batch(cmds...)
}

func sameVersions(a, b model.Alias) bool {
	return strings.Join(aliasVersions(a), ",") == strings.Join(aliasVersions(b), ",")
}

// ---- undo -----------------------------------------------------------------

func (m *Model) fetchUndo(a model.Alias) tea.Cmd {
	if m.deps.Journal == nil {
		return m.fail("no journal: undo is not available")
	}
	journal, target, name := m.deps.Journal, m.fn.Name+":"+a.Name, a.Name
	return func() tea.Msg {
		e, ok := journal.Last(target)
		return journalMsg{alias: name, entry: e, ok: ok}
	}
}

func (m *Model) handleJournal(msg journalMsg) tea.Cmd {
	a, ok := m.aliasNamed(msg.alias)
	if !ok {
		return m.fail("alias " + msg.alias + " is gone: press r")
	}
	if !msg.ok {
		return m.fail("the journal has no change to " + msg.alias + " to undo")
	}
	c, err := model.UndoChange(a, msg.entry)
	if err != nil {
		return m.fail(err.Error())
	}
	when := ""
	if !msg.entry.Time.IsZero() {
		when = " of " + msg.entry.Time.Format("15:04:05")
	}
	return m.propose(c, "Undo "+msg.entry.Action+when)
}

// ---- prompts --------------------------------------------------------------

func (m *Model) promptWeight(a model.Alias) tea.Cmd {
	name := a.Name
	cur := ""
	if a.Routing.Active() {
		cur = strings.TrimSuffix(model.FormatWeight(a.Routing.Weight), "%")
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Canary weight for %s (percent; 0 aborts, 100 promotes)", a.Name),
		Placeholder: "e.g. 25",
		Value:       cur,
		Accept: func(s string) (tea.Cmd, error) {
			w, err := model.ParseWeight(s)
			if err != nil {
				return nil, err
			}
			return m.weightChange(name, w)
		},
	}))
}

func (m *Model) promptPublish() tea.Cmd {
	if m.busy {
		return m.fail("a change is still being applied")
	}
	name := m.fn.Name
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Publish a version of %s from $LATEST — description", name),
		Placeholder: "what changed",
		Value:       m.draftDesc,
		Submit: func(desc string) tea.Cmd {
			return func() tea.Msg { return publishMsg{desc: strings.TrimSpace(desc)} }
		},
	}))
}

func (m *Model) publishCmd(desc string) tea.Cmd {
	fleet, ctx, name := m.deps.Fleet, m.req.Context(), m.fn.Name
	return func() tea.Msg {
		v, err := fleet.PublishVersion(ctx, name, desc)
		return publishedMsg{v: v, desc: desc, err: err}
	}
}

func (m *Model) createCmd(a model.Alias) tea.Cmd {
	fleet, ctx := m.deps.Fleet, m.req.Context()
	return func() tea.Msg {
		got, err := fleet.CreateAlias(ctx, a)
		return createdMsg{a: got, err: err}
	}
}

func validAliasName(s string) error {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 128 {
		return errors.New("an alias name is 1–128 characters")
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Errorf("%q: alias names use letters, digits, - and _", s)
		}
	}
	if _, err := fmt.Sscanf(s, "%d", new(int)); err == nil && strings.Trim(s, "0123456789") == "" {
		return errors.New("an alias name cannot be all digits (that would be a version)")
	}
	return nil
}

func (m *Model) promptCreate() tea.Cmd {
	if !m.loaded {
		return m.fail("aliases are still loading")
	}
	existing := map[string]bool{}
	for _, a := range m.aliases {
		existing[a.Name] = true
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Create an alias of %s — name", m.fn.Name),
		Placeholder: "e.g. live",
		Validate: func(s string) error {
			if err := validAliasName(s); err != nil {
				return err
			}
			if existing[strings.TrimSpace(s)] {
				return fmt.Errorf("alias %s already exists", strings.TrimSpace(s))
			}
			return nil
		},
		Submit: func(s string) tea.Cmd {
			return func() tea.Msg { return aliasNamedMsg{name: strings.TrimSpace(s)} }
		},
	}))
}

func (m *Model) promptAliasVersion(name string) tea.Cmd {
	published := map[string]bool{}
	def := ""
	for _, v := range m.versions {
		if v.Version != "$LATEST" {
			published[v.Version] = true
			if def == "" {
				def = v.Version // newest first
			}
		}
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("Version for alias %s", name),
		Placeholder: "a published version number",
		Value:       def,
		Validate: func(s string) error {
			s = strings.TrimSpace(s)
			if s == "$LATEST" || published[s] {
				return nil
			}
			return fmt.Errorf("%q is not a published version: publish one with p", s)
		},
		Submit: func(s string) tea.Cmd {
			return func() tea.Msg { return aliasVersionMsg{name: name, version: strings.TrimSpace(s)} }
		},
	}))
}

func (m *Model) proposeCreate(name, version string) tea.Cmd {
	a := model.Alias{Function: m.fn.Name, Name: name, Version: version}
	body := fmt.Sprintf("before  (no alias)\nafter   %s\n        %s", model.DescribeRouting(version, model.Routing{}), plainBar(model.Routing{}, 30))
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     fmt.Sprintf("Create alias %s:%s", m.fn.Name, name),
		Body:      body,
		Protected: m.protected(),
		Name:      name,
		Yes:       func() tea.Msg { return createMsg{a: a} },
	}))
}

// DescribeAlias is an alias's routing in words.
func DescribeAlias(a model.Alias) string { return model.DescribeRouting(a.Version, a.Routing) }
