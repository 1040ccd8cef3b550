package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/lambdaops/lambdaops/internal/peers"
)

// contractTarget is one implementation the contract scenarios run against.
type contractTarget struct {
	name    string
	url     string
	moto    bool
	advance func(time.Duration) // moves the sandbox clock; moto has none
}

// contractScenario runs against every target. motoGap, when set, is a
// known difference of moto_server 5.2.1 from AWS (moto-notes.md): the
// scenario is skipped on moto with that reason, never weakened.
type contractScenario struct {
	name    string
	motoGap string
	run     func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string)
}

var contractSeq atomic.Int64

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, contractSeq.Add(1))
}

// createMotoRole creates the IAM role CreateFunction checks, with a raw
// query-protocol call (moto does not verify signatures).
func createMotoRole(t *testing.T, endpoint string) {
	t.Helper()
	form := url.Values{
		"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"lambda-test"},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
	}
	req, _ := http.NewRequest("POST", endpoint+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=sandbox/20261126/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("moto CreateRole: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 409 {
		t.Fatalf("moto CreateRole: status %d", resp.StatusCode)
	}
}

func contractCreate(t *testing.T, tg contractTarget, c *awslambda.Client, name string) *awslambda.CreateFunctionOutput {
	t.Helper()
	out, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{
		FunctionName: aws.String(name), Role: aws.String(testRole), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("app.handler"), Code: &ltypes.FunctionCode{ZipFile: fakeZip(name)},
		MemorySize: aws.Int32(256), Timeout: aws.Int32(10),
	})
	if err != nil {
		t.Fatalf("CreateFunction %s: %v", name, err)
	}
	tg.advance(2 * time.Second)
	return out
}

// fakeZip is a minimal valid (empty) zip archive plus a unique comment.
func fakeZip(comment string) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	b.WriteByte(byte(len(comment)))
	b.WriteByte(0)
	b.WriteString(comment)
	return b.Bytes()
}

// settle waits for an update to finish: the sandbox clock moves; moto is immediate.
func settle(tg contractTarget) { tg.advance(3 * time.Second) }

func publish(t *testing.T, c *awslambda.Client, fn string) string {
	t.Helper()
	v, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String(fn)})
	if err != nil {
		t.Fatalf("PublishVersion: %v", err)
	}
	return *v.Version
}

func updateMemory(t *testing.T, tg contractTarget, c *awslambda.Client, fn string, mb int32) {
	t.Helper()
	if _, err := c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(fn), MemorySize: aws.Int32(mb)}); err != nil {
		t.Fatalf("UpdateFunctionConfiguration: %v", err)
	}
	settle(tg)
}

var contractScenarios = []contractScenario{
	{name: "CreateGetDelete", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		out := contractCreate(t, tg, c, fn)
		for _, ref := range []string{fn, *out.FunctionArn} {
			g, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(ref)})
			if err != nil || *g.Configuration.FunctionName != fn || *g.Configuration.MemorySize != 256 {
				t.Fatalf("GetFunction(%s): %v", ref, err)
			}
		}
		cfg, err := c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String(fn)})
		if err != nil || *cfg.Version != "$LATEST" || *cfg.Handler != "app.handler" {
			t.Fatalf("GetFunctionConfiguration: %v", err)
		}
		_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String(fn), Role: aws.String(testRole), Runtime: ltypes.RuntimePython312, Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("x")}})
		wantErr(t, err, "ResourceConflictException", 409)
		if _, err := c.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String(fn)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(fn)})
		wantErr(t, err, "ResourceNotFoundException", 404)
	}},
	{name: "UpdateConfiguration", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		updateMemory(t, tg, c, fn, 1024)
		cfg, err := c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String(fn)})
		if err != nil || *cfg.MemorySize != 1024 || cfg.LastUpdateStatus != ltypes.LastUpdateStatusSuccessful {
			t.Fatalf("after update: %v %v %s", err, aws.ToInt32(cfg.MemorySize), cfg.LastUpdateStatus)
		}
	}},
	{name: "ListFunctionsPaging", motoGap: "moto ignores Marker and MaxItems and returns every function in one page", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		for i := 0; i < 53; i++ {
			contractCreate(t, tg, c, fmt.Sprintf("%s-%02d", fn, i))
		}
		out, err := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{MaxItems: aws.Int32(100)})
		if err != nil || len(out.Functions) != 50 || out.NextMarker == nil {
			t.Fatalf("first page: %v %d", err, len(out.Functions))
		}
		n := 0
		p := awslambda.NewListFunctionsPaginator(c, &awslambda.ListFunctionsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Functions)
		}
		if n < 53 {
			t.Fatalf("paged %d functions", n)
		}
	}},
	{name: "PublishVersion", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		v1 := publish(t, c, fn)
		if again := publish(t, c, fn); again != v1 {
			t.Fatalf("unchanged code and config: got version %s, want the existing %s", again, v1)
		}
		updateMemory(t, tg, c, fn, 512)
		if v2 := publish(t, c, fn); v2 == v1 {
			t.Fatalf("changed config must publish a new version, got %s again", v2)
		}
		vs, err := c.ListVersionsByFunction(ctx, &awslambda.ListVersionsByFunctionInput{FunctionName: aws.String(fn)})
		if err != nil || len(vs.Versions) != 3 {
			t.Fatalf("ListVersionsByFunction: %v %d", err, len(vs.Versions))
		}
	}},
	{name: "AliasRouting", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		v1 := publish(t, c, fn)
		updateMemory(t, tg, c, fn, 512)
		v2 := publish(t, c, fn)
		a, err := c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), FunctionVersion: aws.String(v1),
			RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{v2: 0.1}}})
		if err != nil || a.RoutingConfig == nil || a.RoutingConfig.AdditionalVersionWeights[v2] != 0.1 {
			t.Fatalf("CreateAlias: %v", err)
		}
		g, err := c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")})
		if err != nil || *g.FunctionVersion != v1 || g.RoutingConfig.AdditionalVersionWeights[v2] != 0.1 {
			t.Fatalf("GetAlias: %v", err)
		}
		u, err := c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), RevisionId: g.RevisionId,
			RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{v2: 0.5}}})
		if err != nil || u.RoutingConfig.AdditionalVersionWeights[v2] != 0.5 {
			t.Fatalf("UpdateAlias: %v", err)
		}
		l, err := c.ListAliases(ctx, &awslambda.ListAliasesInput{FunctionName: aws.String(fn)})
		if err != nil || len(l.Aliases) != 1 {
			t.Fatalf("ListAliases: %v", err)
		}
		if _, err := c.DeleteAlias(ctx, &awslambda.DeleteAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")})
		wantErr(t, err, "ResourceNotFoundException", 404)
	}},
	{name: "AliasRevisionConflict", motoGap: "moto accepts UpdateAlias with a stale RevisionId", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		v1 := publish(t, c, fn)
		if _, err := c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), FunctionVersion: aws.String(v1)}); err != nil {
			t.Fatal(err)
		}
		_, err := c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), RevisionId: aws.String("00000000-0000-4000-8000-000000000000"), Description: aws.String("x")})
		wantErr(t, err, "PreconditionFailedException", 412)
	}},
	{name: "RoutingToLatestRefused", motoGap: "moto accepts routing to $LATEST", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		v1 := publish(t, c, fn)
		_, err := c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), FunctionVersion: aws.String("$LATEST"),
			RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{v1: 0.1}}})
		wantErr(t, err, "InvalidParameterValueException", 400)
	}},
	{name: "ReservedConcurrency", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		if _, err := c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String(fn), ReservedConcurrentExecutions: aws.Int32(7)}); err != nil {
			t.Fatal(err)
		}
		g, err := c.GetFunctionConcurrency(ctx, &awslambda.GetFunctionConcurrencyInput{FunctionName: aws.String(fn)})
		if err != nil || g.ReservedConcurrentExecutions == nil || *g.ReservedConcurrentExecutions != 7 {
			t.Fatalf("GetFunctionConcurrency: %v", err)
		}
		if _, err := c.DeleteFunctionConcurrency(ctx, &awslambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String(fn)}); err != nil {
			t.Fatal(err)
		}
		g, err = c.GetFunctionConcurrency(ctx, &awslambda.GetFunctionConcurrencyInput{FunctionName: aws.String(fn)})
		if err != nil || g.ReservedConcurrentExecutions != nil {
			t.Fatalf("after delete: %v %v", err, g.ReservedConcurrentExecutions)
		}
	}},
	{name: "UnreservedFloor", motoGap: "moto accepts reservations that leave fewer than 100 unreserved", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		_, err := c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String(fn), ReservedConcurrentExecutions: aws.Int32(901)})
		wantErr(t, err, "InvalidParameterValueException", 400)
	}},
	{name: "AccountSettings", motoGap: "moto answers GetAccountSettings with 404 HTML", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		as, err := c.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{})
		if err != nil || as.AccountLimit == nil || as.AccountLimit.ConcurrentExecutions != 1000 {
			t.Fatalf("GetAccountSettings: %v", err)
		}
	}},
	{name: "Tags", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		out := contractCreate(t, tg, c, fn)
		if _, err := c.TagResource(ctx, &awslambda.TagResourceInput{Resource: out.FunctionArn, Tags: map[string]string{"team": "core"}}); err != nil {
			t.Fatal(err)
		}
		tags, err := c.ListTags(ctx, &awslambda.ListTagsInput{Resource: out.FunctionArn})
		if err != nil || tags.Tags["team"] != "core" {
			t.Fatalf("ListTags: %v %v", err, tags)
		}
	}},
	{name: "Policy", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		if _, err := c.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String(fn), StatementId: aws.String("s3-trigger"), Action: aws.String("lambda:InvokeFunction"),
			Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::uploads")}); err != nil {
			t.Fatal(err)
		}
		p, err := c.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String(fn)})
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Statement []struct{ Sid string } }
		if err := json.Unmarshal([]byte(*p.Policy), &doc); err != nil || len(doc.Statement) != 1 || doc.Statement[0].Sid != "s3-trigger" {
			t.Fatalf("policy %s: %v", *p.Policy, err)
		}
	}},
	{name: "EventInvokeConfig", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		if _, err := c.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(fn), MaximumRetryAttempts: aws.Int32(1), MaximumEventAgeInSeconds: aws.Int32(300)}); err != nil {
			t.Fatal(err)
		}
		g, err := c.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(fn)})
		if err != nil || aws.ToInt32(g.MaximumRetryAttempts) != 1 || aws.ToInt32(g.MaximumEventAgeInSeconds) != 300 {
			t.Fatalf("GetFunctionEventInvokeConfig: %v", err)
		}
	}},
	{name: "InvokeTail", motoGap: "moto runs Invoke in Docker; without it the call fails with FunctionError Handled and no REPORT", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		out, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String(fn), LogType: ltypes.LogTypeTail, Payload: []byte(`{}`)})
		if err != nil || out.StatusCode != 200 || out.LogResult == nil {
			t.Fatalf("Invoke: %v", err)
		}
	}},
	{name: "OversizePayload", motoGap: "moto accepts oversize invoke payloads", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		_, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String(fn), InvocationType: ltypes.InvocationTypeEvent, Payload: []byte(`"` + strings.Repeat("x", 1<<20) + `"`)})
		wantErr(t, err, "RequestTooLargeException", 413)
	}},
	{name: "MalformedJSON", motoGap: "moto answers malformed JSON with HTTP 500", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		req, _ := http.NewRequest("PUT", tg.url+"/2015-03-31/functions/"+fn+"/configuration", strings.NewReader(`{"MemorySize":`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Fatalf("status %d, want 400", resp.StatusCode)
		}
	}},
	{name: "UpdateFunctionCode", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		out := contractCreate(t, tg, c, fn)
		u, err := c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String(fn), ZipFile: fakeZip(fn + "-v2")})
		if err != nil || *u.CodeSha256 == *out.CodeSha256 {
			t.Fatalf("UpdateFunctionCode: %v", err)
		}
		settle(tg)
		p, err := c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String(fn), ZipFile: fakeZip(fn + "-v3"), Publish: true})
		if err != nil || aws.ToString(p.Version) == "$LATEST" {
			t.Fatalf("UpdateFunctionCode Publish: %v %v", err, aws.ToString(p.Version))
		}
	}},
	{name: "CreatePublishUnqualified", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		out, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String(fn), Role: aws.String(testRole), Runtime: ltypes.RuntimePython312,
			Handler: aws.String("app.handler"), Code: &ltypes.FunctionCode{ZipFile: fakeZip(fn)}, Publish: true})
		if err != nil || aws.ToString(out.Version) != "1" || strings.HasSuffix(*out.FunctionArn, ":1") {
			t.Fatalf("CreateFunction Publish: %v %s %s", err, aws.ToString(out.FunctionArn), aws.ToString(out.Version))
		}
	}},
	{name: "Permissions", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		p, err := c.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String(fn), StatementId: aws.String("s3"), Action: aws.String("lambda:InvokeFunction"),
			Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::bkt"), SourceAccount: aws.String("123456789012")})
		if err != nil || !strings.Contains(*p.Statement, "AWS:SourceArn") {
			t.Fatalf("AddPermission: %v %s", err, aws.ToString(p.Statement))
		}
		if _, err := c.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String(fn)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String(fn), StatementId: aws.String("s3")}); err != nil {
			t.Fatal(err)
		}
	}},
	{name: "AccountPrincipal", motoGap: "moto renders a 12-digit principal as given, not as arn:aws:iam::<id>:root", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		p, err := c.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String(fn), StatementId: aws.String("acct"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("210987654321")})
		if err != nil || !strings.Contains(*p.Statement, `"AWS":"arn:aws:iam::210987654321:root"`) {
			t.Fatalf("AddPermission: %v %s", err, aws.ToString(p.Statement))
		}
	}},
	{name: "FunctionURL", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		u, err := c.CreateFunctionUrlConfig(ctx, &awslambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(fn), AuthType: ltypes.FunctionUrlAuthTypeNone})
		if err != nil || aws.ToString(u.FunctionUrl) == "" {
			t.Fatalf("CreateFunctionUrlConfig: %v", err)
		}
		g, err := c.GetFunctionUrlConfig(ctx, &awslambda.GetFunctionUrlConfigInput{FunctionName: aws.String(fn)})
		if err != nil || g.AuthType != ltypes.FunctionUrlAuthTypeNone {
			t.Fatalf("GetFunctionUrlConfig: %v", err)
		}
		if _, err := c.DeleteFunctionUrlConfig(ctx, &awslambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String(fn)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetFunctionUrlConfig(ctx, &awslambda.GetFunctionUrlConfigInput{FunctionName: aws.String(fn)})
		wantErr(t, err, "ResourceNotFoundException", 404)
	}},
	{name: "Layers", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		l, err := c.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String(fn), Content: &ltypes.LayerVersionContentInput{ZipFile: fakeZip(fn)}, CompatibleRuntimes: []ltypes.Runtime{ltypes.RuntimePython312}})
		if err != nil || l.Version != 1 {
			t.Fatalf("PublishLayerVersion: %v", err)
		}
		if _, err := c.GetLayerVersion(ctx, &awslambda.GetLayerVersionInput{LayerName: aws.String(fn), VersionNumber: aws.Int64(1)}); err != nil {
			t.Fatal(err)
		}
		vs, err := c.ListLayerVersions(ctx, &awslambda.ListLayerVersionsInput{LayerName: aws.String(fn)})
		if err != nil || len(vs.LayerVersions) != 1 {
			t.Fatalf("ListLayerVersions: %v", err)
		}
	}},
	{name: "UnknownLayer", motoGap: "moto refuses an unknown layer version with ResourceNotFoundException (404) \"One or more LayerVersion does not exist\"; AWS answers InvalidParameterValueException", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		_, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String(fn), Role: aws.String(testRole), Runtime: ltypes.RuntimePython312,
			Handler: aws.String("app.handler"), Code: &ltypes.FunctionCode{ZipFile: fakeZip(fn)}, Layers: []string{"arn:aws:lambda:us-east-1:123456789012:layer:" + fn + "-none:1"}})
		wantErr(t, err, "InvalidParameterValueException", 400)
	}},
	{name: "FunctionURLUpdateList", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		if _, err := c.CreateFunctionUrlConfig(ctx, &awslambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(fn), AuthType: ltypes.FunctionUrlAuthTypeNone}); err != nil {
			t.Fatal(err)
		}
		u, err := c.UpdateFunctionUrlConfig(ctx, &awslambda.UpdateFunctionUrlConfigInput{FunctionName: aws.String(fn), AuthType: ltypes.FunctionUrlAuthTypeAwsIam, Cors: &ltypes.Cors{AllowOrigins: []string{"https://example.com"}}})
		if err != nil || u.AuthType != ltypes.FunctionUrlAuthTypeAwsIam {
			t.Fatalf("UpdateFunctionUrlConfig: %v", err)
		}
	}},
	{name: "ListFunctionUrlConfigs", motoGap: "moto 5.2.1 answers ListFunctionUrlConfigs with a 404 HTML page", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		if _, err := c.CreateFunctionUrlConfig(ctx, &awslambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(fn), AuthType: ltypes.FunctionUrlAuthTypeNone}); err != nil {
			t.Fatal(err)
		}
		l, err := c.ListFunctionUrlConfigs(ctx, &awslambda.ListFunctionUrlConfigsInput{FunctionName: aws.String(fn)})
		if err != nil || len(l.FunctionUrlConfigs) != 1 {
			t.Fatalf("ListFunctionUrlConfigs: %v", err)
		}
	}},
	{name: "LayerListByArnDelete", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		l, err := c.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String(fn), Content: &ltypes.LayerVersionContentInput{ZipFile: fakeZip(fn)}})
		if err != nil {
			t.Fatal(err)
		}
		ls, err := c.ListLayers(ctx, &awslambda.ListLayersInput{})
		found := false
		for _, x := range ls.Layers {
			found = found || aws.ToString(x.LayerName) == fn
		}
		if err != nil || !found {
			t.Fatalf("ListLayers: %v", err)
		}
		if _, err := c.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: l.LayerVersionArn}); err != nil {
			t.Fatalf("GetLayerVersionByArn: %v", err)
		}
		if _, err := c.DeleteLayerVersion(ctx, &awslambda.DeleteLayerVersionInput{LayerName: aws.String(fn), VersionNumber: aws.Int64(l.Version)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetLayerVersion(ctx, &awslambda.GetLayerVersionInput{LayerName: aws.String(fn), VersionNumber: aws.Int64(l.Version)})
		wantErr(t, err, "ResourceNotFoundException", 404)
	}},
	{name: "LayerPolicy", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		l, err := c.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String(fn), Content: &ltypes.LayerVersionContentInput{ZipFile: fakeZip(fn)}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String(fn), VersionNumber: aws.Int64(l.Version), StatementId: aws.String("acct"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("210987654321")}); err != nil {
			t.Fatal(err)
		}
		p, err := c.GetLayerVersionPolicy(ctx, &awslambda.GetLayerVersionPolicyInput{LayerName: aws.String(fn), VersionNumber: aws.Int64(l.Version)})
		if err != nil || !strings.Contains(aws.ToString(p.Policy), "210987654321") {
			t.Fatalf("GetLayerVersionPolicy: %v", err)
		}
		if _, err := c.RemoveLayerVersionPermission(ctx, &awslambda.RemoveLayerVersionPermissionInput{LayerName: aws.String(fn), VersionNumber: aws.Int64(l.Version), StatementId: aws.String("acct")}); err != nil {
			t.Fatal(err)
		}
	}},
	{name: "QualifiedPermission", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		v := publish(t, c, fn)
		if _, err := c.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String(fn), StatementId: aws.String("v"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("sns.amazonaws.com"), Qualifier: aws.String(v)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String(fn), Qualifier: aws.String(v)}); err != nil {
			t.Fatalf("GetPolicy on the version: %v", err)
		}
		if _, err := c.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String(fn), StatementId: aws.String("v"), Qualifier: aws.String(v)}); err != nil {
			t.Fatal(err)
		}
	}},
	{name: "SmallerOperations", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		if _, err := c.GetFunctionCodeSigningConfig(ctx, &awslambda.GetFunctionCodeSigningConfigInput{FunctionName: aws.String(fn)}); err != nil {
			t.Errorf("GetFunctionCodeSigningConfig: %v", err)
		}
		if _, err := c.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String(fn)}); err != nil {
			t.Errorf("ListFunctionEventInvokeConfigs: %v", err)
		}
	}},
	{name: "RecursionAndRuntimeManagement", motoGap: "moto 5.2.1 answers Get/PutFunctionRecursionConfig and Get/PutRuntimeManagementConfig with a 404 HTML page", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		contractCreate(t, tg, c, fn)
		if _, err := c.GetFunctionRecursionConfig(ctx, &awslambda.GetFunctionRecursionConfigInput{FunctionName: aws.String(fn)}); err != nil {
			t.Errorf("GetFunctionRecursionConfig: %v", err)
		}
		if _, err := c.GetRuntimeManagementConfig(ctx, &awslambda.GetRuntimeManagementConfigInput{FunctionName: aws.String(fn)}); err != nil {
			t.Errorf("GetRuntimeManagementConfig: %v", err)
		}
	}},
	{name: "NotFound", run: func(t *testing.T, tg contractTarget, c *awslambda.Client, fn string) {
		_, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(fn + "-missing")})
		wantErr(t, err, "ResourceNotFoundException", 404)
		_, err = c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String(fn + "-missing"), Name: aws.String("live")})
		wantErr(t, err, "ResourceNotFoundException", 404)
	}},
}

func runContract(t *testing.T, tg contractTarget) {
	c := lambdaClient(tg.url)
	for _, sc := range contractScenarios {
		t.Run(sc.name, func(t *testing.T) {
			// LAMBDAOPS_CONTRACT_GAPS=run checks that a recorded gap still is one.
			if tg.moto && sc.motoGap != "" && os.Getenv("LAMBDAOPS_CONTRACT_GAPS") != "run" {
				t.Skip("known moto gap: " + sc.motoGap)
			}
			sc.run(t, tg, c, uniqueName(strings.ToLower(sc.name)))
		})
	}
}

func TestContractSandbox(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	runContract(t, contractTarget{name: "sandbox", url: s.URL(), advance: m.Advance})
}

func TestContractMoto(t *testing.T) {
	t.Parallel()
	url := peers.StartMoto(t)
	createMotoRole(t, url)
	runContract(t, contractTarget{name: "moto", url: url, moto: true, advance: func(time.Duration) {}})
}
