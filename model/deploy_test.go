package model

import (
	"testing"
	"time"
)

func TestDeploymentSteps(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	d := Deployment{Status: "InProgress", Started: t0, TargetWeight: 10, Routing: DeployRouting{Type: "TimeBasedLinear", Percent: 10, Interval: 10}}
	at, w, ok := d.NextStep(t0.Add(time.Minute))
	if !ok || w != 20 || !at.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("next %v %v %v", at, w, ok)
	}
	if end, _ := d.End(); !end.Equal(t0.Add(90 * time.Minute)) {
		t.Fatalf("end %v", end)
	}
	c := Deployment{Status: "InProgress", Started: t0, TargetWeight: 10, Routing: DeployRouting{Type: "TimeBasedCanary", Percent: 10, Interval: 5}}
	if at, w, _ := c.NextStep(t0.Add(9 * time.Minute)); w != 100 || !at.Equal(t0.Add(9*time.Minute)) {
		t.Fatalf("overdue canary step: %v %v", at, w) // due now
	}
	if _, _, ok := (Deployment{Status: "Succeeded"}).NextStep(t0); ok {
		t.Fatal("a finished deployment has no next step")
	}
}

func TestDeploymentOutcome(t *testing.T) {
	d := Deployment{Status: "Failed", ErrorCode: "ALARM_ACTIVE", RollbackID: "d-X",
		ErrorMessage: "One or more alarms have been activated … Activated alarms: <a1, a2>"}
	if got := d.Outcome(); got != "alarm a1, a2, rolled back" {
		t.Fatalf("%q", got)
	}
	if got := (Deployment{Status: "InProgress", TargetWeight: 30}).Outcome(); got != "running 30%" {
		t.Fatalf("%q", got)
	}
	if !(Deployment{Creator: "codeDeployRollback"}).IsRollback() {
		t.Fatal("rollback")
	}
}
