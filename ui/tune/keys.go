package tune

import (
	"errors"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/invoke"
)

// ---- keys and the options form ----

// key: while the results' filter or column chooser is open every key is
// theirs ("/as" never applies or saves); then the pane's keys by stage.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.tbl.CapturesInput() {
		cmd, _ := m.tbl.Update(msg)
		return cmd
	}
	k := m.km.Tune
	switch {
	case key.Matches(msg, k.Runs):
		m.showPast = !m.showPast
		return nil
	case key.Matches(msg, k.Cancel) && m.stage == stageRunning:
		return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
			Title: "Cancel power tuning of " + m.fn.Name,
			Body:  "The invocations stop; the cleanup then restores $LATEST's memory\nand deletes the temporary aliases and versions.",
			Yes:   func() tea.Msg { return cancelMsg{} },
		}))
	}
	switch m.stage {
	case stageForm:
		return m.formKey(msg)
	case stageDone:
		switch {
		case key.Matches(msg, k.Apply):
			return m.confirmApply()
		case key.Matches(msg, k.Save):
			return m.save()
		case key.Matches(msg, k.Plan):
			m.stage, m.run, m.results, m.saved, m.applied = stageForm, nil, nil, nil, ""
			m.tbl.SetItems(nil)
			return m.loadInfo()
		}
		fallthrough
	case stageRunning:
		cmd, used := m.tbl.Update(msg)
		if !used {
			return table.NoAction(msg)
		}
		return cmd
	}
	return nil
}

type cancelMsg struct{}

func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	k, l := m.km.Tune, m.km.List
	switch {
	case key.Matches(msg, l.Down):
		m.field = min(m.field+1, numFields-1)
	case key.Matches(msg, l.Up):
		m.field = max(m.field-1, 0)
	case key.Matches(msg, k.Cycle):
		m.cycle()
	case key.Matches(msg, k.Edit), key.Matches(msg, l.Open):
		return m.edit()
	case key.Matches(msg, k.Plan):
		return m.proposePlan()
	default:
		return table.NoAction(msg)
	}
	return nil
}

func (m *Model) cycle() {
	switch m.field {
	case fieldPayload:
		m.payIdx = (m.payIdx + 1) % len(m.payloads)
	case fieldARM:
		m.o.AlsoARM = !m.o.AlsoARM
	case fieldStrategy:
		m.o.Strategy = map[model.TuneStrategy]model.TuneStrategy{model.TuneBalanced: model.TuneCost, model.TuneCost: model.TuneSpeed, model.TuneSpeed: model.TuneBalanced}[m.o.Strategy]
	case fieldParallel:
		m.o.Parallelism = m.o.Parallelism%m.maxPar + 1
	}
}

type setFieldMsg struct {
	field int
	value string
}

func (m *Model) edit() tea.Cmd {
	f := m.field
	var value string
	var validate func(string) error
	switch f {
	case fieldSizes:
		value = m.sizesText
		validate = func(s string) error {
			sz, err := model.ParseSizes(s)
			if err != nil {
				return err
			}
			_, err = model.TuneOptions{Function: "f", Sizes: sz}.Normalize()
			return err
		}
	case fieldPerSize:
		value = strconv.Itoa(m.o.PerSize)
		validate = dialog.IntIn(1, 1000)
	case fieldParallel:
		value = strconv.Itoa(m.o.Parallelism)
		validate = dialog.IntIn(1, m.maxPar)
	case fieldWeight:
		value = strconv.FormatFloat(m.o.Weight, 'f', -1, 64)
		validate = func(s string) error {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v <= 0 || v > 1 {
				return errors.New("a weight between 0 and 1 (the share given to cost)")
			}
			return nil
		}
	case fieldPayload:
		value = string(m.payloads[m.payIdx].body)
		validate = func(s string) error {
			if e := invoke.Validate([]byte(s)); e != nil {
				return errors.New(e.Error())
			}
			return nil
		}
	default:
		m.cycle()
		return nil
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title: fieldNames[f], Value: value, Validate: validate,
		Submit: func(s string) tea.Cmd { return func() tea.Msg { return setFieldMsg{field: f, value: s} } },
	}))
}

// SetField applies an edited option (the prompt's result).
func (m *Model) setField(f int, v string) {
	switch f {
	case fieldSizes:
		sz, _ := model.ParseSizes(v)
		m.o.Sizes = sz
		m.o, _ = m.o.Normalize()
		m.sizesText = joinSizes(m.o.Sizes)
	case fieldPerSize:
		m.o.PerSize, _ = strconv.Atoi(strings.TrimSpace(v))
	case fieldParallel:
		m.o.Parallelism, _ = strconv.Atoi(strings.TrimSpace(v))
	case fieldWeight:
		m.o.Weight, _ = strconv.ParseFloat(v, 64)
	case fieldPayload:
		m.payloads = append(m.payloads[:m.fixed], append([]payload{{name: "edited here", body: []byte(v)}}, m.payloads[m.fixed:]...)...)
		m.payIdx = m.fixed
		m.fixed++
	}
}
