package aws

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
)

func TestDeploymentsAgainstSandbox(t *testing.T) {
	t.Parallel()
	m := clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	s := startSandbox(t, sandbox.Options{Seed: 1, Clock: m})
	c := openSandbox(t, s, Config{})
	ctx := context.Background()

	d, ok, err := c.DeploymentFor(ctx, "checkout-api", "preview")
	if err != nil || !ok {
		t.Fatalf("owner of checkout-api:preview: %v %v", ok, err)
	}
	if d.Status != "InProgress" || d.CurrentVersion != "7" || d.TargetVersion != "8" || d.TargetWeight != 10 ||
		d.Routing.Type != "TimeBasedLinear" || d.Routing.Interval != 10 || len(d.Alarms) != 1 || !d.AlarmsEnabled {
		t.Fatalf("deployment %+v", d)
	}
	at, w, ok := d.NextStep(m.Now())
	if !ok || w != 20 || !at.Equal(d.Started.Add(10*time.Minute)) {
		t.Fatalf("next step %v %v %v", at, w, ok)
	}
	if _, ok, _ := c.DeploymentFor(ctx, "checkout-api", "live"); ok {
		t.Fatal("checkout-api:live has no running deployment")
	}
	// Cached: a second look within the TTL sends nothing.
	before := s.Stats().Count("ListDeployments")
	if _, _, err := c.DeploymentFor(ctx, "checkout-api", "preview"); err != nil || s.Stats().Count("ListDeployments") != before {
		t.Fatalf("not cached: %v", err)
	}

	h, err := c.DeploymentHistory(ctx, "checkout-api", 50)
	if err != nil || len(h) != 5 {
		t.Fatalf("history %d %v", len(h), err)
	}
	var rolledBack, rollbacks int
	for _, x := range h {
		if x.RolledBack() {
			rolledBack++
			if a := x.CausingAlarms(); len(a) != 1 || a[0] != "checkout-api-errors" {
				t.Errorf("causing alarm %v", a)
			}
		}
		if x.IsRollback() {
			rollbacks++
		}
	}
	if rolledBack != 1 || rollbacks != 1 || !h[0].Active() {
		t.Fatalf("rolled back %d, rollbacks %d, newest %s", rolledBack, rollbacks, h[0].Status)
	}

	// Read-only: refused before sending.
	ro := openSandbox(t, s, Config{ReadOnly: true})
	if err := ro.StopDeployment(ctx, d, true); !errors.Is(err, ErrReadOnly) || s.Stats().Count("StopDeployment") != 0 {
		t.Fatalf("read-only stop: %v (%d sent)", err, s.Stats().Count("StopDeployment"))
	}
	// Stop with rollback: journaled, the alias goes back to 7.
	if err := c.StopDeployment(ctx, d, true); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.World().AliasState("checkout-api", "preview"); st.Version != "7" || st.RouteVersion != "" {
		t.Fatalf("alias after rollback %+v", st)
	}
	if _, ok, _ := c.DeploymentFor(ctx, "checkout-api", "preview"); ok {
		t.Fatal("still owned after the stop")
	}
	j, err := os.ReadFile(filepath.Join(c.cfg.StateDir, "journal.jsonl"))
	if err != nil || !strings.Contains(string(j), `"action":"StopDeployment+rollback"`) || !strings.Contains(string(j), d.ID) {
		t.Fatalf("journal %s %v", j, err)
	}
	if err := c.StopDeployment(ctx, d, false); err == nil || !strings.Contains(err.Error(), "DeploymentAlreadyCompletedException") {
		t.Fatalf("second stop: %v", err)
	}
}

// TestDeploymentsUnderMoto: moto's CodeDeploy has no Lambda deployments
// (no targets, no configs, no StopDeployment): the reads come back empty or
// as ErrUnsupported, never as a failure the UI must show as an error.
func TestDeploymentsUnderMoto(t *testing.T) {
	t.Parallel()
	c := openMoto(t)
	ds, err := c.ActiveDeployments(context.Background())
	if err != nil && !errors.Is(err, ErrUnsupported) {
		t.Fatalf("ActiveDeployments under moto: %v", err)
	}
	if len(ds) != 0 {
		t.Fatalf("moto has no deployments, got %d", len(ds))
	}
	if _, err := c.DeploymentHistory(context.Background(), "fn", 10); err != nil && !errors.Is(err, ErrUnsupported) {
		t.Fatalf("DeploymentHistory under moto: %v", err)
	}
}

// TestTuneRefusedWhileCodeDeployOwns: the registered owner check names the
// running deployment, so power tuning refuses checkout-api (its preview
// alias is being shifted by CodeDeploy) before anything is sent.
func TestTuneRefusedWhileCodeDeployOwns(t *testing.T) {
	t.Parallel()
	m := clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	s := startSandbox(t, sandbox.Options{Seed: 1, Clock: m})
	c := openSandbox(t, s, Config{})
	b, err := c.TuneBlockers(context.Background(), "checkout-api")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range b {
		found = found || strings.Contains(x, "CodeDeploy deployment d-") && strings.Contains(x, "on preview (7→8) owns the function")
	}
	if !found {
		t.Fatalf("blockers %q", b)
	}
	if owner, err := codeDeployOwner(context.Background(), c, "payments-webhook"); err != nil || owner != "" {
		t.Fatalf("payments-webhook: %q %v", owner, err)
	}
}
