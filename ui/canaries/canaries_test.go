package canaries

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

type held struct{ tea.Msg }

// TestCanariesOnTheSandbox: the demo fleet's shifting aliases — the
// CodeDeploy deployment on checkout-api:preview, the hand-set canary on
// checkout-api:live judged worse and (here) moved by a plan in this program.
func TestCanariesOnTheSandbox(t *testing.T) {
	m0 := clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	srv, c := panetest.StartSandbox(t, sandbox.Options{Seed: 1, Clock: m0, Traffic: true, Backfill: 40 * time.Minute}, false)
	deps := common.FromSession(c, nil)
	deps.Now = srv.Clock().Now
	pane, err := Screen(deps, styles.New(true), keymap.Default(), common.ScreenContext{Jobs: []string{"plan:checkout-api:live"}})
	if err != nil {
		t.Fatal(err)
	}
	m := pane.(*Model)
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return func() tea.Msg { return held{} } }
	h := panetest.New(t, m)
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(held); return ok }
	m.SetSize(160, 40)
	h.Run(m.Init())
	if !m.Done() {
		t.Fatal("scan not finished")
	}
	byName := map[string]Row{}
	for _, r := range m.Rows() {
		byName[r.Function+":"+r.Alias.Name] = r
	}
	pv, ok := byName["checkout-api:preview"]
	if !ok || pv.Owner != OwnerCodeDeploy || pv.Deploy == nil {
		t.Fatalf("preview: %+v", pv)
	}
	live, ok := byName["checkout-api:live"]
	if !ok || live.Owner != OwnerPlan || !live.Worse {
		t.Fatalf("live: %+v", live)
	}
	if m.Rows()[0].Function+":"+m.Rows()[0].Alias.Name != "checkout-api:preview" {
		t.Fatalf("CodeDeploy first: %v", m.Rows()[0])
	}
	v := ansi.Strip(m.View())
	for _, want := range []string{"What is shifting right now", "checkout-api:preview", "CodeDeploy", "LambdaLinear10PercentEvery10Minutes 7→8 10%",
		"checkout-api:live", "plan", "✗ worse: errors"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if n := srv.Stats().Count("UpdateAlias"); n != 0 {
		t.Fatalf("%d UpdateAlias", n)
	}
}
