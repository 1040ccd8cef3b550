package aws

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Quota names one AWS request-rate quota. Each account and region has its
// own bucket per quota.
type Quota string

// The quotas the governor knows.
const (
	// QuotaLambdaControl is the shared 15 req/s bucket for every Lambda
	// control-plane call except GetFunction, GetPolicy and Invoke.
	QuotaLambdaControl Quota = "lambda-control"
	QuotaGetFunction   Quota = "GetFunction"     // 100 req/s
	QuotaGetPolicy     Quota = "GetPolicy"       // 15 req/s
	QuotaGetMetricData Quota = "GetMetricData"   // 50 TPS
	QuotaListMetrics   Quota = "ListMetrics"     // 25 TPS
	QuotaFilterLogs    Quota = "FilterLogEvents" // 5, 10 or 25 TPS by region
	QuotaStartLiveTail Quota = "StartLiveTail"   // 5 TPS
	// QuotaCodeDeploy is every CodeDeploy call. AWS publishes no per-API
	// rate for CodeDeploy; 10 req/s is an assumed, conservative figure.
	QuotaCodeDeploy Quota = "codedeploy"
	// QuotaTagging is the Resource Groups Tagging API's GetResources. AWS
	// publishes no figure for it; 5 req/s is what the sandbox enforces
	// under --quotas aws (one page holds the tags of 100 functions).
	QuotaTagging Quota = "GetResources"
	// CloudWatch alarms.
	QuotaDescribeAlarms Quota = "DescribeAlarms"       // 9 TPS
	QuotaAlarmHistory   Quota = "DescribeAlarmHistory" // 3 TPS
	QuotaSetAlarmState  Quota = "SetAlarmState"        // 3 TPS
	QuotaAlarmActions   Quota = "AlarmActions"         // Enable/DisableAlarmActions, 3 TPS
)

// Priority says who is waiting for a request: the user (the listing, an
// opened function, a filter for a name not loaded yet) or nobody yet
// (enrichment, the tags sweep). Background requests take a token only
// when no foreground request is waiting for or has just used the bucket,
// so they never delay what is on screen.
type Priority int

const (
	Foreground Priority = iota
	Background
)

type priorityKey struct{}

// WithPriority marks the requests made with ctx.
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

func priorityOf(ctx context.Context) Priority {
	p, _ := ctx.Value(priorityKey{}).(Priority)
	return p
}

// foregroundHold is how long background requests stay off a bucket after
// a foreground request used it: a listing asks for its next page as soon
// as the last one arrives, and must find the token still there.
const foregroundHold = 300 * time.Millisecond

// DefaultLiveTailSessions is how many Live Tail sessions one account and
// region may hold at once by default (AWS allows 15; 3 are left to others).
const DefaultLiveTailSessions = 12

// Budgets are the request rates (per second) the client allows itself per
// quota. A missing quota gets DefaultBudgetFraction of the AWS quota; a
// negative value means unlimited.
type Budgets map[Quota]float64

// DefaultBudgetFraction is the share of each AWS quota used by default,
// leaving the rest to CI, the console and colleagues.
const DefaultBudgetFraction = 2.0 / 3.0

// QuotaLimit is the AWS quota (requests per second) for q in region.
func QuotaLimit(q Quota, region string) float64 {
	switch q {
	case QuotaLambdaControl, QuotaGetPolicy:
		return 15
	case QuotaGetFunction:
		return 100
	case QuotaGetMetricData:
		return 50
	case QuotaListMetrics:
		return 25
	case QuotaStartLiveTail, QuotaTagging:
		return 5
	case QuotaCodeDeploy:
		return 10
	case QuotaDescribeAlarms:
		return 9
	case QuotaAlarmHistory, QuotaSetAlarmState, QuotaAlarmActions:
		return 3
	case QuotaFilterLogs:
		switch region {
		case "us-east-1":
			return 25
		case "ap-northeast-3", "ap-southeast-3", "ca-west-1", "eu-central-1", "il-central-1":
			return 5
		}
		return 10
	}
	return 0
}

// rate returns the budgeted rate for q (<=0: unlimited).
func (b Budgets) rate(q Quota, region string) float64 {
	if v, ok := b[q]; ok {
		if v < 0 {
			return 0
		}
		return v
	}
	return QuotaLimit(q, region) * DefaultBudgetFraction
}

// allQuotas are the quotas withShare fills in.
var allQuotas = []Quota{QuotaLambdaControl, QuotaGetFunction, QuotaGetPolicy, QuotaGetMetricData,
	QuotaListMetrics, QuotaFilterLogs, QuotaStartLiveTail, QuotaTagging}

// withShare returns budgets with every quota it does not set at share of
// the AWS quota (share <= 0 or > 1: the default fraction).
func withShare(b Budgets, share float64, region string) Budgets {
	if share <= 0 || share > 1 {
		share = DefaultBudgetFraction
	}
	out := Budgets{}
	for _, q := range allQuotas {
		out[q] = QuotaLimit(q, region) * share
	}
	for q, v := range b {
		out[q] = v
	}
	return out
}

// quotaFor maps an SDK service id and operation to the quota it draws on.
func quotaFor(service, op string) (Quota, bool) {
	switch service {
	case "Lambda":
		switch op {
		case "Invoke", "InvokeAsync", "InvokeWithResponseStream":
			return "", false
		case "GetFunction":
			return QuotaGetFunction, true
		case "GetPolicy":
			return QuotaGetPolicy, true
		}
		return QuotaLambdaControl, true
	case "CloudWatch":
		switch op {
		case "GetMetricData":
			return QuotaGetMetricData, true
		case "ListMetrics":
			return QuotaListMetrics, true
		case "DescribeAlarms":
			return QuotaDescribeAlarms, true
		case "DescribeAlarmHistory":
			return QuotaAlarmHistory, true
		case "SetAlarmState":
			return QuotaSetAlarmState, true
		case "EnableAlarmActions", "DisableAlarmActions":
			return QuotaAlarmActions, true
		}
	case "CodeDeploy":
		return QuotaCodeDeploy, true
	case "Resource Groups Tagging API":
		return QuotaTagging, true
	case "CloudWatch Logs":
		switch op {
		case "FilterLogEvents":
			return QuotaFilterLogs, true
		case "StartLiveTail":
			return QuotaStartLiveTail, true
		}
	}
	return "", false
}

// Governor keeps one token bucket per (account, region, quota) and a
// Live Tail session semaphore per (account, region). One Governor is shared
// by every session of a process (DefaultGovernor) so that switching back and
// forth between profiles never doubles the rate.
type Governor struct {
	mu       sync.Mutex
	buckets  map[string]*bucket
	sessions map[string]*sessionSem

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
}

// DefaultGovernor is the process-wide governor used when Config.Governor is nil.
var DefaultGovernor = NewGovernor()

// NewGovernor returns an empty governor on the wall clock.
func NewGovernor() *Governor {
	return &Governor{
		buckets:  map[string]*bucket{},
		sessions: map[string]*sessionSem{},
		now:      time.Now,
		sleep:    sleepCtx,
		rand:     rand.Float64,
	}
}

// newGovernorWithClock is for tests: time and sleep are both injected.
func newGovernorWithClock(now func() time.Time, sleep func(context.Context, time.Duration) error) *Governor {
	g := NewGovernor()
	g.now, g.sleep = now, sleep
	return g
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// bucket is a token bucket with a pause (after a throttle) and an AIMD
// factor that halves the rate on each throttle and recovers over ~10 s.
type bucket struct {
	rate        float64 // budgeted tokens per second (0: unlimited)
	burst       float64
	tokens      float64
	last        time.Time
	pausedUntil time.Time
	factor      float64 // 0.125..1
	throttles   int     // consecutive throttles, for backoff growth
	lastThrottl time.Time
	recoverMark time.Time

	fgBusy int       // foreground requests waiting for a token or in flight
	fgLast time.Time // when the last foreground request ended
}

func bucketKey(account, region string, q Quota) string {
	return account + "|" + region + "|" + string(q)
}

func (g *Governor) bucket(account, region string, q Quota, rate float64) *bucket {
	k := bucketKey(account, region, q)
	b := g.buckets[k]
	if b == nil {
		burst := rate
		if burst < 1 {
			burst = 1
		}
		b = &bucket{rate: rate, burst: burst, tokens: burst, last: g.now(), factor: 1}
		g.buckets[k] = b
	} else if b.rate != rate && rate > 0 {
		b.rate = rate
		b.burst = max(rate, 1)
	}
	return b
}

// refill recovers the AIMD factor linearly (+0.1 per second since the
// last throttle) and adds the tokens earned since the last refill; it
// returns the bucket's current rate.
func (b *bucket) refill(now time.Time, rate float64) float64 {
	if b.factor < 1 {
		b.factor = min(1, b.factor+0.1*now.Sub(b.recoverMark).Seconds())
		b.recoverMark = now
	}
	r := rate * b.factor
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(b.burst*b.factor, b.tokens+elapsed*r)
		b.last = now
	}
	return r
}

// reserve takes one token and returns how long the caller must wait for it.
func (g *Governor) reserve(account, region string, q Quota, rate float64) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	b := g.bucket(account, region, q, rate)
	var wait time.Duration
	if now.Before(b.pausedUntil) {
		wait = b.pausedUntil.Sub(now)
	}
	if rate <= 0 {
		return wait
	}
	r := b.refill(now, rate)
	b.tokens--
	if b.tokens < 0 {
		wait = max(wait, time.Duration(-b.tokens/r*float64(time.Second)))
	}
	return wait
}

// refund returns a token taken by reserve when the caller gave up waiting.
func (g *Governor) refund(account, region string, q Quota) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if b := g.buckets[bucketKey(account, region, q)]; b != nil && b.rate > 0 {
		b.tokens = min(b.burst, b.tokens+1)
	}
}

// Wait blocks until a request against q may be sent, or ctx ends. A
// foreground request (the default) queues for the next token; a
// background one (WithPriority) takes a token only when one is free now
// and no foreground request is busy on the bucket.
func (g *Governor) Wait(ctx context.Context, account, region string, q Quota, budgets Budgets) error {
	rate := budgets.rate(q, region)
	if priorityOf(ctx) == Background {
		return g.waitBackground(ctx, account, region, q, rate)
	}
	d := g.reserve(account, region, q, rate)
	if d <= 0 {
		return ctx.Err()
	}
	g.busy(account, region, q, +1)
	defer g.busy(account, region, q, -1)
	if err := g.sleep(ctx, d); err != nil {
		g.refund(account, region, q)
		return err
	}
	return nil
}

// Begin marks a foreground request in flight on q until the returned
// func is called (background requests keep off meanwhile).
func (g *Governor) Begin(ctx context.Context, account, region string, q Quota) func() {
	if priorityOf(ctx) == Background {
		return func() {}
	}
	g.busy(account, region, q, +1)
	return func() { g.busy(account, region, q, -1) }
}

func (g *Governor) busy(account, region string, q Quota, d int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := bucketKey(account, region, q)
	b := g.buckets[k]
	if b == nil {
		b = &bucket{factor: 1, last: g.now()}
		g.buckets[k] = b
	}
	b.fgBusy += d
	if d < 0 {
		b.fgLast = g.now()
	}
}

func (g *Governor) waitBackground(ctx context.Context, account, region string, q Quota, rate float64) error {
	for {
		d := g.tryBackground(account, region, q, rate)
		if d <= 0 {
			return ctx.Err()
		}
		if err := g.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// tryBackground takes a token if one is free for a background request
// (0), or says how long to wait before asking again.
func (g *Governor) tryBackground(account, region string, q Quota, rate float64) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	b := g.bucket(account, region, q, rate)
	if now.Before(b.pausedUntil) {
		return b.pausedUntil.Sub(now)
	}
	if b.fgBusy > 0 {
		return 50 * time.Millisecond
	}
	if hold := b.fgLast.Add(foregroundHold); now.Before(hold) {
		return hold.Sub(now)
	}
	if rate <= 0 {
		return 0
	}
	r := b.refill(now, rate)
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return max(time.Millisecond, time.Duration((1-b.tokens)/r*float64(time.Second)))
}

// Throttled records a throttle response: the bucket pauses for retryAfter
// (when the server said so) or an exponential backoff with full jitter, and
// its rate is halved until it recovers.
func (g *Governor) Throttled(account, region string, q Quota, retryAfter time.Duration) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	b := g.buckets[bucketKey(account, region, q)]
	if b == nil {
		b = &bucket{factor: 1, last: now}
		g.buckets[bucketKey(account, region, q)] = b
	}
	if now.Sub(b.lastThrottl) > 10*time.Second {
		b.throttles = 0
	}
	b.throttles++
	b.factor = max(0.125, b.factor/2)
	b.lastThrottl, b.recoverMark = now, now
	base := 200 * time.Millisecond << min(b.throttles-1, 5) // 200 ms .. 6.4 s
	pause := time.Duration(g.rand() * float64(base))
	if retryAfter > 0 {
		// Honour the server: wait at least what it asked, plus up to 20% jitter
		// so that many waiting callers do not all return at the same instant.
		pause = retryAfter + time.Duration(g.rand()*0.2*float64(retryAfter))
	}
	if until := now.Add(pause); until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
	b.tokens = min(b.tokens, 0)
	return pause
}

// sessionSem bounds concurrent Live Tail sessions per account and region.
type sessionSem struct {
	ch chan struct{}
}

// AcquireTailSession takes one of the account/region's Live Tail session
// slots (limit: DefaultLiveTailSessions unless max > 0) and returns its release.
func (g *Governor) AcquireTailSession(ctx context.Context, account, region string, limit int) (func(), error) {
	if limit <= 0 {
		limit = DefaultLiveTailSessions
	}
	g.mu.Lock()
	k := account + "|" + region
	s := g.sessions[k]
	if s == nil {
		s = &sessionSem{ch: make(chan struct{}, limit)}
		g.sessions[k] = s
	}
	g.mu.Unlock()
	select {
	case s.ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-s.ch }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TailSessions reports how many Live Tail sessions are held for account/region.
func (g *Governor) TailSessions(account, region string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.sessions[account+"|"+region]; s != nil {
		return len(s.ch)
	}
	return 0
}

// retryAfterFrom reads X-Amz-Retry-After (milliseconds) or Retry-After
// (seconds, or an HTTP date) from response headers.
func retryAfterFrom(get func(string) string, now time.Time) time.Duration {
	if v := strings.TrimSpace(get("X-Amz-Retry-After")); v != "" {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	if v := strings.TrimSpace(get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
			return time.Duration(s * float64(time.Second))
		}
		if t, err := time.Parse(time.RFC1123, v); err == nil {
			return max(0, t.Sub(now))
		}
	}
	return 0
}
