package logs

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// peerEnv serves a store whose clock is the wall clock, since the CLIs
// compute --since from it.
func peerEnv(t *testing.T) (*Store, string) {
	t.Helper()
	st := NewStore(clock.Real{}, Options{})
	srv := httptest.NewServer(NewHandler(st, clock.Real{}))
	t.Cleanup(srv.Close)
	now := time.Now()
	g := "/aws/lambda/peer-fn"
	st.Logs(g, "2026/11/26/[$LATEST]aaaa", []record.LogLine{
		{Time: now.Add(-10 * time.Minute), Message: "START RequestId: r1 Version: $LATEST"},
		{Time: now.Add(-10*time.Minute + time.Millisecond), Message: "r1\tERROR\tboom: payment declined"},
		{Time: now.Add(-10*time.Minute + 2*time.Millisecond), Message: "REPORT RequestId: r1\tDuration: 12.00 ms"},
	})
	st.Logs(g, "2026/11/26/[$LATEST]bbbb", []record.LogLine{
		{Time: now.Add(-5 * time.Minute), Message: `{"level":"ERROR","msg":"json failure"}`},
		{Time: now.Add(-3 * time.Hour), Message: "old line outside --since"},
	})
	return st, srv.URL
}

func runCLI(t *testing.T, bin, endpoint string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if strings.HasSuffix(bin, "aws") {
		// CLI v2.9 predates AWS_ENDPOINT_URL.
		args = append([]string{"--endpoint-url", endpoint}, args...)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = peers.CLIEnv(endpoint, "us-east-1")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s", bin, args, err, stderr)
	}
	return out
}

type cliFilterOut struct {
	Events []struct {
		LogStreamName string `json:"logStreamName"`
		Message       string `json:"message"`
		EventID       string `json:"eventId"`
	} `json:"events"`
}

func TestPeerAWSCLIv2(t *testing.T) {
	t.Parallel()
	bin := peers.AWSCLIv2(t)
	st, url := peerEnv(t)
	g := "/aws/lambda/peer-fn"

	var fo cliFilterOut
	out := runCLI(t, bin, url, "logs", "filter-log-events", "--log-group-name", g, "--filter-pattern", "ERROR", "--output", "json")
	if err := json.Unmarshal(out, &fo); err != nil {
		t.Fatalf("filter-log-events output: %v\n%s", err, out)
	}
	if len(fo.Events) != 2 || fo.Events[0].EventID == "" {
		t.Fatalf("filter-log-events: %+v", fo.Events)
	}
	out = runCLI(t, bin, url, "logs", "filter-log-events", "--log-group-name", g, "--filter-pattern", `{ $.level = "ERROR" }`, "--output", "json")
	if err := json.Unmarshal(out, &fo); err != nil || len(fo.Events) != 1 || fo.Events[0].Message != `{"level":"ERROR","msg":"json failure"}` {
		t.Fatalf("JSON pattern via CLI: %v %s", err, out)
	}

	out = runCLI(t, bin, url, "logs", "tail", g, "--since", "1h", "--format", "short")
	text := string(out)
	for _, want := range []string{"payment declined", "json failure", "REPORT RequestId: r1"} {
		if !strings.Contains(text, want) {
			t.Errorf("logs tail --since 1h lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "old line outside") {
		t.Errorf("logs tail --since 1h shows an event from 3h ago")
	}

	// --follow polls every 5 s: an event appended while it runs shows up.
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--endpoint-url", url, "logs", "tail", g, "--since", "1m", "--follow", "--format", "short")
	cmd.Env = peers.CLIEnv(url, "us-east-1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	// Give the CLI time to make its first poll, then append.
	time.Sleep(2 * time.Second)
	st.Logs(g, "2026/11/26/[$LATEST]cccc", []record.LogLine{{Time: time.Now(), Message: "followed event arrives"}})
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("aws logs tail --follow exited before showing the new event")
			}
			if strings.Contains(l, "followed event arrives") {
				return
			}
		case <-ctx.Done():
			t.Fatal("aws logs tail --follow did not show the appended event")
		}
	}
}

func TestPeerAWSCLIv1AndBoto3(t *testing.T) {
	t.Parallel()
	py := peers.Python(t)
	_, url := peerEnv(t)
	g := "/aws/lambda/peer-fn"
	script := `
import boto3, json, sys
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
g = sys.argv[2]
out = {}
out["groups"] = [x["logGroupName"] for x in c.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]]
streams = c.describe_log_streams(logGroupName=g, orderBy="LastEventTime", descending=True)["logStreams"]
out["streams"] = [s["logStreamName"] for s in streams]
ev = c.get_log_events(logGroupName=g, logStreamName="2026/11/26/[$LATEST]aaaa", startFromHead=True)
out["get"] = [e["message"] for e in ev["events"]]
again = c.get_log_events(logGroupName=g, logStreamName="2026/11/26/[$LATEST]aaaa", nextToken=ev["nextForwardToken"])
out["sameToken"] = again["nextForwardToken"] == ev["nextForwardToken"] and not again["events"]
msgs = []
for page in c.get_paginator("filter_log_events").paginate(logGroupName=g, filterPattern="?ERROR ?REPORT", PaginationConfig={"PageSize": 1}):
    msgs += [e["message"] for e in page["events"]]
out["filtered"] = msgs
try:
    c.filter_log_events(logGroupName="/missing")
except c.exceptions.ResourceNotFoundException:
    out["notFound"] = True
print(json.dumps(out))
`
	out := runCLI(t, py, url, "-c", script, url, g)
	var res struct {
		Groups    []string `json:"groups"`
		Streams   []string `json:"streams"`
		Get       []string `json:"get"`
		SameToken bool     `json:"sameToken"`
		Filtered  []string `json:"filtered"`
		NotFound  bool     `json:"notFound"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("boto3 output: %v\n%s", err, out)
	}
	if len(res.Groups) != 1 || len(res.Streams) != 2 || res.Streams[0] != "2026/11/26/[$LATEST]bbbb" || len(res.Get) != 3 || !res.SameToken || len(res.Filtered) != 3 || !res.NotFound {
		t.Fatalf("boto3: %+v", res)
	}

	// aws-cli v1 (pip), the first aws on PATH when it is not the v2 one.
	v1, err := exec.LookPath("aws")
	if err != nil || v1 == "/usr/bin/aws" {
		peers.Missing(t, "aws-cli v1 (pip)", "pip install awscli")
	}
	var fo cliFilterOut
	out = runCLI(t, v1, url, "logs", "filter-log-events", "--log-group-name", g, "--log-stream-name-prefix", "2026/11/26/[$LATEST]a", "--filter-pattern", `"payment declined"`, "--output", "json")
	if err := json.Unmarshal(out, &fo); err != nil || len(fo.Events) != 1 || fo.Events[0].LogStreamName != "2026/11/26/[$LATEST]aaaa" {
		t.Fatalf("aws-cli v1 filter-log-events: %v %s", err, out)
	}
}
