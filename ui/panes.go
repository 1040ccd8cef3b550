package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/alarms"
	"github.com/lambdaops/lambdaops/ui/aliases"
	"github.com/lambdaops/lambdaops/ui/canaries"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/concurrency"
	"github.com/lambdaops/lambdaops/ui/deployments"
	"github.com/lambdaops/lambdaops/ui/esm"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/invoke"
	"github.com/lambdaops/lambdaops/ui/logs"
	"github.com/lambdaops/lambdaops/ui/metrics"
	"github.com/lambdaops/lambdaops/ui/styles"
	"github.com/lambdaops/lambdaops/ui/triage"
	"github.com/lambdaops/lambdaops/ui/tune"
)

// DefaultScreens are the full-screen panes this build knows, by palette
// command name. Pane packages add themselves here (or main.go passes them
// in Options.Screens): "esm", "logs", "metrics", "triage", "invoke",
// "concurrency". A name without a screen falls back to the function view's
// tab of the same name when a function is selected.
func DefaultScreens() map[string]common.ScreenMaker {
	hist := invoke.NewHistory() // shared: power tuning offers the editor's last payload
	return map[string]common.ScreenMaker{
		"invoke":      invoke.Screen(invoke.Options{History: hist}),
		"concurrency": concurrency.Screen(concurrency.Options{}),
		"esm":         esm.Screen,
		"logs":        logs.Screen,
		"triage":      triage.Screen,
		"canaries":    canaries.Screen,
		"alarms":      alarms.Screen,
		"tune":        tune.Screen(tune.Options{Events: invoke.DefaultEvents(), History: hist}),
	}
}

// DefaultTabs are the function view's tab makers this build knows
// (index 1 Aliases, 2 Event sources, 3 Logs, 4 Metrics, 5 Alarms, 6 Deployments), tuned by cfg.
func DefaultTabs(cfg config.Config) [fnview.NumTabs]common.TabMaker {
	var t [fnview.NumTabs]common.TabMaker
	t[1] = func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
		return aliases.NewWithOptions(deps, st, km, fn, aliases.Options{Step: cfg.CanaryStep / 100, Refresh: cfg.RefreshAliases})
	}
	t[2] = esm.Tab
	t[3] = func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
		return logs.New(deps, st, km, fn)
	}
	t[4] = func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
		return metrics.New(deps, st, km, fn)
	}
	t[alarms.Tab] = alarms.NewTab
	t[6] = deployments.Tab
	return t
}

// startupCmds run once when the root starts: the journal settles what a
// crashed lambdaops left half done, and offers to clean up an interrupted
// power-tuning run.
func startupCmds(deps common.Deps, st *styles.Styles, km keymap.KeyMap, target model.Target) []tea.Cmd {
	return []tea.Cmd{tune.Recover(deps, st, km, target)}
}
