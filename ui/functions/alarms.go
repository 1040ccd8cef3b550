package functions

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// The ALARM column and the alarm: filter: how many of a function's
// CloudWatch alarms (metric and composite) are in ALARM, read with one
// DescribeAlarms scan for the whole region (never one call per function).

const kindAlarms request.Kind = "alarms"

type alarmsMsg struct {
	gen uint64
	ix  *model.AlarmIndex
	err error
}

// loadAlarms reads the region's alarms (the aws layer caches them).
func (m *Model) loadAlarms(refresh bool) tea.Cmd {
	al := m.deps.Alarms
	if al == nil {
		return nil
	}
	ctx, gen := m.req.Start(kindAlarms)
	return func() tea.Msg {
		ix, err := al.Alarms(ctx, refresh)
		return alarmsMsg{gen: gen, ix: ix, err: err}
	}
}

func (m *Model) applyAlarms(msg alarmsMsg) tea.Cmd {
	if !m.req.Done(kindAlarms, msg.gen) || msg.err != nil {
		return nil // no alarms (moto, LocalStack): the column stays "-"
	}
	m.alarms = msg.ix
	for _, r := range m.rows {
		m.setAlarmCount(r)
	}
	m.t.InvalidateCache()
	m.t.Resort()
	return nil
}

func (m *Model) setAlarmCount(r *row) {
	if m.alarms == nil {
		return
	}
	n := m.alarms.InAlarm(m.key(r.fn))
	if n != r.inAlarm {
		r.inAlarm = n
		r.ver++
	}
}

// alarmCell is the ALARM column: the count in ALARM, "-" before the alarms
// are read or when the function has none.
func (m *Model) alarmCell(r *row) string {
	if m.alarms == nil {
		return "-"
	}
	if r.inAlarm > 0 {
		return strconv.Itoa(r.inAlarm)
	}
	if len(m.alarms.ForFunction(m.key(r.fn))) == 0 {
		return "-"
	}
	return "0"
}

// alarmField is "alarm:ALARM" (any alarm in ALARM), "alarm:OK" or
// "alarm:INSUFFICIENT_DATA" (any alarm in that state), else a prefix of
// the name of one of the function's alarms.
func (m *Model) alarmField() table.Field[*row] {
	return table.Field[*row]{Name: "alarm", Column: colAlarm, Match: func(r *row, arg string) bool {
		if m.alarms == nil {
			return false
		}
		state := strings.ToUpper(arg)
		for _, mt := range m.alarms.ForFunction(m.key(r.fn)) {
			switch state {
			case model.AlarmAlarm, model.AlarmOK, model.AlarmInsufficient:
				if mt.Alarm.State == state {
					return true
				}
				continue
			}
			if strings.HasPrefix(strings.ToLower(mt.Alarm.Name), strings.ToLower(arg)) {
				return true
			}
		}
		return false
	}}
}

// columns are the table's columns without a pane (their titles and
// order; the ALARM cell reads "-").
func columns() []table.Column[*row] { return (&Model{}).columns() }
