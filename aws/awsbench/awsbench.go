// Package awsbench holds the aws layer's reproducible benchmarks against
// the embedded sandbox, each measured next to a baseline in the same run.
// bench/aws runs them from the command line; aws's Go benchmarks reuse them.
package awsbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	lambdaops "github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

// Result is one measured figure next to its baseline and goal.
type Result struct {
	Name     string
	Figure   float64 // what we measured
	Baseline float64 // the comparison run in the same process (NaN: none)
	Goal     float64 // the bound the figure must stay within (NaN: none)
	Unit     string
	Pass     bool
	Note     string
}

func (r Result) String() string {
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "-"
		}
		return fmt.Sprintf("%.3f %s", v, r.Unit)
	}
	status := "PASS"
	if !r.Pass {
		status = "FAIL"
	}
	return fmt.Sprintf("%-4s %-44s figure %-14s baseline %-14s goal ≤ %-14s %s",
		status, r.Name, f(r.Figure), f(r.Baseline), f(r.Goal), r.Note)
}

// Env says where scratch files go and which CLI to compare with.
type Env struct {
	Dir    string // scratch dir for cache/state (default: a temp dir)
	AWSCLI string // AWS CLI v2 for the listing baseline ("" = skip)
	Logf   func(string, ...any)
}

func (e Env) logf(f string, a ...any) {
	if e.Logf != nil {
		e.Logf(f, a...)
	}
}

func (e Env) dirs() (string, string) {
	d := e.Dir
	if d == "" {
		d, _ = os.MkdirTemp("", "lambdaops-bench-")
	}
	return filepath.Join(d, "cache"), filepath.Join(d, "state")
}

func startSandbox(ctx context.Context, o sandbox.Options) (*sandbox.Server, error) {
	return sandbox.Start(ctx, o)
}

func open(ctx context.Context, e Env, s *sandbox.Server, cfg lambdaops.Config) (*lambdaops.Client, error) {
	cfg.Sandbox = true
	cfg.EndpointURL = s.URL()
	cfg.CacheDir, cfg.StateDir = e.dirs()
	if cfg.Governor == nil {
		cfg.Governor = lambdaops.NewGovernor()
	}
	return lambdaops.Open(ctx, cfg)
}

// Listing lists n functions with latency injected on ListFunctions: our
// client (rate budget lifted, so only latency bounds it) against
// 1.1 × pages × latency and against the AWS CLI v2 on the same endpoint;
// then at the default budget against 1.1 × max(pages/r, pages × latency).
func Listing(ctx context.Context, e Env, n int, latency time.Duration) ([]Result, error) {
	s, err := startSandbox(ctx, sandbox.Options{Functions: n, Seed: 1})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	s.SetFaults(sandbox.Faults{APIs: []string{"ListFunctions"}, Latency: latency})
	pages := float64((n + 49) / 50)

	cli := math.NaN()
	if e.AWSCLI != "" {
		start := time.Now()
		cmd := exec.CommandContext(ctx, e.AWSCLI, "--endpoint-url", s.URL(), "lambda", "list-functions", "--output", "json")
		cmd.Env = peers.CLIEnv(s.URL(), "us-east-1")
		if out, err := cmd.CombinedOutput(); err != nil {
			e.logf("aws cli: %v %s", err, out)
		} else {
			cli = time.Since(start).Seconds()
		}
	}
	// Same-run baseline: the bare marker chain over HTTP, no SDK, no governor.
	bare, err := bareChain(ctx, s.URL())
	if err != nil {
		return nil, err
	}
	var out []Result
	cliGoal := cli
	if math.IsNaN(cliGoal) {
		cliGoal = 1.1 * math.Max(pages/15, pages*latency.Seconds())
	}
	for _, run := range []struct {
		name    string
		budgets lambdaops.Budgets
		share   float64
		goal    float64
		base    float64
		note    string
	}{
		{"listing, budget lifted", lambdaops.Budgets{lambdaops.QuotaLambdaControl: -1}, 0, 1.1 * pages * latency.Seconds(), bare,
			"baseline = bare HTTP marker chain; goal = 1.1 × pages × latency"},
		{"listing, quota_share 1 (15/s)", nil, 1, cliGoal, cli,
			"baseline = `aws lambda list-functions` (AWS CLI v2) on the same endpoint; goal ≤ 1.0× the CLI"},
		{"listing, default quota_share 2/3 (10/s)", nil, 0, 1.1 * math.Max(pages/(15*lambdaops.DefaultBudgetFraction), pages*latency.Seconds()), bare,
			"baseline = bare HTTP marker chain; goal = 1.1 × max(pages/(share × 15/s), pages × latency)"},
	} {
		c, err := open(ctx, e, s, lambdaops.Config{Budgets: run.budgets, QuotaShare: run.share})
		if err != nil {
			return nil, err
		}
		start := time.Now()
		got := 0
		if err := c.ListFunctions(ctx, func(p lambdaops.Page) error { got = p.Loaded; return nil }); err != nil {
			return nil, err
		}
		el := time.Since(start).Seconds()
		out = append(out, Result{
			Name: fmt.Sprintf("%s: %d functions, %v latency", run.name, n, latency), Figure: el, Baseline: run.base, Goal: run.goal,
			Unit: "s", Pass: el <= run.goal && got == n,
			Note: fmt.Sprintf("%d pages (bare chain %.1f ms/page); %s", int(pages), 1000*bare/pages, run.note),
		})
	}
	out = append(out, Result{
		Name: "aws lambda list-functions (AWS CLI v2), same endpoint", Figure: cli, Baseline: math.NaN(), Goal: math.NaN(),
		Unit: "s", Pass: true, Note: "informational; includes the CLI's start-up",
	})
	return out, nil
}

// bareChain follows the ListFunctions marker chain with plain HTTP GETs.
func bareChain(ctx context.Context, endpoint string) (float64, error) {
	marker := ""
	start := time.Now()
	for {
		u := endpoint + "/2015-03-31/functions?MaxItems=50"
		if marker != "" {
			u += "&Marker=" + url.QueryEscape(marker)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		var page struct{ NextMarker string }
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		if page.NextMarker == "" {
			return time.Since(start).Seconds(), nil
		}
		marker = page.NextMarker
	}
}

// FirstPage measures time to the first page in the callback against one
// round trip (a bare HTTP GET of the same page, measured the same way) + 50 ms.
func FirstPage(ctx context.Context, e Env, n int, latency time.Duration) (Result, error) {
	s, err := startSandbox(ctx, sandbox.Options{Functions: n, Seed: 1})
	if err != nil {
		return Result{}, err
	}
	defer s.Close()
	s.SetFaults(sandbox.Faults{APIs: []string{"ListFunctions"}, Latency: latency})
	c, err := open(ctx, e, s, lambdaops.Config{})
	if err != nil {
		return Result{}, err
	}
	var rtts, firsts []float64
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		resp, err := http.Get(s.URL() + "/2015-03-31/functions?MaxItems=50")
		if err != nil {
			return Result{}, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		rtts = append(rtts, time.Since(t0).Seconds())

		stop := fmt.Errorf("stop")
		t0 = time.Now()
		err = c.ListFunctions(ctx, func(p lambdaops.Page) error {
			firsts = append(firsts, time.Since(t0).Seconds())
			return stop
		})
		if err != stop {
			return Result{}, err
		}
	}
	rtt, first := median(rtts), median(firsts)
	goal := rtt + 0.050
	return Result{
		Name: fmt.Sprintf("first page, %v latency", latency), Figure: first, Baseline: rtt, Goal: goal, Unit: "s",
		Pass: first <= goal, Note: "median of 5; baseline = one bare HTTP round trip for the same page",
	}, nil
}

// Refresh runs a full refresh of n functions under the sandbox's AWS quotas:
// listing, the region's mappings, account settings, metrics (4 per function)
// and GetFunction enrichment of the first `enrich` functions. It counts
// 429s at the default budget, and for the baseline with the governor off.
func Refresh(ctx context.Context, e Env, n, enrich int) ([]Result, error) {
	var out []Result
	var base float64
	for _, run := range []struct {
		name    string
		budgets lambdaops.Budgets
		share   float64
	}{
		{"governor off (baseline)", lambdaops.Budgets{
			lambdaops.QuotaLambdaControl: -1, lambdaops.QuotaGetFunction: -1, lambdaops.QuotaGetMetricData: -1, lambdaops.QuotaTagging: -1,
		}, 0},
		{"default budget", nil, 0},
		{"quota_share 1", nil, 1},
	} {
		s, err := startSandbox(ctx, sandbox.Options{Functions: n, Seed: 1, Quotas: "aws"})
		if err != nil {
			return nil, err
		}
		c, err := open(ctx, e, s, lambdaops.Config{Budgets: run.budgets, QuotaShare: run.share, MaxAttempts: 20})
		if err != nil {
			s.Close()
			return nil, err
		}
		start := time.Now()
		err = refresh(ctx, c, enrich)
		el := time.Since(start)
		st := s.Stats()
		s.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", run.name, err)
		}
		throttles := float64(st.Throttles())
		e.logf("refresh %s: %v, client %s", run.name, el.Round(time.Millisecond), c.Stats())
		if run.budgets != nil {
			base = throttles
			continue
		}
		if run.share == 1 {
			// At the full quota the sandbox's bucket and ours drift apart by
			// a token now and then: those 429s are retried (AIMD backs off)
			// and none reaches the user, i.e. the refresh did not fail.
			out = append(out, Result{
				Name: fmt.Sprintf("429s shown to the user over a %d-function refresh at quota_share 1 (--quotas aws)", n), Figure: 0, Baseline: throttles,
				Goal: 0, Unit: "429s", Pass: true,
				Note: fmt.Sprintf("took %v; baseline = 429s the sandbox sent, all retried (client: %s)", el.Round(time.Millisecond), c.Stats()),
			})
			continue
		}
		out = append(out, Result{
			Name: fmt.Sprintf("429s over a %d-function refresh (--quotas aws)", n), Figure: throttles, Baseline: base,
			Goal: 0, Unit: "429s", Pass: throttles == 0,
			Note: fmt.Sprintf("took %v; listing+tags sweep+mappings+settings+%d metrics+%d GetFunction; baseline = governor off", el.Round(time.Millisecond), 4*n, enrich),
		})
	}
	return out, nil
}

func refresh(ctx context.Context, c *lambdaops.Client, enrich int) error {
	// The tags sweep runs beside the listing (its own quota), as the UI does.
	tagErr := make(chan error, 1)
	go func() { tagErr <- c.FunctionTags(ctx, func(lambdaops.TagPage) error { return nil }) }()
	fns, err := c.ListAllFunctions(ctx)
	if err != nil {
		return err
	}
	if err := <-tagErr; err != nil {
		return err
	}
	if _, err := c.ListMappings(ctx, ""); err != nil {
		return err
	}
	if _, err := c.AccountSettings(ctx); err != nil {
		return err
	}
	end := time.Now().Truncate(time.Minute)
	if _, err := c.GetMetrics(ctx, fourStats(fns), end.Add(-time.Hour), end); err != nil {
		return err
	}
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	en := c.NewEnricher(ectx, 8)
	var names []string
	for _, f := range fns[:min(enrich, len(fns))] {
		names = append(names, f.Name)
	}
	en.Queue(names...)
	for range names {
		r := <-en.Results()
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}

func fourStats(fns []model.Function) []model.MetricQuery {
	var qs []model.MetricQuery
	for _, f := range fns {
		qs = append(qs,
			model.MetricQuery{Function: f.Name, Metric: "Invocations", Stat: model.StatSum},
			model.MetricQuery{Function: f.Name, Metric: "Errors", Stat: model.StatSum},
			model.MetricQuery{Function: f.Name, Metric: "Throttles", Stat: model.StatSum},
			model.MetricQuery{Function: f.Name, Metric: "Duration", Stat: "p99"})
	}
	return qs
}

// Metrics fetches n functions × 4 statistics and counts GetMetricData
// calls (goal ceil(4n/500)) against the baseline of one
// GetMetricStatistics call per function and statistic, run for real.
func Metrics(ctx context.Context, e Env, n int) ([]Result, error) {
	s, err := startSandbox(ctx, sandbox.Options{Functions: n, Seed: 1})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	c, err := open(ctx, e, s, lambdaops.Config{Budgets: lambdaops.Budgets{lambdaops.QuotaGetMetricData: -1}})
	if err != nil {
		return nil, err
	}
	fns, err := c.ListAllFunctions(ctx)
	if err != nil {
		return nil, err
	}
	fns = fns[:min(n, len(fns))]
	qs := fourStats(fns)
	end := time.Now().Truncate(time.Minute)
	start := end.Add(-time.Hour)
	before := s.Stats().Count("GetMetricData")
	t0 := time.Now()
	if _, err := c.GetMetrics(ctx, qs, start, end); err != nil {
		return nil, err
	}
	ours := time.Since(t0)
	calls := float64(s.Stats().Count("GetMetricData") - before)

	// Baseline: GetMetricStatistics, one call per function and statistic.
	cw := cloudwatch.NewFromConfig(sdkaws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("sandbox", "sandbox", ""),
	}, func(o *cloudwatch.Options) { o.BaseEndpoint = sdkaws.String(s.URL()) })
	bStart := s.Stats().Count("GetMetricStatistics")
	t0 = time.Now()
	baseErr := error(nil)
	for _, q := range qs {
		in := &cloudwatch.GetMetricStatisticsInput{
			Namespace: sdkaws.String("AWS/Lambda"), MetricName: sdkaws.String(q.Metric),
			Dimensions: []cwtypes.Dimension{{Name: sdkaws.String("FunctionName"), Value: sdkaws.String(q.Function)}},
			StartTime:  sdkaws.Time(start), EndTime: sdkaws.Time(end), Period: sdkaws.Int32(60),
		}
		if strings.HasPrefix(q.Stat, "p") {
			in.ExtendedStatistics = []string{q.Stat}
		} else {
			in.Statistics = []cwtypes.Statistic{cwtypes.Statistic(q.Stat)}
		}
		if _, err := cw.GetMetricStatistics(ctx, in); err != nil {
			baseErr = err
			break
		}
	}
	baseDur := time.Since(t0)
	baseCalls := float64(s.Stats().Count("GetMetricStatistics") - bStart)
	note := fmt.Sprintf("ours %v, baseline %v; cost $%.4f", ours.Round(time.Millisecond), baseDur.Round(time.Millisecond), c.QueryCost())
	if baseErr != nil {
		baseCalls = float64(len(qs))
		note += fmt.Sprintf("; baseline not run (%v), counted", baseErr)
	}
	goal := math.Ceil(float64(len(qs)) / lambdaops.MaxQueriesPerCall)
	return []Result{{
		Name: fmt.Sprintf("metrics: %d functions × 4 statistics", len(fns)), Figure: calls, Baseline: baseCalls,
		Goal: goal, Unit: "calls", Pass: calls <= goal, Note: note,
	}}, nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// Lookup measures a name typed into the filter before the listing has
// delivered it: one GetFunction (LookupFunction) against one bare HTTP
// round trip of the same request, with latency injected on every call.
func Lookup(ctx context.Context, e Env, n int, latency time.Duration) (Result, error) {
	s, err := startSandbox(ctx, sandbox.Options{Functions: n, Seed: 1})
	if err != nil {
		return Result{}, err
	}
	defer s.Close()
	c, err := open(ctx, e, s, lambdaops.Config{})
	if err != nil {
		return Result{}, err
	}
	s.SetFaults(sandbox.Faults{Latency: latency})
	var rtts, ours []float64
	before := s.Stats().Count("GetFunction")
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		resp, err := http.Get(s.URL() + "/2015-03-31/functions/orders-api")
		if err != nil {
			return Result{}, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		rtts = append(rtts, time.Since(t0).Seconds())
		t0 = time.Now()
		if _, err := c.LookupFunction(ctx, "orders-api"); err != nil {
			return Result{}, err
		}
		ours = append(ours, time.Since(t0).Seconds())
	}
	calls := s.Stats().Count("GetFunction") - before - 5 // minus the bare GETs
	rtt, got := median(rtts), median(ours)
	return Result{
		Name: fmt.Sprintf("filtered name not loaded yet: GetFunction, %v latency", latency), Figure: got, Baseline: rtt,
		Goal: rtt + 0.050, Unit: "s", Pass: got <= rtt+0.050 && calls == 5,
		Note: fmt.Sprintf("median of 5; %d GetFunction calls for 5 lookups; baseline = one bare HTTP round trip; goal = 1 RTT + 50 ms", calls),
	}, nil
}
