package flowtest

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
)

// TestFlowFromFunctionList drives the whole program as a user would: filter
// the function list to checkout-api, enter, 2 (Aliases), +, y; then
// GetAlias on the sandbox shows the new weight.
func TestFlowFromFunctionList(t *testing.T) {
	ctx := context.Background()
	_, client := panetest.StartSandbox(t, sandbox.Options{Functions: 20, Seed: 1}, false)
	root := ui.New(ui.Options{Deps: common.FromSession(client, client), Config: config.Default(), Version: "flow"})
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	wait("20/20")
	tm.Type("/checkout-api")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("Config")
	tm.Type("2")
	wait("Cockpit")
	tm.Type("+")
	wait("revision")
	tm.Type("y")

	deadline := time.Now().Add(10 * time.Second)
	var a model.Alias
	var err error
	for time.Now().Before(deadline) {
		a, err = client.GetAlias(ctx, "checkout-api", "live")
		if err == nil && a.Routing.Weight == 0.2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if a.Version != "7" || a.Routing != (model.Routing{AdditionalVersion: "8", Weight: 0.2}) {
		t.Fatalf("GetAlias after + y: %+v (%v)", a, err)
	}
	tm.Type("q")
	_ = tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
}
