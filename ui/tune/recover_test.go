package tune

import (
	"context"
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

type recovering struct {
	*fake.Session
	cleaned []string
}

func (r *recovering) Reconcile(context.Context) ([]model.JournalEntry, []model.InterruptedTune, error) {
	return []model.JournalEntry{{Action: "PutFunctionConcurrency", Target: "orders-api", Result: "ok", Reconciled: true}},
		[]model.InterruptedTune{{Run: "r1", Function: "checksum-worker", BaseMemory: 512}}, nil
}

func (r *recovering) CleanupTune(_ context.Context, t model.InterruptedTune) ([]string, error) {
	r.cleaned = append(r.cleaned, t.Run)
	return []string{"$LATEST memory restored to 512 MB"}, nil
}

// TestRecoverShowsAndAsks: settled changes are said; an interrupted run is
// cleaned up only after the user confirms.
func TestRecoverShowsAndAsks(t *testing.T) {
	r := &recovering{Session: fake.New("us-east-1", 3)}
	deps := common.Deps{Fleet: r}
	h := panetest.New(t, nil)
	h.Run(Recover(deps, styles.New(true), keymap.Default(), model.Target{}))
	if len(h.Statuses) != 1 || !strings.Contains(h.Statuses[0].Text, "PutFunctionConcurrency orders-api: applied") {
		t.Fatalf("statuses %+v", h.Statuses)
	}
	if len(h.Dialogs) != 1 || len(r.cleaned) != 0 || !strings.Contains(h.DialogView(), "restore $LATEST's memory to 512 MB") {
		t.Fatalf("dialogs %d cleaned %v: %s", len(h.Dialogs), r.cleaned, h.DialogView())
	}
	h.Press("y")
	if len(r.cleaned) != 1 || !strings.Contains(h.LastStatus(), "cleaned up") {
		t.Fatalf("cleaned %v status %q", r.cleaned, h.LastStatus())
	}
}
