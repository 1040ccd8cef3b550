package keymap

import "charm.land/bubbles/v2/key"

// Alarms holds the bindings of the CloudWatch alarms tab and the :alarms
// screen. Navigation, filter, sort and enter use the List scope's keys.
type Alarms struct {
	SetState key.Binding // SetAlarmState (testing an alarm's actions)
	Actions  key.Binding // disable or enable the alarm's actions (maintenance)
	All      key.Binding // :alarms: every alarm, or only those in ALARM
}

func defaultAlarms() Alarms {
	return Alarms{
		SetState: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "set state (test)")),
		Actions:  key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mute/unmute actions")),
		All:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all / in ALARM")),
	}
}

// ShortHelp implements help.KeyMap.
func (a Alarms) ShortHelp() []key.Binding { return []key.Binding{a.SetState, a.Actions, a.All} }

// FullHelp implements help.KeyMap.
func (a Alarms) FullHelp() [][]key.Binding { return [][]key.Binding{{a.SetState, a.Actions, a.All}} }
