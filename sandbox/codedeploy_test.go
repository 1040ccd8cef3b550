package sandbox

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdaops/lambdaops/internal/peers"
	sbcd "github.com/lambdaops/lambdaops/sandbox/codedeploy"
)

func codedeployClient(endpoint string) *codedeploy.Client {
	return codedeploy.NewFromConfig(awsConfig("us-east-1"), func(o *codedeploy.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
}

// fakeAlarms is a settable alarm-state source (until the alarms land).
type fakeAlarms struct {
	mu sync.Mutex
	m  map[string]string
}

func (f *fakeAlarms) set(name, state string) { f.mu.Lock(); f.m[name] = state; f.mu.Unlock() }
func (f *fakeAlarms) State(_, _, name string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.m[name]
	return s, ok
}

// cdFixture: an empty sandbox with function "pay" (versions 1 and 2, alias
// live on 1), an application and a group with an alarm and auto rollback.
func cdFixture(t *testing.T) (*Server, *codedeploy.Client, *awslambda.Client, *fakeAlarms, func(time.Duration)) {
	t.Helper()
	s, m := start(t, Options{Empty: true})
	lc := lambdaClient(s.URL())
	createFn(t, lc, m, "pay")
	for i := 0; i < 2; i++ {
		if _, err := lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("pay"), MemorySize: aws.Int32(int32(512 + 256*i))}); err != nil {
			t.Fatal(err)
		}
		m.Advance(2 * time.Second)
		pv, err := lc.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("pay")})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(pv.Version); got != string(rune('1'+i)) {
			t.Fatalf("published version %s", got)
		}
	}
	if _, err := lc.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("pay"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	fa := &fakeAlarms{m: map[string]string{"pay-errors": "OK"}}
	s.CodeDeploy().SetAlarmStates(fa)
	c := codedeployClient(s.URL())
	if _, err := c.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("payapp"), ComputePlatform: cdtypes.ComputePlatformLambda}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName: aws.String("payapp"), DeploymentGroupName: aws.String("pay-live"),
		ServiceRoleArn:       aws.String("arn:aws:iam::123456789012:role/cd"),
		DeploymentConfigName: aws.String("CodeDeployDefault.LambdaCanary10Percent5Minutes"),
		DeploymentStyle:      &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		AlarmConfiguration:   &cdtypes.AlarmConfiguration{Enabled: true, Alarms: []cdtypes.Alarm{{Name: aws.String("pay-errors")}}},
		AutoRollbackConfiguration: &cdtypes.AutoRollbackConfiguration{Enabled: true,
			Events: []cdtypes.AutoRollbackEvent{cdtypes.AutoRollbackEventDeploymentFailure, cdtypes.AutoRollbackEventDeploymentStopOnAlarm}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, lc, fa, s.Advance
}

const payAppSpec = "version: 0.0\nResources:\n  - PayFunction:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: pay\n        Alias: live\n        CurrentVersion: \"1\"\n        TargetVersion: \"2\"\n"

func deployPay(t *testing.T, c *codedeploy.Client, cfg string) string {
	t.Helper()
	in := &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("payapp"), DeploymentGroupName: aws.String("pay-live"),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(payAppSpec)}}}
	if cfg != "" {
		in.DeploymentConfigName = aws.String(cfg)
	}
	out, err := c.CreateDeployment(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.DeploymentId)
}

func aliasRouting(t *testing.T, lc *awslambda.Client) (string, float64) {
	t.Helper()
	a, err := lc.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("pay"), Name: aws.String("live")})
	if err != nil {
		t.Fatal(err)
	}
	w := 0.0
	if a.RoutingConfig != nil {
		w = a.RoutingConfig.AdditionalVersionWeights["2"]
	}
	return aws.ToString(a.FunctionVersion), w
}

func getDep(t *testing.T, c *codedeploy.Client, id string) *cdtypes.DeploymentInfo {
	t.Helper()
	out, err := c.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return out.DeploymentInfo
}

func TestCodeDeployCanarySteps(t *testing.T) {
	t.Parallel()
	_, c, lc, _, advance := cdFixture(t)
	id := deployPay(t, c, "")
	// The second deployment on the group is refused while one is active.
	_, err := c.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("payapp"), DeploymentGroupName: aws.String("pay-live"),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent, AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(payAppSpec)}}})
	wantErr(t, err, "DeploymentLimitExceededException", 400)
	if !strings.Contains(err.Error(), id) {
		t.Errorf("the refusal should name the active deployment: %v", err)
	}

	d := getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusInProgress || d.Creator != cdtypes.DeploymentCreatorUser || d.ComputePlatform != cdtypes.ComputePlatformLambda {
		t.Fatalf("after create: %s %s %s", d.Status, d.Creator, d.ComputePlatform)
	}
	if v, w := aliasRouting(t, lc); v != "1" || w != 0.1 {
		t.Fatalf("canary step: live on %s with %v to 2", v, w)
	}
	// The target names the alias and its weight.
	tg, err := c.ListDeploymentTargets(ctx, &codedeploy.ListDeploymentTargetsInput{DeploymentId: aws.String(id)})
	if err != nil || len(tg.TargetIds) != 1 {
		t.Fatalf("targets %v %v", tg, err)
	}
	bt, err := c.BatchGetDeploymentTargets(ctx, &codedeploy.BatchGetDeploymentTargetsInput{DeploymentId: aws.String(id), TargetIds: tg.TargetIds})
	if err != nil {
		t.Fatal(err)
	}
	lt := bt.DeploymentTargets[0].LambdaTarget
	if bt.DeploymentTargets[0].DeploymentTargetType != cdtypes.DeploymentTargetTypeLambdaTarget || lt == nil ||
		aws.ToString(lt.LambdaFunctionInfo.FunctionAlias) != "live" || aws.ToString(lt.LambdaFunctionInfo.TargetVersion) != "2" ||
		lt.LambdaFunctionInfo.TargetVersionWeight != 10 || lt.Status != cdtypes.TargetStatusInProgress {
		t.Fatalf("target %+v", lt)
	}
	if n := len(lt.LifecycleEvents); n != 5 || aws.ToString(lt.LifecycleEvents[2].LifecycleEventName) != "AllowTraffic" || lt.LifecycleEvents[2].Status != cdtypes.LifecycleEventStatusInProgress {
		t.Fatalf("lifecycle %d events", n)
	}
	// Not yet: four minutes later the canary still holds.
	advance(4 * time.Minute)
	if v, w := aliasRouting(t, lc); v != "1" || w != 0.1 {
		t.Fatalf("at 4m: %s %v", v, w)
	}
	advance(time.Minute)
	if v, w := aliasRouting(t, lc); v != "2" || w != 0 {
		t.Fatalf("at 5m: live on %s with %v (want all on 2)", v, w)
	}
	d = getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusSucceeded || d.CompleteTime == nil {
		t.Fatalf("after 5m: %s", d.Status)
	}
	// Listing filters.
	l, err := c.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{ApplicationName: aws.String("payapp"), DeploymentGroupName: aws.String("pay-live"),
		IncludeOnlyStatuses: []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusSucceeded}})
	if err != nil || len(l.Deployments) != 1 || l.Deployments[0] != id {
		t.Fatalf("list %v %v", l, err)
	}
	_, err = c.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{ApplicationName: aws.String("payapp")})
	wantErr(t, err, "DeploymentGroupNameRequiredException", 400)
	// Stopping a finished deployment.
	_, err = c.StopDeployment(ctx, &codedeploy.StopDeploymentInput{DeploymentId: aws.String(id)})
	wantErr(t, err, "DeploymentAlreadyCompletedException", 400)
	g, err := c.GetDeploymentGroup(ctx, &codedeploy.GetDeploymentGroupInput{ApplicationName: aws.String("payapp"), DeploymentGroupName: aws.String("pay-live")})
	if err != nil || aws.ToString(g.DeploymentGroupInfo.LastSuccessfulDeployment.DeploymentId) != id {
		t.Fatalf("group %v", err)
	}
}

func TestCodeDeployLinearConfigAndErrors(t *testing.T) {
	t.Parallel()
	_, c, lc, _, advance := cdFixture(t)
	_, err := c.CreateDeploymentConfig(ctx, &codedeploy.CreateDeploymentConfigInput{DeploymentConfigName: aws.String("Linear25Every2"),
		ComputePlatform:      cdtypes.ComputePlatformLambda,
		TrafficRoutingConfig: &cdtypes.TrafficRoutingConfig{Type: cdtypes.TrafficRoutingTypeTimeBasedLinear, TimeBasedLinear: &cdtypes.TimeBasedLinear{LinearPercentage: 25, LinearInterval: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDeploymentConfig(ctx, &codedeploy.CreateDeploymentConfigInput{DeploymentConfigName: aws.String("Linear25Every2"), ComputePlatform: cdtypes.ComputePlatformLambda,
		TrafficRoutingConfig: &cdtypes.TrafficRoutingConfig{Type: cdtypes.TrafficRoutingTypeAllAtOnce}})
	wantErr(t, err, "DeploymentConfigAlreadyExistsException", 400)
	_, err = c.GetDeploymentConfig(ctx, &codedeploy.GetDeploymentConfigInput{DeploymentConfigName: aws.String("nope")})
	wantErr(t, err, "DeploymentConfigDoesNotExistException", 400)
	gc, err := c.GetDeploymentConfig(ctx, &codedeploy.GetDeploymentConfigInput{DeploymentConfigName: aws.String("CodeDeployDefault.LambdaLinear10PercentEvery1Minute")})
	if err != nil || gc.DeploymentConfigInfo.TrafficRoutingConfig.TimeBasedLinear.LinearInterval != 1 {
		t.Fatalf("predefined: %v", err)
	}
	lcfg, err := c.ListDeploymentConfigs(ctx, &codedeploy.ListDeploymentConfigsInput{})
	if err != nil || !hasName(lcfg.DeploymentConfigsList, "CodeDeployDefault.LambdaCanary10Percent30Minutes") || !hasName(lcfg.DeploymentConfigsList, "Linear25Every2") {
		t.Fatalf("configs %v %v", lcfg, err)
	}
	id := deployPay(t, c, "Linear25Every2")
	for i, want := range []float64{0.25, 0.5, 0.75} {
		if v, w := aliasRouting(t, lc); v != "1" || w != want {
			t.Fatalf("step %d: %s %v", i, v, w)
		}
		advance(2 * time.Minute)
	}
	if v, w := aliasRouting(t, lc); v != "2" || w != 0 {
		t.Fatalf("end: %s %v", v, w)
	}
	if d := getDep(t, c, id); d.Status != cdtypes.DeploymentStatusSucceeded {
		t.Fatalf("status %s", d.Status)
	}
	// AWS's errors.
	_, err = c.GetApplication(ctx, &codedeploy.GetApplicationInput{ApplicationName: aws.String("ghost")})
	wantErr(t, err, "ApplicationDoesNotExistException", 400)
	_, err = c.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("payapp"), ComputePlatform: cdtypes.ComputePlatformLambda})
	wantErr(t, err, "ApplicationAlreadyExistsException", 400)
	_, err = c.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String("d-AAAAAAAAA")})
	wantErr(t, err, "DeploymentDoesNotExistException", 400)
	_, err = c.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String("nope")})
	wantErr(t, err, "InvalidDeploymentIdException", 400)
	ids := make([]string, 26)
	for i := range ids {
		ids[i] = "d-AAAAAAAAA"
	}
	_, err = c.BatchGetDeployments(ctx, &codedeploy.BatchGetDeploymentsInput{DeploymentIds: ids})
	wantErr(t, err, "BatchLimitExceededException", 400)
	// The alias no longer matches CurrentVersion 1: INVALID_LAMBDA_CONFIGURATION.
	id = deployPay(t, c, "")
	d := getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusFailed || d.ErrorInformation == nil || d.ErrorInformation.Code != cdtypes.ErrorCodeInvalidLambdaConfiguration ||
		!strings.Contains(aws.ToString(d.ErrorInformation.Message), "does not match the current version in AppSpec") {
		t.Fatalf("stale AppSpec: %s %+v", d.Status, d.ErrorInformation)
	}
}

func hasName(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestCodeDeployAlarmRollback(t *testing.T) {
	t.Parallel()
	_, c, lc, fa, advance := cdFixture(t)
	id := deployPay(t, c, "")
	if _, w := aliasRouting(t, lc); w != 0.1 {
		t.Fatalf("canary %v", w)
	}
	advance(2 * time.Minute)
	fa.set("pay-errors", "ALARM")
	advance(time.Minute)
	d := getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusFailed || d.ErrorInformation.Code != cdtypes.ErrorCodeAlarmActive ||
		!strings.Contains(aws.ToString(d.ErrorInformation.Message), "pay-errors") || d.RollbackInfo == nil {
		t.Fatalf("after the alarm: %s %+v %+v", d.Status, d.ErrorInformation, d.RollbackInfo)
	}
	rb := getDep(t, c, aws.ToString(d.RollbackInfo.RollbackDeploymentId))
	if rb.Creator != cdtypes.DeploymentCreatorCodeDeployRollback || rb.Status != cdtypes.DeploymentStatusSucceeded ||
		aws.ToString(rb.RollbackInfo.RollbackTriggeringDeploymentId) != id {
		t.Fatalf("rollback: %s %s %+v", rb.Creator, rb.Status, rb.RollbackInfo)
	}
	if v, w := aliasRouting(t, lc); v != "1" || w != 0 {
		t.Fatalf("after rollback: %s %v", v, w)
	}
}

func TestCodeDeployStop(t *testing.T) {
	t.Parallel()
	_, c, lc, _, advance := cdFixture(t)
	// Without rollback: the alias stays where the deployment left it.
	id := deployPay(t, c, "CodeDeployDefault.LambdaLinear10PercentEvery1Minute")
	advance(2 * time.Minute)
	out, err := c.StopDeployment(ctx, &codedeploy.StopDeploymentInput{DeploymentId: aws.String(id), AutoRollbackEnabled: aws.Bool(false)})
	if err != nil || out.Status != cdtypes.StopStatusPending {
		t.Fatalf("stop: %v %v", out, err)
	}
	d := getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusStopped || d.ErrorInformation.Code != cdtypes.ErrorCodeManualStop || d.RollbackInfo != nil {
		t.Fatalf("stopped: %s %+v", d.Status, d.RollbackInfo)
	}
	if v, w := aliasRouting(t, lc); v != "1" || w != 0.3 {
		t.Fatalf("after stop without rollback: %s %v (want 1 with 0.3 on 2)", v, w)
	}
	advance(5 * time.Minute)
	if _, w := aliasRouting(t, lc); w != 0.3 {
		t.Fatalf("a stopped deployment must not move the alias: %v", w)
	}
	// Put the alias back by hand, then stop with rollback.
	a, _ := lc.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("pay"), Name: aws.String("live")})
	if _, err := lc.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("pay"), Name: aws.String("live"), FunctionVersion: aws.String("1"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{}}, RevisionId: a.RevisionId}); err != nil {
		t.Fatal(err)
	}
	id = deployPay(t, c, "CodeDeployDefault.LambdaLinear10PercentEvery1Minute")
	advance(time.Minute)
	if _, err := c.StopDeployment(ctx, &codedeploy.StopDeploymentInput{DeploymentId: aws.String(id), AutoRollbackEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	d = getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusStopped || d.RollbackInfo == nil {
		t.Fatalf("stop with rollback: %s %+v", d.Status, d.RollbackInfo)
	}
	if rb := getDep(t, c, aws.ToString(d.RollbackInfo.RollbackDeploymentId)); rb.Creator != cdtypes.DeploymentCreatorCodeDeployRollback {
		t.Fatalf("rollback creator %s", rb.Creator)
	}
	if v, w := aliasRouting(t, lc); v != "1" || w != 0 {
		t.Fatalf("after rollback: %s %v", v, w)
	}
}

func TestCodeDeployAliasChangedByHand(t *testing.T) {
	t.Parallel()
	_, c, lc, _, advance := cdFixture(t)
	id := deployPay(t, c, "")
	a, _ := lc.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("pay"), Name: aws.String("live")})
	if _, err := lc.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("pay"), Name: aws.String("live"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}}, RevisionId: a.RevisionId}); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	d := getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusFailed || d.ErrorInformation.Code != cdtypes.ErrorCodeInvalidLambdaConfiguration ||
		!strings.Contains(aws.ToString(d.ErrorInformation.Message), "modified outside CodeDeploy") {
		t.Fatalf("hand edit: %s %+v", d.Status, d.ErrorInformation)
	}
	if d.RollbackInfo == nil {
		t.Fatal("DEPLOYMENT_FAILURE is a rollback event: want a rollback deployment")
	}
}

func TestCodeDeploySeeded(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{Seed: 1})
	c := codedeployClient(s.URL())
	id := s.CodeDeploy().ActiveFor(sbcd.DemoFunction, sbcd.DemoAlias)
	if id == "" {
		t.Fatal("no seeded deployment in progress")
	}
	d := getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusInProgress || aws.ToString(d.DeploymentConfigName) != sbcd.DemoConfig {
		t.Fatalf("seeded: %s %s", d.Status, aws.ToString(d.DeploymentConfigName))
	}
	l, err := c.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{ApplicationName: aws.String(sbcd.DemoApplication), DeploymentGroupName: aws.String(sbcd.DemoGroupLive)})
	if err != nil || len(l.Deployments) != 4 {
		t.Fatalf("history %v %v", l, err)
	}
	b, err := c.BatchGetDeployments(ctx, &codedeploy.BatchGetDeploymentsInput{DeploymentIds: l.Deployments})
	if err != nil {
		t.Fatal(err)
	}
	rollbacks := 0
	for _, d := range b.DeploymentsInfo {
		if d.Creator == cdtypes.DeploymentCreatorCodeDeployRollback {
			rollbacks++
		}
	}
	if rollbacks != 1 {
		t.Fatalf("%d rollbacks in the history", rollbacks)
	}
	al, err := lambdaClient(s.URL()).GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("checkout-api"), Name: aws.String("preview")})
	if err != nil || aws.ToString(al.FunctionVersion) != "7" || al.RoutingConfig.AdditionalVersionWeights["8"] != 0.1 {
		t.Fatalf("demo alias %+v %v", al, err)
	}
}

// TestPeerAWSCLIv2CodeDeploy drives `aws deploy …` (AWS CLI v2, awsJson1.1
// from botocore's model) through a canary, a stop with rollback and errors.
func TestPeerAWSCLIv2CodeDeploy(t *testing.T) {
	t.Parallel()
	cliPath := peers.AWSCLIv2(t)
	s, _ := start(t, Options{Seed: 1})
	cli := func(args ...string) (map[string]any, string, bool) {
		t.Helper()
		out, errs, ok := runPeer(t, s, cliPath, append(args, "--output", "json", "--endpoint-url", s.URL())...)
		var v map[string]any
		if ok && strings.TrimSpace(out) != "" {
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("aws %v: %v in %q", args, err, out)
			}
		}
		return v, errs, ok
	}
	must := func(args ...string) map[string]any {
		t.Helper()
		v, errs, ok := cli(args...)
		if !ok {
			t.Fatalf("aws %v: %s", args, errs)
		}
		return v
	}
	// The seeded deployment is visible and running.
	l := must("deploy", "list-deployments", "--application-name", sbcd.DemoApplication, "--deployment-group-name", sbcd.DemoGroupPreview, "--include-only-statuses", "InProgress")
	ids := l["deployments"].([]any)
	if len(ids) != 1 {
		t.Fatalf("in progress: %v", ids)
	}
	seeded := ids[0].(string)
	cfg := must("deploy", "get-deployment-config", "--deployment-config-name", "CodeDeployDefault.LambdaCanary10Percent5Minutes")
	if tr := cfg["deploymentConfigInfo"].(map[string]any)["trafficRoutingConfig"].(map[string]any); tr["type"] != "TimeBasedCanary" {
		t.Fatalf("config %v", tr)
	}
	// A canary on checkout-api:staging (on 8; 8 → 7 for the test).
	must("deploy", "create-deployment-group", "--application-name", sbcd.DemoApplication, "--deployment-group-name", "staging",
		"--service-role-arn", "arn:aws:iam::123456789012:role/cd", "--deployment-config-name", "CodeDeployDefault.LambdaCanary10Percent5Minutes",
		"--deployment-style", "deploymentType=BLUE_GREEN,deploymentOption=WITH_TRAFFIC_CONTROL")
	spec := `{"version":0.0,"Resources":[{"fn":{"Type":"AWS::Lambda::Function","Properties":{"Name":"checkout-api","Alias":"staging","CurrentVersion":"8","TargetVersion":"7"}}}]}`
	rev, _ := json.Marshal(map[string]any{"revisionType": "AppSpecContent", "appSpecContent": map[string]string{"content": spec}})
	d := must("deploy", "create-deployment", "--application-name", sbcd.DemoApplication, "--deployment-group-name", "staging", "--revision", string(rev))
	id := d["deploymentId"].(string)
	_, errs, ok := cli("deploy", "create-deployment", "--application-name", sbcd.DemoApplication, "--deployment-group-name", "staging", "--revision", string(rev))
	if ok || !strings.Contains(errs, "DeploymentLimitExceededException") {
		t.Fatalf("second deployment: ok=%v %s", ok, errs)
	}
	tg := must("deploy", "list-deployment-targets", "--deployment-id", id)
	tid := tg["targetIds"].([]any)[0].(string)
	dt := must("deploy", "get-deployment-target", "--deployment-id", id, "--target-id", tid)
	lfi := dt["deploymentTarget"].(map[string]any)["lambdaTarget"].(map[string]any)["lambdaFunctionInfo"].(map[string]any)
	if lfi["functionAlias"] != "staging" || lfi["targetVersionWeight"].(float64) != 10 {
		t.Fatalf("target %v", lfi)
	}
	s.Advance(5 * time.Minute)
	g := must("deploy", "get-deployment", "--deployment-id", id)
	if st := g["deploymentInfo"].(map[string]any)["status"]; st != "Succeeded" {
		t.Fatalf("after 5 minutes: %v", st)
	}
	// Stop the seeded deployment with rollback: the demo alias goes back to 7.
	must("deploy", "stop-deployment", "--deployment-id", seeded, "--auto-rollback-enabled")
	g = must("deploy", "get-deployment", "--deployment-id", seeded)
	info := g["deploymentInfo"].(map[string]any)
	if info["status"] != "Stopped" || info["rollbackInfo"] == nil {
		t.Fatalf("stopped: %v %v", info["status"], info["rollbackInfo"])
	}
	if st, _ := s.World().AliasState(sbcd.DemoFunction, sbcd.DemoAlias); st.Version != "7" || st.RouteVersion != "" {
		t.Fatalf("demo alias after rollback %+v", st)
	}
	_, errs, ok = cli("deploy", "stop-deployment", "--deployment-id", seeded)
	if ok || !strings.Contains(errs, "DeploymentAlreadyCompletedException") {
		t.Fatalf("stop twice: %s", errs)
	}
	_, errs, ok = cli("deploy", "get-application", "--application-name", "ghost")
	if ok || !strings.Contains(errs, "ApplicationDoesNotExistException") || !strings.Contains(errs, "does not exist with the user or AWS account") {
		t.Fatalf("missing app: %s", errs)
	}
}

// TestCodeDeployRollbackOnCloudWatchAlarm uses the sandbox's own alarms: a
// metric alarm set to ALARM over the CloudWatch API stops the deployment and
// rolls it back.
func TestCodeDeployRollbackOnCloudWatchAlarm(t *testing.T) {
	t.Parallel()
	s, c, lc, _, advance := cdFixture(t)
	s.CodeDeploy().SetAlarmStates(s.Alarms()) // as Start wires it (the fixture installed a fake)
	cw := cwClient(s)
	if _, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("pay-errors"), Namespace: aws.String("AWS/Lambda"),
		MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
		Dimensions: []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String("pay")}, {Name: aws.String("Resource"), Value: aws.String("pay:live")}},
	}); err != nil {
		t.Fatal(err)
	}
	id := deployPay(t, c, "")
	advance(time.Minute)
	if d := getDep(t, c, id); d.Status != cdtypes.DeploymentStatusInProgress {
		t.Fatalf("before the alarm: %s %+v", d.Status, d.ErrorInformation)
	}
	if _, err := cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("pay-errors"), StateValue: cwtypes.StateValueAlarm,
		StateReason: aws.String("test: errors on the canary")}); err != nil {
		t.Fatal(err)
	}
	s.CodeDeploy().Tick()
	d := getDep(t, c, id)
	if d.Status != cdtypes.DeploymentStatusFailed || d.ErrorInformation.Code != cdtypes.ErrorCodeAlarmActive || d.RollbackInfo == nil {
		t.Fatalf("after the alarm: %s %+v", d.Status, d.ErrorInformation)
	}
	if v, w := aliasRouting(t, lc); v != "1" || w != 0 {
		t.Fatalf("after rollback: %s %v", v, w)
	}
}
