package sandbox

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/lambdaops/lambdaops/sandbox/lambda"
)

// wantMsg checks an error's code, status and message (a substring).
func wantMsg(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	wantErr(t, err, code, status)
	var ae smithy.APIError
	if errors.As(err, &ae) && !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("message %q does not contain %q", ae.ErrorMessage(), msg)
	}
}

func TestRuntimesFromTheSDK(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	for _, rt := range []ltypes.Runtime{"python3.14", "nodejs24.x", "java25", "ruby3.4", "dotnet10"} {
		createFn(t, c, m, "rt-"+strings.ReplaceAll(string(rt), ".", "-"), func(in *awslambda.CreateFunctionInput) { in.Runtime = rt })
	}
	// Past the block-create date (the manual clock is at 2026-11-26).
	for _, rt := range []ltypes.Runtime{"go1.x", "python3.8", "nodejs16.x"} {
		_, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("old"), Role: aws.String(testRole), Runtime: rt, Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("o")}})
		wantMsg(t, err, "InvalidParameterValueException", 400, "The runtime parameter of "+string(rt)+" is no longer supported for creating or updating AWS Lambda functions.")
	}
	_, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("bad"), Role: aws.String(testRole), Runtime: "cobol9", Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("o")}})
	wantMsg(t, err, "ValidationException", 400, "Value 'cobol9' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs,")
	// Switchable.
	s2, _ := start(t, Options{Empty: true, Lenience: lenientRuntimes})
	c2 := lambdaClient(s2.URL())
	if _, err := c2.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("old"), Role: aws.String(testRole), Runtime: "go1.x", Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("o")}}); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateFunctionCode(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	created := createFn(t, c, m, "code-fn")
	out, err := c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"), ZipFile: fakeZip("v2")})
	if err != nil {
		t.Fatal(err)
	}
	if *out.CodeSha256 == *created.CodeSha256 || out.LastUpdateStatus != ltypes.LastUpdateStatusInProgress {
		t.Fatalf("after update: sha %s status %s", *out.CodeSha256, out.LastUpdateStatus)
	}
	_, err = c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"), ZipFile: fakeZip("v3")})
	wantErr(t, err, "ResourceConflictException", 409)
	m.Advance(3 * time.Second)
	g, _ := c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("code-fn")})
	if g.LastUpdateStatus != ltypes.LastUpdateStatusSuccessful {
		t.Fatalf("status %s", g.LastUpdateStatus)
	}
	p1, err := c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"), S3Bucket: aws.String("bkt"), S3Key: aws.String("code.zip"), Publish: true})
	if err != nil || *p1.Version != "1" || strings.HasSuffix(*p1.FunctionArn, ":1") {
		t.Fatalf("publish: %v %+v", err, p1)
	}
	m.Advance(3 * time.Second)
	p2, err := c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"), S3Bucket: aws.String("bkt"), S3Key: aws.String("code.zip"), Publish: true})
	if err != nil || *p2.Version != "1" {
		t.Fatalf("unchanged code must return the existing version: %v %+v", err, p2)
	}
	m.Advance(3 * time.Second)
	_, err = c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"), ZipFile: []byte("not a zip")})
	wantMsg(t, err, "InvalidParameterValueException", 400, "Could not unzip uploaded file.")
	_, err = c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"), ImageUri: aws.String("x")})
	wantErr(t, err, "InvalidParameterValueException", 400)
	_, err = c.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("missing"), ZipFile: fakeZip("x")})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

func TestCreatePublishAndImage(t *testing.T) {
	s, _ := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	out, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("pub"), Role: aws.String(testRole), Runtime: "python3.14", Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("p")}, Publish: true})
	if err != nil || *out.Version != "1" || strings.HasSuffix(*out.FunctionArn, ":1") {
		t.Fatalf("Publish=true: %v %s %s", err, aws.ToString(out.FunctionArn), aws.ToString(out.Version))
	}
	img, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("img"), Role: aws.String(testRole), PackageType: ltypes.PackageTypeImage,
		Code: &ltypes.FunctionCode{ImageUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/img:1")}, ImageConfig: &ltypes.ImageConfig{Command: []string{"app.handler"}}})
	if err != nil || img.ImageConfigResponse == nil || img.ImageConfigResponse.ImageConfig == nil || img.ImageConfigResponse.ImageConfig.Command[0] != "app.handler" {
		t.Fatalf("image: %v %+v", err, img)
	}
	g, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("img")})
	if err != nil || g.Configuration.ImageConfigResponse == nil {
		t.Fatalf("GetFunction image: %v", err)
	}
}

func TestValidationOrderAndWording(t *testing.T) {
	s, _ := start(t, Options{Empty: true, Functions: 0})
	c := lambdaClient(s.URL())
	// A bad enum is a ValidationException even with Runtime missing.
	_, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("v"), Role: aws.String(testRole), Architectures: []ltypes.Architecture{"foo"}, Code: &ltypes.FunctionCode{ZipFile: fakeZip("v")}})
	wantMsg(t, err, "ValidationException", 400, "Value '[foo]' at 'architectures' failed to satisfy constraint")
	_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("v"), Role: aws.String(testRole), Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("v")}})
	wantMsg(t, err, "InvalidParameterValueException", 400, "Runtime and Handler are mandatory parameters")
	_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("v"), Role: aws.String(testRole), Runtime: "python3.14", Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: []byte("nope")}})
	wantMsg(t, err, "InvalidParameterValueException", 400, "Could not unzip uploaded file. Please check your file, then try to upload again.")
	_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("v"), Role: aws.String("arn:aws:iam::999999999999:role/x"), Runtime: "python3.14", Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("v")}})
	wantMsg(t, err, "AccessDeniedException", 403, "Cross-account pass role is not allowed.")
	_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("v"), Role: aws.String(testRole), Runtime: "python3.14", Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("v")}, MemorySize: aws.Int32(64), EphemeralStorage: &ltypes.EphemeralStorage{Size: aws.Int32(20000)}})
	wantMsg(t, err, "ValidationException", 400, "2 validation errors detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128; Value '20000' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240")
	_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("v"), Role: aws.String(testRole), Runtime: "python3.14", Handler: aws.String("a.b"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("v")}, Layers: []string{"arn:aws:lambda:us-east-1:123456789012:layer:nope:1"}})
	wantMsg(t, err, "InvalidParameterValueException", 400, "Layer version arn:aws:lambda:us-east-1:123456789012:layer:nope:1 does not exist.")

	s2, m2 := start(t, Options{Functions: 20, Seed: 1})
	c2 := lambdaClient(s2.URL())
	_ = m2
	_, err = c2.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("checkout-api"), Name: aws.String("nope")})
	wantMsg(t, err, "ResourceNotFoundException", 404, "Cannot find alias arn: arn:aws:lambda:us-east-1:123456789012:function:checkout-api:nope")
	_, err = c2.GetEventSourceMapping(ctx, &awslambda.GetEventSourceMappingInput{UUID: aws.String("00000000-0000-4000-8000-000000000000")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	if strings.Contains(err.Error(), "Request ID: 00000000-0000-4000-8000-000000000000") {
		t.Fatalf("the mapping's UUID stands where the request id belongs: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	createFn(t, c, m, "perm")
	if _, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("perm")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String("perm"), StatementId: aws.String("acct"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("210987654321"), SourceArn: aws.String("arn:aws:s3:::bkt"), SourceAccount: aws.String("123456789012"), PrincipalOrgID: aws.String("o-abcdefghij"), EventSourceToken: aws.String("tok"), Qualifier: aws.String("1")})
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(*out.Statement), &st); err != nil {
		t.Fatal(err)
	}
	if p, _ := st["Principal"].(map[string]any); p["AWS"] != "arn:aws:iam::210987654321:root" || st["Resource"] != "arn:aws:lambda:us-east-1:123456789012:function:perm:1" {
		t.Fatalf("statement %s", *out.Statement)
	}
	for _, k := range []string{"AWS:SourceArn", "AWS:SourceAccount", "aws:PrincipalOrgID", "lambda:EventSourceToken"} {
		if !strings.Contains(*out.Statement, k) {
			t.Errorf("condition %s missing: %s", k, *out.Statement)
		}
	}
	// The statement is on version 1, not in the unqualified policy.
	_, err = c.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("perm")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	if _, err := c.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("perm"), Qualifier: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String("perm"), StatementId: aws.String("x"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"), Qualifier: aws.String("9")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	_, err = c.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String("perm"), StatementId: aws.String("acct")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	if _, err := c.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String("perm"), StatementId: aws.String("acct"), Qualifier: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("perm"), Qualifier: aws.String("1")})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

func TestFunctionURLs(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	createFn(t, c, m, "urlfn")
	out, err := c.CreateFunctionUrlConfig(ctx, &awslambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("urlfn"), AuthType: ltypes.FunctionUrlAuthTypeNone,
		Cors: &ltypes.Cors{AllowOrigins: []string{"*"}, MaxAge: aws.Int32(60)}})
	if err != nil || !strings.HasSuffix(*out.FunctionUrl, ".lambda-url.us-east-1.on.aws/") || out.InvokeMode != ltypes.InvokeModeBuffered {
		t.Fatalf("create: %v %+v", err, out)
	}
	_, err = c.CreateFunctionUrlConfig(ctx, &awslambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("urlfn"), AuthType: ltypes.FunctionUrlAuthTypeNone})
	wantErr(t, err, "ResourceConflictException", 409)
	up, err := c.UpdateFunctionUrlConfig(ctx, &awslambda.UpdateFunctionUrlConfigInput{FunctionName: aws.String("urlfn"), AuthType: ltypes.FunctionUrlAuthTypeAwsIam, InvokeMode: ltypes.InvokeModeResponseStream})
	if err != nil || up.AuthType != ltypes.FunctionUrlAuthTypeAwsIam || *up.FunctionUrl != *out.FunctionUrl {
		t.Fatalf("update: %v", err)
	}
	g, err := c.GetFunctionUrlConfig(ctx, &awslambda.GetFunctionUrlConfigInput{FunctionName: aws.String("urlfn")})
	if err != nil || g.InvokeMode != ltypes.InvokeModeResponseStream || g.Cors == nil || g.Cors.AllowOrigins[0] != "*" {
		t.Fatalf("get: %v %+v", err, g)
	}
	l, err := c.ListFunctionUrlConfigs(ctx, &awslambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("urlfn")})
	if err != nil || len(l.FunctionUrlConfigs) != 1 {
		t.Fatalf("list: %v", err)
	}
	_, err = c.CreateFunctionUrlConfig(ctx, &awslambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("urlfn"), AuthType: "BASIC"})
	wantErr(t, err, "ValidationException", 400)
	if _, err := c.DeleteFunctionUrlConfig(ctx, &awslambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String("urlfn")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunctionUrlConfig(ctx, &awslambda.GetFunctionUrlConfigInput{FunctionName: aws.String("urlfn")})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

func TestLayers(t *testing.T) {
	s, m := start(t, Options{Functions: 30, Seed: 1})
	c := lambdaClient(s.URL())
	p, err := c.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String("shared"), Content: &ltypes.LayerVersionContentInput{ZipFile: fakeZip("l")},
		CompatibleRuntimes: []ltypes.Runtime{"python3.14"}, CompatibleArchitectures: []ltypes.Architecture{"arm64"}})
	if err != nil || p.Version != 1 || *p.LayerVersionArn != "arn:aws:lambda:us-east-1:123456789012:layer:shared:1" {
		t.Fatalf("publish: %v %+v", err, p)
	}
	p2, _ := c.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String("shared"), Content: &ltypes.LayerVersionContentInput{ZipFile: fakeZip("l2")}})
	if p2.Version != 2 {
		t.Fatalf("second version %d", p2.Version)
	}
	vs, err := c.ListLayerVersions(ctx, &awslambda.ListLayerVersionsInput{LayerName: aws.String("shared")})
	if err != nil || len(vs.LayerVersions) != 2 || vs.LayerVersions[0].Version != 2 {
		t.Fatalf("versions: %v %+v", err, vs)
	}
	ls, err := c.ListLayers(ctx, &awslambda.ListLayersInput{CompatibleRuntime: "python3.14"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range ls.Layers {
		if *l.LayerName == "shared" {
			found = l.LatestMatchingVersion.Version == 1
		}
	}
	if !found {
		t.Fatalf("ListLayers with a runtime filter: %+v", ls.Layers)
	}
	if _, err := c.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: p.LayerVersionArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String("all"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*"), OrganizationId: aws.String("o-abcdefghij")}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.GetLayerVersionPolicy(ctx, &awslambda.GetLayerVersionPolicyInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	if err != nil || !strings.Contains(*pol.Policy, "aws:PrincipalOrgID") {
		t.Fatalf("policy: %v", err)
	}
	if _, err := c.RemoveLayerVersionPermission(ctx, &awslambda.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String("all")}); err != nil {
		t.Fatal(err)
	}
	// The fleet's layers are real versions; a function can use a published one.
	createFn(t, c, m, "layered", func(in *awslambda.CreateFunctionInput) { in.Layers = []string{*p.LayerVersionArn} })
	cfg, _ := c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("checkout-api")})
	for _, l := range cfg.Layers {
		if _, err := c.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: l.Arn}); err != nil {
			t.Fatalf("fleet layer %s: %v", *l.Arn, err)
		}
	}
	if _, err := c.DeleteLayerVersion(ctx, &awslambda.DeleteLayerVersionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetLayerVersion(ctx, &awslambda.GetLayerVersionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	wantErr(t, err, "ResourceNotFoundException", 404)
	_, err = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("layered"), Layers: []string{*p.LayerVersionArn}})
	wantErr(t, err, "InvalidParameterValueException", 400)
}

func TestSmallerOperations(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	createFn(t, c, m, "small")
	if o, err := c.GetFunctionCodeSigningConfig(ctx, &awslambda.GetFunctionCodeSigningConfigInput{FunctionName: aws.String("small")}); err != nil || *o.FunctionName != "small" {
		t.Fatalf("GetFunctionCodeSigningConfig: %v", err)
	}
	if _, err := c.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("small"), MaximumRetryAttempts: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if o, err := c.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("small")}); err != nil || len(o.FunctionEventInvokeConfigs) != 1 {
		t.Fatalf("ListFunctionEventInvokeConfigs: %v", err)
	}
	//lint:ignore SA1019 InvokeAsync is deprecated but still answered
	if o, err := c.InvokeAsync(ctx, &awslambda.InvokeAsyncInput{FunctionName: aws.String("small"), InvokeArgs: strings.NewReader(`{}`)}); err != nil || o.Status != 202 {
		t.Fatalf("InvokeAsync: %v", err)
	}
	if o, err := c.GetFunctionRecursionConfig(ctx, &awslambda.GetFunctionRecursionConfigInput{FunctionName: aws.String("small")}); err != nil || o.RecursiveLoop != ltypes.RecursiveLoopTerminate {
		t.Fatalf("GetFunctionRecursionConfig: %v", err)
	}
	if o, err := c.PutFunctionRecursionConfig(ctx, &awslambda.PutFunctionRecursionConfigInput{FunctionName: aws.String("small"), RecursiveLoop: ltypes.RecursiveLoopAllow}); err != nil || o.RecursiveLoop != ltypes.RecursiveLoopAllow {
		t.Fatalf("PutFunctionRecursionConfig: %v", err)
	}
	if o, err := c.GetRuntimeManagementConfig(ctx, &awslambda.GetRuntimeManagementConfigInput{FunctionName: aws.String("small")}); err != nil || o.UpdateRuntimeOn != ltypes.UpdateRuntimeOnAuto {
		t.Fatalf("GetRuntimeManagementConfig: %v", err)
	}
	if _, err := c.PutRuntimeManagementConfig(ctx, &awslambda.PutRuntimeManagementConfigInput{FunctionName: aws.String("small"), UpdateRuntimeOn: ltypes.UpdateRuntimeOnFunctionUpdate}); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListFunctionsByCodeSigningConfig(ctx, &awslambda.ListFunctionsByCodeSigningConfigInput{CodeSigningConfigArn: aws.String("arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdefg")})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

var lenientRuntimes = lambda.Lenience{BlockedRuntimes: true}

func TestParseLenience(t *testing.T) {
	var l lambda.Lenience
	if err := parseLenience("blocked-runtimes, any-zip,strict-runtime-updates,cross-account-roles,unknown-layers", &l); err != nil {
		t.Fatal(err)
	}
	if !l.BlockedRuntimes || !l.AnyZip || !l.StrictRuntimeUpdates || !l.CrossAccountRoles || !l.UnknownLayers {
		t.Fatalf("%+v", l)
	}
	if err := parseLenience("nope", &l); err == nil {
		t.Fatal("unknown lenience accepted")
	}
}

// StrictRuntimeUpdates applies AWS's rule: no update of a function whose
// runtime is past its block-update date.
func TestStrictRuntimeUpdates(t *testing.T) {
	s, _ := start(t, Options{Functions: 150, Seed: 1})
	c := lambdaClient(s.URL())
	var old string
	for _, f := range s.world.Functions() {
		if f.Config.Runtime == "nodejs16.x" {
			old = f.Name
			break
		}
	}
	if old == "" {
		t.Skip("no nodejs16.x function in the fleet")
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(old), MemorySize: aws.Int32(256)}); err != nil {
		t.Fatalf("lenient default: %v", err)
	}
	s.world.SetLenience(lambda.Lenience{StrictRuntimeUpdates: true})
	_, err := c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(old), MemorySize: aws.Int32(512)})
	wantMsg(t, err, "InvalidParameterValueException", 400, "The runtime parameter of nodejs16.x is no longer supported")
}
