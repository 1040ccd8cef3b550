package metrics_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/internal/peers"
)

const queriesJSON = `[
 {"Id":"inv","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Invocations","Dimensions":[{"Name":"FunctionName","Value":"fn-a"}]},"Period":60,"Stat":"Sum"}},
 {"Id":"p99","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Duration","Dimensions":[{"Name":"FunctionName","Value":"fn-a"}]},"Period":300,"Stat":"p99"}},
 {"Id":"rate","Expression":"100*err/inv2","Label":"error rate"},
 {"Id":"err","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn-a"}]},"Period":60,"Stat":"Sum"},"ReturnData":false},
 {"Id":"inv2","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Invocations","Dimensions":[{"Name":"FunctionName","Value":"fn-a"}]},"Period":60,"Stat":"Sum"},"ReturnData":false}
]`

// cliResult is the JSON the CLIs print for get-metric-data.
type cliResult struct {
	MetricDataResults []struct {
		Id         string
		Label      string
		Timestamps []json.RawMessage // ISO 8601 strings, or epoch numbers from aws-cli v1
		Values     []float64
		StatusCode string
	}
	NextToken string
}

func checkCLIResult(t *testing.T, out []byte) {
	t.Helper()
	var r cliResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("decode CLI output: %v\n%s", err, out)
	}
	byID := map[string]int{}
	for i, x := range r.MetricDataResults {
		byID[x.Id] = i
		if len(x.Timestamps) != len(x.Values) || x.StatusCode != "Complete" {
			t.Errorf("%s: %d timestamps, %d values, status %s", x.Id, len(x.Timestamps), len(x.Values), x.StatusCode)
		}
	}
	if len(r.MetricDataResults) != 3 {
		t.Fatalf("want 3 results, got %+v", r.MetricDataResults)
	}
	inv := r.MetricDataResults[byID["inv"]]
	if len(inv.Values) != 59 || inv.Values[0] != 100 {
		t.Errorf("inv: %d values, first %v", len(inv.Values), inv.Values)
	}
	if first, err := cliTime(inv.Timestamps[0]); err != nil || !first.Equal(base.Add(59*time.Minute)) {
		t.Errorf("newest timestamp %s (%v)", inv.Timestamps[0], err)
	}
	p99 := r.MetricDataResults[byID["p99"]]
	if len(p99.Values) != 12 || !near(p99.Values[0], 99, 0.016) {
		t.Errorf("p99: %v", p99.Values)
	}
	rate := r.MetricDataResults[byID["rate"]]
	if rate.Label != "error rate" || len(rate.Values) != 59 || !near(rate.Values[0], 10, 1e-9) {
		t.Errorf("rate: %q %v", rate.Label, rate.Values)
	}
}

func cliTime(raw json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return time.Parse(time.RFC3339, s)
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(f), 0), nil
}

func writeQueries(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "queries.json")
	if err := os.WriteFile(p, []byte(queriesJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCLI(t *testing.T, bin, url string) []byte {
	t.Helper()
	q := writeQueries(t)
	cmd := exec.Command(bin, "cloudwatch", "get-metric-data", "--output", "json", "--endpoint-url", url,
		"--metric-data-queries", "file://"+q,
		"--start-time", base.Format(time.RFC3339), "--end-time", base.Add(time.Hour).Format(time.RFC3339))
	cmd.Env = peers.CLIEnv(url, "us-east-1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	return out
}

// The AWS CLI v2 2.9.19 speaks awsQuery (form in, XML out).
func TestPeerAWSCLIv2GetMetricData(t *testing.T) {
	t.Parallel()
	bin := peers.AWSCLIv2(t)
	_, _, url := fixture(t)
	checkCLIResult(t, runCLI(t, bin, url))

	// An invalid Id comes back as the XML error the CLI reports by code.
	cmd := exec.Command(bin, "cloudwatch", "get-metric-data", "--endpoint-url", url,
		"--metric-data-queries", `[{"Id":"Bad","Expression":"1"}]`,
		"--start-time", base.Format(time.RFC3339), "--end-time", base.Add(time.Hour).Format(time.RFC3339))
	cmd.Env = peers.CLIEnv(url, "us-east-1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "(InvalidParameterValue)") {
		t.Errorf("want an InvalidParameterValue failure, got %v:\n%s", err, out)
	}
}

// The pip aws-cli v1 (botocore 1.43) speaks awsJson1.0.
func TestPeerAWSCLIv1GetMetricData(t *testing.T) {
	t.Parallel()
	peers.Python(t)
	bin, err := exec.LookPath("aws")
	if err != nil || bin == "/usr/bin/aws" {
		peers.Missing(t, "pip aws-cli v1 first on PATH", "pip install awscli")
	}
	if v, _ := exec.Command(bin, "--version").CombinedOutput(); !strings.Contains(string(v), "aws-cli/1.") {
		peers.Missing(t, "pip aws-cli v1 first on PATH", "pip install awscli; found "+strings.TrimSpace(string(v)))
	}
	_, _, url := fixture(t)
	checkCLIResult(t, runCLI(t, bin, url))
}

const boto3Script = `
import boto3, datetime, json, sys
q = json.load(open(sys.argv[1]))
cw = boto3.client("cloudwatch")
start = datetime.datetime.fromtimestamp(int(sys.argv[2]), datetime.timezone.utc)
end = start + datetime.timedelta(hours=1)
out = {"MetricDataResults": []}
for page in cw.get_paginator("get_metric_data").paginate(MetricDataQueries=q, StartTime=start, EndTime=end, PaginationConfig={"PageSize": 40}):
    for r in page["MetricDataResults"]:
        got = next((x for x in out["MetricDataResults"] if x["Id"] == r["Id"]), None)
        if got is None:
            got = {"Id": r["Id"], "Label": r.get("Label", ""), "Timestamps": [], "Values": [], "StatusCode": ""}
            out["MetricDataResults"].append(got)
        got["Timestamps"] += [t.isoformat() for t in r["Timestamps"]]
        got["Values"] += r["Values"]
        got["StatusCode"] = r["StatusCode"]
try:
    cw.get_metric_data(MetricDataQueries=[{"Id": "Bad", "Expression": "1"}], StartTime=start, EndTime=end)
    out["error"] = "none"
except cw.exceptions.ClientError as e:
    out["error"] = e.response["Error"]["Code"]
lm = cw.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations")
out["listed"] = len(lm["Metrics"])
json.dump(out, sys.stdout)
`

// boto3 (JSON protocol) with its paginator (MaxDatapoints 40 → NextToken).
func TestPeerBoto3GetMetricData(t *testing.T) {
	t.Parallel()
	py := peers.Python(t)
	_, _, url := fixture(t)
	q := writeQueries(t)
	cmd := exec.Command(py, "-c", boto3Script, q, strconvItoa(base.Unix()))
	cmd.Env = peers.CLIEnv(url, "us-east-1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	checkCLIResult(t, out)
	var extra struct {
		Error  string `json:"error"`
		Listed int    `json:"listed"`
	}
	json.Unmarshal(out, &extra)
	if extra.Error != "InvalidParameterValue" {
		t.Errorf("boto3 error code %q", extra.Error)
	}
	if extra.Listed != 6 { // FunctionName, region, 2 Resources, 2 ExecutedVersions
		t.Errorf("listed %d Invocations metrics", extra.Listed)
	}
}

func strconvItoa(i int64) string { return strconv.FormatInt(i, 10) }
