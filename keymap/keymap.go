// Package keymap owns every key binding: one struct of key.Binding per
// scope, built by Default(), help for each scope, user overrides from the
// config file, and conflict detection. Each scope lives in its own file.
//
// Bindings are addressed by name as "<scope>.<field>" in lower case, e.g.
// "global.quit", "list.filter", "fnview.reveal". Any key.Binding field added
// to a scope struct is picked up by Names, Rebind and Conflicts with no
// further registration.
package keymap

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every scope's bindings.
type KeyMap struct {
	Global      Global
	List        List
	FnView      FnView
	Aliases     Aliases
	Invoke      Invoke
	Concurrency Concurrency
	ESM         ESM
	Logs        Logs
	Triage      Triage
	Confirm     Confirm
	Metrics     Metrics
	Alarms      Alarms
	Tune        Tune
}

// Default returns the default key map. Tests rely on these defaults.
func Default() KeyMap {
	return KeyMap{
		Global:      defaultGlobal(),
		List:        defaultList(),
		FnView:      defaultFnView(),
		Aliases:     defaultAliases(),
		Invoke:      defaultInvoke(),
		Concurrency: defaultConcurrency(),
		ESM:         defaultESM(),
		Logs:        defaultLogs(),
		Triage:      defaultTriage(),
		Confirm:     defaultConfirm(),
		Metrics:     defaultMetrics(),
		Alarms:      defaultAlarms(),
		Tune:        defaultTune(),
	}
}

var bindingType = reflect.TypeOf(key.Binding{})

// each calls fn for every binding, with its scope and name.
func (km *KeyMap) each(fn func(scope, name string, b *key.Binding)) {
	root := reflect.ValueOf(km).Elem()
	for i := 0; i < root.NumField(); i++ {
		sv := root.Field(i)
		if sv.Kind() != reflect.Struct {
			continue
		}
		scope := strings.ToLower(root.Type().Field(i).Name)
		for j := 0; j < sv.NumField(); j++ {
			f := sv.Field(j)
			if f.Type() != bindingType || !f.CanAddr() {
				continue
			}
			fn(scope, scope+"."+strings.ToLower(sv.Type().Field(j).Name), f.Addr().Interface().(*key.Binding))
		}
	}
}

// Names lists every binding name, sorted.
func (km KeyMap) Names() []string {
	var out []string
	km.each(func(_, name string, _ *key.Binding) { out = append(out, name) })
	sort.Strings(out)
	return out
}

// Rebind replaces the keys of the named binding, keeping its description;
// the help label becomes the keys joined by "/".
func (km *KeyMap) Rebind(name string, keys ...string) error {
	if len(keys) == 0 {
		return fmt.Errorf("key %q: no keys given", name)
	}
	found := false
	km.each(func(_, n string, b *key.Binding) {
		if n != name {
			return
		}
		found = true
		desc := b.Help().Desc
		b.SetKeys(keys...)
		b.SetHelp(strings.Join(keys, "/"), desc)
	})
	if !found {
		return fmt.Errorf("unknown key binding %q (known: %s)", name, strings.Join(km.Names(), ", "))
	}
	return nil
}

// Conflict is one key bound to two actions that can be active at once.
type Conflict struct {
	Key  string
	A, B string // binding names
}

func (c Conflict) Error() string {
	return fmt.Sprintf("key %q is bound to both %s and %s", c.Key, c.A, c.B)
}

// scopes whose bindings may share keys with each other because they are never
// active together: a dialog (confirm) takes all input, and each pane scope
// is only active when its pane has focus. Global keys are active everywhere
// except inside dialogs, so they conflict with every pane scope.
func activeTogether(a, b string) bool {
	if a == b {
		return true
	}
	if a == "confirm" || b == "confirm" {
		return false
	}
	if a == "global" || b == "global" {
		return true
	}
	// the function view hosts the list-navigation keys and its tab panes
	if (a == "list" || b == "list") || (a == "fnview" || b == "fnview") {
		return true
	}
	return false
}

// exemptions are deliberate default overlaps (a global and a pane key that
// the pane handles before the root does not exist; these are same-meaning
// bindings in different scopes).
var exemptions = map[[2]string]bool{
	{"fnview.copy", "list.copy"}: true,
	// The log tail and the triage board use the list's keys in the same
	// sense: / searches, enter opens, s saves (logs: no sort) or sorts.
	{"list.filter", "logs.search"}:         true,
	{"list.open", "logs.request"}:          true,
	{"list.sortnext", "logs.save"}:         true,
	{"list.open", "triage.open"}:           true,
	{"list.sortnext", "triage.sort"}:       true,
	{"list.sortreverse", "triage.reverse"}: true,
	// In the cockpit S stops the CodeDeploy deployment that owns the
	// selected alias (typed confirmation); on an alias no deployment owns
	// it is the list's reverse sort.
	{"aliases.stopdeployment", "list.sortreverse"}: true,
	{"list.sortnext", "tune.save"}:                 true, // the tuning result is not a sortable list
}

// Conflicts reports keys bound twice among bindings that are active together.
func (km KeyMap) Conflicts() []Conflict {
	type entry struct{ scope, name string }
	byKey := map[string][]entry{}
	km.each(func(scope, name string, b *key.Binding) {
		for _, k := range b.Keys() {
			byKey[k] = append(byKey[k], entry{scope, name})
		}
	})
	var out []Conflict
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		es := byKey[k]
		for i := 0; i < len(es); i++ {
			for j := i + 1; j < len(es); j++ {
				a, b := es[i], es[j]
				if a.name == b.name || !activeTogether(a.scope, b.scope) {
					continue
				}
				p := [2]string{a.name, b.name}
				if p[0] > p[1] {
					p[0], p[1] = p[1], p[0]
				}
				if exemptions[p] {
					continue
				}
				out = append(out, Conflict{Key: k, A: p[0], B: p[1]})
			}
		}
	}
	return out
}
