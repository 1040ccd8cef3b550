package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"github.com/lambdaops/lambdaops/sandbox/alarms"
)

func cwClient(s *Server) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(awsConfig("us-east-1"), func(o *cloudwatch.Options) {
		o.BaseEndpoint = aws.String(s.URL())
		o.RetryMaxAttempts = 1
	})
}

// The seeded alarms, after the two hours of simulated history, are in the
// states of the demo's incidents, with their past transitions.
func TestSeededAlarms(t *testing.T) {
	s, _ := start(t, Options{Traffic: true, Seed: 1, Functions: 40})
	cw := cwClient(s)
	ctx := context.Background()
	out, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}, MaxRecords: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]types.StateValue{}
	actions := map[string]bool{}
	for _, a := range out.MetricAlarms {
		state[*a.AlarmName] = a.StateValue
		actions[*a.AlarmName] = aws.ToBool(a.ActionsEnabled)
		t.Logf("%s %s %s", *a.AlarmName, a.StateValue, *a.StateReason)
	}
	for _, a := range out.CompositeAlarms {
		state[*a.AlarmName] = a.StateValue
	}
	for name, want := range map[string]types.StateValue{
		alarms.SeedPaymentsErrorRate: "ALARM", alarms.SeedPaymentsErrors: "ALARM", alarms.SeedOrdersThrottles: "ALARM",
		alarms.SeedCheckoutDegraded: "ALARM", alarms.SeedLegacyExport: "INSUFFICIENT_DATA", alarms.SeedImageDuration: "OK",
		alarms.SeedCheckoutErrors: "OK",
	} {
		if state[name] != want {
			t.Errorf("%s: %s, want %s", name, state[name], want)
		}
	}
	if actions[alarms.SeedImageDuration] || !actions[alarms.SeedPaymentsErrorRate] {
		t.Errorf("actions enabled: %v", actions)
	}
	ok := 0
	for _, st := range state {
		if st == "OK" {
			ok++
		}
	}
	if ok < 4 {
		t.Errorf("only %d alarms in OK", ok)
	}
	// payments-webhook went OK → ALARM in the simulated past (its error
	// rate jumped 25 minutes before the fleet's start).
	h, err := cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String(alarms.SeedPaymentsErrorRate),
		HistoryItemType: types.HistoryItemTypeStateUpdate, ScanBy: types.ScanByTimestampAscending})
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, it := range h.AlarmHistoryItems {
		sums = append(sums, *it.HistorySummary)
	}
	if len(sums) < 2 || sums[len(sums)-1] != "Alarm updated from OK to ALARM" {
		t.Fatalf("history %v", sums)
	}
	if at := *h.AlarmHistoryItems[len(sums)-1].Timestamp; at.Before(t0.Add(-30*time.Minute)) || at.After(t0) {
		t.Errorf("transitioned at %v", at)
	}
	if st, ok := s.Alarms().State("123456789012", "us-east-1", alarms.SeedOrdersThrottles); !ok || st != "ALARM" {
		t.Errorf("State: %s %v", st, ok)
	}
}

// Under --quotas aws DescribeAlarms gets 9 requests a second.
func TestAlarmQuotas(t *testing.T) {
	s, m := start(t, Options{Empty: true, Quotas: "aws"})
	cw := cwClient(s)
	ctx := context.Background()
	throttled := 0
	for i := 0; i < 12; i++ {
		_, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
		var ae smithy.APIError
		if errors.As(err, &ae) {
			throttled++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if throttled != 3 {
		t.Errorf("%d of 12 throttled, want 3", throttled)
	}
	m.Advance(time.Second)
	if _, err := cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{}); err != nil {
		t.Fatal(err)
	}
}
