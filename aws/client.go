package aws

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"github.com/lambdaops/lambdaops/internal/ownbody"
	"github.com/lambdaops/lambdaops/model"
)

// ProtectionFunc gives the protection level for a profile and account.
type ProtectionFunc func(profile, account string) model.Protection

// ProtectionMap builds a ProtectionFunc from a map whose keys are account
// ids or profile names (an account id entry wins over a profile entry).
// Anything not in the map is writable.
func ProtectionMap(m map[string]model.Protection) ProtectionFunc {
	return func(profile, account string) model.Protection {
		if p, ok := m[account]; ok && account != "" {
			return p
		}
		if p, ok := m[profile]; ok && profile != "" {
			return p
		}
		return model.Writable
	}
}

// Config says how to open a session.
type Config struct {
	Profile     string // shared config profile ("" = default chain)
	Region      string // "" = from the profile/environment (sandbox: us-east-1)
	EndpointURL string // custom endpoint for every service (set per client)

	// Sandbox wires static dummy credentials and per-client endpoints to
	// EndpointURL, touching no shared config or credential files.
	Sandbox bool
	// StaticCredentials uses dummy static credentials without marking the
	// target as the sandbox (for local emulators such as moto or LocalStack).
	StaticCredentials bool
	// SandboxAccount, with Sandbox, is sent as the access key id: the
	// sandbox (like LocalStack) takes a 12-digit key id as the account.
	SandboxAccount string

	// ReadOnly refuses every mutation in this layer, with no network call.
	ReadOnly bool
	// Protection gives the level per profile/account (nil: all writable).
	// model.ReadOnly here is enforced exactly like ReadOnly.
	Protection ProtectionFunc

	Budgets      Budgets   // per-quota request rates; default 2/3 of each quota
	TailSessions int       // concurrent Live Tail sessions; default 12
	Governor     *Governor // nil: DefaultGovernor (shared by all sessions)
	MaxAttempts  int       // SDK attempts per call; default 6

	// Warm opens from the identity remembered for this profile, region
	// and endpoint without waiting for STS; the check runs in the
	// background (Validated). With nothing remembered, Open checks first.
	Warm bool
	// QuotaShare is the share of each AWS quota this client budgets for
	// itself (0: DefaultBudgetFraction, 2/3); Budgets entries override it.
	QuotaShare float64

	CacheDir string // default $XDG_CACHE_HOME/lambdaops or ~/.cache/lambdaops
	StateDir string // default $XDG_STATE_HOME/lambdaops or ~/.local/state/lambdaops

	// Logs tuning (zero values are the production defaults).
	PollInterval  time.Duration // FilterLogEvents fallback; default and minimum 1 s
	BatchInterval time.Duration // tail batch flush; default 150 ms
	TailRenew     time.Duration // renew a Live Tail session after; default 2h55m

	HTTPClient *http.Client         // optional (tests)
	Now        func() time.Time     // optional clock (tests)
	Logf       func(string, ...any) // optional debug log; never given credentials

	// Sleep waits between polls of LastUpdateStatus (tests on a manual
	// clock advance it here); nil = a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is one validated session: an account, a region, an endpoint. It
// implements Session and Connector.
type Client struct {
	cfg    Config
	target model.Target
	ro     atomic.Bool // SetReadOnly was called (:readonly)
	ident  model.Identity

	lambda    *lambda.Client
	logs      *cloudwatchlogs.Client
	cwCBOR    *cloudwatch.Client
	cwJSON    *cloudwatch.Client
	cwUseJSON atomic.Bool
	sts       *sts.Client

	codedeploy *codedeploy.Client
	cdOnce     sync.Once
	cdc        *cdCache

	gov     *Governor
	journal *journalFile
	stats   *callStats

	snapWG sync.WaitGroup // background snapshot writes

	tmu     sync.RWMutex // guards target and ident (the account may be confirmed late)
	tagging *tagging.Client
	budgets Budgets // cfg.Budgets with every other quota at cfg.QuotaShare

	lmu         sync.Mutex
	lastListing []model.Function // the last complete listing, until it is written
	listedOnce  atomic.Bool      // a complete listing happened in this session
	saveMu      sync.Mutex       // one snapshot write at a time
	known       knownStore       // what GetFunction and the Tagging API taught, merged into snapshots

	// Validation of a session opened from a remembered identity (Warm).
	vmu     sync.Mutex
	valid   chan struct{} // closed once STS confirmed the credentials
	validOK bool
	pending bool          // opened from a remembered identity, not yet confirmed
	vrun    chan struct{} // a check in flight
	vlast   error         // the last check's error, or a change to report

	costMu      sync.Mutex
	metricsUsed int64 // metrics requested via GetMetricData

	alarmsC alarmCache // the last DescribeAlarms read (alarms.go)
	scan    aliasScan  // the fleet-wide alias scan's cache (aliasscan.go)
}

var (
	_ Session   = (*Client)(nil)
	_ Connector = (*Client)(nil)
)

// Open builds the SDK clients for cfg and validates the credentials with
// STS GetCallerIdentity. The returned client's Target is filled in.
func Open(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.Sandbox && cfg.EndpointURL == "" {
		return nil, errors.New("sandbox mode needs an endpoint URL")
	}
	if cfg.Sandbox && cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = xdgDir("XDG_CACHE_HOME", ".cache")
	}
	if cfg.StateDir == "" {
		cfg.StateDir = xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"))
	}
	c := &Client{cfg: cfg, gov: cfg.Governor, stats: newCallStats()}
	c.known.init()
	if c.gov == nil {
		c.gov = DefaultGovernor
	}
	awsCfg, err := c.loadConfig(ctx)
	if err != nil {
		return nil, c.classify(err)
	}
	if cfg.EndpointURL == "" && awsCfg.BaseEndpoint != nil && *awsCfg.BaseEndpoint != "" {
		// AWS_ENDPOINT_URL (or endpoint_url in the profile) is the custom
		// endpoint, as --endpoint-url would be: the header names it, the
		// remembered identity is keyed by it (not mixed with AWS's), and
		// CloudWatch may fall back from CBOR to JSON (moto).
		cfg.EndpointURL = *awsCfg.BaseEndpoint
		c.cfg.EndpointURL = cfg.EndpointURL
	}
	endpoint := func(p **string) {
		if cfg.EndpointURL != "" {
			*p = sdkaws.String(cfg.EndpointURL)
		}
	}
	c.lambda = lambda.NewFromConfig(awsCfg, func(o *lambda.Options) { endpoint(&o.BaseEndpoint) })
	c.logs = cloudwatchlogs.NewFromConfig(awsCfg, func(o *cloudwatchlogs.Options) { endpoint(&o.BaseEndpoint) })
	c.cwCBOR = cloudwatch.NewFromConfig(awsCfg, func(o *cloudwatch.Options) { endpoint(&o.BaseEndpoint) })
	c.cwJSON = cloudwatch.NewFromConfig(awsCfg, func(o *cloudwatch.Options) {
		endpoint(&o.BaseEndpoint)
		o.Protocol = awsjson.New10(cwschemas.GraniteServiceVersion20100801)
	})
	c.sts = sts.NewFromConfig(awsCfg, func(o *sts.Options) { endpoint(&o.BaseEndpoint) })
	c.codedeploy = codedeploy.NewFromConfig(awsCfg, func(o *codedeploy.Options) { endpoint(&o.BaseEndpoint) })

	c.target = model.Target{
		Profile:  cfg.Profile,
		Region:   awsCfg.Region,
		Endpoint: cfg.EndpointURL,
		Sandbox:  cfg.Sandbox,
	}
	if c.target.Region == "" {
		return nil, errors.New("no region: pass --region or set one in the profile")
	}
	c.budgets = withShare(cfg.Budgets, cfg.QuotaShare, c.target.Region)
	c.tagging = tagging.NewFromConfig(awsCfg, taggingOptions(cfg.EndpointURL))
	c.journal = openJournal(filepath.Join(cfg.StateDir, "journal.jsonl"))
	c.valid = make(chan struct{})
	if cfg.Warm {
		if id, ok := loadIdentity(cfg.CacheDir, c.identityKey()); ok {
			// Start from the account seen last time; STS confirms it in
			// the background (Validated) while the UI draws the cache.
			c.setIdentity(id)
			c.pending = true
			go func() {
				vctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				_ = c.ensureValid(vctx)
			}()
			return c, nil
		}
	}
	id, err := c.callerIdentity(ctx)
	if err != nil {
		return nil, err
	}
	c.setIdentity(id)
	c.validOK = true
	close(c.valid)
	c.rememberIdentity(id)
	return c, nil
}

func (c *Client) identityKey() string {
	profile := c.cfg.Profile
	if c.cfg.Sandbox && c.cfg.SandboxAccount != "" {
		// the sandbox's accounts share one endpoint and no profile: the
		// access key id (the account) tells them apart
		profile = "sandbox:" + c.cfg.SandboxAccount
	}
	return identityKey(profile, c.target.Region, c.cfg.EndpointURL)
}

// setIdentity sets the account (and the protection that follows from it).
func (c *Client) setIdentity(id model.Identity) {
	c.tmu.Lock()
	defer c.tmu.Unlock()
	c.ident = id
	c.target.Account = id.Account
	c.target.Protection = model.Writable
	if c.cfg.Protection != nil {
		if p := c.cfg.Protection(c.cfg.Profile, id.Account); p != "" {
			c.target.Protection = p
		}
	}
	if c.cfg.ReadOnly {
		c.target.Protection = model.ReadOnly
	}
}

func (c *Client) rememberIdentity(id model.Identity) {
	if err := saveIdentity(c.cfg.CacheDir, c.identityKey(), id, c.cfg.Now()); err != nil {
		c.logf("identity not remembered: %v", err)
	}
}

// ensureValid checks the credentials with STS once (single flight): nil
// when the remembered account is confirmed; *AccountChangedError (once)
// when STS names another account, which this session then switches to;
// otherwise the classified error, and the next call tries again.
func (c *Client) ensureValid(ctx context.Context) error {
	c.vmu.Lock()
	if c.validOK {
		c.vmu.Unlock()
		return nil
	}
	if c.vrun != nil { // a check is in flight: wait for it
		ch := c.vrun
		c.vmu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		c.vmu.Lock()
		err := c.vlast
		if c.validOK {
			err = nil // a change is reported by Validated only
		}
		c.vmu.Unlock()
		return err
	}
	ch := make(chan struct{})
	c.vrun = ch
	c.vmu.Unlock()

	id, err := c.callerIdentity(ctx)
	var changed error
	if err == nil && c.Target().Account == "" {
		err = errors.New("sts GetCallerIdentity returned no account")
	}
	if err == nil {
		if old := c.Target().Account; old != id.Account {
			changed = &AccountChangedError{Cached: old, Now: id.Account}
			c.known.reset()
		}
		c.setIdentity(id)
		c.rememberIdentity(id)
	}
	c.vmu.Lock()
	c.vrun = nil
	if err == nil {
		c.validOK = true
		c.pending = false
		c.vlast = changed
		close(c.valid)
	} else {
		c.vlast = err
	}
	c.vmu.Unlock()
	close(ch)
	return err
}

// Validated waits for the background check of a session opened from a
// remembered identity (at once for any other session), running it again
// if the last one failed: nil when the account is confirmed, an
// *AccountChangedError (reported once) when it was another one (the
// session now talks to the new account), or why it could not be checked
// (network, credentials).
func (c *Client) Validated(ctx context.Context) error {
	err := c.ensureValid(ctx)
	var ac *AccountChangedError
	if err == nil || errors.As(err, &ac) {
		c.vmu.Lock()
		err = nil
		if errors.As(c.vlast, &ac) {
			err, c.vlast = c.vlast, nil
		}
		c.vmu.Unlock()
	}
	return err
}

// unconfirmed reports whether the account is still the remembered one,
// not yet confirmed by STS.
func (c *Client) unconfirmed() bool {
	c.vmu.Lock()
	defer c.vmu.Unlock()
	return !c.validOK
}

func xdgDir(env, fallback string) string {
	if d := os.Getenv(env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "lambdaops")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return filepath.Join(os.TempDir(), "lambdaops")
	}
	return filepath.Join(home, fallback, "lambdaops")
}

func (c *Client) loadConfig(ctx context.Context) (sdkaws.Config, error) {
	var next sdkaws.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = 32
	})
	if c.cfg.HTTPClient != nil {
		next = c.cfg.HTTPClient
	}
	hc := &governedHTTP{c: c, next: next}
	retryer := func() sdkaws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = c.cfg.MaxAttempts
			// The governor paces and pauses; the SDK's retry quota must not
			// turn a throttle storm into fast failures.
			o.RateLimiter = ratelimit.None
			o.MaxBackoff = 5 * time.Second
			o.Backoff = jitterBackoff{}
			o.Retryables = append([]retry.IsErrorRetryable{noRetryHTML{}}, o.Retryables...)
		})
	}
	if c.cfg.Sandbox || c.cfg.StaticCredentials {
		key := "sandbox"
		if c.cfg.Sandbox && c.cfg.SandboxAccount != "" {
			key = c.cfg.SandboxAccount
		}
		return sdkaws.Config{
			Region:      c.cfg.Region,
			Credentials: credentials.NewStaticCredentialsProvider(key, "sandbox", ""),
			HTTPClient:  hc,
			Retryer:     retryer,
		}, nil
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(retryer),
	}
	if c.cfg.HTTPClient == nil {
		// The loader may add a custom CA bundle (AWS_CA_BUNDLE) to a
		// buildable client; the governor wraps it afterwards.
		opts = append(opts, config.WithHTTPClient(next))
	} else {
		opts = append(opts, config.WithHTTPClient(c.cfg.HTTPClient))
	}
	// Off EC2 the instance metadata service does not answer; the SDK's
	// default would spend seconds on it (and print a warning) before saying
	// there are no credentials. One quick try, no retries.
	opts = append(opts, config.WithEC2RoleCredentialOptions(func(o *ec2rolecreds.Options) {
		o.Client = imds.New(imds.Options{
			HTTPClient: &http.Client{Timeout: 700 * time.Millisecond},
			Retryer:    sdkaws.NopRetryer{},
		})
	}))
	if c.cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.cfg.Profile))
	}
	if c.cfg.Region != "" {
		opts = append(opts, config.WithRegion(c.cfg.Region))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return awsCfg, err
	}
	awsCfg.HTTPClient = &governedHTTP{c: c, next: awsCfg.HTTPClient}
	return awsCfg, nil
}

// jitterBackoff is full-jitter exponential backoff: 100 ms base for
// transient errors, 500 ms for throttles, capped at 5 s.
type jitterBackoff struct{}

func (jitterBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	base := 100 * time.Millisecond
	if isThrottle(err) {
		base = 500 * time.Millisecond
	}
	d := min(base<<min(attempt, 6), 5*time.Second)
	return time.Duration(randFloat() * float64(d)), nil
}

func (c *Client) callerIdentity(ctx context.Context) (model.Identity, error) {
	// Two attempts: a refused connection or missing credentials is said at
	// once instead of after six backed-off retries.
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.Options) { o.RetryMaxAttempts = 2 })
	if err != nil {
		if e := c.startError(err); e != err {
			return model.Identity{}, e
		}
		return model.Identity{}, c.classify(fmt.Errorf("validating credentials (sts GetCallerIdentity): %w", err))
	}
	id := model.Identity{
		Account: sdkaws.ToString(out.Account),
		ARN:     sdkaws.ToString(out.Arn),
		UserID:  sdkaws.ToString(out.UserId),
	}
	if id.Account == "" {
		return id, errors.New("sts GetCallerIdentity returned no account")
	}
	return id, nil
}

// startError turns the SDK's ways of failing to start into errors that
// say what to do: a network error (refused, unresolvable, timed out) is
// not a credentials one, and no credentials at all says how to get some.
func (c *Client) startError(err error) error {
	if err == nil {
		return nil
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return err
	}
	// The credential chain ran dry (its last link is the instance
	// metadata service, which answers nothing off EC2): no credentials,
	// whatever network error the metadata call ended with.
	msg := err.Error()
	if !isSSOExpired(err) && (strings.Contains(msg, "ec2imds") || strings.Contains(msg, "EC2 IMDS") ||
		strings.Contains(msg, "static credentials are empty") || strings.Contains(msg, "failed to retrieve credentials")) {
		return &NoCredentialsError{Profile: c.cfg.Profile, Err: err}
	}
	endpoint := c.cfg.EndpointURL
	if endpoint == "" {
		endpoint = "AWS (" + c.cfg.Region + ")"
	}
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &NetworkError{Endpoint: endpoint, Reason: "connection refused", Err: err}
	case errors.As(err, &dns):
		return &NetworkError{Endpoint: endpoint, Reason: "no such host " + dns.Name, Err: err}
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return &NetworkError{Endpoint: endpoint, Reason: "unreachable", Err: err}
	case errors.As(err, &op) && op.Timeout():
		return &NetworkError{Endpoint: endpoint, Reason: "timed out", Err: err}
	}
	return err
}

// Close waits for background work (the fleet snapshot being written to
// the cache) so that quitting right after a listing still leaves it on disk.
func (c *Client) Close() error {
	if c.known.takeDirty() {
		c.resave() // reserved concurrency and tags learned since the last write
	}
	c.snapWG.Wait()
	return nil
}

// Target is the account, region and endpoint of this session. Opened
// from a remembered identity, the account is the one seen last time until
// the background STS check confirms (or replaces) it.
func (c *Client) Target() model.Target {
	c.tmu.RLock()
	t := c.target
	c.tmu.RUnlock()
	if c.ro.Load() {
		t.Protection = model.ReadOnly
	}
	return t
}

// SetReadOnly implements awsapi.ReadOnlySetter: from now on every mutation
// is refused before any network call, and sessions opened by Connect are
// read-only too.
func (c *Client) SetReadOnly() { c.ro.Store(true) }

// Identity asks STS again who the credentials belong to.
func (c *Client) Identity(ctx context.Context) (model.Identity, error) {
	return c.callerIdentity(ctx)
}

// Connect opens a session for another profile and/or region ("" keeps the
// current one). It validates with STS first; on failure the receiver is
// untouched and the caller keeps using it.
func (c *Client) Connect(ctx context.Context, profile, region string) (Session, error) {
	cfg := c.cfg
	cfg.ReadOnly = cfg.ReadOnly || c.ro.Load() // :readonly holds for the rest of the session
	if profile != "" {
		cfg.Profile = profile
	}
	if region != "" {
		cfg.Region = region
	}
	cfg.Warm = false // a switch takes effect only once STS has validated it
	n, err := Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// readOnly reports whether mutations are refused.
func (c *Client) readOnly() bool {
	return c.cfg.ReadOnly || c.Target().Protection == model.ReadOnly || c.ro.Load()
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

// ---- HTTP layer: governor, throttle accounting, call statistics ----

// governedHTTP sits under the SDK's retry loop, so every attempt waits for
// a token and every throttle response pauses the bucket for all callers.
type governedHTTP struct {
	c    *Client
	next sdkaws.HTTPClient
}

func (h *governedHTTP) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	svc, op := middleware.GetServiceID(ctx), middleware.GetOperationName(ctx)
	c := h.c
	t := c.Target()
	acct, region := t.Account, t.Region
	if region == "" {
		region = c.cfg.Region
	}
	if svc == "Lambda" && req.Method != http.MethodGet && c.unconfirmed() {
		// A change waits until STS has confirmed whose account this is,
		// then obeys that account's protection level.
		if err := c.ensureValid(ctx); err != nil {
			var ac *AccountChangedError
			if !errors.As(err, &ac) {
				return nil, err
			}
		}
		if c.readOnly() {
			return nil, ErrReadOnly
		}
		t = c.Target()
		acct = t.Account
	}
	q, governed := quotaFor(svc, op)
	if governed {
		if err := c.gov.Wait(ctx, acct, region, q, c.budgets); err != nil {
			return nil, err
		}
		defer c.gov.Begin(ctx, acct, region, q)()
	}
	req, err := ownbody.Copy(req)
	if err != nil {
		return nil, err
	}
	c.stats.sent(op)
	if svc == "Lambda" && req.Method != http.MethodGet {
		c.scan.changed() // the alias scan's cache may be out of date now
	}
	resp, err := h.next.Do(req)
	if err != nil {
		c.stats.failed(op)
		return resp, err
	}
	if throttledResponse(resp) {
		c.stats.throttled(op)
		if governed {
			ra := retryAfterFrom(resp.Header.Get, c.cfg.Now())
			p := c.gov.Throttled(acct, region, q, ra)
			c.logf("throttled: %s (%s) pausing %v", op, q, p)
		}
	} else if resp.StatusCode >= 500 {
		c.stats.failed(op)
	}
	return resp, nil
}

// throttledResponse recognises a throttle: HTTP 429, or a 400 whose error
// type (header or body) names a throttling exception.
func throttledResponse(resp *http.Response) bool {
	if resp.StatusCode == http.StatusTooManyRequests {
		return true
	}
	if resp.StatusCode != http.StatusBadRequest {
		return false
	}
	if t := resp.Header.Get("X-Amzn-ErrorType"); t != "" {
		return isThrottleCode(sanitizeCode(t))
	}
	if q := resp.Header.Get("X-Amzn-Query-Error"); q != "" {
		code, _, _ := strings.Cut(q, ";")
		return isThrottleCode(code)
	}
	if resp.Body == nil {
		return false
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	return bytes.Contains(body, []byte("ThrottlingException")) || bytes.Contains(body, []byte("Throttling\"")) ||
		bytes.Contains(body, []byte("TooManyRequestsException")) || bytes.Contains(body, []byte("LimitExceededException"))
}

func sanitizeCode(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

func isThrottleCode(code string) bool {
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok
}

// CallStats counts requests this client sent, per operation.
type CallStats struct {
	Sent      map[string]int // attempts sent, retries included
	Throttled map[string]int // attempts answered with a throttle
	Failed    map[string]int // connection errors and 5xx
}

// Total adds up a count map.
func (s CallStats) Total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// String prints the counts in a stable order.
func (s CallStats) String() string {
	var keys []string
	for k := range s.Sent {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d", k, s.Sent[k])
		if t := s.Throttled[k]; t > 0 {
			fmt.Fprintf(&b, "(429:%d)", t)
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

type callStats struct {
	mu sync.Mutex
	s  CallStats
}

func newCallStats() *callStats {
	return &callStats{s: CallStats{Sent: map[string]int{}, Throttled: map[string]int{}, Failed: map[string]int{}}}
}

func (c *callStats) sent(op string)      { c.mu.Lock(); c.s.Sent[op]++; c.mu.Unlock() }
func (c *callStats) throttled(op string) { c.mu.Lock(); c.s.Throttled[op]++; c.mu.Unlock() }
func (c *callStats) failed(op string)    { c.mu.Lock(); c.s.Failed[op]++; c.mu.Unlock() }

// Stats returns a copy of the per-operation request counts (for the UI's
// status line, tests and benchmarks). Additive to the Session interface.
func (c *Client) Stats() CallStats {
	c.stats.mu.Lock()
	defer c.stats.mu.Unlock()
	cp := CallStats{Sent: map[string]int{}, Throttled: map[string]int{}, Failed: map[string]int{}}
	for k, v := range c.stats.s.Sent {
		cp.Sent[k] = v
	}
	for k, v := range c.stats.s.Throttled {
		cp.Throttled[k] = v
	}
	for k, v := range c.stats.s.Failed {
		cp.Failed[k] = v
	}
	return cp
}
