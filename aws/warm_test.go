package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

func sampleFleet(n int) []model.Function {
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	out := make([]model.Function, n)
	for i := range out {
		name := fmt.Sprintf("team%d-service-%05d", i%7, i)
		f := model.Function{Name: name, ARN: "arn:aws:lambda:us-east-1:123456789012:function:" + name,
			Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::123456789012:role/" + name + "-role",
			Description: "the " + name + " function", Architecture: "arm64", MemoryMB: 128 << (i % 4), TimeoutSec: 3 + i%60,
			EphemeralMB: 512, PackageType: "Zip", CodeSize: int64(1000 + i), CodeSHA256: "q2VdM1c1cEN0b2tlbjEyMzQ1Njc4OTAxMjM0NTY3OA=",
			LastModified: base.Add(-time.Duration(i) * time.Minute), Version: "$LATEST", State: "Active",
			LastUpdateStatus: "Successful", RevisionID: "3b1e7c2a-0f4d-4c7e-9a77-5c0f2f1e1a2b", TracingMode: "PassThrough",
			SnapStart: "None", Logging: model.LoggingConfig{LogFormat: "Text", LogGroup: "/aws/lambda/" + name},
			Env: map[string]string{"STAGE": "", "TABLE": ""}}
		if i%3 == 0 {
			f.Layers = []model.Layer{{ARN: "arn:aws:lambda:us-east-1:123456789012:layer:common:7", CodeSize: 4096}}
			f.VPC = &model.VPCConfig{VPCID: "vpc-1", SubnetIDs: []string{"subnet-a", "subnet-b"}, SecurityGroupIDs: []string{}}
		}
		if i%2 == 0 {
			f.Enriched, f.TagsKnown = true, true
			f.Tags = map[string]string{"team": fmt.Sprintf("team%d", i%7), "stage": "prod"}
			if i%10 == 0 {
				r := i % 50
				f.Reserved = &r
			}
		}
		out[i] = f
	}
	return out
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := snapshotFile{Version: snapshotVersion, Account: "123456789012", Region: "us-east-1", Endpoint: "http://x",
		Taken: time.Date(2026, 12, 3, 4, 5, 6, 7, time.UTC), Functions: sampleFleet(300)}
	s.Functions = append(s.Functions, model.Function{}) // the zero value survives too
	got, err := decodeSnapshot(encodeSnapshot(s))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		for i := range s.Functions {
			if !reflect.DeepEqual(got.Functions[i], s.Functions[i]) {
				t.Fatalf("function %d:\n got %+v\nwant %+v", i, got.Functions[i], s.Functions[i])
			}
		}
		t.Fatalf("header: got %+v", got)
	}
	b := encodeSnapshot(s)
	for _, n := range []int{0, 5, len(snapshotMagic), len(b) / 2, len(b) - 1} {
		if _, err := decodeSnapshot(b[:n]); err == nil {
			t.Fatalf("truncated at %d decoded", n)
		}
	}
}

// TestSnapshotCoversFunction fails when model.Function gains a field: the
// binary snapshot (encodeFunction/decodeFunction) must learn it too.
func TestSnapshotCoversFunction(t *testing.T) {
	if n := reflect.TypeOf(model.Function{}).NumField(); n != 31 {
		t.Fatalf("model.Function has %d fields; teach aws/cache.go's encodeFunction and decodeFunction the new ones, then update this count", n)
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(encodeSnapshot(snapshotFile{Account: "1", Functions: sampleFleet(3)}))
	f.Add([]byte(snapshotMagic + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeSnapshot(b) // must not panic or allocate wildly
	})
}

// BenchmarkSnapshotDecode: the binary snapshot against the JSON one it
// replaced, 10,000 functions (go test ./aws -run '^$' -bench SnapshotDecode).
func BenchmarkSnapshotDecode(b *testing.B) {
	s := snapshotFile{Version: snapshotVersion, Account: "123456789012", Region: "us-east-1", Taken: time.Now(), Functions: sampleFleet(10_000)}
	bin := encodeSnapshot(s)
	js, _ := encodeSnapshotJSON(s)
	b.Run("binary", func(b *testing.B) {
		b.SetBytes(int64(len(bin)))
		for i := 0; i < b.N; i++ {
			if _, err := decodeSnapshot(bin); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-baseline", func(b *testing.B) {
		b.SetBytes(int64(len(js)))
		for i := 0; i < b.N; i++ {
			if _, err := decodeSnapshotJSON(js); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// switchableSTS answers GetCallerIdentity with the account it holds and
// counts requests.
type switchableSTS struct {
	account atomic.Value
	calls   atomic.Int64
	gate    chan struct{} // when non-nil, STS answers only once it is closed
	srv     *httptest.Server
}

func newSwitchableSTS(t *testing.T, account string) *switchableSTS {
	f := &switchableSTS{}
	f.account.Store(account)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") != "GetCallerIdentity" {
			w.WriteHeader(500)
			return
		}
		f.calls.Add(1)
		if f.gate != nil {
			<-f.gate
		}
		a := f.account.Load().(string)
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>%s</Account><Arn>arn:aws:iam::%s:user/t</Arn><UserId>AID</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`, a, a)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func TestWarmOpenFromRememberedIdentity(t *testing.T) {
	f := newSwitchableSTS(t, "111111111111")
	cfg := testDirs(t, Config{StaticCredentials: true, Region: "us-east-1", EndpointURL: f.srv.URL, Warm: true})
	// Nothing remembered: Open checks with STS first and remembers.
	c, err := Open(context.Background(), cfg)
	if err != nil || c.Target().Account != "111111111111" || f.calls.Load() != 1 {
		t.Fatalf("first open: %v %+v calls %d", err, c.Target(), f.calls.Load())
	}
	if err := c.Validated(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Remembered: Open returns before STS answers, with the old account.
	f.gate = make(chan struct{})
	c2, err := Open(context.Background(), cfg)
	if err != nil || c2.Target().Account != "111111111111" {
		t.Fatalf("warm open: %v %+v", err, c2.Target())
	}
	f.account.Store("222222222222")
	close(f.gate)
	var ac *AccountChangedError
	if err := c2.Validated(context.Background()); !errors.As(err, &ac) || ac.Cached != "111111111111" || ac.Now != "222222222222" {
		t.Fatalf("validated: %v", err)
	}
	if c2.Target().Account != "222222222222" {
		t.Fatalf("the session kept the old account: %+v", c2.Target())
	}
	if err := c2.Validated(context.Background()); err != nil {
		t.Fatalf("the change is reported once: %v", err)
	}
	// The new account is remembered for the next start.
	if id, ok := loadIdentity(cfg.CacheDir, c2.identityKey()); !ok || id.Account != "222222222222" {
		t.Fatalf("remembered %+v %v", id, ok)
	}
	// A connector switch always validates first.
	f.gate = nil
	before := f.calls.Load()
	if _, err := c2.Connect(context.Background(), "", ""); err != nil || f.calls.Load() != before+1 {
		t.Fatalf("connect: %v, calls %d→%d", err, before, f.calls.Load())
	}
}

func TestWarmOpenEndpointDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // a closed port: connections are refused
	cfg := testDirs(t, Config{StaticCredentials: true, Region: "us-east-1", EndpointURL: url, Warm: true})
	// Nothing remembered: a clear network error, not a credentials one.
	_, err = Open(context.Background(), cfg)
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Reason != "connection refused" {
		t.Fatalf("open: %v", err)
	}
	// Remembered: the session opens, and says why it cannot validate.
	if err := saveIdentity(cfg.CacheDir, identityKey("", "us-east-1", url), model.Identity{Account: "123456789012"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := Open(context.Background(), cfg)
	if err != nil || c.Target().Account != "123456789012" {
		t.Fatalf("warm open: %v", err)
	}
	if err := c.Validated(context.Background()); !errors.As(err, &ne) {
		t.Fatalf("validated: %v", err)
	}
	if err := c.ListFunctions(context.Background(), func(Page) error { return nil }); !errors.As(err, &ne) {
		t.Fatalf("listing: %v", err)
	}
}

func TestFunctionTagsSweepAndSnapshot(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 260, Seed: 1})
	c := openSandbox(t, s, Config{})
	fns, err := c.ListAllFunctions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tagged, pages := map[string]map[string]string{}, 0
	if err := c.FunctionTags(context.Background(), func(p TagPage) error {
		pages++
		for n, tg := range p.Tags {
			tagged[n] = tg
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if pages != 3 || len(tagged) != len(fns) || tagged[fns[0].Name]["team"] == "" {
		t.Fatalf("%d pages, %d tagged of %d", pages, len(tagged), len(fns))
	}
	// Reserved concurrency from GetFunction and tags from the sweep are
	// kept in the snapshot the next start draws.
	f, err := c.LookupFunction(context.Background(), "orders-api")
	if err != nil || f.Reserved == nil || *f.Reserved != 10 {
		t.Fatalf("orders-api: %v %+v", err, f.Reserved)
	}
	c.Close()
	c2, err := Open(context.Background(), c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	snap, _, ok := c2.Snapshot()
	if !ok {
		t.Fatal("no snapshot")
	}
	for _, f := range snap {
		if !f.TagsKnown || f.Tags["team"] == "" {
			t.Fatalf("%s: tags not kept (%v %v)", f.Name, f.TagsKnown, f.Tags)
		}
		if f.Name == "orders-api" && (f.Reserved == nil || *f.Reserved != 10 || !f.Enriched) {
			t.Fatalf("orders-api: reserved not kept")
		}
	}
}

func TestBackgroundYieldsToForeground(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1000, 0)}
	g := newGovernorWithClock(clk.Now, clk.Sleep)
	b := Budgets{QuotaGetFunction: 10}
	ctx := context.Background()
	bg := WithPriority(ctx, Background)
	// A foreground request in flight keeps background off the bucket.
	end := g.Begin(ctx, "a", "r", QuotaGetFunction)
	if d := g.tryBackground("a", "r", QuotaGetFunction, 10); d <= 0 {
		t.Fatal("background took a token while a foreground request was in flight")
	}
	end()
	if d := g.tryBackground("a", "r", QuotaGetFunction, 10); d <= 0 {
		t.Fatal("background took a token right after a foreground request")
	}
	clk.mu.Lock()
	clk.now = clk.now.Add(foregroundHold)
	clk.mu.Unlock()
	var mu sync.Mutex
	mu.Lock()
	if err := g.Wait(bg, "a", "r", QuotaGetFunction, b); err != nil {
		t.Fatal(err)
	}
	mu.Unlock()
	// Background never queues into the future: with the bucket empty it
	// waits for a free token instead of reserving one.
	for i := 0; i < 20; i++ {
		_ = g.Wait(bg, "a", "r", QuotaGetFunction, b)
	}
	if d := g.reserve("a", "r", QuotaGetFunction, 10); d > 150*time.Millisecond {
		t.Fatalf("foreground waits %v behind background work", d)
	}
}

func TestStartErrors(t *testing.T) {
	c := &Client{cfg: Config{Profile: "dev", Region: "eu-west-1", EndpointURL: "http://127.0.0.1:9"}}
	var nc *NoCredentialsError
	imds := errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded")
	if err := c.startError(imds); !errors.As(err, &nc) || nc.Profile != "dev" {
		t.Fatalf("no credentials: %v", err)
	}
	for _, want := range []string{"aws configure", "aws sso login", "--profile", "--sandbox"} {
		if !strings.Contains(nc.Error(), want) {
			t.Fatalf("%q lacks %q", nc.Error(), want)
		}
	}
	var ne *NetworkError
	dns := fmt.Errorf("send request: %w", &net.DNSError{Name: "lambda.example", Err: "no such host"})
	if err := c.startError(dns); !errors.As(err, &ne) || ne.Reason != "no such host lambda.example" {
		t.Fatalf("dns: %v", err)
	}
	other := errors.New("AccessDenied: not authorized")
	if err := c.startError(other); err != other {
		t.Fatalf("an API error was reclassified: %v", err)
	}
}
