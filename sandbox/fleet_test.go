package sandbox

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func listAll(t *testing.T, c *awslambda.Client) []ltypes.FunctionConfiguration {
	t.Helper()
	var out []ltypes.FunctionConfiguration
	p := awslambda.NewListFunctionsPaginator(c, &awslambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Functions...)
	}
	return out
}

// TestDemoFleet checks that the seeded fleet looks like a real account and
// carries the contract's incident configuration.
func TestDemoFleet(t *testing.T) {
	s, _ := start(t, Options{Seed: 7})
	c := lambdaClient(s.URL())
	fns := listAll(t, c)
	runtimes, arch, pkg := map[string]bool{}, map[ltypes.Architecture]bool{}, map[ltypes.PackageType]bool{}
	mem := map[int32]bool{}
	layers, vpc, secrets, tracing, jsonLogs := 0, 0, 0, 0, 0
	for _, f := range fns {
		runtimes[string(f.Runtime)] = true
		arch[f.Architectures[0]] = true
		pkg[f.PackageType] = true
		mem[*f.MemorySize] = true
		if len(f.Layers) > 0 {
			layers++
		}
		if f.VpcConfig != nil && len(f.VpcConfig.SubnetIds) > 0 {
			vpc++
		}
		if f.Environment != nil {
			for k := range f.Environment.Variables {
				if strings.Contains(k, "PASSWORD") || strings.Contains(k, "SECRET") || strings.Contains(k, "KEY") || strings.Contains(k, "TOKEN") {
					secrets++
				}
			}
		}
		if f.TracingConfig != nil && f.TracingConfig.Mode == ltypes.TracingModeActive {
			tracing++
		}
		if f.LoggingConfig != nil && f.LoggingConfig.LogFormat == ltypes.LogFormatJson {
			jsonLogs++
		}
	}
	if len(runtimes) < 8 || len(arch) != 2 || len(pkg) != 2 || len(mem) < 5 || layers == 0 || vpc == 0 || secrets == 0 || tracing == 0 || jsonLogs == 0 {
		t.Fatalf("fleet variety: %d runtimes, %v, %v, %d memory sizes, layers %d vpc %d secrets %d tracing %d json %d",
			len(runtimes), arch, pkg, len(mem), layers, vpc, secrets, tracing, jsonLogs)
	}
	cfg := func(name string) *awslambda.GetFunctionOutput {
		out, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if g := cfg("orders-api"); *g.Concurrency.ReservedConcurrentExecutions != 10 {
		t.Error("orders-api: reserved 10")
	}
	if g := cfg("report-generator"); *g.Configuration.Timeout != 30 {
		t.Error("report-generator: timeout 30")
	}
	if g := cfg("image-resizer"); *g.Configuration.MemorySize != 3008 {
		t.Error("image-resizer: 3008 MB")
	}
	if g := cfg("email-sender"); g.Configuration.DeadLetterConfig == nil || *g.Configuration.DeadLetterConfig.TargetArn == "" {
		t.Error("email-sender: DLQ")
	}
	al, _ := c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("checkout-api"), Name: aws.String("live")})
	if *al.FunctionVersion != "7" || al.RoutingConfig.AdditionalVersionWeights["8"] != 0.1 {
		t.Error("checkout-api: live on 7 with 8 at 0.1")
	}
	pc, err := c.GetProvisionedConcurrencyConfig(ctx, &awslambda.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("search-api"), Qualifier: aws.String("prod")})
	if err != nil || *pc.RequestedProvisionedConcurrentExecutions != 5 || pc.Status != ltypes.ProvisionedConcurrencyStatusEnumReady {
		t.Errorf("search-api: provisioned 5 READY on prod: %v", err)
	}
	m, _ := c.ListEventSourceMappings(ctx, &awslambda.ListEventSourceMappingsInput{FunctionName: aws.String("clickstream-processor")})
	if len(m.EventSourceMappings) != 1 || !strings.Contains(*m.EventSourceMappings[0].EventSourceArn, ":kinesis:") {
		t.Error("clickstream-processor: Kinesis mapping")
	}
	// Aliases and versions across the fleet.
	aliases := 0
	for _, f := range fns[:40] {
		l, err := c.ListAliases(ctx, &awslambda.ListAliasesInput{FunctionName: f.FunctionName})
		if err != nil {
			t.Fatal(err)
		}
		aliases += len(l.Aliases)
	}
	if aliases == 0 {
		t.Error("no aliases in the first 40 functions")
	}
}

// TestFleetDeterministic: the same seed gives byte-identical listings.
func TestFleetDeterministic(t *testing.T) {
	page := func(seed int64) string {
		s, _ := start(t, Options{Seed: seed, Functions: 60})
		resp, err := http.Get(s.URL() + "/2015-03-31/functions?FunctionVersion=ALL")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	a, b, c := page(11), page(11), page(12)
	if a != b {
		t.Fatal("same seed, different fleets")
	}
	if a == c {
		t.Fatal("different seeds, same fleet")
	}
}
