package aws

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/alarms"
	"github.com/lambdaops/lambdaops/sandbox/clock"
)

// Alarms reads the seeded alarms in pages, indexes them by function and
// reuses the read; SetAlarmState and SetAlarmActions are journaled and
// refused in read-only mode before anything is sent.
func TestAlarmsOnSandbox(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 30, Seed: 1, Traffic: true, Clock: clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))})
	c := openSandbox(t, s, Config{})
	ctx := context.Background()
	ix, err := c.Alarms(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() < 12 || c.AlarmCalls() != 1 {
		t.Fatalf("%d alarms in %d calls", ix.Len(), c.AlarmCalls())
	}
	if n := ix.InAlarm("payments-webhook"); n != 3 { // error rate, errors, composite
		t.Errorf("payments-webhook in ALARM: %d", n)
	}
	live := ix.ForAlias("checkout-api", "live", "7", "8")
	if len(live) < 3 {
		t.Errorf("checkout-api live: %d alarms", len(live))
	}
	a, ok := ix.Find(alarms.SeedPaymentsErrorRate)
	if !ok || len(a.Metrics) != 3 || a.Metrics[2].Expression != "100 * e / i" || a.State != model.AlarmAlarm || a.Since().IsZero() {
		t.Fatalf("math alarm %+v", a)
	}
	if _, err := c.Alarms(ctx, false); err != nil || c.AlarmCalls() != 1 {
		t.Errorf("cached read made calls: %d (%v)", c.AlarmCalls(), err)
	}
	h, err := c.AlarmHistory(ctx, alarms.SeedPaymentsErrorRate, 10)
	if err != nil || len(h) == 0 || h[0].Time.Before(h[len(h)-1].Time) {
		t.Fatalf("history %v %v", h, err)
	}
	if err := c.SetAlarmActions(ctx, []string{alarms.SeedPaymentsErrors}, false, "maintenance window"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAlarmState(ctx, alarms.SeedLegacyExport, model.AlarmAlarm, "testing the page"); err != nil {
		t.Fatal(err)
	}
	ix, _ = c.Alarms(ctx, false)
	if a, _ := ix.Find(alarms.SeedPaymentsErrors); a.ActionsEnabled {
		t.Error("actions still enabled")
	}
	if a, _ := ix.Find(alarms.SeedLegacyExport); a.State != model.AlarmAlarm || a.Reason != "testing the page" {
		t.Errorf("state %s %q", a.State, a.Reason)
	}
	if e, ok := c.LastAction("alarm:"+alarms.SeedPaymentsErrors, "DisableAlarmActions"); !ok || e.Reason != "maintenance window" || e.Before["actionsEnabled"] != true {
		t.Errorf("journal %+v %v", e, ok)
	}
	ro := openSandbox(t, s, Config{ReadOnly: true})
	before := s.Stats().Count("SetAlarmState")
	if err := ro.SetAlarmState(ctx, alarms.SeedLegacyExport, model.AlarmOK, "x"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only SetAlarmState: %v", err)
	}
	if err := ro.SetAlarmActions(ctx, []string{alarms.SeedLegacyExport}, true, "x"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only SetAlarmActions: %v", err)
	}
	if s.Stats().Count("SetAlarmState") != before {
		t.Error("read-only mode sent SetAlarmState")
	}
}

// Under moto, DescribeAlarms works over JSON (after CBOR is refused) and
// the operations moto lacks come back as ErrUnsupported, so the UI shows a
// one-line notice.
func TestAlarmsOnMoto(t *testing.T) {
	t.Parallel()
	c := openMoto(t)
	ctx := context.Background()
	ix, err := c.Alarms(ctx, true)
	if err != nil {
		t.Fatalf("Alarms on moto: %v", err)
	}
	if ix.Len() != 0 {
		t.Errorf("%d alarms on a fresh moto", ix.Len())
	}
	if _, err := c.AlarmHistory(ctx, "nope", 10); err != nil && !errors.Is(err, ErrUnsupported) {
		t.Errorf("history on moto: %v", err)
	}
	if err := c.SetAlarmActions(ctx, []string{"nope"}, false, "x"); err != nil && !errors.Is(err, ErrUnsupported) {
		t.Errorf("actions on moto: %v", err)
	}
}
