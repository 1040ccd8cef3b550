package aliases

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/request"
)

// The cockpit's CloudWatch alarms: those on the alias (Resource
// fn:alias, any executed version), on its versions, on the function, and
// the composites including them, shown beside the health columns and fed
// to a guarded plan's alarm abort conditions ("alarms", "alarm:<name>").

const kindAlarms request.Kind = "alarms"

type alarmsMsg struct {
	gen uint64
	ix  *model.AlarmIndex
	err error
}

func (alarmsMsg) own() {}

// loadAlarms reads the region's alarms (cached a minute by the aws layer;
// a running plan asks for a fresh read).
func (m *Model) loadAlarms() tea.Cmd {
	al := m.deps.Alarms
	if al == nil || m.req.InFlight(kindAlarms) {
		return nil
	}
	ctx, gen := m.req.Start(kindAlarms)
	refresh := m.plan != nil
	return func() tea.Msg {
		ix, err := al.Alarms(ctx, refresh)
		return alarmsMsg{gen: gen, ix: ix, err: err}
	}
}

func (m *Model) handleAlarms(msg alarmsMsg) tea.Cmd {
	if !m.req.Done(kindAlarms, msg.gen) || msg.err != nil {
		return nil
	}
	m.alarms = msg.ix
	if m.plan != nil && !m.plan.inFlight {
		return m.planStep()
	}
	return nil
}

// aliasAlarms are the alarms that watch the alias a (and its versions),
// plus those on the unqualified function.
func (m *Model) aliasAlarms(a model.Alias) []model.AlarmMatch {
	if m.alarms == nil {
		return nil
	}
	out := m.alarms.ForAlias(m.fn.Name, a.Name, aliasVersions(a)...)
	for _, mt := range m.alarms.ForFunction(m.fn.Name) {
		if mt.Target.Qualifier == "" && mt.Target.ExecutedVersion == "" {
			out = append(out, mt)
		}
	}
	return out
}

// firingFor names the alarms in ALARM that concern version v behind the
// alias: those on the alias as a whole, on the function, or on v itself.
func (m *Model) firingFor(a model.Alias, v string) []string {
	var out []string
	seen := map[string]bool{}
	for _, mt := range m.aliasAlarms(a) {
		t := mt.Target
		onVersion := t.ExecutedVersion == v || t.Qualifier == v
		whole := t.ExecutedVersion == "" && (t.Qualifier == a.Name || t.Qualifier == "")
		if mt.Alarm.State == model.AlarmAlarm && (onVersion || whole) && !seen[mt.Alarm.Name] {
			seen[mt.Alarm.Name] = true
			out = append(out, mt.Alarm.Name)
		}
	}
	return out
}

// alarmCell is the cockpit's alarms row for version i of the alias: the
// alarms in ALARM on it, else how many watch it.
func (m *Model) alarmCell(a model.Alias, v string) (string, bool) {
	if m.alarms == nil {
		return "-", false
	}
	if f := m.firingFor(a, v); len(f) > 0 {
		return "ALARM " + strings.Join(f, ", "), true
	}
	n := 0
	for _, mt := range m.aliasAlarms(a) {
		t := mt.Target
		if t.ExecutedVersion == v || t.Qualifier == v || t.ExecutedVersion == "" {
			n++
		}
	}
	if n == 0 {
		return "none", false
	}
	return "OK (" + strconv.Itoa(n) + " watching)", false
}
