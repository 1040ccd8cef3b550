package sandbox

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
)

// Faults are injected failures, per API (see Options.Faults).
type Faults struct {
	APIs         []string      // operation names (e.g. "ListFunctions", "GetMetricData"); empty = all
	Latency      time.Duration // added to every matching request
	Jitter       time.Duration // uniform extra 0..Jitter
	ThrottleRate float64       // 0..1: the protocol's throttling error (Lambda: 429 TooManyRequestsException with Retry-After and X-Amz-Retry-After)
	ErrorRate    float64       // 0..1: 500/503 service errors
	DropRate     float64       // 0..1: connection closed with no response
}

func (f Faults) zero() bool {
	return f.Latency <= 0 && f.Jitter <= 0 && f.ThrottleRate <= 0 && f.ErrorRate <= 0 && f.DropRate <= 0
}

func (f Faults) matches(op string) bool {
	if len(f.APIs) == 0 {
		return true
	}
	for _, a := range f.APIs {
		if strings.EqualFold(a, op) {
			return true
		}
	}
	return false
}

// faultAction is what the middleware does to one request.
type faultAction int

const (
	faultNone faultAction = iota
	faultThrottle
	faultError
	faultDrop
)

// decide draws the fate of one request (caller holds the rng lock).
func (f Faults) decide(r *rand.Rand) (delay time.Duration, act faultAction, status int) {
	delay = f.Latency
	if f.Jitter > 0 {
		delay += time.Duration(r.Int64N(int64(f.Jitter) + 1))
	}
	x := r.Float64()
	switch {
	case x < f.DropRate:
		act = faultDrop
	case x < f.DropRate+f.ThrottleRate:
		act = faultThrottle
	case x < f.DropRate+f.ThrottleRate+f.ErrorRate:
		act = faultError
		status = 500
		if r.IntN(2) == 1 {
			status = 503
		}
	}
	return
}

// bucket is a token bucket on the sandbox clock.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, now time.Time) *bucket {
	return &bucket{rate: rate, burst: rate, tokens: rate, last: now}
}

// take takes one token; when none is left it returns the wait until one is.
func (b *bucket) take(now time.Time) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// quotas enforces AWS's published request rates (Options.Quotas = "aws").
type quotas struct {
	clk    clock.Clock
	ctrl   *bucket            // the shared Lambda control-plane bucket (15/s)
	byOp   map[string]*bucket // operations with their own quota
	exempt map[string]bool    // no quota at all
}

func newQuotas(clk clock.Clock) *quotas {
	now := clk.Now()
	q := &quotas{clk: clk, ctrl: newBucket(15, now), byOp: map[string]*bucket{}, exempt: map[string]bool{"Invoke": true}}
	for op, rate := range map[string]float64{
		"GetFunction": 100, "GetPolicy": 15,
		// CloudWatch Logs (us-east-1) and CloudWatch.
		"FilterLogEvents": 25, "GetLogEvents": 25, "DescribeLogStreams": 25, "DescribeLogGroups": 10, "StartLiveTail": 5,
		"GetMetricData": 50, "ListMetrics": 25, "GetMetricStatistics": 400, "PutMetricData": 500,
		"GetCallerIdentity": 600,
		"GetResources":      5, // the Resource Groups Tagging API (no published figure; see aws.QuotaTagging)
		// CloudWatch alarms.
		"DescribeAlarms": 9, "DescribeAlarmsForMetric": 3, "DescribeAlarmHistory": 3, "SetAlarmState": 3,
		"DeleteAlarms": 3, "EnableAlarmActions": 3, "DisableAlarmActions": 3, "PutMetricAlarm": 3, "PutCompositeAlarm": 3,
	} {
		q.byOp[op] = newBucket(rate, now)
	}
	return q
}

// allow reports whether a request to op (of service svc) may proceed.
func (q *quotas) allow(svc service, op string) (bool, time.Duration) {
	if q.exempt[op] {
		return true, 0
	}
	now := q.clk.Now()
	if b := q.byOp[op]; b != nil {
		return b.take(now)
	}
	if svc == svcLambda {
		return q.ctrl.take(now)
	}
	return true, 0
}
