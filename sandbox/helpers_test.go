package sandbox

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/lambdaops/lambdaops/internal/ownbody"
	"github.com/lambdaops/lambdaops/sandbox/clock"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// start runs a sandbox for the test on a manual clock.
func start(t testing.TB, o Options) (*Server, *clock.Manual) {
	t.Helper()
	m := clock.NewManual(t0)
	if o.Clock == nil {
		o.Clock = m
	}
	s, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, m
}

func awsConfig(region string) aws.Config {
	return aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("sandbox", "sandbox", ""),
		HTTPClient:  &http.Client{Transport: ownbody.Transport{RT: &http.Transport{MaxIdleConnsPerHost: 64}}},
	}
}

// lambdaClient talks to endpoint with retries off so tests see raw errors.
func lambdaClient(endpoint string) *awslambda.Client {
	return awslambda.NewFromConfig(awsConfig("us-east-1"), func(o *awslambda.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
}

func stsClient(endpoint string) *sts.Client {
	return sts.NewFromConfig(awsConfig("us-east-1"), func(o *sts.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
}

var ctx = context.Background()

// apiErr returns the AWS error code and HTTP status of err.
func apiErr(t testing.TB, err error) (string, int) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error, got nil")
	}
	code, status := "", 0
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

func wantErr(t testing.TB, err error, code string, status int) {
	t.Helper()
	c, s := apiErr(t, err)
	if c != code || s != status {
		t.Fatalf("want %s (%d), got %s (%d): %v", code, status, c, s, err)
	}
}

const testRole = "arn:aws:iam::123456789012:role/lambda-test"

// createFn creates a zip function through the API and waits until Active.
func createFn(t testing.TB, c *awslambda.Client, m *clock.Manual, name string, mutate ...func(*awslambda.CreateFunctionInput)) *awslambda.CreateFunctionOutput {
	t.Helper()
	in := &awslambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Role:         aws.String(testRole),
		Runtime:      ltypes.RuntimePython312,
		Handler:      aws.String("app.handler"),
		Code:         &ltypes.FunctionCode{ZipFile: fakeZip("zip:" + name)},
		MemorySize:   aws.Int32(256),
		Timeout:      aws.Int32(10),
	}
	for _, f := range mutate {
		f(in)
	}
	out, err := c.CreateFunction(ctx, in)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if m != nil {
		m.Advance(2 * time.Second)
	}
	return out
}
