// Command aws-bench reruns the aws layer's benchmarks against an embedded
// sandbox and prints each figure next to its baseline and goal:
//
//	go run ./bench/aws                 # everything (about two minutes)
//	go run ./bench/aws -only listing   # listing | first | refresh | metrics
//
// The listing baseline is `aws lambda list-functions` (AWS CLI v2, found at
// -cli) on the same endpoint; pass -cli "" to skip it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/aws/awsbench"
)

func main() {
	only := flag.String("only", "", "run one benchmark: listing, first, refresh or metrics")
	n := flag.Int("functions", 10000, "fleet size for listing and refresh")
	latency := flag.Duration("latency", 50*time.Millisecond, "latency injected on ListFunctions")
	cli := flag.String("cli", "/usr/bin/aws", "AWS CLI v2 for the listing baseline (\"\" to skip)")
	enrich := flag.Int("enrich", 1000, "functions enriched with GetFunction during the refresh")
	metricsN := flag.Int("metrics-functions", 1000, "functions for the metrics benchmark")
	verbose := flag.Bool("v", false, "log details")
	flag.Parse()

	if *cli != "" {
		if _, err := os.Stat(*cli); err != nil {
			fmt.Fprintf(os.Stderr, "AWS CLI v2 not found at %s: listing baseline skipped\n", *cli)
			*cli = ""
		}
	}
	dir, err := os.MkdirTemp("", "lambdaops-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	env := awsbench.Env{Dir: dir, AWSCLI: *cli}
	if *verbose {
		env.Logf = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
	}
	ctx := context.Background()
	want := func(name string) bool { return *only == "" || strings.EqualFold(*only, name) }
	var results []awsbench.Result
	fail := false
	run := func(name string, f func() ([]awsbench.Result, error)) {
		if !want(name) {
			return
		}
		rs, err := f()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			fail = true
			return
		}
		for _, r := range rs {
			fmt.Println(r)
			fail = fail || !r.Pass
		}
		results = append(results, rs...)
	}
	run("first", func() ([]awsbench.Result, error) {
		r, err := awsbench.FirstPage(ctx, env, *n, *latency)
		return []awsbench.Result{r}, err
	})
	run("listing", func() ([]awsbench.Result, error) { return awsbench.Listing(ctx, env, *n, *latency) })
	run("metrics", func() ([]awsbench.Result, error) { return awsbench.Metrics(ctx, env, *metricsN) })
	run("refresh", func() ([]awsbench.Result, error) { return awsbench.Refresh(ctx, env, *n, *enrich) })
	if fail {
		os.Exit(1)
	}
}
