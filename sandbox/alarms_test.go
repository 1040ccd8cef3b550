package sandbox

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func cwClient(s *Server) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(awsConfig("us-east-1"), func(o *cloudwatch.Options) {
		o.BaseEndpoint = aws.String(s.URL())
		o.RetryMaxAttempts = 1
	})
}

// The seeded alarms, after the two hours of simulated history, are in the
// states of the demo's incidents.
func TestSeededAlarms(t *testing.T) {
	s, _ := start(t, Options{Traffic: true, Seed: 1, Functions: 40})
	cw := cwClient(s)
	out, err := cw.DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}, MaxRecords: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.MetricAlarms {
		t.Logf("%s %s %s", *a.AlarmName, a.StateValue, *a.StateReason)
	}
	for _, a := range out.CompositeAlarms {
		t.Logf("%s %s %s", *a.AlarmName, a.StateValue, *a.StateReason)
	}
}
