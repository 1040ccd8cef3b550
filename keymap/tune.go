package keymap

import "charm.land/bubbles/v2/key"

// Tune holds the power-tuning pane's bindings. Open (T) is honoured by the
// function view. Starting a run and applying the winner always go through
// a confirmation.
type Tune struct {
	Open   key.Binding // open power tuning for the function
	Edit   key.Binding // edit the option under the cursor
	Cycle  key.Binding // cycle or toggle the option under the cursor
	Plan   key.Binding // show the plan, then start
	Cancel key.Binding // cancel the running job (asks first)
	Apply  key.Binding // apply the recommended size
	Save   key.Binding // save the run as JSON and CSV
	Runs   key.Binding // past runs of the function
}

func defaultTune() Tune {
	return Tune{
		Open:   key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "power tuning")),
		Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit option")),
		Cycle:  key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "next choice")),
		Plan:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "plan & start")),
		Cancel: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "cancel run")),
		Apply:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "apply winner")),
		Save:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save JSON+CSV")),
		Runs:   key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "past runs")),
	}
}

// ShortHelp implements help.KeyMap.
func (t Tune) ShortHelp() []key.Binding {
	return []key.Binding{t.Edit, t.Cycle, t.Plan, t.Apply, t.Save}
}

// FullHelp implements help.KeyMap.
func (t Tune) FullHelp() [][]key.Binding {
	return [][]key.Binding{{t.Edit, t.Cycle, t.Plan, t.Cancel}, {t.Apply, t.Save, t.Runs, t.Open}}
}
