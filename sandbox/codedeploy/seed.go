package codedeploy

import (
	"time"
)

// Demo names (the seeded CodeDeploy state of the demo fleet).
const (
	DemoApplication  = "checkout-service"
	DemoGroupLive    = "checkout-api-live"
	DemoGroupPreview = "checkout-api-preview"
	DemoFunction     = "checkout-api"
	DemoAlias        = "preview"
	DemoAlarm        = "checkout-api-errors"
	DemoConfig       = "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes"
)

// EnsureAlias is what seeding needs beyond World: creating the demo alias.
type EnsureAlias interface {
	EnsureAlias(function, alias, version, description string) error
}

// SeedDemo creates the demo state: application checkout-service with a
// deployment group for checkout-api:live (a history of past deployments,
// one of them rolled back by an alarm) and one for checkout-api:preview, with
// a deployment in progress (7 → 8 by LambdaLinear10PercentEvery10Minutes,
// started two minutes ago: 100 minutes in all, so it is seen running).
func (s *Store) SeedDemo(ea EnsureAlias) error {
	if err := ea.EnsureAlias(DemoFunction, DemoAlias, "7", "CodeDeploy demo: shifted by a deployment"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	role := "arn:aws:iam::" + s.account + ":role/codedeploy-lambda-service"
	app := &application{id: s.uuid(), name: DemoApplication, platform: "Lambda", created: now.Add(-200 * 24 * time.Hour), groups: map[string]*group{}}
	s.apps[app.name] = app
	s.appOrder = append(s.appOrder, app.name)
	live := &group{id: s.uuid(), name: DemoGroupLive, app: app.name, config: "CodeDeployDefault.LambdaCanary10Percent5Minutes", role: role,
		alarms: []string{DemoAlarm, "checkout-api-p99"}, alarmsEnabled: true,
		rollbackEnabled: true, rollbackEvents: []string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}}
	demo := &group{id: s.uuid(), name: DemoGroupPreview, app: app.name, config: DemoConfig, role: role,
		alarms: []string{"checkout-api-preview-errors"}, alarmsEnabled: true,
		rollbackEnabled: true, rollbackEvents: []string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"}}
	for _, g := range []*group{live, demo} {
		app.groups[g.name] = g
		app.groupOrder = append(app.groupOrder, g.name)
	}

	day := 24 * time.Hour
	past := func(g *group, cfg, cur, target string, at time.Time, dur time.Duration, status string) *deployment {
		d := &deployment{id: s.newDeploymentID(), app: app.name, group: g.name, config: cfg, creator: "user",
			status: status, fn: DemoFunction, alias: "live", cur: cur, target: target, revType: "AppSpecContent",
			created: at, started: at.Add(5 * time.Second), done: at.Add(dur), targetStatus: status,
			rollbackEnabled: g.rollbackEnabled, rollbackEvents: g.rollbackEvents, alarms: g.alarms, alarmsEnabled: g.alarmsEnabled,
			events: newEvents(), weight: 100, next: 2, targetUpdated: at.Add(dur)}
		d.content = appSpec(d.fn, d.alias, cur, target)
		d.sha = sha256Hex(d.content)
		for i := range d.events {
			d.events[i].status, d.events[i].start, d.events[i].end = "Succeeded", d.started, d.done
		}
		if prev := s.deps[g.lastSuccess]; prev != nil {
			d.previousSHA = prev.sha
		}
		s.deps[d.id] = d
		s.depOrder = append(s.depOrder, d.id)
		g.lastAttempted = d.id
		if status == StatusSucceeded {
			g.lastSuccess = d.id
		}
		return d
	}
	canary := "CodeDeployDefault.LambdaCanary10Percent5Minutes"
	past(live, canary, "5", "6", now.Add(-21*day), 5*time.Minute+20*time.Second, StatusSucceeded)
	bad := past(live, canary, "6", "7", now.Add(-9*day), 3*time.Minute+12*time.Second, StatusFailed)
	bad.weight, bad.next, bad.targetStatus = 10, 1, "Failed"
	bad.errCode = "ALARM_ACTIVE"
	bad.errMsg = "One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <" + DemoAlarm + ">"
	for i := range bad.events {
		switch bad.events[i].name {
		case "AllowTraffic":
			bad.events[i].status, bad.events[i].errCode, bad.events[i].errMsg = "Failed", bad.errCode, bad.errMsg
		case "AfterAllowTraffic", "End":
			bad.events[i].status, bad.events[i].start, bad.events[i].end = "Skipped", time.Time{}, time.Time{}
		}
	}
	rb := past(live, "CodeDeployDefault.LambdaAllAtOnce", "7", "6", bad.done, 8*time.Second, StatusSucceeded)
	rb.creator, rb.rollbackTrigger = "codeDeployRollback", bad.id
	rb.description = "Rollback of " + bad.id
	bad.rollbackID = rb.id
	bad.rollbackMsg = "Deployment " + bad.id + " was rolled back because alarm(s) " + DemoAlarm + " went into ALARM."
	rb.rollbackMsg = bad.rollbackMsg
	past(live, canary, "6", "7", now.Add(-8*day), 5*time.Minute+31*time.Second, StatusSucceeded).description = "v7 again, with the timeout fix"

	// The deployment in progress on checkout-api:preview.
	d := &deployment{id: s.newDeploymentID(), app: app.name, group: demo.name, config: DemoConfig, creator: "user",
		description: "checkout-api v8 to the preview alias", status: StatusCreated, fn: DemoFunction, alias: DemoAlias, cur: "7", target: "8",
		revType: "AppSpecContent", created: now.Add(-2 * time.Minute), steps: s.configs[DemoConfig].routing.steps(),
		targetStatus: "Pending", events: newEvents(), rollbackEnabled: demo.rollbackEnabled, rollbackEvents: demo.rollbackEvents,
		alarms: demo.alarms, alarmsEnabled: demo.alarmsEnabled}
	d.content = appSpec(d.fn, d.alias, d.cur, d.target)
	d.sha = sha256Hex(d.content)
	s.deps[d.id] = d
	s.depOrder = append(s.depOrder, d.id)
	demo.lastAttempted = d.id
	s.run(d, d.created) // starts it and applies the first step (10%) two minutes ago
	return nil
}

// ActiveFor returns the id of the active deployment on function:alias ("" for none).
func (s *Store) ActiveFor(function, alias string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.depOrder {
		if d := s.deps[id]; d.fn == function && d.alias == alias && active(d.status) {
			return id
		}
	}
	return ""
}
