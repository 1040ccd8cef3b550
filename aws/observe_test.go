package aws

import (
	"context"

	"errors"
	"fmt"
	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
)

// TestMetricsBatching: 130 functions × 4 statistics = 520 queries go out in
// exactly 2 GetMetricData calls; the demo incidents show in the numbers.
func TestMetricsBatching(t *testing.T) {
	t.Parallel()
	// A manual clock: the sandbox simulates two hours of traffic inside Start.
	clk := clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	s := startSandbox(t, sandbox.Options{Seed: 21, Traffic: true, Clock: clk, Backfill: 61 * time.Minute})
	c := openSandbox(t, s, Config{Now: clk.Now})
	ctx := context.Background()
	fns, err := c.ListAllFunctions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var qs []model.MetricQuery
	for _, f := range fns[:130] {
		qs = append(qs,
			model.MetricQuery{Function: f.Name, Metric: "Invocations", Stat: model.StatSum},
			model.MetricQuery{Function: f.Name, Metric: "Errors", Stat: model.StatSum},
			model.MetricQuery{Function: f.Name, Metric: "Throttles", Stat: model.StatSum},
			model.MetricQuery{Function: f.Name, Metric: "Duration", Stat: "p99"})
	}
	end := s.Clock().Now().Truncate(time.Minute)
	start := end.Add(-time.Hour)
	before := c.Stats().Sent["GetMetricData"]
	ss, err := c.GetMetrics(ctx, qs, start, end)
	if err != nil {
		t.Fatal(err)
	}
	if calls := c.Stats().Sent["GetMetricData"] - before; calls != 2 {
		t.Fatalf("%d queries took %d calls, want 2", len(qs), calls)
	}
	if len(ss) != len(qs) {
		t.Fatal(len(ss))
	}
	for i, sr := range ss {
		if sr.Query != qs[i] || len(sr.Values) != 60 || len(sr.Timestamps) != 60 || !sr.Provisional {
			t.Fatalf("series %d: %+v points %d provisional %v", i, sr.Query, len(sr.Values), sr.Provisional)
		}
	}
	if got, want := c.QueryCost(), float64(len(qs))*PricePerMetric; got < want*0.999 || got > want*1.001 {
		t.Fatalf("cost %v want %v", got, want)
	}
	// Incidents on the demo fleet.
	inc := func(fn, metric, stat string) float64 {
		r, err := c.GetMetrics(ctx, []model.MetricQuery{{Function: fn, Metric: metric, Stat: stat}}, start, end)
		if err != nil {
			t.Fatal(err)
		}
		return r[0].Sum()
	}
	if inc("orders-api", "Throttles", "Sum") == 0 {
		t.Error("orders-api shows no throttles")
	}
	inv, errs := inc("payments-webhook", "Invocations", "Sum"), inc("payments-webhook", "Errors", "Sum")
	if inv == 0 || errs/inv < 0.02 {
		t.Errorf("payments-webhook error rate %v/%v", errs, inv)
	}
	// Per alias and executed version: checkout-api:live splits into 7 and 8.
	r, err := c.GetMetrics(ctx, []model.MetricQuery{
		{Function: "checkout-api", Resource: "live", ExecutedVersion: "7", Metric: "Invocations", Stat: "Sum"},
		{Function: "checkout-api", Resource: "live", ExecutedVersion: "8", Metric: "Invocations", Stat: "Sum"},
	}, start, end)
	if err != nil {
		t.Fatal(err)
	}
	if r[0].Sum() == 0 || r[1].Sum() == 0 || r[1].Sum() > r[0].Sum() {
		t.Errorf("executed version split v7=%v v8=%v", r[0].Sum(), r[1].Sum())
	}
}

// TestTailLive: Live Tail on demo traffic, a version's stream prefix,
// more than 10 groups (two sessions) and stopping on cancel.
func TestTailLive(t *testing.T) {
	t.Parallel()
	// No simulated history: live traffic starts at once.
	s := startSandbox(t, sandbox.Options{Seed: 9, Traffic: true, Rate: 5, Backfill: -1})
	c := openSandbox(t, s, Config{BatchInterval: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	waitForLogs(t, c, "/aws/lambda/checkout-api")
	fns, err := c.ListAllFunctions(ctx)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OneVersion", func(t *testing.T) {
		tctx, tcancel := context.WithCancel(ctx)
		defer tcancel()
		day := s.Clock().Now().UTC().Format("2006/01/02")
		ch := c.Tail(tctx, TailRequest{Groups: []string{"/aws/lambda/checkout-api"},
			StreamPrefixes: []string{day + "/[8]"}, Backfill: 5 * time.Minute})
		n := 0
		for b := range ch {
			if b.Err != nil {
				t.Logf("tail: %v", b.Err)
			}
			for _, e := range b.Events {
				if !strings.HasPrefix(e.Stream, day+"/[8]") {
					t.Fatalf("stream %s outside the prefix", e.Stream)
				}
				n++
			}
			if n >= 5 && b.Mode == TailLive {
				tcancel()
			}
		}
		if n < 5 {
			t.Fatalf("%d events", n)
		}
	})

	t.Run("Renew", func(t *testing.T) {
		rc := openSandbox(t, s, Config{TailRenew: 700 * time.Millisecond, BatchInterval: 50 * time.Millisecond})
		tctx, tcancel := context.WithTimeout(ctx, 2500*time.Millisecond)
		defer tcancel()
		n := 0
		keys := map[string]bool{}
		for b := range rc.Tail(tctx, TailRequest{Groups: []string{"/aws/lambda/checkout-api"}, Backfill: 5 * time.Minute}) {
			n += len(b.Events)
			if b.Err != nil {
				t.Logf("tail: %v", b.Err)
			}
			for _, e := range b.Events {
				if k := contentKey(e); keys[k] {
					t.Fatalf("duplicate across renewals: %+v", e)
				} else {
					keys[k] = true
				}
			}
			if held := rc.gov.TailSessions(rc.target.Account, rc.target.Region); held > 1 {
				t.Fatalf("%d sessions held at once", held)
			}
		}
		if got := rc.Stats().Sent["StartLiveTail"]; got < 3 {
			t.Fatalf("%d StartLiveTail calls: not renewed", got)
		}
		if n == 0 {
			t.Fatalf("no events across renewals; %s", rc.Stats())
		}
	})

	t.Run("ManyGroupsTwoSessions", func(t *testing.T) {
		tctx, tcancel := context.WithCancel(ctx)
		var groups []string
		for _, f := range fns[:15] {
			groups = append(groups, f.LogGroupName())
		}
		before := c.Stats().Sent["StartLiveTail"]
		ch := c.Tail(tctx, TailRequest{Groups: groups})
		seen := map[string]bool{}
		deadline := time.After(20 * time.Second)
	loop:
		for {
			select {
			case b := <-ch:
				for _, e := range b.Events {
					seen[e.Group] = true
				}
				if c.gov.TailSessions(c.target.Account, c.target.Region) == 2 && len(seen) >= 3 {
					break loop
				}
			case <-deadline:
				t.Fatalf("sessions %d, groups seen %d", c.gov.TailSessions(c.target.Account, c.target.Region), len(seen))
			}
		}
		if got := c.Stats().Sent["StartLiveTail"] - before; got != 2 {
			t.Fatalf("%d StartLiveTail calls for 15 groups", got)
		}
		tcancel()
		for range ch {
		}
		if n := c.gov.TailSessions(c.target.Account, c.target.Region); n != 0 {
			t.Fatalf("%d sessions still held after cancel", n)
		}
	})
}

// waitForLogs waits until the group has events from the last minute.
func waitForLogs(t *testing.T, c *Client, group string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		tl := &tailer{c: c, dedup: newDedup(1000)}
		if evs, err := tl.filter(context.Background(), group, c.cfg.Now().Add(-time.Minute), time.Time{}, 1); err == nil && len(evs) > 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no events in %s", group)
}

// TestTailPollingFallback: with StartLiveTail failing, the tail polls
// FilterLogEvents (≤1 call/s per group), backfills, and de-duplicates.
func TestTailPollingFallback(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Empty: true})
	s.SetFaults(sandbox.Faults{APIs: []string{"StartLiveTail"}, ErrorRate: 1})
	c := openSandbox(t, s, Config{MaxAttempts: 1, BatchInterval: 50 * time.Millisecond})
	group := "/aws/lambda/poller"
	ensureLogGroup(t, c, group)
	putLog(t, c, group, "s1", "before the tail")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ch := c.Tail(ctx, TailRequest{Groups: []string{group}, Backfill: time.Minute})
	start := time.Now()
	msgs := map[string]int{}
	wrote := 0
	tick := time.NewTicker(700 * time.Millisecond)
	defer tick.Stop()
	polling := false
	for len(msgs) < 4 {
		select {
		case b, ok := <-ch:
			if !ok {
				t.Fatalf("tail closed; got %v", msgs)
			}
			polling = polling || b.Mode == TailPoll
			for _, e := range b.Events {
				msgs[e.Message]++
			}
		case <-tick.C:
			if polling && wrote < 3 {
				wrote++
				putLog(t, c, group, "s1", fmt.Sprintf("event %d", wrote))
			}
		case <-ctx.Done():
			t.Fatalf("timed out; got %v", msgs)
		}
	}
	cancel()
	for range ch {
	}
	el := time.Since(start).Seconds()
	for m, n := range msgs {
		if n != 1 {
			t.Fatalf("%q delivered %d times", m, n)
		}
	}
	calls := c.Stats().Sent["FilterLogEvents"]
	t.Logf("%d FilterLogEvents calls in %.1fs", calls, el)
	if float64(calls) > el+2 {
		t.Fatalf("%d FilterLogEvents calls in %.1fs: more than one a second", calls, el)
	}
}

func ExampleClient_GetMetrics() {
	fmt.Println(queryID(0), queryID(499))
	// Output: m0 m499
}

// TestTailSampledFlag: more than 500 events in one Live Tail update window
// are sampled by the server; the batch says so.
func TestTailSampledFlag(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Empty: true})
	c := openSandbox(t, s, Config{BatchInterval: 50 * time.Millisecond})
	group := "/aws/lambda/chatty"
	ensureLogGroup(t, c, group)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ch := c.Tail(ctx, TailRequest{Groups: []string{group}})
	live := false
	for !live {
		b, ok := <-ch
		if !ok {
			t.Fatal("tail closed")
		}
		if b.Err != nil {
			t.Logf("tail: %v", b.Err)
		}
		live = b.Mode == TailLive
	}
	time.Sleep(200 * time.Millisecond) // the session is registered server-side
	var evs []logtypes.InputLogEvent
	now := c.cfg.Now().UnixMilli()
	for i := 0; i < 1500; i++ {
		evs = append(evs, logtypes.InputLogEvent{Message: sdkaws.String(fmt.Sprintf("line %d", i)), Timestamp: sdkaws.Int64(now)})
	}
	stream := "s"
	if _, err := c.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &group, LogStreamName: &stream}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &group, LogStreamName: &stream, LogEvents: evs}); err != nil {
		t.Fatal(err)
	}
	got, sampled := 0, false
	for got < 1500 && !sampled {
		select {
		case b, ok := <-ch:
			if !ok {
				t.Fatalf("tail closed after %d events", got)
			}
			got += len(b.Events)
			sampled = sampled || b.Sampled
		case <-ctx.Done():
			t.Fatalf("got %d events, sampled %v", got, sampled)
		}
	}
	if !sampled {
		t.Fatalf("1500 events in one window: %d delivered, not flagged sampled", got)
	}
}

// TestTailPollingMissingGroup: polling a log group that does not exist (a
// function never invoked, as on moto) reports it in one line, not as a raw
// SDK error.
func TestTailPollingMissingGroup(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Empty: true})
	s.SetFaults(sandbox.Faults{APIs: []string{"StartLiveTail"}, ErrorRate: 1})
	c := openSandbox(t, s, Config{MaxAttempts: 1, BatchInterval: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ch := c.Tail(ctx, TailRequest{Groups: []string{"/aws/lambda/never-invoked"}})
	seen := false
	for b := range ch {
		if b.Err == nil || b.Mode != TailPoll {
			continue
		}
		if errors.Is(b.Err, errNoLogGroup) {
			seen = true
			cancel()
			continue
		}
		// The switch to polling is announced with the live tail's own error;
		// what must never appear is the raw SDK error for the missing group.
		if strings.Contains(b.Err.Error(), "ResourceNotFound") {
			t.Fatalf("raw polling error: %v", b.Err)
		}
	}
	if !seen {
		t.Fatal("the missing log group was never reported")
	}
}
