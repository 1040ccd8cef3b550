package alarms

import (
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// ---- Update and keys ----

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if !m.req.Done(kindLoad, msg.gen) {
			return nil
		}
		m.loaded = true
		if msg.err != nil {
			if errors.Is(msg.err, awsapi.ErrUnsupported) {
				m.unsupported = true
				return nil
			}
			m.err = msg.err
			return common.Status("alarms: "+msg.err.Error(), true)
		}
		m.err, m.ix = nil, msg.ix
		m.tbl.SetItems(m.rows())
		if m.query != "" && m.tbl.Total() == 0 {
			return common.Status("no alarm named "+common.Clean(m.query), true)
		}
		return m.selected()
	case historyMsg:
		if !m.req.Done(kindHistory, msg.gen) || msg.name != m.histFor {
			return nil
		}
		m.hist, m.histErr = msg.h, msg.err
		return nil
	case seriesMsg:
		if !m.req.Done(kindSeries, msg.gen) || msg.name != m.seriesOf {
			return nil
		}
		if msg.err == nil {
			m.series = &chartData{values: msg.values, label: msg.label, period: msg.period, span: msg.span}
		}
		return nil
	case actionMsg:
		if !m.req.Done(kindAction, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return common.Status(msg.what+": "+msg.err.Error(), true)
		}
		m.histFor = "" // reload the history of the selected alarm
		return tea.Batch(common.Status(msg.what, false), m.load(true))
	case confirmMsg:
		return msg.run()
	case startActionMsg:
		return m.startAction(msg)
	case common.RefreshMsg:
		return m.load(true)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseClickMsg:
		m.tbl.Click(msg.X, msg.Y-1)
		return m.selected()
	case tea.MouseWheelMsg:
		cmd, _ := m.tbl.Update(msg)
		return tea.Batch(cmd, m.selected())
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.tbl.CapturesInput() {
		cmd, _ := m.tbl.Update(msg)
		return tea.Batch(cmd, m.selected())
	}
	a := m.km.Alarms
	switch {
	case key.Matches(msg, m.km.List.Open):
		return m.open()
	case key.Matches(msg, a.All) && m.fn == nil && m.query == "":
		m.all = !m.all
		if m.ix != nil {
			m.tbl.SetItems(m.rows())
		}
		return m.selected()
	case key.Matches(msg, a.SetState):
		return m.askState()
	case key.Matches(msg, a.Actions):
		return m.askActions()
	}
	cmd, used := m.tbl.Update(msg)
	if !used {
		return table.NoAction(msg)
	}
	return tea.Batch(cmd, m.selected())
}

// open opens the function the selected alarm watches, on its Alarms tab.
func (m *Model) open() tea.Cmd {
	r, ok := m.tbl.Selected()
	if !ok {
		return nil
	}
	if r.target.Function == "" {
		return common.Status(r.a.Name+" watches no Lambda function", true)
	}
	if m.fn != nil && m.fn.Name == r.target.Function {
		return nil
	}
	fn := model.Function{Name: r.target.Function}
	if m.rowSession(r) != nil { // over several pairs: the function of the alarm's account and region
		region, account := awsapi.ARNRegionAccount(r.a.ARN)
		fn.ARN = awsapi.FunctionARN(model.Target{Region: region, Account: account}, fn.Name)
	}
	return func() tea.Msg { return common.OpenFunctionMsg{Function: fn, Tab: Tab} }
}
