package tune

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Recover is run once at start: changes a crashed lambdaops left half done
// are settled from live state (and said in the footer), and each
// interrupted power-tuning run is offered for cleanup, which runs only
// once the user confirms. Nil when the session cannot recover.
func Recover(deps common.Deps, st *styles.Styles, km keymap.KeyMap, target model.Target) tea.Cmd {
	r, ok := deps.Fleet.(awsapi.Recoverer)
	if !ok {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		settled, tunes, err := r.Reconcile(ctx)
		var cmds []tea.Cmd
		if err != nil {
			cmds = append(cmds, common.Status("journal: could not check for interrupted changes: "+err.Error(), true))
		}
		if len(settled) > 0 {
			cmds = append(cmds, common.Status(SettledText(settled), false))
		}
		for _, t := range tunes {
			cmds = append(cmds, common.OpenDialog(cleanupDialog(r, st, km, target, t)))
		}
		if len(cmds) == 0 {
			return nil
		}
		return tea.BatchMsg(cmds)
	}
}

// SettledText says what the journal found after a crash.
func SettledText(es []model.JournalEntry) string {
	parts := make([]string, 0, len(es))
	for _, e := range es {
		what := "applied"
		if e.Result != "ok" {
			what = e.Result
		}
		parts = append(parts, fmt.Sprintf("%s %s: %s", e.Action, e.Target, what))
	}
	return fmt.Sprintf("journal: %d change(s) interrupted by a crash, settled from live state: %s", len(es), strings.Join(parts, "; "))
}

func cleanupDialog(r awsapi.Recoverer, st *styles.Styles, km keymap.KeyMap, target model.Target, t model.InterruptedTune) common.Dialog {
	body := fmt.Sprintf("Run %s on %s started %s and was interrupted\n(lambdaops stopped before its cleanup).\n\nClean up now:\n  restore $LATEST's memory to %d MB\n  delete aliases %s<mb>\n  then the versions the run published",
		t.Run, t.Function, t.Started.Local().Format("2006-01-02 15:04"), t.BaseMemory, model.TuneAliasPrefix+t.Run+"-")
	return dialog.ConfirmFor(st, km.Confirm, target, dialog.ConfirmOptions{
		Title: "Interrupted power tuning of " + t.Function,
		Body:  body + "\n\nRefuse to leave it for the next start.",
		Name:  t.Function,
		Yes: func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			steps, err := r.CleanupTune(ctx, t)
			if err != nil {
				return common.StatusMsg{Text: "cleanup of run " + t.Run + ": " + err.Error(), Err: true}
			}
			return common.StatusMsg{Text: "run " + t.Run + " cleaned up: " + strings.Join(steps, "; ")}
		},
	})
}
