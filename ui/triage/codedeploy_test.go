package triage

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
)

func TestBoardSaysDeploymentInProgress(t *testing.T) {
	s := fleet(20)
	s.Deploys = []model.Deployment{{ID: "d-PREVIEW01", Status: "InProgress", Function: "payments-webhook", Alias: "preview",
		CurrentVersion: "7", TargetVersion: "8", TargetWeight: 20}}
	m := newBoard(s, 200, 30)
	settle(t, s, m, panetest.Messages(m.Init()))
	if got := m.Deploying("payments-webhook"); got != "CodeDeploy d-PREVIEW01 in progress on preview (7→8 20%)" {
		t.Fatalf("note %q", got)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "CodeDeploy d-PREVIEW01 in progress on preview") {
		t.Fatalf("view:\n%s", v)
	}
}
