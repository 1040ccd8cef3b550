package aws

import (
	"context"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/sandbox"
)

// BenchmarkMultiList lists 4 pairs (2 regions × 2 accounts) of 2,500
// functions each: every iteration times each pair alone (the slowest is
// the baseline) and then all four at once through awsapi.Multi, in the
// same run. Target: multi-ms ≤ 1.10 × slowest-pair-ms.
//
//	go test ./aws -run '^$' -bench MultiList -benchtime 5x
func BenchmarkMultiList(b *testing.B) {
	regions := []string{"us-east-1", "eu-west-1"}
	accounts := []string{"123456789012", "210987654321"}
	s := startSandbox(b, sandbox.Options{Functions: 2500, Seed: 7, Regions: regions, Accounts: accounts})
	pairs, err := Pairs(accounts, regions, true)
	if err != nil {
		b.Fatal(err)
	}
	d := b.TempDir()
	base := Config{Sandbox: true, EndpointURL: s.URL(), CacheDir: d + "/cache", StateDir: d + "/state", Governor: NewGovernor()}
	// the baseline and the combined listing each have their own
	// governor: the pair listed alone just before must not leave the
	// combined listing an empty token bucket
	ss, cs, errs := Sessions(OpenAll(context.Background(), base, pairs))
	base.Governor = NewGovernor()
	ms, mcs, merrs := Sessions(OpenAll(context.Background(), base, pairs))
	if len(errs)+len(merrs) > 0 {
		b.Fatal(errs, merrs)
	}
	defer func() {
		for _, c := range append(cs, mcs...) {
			c.Close()
		}
	}()
	list := func(s awsapi.Session) (int, time.Duration) {
		t0 := time.Now()
		n := 0
		if err := s.ListFunctions(context.Background(), func(p awsapi.Page) error { n += len(p.Functions); return nil }); err != nil {
			b.Fatal(err)
		}
		return n, time.Since(t0)
	}
	m := awsapi.NewMulti(ms...)
	var slowest, multi time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var worst time.Duration
		for _, s := range ss {
			if n, d := list(s); n != 2500 {
				b.Fatalf("pair listed %d", n)
			} else if d > worst {
				worst = d
			}
		}
		n, d := list(m)
		if n != 10000 {
			b.Fatalf("multi listed %d", n)
		}
		slowest += worst
		multi += d
	}
	b.ReportMetric(float64(slowest.Milliseconds())/float64(b.N), "slowest-pair-ms")
	b.ReportMetric(float64(multi.Milliseconds())/float64(b.N), "multi-ms")
	b.ReportMetric(float64(multi)/float64(slowest), "multi/slowest")
}
