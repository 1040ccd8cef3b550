package aws_test

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/aws/awsbench"
)

// The Go benchmarks run the same scenarios as `go run ./bench/aws`, one
// result per benchmark, reported as custom metrics (figure, baseline, goal):
//
//	go test ./aws -run '^$' -bench . -benchtime 1x
func report(b *testing.B, rs []awsbench.Result, unit string) {
	b.Helper()
	for _, r := range rs {
		b.Logf("%s", r)
		if !r.Pass {
			b.Errorf("goal missed: %s", r.Name)
		}
	}
	if len(rs) == 0 {
		return
	}
	r := rs[0]
	b.ReportMetric(r.Figure, unit)
	if !math.IsNaN(r.Baseline) {
		b.ReportMetric(r.Baseline, "baseline-"+unit)
	}
	if !math.IsNaN(r.Goal) {
		b.ReportMetric(r.Goal, "goal-"+unit)
	}
}

func env(b *testing.B) awsbench.Env {
	e := awsbench.Env{Dir: b.TempDir(), Logf: b.Logf}
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		e.AWSCLI = "/usr/bin/aws"
	}
	return e
}

// BenchmarkListing10k: 10,000 functions, 50 ms injected latency per page.
func BenchmarkListing10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		rs, err := awsbench.Listing(context.Background(), env(b), 10000, 50*time.Millisecond)
		if err != nil {
			b.Fatal(err)
		}
		report(b, rs, "s")
	}
}

// BenchmarkFirstPage: first page in the callback vs one round trip + 50 ms.
func BenchmarkFirstPage(b *testing.B) {
	for i := 0; i < b.N; i++ {
		r, err := awsbench.FirstPage(context.Background(), env(b), 10000, 50*time.Millisecond)
		if err != nil {
			b.Fatal(err)
		}
		report(b, []awsbench.Result{r}, "s")
	}
}

// BenchmarkMetrics1000x4: GetMetricData calls for 1,000 functions × 4 statistics.
func BenchmarkMetrics1000x4(b *testing.B) {
	for i := 0; i < b.N; i++ {
		rs, err := awsbench.Metrics(context.Background(), env(b), 1000)
		if err != nil {
			b.Fatal(err)
		}
		report(b, rs, "calls")
	}
}

// BenchmarkRefreshQuotas: 429s over a 10,000-function refresh under the
// sandbox's AWS quotas at the default budget (baseline: governor off).
// It takes over a minute; -benchtime 1x.
func BenchmarkRefreshQuotas(b *testing.B) {
	for i := 0; i < b.N; i++ {
		rs, err := awsbench.Refresh(context.Background(), env(b), 10000, 1000)
		if err != nil {
			b.Fatal(err)
		}
		report(b, rs, "429s")
	}
}
