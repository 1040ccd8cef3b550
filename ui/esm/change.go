package esm

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

// tagsMsg carries one function's mappings, with their tags, read before a
// change made from the region-wide list.
type tagsMsg struct {
	gen      uint64
	uuid     string
	step     string
	mappings []model.ESM
	err      error
}

// step opens the next dialog of a change: the drift warning for a
// CloudFormation-managed mapping (unless acknowledged), then the reason or
// batch-size prompt.
func (m *Model) step(uuid, step string, driftOK bool) tea.Cmd {
	what := map[string]string{"toggle": "enabling or disabling a mapping", "batch": "changing a batch size"}[step]
	if m.readOnly() {
		return m.say("read-only mode: "+what+" refused; nothing was sent", true)
	}
	it, ok := m.find(uuid)
	if !ok {
		return m.say("that mapping is gone; refresh with r", true)
	}
	if m.targetOf(it).Protection == model.ReadOnly { // over several pairs: this mapping's own
		return m.say("read-only mode: "+what+" refused; nothing was sent", true)
	}
	if Transient(it.State) {
		return m.say(fmt.Sprintf("mapping %s is %s: wait until it settles", short(uuid), it.State), true)
	}
	if m.fn == "" && it.Tags == nil && !driftOK && m.deps.Fleet != nil {
		// The region-wide sweep carries no tags (one ListTags per mapping
		// would cost a control-plane token each): read this function's
		// mappings, which do, before deciding on the drift warning.
		ctx, gen := m.req.Start(kindTags)
		fleet, fn := m.deps.Fleet, it.Function
		return func() tea.Msg {
			ms, err := fleet.ListMappings(ctx, fn)
			return tagsMsg{gen: gen, uuid: uuid, step: step, mappings: ms, err: err}
		}
	}
	if stack := it.Tags[CFNTag]; stack != "" && !driftOK {
		return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title: "Managed by CloudFormation: change it anyway?",
			Body:  fmt.Sprintf("This mapping belongs to stack %q.\nChanging it here makes the stack drift: the next deploy\nputs it back. Continue only in an emergency.", stack),
			Yes:   func() tea.Msg { return stepMsg{uuid: uuid, step: step} },
		}))
	}
	enabled := it.State == "Enabled"
	if step == "toggle" {
		verb := "Disable"
		if !enabled {
			verb = "Enable"
		}
		return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
			Title:       fmt.Sprintf("Why %s it? (journaled)", strings.ToLower(verb)),
			Placeholder: "e.g. poison messages, INC-1234",
			Validate:    dialog.Required("a reason"),
			Submit: func(s string) tea.Cmd {
				en := !enabled
				return func() tea.Msg {
					return askMsg{uuid: uuid, enable: &en, reason: strings.TrimSpace(s), enabled: enabled, oldBat: it.BatchSize}
				}
			},
		}))
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       fmt.Sprintf("New batch size (now %d)", it.BatchSize),
		Placeholder: fmt.Sprintf("1 to %d", MaxBatch),
		Validate: func(s string) error {
			if err := dialog.IntIn(1, MaxBatch)(s); err != nil {
				return err
			}
			if n, _ := strconv.Atoi(strings.TrimSpace(s)); n == it.BatchSize {
				return errors.New("that is the current batch size")
			}
			return nil
		},
		Submit: func(s string) tea.Cmd {
			n, _ := strconv.Atoi(strings.TrimSpace(s))
			return func() tea.Msg {
				return askMsg{uuid: uuid, batch: &n, reason: fmt.Sprintf("batch size %d → %d", it.BatchSize, n), enabled: enabled, oldBat: it.BatchSize}
			}
		},
	}))
}

func (m *Model) confirm(a askMsg) tea.Cmd {
	if m.readOnly() {
		return m.say("read-only mode: changing a mapping refused; nothing was sent", true)
	}
	it, ok := m.find(a.uuid)
	if !ok {
		return m.say("that mapping is gone; refresh with r", true)
	}
	fleet, ctx, uuid := m.deps.Fleet, m.req.Context(), a.uuid
	var title, body, what string
	if a.enable != nil {
		if *a.enable {
			title = "Enable mapping?"
			what = "enabled " + shortSource(it.SourceARN) + " → " + it.Function
			body = "state    Disabled → Enabled\nThe function starts receiving batches again."
		} else {
			title = "Disable mapping?"
			what = "disabled " + shortSource(it.SourceARN) + " → " + it.Function
			body = "state    Enabled → Disabled\nNo more batches reach the function; records wait in the source\n(streams: until they expire from retention)."
		}
	} else {
		title = "Change batch size?"
		what = fmt.Sprintf("batch size of %s → %s is %d", shortSource(it.SourceARN), it.Function, *a.batch)
		body = fmt.Sprintf("batch    %d → %d", a.oldBat, *a.batch)
	}
	body = fmt.Sprintf("%s\nsource   %s\nfunction %s\n", body, it.SourceARN, it.Function) + m.pairLine(it) + "reason   " + a.reason
	en, bat, reason := a.enable, a.batch, a.reason
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     title,
		Body:      body,
		Protected: m.targetOf(it).Protection == model.Protected,
		Name:      it.Function,
		Yes: func() tea.Msg {
			out, err := fleet.UpdateMapping(ctx, uuid, en, bat, reason)
			return doneMsg{uuid: uuid, esm: out, what: what, err: err}
		},
	}))
}
