package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSmokeFleet(t *testing.T) {
	s, _ := start(t, Options{})
	c := lambdaClient(s.URL())
	p := awslambda.NewListFunctionsPaginator(c, &awslambda.ListFunctionsInput{})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Functions)
		pages++
	}
	if n != 150 || pages != 3 {
		t.Fatalf("got %d functions in %d pages", n, pages)
	}
	gf, err := c.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("orders-api")})
	if err != nil {
		t.Fatal(err)
	}
	if gf.Concurrency == nil || *gf.Concurrency.ReservedConcurrentExecutions != 10 {
		t.Fatalf("concurrency %+v", gf.Concurrency)
	}
	al, err := c.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: aws.String("checkout-api"), Name: aws.String("live")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("alias %s %v %s", *al.FunctionVersion, al.RoutingConfig.AdditionalVersionWeights, *al.RevisionId)
	inv, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("checkout-api:live"), LogType: "Tail", Payload: []byte(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("invoke %d %s %q", inv.StatusCode, *inv.ExecutedVersion, aws.ToString(inv.LogResult))
	id, err := stsClient(s.URL()).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("identity %s %s", *id.Account, *id.Arn)
}
