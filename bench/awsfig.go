package main

import (
	"math"
	"time"

	"github.com/lambdaops/lambdaops/aws/awsbench"
)

// The aws layer's figures come from aws/awsbench (also run by bench/aws):
// listing with 50 ms injected latency next to the AWS CLI v2, the first
// page, metrics batching next to GetMetricStatistics per function and
// statistic, and zero 429s over a full refresh under the AWS quotas.

func awsEnv(e *env) awsbench.Env {
	ae := awsbench.Env{Dir: e.dir, AWSCLI: e.cli}
	if e.verbose {
		ae.Logf = e.logf
	}
	return ae
}

func fromAWS(group string, rs []awsbench.Result) []Row {
	out := make([]Row, 0, len(rs))
	for _, r := range rs {
		target := "-"
		if !math.IsNaN(r.Goal) {
			target = "≤ " + fmtNum(r.Goal) + " " + r.Unit
		}
		out = append(out, Row{Group: group, Name: r.Name, Figure: r.Figure, Baseline: r.Baseline, Unit: r.Unit, Target: target, Pass: r.Pass, Note: r.Note})
	}
	return out
}

const fleetN = 10_000

func benchFirst(e *env) ([]Row, error) {
	r, err := awsbench.FirstPage(e.ctx, awsEnv(e), fleetN, 50*time.Millisecond)
	if err != nil {
		return nil, err
	}
	return fromAWS("aws", []awsbench.Result{r}), nil
}

func benchListing(e *env) ([]Row, error) {
	rs, err := awsbench.Listing(e.ctx, awsEnv(e), fleetN, 50*time.Millisecond)
	return fromAWS("aws", rs), err
}

func benchRefresh(e *env) ([]Row, error) {
	enrich := 1000
	if e.quick {
		enrich = 200
	}
	rs, err := awsbench.Refresh(e.ctx, awsEnv(e), fleetN, enrich)
	return fromAWS("aws", rs), err
}

func benchMetrics(e *env) ([]Row, error) {
	rs, err := awsbench.Metrics(e.ctx, awsEnv(e), 1000)
	return fromAWS("aws", rs), err
}

// benchAlarms: 20,000 alarms over the 10,000-function fleet, read with
// DescribeAlarms and indexed by function (aws/awsbench.Alarms).
func benchAlarms(e *env) ([]Row, error) {
	rs, err := awsbench.Alarms(e.ctx, awsEnv(e), fleetN, 2*fleetN)
	return fromAWS("alarms", rs), err
}
