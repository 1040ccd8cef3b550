package ui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/lambdaops/lambdaops/sandbox"
)

// TestE2ETuneAgainstSandbox: ":tune <function>" opens the pane, p shows the
// plan, y starts the job; q then asks first, X cancels, and the cleanup
// leaves $LATEST as it was.
func TestE2ETuneAgainstSandbox(t *testing.T) {
	client, _, p, tm := startE2E(t, sandbox.Options{Functions: 20, Seed: 3}, 160, 45)
	p.waitFor(t, "the fleet", contains("functions 20/20"))

	tm.Type(":tune inventory-proxy")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.waitFor(t, "the tune pane", contains("Power tuning inventory-proxy", "now 1024 MB", "70 invocations"))
	tm.Type("p")
	p.waitFor(t, "the plan", contains("70 invocations: 7 sizes", "lambdaops-tune-", "back to 1024 MB"))
	tm.Type("y")
	p.waitFor(t, "the job", contains("X cancel run", "/70"))
	tm.Type("q")
	p.waitFor(t, "the quit question", contains("Quit and stop running jobs?"))
	tm.Type("n")
	tm.Type("X")
	p.waitFor(t, "the cancel question", contains("Cancel power tuning of inventory-proxy"))
	tm.Type("y")
	p.waitFor(t, "the cancelled run", contains("cancelled", "memory restored to 1024 MB"))
	f, err := client.FunctionConfig(context.Background(), "inventory-proxy")
	if err != nil || f.MemoryMB != 1024 {
		t.Fatalf("memory %d after the cancel (%v)", f.MemoryMB, err)
	}
	tm.Type("q")
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
}
