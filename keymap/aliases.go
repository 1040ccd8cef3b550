package keymap

import "charm.land/bubbles/v2/key"

// Aliases holds the bindings of the function view's Aliases tab: the canary
// cockpit. Every binding that changes an alias opens a confirmation showing
// the routing before and after; none applies on a single key.
type Aliases struct {
	WeightUp   key.Binding // shift the canary weight up by the step (or start a canary)
	WeightDown key.Binding // shift the canary weight down by the step
	SetWeight  key.Binding // type an exact weight
	Promote    key.Binding // the alias points at the new version, routing removed
	Abort      key.Binding // routing removed, all traffic on the primary
	Publish    key.Binding // publish a version from $LATEST
	Create     key.Binding // create an alias
	Undo       key.Binding // undo the last change to this alias, from the journal
	Plan       key.Binding // start or stop a guarded canary plan
	// While a CodeDeploy deployment owns the alias: stop it, or stop it and
	// roll back (both ask for the alias name to be typed).
	StopDeployment key.Binding
	StopRollback   key.Binding
	// Versions moves the keys between the aliases list and the versions
	// list (filter, sort and scroll the versions; esc comes back).
	Versions key.Binding
}

func defaultAliases() Aliases {
	return Aliases{
		WeightUp:   key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "canary weight up")),
		WeightDown: key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "canary weight down")),
		SetWeight:  key.NewBinding(key.WithKeys("="), key.WithHelp("=", "set exact weight")),
		Promote:    key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "promote canary")),
		Abort:      key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "abort canary")),
		Publish:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "publish version")),
		Create:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "create alias")),
		Undo:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo last change")),
		Plan:       key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "start/stop plan")),

		StopDeployment: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "stop CodeDeploy deployment")),
		StopRollback:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "stop deployment and roll back")),
		Versions:       key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "versions list")),
	}
}

// ShortHelp implements help.KeyMap.
func (a Aliases) ShortHelp() []key.Binding {
	return []key.Binding{a.WeightUp, a.WeightDown, a.Promote, a.Abort, a.Plan}
}

// FullHelp implements help.KeyMap.
func (a Aliases) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{a.WeightUp, a.WeightDown, a.SetWeight, a.Promote, a.Abort},
		{a.Publish, a.Create, a.Undo, a.Plan},
		{a.StopDeployment, a.StopRollback, a.Versions},
	}
}
