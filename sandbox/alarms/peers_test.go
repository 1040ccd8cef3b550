package alarms_test

import (
	"bufio"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/internal/peers"
)

func cli(t *testing.T, bin, url string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"cloudwatch", "--output", "json", "--endpoint-url", url}, args...)...)
	cmd.Env = peers.CLIEnv(url, "us-east-1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	return out
}

type cliAlarms struct {
	MetricAlarms []struct {
		AlarmName, StateValue, StateReason string
		Threshold                          float64
		Dimensions                         []struct{ Name, Value string }
		Metrics                            []struct{ Id, Expression string }
	}
	CompositeAlarms []struct{ AlarmName, AlarmRule, StateValue string }
}

// The AWS CLI v2 speaks awsQuery: put a metric alarm, a metric-math alarm
// and a composite, step the clock through a transition, read them back,
// the history, and set a state.
func TestPeerAWSCLIv2Alarms(t *testing.T) {
	t.Parallel()
	bin := peers.AWSCLIv2(t)
	w := newWorld(t)
	cli(t, bin, w.url, "put-metric-alarm", "--alarm-name", "fn-errors", "--namespace", "AWS/Lambda", "--metric-name", "Errors",
		"--dimensions", "Name=FunctionName,Value=fn", "--statistic", "Sum", "--period", "60", "--evaluation-periods", "2",
		"--datapoints-to-alarm", "1", "--threshold", "5", "--comparison-operator", "GreaterThanThreshold", "--treat-missing-data", "notBreaching")
	cli(t, bin, w.url, "put-metric-alarm", "--alarm-name", "fn-rate", "--evaluation-periods", "1", "--threshold", "10",
		"--comparison-operator", "GreaterThanThreshold", "--metrics",
		`[{"Id":"e","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn"}]},"Period":60,"Stat":"Sum"},"ReturnData":false},`+
			`{"Id":"i","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Invocations","Dimensions":[{"Name":"FunctionName","Value":"fn"}]},"Period":60,"Stat":"Sum"},"ReturnData":false},`+
			`{"Id":"rate","Expression":"100*e/i","ReturnData":true}]`)
	cli(t, bin, w.url, "put-composite-alarm", "--alarm-name", "fn degraded", "--alarm-rule", `ALARM("fn-errors") AND NOT OK("fn-rate")`)
	w.minute("fn", 100, 20, 0)
	var got cliAlarms
	if err := json.Unmarshal(cli(t, bin, w.url, "describe-alarms", "--alarm-types", "MetricAlarm", "CompositeAlarm"), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.MetricAlarms) != 2 || len(got.CompositeAlarms) != 1 {
		t.Fatalf("describe: %+v", got)
	}
	for _, a := range got.MetricAlarms {
		if a.StateValue != "ALARM" {
			t.Errorf("%s: %s %q", a.AlarmName, a.StateValue, a.StateReason)
		}
	}
	if got.MetricAlarms[0].AlarmName != "fn-errors" || got.MetricAlarms[0].Dimensions[0].Value != "fn" || got.MetricAlarms[1].Metrics[2].Expression != "100*e/i" {
		t.Errorf("round trip: %+v", got.MetricAlarms)
	}
	if c := got.CompositeAlarms[0]; c.StateValue != "ALARM" || c.AlarmRule != `ALARM("fn-errors") AND NOT OK("fn-rate")` {
		t.Errorf("composite %+v", c)
	}
	var hist struct {
		AlarmHistoryItems []struct{ HistoryItemType, HistorySummary string }
	}
	json.Unmarshal(cli(t, bin, w.url, "describe-alarm-history", "--alarm-name", "fn-errors", "--history-item-type", "StateUpdate"), &hist)
	if len(hist.AlarmHistoryItems) != 1 || hist.AlarmHistoryItems[0].HistorySummary != "Alarm updated from INSUFFICIENT_DATA to ALARM" {
		t.Errorf("history %+v", hist)
	}
	cli(t, bin, w.url, "set-alarm-state", "--alarm-name", "fn-errors", "--state-value", "OK", "--state-reason", "drill")
	cli(t, bin, w.url, "disable-alarm-actions", "--alarm-names", "fn-errors")
	json.Unmarshal(cli(t, bin, w.url, "describe-alarms", "--alarm-names", "fn-errors", "--state-value", "OK"), &got)
	if len(got.MetricAlarms) != 1 || got.MetricAlarms[0].StateReason != "drill" {
		t.Errorf("after set-alarm-state: %+v", got.MetricAlarms)
	}
	var fm cliAlarms
	json.Unmarshal(cli(t, bin, w.url, "describe-alarms-for-metric", "--namespace", "AWS/Lambda", "--metric-name", "Errors", "--dimensions", "Name=FunctionName,Value=fn"), &fm)
	if len(fm.MetricAlarms) != 1 {
		t.Errorf("for metric: %+v", fm)
	}
	cli(t, bin, w.url, "delete-alarms", "--alarm-names", "fn degraded")
	// An unknown alarm comes back as the error code the CLI shows.
	cmd := exec.Command(bin, "cloudwatch", "set-alarm-state", "--endpoint-url", w.url, "--alarm-name", "nope", "--state-value", "OK", "--state-reason", "x")
	cmd.Env = peers.CLIEnv(w.url, "us-east-1")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "(ResourceNotFound)") {
		t.Errorf("want ResourceNotFound, got %v:\n%s", err, out)
	}
}

const boto3Alarms = `
import boto3, json, sys
cw = boto3.client("cloudwatch")
out = {}
cw.put_metric_alarm(AlarmName="fn-errors", Namespace="AWS/Lambda", MetricName="Errors",
    Dimensions=[{"Name": "FunctionName", "Value": "fn"}], Statistic="Sum", Period=60, EvaluationPeriods=2,
    DatapointsToAlarm=1, Threshold=5, ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
cw.put_metric_alarm(AlarmName="fn-p99", Namespace="AWS/Lambda", MetricName="Duration",
    Dimensions=[{"Name": "FunctionName", "Value": "fn"}], ExtendedStatistic="p99", Period=60, EvaluationPeriods=1,
    Threshold=1000, ComparisonOperator="GreaterThanOrEqualToThreshold")
cw.put_composite_alarm(AlarmName="fn degraded", AlarmRule='ALARM("fn-errors") AND NOT OK("fn-p99")')
for i in range(12):
    cw.put_metric_alarm(AlarmName="zz-%02d" % i, Namespace="X", MetricName="m", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
sys.stdout.write("ready\n"); sys.stdout.flush()
sys.stdin.readline()
names = []
for page in cw.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm", "CompositeAlarm"], PaginationConfig={"PageSize": 5}):
    names += [a["AlarmName"] + "=" + a["StateValue"] for a in page["MetricAlarms"] + page["CompositeAlarms"]]
out["alarms"] = sorted(names)
h = cw.describe_alarm_history(AlarmName="fn-errors", HistoryItemType="StateUpdate")
out["history"] = [x["HistorySummary"] for x in h["AlarmHistoryItems"]]
cw.set_alarm_state(AlarmName="fn-p99", StateValue="ALARM", StateReason="drill")
out["composite"] = cw.describe_alarms(AlarmNames=["fn degraded"], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"][0]["StateValue"]
try:
    cw.delete_alarms(AlarmNames=["nope"])
    out["error"] = "none"
except cw.exceptions.ClientError as e:
    out["error"] = e.response["Error"]["Code"]
json.dump(out, sys.stdout)
`

// boto3 speaks awsJson1.0, with its DescribeAlarms paginator.
func TestPeerBoto3Alarms(t *testing.T) {
	t.Parallel()
	py := peers.Python(t)
	w := newWorld(t)
	cmd := exec.Command(py, "-c", boto3Alarms)
	cmd.Env = peers.CLIEnv(w.url, "us-east-1")
	stdin, _ := cmd.StdinPipe()
	pipe, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(pipe)
	if line, _ := rd.ReadString('\n'); strings.TrimSpace(line) != "ready" {
		cmd.Wait()
		t.Fatalf("boto3 did not get ready: %q %s", line, stderr.String())
	}
	w.minute("fn", 100, 20, 0) // errors: ALARM; p99 fast: OK
	stdin.Write([]byte("go\n"))
	stdin.Close()
	rest, _ := io.ReadAll(rd)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("boto3: %v\n%s", err, stderr.String())
	}
	var out struct {
		Alarms    []string
		History   []string
		Composite string
		Error     string
	}
	if err := json.Unmarshal(rest, &out); err != nil {
		t.Fatalf("%v: %s", err, rest)
	}
	if len(out.Alarms) != 15 || out.Alarms[0] != "fn degraded=OK" || out.Alarms[1] != "fn-errors=ALARM" || out.Alarms[2] != "fn-p99=OK" {
		t.Errorf("alarms %v", out.Alarms)
	}
	if len(out.History) != 1 || out.History[0] != "Alarm updated from INSUFFICIENT_DATA to ALARM" {
		t.Errorf("history %v", out.History)
	}
	if out.Composite != "ALARM" {
		t.Errorf("composite after set_alarm_state %q", out.Composite)
	}
	if out.Error != "ResourceNotFound" {
		t.Errorf("error %q", out.Error)
	}
}
