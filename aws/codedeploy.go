package aws

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"github.com/lambdaops/lambdaops/model"
)

// CodeDeploy for Lambda: which deployment owns an alias, history, stop.
//
// A deployment group names no function; only a deployment's target does
// (BatchGetDeploymentTargets → lambdaFunctionInfo). So finding the owner of
// an alias lists the region's *active* deployments (few), reads them in
// batches of 25, and reads each Lambda deployment's target. The answer is
// cached for activeTTL; a finished deployment's target never changes and is
// cached for good. Every call goes through the governor (QuotaCodeDeploy).

const (
	activeTTL        = 5 * time.Second
	groupTTL         = time.Minute
	maxActivePages   = 4   // 400 active deployments: far more than any region runs
	historyScan      = 100 // newest region-wide deployments scanned to find a function's groups
	maxHistoryPerGrp = 200
	cdBatch          = 25
)

var activeStatuses = []cdtypes.DeploymentStatus{
	cdtypes.DeploymentStatusCreated, cdtypes.DeploymentStatusQueued, cdtypes.DeploymentStatusInProgress,
	cdtypes.DeploymentStatusBaking, cdtypes.DeploymentStatusReady,
}

type cdTarget struct {
	fn, alias, cur, target, status string
	weight                         float64
	events                         []model.DeployEvent
}

type cdCache struct {
	mu       sync.Mutex
	active   []model.Deployment
	activeAt time.Time
	targets  map[string]cdTarget // finished deployments only
	configs  map[string]model.DeployRouting
	groups   map[string]cdGroup // app/group
}

type cdGroup struct {
	alarms  []string
	enabled bool
	at      time.Time
}

func (c *Client) cd() *cdCache {
	c.cdOnce.Do(func() {
		c.cdc = &cdCache{targets: map[string]cdTarget{}, configs: map[string]model.DeployRouting{}, groups: map[string]cdGroup{}}
	})
	return c.cdc
}

func cdErr(op string, err error) error {
	err = asUnsupported(op, err)
	return fmt.Errorf("codedeploy %s: %w", op, err)
}

// ActiveDeployments lists the region's running Lambda deployments.
func (c *Client) ActiveDeployments(ctx context.Context) ([]model.Deployment, error) {
	cc := c.cd()
	cc.mu.Lock()
	if !cc.activeAt.IsZero() && c.cfg.Now().Sub(cc.activeAt) < activeTTL {
		out := append([]model.Deployment(nil), cc.active...)
		cc.mu.Unlock()
		return out, nil
	}
	cc.mu.Unlock()
	var ids []string
	in := &codedeploy.ListDeploymentsInput{IncludeOnlyStatuses: activeStatuses}
	for page := 0; page < maxActivePages; page++ {
		out, err := c.codedeploy.ListDeployments(ctx, in)
		if err != nil {
			return nil, c.classify(cdErr("ListDeployments", err))
		}
		ids = append(ids, out.Deployments...)
		if sdkaws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	deps, err := c.readDeployments(ctx, ids)
	if err != nil {
		return nil, err
	}
	var active []model.Deployment
	for _, d := range deps {
		if d.Active() && d.Function != "" {
			active = append(active, d)
		}
	}
	cc.mu.Lock()
	cc.active, cc.activeAt = active, c.cfg.Now()
	cc.mu.Unlock()
	return append([]model.Deployment(nil), active...), nil
}

// DeploymentFor is the running deployment that owns function:alias.
func (c *Client) DeploymentFor(ctx context.Context, function, alias string) (model.Deployment, bool, error) {
	ds, err := c.ActiveDeployments(ctx)
	if err != nil {
		return model.Deployment{}, false, err
	}
	for _, d := range ds {
		if d.Function == function && d.Alias == alias {
			return d, true, nil
		}
	}
	return model.Deployment{}, false, nil
}

// DeploymentHistory lists the function's deployments, newest first: the
// newest region-wide deployments show which groups deploy the function,
// then each such group's history is read.
func (c *Client) DeploymentHistory(ctx context.Context, function string, limit int) ([]model.Deployment, error) {
	if limit <= 0 {
		limit = 50
	}
	out, err := c.codedeploy.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{})
	if err != nil {
		return nil, c.classify(cdErr("ListDeployments", err))
	}
	ids := out.Deployments
	for len(ids) < historyScan && sdkaws.ToString(out.NextToken) != "" {
		out, err = c.codedeploy.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{NextToken: out.NextToken})
		if err != nil {
			return nil, c.classify(cdErr("ListDeployments", err))
		}
		ids = append(ids, out.Deployments...)
	}
	if len(ids) > historyScan {
		ids = ids[:historyScan]
	}
	recent, err := c.readDeployments(ctx, ids)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	byID := map[string]model.Deployment{}
	type grp struct{ app, group string }
	var groups []grp
	for _, d := range recent {
		seen[d.ID] = true
		if d.Function != function {
			continue
		}
		byID[d.ID] = d
		k := d.Application + "/" + d.Group
		if !seen[k] {
			seen[k] = true
			groups = append(groups, grp{d.Application, d.Group})
		}
	}
	for _, g := range groups {
		var more []string
		in := &codedeploy.ListDeploymentsInput{ApplicationName: &g.app, DeploymentGroupName: &g.group}
		for len(more) < maxHistoryPerGrp {
			o, err := c.codedeploy.ListDeployments(ctx, in)
			if err != nil {
				return nil, c.classify(cdErr("ListDeployments", err))
			}
			for _, id := range o.Deployments {
				if !seen[id] {
					more = append(more, id)
					seen[id] = true
				}
			}
			if sdkaws.ToString(o.NextToken) == "" {
				break
			}
			in.NextToken = o.NextToken
		}
		ds, err := c.readDeployments(ctx, more)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Function == function {
				byID[d.ID] = d
			}
		}
	}
	res := make([]model.Deployment, 0, len(byID))
	for _, d := range byID {
		res = append(res, d)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].Created.After(res[j].Created) })
	if len(res) > limit {
		res = res[:limit]
	}
	return res, nil
}

// readDeployments reads deployments in batches of 25 and fills in each
// Lambda deployment's target, routing and alarms.
func (c *Client) readDeployments(ctx context.Context, ids []string) ([]model.Deployment, error) {
	var out []model.Deployment
	for i := 0; i < len(ids); i += cdBatch {
		chunk := ids[i:min(i+cdBatch, len(ids))]
		b, err := c.codedeploy.BatchGetDeployments(ctx, &codedeploy.BatchGetDeploymentsInput{DeploymentIds: chunk})
		if err != nil {
			return nil, c.classify(cdErr("BatchGetDeployments", err))
		}
		for _, di := range b.DeploymentsInfo {
			if di.ComputePlatform != "" && di.ComputePlatform != cdtypes.ComputePlatformLambda {
				continue
			}
			d := deploymentFrom(di)
			if err := c.fillTarget(ctx, &d); err != nil {
				return nil, err
			}
			c.fillRouting(ctx, &d)
			c.fillAlarms(ctx, &d, di.OverrideAlarmConfiguration)
			out = append(out, d)
		}
	}
	return out, nil
}

func deploymentFrom(di cdtypes.DeploymentInfo) model.Deployment {
	d := model.Deployment{
		ID: sdkaws.ToString(di.DeploymentId), Application: sdkaws.ToString(di.ApplicationName),
		Group: sdkaws.ToString(di.DeploymentGroupName), Config: sdkaws.ToString(di.DeploymentConfigName),
		Status: string(di.Status), Creator: string(di.Creator), Description: sdkaws.ToString(di.Description),
		Created: sdkaws.ToTime(di.CreateTime), Started: sdkaws.ToTime(di.StartTime), Completed: sdkaws.ToTime(di.CompleteTime),
	}
	if e := di.ErrorInformation; e != nil {
		d.ErrorCode, d.ErrorMessage = string(e.Code), sdkaws.ToString(e.Message)
	}
	if r := di.RollbackInfo; r != nil {
		d.RollbackID, d.RollbackOf, d.RollbackMessage = sdkaws.ToString(r.RollbackDeploymentId), sdkaws.ToString(r.RollbackTriggeringDeploymentId), sdkaws.ToString(r.RollbackMessage)
	}
	if a := di.AutoRollbackConfiguration; a != nil {
		d.AutoRollback = a.Enabled
		for _, e := range a.Events {
			d.RollbackEvents = append(d.RollbackEvents, string(e))
		}
	}
	return d
}

func (c *Client) fillTarget(ctx context.Context, d *model.Deployment) error {
	cc := c.cd()
	cc.mu.Lock()
	t, ok := cc.targets[d.ID]
	cc.mu.Unlock()
	if !ok {
		if d.Status == string(cdtypes.DeploymentStatusCreated) {
			return nil // no target before it starts (DeploymentNotStartedException)
		}
		lt, err := c.codedeploy.ListDeploymentTargets(ctx, &codedeploy.ListDeploymentTargetsInput{DeploymentId: &d.ID})
		if err != nil {
			var ns *cdtypes.DeploymentNotStartedException
			if errors.As(err, &ns) {
				return nil
			}
			return c.classify(cdErr("ListDeploymentTargets", err))
		}
		if len(lt.TargetIds) == 0 {
			return nil
		}
		bt, err := c.codedeploy.BatchGetDeploymentTargets(ctx, &codedeploy.BatchGetDeploymentTargetsInput{DeploymentId: &d.ID, TargetIds: lt.TargetIds[:1]})
		if err != nil {
			return c.classify(cdErr("BatchGetDeploymentTargets", err))
		}
		for _, tg := range bt.DeploymentTargets {
			l := tg.LambdaTarget
			if l == nil || l.LambdaFunctionInfo == nil {
				continue
			}
			fi := l.LambdaFunctionInfo
			t = cdTarget{fn: sdkaws.ToString(fi.FunctionName), alias: sdkaws.ToString(fi.FunctionAlias),
				cur: sdkaws.ToString(fi.CurrentVersion), target: sdkaws.ToString(fi.TargetVersion),
				weight: fi.TargetVersionWeight, status: string(l.Status)}
			for _, e := range l.LifecycleEvents {
				ev := model.DeployEvent{Name: sdkaws.ToString(e.LifecycleEventName), Status: string(e.Status),
					Start: sdkaws.ToTime(e.StartTime), End: sdkaws.ToTime(e.EndTime)}
				if e.Diagnostics != nil {
					ev.Message = sdkaws.ToString(e.Diagnostics.Message)
				}
				t.events = append(t.events, ev)
			}
			ok = true
			break
		}
		if ok && !d.Active() {
			cc.mu.Lock()
			cc.targets[d.ID] = t
			cc.mu.Unlock()
		}
	}
	if ok {
		d.Function, d.Alias, d.CurrentVersion, d.TargetVersion = t.fn, t.alias, t.cur, t.target
		d.TargetWeight, d.TargetStatus, d.Events = t.weight, t.status, t.events
	}
	return nil
}

// predefinedRouting knows CodeDeploy's predefined Lambda configs without a call.
func predefinedRouting(name string) (model.DeployRouting, bool) {
	const p = "CodeDeployDefault.Lambda"
	if !strings.HasPrefix(name, p) {
		return model.DeployRouting{}, false
	}
	var pct, iv int
	switch rest := name[len(p):]; {
	case rest == "AllAtOnce":
		return model.DeployRouting{Type: "AllAtOnce"}, true
	case strings.HasPrefix(rest, "Canary"):
		if n, _ := fmt.Sscanf(rest, "Canary%dPercent%dMinutes", &pct, &iv); n == 2 {
			return model.DeployRouting{Type: "TimeBasedCanary", Percent: pct, Interval: iv}, true
		}
	case strings.HasPrefix(rest, "Linear"):
		if n, _ := fmt.Sscanf(rest, "Linear%dPercentEvery%dMinute", &pct, &iv); n == 2 {
			return model.DeployRouting{Type: "TimeBasedLinear", Percent: pct, Interval: iv}, true
		}
	}
	return model.DeployRouting{}, false
}

func (c *Client) fillRouting(ctx context.Context, d *model.Deployment) {
	if r, ok := predefinedRouting(d.Config); ok {
		d.Routing = r
		return
	}
	cc := c.cd()
	cc.mu.Lock()
	r, ok := cc.configs[d.Config]
	cc.mu.Unlock()
	if !ok && d.Config != "" {
		out, err := c.codedeploy.GetDeploymentConfig(ctx, &codedeploy.GetDeploymentConfigInput{DeploymentConfigName: &d.Config})
		if err != nil {
			return // the banner says "routing unknown"
		}
		if tr := out.DeploymentConfigInfo.TrafficRoutingConfig; tr != nil {
			r.Type = string(tr.Type)
			if x := tr.TimeBasedCanary; x != nil {
				r.Percent, r.Interval = int(x.CanaryPercentage), int(x.CanaryInterval)
			}
			if x := tr.TimeBasedLinear; x != nil {
				r.Percent, r.Interval = int(x.LinearPercentage), int(x.LinearInterval)
			}
		}
		cc.mu.Lock()
		cc.configs[d.Config] = r
		cc.mu.Unlock()
	}
	d.Routing = r
}

func (c *Client) fillAlarms(ctx context.Context, d *model.Deployment, override *cdtypes.AlarmConfiguration) {
	if override != nil {
		d.AlarmsEnabled = override.Enabled
		for _, a := range override.Alarms {
			d.Alarms = append(d.Alarms, sdkaws.ToString(a.Name))
		}
		return
	}
	if d.Application == "" || d.Group == "" {
		return
	}
	cc := c.cd()
	k := d.Application + "/" + d.Group
	cc.mu.Lock()
	g, ok := cc.groups[k]
	cc.mu.Unlock()
	if !ok || c.cfg.Now().Sub(g.at) > groupTTL {
		out, err := c.codedeploy.BatchGetDeploymentGroups(ctx, &codedeploy.BatchGetDeploymentGroupsInput{ApplicationName: &d.Application, DeploymentGroupNames: []string{d.Group}})
		if err != nil || len(out.DeploymentGroupsInfo) == 0 {
			return
		}
		g = cdGroup{at: c.cfg.Now()}
		if ac := out.DeploymentGroupsInfo[0].AlarmConfiguration; ac != nil {
			g.enabled = ac.Enabled
			for _, a := range ac.Alarms {
				g.alarms = append(g.alarms, sdkaws.ToString(a.Name))
			}
		}
		cc.mu.Lock()
		cc.groups[k] = g
		cc.mu.Unlock()
	}
	d.Alarms, d.AlarmsEnabled = append([]string(nil), g.alarms...), g.enabled
}

// StopDeployment stops d, with or without rollback; journaled.
func (c *Client) StopDeployment(ctx context.Context, d model.Deployment, rollback bool) error {
	if err := c.guard(); err != nil {
		return err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	action := "StopDeployment"
	if rollback {
		action = "StopDeployment+rollback"
	}
	e := model.JournalEntry{Action: action, Target: d.Target(),
		Before: map[string]any{"deployment": d.ID, "status": d.Status, "currentVersion": d.CurrentVersion,
			"targetVersion": d.TargetVersion, "targetWeight": d.TargetWeight},
		Reason: "stop CodeDeploy deployment " + d.ID}
	out, err := c.codedeploy.StopDeployment(ctx, &codedeploy.StopDeploymentInput{DeploymentId: &d.ID, AutoRollbackEnabled: sdkaws.Bool(rollback)})
	if err != nil {
		err = c.classify(cdErr("StopDeployment", err))
		c.record(e, err)
		return err
	}
	e.After = map[string]any{"deployment": d.ID, "stop": string(out.Status), "rollback": rollback}
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	cc := c.cd()
	cc.mu.Lock()
	cc.activeAt = time.Time{} // read again
	cc.mu.Unlock()
	return nil
}
