package alarms_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"github.com/lambdaops/lambdaops/internal/peers"
)

// gap records where moto differs from AWS (and so from the sandbox): the
// check is skipped on moto and listed in the test log.
func gap(t *testing.T, moto bool, what string) bool {
	if moto {
		t.Logf("known moto gap: %s", what)
	}
	return moto
}

// alarmsScenario is what a client may rely on from the alarm operations on
// AWS, the sandbox and moto: put, describe (names, prefix, types, state,
// paging), set state, actions, history, composites, delete.
func alarmsScenario(t *testing.T, url string, moto bool, proto string) {
	ctx := context.Background()
	c := newClient(url, proto)
	p := fmt.Sprintf("contract-%s-", proto)
	for i := 0; i < 3; i++ {
		_, err := c.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(fmt.Sprintf("%s%d", p, i)), Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"),
			Dimensions: dims("FunctionName", "fn-"+proto), Statistic: types.StatisticSum, Period: aws.Int32(60),
			EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(float64(i)), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
			AlarmActions: []string{"arn:aws:sns:us-east-1:123456789012:page"},
		})
		if err != nil {
			if moto && proto == "cbor" {
				t.Skipf("moto_server does not serve Smithy RPC v2 CBOR: %v", err)
			}
			t.Fatal(err)
		}
	}
	out, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(p)})
	if err != nil || len(out.MetricAlarms) != 3 {
		t.Fatalf("prefix: %v %+v", err, out)
	}
	a := out.MetricAlarms[0]
	if aws.ToString(a.AlarmName) != p+"0" || aws.ToInt32(a.Period) != 60 || aws.ToFloat64(a.Threshold) != 0 || len(a.Dimensions) != 1 || a.StateValue == "" {
		t.Errorf("round trip %+v", a)
	}
	if _, err := c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(p + "1"), StateValue: types.StateValueAlarm, StateReason: aws.String("contract")}); err != nil {
		t.Fatal(err)
	}
	st, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(p), StateValue: types.StateValueAlarm})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.MetricAlarms) != 1 || aws.ToString(st.MetricAlarms[0].StateReason) != "contract" {
		if !gap(t, moto, "DescribeAlarms ignores StateValue when AlarmNamePrefix is given") {
			t.Errorf("state filter: %d alarms", len(st.MetricAlarms))
		}
	}
	page, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(p), MaxRecords: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.MetricAlarms) != 2 || page.NextToken == nil {
		if !gap(t, moto, "DescribeAlarms ignores MaxRecords (no NextToken)") {
			t.Errorf("page: %d alarms, token %v", len(page.MetricAlarms), page.NextToken)
		}
	}
	if _, err := c.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{p + "2"}}); err != nil {
		if !gap(t, moto, "DisableAlarmActions answers 500") {
			t.Fatal(err)
		}
	} else if d, _ := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{p + "2"}}); len(d.MetricAlarms) != 1 || aws.ToBool(d.MetricAlarms[0].ActionsEnabled) {
		t.Errorf("actions still enabled: %d alarms", len(d.MetricAlarms))
	}
	_, err = c.PutCompositeAlarm(ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String(p + "comp"), AlarmRule: aws.String(fmt.Sprintf("ALARM(%s1) AND NOT OK(%s0)", p, p))})
	composite := err == nil
	if err != nil && !gap(t, moto, "PutCompositeAlarm answers 500") {
		t.Fatal(err)
	}
	onlyMetric, _ := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(p)})
	if len(onlyMetric.CompositeAlarms) != 0 {
		t.Errorf("composites without AlarmTypes: %d", len(onlyMetric.CompositeAlarms))
	}
	if composite {
		comp, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{p + "comp"}, AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}})
		if err != nil || len(comp.CompositeAlarms) != 1 || aws.ToString(comp.CompositeAlarms[0].AlarmRule) == "" {
			t.Errorf("composite: %v %+v", err, comp)
		}
	}
	h, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String(p + "1"), HistoryItemType: types.HistoryItemTypeStateUpdate})
	if err != nil {
		if !gap(t, moto, "DescribeAlarmHistory answers 500") {
			t.Fatal(err)
		}
	} else if len(h.AlarmHistoryItems) == 0 {
		t.Error("no StateUpdate history after SetAlarmState")
	}
	del := []string{p + "0", p + "1", p + "2"}
	if composite {
		del = append(del, p+"comp")
	}
	if _, err := c.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: del}); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(p)}); len(d.MetricAlarms) != 0 {
		t.Errorf("after delete: %d", len(d.MetricAlarms))
	}
	_, err = c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(p + "gone"), StateValue: types.StateValueOk, StateReason: aws.String("x")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ResourceNotFound" {
		if !gap(t, moto, fmt.Sprintf("SetAlarmState on a missing alarm: %v", err)) {
			t.Errorf("missing alarm: %v", err)
		}
	}
}

func TestAlarmsContractSandbox(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			w := newWorld(t)
			w.clk.Advance(time.Minute)
			alarmsScenario(t, w.url, false, proto)
		})
	}
}

func TestAlarmsContractMoto(t *testing.T) {
	url := peers.StartMoto(t)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) { alarmsScenario(t, url, true, proto) })
	}
}
