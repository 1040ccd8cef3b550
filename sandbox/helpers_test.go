package sandbox

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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
		HTTPClient:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
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
