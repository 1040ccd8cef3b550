package aws

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/model"
)

// envEndpoint points the AWS config chain at ep through AWS_ENDPOINT_URL
// (as a user would, instead of --endpoint-url), with static keys in the
// environment and no shared files.
func envEndpoint(t *testing.T, ep string) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL", ep)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
}

// AWS_ENDPOINT_URL is the session's custom endpoint, as --endpoint-url is:
// the target names it (the header shows it, the remembered identity is
// keyed by it, not mixed with AWS's).
func TestEnvEndpointIsTheSessionsEndpoint(t *testing.T) {
	f := newFakeSTS(t)
	envEndpoint(t, f.srv.URL)
	c, err := Open(context.Background(), testDirs(t, Config{Region: "us-east-1"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Target().Endpoint; got != f.srv.URL {
		t.Fatalf("target endpoint %q, want %q", got, f.srv.URL)
	}
}

// Against moto named by AWS_ENDPOINT_URL, CloudWatch falls back from CBOR
// (which moto does not speak) to JSON, as it does with --endpoint-url:
// metrics and alarms read, not a raw decode error.
func TestEnvEndpointMotoMetricsFallBackToJSON(t *testing.T) {
	ep := peers.StartMoto(t)
	envEndpoint(t, ep)
	c, err := Open(context.Background(), testDirs(t, Config{Region: "us-east-1"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	now := time.Now()
	q := []model.MetricQuery{{Function: "f", Metric: "Invocations", Stat: model.StatSum, Period: 5 * time.Minute}}
	if _, err := c.GetMetrics(context.Background(), q, now.Add(-time.Hour), now); err != nil {
		t.Fatalf("GetMetrics on moto by AWS_ENDPOINT_URL: %v", err)
	}
	if _, err := c.Alarms(context.Background(), true); err != nil {
		t.Fatalf("alarms on moto by AWS_ENDPOINT_URL: %v", err)
	}
}
