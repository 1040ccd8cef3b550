package iampolicy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// op describes one SDK operation: the IAM action that authorises it, the
// resource the policies grant it on, and whether it only reads.
type op struct {
	action   string
	resource string
	read     bool
}

const (
	anyRes   = "*"
	fnRes    = "arn:aws:lambda:*:*:function:*"
	esmRes   = "arn:aws:lambda:*:*:event-source-mapping:*"
	logRes   = "arn:aws:logs:*:*:log-group:*"
	cdgRes   = "arn:aws:codedeploy:*:*:deploymentgroup:*"
	cdcRes   = "arn:aws:codedeploy:*:*:deploymentconfig:*"
	alarmRes = "arn:aws:cloudwatch:*:*:alarm:*"
	// versionRes matches qualified function ARNs (versions) only.
	versionRes = "arn:aws:lambda:*:*:function:*:*"
)

// known maps "<sdk package>.<Operation>" to its IAM action. A new call in
// the aws package that is missing here fails the test: add it here and to
// the policies.
var known = map[string]op{
	"lambda.ListFunctions":                      {"lambda:ListFunctions", anyRes, true},
	"lambda.GetAccountSettings":                 {"lambda:GetAccountSettings", anyRes, true},
	"lambda.ListEventSourceMappings":            {"lambda:ListEventSourceMappings", anyRes, true},
	"cloudwatch.GetMetricData":                  {"cloudwatch:GetMetricData", anyRes, true},
	"tagging.GetResources":                      {"tag:GetResources", anyRes, true},
	"lambda.GetFunction":                        {"lambda:GetFunction", fnRes, true},
	"lambda.GetFunctionConfiguration":           {"lambda:GetFunctionConfiguration", fnRes, true},
	"lambda.GetFunctionEventInvokeConfig":       {"lambda:GetFunctionEventInvokeConfig", fnRes, true},
	"lambda.GetFunctionUrlConfig":               {"lambda:GetFunctionUrlConfig", fnRes, true},
	"lambda.GetPolicy":                          {"lambda:GetPolicy", fnRes, true},
	"lambda.GetAlias":                           {"lambda:GetAlias", fnRes, true},
	"lambda.ListAliases":                        {"lambda:ListAliases", fnRes, true},
	"lambda.ListVersionsByFunction":             {"lambda:ListVersionsByFunction", fnRes, true},
	"lambda.GetFunctionConcurrency":             {"lambda:GetFunctionConcurrency", fnRes, true},
	"lambda.ListProvisionedConcurrencyConfigs":  {"lambda:ListProvisionedConcurrencyConfigs", fnRes, true},
	"lambda.GetProvisionedConcurrencyConfig":    {"lambda:GetProvisionedConcurrencyConfig", fnRes, true},
	"lambda.GetEventSourceMapping":              {"lambda:GetEventSourceMapping", esmRes, true},
	"lambda.ListTags":                           {"lambda:ListTags", esmRes, true},
	"cloudwatchlogs.FilterLogEvents":            {"logs:FilterLogEvents", logRes, true},
	"cloudwatchlogs.StartLiveTail":              {"logs:StartLiveTail", logRes, true},
	"lambda.Invoke":                             {"lambda:InvokeFunction", fnRes, false},
	"lambda.PublishVersion":                     {"lambda:PublishVersion", fnRes, false},
	"lambda.CreateAlias":                        {"lambda:CreateAlias", fnRes, false},
	"lambda.UpdateAlias":                        {"lambda:UpdateAlias", fnRes, false},
	"lambda.PutFunctionConcurrency":             {"lambda:PutFunctionConcurrency", fnRes, false},
	"lambda.DeleteFunctionConcurrency":          {"lambda:DeleteFunctionConcurrency", fnRes, false},
	"lambda.PutProvisionedConcurrencyConfig":    {"lambda:PutProvisionedConcurrencyConfig", fnRes, false},
	"lambda.DeleteProvisionedConcurrencyConfig": {"lambda:DeleteProvisionedConcurrencyConfig", fnRes, false},
	"lambda.UpdateEventSourceMapping":           {"lambda:UpdateEventSourceMapping", esmRes, false},
	"codedeploy.ListDeployments":                {"codedeploy:ListDeployments", cdgRes, true},
	"codedeploy.BatchGetDeployments":            {"codedeploy:BatchGetDeployments", cdgRes, true},
	"codedeploy.ListDeploymentTargets":          {"codedeploy:ListDeploymentTargets", cdgRes, true},
	"codedeploy.BatchGetDeploymentTargets":      {"codedeploy:BatchGetDeploymentTargets", cdgRes, true},
	"codedeploy.BatchGetDeploymentGroups":       {"codedeploy:BatchGetDeploymentGroups", cdgRes, true},
	"codedeploy.GetDeploymentConfig":            {"codedeploy:GetDeploymentConfig", cdcRes, true},
	"codedeploy.StopDeployment":                 {"codedeploy:StopDeployment", cdgRes, false},
	"cloudwatch.DescribeAlarms":                 {"cloudwatch:DescribeAlarms", anyRes, true},
	"cloudwatch.DescribeAlarmHistory":           {"cloudwatch:DescribeAlarmHistory", alarmRes, true},
	"cloudwatch.SetAlarmState":                  {"cloudwatch:SetAlarmState", alarmRes, false},
	"cloudwatch.EnableAlarmActions":             {"cloudwatch:EnableAlarmActions", alarmRes, false},
	"cloudwatch.DisableAlarmActions":            {"cloudwatch:DisableAlarmActions", alarmRes, false},
	// Power tuning: memory changes, its temporary aliases, and deleting the
	// versions it published (granted on qualified ARNs only, so the policy
	// cannot delete a function).
	"lambda.UpdateFunctionConfiguration": {"lambda:UpdateFunctionConfiguration", fnRes, false},
	"lambda.DeleteAlias":                 {"lambda:DeleteAlias", fnRes, false},
	"lambda.DeleteFunction":              {"lambda:DeleteFunction", versionRes, false},
}

// permissionFree are operations AWS authorises without any IAM permission.
var permissionFree = map[string]bool{"sts.GetCallerIdentity": true}

var (
	clientField = regexp.MustCompile(`\b\w+\.(\w+)\s*=\s*(\w+)\.NewFromConfig\(`)
	paginator   = regexp.MustCompile(`\b(lambda|cloudwatch|cloudwatchlogs|sts)\.New(\w+)Paginator\(`)
)

// calls scans the aws package's non-test sources for SDK calls: methods
// called on the client fields made with <pkg>.NewFromConfig, and paginators.
func calls(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "aws", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no aws sources found: %v", err)
	}
	src := map[string]string{}
	fields := map[string]string{} // field → sdk package
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src[f] = string(b)
		for _, m := range clientField.FindAllStringSubmatch(string(b), -1) {
			fields[m[1]] = m[2]
		}
	}
	if len(fields) == 0 {
		t.Fatal("found no SDK clients (<pkg>.NewFromConfig) in the aws package: has the client set-up moved?")
	}
	out := map[string][]string{}
	for f, s := range src {
		for field, pkg := range fields {
			re := regexp.MustCompile(`\.` + field + `\.([A-Z]\w*)\(`)
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				k := pkg + "." + m[1]
				out[k] = append(out[k], filepath.Base(f))
			}
			// A client copied into a variable would hide its calls from this scan.
			alias := regexp.MustCompile(`(:=|=)\s*\w+\.` + field + `\s*($|[\n;,)])`)
			if alias.MatchString(s) {
				t.Errorf("%s copies the SDK client field %q into a variable; call it as c.%s.Op(...) so this scan sees every operation", filepath.Base(f), field, field)
			}
		}
		for _, m := range paginator.FindAllStringSubmatch(s, -1) {
			k := m[1] + "." + m[2]
			out[k] = append(out[k], filepath.Base(f))
		}
	}
	return out
}

type statement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource any
}

type policy struct {
	Version   string
	Statement []statement
}

func load(t *testing.T, name string) (policy, map[string][]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "iam", name))
	if err != nil {
		t.Fatal(err)
	}
	var p policy
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if p.Version != "2012-10-17" {
		t.Errorf("%s: Version %q, want 2012-10-17", name, p.Version)
	}
	grants := map[string][]string{} // action → resources
	for _, s := range p.Statement {
		if s.Effect != "Allow" {
			t.Errorf("%s: statement %s has Effect %q; these policies only allow", name, s.Sid, s.Effect)
		}
		var res []string
		switch r := s.Resource.(type) {
		case string:
			res = []string{r}
		case []any:
			for _, v := range r {
				res = append(res, v.(string))
			}
		default:
			t.Errorf("%s: statement %s has no Resource", name, s.Sid)
		}
		for _, a := range s.Action {
			if strings.ContainsAny(a, "*?") {
				t.Errorf("%s: wildcard action %q; list each action", name, a)
			}
			grants[a] = append(grants[a], res...)
		}
	}
	return p, grants
}

func TestPoliciesCoverEveryOperation(t *testing.T) {
	used := calls(t)
	var names []string
	for k := range used {
		names = append(names, k)
	}
	sort.Strings(names)
	t.Logf("AWS operations the aws package calls: %s", strings.Join(names, ", "))
	if len(names) < 10 {
		t.Fatalf("only %d operations found; the scan is broken", len(names))
	}

	need := map[string]map[string]string{"readonly.json": {}, "operator.json": {}} // policy → action → resource
	for _, k := range names {
		if permissionFree[k] {
			continue
		}
		o, ok := known[k]
		if !ok {
			t.Errorf("the aws package calls %s (%v), which this test does not know: add its IAM action to `known` and to docs/iam", k, used[k])
			continue
		}
		need["operator.json"][o.action] = o.resource
		if o.read {
			need["readonly.json"][o.action] = o.resource
		}
	}
	for _, name := range []string{"readonly.json", "operator.json"} {
		_, grants := load(t, name)
		for a, res := range need[name] {
			rs, ok := grants[a]
			if !ok {
				t.Errorf("%s does not allow %s", name, a)
				continue
			}
			for _, r := range rs {
				if r != res {
					t.Errorf("%s grants %s on %q; want exactly %q", name, a, r, res)
				}
			}
		}
		for a := range grants {
			if _, ok := need[name][a]; !ok {
				t.Errorf("%s allows %s, which the code never needs there (least privilege)", name, a)
			}
		}
	}
}

// TestKnownIsCurrent keeps the table honest: every entry is still called.
func TestKnownIsCurrent(t *testing.T) {
	used := calls(t)
	for k := range known {
		if _, ok := used[k]; !ok {
			t.Errorf("%s is in the IAM table but the aws package no longer calls it: drop it here and from docs/iam", k)
		}
	}
}
