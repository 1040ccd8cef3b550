package aws

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/model"
)

// contractBackend is one AWS implementation the contract suite runs against.
type contractBackend struct {
	name string
	// start returns the endpoint and the Config fields that select it.
	start func(t *testing.T) (endpoint string, cfg Config)
	// gaps are behaviours this backend is known to lack; a scenario that
	// hits one logs it instead of failing.
	gaps map[string]bool
}

// contractBackends is filled by the files that know each backend.
var contractBackends = []contractBackend{{
	name: "moto",
	start: func(t *testing.T) (string, Config) {
		ep := peers.StartMoto(t)
		motoCreateRole(t, ep)
		return ep, Config{EndpointURL: ep, StaticCredentials: true, Region: "us-east-1"}
	},
	gaps: map[string]bool{
		"paging":        true, // ListFunctions ignores Marker/MaxItems
		"account-floor": true, // no GetAccountSettings, no 100-unreserved floor
		"livetail":      true, // no StartLiveTail
		"invoke-report": true, // no runtime without Docker
	},
}}

// motoCreateRole creates the IAM role moto's CreateFunction checks for.
// moto routes by the credential scope and does not verify signatures.
func motoCreateRole(t *testing.T, ep string) {
	t.Helper()
	form := url.Values{
		"Action":                   {"CreateRole"},
		"Version":                  {"2010-05-08"},
		"RoleName":                 {"lambda-role"},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[]}`},
	}
	req, _ := http.NewRequest("POST", ep+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=sandbox/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("moto CreateRole: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("moto CreateRole: HTTP %d", resp.StatusCode)
	}
}

const testRole = "arn:aws:iam::123456789012:role/lambda-role"

func tinyZip() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("index.py")
	_, _ = w.Write([]byte("def handler(e, c):\n    return e\n"))
	_ = z.Close()
	return b.Bytes()
}

// seedFunctions creates n functions named prefix-0000.. through the SDK.
func seedFunctions(t *testing.T, c *Client, prefix string, n int) []string {
	t.Helper()
	ctx := context.Background()
	// Seed outside the rate budget (its own governor): setup, not under test.
	cfg := c.cfg
	cfg.Governor, cfg.Budgets = NewGovernor(), Budgets{QuotaLambdaControl: -1}
	c, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	code := tinyZip()
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%04d", prefix, i)
		_, err := c.lambda.CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName: &name,
			Runtime:      ltypes.RuntimePython312,
			Role:         sdkaws.String(testRole),
			Handler:      sdkaws.String("index.handler"),
			Code:         &ltypes.FunctionCode{ZipFile: code},
			MemorySize:   sdkaws.Int32(128),
			Timeout:      sdkaws.Int32(3),
		})
		if err != nil {
			t.Fatalf("CreateFunction %s: %v", name, err)
		}
		names = append(names, name)
	}
	return names
}

func openBackend(t *testing.T, b contractBackend) *Client {
	t.Helper()
	_, cfg := b.start(t)
	c, err := Open(context.Background(), testDirs(t, cfg))
	if err != nil {
		t.Fatalf("%s: Open: %v", b.name, err)
	}
	return c
}

// gap logs a known difference of the backend and reports whether it applies.
func gap(t *testing.T, b contractBackend, what, detail string) bool {
	if b.gaps[what] {
		t.Logf("known %s gap (%s): %s", b.name, what, detail)
		return true
	}
	return false
}

// TestContract runs the same scenarios against every backend: the
// sandbox and moto_server. Missing peers skip (fail under
// LAMBDAOPS_REQUIRE_PEERS=1).
func TestContract(t *testing.T) {
	for _, b := range contractBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			c := openBackend(t, b)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if c.Target().Account == "" || c.Target().Region != "us-east-1" {
				t.Fatalf("target %+v", c.Target())
			}
			names := seedFunctions(t, c, "ct", 60)

			t.Run("ListFunctionsStreams", func(t *testing.T) {
				var pages []Page
				err := c.ListFunctions(ctx, func(p Page) error { pages = append(pages, p); return nil })
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]bool{}
				for _, p := range pages {
					for _, f := range p.Functions {
						got[f.Name] = true
					}
				}
				for _, n := range names {
					if !got[n] {
						t.Fatalf("%s missing from the listing", n)
					}
				}
				if !pages[len(pages)-1].Last {
					t.Fatal("last page not marked")
				}
				if len(pages) == 1 {
					gap(t, b, "paging", "all functions came in one page") // sandbox has no such gap: fail
					if !b.gaps["paging"] {
						t.Fatal("expected pages of at most 50")
					}
				} else {
					for _, p := range pages {
						if len(p.Functions) > 50 {
							t.Fatalf("page %d has %d functions", p.Index, len(p.Functions))
						}
					}
				}
				if fns, _, ok := c.Snapshot(); !ok || len(fns) < len(names) {
					t.Fatalf("snapshot not written (%v, %d)", ok, len(fns))
				}
			})

			t.Run("GetFunction", func(t *testing.T) {
				d, err := c.GetFunction(ctx, names[0])
				if err != nil {
					t.Fatal(err)
				}
				if d.Function.Name != names[0] || !d.Function.Enriched || d.Function.MemoryMB != 128 {
					t.Fatalf("detail %+v", d.Function)
				}
			})

			t.Run("AliasesAndConflicts", func(t *testing.T) {
				fn := names[1]
				v1, err := c.PublishVersion(ctx, fn, "first")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.lambda.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
					FunctionName: &fn, MemorySize: sdkaws.Int32(256),
				}); err != nil {
					t.Fatal(err)
				}
				v2, err := c.PublishVersion(ctx, fn, "second")
				if err != nil {
					t.Fatal(err)
				}
				if v1.Version == v2.Version {
					t.Fatalf("both publishes returned version %s", v1.Version)
				}
				a, err := c.CreateAlias(ctx, model.Alias{Function: fn, Name: "live", Version: v1.Version})
				if err != nil {
					t.Fatal(err)
				}
				cur, err := c.GetAlias(ctx, fn, "live")
				if err != nil || cur.RevisionID == "" || cur.Version != v1.Version {
					t.Fatalf("alias %+v %v (created %+v)", cur, err, a)
				}
				shifted, err := c.UpdateAlias(ctx, cur, v1.Version, model.Routing{AdditionalVersion: v2.Version, Weight: 0.1})
				if err != nil {
					t.Fatal(err)
				}
				if shifted.Routing.AdditionalVersion != v2.Version || shifted.Routing.Weight != 0.1 {
					t.Fatalf("routing %+v", shifted.Routing)
				}
				if e, ok := c.Last(fn + ":live"); !ok || e.Action != "UpdateAlias" || e.After["weight"] != 0.1 {
					t.Fatalf("journal %+v", e)
				}
				// Writing with the stale alias (cur) is refused and nothing is overwritten.
				_, err = c.UpdateAlias(ctx, cur, v2.Version, model.Routing{})
				var ce *ConflictError
				if !errors.As(err, &ce) {
					t.Fatalf("stale write: %v", err)
				}
				if ce.Current.RevisionID != shifted.RevisionID || ce.Current.Routing.Weight != 0.1 {
					t.Fatalf("conflict carries %+v, want %+v", ce.Current, shifted)
				}
				now, _ := c.GetAlias(ctx, fn, "live")
				if now.Routing.Weight != 0.1 || now.Version != v1.Version {
					t.Fatalf("alias was overwritten: %+v", now)
				}
				als, err := c.ListAliases(ctx, fn)
				if err != nil || len(als) != 1 {
					t.Fatalf("aliases %v %v", als, err)
				}
				vs, err := c.ListVersions(ctx, fn)
				if err != nil || len(vs) < 3 {
					t.Fatalf("versions %v %v", vs, err)
				}
			})

			t.Run("ReservedConcurrency", func(t *testing.T) {
				fn := names[2]
				s, err := c.AccountSettings(ctx)
				if errors.Is(err, ErrUnsupported) {
					gap(t, b, "account-floor", err.Error())
					if !b.gaps["account-floor"] {
						t.Fatal(err)
					}
				} else if err != nil {
					t.Fatal(err)
				} else {
					// Reserving everything but 50 would break the floor: refused locally.
					err := c.PutReserved(ctx, fn, s.UnreservedConcurrentExecutions-50)
					var fe *FloorError
					if !errors.As(err, &fe) {
						t.Fatalf("want *FloorError, got %v", err)
					}
				}
				if err := c.PutReserved(ctx, fn, 7); err != nil {
					t.Fatal(err)
				}
				r, err := c.GetReserved(ctx, fn)
				if err != nil || r == nil || *r != 7 {
					t.Fatalf("reserved %v %v", r, err)
				}
				if err := c.DeleteReserved(ctx, fn); err != nil {
					t.Fatal(err)
				}
				e, ok := c.Last(fn)
				if !ok || e.Action != "DeleteFunctionConcurrency" || e.Before["reserved"] != float64(7) {
					t.Fatalf("journal %+v", e)
				}
			})

			t.Run("Invoke", func(t *testing.T) {
				if _, err := c.WaitUpdated(ctx, names[4]); err != nil {
					t.Fatal(err)
				}
				res, err := c.Invoke(ctx, model.InvokeRequest{Function: names[4], Payload: []byte(`{"ping":1}`)})
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != 200 {
					t.Fatalf("status %d", res.StatusCode)
				}
				if res.Report == nil && !gap(t, b, "invoke-report", fmt.Sprintf("no REPORT in the log tail (FunctionError %q)", res.FunctionError)) {
					t.Fatalf("no REPORT parsed from %q", res.LogTail)
				}
				if _, err := c.Invoke(ctx, model.InvokeRequest{Function: names[4], Type: model.DryRun}); err != nil {
					t.Fatal(err)
				}
			})

			t.Run("Metrics", func(t *testing.T) {
				end := c.cfg.Now().Truncate(time.Minute)
				var qs []model.MetricQuery
				for _, n := range names[:10] {
					qs = append(qs, model.MetricQuery{Function: n, Metric: "Invocations", Stat: "Sum"},
						model.MetricQuery{Function: n, Metric: "Duration", Stat: "p99"})
				}
				ss, err := c.GetMetrics(ctx, qs, end.Add(-10*time.Minute), end)
				if err != nil {
					t.Fatal(err)
				}
				if len(ss) != len(qs) || len(ss[0].Values) != 10 {
					t.Fatalf("series %d, points %d", len(ss), len(ss[0].Values))
				}
				if c.QueryCost() <= 0 {
					t.Fatal("cost not tracked")
				}
			})

			t.Run("Tail", func(t *testing.T) {
				group := "/aws/lambda/" + names[3]
				ensureLogGroup(t, c, group)
				tctx, tcancel := context.WithCancel(ctx)
				defer tcancel()
				ch := c.Tail(tctx, TailRequest{Groups: []string{group}, Backfill: time.Minute})
				putLog(t, c, group, "stream-1", "hello from the contract suite")
				deadline := time.After(20 * time.Second)
				t0 := time.Now()
				for {
					select {
					case b2, ok := <-ch:
						if !ok {
							t.Fatal("tail closed")
						}
						if b2.Err != nil {
							t.Logf("tail: %v", b2.Err)
						}
						for _, e := range b2.Events {
							if strings.Contains(e.Message, "hello from the contract suite") {
								t.Logf("mode %s after %v; errors: %v", b2.Mode, time.Since(t0), b2.Err)
								if b2.Mode == TailPoll {
									gap(t, b, "livetail", "fell back to FilterLogEvents polling")
								}
								return
							}
						}
					case <-deadline:
						t.Fatal("event never arrived")
					}
				}
			})
		})
	}
}

func ensureLogGroup(t *testing.T, c *Client, group string) {
	t.Helper()
	_, err := c.logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &group})
	if err != nil && errCode(err) != "ResourceAlreadyExistsException" {
		t.Fatalf("CreateLogGroup: %v", err)
	}
}

func putLog(t *testing.T, c *Client, group, stream, msg string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &group, LogStreamName: &stream})
	if err != nil && errCode(err) != "ResourceAlreadyExistsException" {
		t.Fatalf("CreateLogStream: %v", err)
	}
	_, err = c.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
		LogGroupName: &group, LogStreamName: &stream,
		LogEvents: []logtypes.InputLogEvent{{Message: &msg, Timestamp: sdkaws.Int64(c.cfg.Now().UnixMilli())}},
	})
	if err != nil {
		t.Fatalf("PutLogEvents: %v", err)
	}
}
