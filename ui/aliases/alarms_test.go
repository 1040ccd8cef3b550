package aliases

import (
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// The cockpit shows the alarms on the canary version beside the health
// columns, and a plan with "alarm:<name>" aborts when that alarm is in
// ALARM even though the canary's own numbers are healthy.
func TestPlanAbortsOnAlarm(t *testing.T) {
	f := newCanaryFake()
	f.series = healthyCanary
	f.Session.AlarmList = []model.Alarm{
		{Name: "checkout-live-v8-errors", State: model.AlarmOK, Namespace: "AWS/Lambda", StateTransitioned: t0,
			Dimensions: []model.AlarmDim{{Name: "FunctionName", Value: "checkout-api"}, {Name: "Resource", Value: "checkout-api:live"}, {Name: "ExecutedVersion", Value: "8"}}},
		{Name: "checkout-errors", State: model.AlarmOK, Namespace: "AWS/Lambda",
			Dimensions: []model.AlarmDim{{Name: "FunctionName", Value: "checkout-api"}}},
	}
	h := newHarness(t, f, model.Writable)
	h.m.deps.Alarms = f
	h.run(h.m.loadAlarms())
	if v := h.m.View(); !strings.Contains(v, "alarms") || !strings.Contains(v, "OK (2 watching)") {
		t.Fatalf("cockpit lacks the alarms row:\n%s", v)
	}
	startPlan(t, h, "10,50,100 every 2m; errors>5 throttles alarm:checkout-live-v8-errors")
	h.clock.Advance(time.Minute)
	h.deliverTicks()
	if !h.m.PlanRunning() {
		t.Fatal("plan stopped while every alarm is OK")
	}
	f.Session.AlarmList[0].State = model.AlarmAlarm
	h.run(h.m.loadAlarms()) // the fresh read is judged at once
	if cell, firing := h.m.alarmCell(model.Alias{Name: "live", Version: "7", Routing: model.Routing{AdditionalVersion: "8", Weight: 0.1}}, "8"); !firing || cell != "ALARM checkout-live-v8-errors" {
		t.Errorf("canary cell %q %v", cell, firing)
	}
	for i := 0; i < 3 && h.m.PlanRunning(); i++ {
		h.clock.Advance(time.Minute)
		h.deliverTicks()
	}
	if h.m.PlanRunning() {
		t.Fatal("plan did not abort on the alarm")
	}
	j := h.Jobs[len(h.Jobs)-1]
	if !strings.Contains(j.Label, "aborted") || !strings.Contains(j.Label, "alarm checkout-live-v8-errors is in ALARM") {
		t.Fatalf("final job %+v", j)
	}
	if a := aliasOf(t, f, "live"); a.Version != "7" || a.Routing.Active() {
		t.Fatalf("alias after abort: %+v", a)
	}
}
