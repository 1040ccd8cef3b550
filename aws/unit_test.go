package aws

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/model"
)

// fakeClock drives the governor in tests: sleeping advances it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
	return ctx.Err()
}

func TestGovernorPacesAtBudget(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1e9, 0)}
	g := newGovernorWithClock(clk.Now, clk.Sleep)
	ctx := context.Background()
	start := clk.Now()
	// Default budget: 2/3 of 15/s = 10/s, burst 10.
	for i := 0; i < 110; i++ {
		if err := g.Wait(ctx, "111", "us-east-1", QuotaLambdaControl, nil); err != nil {
			t.Fatal(err)
		}
	}
	el := clk.Now().Sub(start)
	// 10 from the burst, then 100 at 10/s = 10 s.
	if el < 9900*time.Millisecond || el > 10100*time.Millisecond {
		t.Fatalf("110 requests at 10/s with burst 10 took %v, want ~10s", el)
	}
	// Another account is an independent bucket: no wait.
	before := clk.Now()
	for i := 0; i < 10; i++ {
		_ = g.Wait(ctx, "222", "us-east-1", QuotaLambdaControl, nil)
	}
	if clk.Now() != before {
		t.Fatalf("other account waited %v", clk.Now().Sub(before))
	}
}

func TestGovernorBudgetsAndQuotas(t *testing.T) {
	var b Budgets
	if r := b.rate(QuotaGetFunction, "us-east-1"); r < 66 || r > 67 {
		t.Fatalf("GetFunction default %v", r)
	}
	if r := b.rate(QuotaFilterLogs, "eu-central-1"); r > 3.4 || r < 3.3 {
		t.Fatalf("FilterLogEvents eu-central-1 default %v", r)
	}
	if r := b.rate(QuotaFilterLogs, "us-east-1"); r < 16 || r > 17 {
		t.Fatalf("FilterLogEvents us-east-1 default %v", r)
	}
	b = Budgets{QuotaGetMetricData: 5, QuotaLambdaControl: -1}
	if b.rate(QuotaGetMetricData, "x") != 5 || b.rate(QuotaLambdaControl, "x") != 0 {
		t.Fatal("explicit budgets not honoured")
	}
	for _, c := range []struct {
		svc, op string
		q       Quota
		ok      bool
	}{
		{"Lambda", "ListFunctions", QuotaLambdaControl, true},
		{"Lambda", "UpdateAlias", QuotaLambdaControl, true},
		{"Lambda", "GetFunction", QuotaGetFunction, true},
		{"Lambda", "GetPolicy", QuotaGetPolicy, true},
		{"Lambda", "Invoke", "", false},
		{"CloudWatch", "GetMetricData", QuotaGetMetricData, true},
		{"CloudWatch Logs", "FilterLogEvents", QuotaFilterLogs, true},
		{"CloudWatch Logs", "StartLiveTail", QuotaStartLiveTail, true},
		{"STS", "GetCallerIdentity", "", false},
	} {
		q, ok := quotaFor(c.svc, c.op)
		if q != c.q || ok != c.ok {
			t.Errorf("quotaFor(%s,%s) = %q,%v", c.svc, c.op, q, ok)
		}
	}
}

func TestGovernorHonoursRetryAfter(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1e9, 0)}
	g := newGovernorWithClock(clk.Now, clk.Sleep)
	g.rand = func() float64 { return 0.5 }
	ctx := context.Background()
	_ = g.Wait(ctx, "a", "r", QuotaLambdaControl, nil)
	p := g.Throttled("a", "r", QuotaLambdaControl, 2*time.Second)
	if p != 2200*time.Millisecond {
		t.Fatalf("pause %v, want 2s + 10%% jitter", p)
	}
	t0 := clk.Now()
	_ = g.Wait(ctx, "a", "r", QuotaLambdaControl, nil)
	if w := clk.Now().Sub(t0); w < 2*time.Second {
		t.Fatalf("waited %v after Retry-After 2s", w)
	}
	// Without Retry-After: jittered exponential backoff, growing.
	p1 := g.Throttled("a", "r", QuotaGetFunction, 0)
	p2 := g.Throttled("a", "r", QuotaGetFunction, 0)
	if p1 <= 0 || p2 <= p1 {
		t.Fatalf("backoff should grow: %v then %v", p1, p2)
	}
	// The rate is reduced after a throttle (AIMD), then recovers.
	g.mu.Lock()
	f := g.buckets[bucketKey("a", "r", QuotaGetFunction)].factor
	g.mu.Unlock()
	if f >= 1 {
		t.Fatalf("factor %v not reduced", f)
	}
}

func TestGovernorWaitCancelled(t *testing.T) {
	g := NewGovernor()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g.Throttled("a", "r", QuotaLambdaControl, time.Hour)
	if err := g.Wait(ctx, "a", "r", QuotaLambdaControl, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestTailSessionSemaphore(t *testing.T) {
	g := NewGovernor()
	ctx := context.Background()
	var rel []func()
	for i := 0; i < DefaultLiveTailSessions; i++ {
		r, err := g.AcquireTailSession(ctx, "a", "r", 0)
		if err != nil {
			t.Fatal(err)
		}
		rel = append(rel, r)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := g.AcquireTailSession(short, "a", "r", 0); err == nil {
		t.Fatal("13th session admitted")
	}
	if g.TailSessions("a", "r") != 12 {
		t.Fatal("count")
	}
	rel[0]()
	rel[0]() // idempotent
	if _, err := g.AcquireTailSession(ctx, "a", "r", 0); err != nil {
		t.Fatal(err)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	h := http.Header{}
	h.Set("Retry-After", "3")
	if d := retryAfterFrom(h.Get, time.Now()); d != 3*time.Second {
		t.Fatal(d)
	}
	h.Set("X-Amz-Retry-After", "1500")
	if d := retryAfterFrom(h.Get, time.Now()); d != 1500*time.Millisecond {
		t.Fatal(d)
	}
	if d := retryAfterFrom(http.Header{}.Get, time.Now()); d != 0 {
		t.Fatal(d)
	}
}

func TestThrottledResponse(t *testing.T) {
	mk := func(code int, hdr map[string]string, body string) *http.Response {
		r := &http.Response{StatusCode: code, Header: http.Header{}, Body: http.NoBody}
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		if body != "" {
			r.Body = ioNopCloser(body)
		}
		return r
	}
	if !throttledResponse(mk(429, nil, "")) {
		t.Fatal("429")
	}
	if !throttledResponse(mk(400, map[string]string{"X-Amzn-ErrorType": "ThrottlingException:http://x"}, "")) {
		t.Fatal("header")
	}
	r := mk(400, nil, `{"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"}`)
	if !throttledResponse(r) {
		t.Fatal("body")
	}
	if b, _ := ioReadAll(r.Body); !strings.Contains(string(b), "Rate exceeded") {
		t.Fatal("body not restored")
	}
	if throttledResponse(mk(400, nil, `{"__type":"InvalidParameterValueException"}`)) {
		t.Fatal("false positive")
	}
}

func TestFillSeriesAndIDs(t *testing.T) {
	for _, i := range []int{0, 9, 499} {
		id := queryID(i)
		if id[0] < 'a' || id[0] > 'z' {
			t.Fatalf("bad id %q", id)
		}
	}
	now := time.Date(2026, 11, 26, 12, 0, 30, 0, time.UTC)
	start := now.Add(-5 * time.Minute)
	q := model.MetricQuery{Function: "f", Metric: "Invocations", Stat: "Sum"}
	pts := map[int64]float64{start.Truncate(time.Minute).Add(time.Minute).Unix(): 7}
	s := fillSeries(q, pts, start, now, now)
	if len(s.Values) != 6 || s.Values[0] != 0 || s.Values[1] != 7 {
		t.Fatalf("series %v %v", s.Timestamps, s.Values)
	}
	if !s.Provisional {
		t.Fatal("newest minute should be provisional")
	}
	old := fillSeries(q, nil, start.Add(-time.Hour), now.Add(-time.Hour), now)
	if old.Provisional {
		t.Fatal("an hour-old window is final")
	}
	mdq := metricDataQuery(3, model.MetricQuery{Function: "f", Resource: "live", ExecutedVersion: "8", Metric: "Duration", Stat: "p99"})
	if *mdq.Id != "m3" || *mdq.MetricStat.Stat != "p99" || len(mdq.MetricStat.Metric.Dimensions) != 3 ||
		*mdq.MetricStat.Metric.Dimensions[1].Value != "f:live" || *mdq.MetricStat.Period != 60 {
		t.Fatalf("query %+v", mdq.MetricStat)
	}
}

func TestDedup(t *testing.T) {
	d := newDedup(3)
	for _, k := range []string{"a", "b", "c"} {
		if d.seen(k) {
			t.Fatal(k)
		}
	}
	if !d.seen("a") {
		t.Fatal("a forgotten")
	}
	d.seen("d") // evicts a
	if d.seen("a") {
		t.Fatal("a should have been evicted")
	}
}

func TestGroupARN(t *testing.T) {
	c := &Client{target: model.Target{Account: "123456789012", Region: "us-east-1"}}
	arn := c.logGroupARN("/aws/lambda/orders-api")
	if arn != "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api" {
		t.Fatal(arn)
	}
	if groupName(arn) != "/aws/lambda/orders-api" || groupName(arn+":*") != "/aws/lambda/orders-api" {
		t.Fatal(groupName(arn))
	}
}

// fakeSTS answers GetCallerIdentity and counts every other request.
type fakeSTS struct {
	other atomic.Int64
	srv   *httptest.Server
}

func newFakeSTS(t *testing.T) *fakeSTS {
	f := &fakeSTS{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") == "GetCallerIdentity" {
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write([]byte(`<GetCallerIdentityResponse><GetCallerIdentityResult><Account>210987654321</Account><Arn>arn:aws:iam::210987654321:user/t</Arn><UserId>AID</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`))
			return
		}
		f.other.Add(1)
		w.WriteHeader(500)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func testDirs(t *testing.T, cfg Config) Config {
	d := t.TempDir()
	cfg.CacheDir = filepath.Join(d, "cache")
	cfg.StateDir = filepath.Join(d, "state")
	cfg.Governor = NewGovernor()
	return cfg
}

// openMoto starts moto_server (peers.StartMoto) and opens a client on it,
// closed when t ends.
func openMoto(t *testing.T) *Client {
	t.Helper()
	ep := peers.StartMoto(t)
	c, err := Open(context.Background(), testDirs(t, Config{EndpointURL: ep, StaticCredentials: true, Region: "us-east-1"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Every method of awsapi.FleetMutator is refused on a read-only session
// (the flag, a read-only account, or SetReadOnly as :readonly calls it)
// with no request sent: the methods are found by reflection, so a mutation
// added to the interface later is covered without editing this test.
func TestReadOnlyRefusesWithoutNetwork(t *testing.T) {
	f := newFakeSTS(t)
	for name, cfg := range map[string]Config{
		"flag":        {ReadOnly: true},
		"protection":  {Protection: ProtectionMap(map[string]model.Protection{"210987654321": model.ReadOnly})},
		"setreadonly": {},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.EndpointURL = f.srv.URL
			cfg.Sandbox = true
			c, err := Open(context.Background(), testDirs(t, cfg))
			if err != nil {
				t.Fatal(err)
			}
			if name == "setreadonly" {
				if c.Target().Protection == model.ReadOnly {
					t.Fatal("writable session reports read-only")
				}
				c.SetReadOnly()
			}
			if c.Target().Protection != model.ReadOnly || c.Target().Account != "210987654321" {
				t.Fatalf("target %+v", c.Target())
			}
			mt := reflect.TypeOf((*FleetMutator)(nil)).Elem()
			cv := reflect.ValueOf(Session(c))
			if mt.NumMethod() < 9 {
				t.Fatalf("FleetMutator has only %d methods", mt.NumMethod())
			}
			for i := range mt.NumMethod() {
				meth := mt.Method(i)
				fn := cv.MethodByName(meth.Name)
				args := make([]reflect.Value, fn.Type().NumIn())
				for j := range args {
					args[j] = reflect.Zero(fn.Type().In(j))
				}
				args[0] = reflect.ValueOf(context.Background())
				out := fn.Call(args)
				err, _ := out[len(out)-1].Interface().(error)
				if !errors.Is(err, ErrReadOnly) {
					t.Errorf("%s on a read-only session: %v", meth.Name, err)
				}
			}
			if n := f.other.Load(); n != 0 {
				t.Fatalf("%d requests sent in read-only mode", n)
			}
			if name == "setreadonly" {
				// :readonly holds for the rest of the session: a region switch too
				n, err := c.Connect(context.Background(), "", "eu-west-1")
				if err != nil {
					t.Fatal(err)
				}
				if n.Target().Protection != model.ReadOnly || !errors.Is(n.PutReserved(context.Background(), "f", 1), ErrReadOnly) {
					t.Fatalf("the switched session is writable: %+v", n.Target())
				}
			}
		})
	}
}

func TestProtectionMap(t *testing.T) {
	p := ProtectionMap(map[string]model.Protection{"prod": model.Protected, "111": model.ReadOnly})
	if p("prod", "222") != model.Protected || p("dev", "111") != model.ReadOnly || p("dev", "333") != model.Writable {
		t.Fatal("protection lookup")
	}
	if p("prod", "111") != model.ReadOnly {
		t.Fatal("account entry should win")
	}
}

func TestJournalAndCache(t *testing.T) {
	f := newFakeSTS(t)
	c, err := Open(context.Background(), testDirs(t, Config{Sandbox: true, EndpointURL: f.srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := c.Snapshot(); ok {
		t.Fatal("snapshot before any listing")
	}
	fns := []model.Function{{Name: "a", Env: map[string]string{"SECRET": "hunter2"}}, {Name: "b"}}
	if err := c.saveSnapshot(fns); err != nil {
		t.Fatal(err)
	}
	got, taken, ok := c.Snapshot()
	if !ok || len(got) != 2 || taken.IsZero() || got[0].Env["SECRET"] != "" {
		t.Fatalf("snapshot %v %v %+v", ok, taken, got)
	}
	raw, _ := os.ReadFile(snapshotPath(c.cfg.CacheDir, c.target))
	if strings.Contains(string(raw), "hunter2") {
		t.Fatal("secret written to the cache")
	}
	// Journal: entries filtered by target and success.
	c.record(model.JournalEntry{Action: "UpdateAlias", Target: "f:live", Before: map[string]any{"weight": 0.1}}, nil)
	c.record(model.JournalEntry{Action: "UpdateAlias", Target: "f:live"}, errors.New("boom"))
	c.record(model.JournalEntry{Action: "PutFunctionConcurrency", Target: "f"}, nil)
	e, ok := c.Last("f:live")
	if !ok || e.Result != "ok" || e.Before["weight"] != 0.1 || e.Account != "210987654321" || e.Region != "us-east-1" {
		t.Fatalf("last %+v %v", e, ok)
	}
	if _, ok := c.Last("nope"); ok {
		t.Fatal("unknown target")
	}
	// A torn line does not break reading.
	fh, _ := os.OpenFile(c.JournalPath(), os.O_APPEND|os.O_WRONLY, 0)
	_, _ = fh.WriteString("{\"action\":\"Upd")
	fh.Close()
	if _, ok := c.Last("f"); !ok {
		t.Fatal("journal unreadable after a torn line")
	}
	st, _ := os.Stat(c.JournalPath())
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode %v", st.Mode())
	}
}

func TestInvokePayloadCheckedFirst(t *testing.T) {
	f := newFakeSTS(t)
	c, err := Open(context.Background(), testDirs(t, Config{Sandbox: true, EndpointURL: f.srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Invoke(context.Background(), model.InvokeRequest{Function: "f", Type: model.Event, Payload: make([]byte, model.MaxAsyncPayload+1)})
	var pe *PayloadTooLargeError
	if !errors.As(err, &pe) || pe.Limit != model.MaxAsyncPayload {
		t.Fatalf("got %v", err)
	}
	_, err = c.Invoke(context.Background(), model.InvokeRequest{Function: "f", Payload: make([]byte, model.MaxSyncPayload+1)})
	if !errors.As(err, &pe) || pe.Limit != model.MaxSyncPayload {
		t.Fatalf("got %v", err)
	}
	if f.other.Load() != 0 {
		t.Fatal("oversize payload was sent")
	}
}

// TestSSOExpired builds a profile whose SSO token has expired and checks
// that Open reports *ErrSSOExpired (no network: the token is checked first).
func TestSSOExpired(t *testing.T) {
	home := t.TempDir()
	cfgFile := filepath.Join(home, "config")
	if err := os.WriteFile(cfgFile, []byte(`[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.example/start
sso_region = us-east-1
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(home, ".aws", "sso", "cache")
	_ = os.MkdirAll(cache, 0o700)
	// The SDK names the cached token file after sha1(session name).
	tok := `{"accessToken":"x","expiresAt":"2020-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://corp.awsapps.example/start"}`
	if err := os.WriteFile(filepath.Join(cache, "1c3a6d2d1b68e3ee6c4fe9b0e1fb4c6b9eeb4f4e.json"), []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cache, ssoCacheName("corp")), []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "nocreds"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	f := newFakeSTS(t)
	_, err := Open(context.Background(), testDirs(t, Config{Profile: "dev", EndpointURL: f.srv.URL}))
	var sso *ErrSSOExpired
	if !errors.As(err, &sso) || sso.Profile != "dev" {
		t.Fatalf("want *ErrSSOExpired, got %T %v", err, err)
	}
	if !strings.Contains(sso.Error(), "aws sso login --profile dev") {
		t.Fatal(sso.Error())
	}
}

func ioNopCloser(s string) io.ReadCloser    { return io.NopCloser(strings.NewReader(s)) }
func ioReadAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }

func ssoCacheName(key string) string {
	h := sha1.Sum([]byte(key))
	return hex.EncodeToString(h[:]) + ".json"
}

// TestFillSeriesAlignsToStartTime: CloudWatch aligns periods to the
// StartTime sent, not to the epoch: an hour-long period starting at 15:28
// has its point at 15:28, which must not read as zero.
func TestFillSeriesAlignsToStartTime(t *testing.T) {
	start := time.Date(2026, 11, 26, 15, 28, 40, 0, time.UTC)
	end := start.Add(time.Hour)
	q := model.MetricQuery{Function: "f", Metric: "Errors", Stat: "Sum", Period: time.Hour}
	s := fillSeries(q, map[int64]float64{start.Truncate(time.Minute).Unix(): 42}, start, end, end)
	if len(s.Values) != 2 || s.Values[0] != 42 || !s.Timestamps[0].Equal(start.Truncate(time.Minute)) {
		t.Fatalf("series %v %v", s.Timestamps, s.Values)
	}
	// A server that aligns to the epoch instead still lands in a period.
	e := fillSeries(q, map[int64]float64{start.Truncate(time.Hour).Unix(): 5, start.Truncate(time.Hour).Add(time.Hour).Unix(): 6}, start, end, end)
	if e.Sum() != 11 {
		t.Fatalf("epoch-aligned points lost: %v %v", e.Timestamps, e.Values)
	}
}
