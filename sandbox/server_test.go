package sandbox

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSTS(t *testing.T) {
	s, _ := start(t, Options{Empty: true, Account: "210987654321"})
	id, err := stsClient(s.URL()).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Account != "210987654321" || !strings.HasPrefix(*id.Arn, "arn:aws:iam::210987654321:") || *id.UserId == "" {
		t.Fatalf("identity: %v %+v", err, id)
	}
	s.SetFaults(Faults{APIs: []string{"GetCallerIdentity"}, ThrottleRate: 1})
	_, err = stsClient(s.URL()).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "Throttling", 400)
}

// TestDispatchLogsAndMetrics checks that invocations reach the logs and
// metrics stores and that their front-ends are mounted.
func TestDispatchLogsAndMetrics(t *testing.T) {
	s, m := start(t, Options{Seed: 1})
	c := lambdaClient(s.URL())
	for i := 0; i < 5; i++ {
		if _, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer")}); err != nil {
			t.Fatal(err)
		}
		m.Advance(time.Second)
	}
	lc := cloudwatchlogs.NewFromConfig(awsConfig("us-east-1"), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(s.URL()); o.RetryMaxAttempts = 1 })
	g, err := lc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/image-resizer")})
	if err != nil || len(g.LogGroups) != 1 {
		t.Fatalf("DescribeLogGroups: %v", err)
	}
	ev, err := lc.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/image-resizer")})
	if err != nil {
		t.Fatal(err)
	}
	reports := 0
	for _, e := range ev.Events {
		if strings.HasPrefix(*e.Message, "REPORT RequestId: ") {
			reports++
		}
	}
	if reports != 5 {
		t.Fatalf("%d REPORT lines in the log group, want 5", reports)
	}
	m.Advance(2 * time.Minute)
	cw := cloudwatch.NewFromConfig(awsConfig("us-east-1"), func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(s.URL()); o.RetryMaxAttempts = 1 })
	now := s.Clock().Now()
	md, err := cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(now.Add(-10 * time.Minute)), EndTime: aws.Time(now),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("inv"), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Invocations"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String("image-resizer")}}},
			Period: aws.Int32(60), Stat: aws.String("Sum")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range md.MetricDataResults[0].Values {
		sum += v
	}
	if sum != 5 {
		t.Fatalf("Invocations sum %v, want 5", sum)
	}
	if st := s.Stats(); st.Count("GetMetricData") != 1 || st.Count("FilterLogEvents") != 1 || st.Count("Invoke") != 5 {
		t.Fatalf("stats: %v", st.Operations())
	}
}

func TestTrafficAdvance(t *testing.T) {
	s, _ := start(t, Options{Seed: 2, Functions: 40, Traffic: true, Backfill: 10 * time.Minute})
	before := s.Clock().Now()
	s.Advance(3 * time.Minute)
	if got := s.Clock().Now().Sub(before); got != 3*time.Minute {
		t.Fatalf("advanced %v", got)
	}
	// The control plane still answers while the simulation runs.
	if _, err := lambdaClient(s.URL()).ListFunctions(ctx, &awslambda.ListFunctionsInput{}); err != nil {
		t.Fatal(err)
	}
	// The incidents come out of the simulation: orders-api throttles,
	// checkout-api's canary runs version 8.
	cw := cloudwatch.NewFromConfig(awsConfig("us-east-1"), func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(s.URL()); o.RetryMaxAttempts = 1 })
	now := s.Clock().Now()
	q := func(id, fn, metric string, dims ...cwtypes.Dimension) cwtypes.MetricDataQuery {
		return cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String(metric),
				Dimensions: append([]cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String(fn)}}, dims...)},
			Period: aws.Int32(60), Stat: aws.String("Sum")}}
	}
	md, err := cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-15 * time.Minute)), EndTime: aws.Time(now),
		MetricDataQueries: []cwtypes.MetricDataQuery{
			q("throttles", "orders-api", "Throttles"),
			q("canary", "checkout-api", "Invocations", cwtypes.Dimension{Name: aws.String("Resource"), Value: aws.String("checkout-api:live")}, cwtypes.Dimension{Name: aws.String("ExecutedVersion"), Value: aws.String("8")}),
		}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range md.MetricDataResults {
		sum := 0.0
		for _, v := range r.Values {
			sum += v
		}
		if sum == 0 {
			t.Errorf("%s: no data points after 13 simulated minutes", *r.Id)
		}
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMain_Flags(t *testing.T) {
	for _, args := range [][]string{
		{"--functions", "0"},
		{"--functions", "x"},
		{"--quotas", "gcp"},
		{"--rate", "-1"},
		{"--traffic=maybe"},
		{"--addr", "0.0.0.0:0"},
		{"extra"},
		{"--bogus"},
	} {
		var out, errb syncBuf
		err := Main(ctx, args, &out, &errb)
		if err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
	var out, errb syncBuf
	if err := Main(ctx, []string{"--help"}, &out, &errb); err != nil || !strings.Contains(errb.String(), "--functions") {
		t.Fatalf("help: %v %q", err, errb.String())
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- Main(cctx, []string{"--addr", "127.0.0.1:0", "--functions", "12", "--seed", "4", "--region", "eu-west-1", "--traffic=false", "--quotas", "aws"}, &out, &errb)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "export AWS_ENDPOINT_URL=http://127.0.0.1:") {
		if time.Now().After(deadline) {
			t.Fatalf("no endpoint printed: %q %q", out.String(), errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "12 functions in eu-west-1") || !strings.Contains(out.String(), "export AWS_REGION=eu-west-1") {
		t.Fatalf("banner: %q", out.String())
	}
}

// TestFaultShapesPerProtocol: each front-end's throttling error decodes as
// a retryable throttle in the Go SDK.
func TestFaultShapesPerProtocol(t *testing.T) {
	s, _ := start(t, Options{Seed: 1, Faults: Faults{ThrottleRate: 1, APIs: []string{"DescribeLogGroups", "GetMetricData", "ListMetrics"}}})
	lc := cloudwatchlogs.NewFromConfig(awsConfig("us-east-1"), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(s.URL()); o.RetryMaxAttempts = 1 })
	_, err := lc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	wantErr(t, err, "ThrottlingException", 400)
	cw := cloudwatch.NewFromConfig(awsConfig("us-east-1"), func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(s.URL()); o.RetryMaxAttempts = 1 })
	_, err = cw.ListMetrics(ctx, &cloudwatch.ListMetricsInput{})
	if code, st := apiErr(t, err); st != 400 || (code != "Throttling" && code != "ThrottlingException") {
		t.Fatalf("CBOR throttle: %s %d %v", code, st, err)
	}
	if !retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
		t.Fatalf("not classed as a throttle: %v", err)
	}
	s.SetFaults(Faults{ErrorRate: 1, APIs: []string{"ListMetrics", "DescribeLogGroups"}})
	_, err = cw.ListMetrics(ctx, &cloudwatch.ListMetricsInput{})
	if _, st := apiErr(t, err); st != 500 && st != 503 {
		t.Fatalf("CBOR service error: %v", err)
	}
	_, err = lc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if _, st := apiErr(t, err); st != 500 && st != 503 {
		t.Fatalf("logs service error: %v", err)
	}
}

// TestReadyRealClock: on the real clock the backfill runs in the
// background and Ready reports when it is done; the endpoint answers before.
func TestReadyRealClock(t *testing.T) {
	s, err := Start(ctx, Options{Functions: 20, Seed: 1, Traffic: true, Backfill: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := lambdaClient(s.URL()).GetAccountSettings(ctx, &awslambda.GetAccountSettingsInput{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("backfill never finished")
	}
	s2, _ := start(t, Options{Empty: true})
	select {
	case <-s2.Ready():
	default:
		t.Fatal("a sandbox without traffic is ready at once")
	}
}
