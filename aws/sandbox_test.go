package aws

import (
	"context"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/internal/sandboxtest"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

func init() {
	contractBackends = append([]contractBackend{{
		name: "sandbox",
		start: func(t *testing.T) (string, Config) {
			s := startSandbox(t, sandbox.Options{Empty: true})
			return s.URL(), Config{EndpointURL: s.URL(), Sandbox: true}
		},
		gaps: map[string]bool{},
	}}, contractBackends...)
}

func startSandbox(t testing.TB, o sandbox.Options) *sandbox.Server {
	t.Helper()
	return sandboxtest.Start(t, o)
}

func openSandbox(t *testing.T, s *sandbox.Server, cfg Config) *Client {
	t.Helper()
	cfg.Sandbox = true
	cfg.EndpointURL = s.URL()
	c, err := Open(context.Background(), testDirs(t, cfg))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() }) // before the temporary directories go
	return c
}

// TestFirstPageBeforeSecondRequested checks the streaming contract: the
// callback has page 1 while the server has seen exactly one ListFunctions.
func TestFirstPageBeforeSecondRequested(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 260, Seed: 1})
	c := openSandbox(t, s, Config{})
	var pages []Page
	err := c.ListFunctions(context.Background(), func(p Page) error {
		if got := s.Stats().Count("ListFunctions"); got != int64(p.Index+1) {
			t.Errorf("page %d delivered after %d ListFunctions requests", p.Index, got)
		}
		pages = append(pages, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 6 || pages[5].Loaded != 260 || !pages[5].Last || len(pages[0].Functions) != 50 {
		t.Fatalf("pages %d, loaded %d", len(pages), pages[len(pages)-1].Loaded)
	}
	// Stopping early stops paging.
	before := s.Stats().Count("ListFunctions")
	stop := errors.New("stop")
	if err := c.ListFunctions(context.Background(), func(Page) error { return stop }); !errors.Is(err, stop) {
		t.Fatal(err)
	}
	if s.Stats().Count("ListFunctions") != before+1 {
		t.Fatal("paging went on after the callback stopped it")
	}
	// Snapshot from the complete listing, readable by a new session.
	if _, _, ok := c.Snapshot(); !ok { // waits for the background write
		t.Fatal("no snapshot")
	}
	c2, err := Open(context.Background(), c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	fns, _, ok := c2.Snapshot()
	if !ok || len(fns) != 260 {
		t.Fatalf("snapshot ok=%v n=%d", ok, len(fns))
	}
}

// TestFaults: throttles, 5xx, dropped connections and latency on every
// API; the client still lists, reads and writes correctly.
func TestFaults(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]sandbox.Faults{
		"throttle": {ThrottleRate: 0.2},
		"5xx":      {ErrorRate: 0.25},
		"drop":     {DropRate: 0.3},
		"latency":  {Latency: 20 * time.Millisecond, Jitter: 10 * time.Millisecond},
		"mixed":    {ThrottleRate: 0.1, ErrorRate: 0.1, DropRate: 0.05},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := startSandbox(t, sandbox.Options{Seed: 7})
			c := openSandbox(t, s, Config{Budgets: Budgets{QuotaLambdaControl: 100, QuotaGetFunction: 100}})
			s.SetFaults(f)
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			fns, err := c.ListAllFunctions(ctx)
			if err != nil || len(fns) != 150 {
				t.Fatalf("listing under %s: %d, %v", name, len(fns), err)
			}
			if _, err := c.GetFunction(ctx, "orders-api"); err != nil {
				t.Fatal(err)
			}
			a, err := c.GetAlias(ctx, "checkout-api", "live")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.UpdateAlias(ctx, a, a.Version, model.Routing{AdditionalVersion: a.Routing.AdditionalVersion, Weight: 0.2}); err != nil {
				t.Fatal(err)
			}
			st := c.Stats()
			t.Logf("%s: client %s; throttled %d, failed %d; server 429s %d",
				name, st, st.Total(st.Throttled), st.Total(st.Failed), s.Stats().Throttles())
			if f.ThrottleRate > 0 && st.Total(st.Throttled) == 0 {
				t.Fatal("no throttles seen: fault injection not effective")
			}
			if (f.ErrorRate > 0 || f.DropRate > 0) && st.Total(st.Failed) == 0 {
				t.Fatal("no failures seen: fault injection not effective")
			}
		})
	}
}

// TestQuotasNoThrottles: under the sandbox's AWS quotas, a refresh (listing,
// mappings, account settings, a burst of enrichment) at the default budget
// gets no 429 at all.
func TestQuotasNoThrottles(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 600, Seed: 3, Quotas: "aws"})
	c := openSandbox(t, s, Config{})
	ctx := context.Background()
	fns, err := c.ListAllFunctions(ctx)
	if err != nil || len(fns) != 600 {
		t.Fatal(len(fns), err)
	}
	if _, err := c.ListMappings(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AccountSettings(ctx); err != nil {
		t.Fatal(err)
	}
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	e := c.NewEnricher(ectx, 8)
	var names []string
	for _, f := range fns[:150] {
		names = append(names, f.Name)
	}
	e.Queue(names...)
	for i := 0; i < len(names); i++ {
		r := <-e.Results()
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	if n := s.Stats().Throttles(); n != 0 {
		t.Fatalf("%d throttles at the default budget", n)
	}
}

// TestThrottleStormNoFastFailure: with 90% of Lambda calls throttled the
// SDK retry quota must not drain into "failed to get rate limit token".
func TestThrottleStormNoFastFailure(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 60, Seed: 2})
	c := openSandbox(t, s, Config{MaxAttempts: 30, Budgets: Budgets{QuotaLambdaControl: -1}})
	s.SetFaults(sandbox.Faults{APIs: []string{"GetAccountSettings"}, ThrottleRate: 0.5})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var fails atomic.Int64
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 2; j++ {
				if _, err := c.AccountSettings(ctx); err != nil {
					fails.Add(1)
					t.Logf("failed: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	if fails.Load() > 0 {
		t.Fatalf("%d calls failed under a throttle storm", fails.Load())
	}
	st := c.Stats()
	if st.Throttled["GetAccountSettings"] == 0 {
		t.Fatal("no throttles injected")
	}
	t.Logf("sent %d, throttled %d", st.Sent["GetAccountSettings"], st.Throttled["GetAccountSettings"])
}

// TestConcurrentCLIChangeDetected: an operator changes the alias with the
// AWS CLI v2 between our read and our write. Both windows are covered:
// before our pre-read, and between pre-read and UpdateAlias (412).
func TestConcurrentCLIChangeDetected(t *testing.T) {
	t.Parallel()
	cli := peers.AWSCLIv2(t)
	s := startSandbox(t, sandbox.Options{Seed: 5})
	runCLI := func(weight string) {
		cmd := exec.Command(cli, "--endpoint-url", s.URL(), "lambda", "update-alias", "--function-name", "checkout-api", "--name", "live",
			"--routing-config", "AdditionalVersionWeights={8="+weight+"}", "--output", "json")
		cmd.Env = peers.CLIEnv(s.URL(), "us-east-1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws lambda update-alias: %v\n%s", err, out)
		}
	}
	t.Run("BeforeRead", func(t *testing.T) {
		c := openSandbox(t, s, Config{})
		ctx := context.Background()
		cur, err := c.GetAlias(ctx, "checkout-api", "live")
		if err != nil {
			t.Fatal(err)
		}
		runCLI("0.3")
		_, err = c.UpdateAlias(ctx, cur, cur.Version, model.Routing{AdditionalVersion: "8", Weight: 0.5})
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Current.Routing.Weight != 0.3 {
			t.Fatalf("want conflict with weight 0.3, got %v", err)
		}
		now, _ := c.GetAlias(ctx, "checkout-api", "live")
		if now.Routing.Weight != 0.3 {
			t.Fatalf("CLI change overwritten: %+v", now)
		}
		if _, ok := c.LastAction("checkout-api:live", "UpdateAlias"); ok {
			t.Fatal("a refused update journaled as ok")
		}
	})
	t.Run("BetweenPreReadAndWrite", func(t *testing.T) {
		// The CLI runs when our UpdateAlias request is about to leave, after
		// the pre-read: only RevisionId (412) can catch this one.
		var c *Client
		hook := &hookHTTP{next: http.DefaultClient, before: func(r *http.Request) {
			if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/aliases/live") {
				runCLI("0.4")
			}
		}}
		c = openSandbox(t, s, Config{HTTPClient: &http.Client{Transport: hook}})
		ctx := context.Background()
		cur, err := c.GetAlias(ctx, "checkout-api", "live")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.UpdateAlias(ctx, cur, cur.Version, model.Routing{AdditionalVersion: "8", Weight: 0.6})
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Current.Routing.Weight != 0.4 {
			t.Fatalf("want conflict with weight 0.4, got %v", err)
		}
		if s.Stats().Status(412) == 0 {
			t.Fatal("the server never refused with 412")
		}
	})
}

type hookHTTP struct {
	next   *http.Client
	before func(*http.Request)
	once   sync.Once
}

func (h *hookHTTP) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/aliases/") {
		h.once.Do(func() { h.before(r) })
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestDemoFleetOperations covers mutations, the journal and Invoke on the demo fleet.
func TestDemoFleetOperations(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Seed: 11})
	c := openSandbox(t, s, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("Floor", func(t *testing.T) {
		st, err := c.AccountSettings(ctx)
		if err != nil || st.ConcurrentExecutions != 1000 {
			t.Fatal(st, err)
		}
		before := s.Stats().Count("PutFunctionConcurrency")
		err = c.PutReserved(ctx, "orders-api", st.UnreservedConcurrentExecutions+10-50)
		var fe *FloorError
		if !errors.As(err, &fe) || fe.CurrentReserved != 10 {
			t.Fatalf("want FloorError, got %v", err)
		}
		if s.Stats().Count("PutFunctionConcurrency") != before {
			t.Fatal("a refused reservation was sent")
		}
		if err := c.PutReserved(ctx, "orders-api", 30); err != nil {
			t.Fatal(err)
		}
		e, ok := c.Last("orders-api")
		if !ok || e.Before["reserved"] != float64(10) || e.After["reserved"] != float64(30) || e.RequestID == "" {
			t.Fatalf("journal %+v", e)
		}
	})

	t.Run("Invoke", func(t *testing.T) {
		res, err := c.Invoke(ctx, model.InvokeRequest{Function: "checkout-api", Qualifier: "live", Payload: []byte(`{"secret":"s3cr3t"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Report == nil || res.Report.RequestID == "" || res.ExecutedVersion == "" {
			t.Fatalf("result %+v", res)
		}
		e, ok := c.LastAction("checkout-api:live", "Invoke")
		if !ok || e.PayloadSize != 19 || len(e.PayloadSHA256) != 64 {
			t.Fatalf("journal %+v", e)
		}
		es, _ := c.journal.entries()
		for _, e := range es {
			for _, v := range []any{e.Before, e.After, e.Reason} {
				if strings.Contains(toString(v), "s3cr3t") {
					t.Fatal("payload content in the journal")
				}
			}
		}
		if _, err := c.Invoke(ctx, model.InvokeRequest{Function: "checkout-api", Type: model.Event, Payload: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Mapping", func(t *testing.T) {
		ms, err := c.ListMappings(ctx, "")
		if err != nil || len(ms) == 0 {
			t.Fatal(ms, err)
		}
		var m model.ESM
		for _, x := range ms {
			if x.Function == "clickstream-processor" {
				m = x
			}
		}
		if m.UUID == "" {
			t.Fatal("clickstream-processor mapping missing")
		}
		off := false
		if _, err := c.UpdateMapping(ctx, m.UUID, &off, nil, "incident 42"); err != nil {
			t.Fatal(err)
		}
		e, ok := c.Last("clickstream-processor/esm/" + m.UUID)
		if !ok || e.Reason != "incident 42" || e.Before["enabled"] != true || e.After["enabled"] != false || e.Function != "clickstream-processor" {
			t.Fatalf("journal %+v", e)
		}
	})

	t.Run("Provisioned", func(t *testing.T) {
		p, err := c.PutProvisioned(ctx, "search-api", "prod", 8)
		if err != nil || p.Requested != 8 {
			t.Fatal(p, err)
		}
		e, _ := c.Last("search-api:prod")
		if e.Before["provisioned"] != float64(5) {
			t.Fatalf("journal %+v", e)
		}
		ps, err := c.ListProvisioned(ctx, "search-api")
		if err != nil || len(ps) == 0 {
			t.Fatal(ps, err)
		}
	})

	t.Run("PublishWaitsForUpdate", func(t *testing.T) {
		fn := "image-resizer"
		if _, err := c.lambda.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
			FunctionName: &fn, MemorySize: sdkaws.Int32(512),
		}); err != nil {
			t.Fatal(err)
		}
		v, err := c.PublishVersion(ctx, fn, "right-sized")
		if err != nil {
			t.Fatal(err)
		}
		if v.MemoryMB != 512 || s.Stats().Status(409) != 0 || v.Reused {
			t.Fatalf("version %+v, 409s %d", v, s.Stats().Status(409))
		}
		// Nothing changed since: Lambda answers with the same version, and
		// the result says nothing was published.
		again, err := c.PublishVersion(ctx, fn, "typed again")
		if err != nil {
			t.Fatal(err)
		}
		if !again.Reused || again.Version != v.Version {
			t.Fatalf("unchanged publish: %+v, want version %s reused", again, v.Version)
		}
		if e, ok := c.Last(fn); !ok || e.After["unchanged"] != true {
			t.Fatalf("journal %+v", e.After)
		}
	})

	t.Run("AllVersions", func(t *testing.T) {
		seen := map[string]bool{}
		err := c.ListAllVersions(ctx, func(p Page) error {
			for _, f := range p.Functions {
				if f.Name == "checkout-api" {
					seen[f.Version] = true
				}
			}
			return nil
		})
		if err != nil || !seen["7"] || !seen["8"] || !seen["$LATEST"] {
			t.Fatalf("checkout-api versions %v, %v", seen, err)
		}
	})

	t.Run("Connector", func(t *testing.T) {
		old := c.Target()
		c1 := openSandbox(t, s, Config{MaxAttempts: 1})
		s.SetFaults(sandbox.Faults{APIs: []string{"GetCallerIdentity"}, ErrorRate: 1})
		if _, err := c1.Connect(ctx, "", "eu-west-1"); err == nil {
			t.Fatal("connect succeeded although STS fails")
		}
		s.SetFaults(sandbox.Faults{})
		if c.Target() != old {
			t.Fatal("target changed after a failed switch")
		}
		n, err := c.Connect(ctx, "", "eu-west-1")
		if err != nil {
			t.Fatal(err)
		}
		if n.Target().Region != "eu-west-1" || c.Target().Region != "us-east-1" {
			t.Fatalf("new %+v old %+v", n.Target(), c.Target())
		}
	})
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		var b strings.Builder
		for k, v := range x {
			b.WriteString(k + "=" + toString(v) + ";")
		}
		return b.String()
	}
	return ""
}

// TestEnricherPriority: names marked visible are fetched before the background queue.
func TestEnricherPriority(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Seed: 4})
	c := openSandbox(t, s, Config{})
	fns, err := c.ListAllFunctions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := c.NewEnricher(ctx, 1)
	// Fill the queue before the worker can drain it: queue, then visible.
	var bg []string
	for _, f := range fns[:100] {
		bg = append(bg, f.Name)
	}
	e.mu.Lock()
	e.bg = append(e.bg, bg...)
	e.visible = []string{"orders-api", "checkout-api"}
	e.mu.Unlock()
	e.Queue()
	got := []string{}
	for len(got) < 3 {
		r := <-e.Results()
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		got = append(got, r.Name)
		if r.Name == "orders-api" && (r.Function.Reserved == nil || *r.Function.Reserved != 10 || !r.Function.Enriched) {
			t.Fatalf("orders-api enrichment %+v", r.Function)
		}
	}
	// The first result may be a background name already in flight; the
	// visible ones must come next.
	joined := strings.Join(got, ",")
	if !strings.Contains(joined, "orders-api") || !strings.Contains(joined, "checkout-api") {
		t.Fatalf("visible names not first: %v", got)
	}
}

// TestMappingTagsForDriftWarning checks that one function's mappings carry
// their tags (ListTags on the mapping ARN), so the UI can warn before
// changing a mapping that CloudFormation manages; a region-wide sweep makes
// no per-mapping calls.
func TestMappingTagsForDriftWarning(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 60, Seed: 1})
	c := openSandbox(t, s, Config{})
	ctx := context.Background()
	all, err := c.ListMappings(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	before := s.Stats().Count("ListTags")
	managed := 0
	seen := map[string]bool{}
	for _, m := range all {
		if m.Tags != nil {
			t.Fatalf("region-wide sweep fetched tags for %s", m.UUID)
		}
		if seen[m.Function] {
			continue
		}
		seen[m.Function] = true
		ms, err := c.ListMappings(ctx, m.Function)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ms {
			if x.ARN == "" {
				t.Fatalf("mapping %s has no ARN", x.UUID)
			}
			if x.Tags["aws:cloudformation:stack-name"] != "" {
				managed++
			}
		}
	}
	if managed == 0 {
		t.Fatal("no mapping of a CloudFormation-managed function carries the stack tag")
	}
	if s.Stats().Count("ListTags") == before {
		t.Fatal("per-function listing made no ListTags call")
	}
}

// TestConfirmedChangeOutlivesItsCaller: a pane that closes right after the
// operator confirmed cancels its context; the change must still be applied
// once and journaled as applied, never abandoned half-way.
func TestConfirmedChangeOutlivesItsCaller(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 20, Seed: 1})
	c := openSandbox(t, s, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.PutReserved(ctx, "orders-api", 7); err != nil {
		t.Fatalf("PutReserved with a cancelled caller: %v", err)
	}
	n, err := c.GetReserved(context.Background(), "orders-api")
	if err != nil || n == nil || *n != 7 {
		t.Fatalf("reserved after the change: %v, %v", n, err)
	}
	e, ok := c.Last("orders-api")
	if !ok || e.Result != "ok" || e.Action != "PutFunctionConcurrency" {
		t.Fatalf("journal %+v %v", e, ok)
	}
	if got := s.Stats().Count("PutFunctionConcurrency"); got != 1 {
		t.Fatalf("PutFunctionConcurrency sent %d times, want 1", got)
	}
}
