// Package keymap owns every key binding: one struct of key.Binding per
// scope, built by Default(), help for each scope, user overrides from the
// config file, and conflict detection. Each scope lives in its own file.
package keymap

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
	}
}
