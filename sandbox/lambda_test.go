package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/lambdaops/lambdaops/model"
)

func TestListFunctionsPaging(t *testing.T) {
	s, _ := start(t, Options{Functions: 260, Seed: 3})
	c := lambdaClient(s.URL())
	seen := map[string]bool{}
	var marker *string
	pages := 0
	for {
		out, err := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{Marker: marker, MaxItems: aws.Int32(1000)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Functions) > 50 {
			t.Fatalf("page of %d functions, AWS caps at 50", len(out.Functions))
		}
		for _, f := range out.Functions {
			if seen[*f.FunctionName] {
				t.Fatalf("duplicate %s", *f.FunctionName)
			}
			seen[*f.FunctionName] = true
		}
		pages++
		if out.NextMarker == nil || *out.NextMarker == "" {
			break
		}
		marker = out.NextMarker
	}
	if len(seen) != 260 || pages != 6 {
		t.Fatalf("saw %d functions in %d pages", len(seen), pages)
	}
	for _, n := range []string{"payments-webhook", "orders-api", "report-generator", "clickstream-processor", "checkout-api", "search-api", "image-resizer", "email-sender"} {
		if !seen[n] {
			t.Errorf("incident function %s missing", n)
		}
	}
	// MaxItems smaller than 50.
	out, err := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{MaxItems: aws.Int32(7)})
	if err != nil || len(out.Functions) != 7 || out.NextMarker == nil {
		t.Fatalf("MaxItems 7: %v %d", err, len(out.Functions))
	}
	// FunctionVersion=ALL lists versions with qualified ARNs.
	all := 0
	versions := 0
	p := awslambda.NewListFunctionsPaginator(c, &awslambda.ListFunctionsInput{FunctionVersion: ltypes.FunctionVersionAll})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Functions) > 50 {
			t.Fatal("ALL page over 50")
		}
		for _, f := range out.Functions {
			all++
			if *f.Version != "$LATEST" {
				versions++
				if !strings.HasSuffix(*f.FunctionArn, ":"+*f.Version) {
					t.Fatalf("version ARN not qualified: %s", *f.FunctionArn)
				}
			}
		}
	}
	if all != 260+versions || versions == 0 {
		t.Fatalf("ALL listed %d entries, %d versions", all, versions)
	}
	// Trailing slash (AWS CLI v2 model) and a bad marker.
	resp, err := http.Get(s.URL() + "/2015-03-31/functions/?MaxItems=3")
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Functions []json.RawMessage }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body.Functions) != 3 {
		t.Fatalf("trailing slash: %d %d", resp.StatusCode, len(body.Functions))
	}
	_, err = c.ListFunctions(ctx, &awslambda.ListFunctionsInput{Marker: aws.String("!!not-a-marker!!")})
	wantErr(t, err, "InvalidParameterValueException", 400)
}

func TestGetFunctionForms(t *testing.T) {
	s, _ := start(t, Options{Seed: 1})
	c := lambdaClient(s.URL())
	arn := "arn:aws:lambda:us-east-1:123456789012:function:checkout-api"
	for _, ref := range []string{"checkout-api", "123456789012:function:checkout-api", arn, "checkout-api:7", arn + ":live"} {
		out, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(ref)})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if *out.Configuration.FunctionName != "checkout-api" {
			t.Fatalf("%s: got %s", ref, *out.Configuration.FunctionName)
		}
		if out.Tags["team"] == "" || out.Code == nil || out.Code.Location == nil {
			t.Fatalf("%s: tags %v code %v", ref, out.Tags, out.Code)
		}
	}
	cfg, err := c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("checkout-api"), Qualifier: aws.String("live")})
	if err != nil || *cfg.Version != "7" || !strings.HasSuffix(*cfg.FunctionArn, ":live") {
		t.Fatalf("alias config: %v %+v", err, cfg)
	}
	cfg, err = c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("checkout-api:8")})
	if err != nil || *cfg.Version != "8" {
		t.Fatalf("version config: %v", err)
	}
	if cfg.LastModified == nil || !strings.HasSuffix(*cfg.LastModified, "+0000") || cfg.State != ltypes.StateActive || cfg.LastUpdateStatus != ltypes.LastUpdateStatusSuccessful {
		t.Fatalf("config fields: %+v", cfg)
	}
	_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("checkout-api:99")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("checkout-api:7"), Qualifier: aws.String("8")})
	wantErr(t, err, "InvalidParameterValueException", 400)
	_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("bad name!")})
	wantErr(t, err, "ValidationException", 400)
	// Image function: no runtime, ECR code location.
	out, _ := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{})
	_ = out
}

func TestCreateUpdateDelete(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	out, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{
		FunctionName: aws.String("fn-a"), Role: aws.String(testRole), Runtime: ltypes.RuntimeNodejs24x,
		Handler: aws.String("index.handler"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("code")},
		Environment:   &ltypes.Environment{Variables: map[string]string{"K": "V"}},
		Tags:          map[string]string{"team": "t1"},
		Architectures: []ltypes.Architecture{ltypes.ArchitectureArm64},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != ltypes.StatePending || *out.MemorySize != 128 || *out.Timeout != 3 || out.Architectures[0] != ltypes.ArchitectureArm64 {
		t.Fatalf("create: %+v", out)
	}
	// Changes while Pending conflict.
	_, err = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("fn-a"), MemorySize: aws.Int32(512)})
	wantErr(t, err, "ResourceConflictException", 409)
	m.Advance(2 * time.Second)
	_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("fn-a"), Role: aws.String(testRole), Runtime: ltypes.RuntimeNodejs24x, Handler: aws.String("i.h"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("x")}})
	wantErr(t, err, "ResourceConflictException", 409)
	_, err = c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("fn-b"), Role: aws.String("not-a-role"), Runtime: ltypes.RuntimeNodejs24x, Handler: aws.String("i.h"), Code: &ltypes.FunctionCode{ZipFile: fakeZip("x")}})
	wantErr(t, err, "ValidationException", 400)

	cfg, _ := c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("fn-a")})
	rev := *cfg.RevisionId
	_, err = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("fn-a"), MemorySize: aws.Int32(512), RevisionId: aws.String("stale")})
	wantErr(t, err, "PreconditionFailedException", 412)
	up, err := c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("fn-a"), MemorySize: aws.Int32(512), RevisionId: aws.String(rev)})
	if err != nil {
		t.Fatal(err)
	}
	if up.LastUpdateStatus != ltypes.LastUpdateStatusInProgress || *up.MemorySize != 512 || *up.RevisionId == rev {
		t.Fatalf("update: %+v", up)
	}
	_, err = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("fn-a"), Timeout: aws.Int32(20)})
	wantErr(t, err, "ResourceConflictException", 409)
	_, err = c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("fn-a")})
	wantErr(t, err, "ResourceConflictException", 409)
	m.Advance(3 * time.Second)
	cfg, _ = c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("fn-a")})
	if cfg.LastUpdateStatus != ltypes.LastUpdateStatusSuccessful {
		t.Fatalf("after delay: %s", cfg.LastUpdateStatus)
	}
	_, err = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("fn-a"), MemorySize: aws.Int32(64)})
	wantErr(t, err, "ValidationException", 400)

	if _, err := c.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("fn-a")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("fn-a")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	_, err = c.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("fn-a")})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

func TestPublishVersions(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	createFn(t, c, m, "pub")
	v1, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("pub"), Description: aws.String("first")})
	if err != nil || *v1.Version != "1" || *v1.Description != "first" {
		t.Fatalf("v1: %v %+v", err, v1)
	}
	again, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("pub")})
	if err != nil || *again.Version != "1" {
		t.Fatalf("unchanged publish should return version 1: %v %v", err, aws.ToString(again.Version))
	}
	_, err = c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("pub"), RevisionId: aws.String("stale")})
	wantErr(t, err, "PreconditionFailedException", 412)
	if _, err := c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("pub"), MemorySize: aws.Int32(1024)}); err != nil {
		t.Fatal(err)
	}
	m.Advance(3 * time.Second)
	cfg, _ := c.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("pub")})
	v2, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("pub"), RevisionId: cfg.RevisionId})
	if err != nil || *v2.Version != "2" || *v2.MemorySize != 1024 {
		t.Fatalf("v2: %v", err)
	}
	vs, err := c.ListVersionsByFunction(ctx, &awslambda.ListVersionsByFunctionInput{FunctionName: aws.String("pub")})
	if err != nil || len(vs.Versions) != 3 || *vs.Versions[0].Version != "$LATEST" || *vs.Versions[2].Version != "2" {
		t.Fatalf("versions: %v %d", err, len(vs.Versions))
	}
	// Paging over versions.
	for i := 0; i < 60; i++ {
		_, _ = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("pub"), Timeout: aws.Int32(int32(11 + i))})
		m.Advance(3 * time.Second)
		if _, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("pub")}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	p := awslambda.NewListVersionsByFunctionPaginator(c, &awslambda.ListVersionsByFunctionInput{FunctionName: aws.String("pub")})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Versions) > 50 {
			t.Fatal("versions page over 50")
		}
		n += len(out.Versions)
	}
	if n != 63 {
		t.Fatalf("paged %d versions, want 63", n)
	}
	// Deleting a version an alias uses conflicts.
	if _, err := c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("pub"), Name: aws.String("live"), FunctionVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("pub"), Qualifier: aws.String("2")})
	wantErr(t, err, "ResourceConflictException", 409)
	if _, err := c.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("pub"), Qualifier: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
}

// twoVersions creates fn with versions 1 and 2 (2 with different memory).
func twoVersions(t *testing.T, c *awslambda.Client, s *Server, name string) {
	m := s.Clock().(interface{ Advance(time.Duration) })
	createFn(t, c, nil, name)
	m.Advance(2 * time.Second)
	if _, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(name), MemorySize: aws.Int32(512)}); err != nil {
		t.Fatal(err)
	}
	m.Advance(3 * time.Second)
	if _, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

func TestAliasesAndRouting(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	twoVersions(t, c, s, "al")
	a, err := c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), FunctionVersion: aws.String("1"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.25}}})
	if err != nil {
		t.Fatal(err)
	}
	if *a.AliasArn != "arn:aws:lambda:us-east-1:123456789012:function:al:live" || a.RoutingConfig.AdditionalVersionWeights["2"] != 0.25 {
		t.Fatalf("alias: %+v", a)
	}
	_, err = c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), FunctionVersion: aws.String("1")})
	wantErr(t, err, "ResourceConflictException", 409)
	_, err = c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("al"), Name: aws.String("123"), FunctionVersion: aws.String("1")})
	wantErr(t, err, "ValidationException", 400)
	_, err = c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("al"), Name: aws.String("x"), FunctionVersion: aws.String("9")})
	wantErr(t, err, "ResourceNotFoundException", 404)

	g, err := c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("al"), Name: aws.String("live")})
	if err != nil || *g.RevisionId != *a.RevisionId {
		t.Fatalf("get alias: %v", err)
	}
	// Stale RevisionId.
	_, err = c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), RevisionId: aws.String("stale"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}}})
	wantErr(t, err, "PreconditionFailedException", 412)
	// Routing rules.
	bad := []struct {
		primary string
		weights map[string]float64
		code    string
	}{
		{"1", map[string]float64{"2": 1.5}, "InvalidParameterValueException"},
		{"1", map[string]float64{"2": -0.1}, "InvalidParameterValueException"},
		{"$LATEST", map[string]float64{"2": 0.1}, "InvalidParameterValueException"},
		{"1", map[string]float64{"$LATEST": 0.1}, "InvalidParameterValueException"},
		{"1", map[string]float64{"2": 0.1, "3": 0.1}, "InvalidParameterValueException"},
		{"1", map[string]float64{"1": 0.1}, "InvalidParameterValueException"},
	}
	for _, b := range bad {
		_, err := c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), FunctionVersion: aws.String(b.primary),
			RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: b.weights}})
		c2, st := apiErr(t, err)
		if c2 != b.code || st != 400 {
			t.Fatalf("%v %v: got %s %d (%v)", b.primary, b.weights, c2, st, err)
		}
	}
	// Versions with different roles or DLQs cannot share an alias.
	_, err = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("al"), Role: aws.String("arn:aws:iam::123456789012:role/other")})
	if err != nil {
		t.Fatal(err)
	}
	m.Advance(3 * time.Second)
	if _, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("al")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), FunctionVersion: aws.String("2"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"3": 0.1}}})
	c2, _ := apiErr(t, err)
	if c2 != "InvalidParameterValueException" || !strings.Contains(err.Error(), "same execution role") {
		t.Fatalf("role rule: %v", err)
	}
	_, _ = c.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("al"), Role: aws.String(testRole),
		DeadLetterConfig: &ltypes.DeadLetterConfig{TargetArn: aws.String("arn:aws:sqs:us-east-1:123456789012:dlq")}})
	m.Advance(3 * time.Second)
	if _, err := c.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("al")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), FunctionVersion: aws.String("2"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"4": 0.1}}})
	if c2, _ := apiErr(t, err); c2 != "InvalidParameterValueException" || !strings.Contains(err.Error(), "dead-letter") {
		t.Fatalf("dlq rule: %v", err)
	}
	// A good update with the current RevisionId; the revision changes.
	u, err := c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), RevisionId: g.RevisionId, FunctionVersion: aws.String("2"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 0.5}}})
	if err != nil || *u.FunctionVersion != "2" || u.RoutingConfig.AdditionalVersionWeights["1"] != 0.5 || *u.RevisionId == *g.RevisionId {
		t.Fatalf("update: %v %+v", err, u)
	}
	// Clearing the routing.
	u, err = c.UpdateAlias(ctx, &awslambda.UpdateAliasInput{FunctionName: aws.String("al"), Name: aws.String("live"), RoutingConfig: &ltypes.AliasRoutingConfiguration{}})
	if err != nil || (u.RoutingConfig != nil && len(u.RoutingConfig.AdditionalVersionWeights) > 0) {
		t.Fatalf("clear routing: %v %+v", err, u.RoutingConfig)
	}
	if _, err := c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("al"), Name: aws.String("beta"), FunctionVersion: aws.String("$LATEST")}); err != nil {
		t.Fatal(err)
	}
	l, err := c.ListAliases(ctx, &awslambda.ListAliasesInput{FunctionName: aws.String("al")})
	if err != nil || len(l.Aliases) != 2 || *l.Aliases[0].Name != "beta" {
		t.Fatalf("list: %v %d", err, len(l.Aliases))
	}
	l, _ = c.ListAliases(ctx, &awslambda.ListAliasesInput{FunctionName: aws.String("al"), FunctionVersion: aws.String("2")})
	if len(l.Aliases) != 1 {
		t.Fatalf("filter by version: %d", len(l.Aliases))
	}
	if _, err := c.DeleteAlias(ctx, &awslambda.DeleteAliasInput{FunctionName: aws.String("al"), Name: aws.String("beta")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("al"), Name: aws.String("beta")})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

func TestConcurrency(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	createFn(t, c, m, "conc")
	createFn(t, c, m, "conc2")
	g, err := c.GetFunctionConcurrency(ctx, &awslambda.GetFunctionConcurrencyInput{FunctionName: aws.String("conc")})
	if err != nil || g.ReservedConcurrentExecutions != nil {
		t.Fatalf("unset: %v %v", err, g.ReservedConcurrentExecutions)
	}
	p, err := c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("conc"), ReservedConcurrentExecutions: aws.Int32(850)})
	if err != nil || *p.ReservedConcurrentExecutions != 850 {
		t.Fatal(err)
	}
	g, _ = c.GetFunctionConcurrency(ctx, &awslambda.GetFunctionConcurrencyInput{FunctionName: aws.String("conc")})
	if g.ReservedConcurrentExecutions == nil || *g.ReservedConcurrentExecutions != 850 {
		t.Fatal("get after put")
	}
	as, _ := c.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{})
	if *as.AccountLimit.UnreservedConcurrentExecutions != 150 || as.AccountLimit.ConcurrentExecutions != 1000 || as.AccountUsage.FunctionCount != 2 {
		t.Fatalf("account: %+v %+v", as.AccountLimit, as.AccountUsage)
	}
	_, err = c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("conc2"), ReservedConcurrentExecutions: aws.Int32(51)})
	wantErr(t, err, "InvalidParameterValueException", 400)
	if _, err := c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("conc2"), ReservedConcurrentExecutions: aws.Int32(50)}); err != nil {
		t.Fatal(err)
	}
	// Raising the same function's reservation counts only the difference.
	if _, err := c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("conc"), ReservedConcurrentExecutions: aws.Int32(850)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteFunctionConcurrency(ctx, &awslambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("conc")}); err != nil {
		t.Fatal(err)
	}
	as, _ = c.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{})
	if *as.AccountLimit.UnreservedConcurrentExecutions != 950 {
		t.Fatalf("after delete: %d", *as.AccountLimit.UnreservedConcurrentExecutions)
	}
	// 2 creates, 4 puts (one refused), 1 delete.
	if n := s.Stats().Mutations(); n != 7 {
		t.Fatalf("mutations %d, want 7", n)
	}
	_, err = c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("missing"), ReservedConcurrentExecutions: aws.Int32(1)})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

func TestProvisionedConcurrency(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	twoVersions(t, c, s, "pc")
	if _, err := c.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("pc"), Name: aws.String("prod"), FunctionVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetProvisionedConcurrencyConfig(ctx, &awslambda.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("prod")})
	wantErr(t, err, "ProvisionedConcurrencyConfigNotFoundException", 404)
	p, err := c.PutProvisionedConcurrencyConfig(ctx, &awslambda.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("prod"), ProvisionedConcurrentExecutions: aws.Int32(5)})
	if err != nil || p.Status != ltypes.ProvisionedConcurrencyStatusEnumInProgress || *p.RequestedProvisionedConcurrentExecutions != 5 {
		t.Fatalf("put: %v %+v", err, p)
	}
	g, _ := c.GetProvisionedConcurrencyConfig(ctx, &awslambda.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("prod")})
	if g.Status != ltypes.ProvisionedConcurrencyStatusEnumInProgress {
		t.Fatalf("status %s", g.Status)
	}
	m.Advance(time.Minute)
	g, _ = c.GetProvisionedConcurrencyConfig(ctx, &awslambda.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("prod")})
	if g.Status != ltypes.ProvisionedConcurrencyStatusEnumReady || *g.AvailableProvisionedConcurrentExecutions != 5 {
		t.Fatalf("after delay: %+v", g)
	}
	if _, err := c.PutProvisionedConcurrencyConfig(ctx, &awslambda.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("1"), ProvisionedConcurrentExecutions: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutProvisionedConcurrencyConfig(ctx, &awslambda.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("$LATEST"), ProvisionedConcurrentExecutions: aws.Int32(2)})
	wantErr(t, err, "InvalidParameterValueException", 400)
	l, err := c.ListProvisionedConcurrencyConfigs(ctx, &awslambda.ListProvisionedConcurrencyConfigsInput{FunctionName: aws.String("pc")})
	if err != nil || len(l.ProvisionedConcurrencyConfigs) != 2 || !strings.HasSuffix(*l.ProvisionedConcurrencyConfigs[1].FunctionArn, ":prod") {
		t.Fatalf("list: %v %+v", err, l)
	}
	if _, err := c.DeleteProvisionedConcurrencyConfig(ctx, &awslambda.DeleteProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteProvisionedConcurrencyConfig(ctx, &awslambda.DeleteProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("prod")})
	wantErr(t, err, "ProvisionedConcurrencyConfigNotFoundException", 404)
}

func TestEventSourceMappings(t *testing.T) {
	s, m := start(t, Options{Functions: 1500, Seed: 5})
	c := lambdaClient(s.URL())
	var all []ltypes.EventSourceMappingConfiguration
	p := awslambda.NewListEventSourceMappingsPaginator(c, &awslambda.ListEventSourceMappingsInput{})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.EventSourceMappings) > 100 {
			t.Fatal("ESM page over 100")
		}
		pages++
		all = append(all, out.EventSourceMappings...)
	}
	if len(all) <= 100 || pages < 2 {
		t.Fatalf("want more than one page of mappings, got %d in %d", len(all), pages)
	}
	types := map[string]int{}
	for _, e := range all {
		types[model.SourceTypeFromARN(*e.EventSourceArn)]++
	}
	if types["SQS"] == 0 || types["Kinesis"] == 0 || types["DynamoDB"] == 0 {
		t.Fatalf("source types %v", types)
	}
	// Filter by function and by source.
	f, err := c.ListEventSourceMappings(ctx, &awslambda.ListEventSourceMappingsInput{FunctionName: aws.String("clickstream-processor")})
	if err != nil || len(f.EventSourceMappings) != 1 {
		t.Fatalf("by function: %v %d", err, len(f.EventSourceMappings))
	}
	e := f.EventSourceMappings[0]
	if e.LastModified == nil || e.LastModified.Year() < 2020 || *e.State != "Enabled" || *e.BatchSize != 100 {
		t.Fatalf("mapping: %+v", e)
	}
	f, _ = c.ListEventSourceMappings(ctx, &awslambda.ListEventSourceMappingsInput{EventSourceArn: e.EventSourceArn})
	if len(f.EventSourceMappings) != 1 {
		t.Fatal("by source")
	}
	// Disable: Disabling, then Disabled; updates meanwhile are refused.
	u, err := c.UpdateEventSourceMapping(ctx, &awslambda.UpdateEventSourceMappingInput{UUID: e.UUID, Enabled: aws.Bool(false)})
	if err != nil || *u.State != "Disabling" {
		t.Fatalf("disable: %v %v", err, aws.ToString(u.State))
	}
	_, err = c.UpdateEventSourceMapping(ctx, &awslambda.UpdateEventSourceMappingInput{UUID: e.UUID, BatchSize: aws.Int32(50)})
	wantErr(t, err, "ResourceInUseException", 400)
	m.Advance(10 * time.Second)
	g, err := c.GetEventSourceMapping(ctx, &awslambda.GetEventSourceMappingInput{UUID: e.UUID})
	if err != nil || *g.State != "Disabled" {
		t.Fatalf("disabled: %v %v", err, aws.ToString(g.State))
	}
	u, err = c.UpdateEventSourceMapping(ctx, &awslambda.UpdateEventSourceMappingInput{UUID: e.UUID, Enabled: aws.Bool(true), BatchSize: aws.Int32(500)})
	if err != nil || *u.State != "Enabling" || *u.BatchSize != 500 {
		t.Fatalf("enable: %v", err)
	}
	m.Advance(10 * time.Second)
	g, _ = c.GetEventSourceMapping(ctx, &awslambda.GetEventSourceMappingInput{UUID: e.UUID})
	if *g.State != "Enabled" || *g.BatchSize != 500 {
		t.Fatalf("enabled: %v", aws.ToString(g.State))
	}
	_, err = c.UpdateEventSourceMapping(ctx, &awslambda.UpdateEventSourceMappingInput{UUID: e.UUID, BatchSize: aws.Int32(20000)})
	wantErr(t, err, "InvalidParameterValueException", 400)
	for _, x := range all {
		if model.SourceTypeFromARN(*x.EventSourceArn) == "SQS" {
			_, err = c.UpdateEventSourceMapping(ctx, &awslambda.UpdateEventSourceMappingInput{UUID: x.UUID, BatchSize: aws.Int32(100)})
			wantErr(t, err, "InvalidParameterValueException", 400)
			break
		}
	}
	_, err = c.GetEventSourceMapping(ctx, &awslambda.GetEventSourceMappingInput{UUID: aws.String("00000000-0000-0000-0000-000000000000")})
	wantErr(t, err, "ResourceNotFoundException", 404)
}

func TestAccountTagsPolicyEventInvoke(t *testing.T) {
	s, _ := start(t, Options{Seed: 1})
	c := lambdaClient(s.URL())
	as, err := c.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{})
	if err != nil || as.AccountUsage.FunctionCount != 150 || *as.AccountLimit.UnreservedConcurrentExecutions < 100 {
		t.Fatalf("account: %v", err)
	}
	arn := "arn:aws:lambda:us-east-1:123456789012:function:orders-api"
	tags, err := c.ListTags(ctx, &awslambda.ListTagsInput{Resource: aws.String(arn)})
	if err != nil || tags.Tags["team"] != "orders" || tags.Tags["stage"] != "prod" {
		t.Fatalf("tags: %v %v", err, tags)
	}
	if _, err := c.TagResource(ctx, &awslambda.TagResourceInput{Resource: aws.String(arn), Tags: map[string]string{"oncall": "alice"}}); err != nil {
		t.Fatal(err)
	}
	tags, _ = c.ListTags(ctx, &awslambda.ListTagsInput{Resource: aws.String(arn)})
	if tags.Tags["oncall"] != "alice" {
		t.Fatal("tag not added")
	}
	_, err = c.ListTags(ctx, &awslambda.ListTagsInput{Resource: aws.String(arn + "-nope")})
	wantErr(t, err, "ResourceNotFoundException", 404)

	principals := map[string]bool{}
	for _, fn := range []string{"image-resizer", "report-generator", "payments-webhook"} {
		pol, err := c.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String(fn)})
		if err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		var doc struct {
			Statement []struct {
				Principal struct{ Service string }
				Condition map[string]map[string]string
			}
		}
		if err := json.Unmarshal([]byte(*pol.Policy), &doc); err != nil {
			t.Fatalf("policy is not JSON: %v", err)
		}
		for _, st := range doc.Statement {
			principals[st.Principal.Service] = true
			if st.Condition["ArnLike"]["AWS:SourceArn"] == "" {
				t.Fatalf("no source ARN in %s", *pol.Policy)
			}
		}
	}
	for _, p := range []string{"s3.amazonaws.com", "events.amazonaws.com", "apigateway.amazonaws.com"} {
		if !principals[p] {
			t.Errorf("no %s trigger in %v", p, principals)
		}
	}

	ei, err := c.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("email-sender")})
	if err != nil || ei.DestinationConfig == nil || ei.DestinationConfig.OnFailure == nil || ei.LastModified == nil || ei.LastModified.Year() < 2020 {
		t.Fatalf("event invoke: %v %+v", err, ei)
	}
	_, err = c.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("orders-api")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	put, err := c.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("orders-api"), MaximumRetryAttempts: aws.Int32(1), MaximumEventAgeInSeconds: aws.Int32(600),
		DestinationConfig: &ltypes.DestinationConfig{OnFailure: &ltypes.OnFailure{Destination: aws.String("arn:aws:sqs:us-east-1:123456789012:orders-failures")}}})
	if err != nil || *put.MaximumRetryAttempts != 1 || *put.MaximumEventAgeInSeconds != 600 {
		t.Fatalf("put event invoke: %v", err)
	}
	_, err = c.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("orders-api"), MaximumRetryAttempts: aws.Int32(5)})
	wantErr(t, err, "ValidationException", 400)
}

func TestInvoke(t *testing.T) {
	s, m := start(t, Options{Seed: 1})
	c := lambdaClient(s.URL())
	out, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer"), LogType: ltypes.LogTypeTail, Payload: []byte(`{"key":"a.jpg"}`)})
	if err != nil || out.StatusCode != 200 || *out.ExecutedVersion != "$LATEST" {
		t.Fatalf("invoke: %v", err)
	}
	tail, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if err != nil || len(tail) > 4096 {
		t.Fatalf("tail: %v %d", err, len(tail))
	}
	rep, ok := model.ParseReportFromTail(string(tail))
	if !ok || rep.MemorySizeMB != 3008 || !strings.Contains(string(tail), "START RequestId: ") || !strings.Contains(string(tail), "END RequestId: ") {
		t.Fatalf("no REPORT in tail %q", tail)
	}
	// Event and DryRun.
	ev, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("email-sender"), InvocationType: ltypes.InvocationTypeEvent, Payload: []byte(`{}`)})
	if err != nil || ev.StatusCode != 202 {
		t.Fatalf("event: %v %d", err, ev.StatusCode)
	}
	dr, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("email-sender"), InvocationType: ltypes.InvocationTypeDryRun})
	if err != nil || dr.StatusCode != 204 {
		t.Fatalf("dryrun: %v", err)
	}
	_, err = c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("missing"), InvocationType: ltypes.InvocationTypeDryRun})
	wantErr(t, err, "ResourceNotFoundException", 404)
	// Payload limits.
	big := []byte(`"` + strings.Repeat("x", 6*1024*1024) + `"`)
	_, err = c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer"), Payload: big})
	wantErr(t, err, "RequestTooLargeException", 413)
	mid := []byte(`"` + strings.Repeat("x", 1024*1024) + `"`)
	_, err = c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer"), Payload: mid, InvocationType: ltypes.InvocationTypeEvent})
	wantErr(t, err, "RequestTooLargeException", 413)
	if _, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer"), Payload: mid}); err != nil {
		t.Fatalf("1 MB sync payload: %v", err)
	}
	_, err = c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer"), Payload: []byte("{not json")})
	wantErr(t, err, "InvalidRequestContentException", 400)

	// Weighted alias: both versions run and are reported.
	got := map[string]int{}
	for i := 0; i < 300; i++ {
		out, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("checkout-api"), Qualifier: aws.String("live")})
		if err != nil {
			t.Fatal(err)
		}
		got[*out.ExecutedVersion]++
		m.Advance(time.Second)
	}
	if got["7"] < 220 || got["8"] < 10 {
		t.Fatalf("routing split %v, want ~90/10", got)
	}
	// Reserved concurrency 0 throttles every call.
	if _, err := c.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("image-resizer"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer")})
	wantErr(t, err, "TooManyRequestsException", 429)
	var tm *ltypes.TooManyRequestsException
	if !errorsAs(err, &tm) || tm.Reason != ltypes.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Fatalf("reason: %v", err)
	}
	// Function errors carry X-Amz-Function-Error.
	errs := 0
	for i := 0; i < 200 && errs == 0; i++ {
		out, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("payments-webhook")})
		if err != nil {
			t.Fatal(err)
		}
		if out.FunctionError != nil {
			errs++
			if *out.FunctionError != "Unhandled" && *out.FunctionError != "Handled" {
				t.Fatalf("function error %q", *out.FunctionError)
			}
		}
		m.Advance(time.Second)
	}
	if errs == 0 {
		t.Fatal("payments-webhook never failed in 200 calls at ~15%")
	}
}

func errorsAs[T any](err error, target *T) bool {
	for err != nil {
		if v, ok := err.(T); ok {
			*target = v
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestBadInput(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	createFn(t, c, m, "bad")
	type tc struct {
		method, path, body string
		status             int
		typ                string
	}
	for _, x := range []tc{
		{"PUT", "/2015-03-31/functions/bad/configuration", `{"MemorySize":`, 400, "InvalidRequestContentException"},
		{"PUT", "/2015-03-31/functions/bad/configuration", `{"MemorySize":"big"}`, 400, "InvalidRequestContentException"},
		{"POST", "/2015-03-31/functions/bad/aliases", `[1,2]`, 400, "InvalidRequestContentException"},
		{"PUT", "/2017-10-31/functions/bad/concurrency", `{"ReservedConcurrentExecutions":1e99}`, 400, "InvalidRequestContentException"},
		{"GET", "/2015-03-31/nothing-here", ``, 404, "UnknownOperationException"},
		{"PATCH", "/2015-03-31/functions/bad", ``, 404, "UnknownOperationException"},
		{"PUT", "/2015-03-31/functions/bad/configuration", `{"Description":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "RequestTooLargeException"},
		{"GET", "/2015-03-31/functions?MaxItems=abc", ``, 400, "ValidationException"},
		{"GET", "/2015-03-31/functions?FunctionVersion=SOME", ``, 400, "ValidationException"},
	} {
		req, _ := http.NewRequest(x.method, s.URL()+x.path, strings.NewReader(x.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e map[string]any
		if resp.StatusCode != x.status || resp.Header.Get("X-Amzn-ErrorType") != x.typ || json.Unmarshal(b, &e) != nil || e["__type"] != x.typ || e["message"] == nil {
			t.Errorf("%s %s: %d %s %s", x.method, clip(x.path, 60), resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), clip(string(b), 200))
		}
	}
}

func TestFaultsAndStats(t *testing.T) {
	s, _ := start(t, Options{Seed: 1, Faults: Faults{APIs: []string{"ListFunctions"}, ThrottleRate: 1}})
	c := lambdaClient(s.URL())
	_, err := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{})
	wantErr(t, err, "TooManyRequestsException", 429)
	resp, _ := http.Get(s.URL() + "/2015-03-31/functions")
	resp.Body.Close()
	if resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-Amz-Retry-After") == "" {
		t.Fatalf("throttle headers: %v", resp.Header)
	}
	if _, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("orders-api")}); err != nil {
		t.Fatalf("GetFunction is not faulted: %v", err)
	}
	s.SetFaults(Faults{Latency: 30 * time.Millisecond, Jitter: 5 * time.Millisecond, APIs: []string{"GetAlias"}})
	begin := time.Now()
	if _, err := c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("checkout-api"), Name: aws.String("live")}); err != nil {
		t.Fatal(err)
	}
	if time.Since(begin) < 30*time.Millisecond {
		t.Fatalf("latency fault not applied: %v", time.Since(begin))
	}
	s.SetFaults(Faults{ErrorRate: 1})
	_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("orders-api")})
	if _, st := apiErr(t, err); st != 500 && st != 503 {
		t.Fatalf("error fault: %v", err)
	}
	s.SetFaults(Faults{DropRate: 1, APIs: []string{"GetAccountSettings"}})
	_, err = c.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{})
	if err == nil {
		t.Fatal("dropped connection should fail")
	}
	s.SetFaults(Faults{})
	if _, err := c.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{}); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Ops["ListFunctions"].Status[429] != 2 || st.Ops["ListFunctions"].Throttled != 2 || st.Ops["GetAccountSettings"].Dropped < 1 || st.Count("GetFunction") != 2 {
		t.Fatalf("stats: %+v", st.Ops)
	}
	if st.Mutations() != 0 {
		t.Fatalf("no mutation was made, got %d", st.Mutations())
	}
	if st.Throttles() != 2 || st.Status(200) < 2 {
		t.Fatalf("totals: %d %d", st.Throttles(), st.Status(200))
	}
}

func TestQuotasAWS(t *testing.T) {
	s, m := start(t, Options{Seed: 1, Quotas: "aws"})
	c := lambdaClient(s.URL())
	ok, throttled := 0, 0
	for i := 0; i < 20; i++ {
		_, err := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{})
		if err != nil {
			wantErr(t, err, "TooManyRequestsException", 429)
			throttled++
		} else {
			ok++
		}
	}
	if ok != 15 || throttled != 5 {
		t.Fatalf("shared bucket: %d ok %d throttled", ok, throttled)
	}
	// The bucket is shared by the control plane...
	_, err := c.GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{})
	wantErr(t, err, "TooManyRequestsException", 429)
	// ...but GetFunction and Invoke have their own.
	for i := 0; i < 100; i++ {
		if _, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("orders-api")}); err != nil {
			t.Fatalf("GetFunction %d: %v", i, err)
		}
	}
	_, err = c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("orders-api")})
	wantErr(t, err, "TooManyRequestsException", 429)
	if _, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer")}); err != nil {
		t.Fatal(err)
	}
	m.Advance(time.Second)
	if _, err := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{}); err != nil {
		t.Fatalf("after refill: %v", err)
	}
}

func TestStartOptions(t *testing.T) {
	for _, o := range []Options{
		{Addr: "0.0.0.0:0"},
		{Addr: ":0"},
		{Addr: "nonsense"},
		{Quotas: "gcp"},
		{Faults: Faults{ThrottleRate: 2}},
		{Account: "12"},
	} {
		if s, err := Start(ctx, o); err == nil {
			s.Close()
			t.Errorf("%+v: want an error", o)
		}
	}
	s, err := Start(ctx, Options{Addr: "0.0.0.0:0", AllowRemote: true, Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	s, _ = start(t, Options{Region: "eu-west-1", Functions: 20})
	c, _ := clientsFor(s.URL(), "sandbox", "eu-west-1") // the region is the one the request is signed for
	if out, err := lambdaClient(s.URL()).ListFunctions(ctx, &awslambda.ListFunctionsInput{}); err != nil || len(out.Functions) != 0 {
		t.Fatalf("a us-east-1 client sees the eu-west-1 fleet: %v", err)
	}
	out, err := c.ListFunctions(ctx, &awslambda.ListFunctionsInput{})
	if err != nil || len(out.Functions) != 20 || !strings.Contains(*out.Functions[0].FunctionArn, ":eu-west-1:") {
		t.Fatalf("region: %v", err)
	}
}

func TestCreateDeleteEventSourceMapping(t *testing.T) {
	s, m := start(t, Options{Empty: true})
	c := lambdaClient(s.URL())
	createFn(t, c, m, "consumer")
	q := "arn:aws:sqs:us-east-1:123456789012:jobs"
	out, err := c.CreateEventSourceMapping(ctx, &awslambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(q), FunctionName: aws.String("consumer"), BatchSize: aws.Int32(5)})
	if err != nil || *out.State != "Creating" || *out.BatchSize != 5 {
		t.Fatalf("create: %v", err)
	}
	_, err = c.CreateEventSourceMapping(ctx, &awslambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(q), FunctionName: aws.String("consumer")})
	wantErr(t, err, "ResourceConflictException", 409)
	_, err = c.CreateEventSourceMapping(ctx, &awslambda.CreateEventSourceMappingInput{EventSourceArn: aws.String("arn:aws:kinesis:us-east-1:123456789012:stream/s"), FunctionName: aws.String("consumer")})
	wantErr(t, err, "InvalidParameterValueException", 400)
	m.Advance(10 * time.Second)
	g, _ := c.GetEventSourceMapping(ctx, &awslambda.GetEventSourceMappingInput{UUID: out.UUID})
	if *g.State != "Enabled" {
		t.Fatalf("state %s", *g.State)
	}
	d, err := c.DeleteEventSourceMapping(ctx, &awslambda.DeleteEventSourceMappingInput{UUID: out.UUID})
	if err != nil || *d.State != "Deleting" {
		t.Fatalf("delete: %v", err)
	}
	_, err = c.GetEventSourceMapping(ctx, &awslambda.GetEventSourceMappingInput{UUID: out.UUID})
	wantErr(t, err, "ResourceNotFoundException", 404)
}
