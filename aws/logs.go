package aws

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/schemas"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"github.com/lambdaops/lambdaops/model"
)

// Live Tail limits.
const (
	MaxGroupsPerLiveTail = 10
	LiveTailMaxSession   = 3 * time.Hour
	defaultTailRenew     = LiveTailMaxSession - 5*time.Minute
	defaultBatchInterval = 150 * time.Millisecond
	minPollInterval      = time.Second
	maxPendingEvents     = 20000 // client-side buffer before the oldest are dropped
	dedupMemory          = 50000
)

// disableHostPrefix stops the SDK from prefixing "stream-" to a custom
// endpoint's host for StartLiveTail. It must be a middleware: the SDK
// clears stack values on the caller's context.
func disableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("LambdaopsDisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

// logGroupARN is the identifier StartLiveTail wants.
func (c *Client) logGroupARN(group string) string {
	if strings.HasPrefix(group, "arn:") {
		return group
	}
	partition := "aws"
	switch {
	case strings.HasPrefix(c.Target().Region, "cn-"):
		partition = "aws-cn"
	case strings.HasPrefix(c.Target().Region, "us-gov-"):
		partition = "aws-us-gov"
	}
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", partition, c.Target().Region, c.Target().Account, group)
}

// groupName turns a log group ARN (or name) into the name.
func groupName(id string) string {
	if i := strings.Index(id, ":log-group:"); i >= 0 {
		id = id[i+len(":log-group:"):]
		id = strings.TrimSuffix(id, ":*")
	}
	return id
}

// tailItem is what producers hand to the batcher.
type tailItem struct {
	events  []model.LogEvent
	mode    TailMode
	sampled bool
	err     error
}

// Tail starts a tail: a backfill of req.Backfill via FilterLogEvents, then
// Live Tail sessions of at most 10 groups each (renewed before the 3 h
// limit), falling back to FilterLogEvents polling for groups where Live
// Tail is unavailable or no session slot is free. Events are delivered in
// batches every ~150 ms. Cancelling ctx stops every session and closes the channel.
func (c *Client) Tail(ctx context.Context, req TailRequest) <-chan TailBatch {
	out := make(chan TailBatch, 16)
	in := make(chan tailItem, 64)
	groups := dedupStrings(req.Groups)
	if len(groups) == 0 {
		go func() {
			out <- TailBatch{Err: errors.New("tail: no log groups")}
			close(out)
		}()
		return out
	}
	if len(req.StreamPrefixes) > 0 && len(groups) != 1 {
		go func() {
			out <- TailBatch{Err: errors.New("tail: stream prefixes need exactly one log group")}
			close(out)
		}()
		return out
	}
	t := &tailer{c: c, req: req, in: in, dedup: newDedup(dedupMemory)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := c.cfg.Now()
		var inner sync.WaitGroup
		for i := 0; i < len(groups); i += MaxGroupsPerLiveTail {
			chunk := groups[i:min(i+MaxGroupsPerLiveTail, len(groups))]
			inner.Add(1)
			go func() {
				defer inner.Done()
				t.follow(ctx, chunk, start.Add(-req.Backfill))
			}()
		}
		inner.Wait()
		t.bg.Wait()
	}()
	go func() {
		wg.Wait()
		close(in)
	}()
	go c.batch(ctx, in, out)
	return out
}

// batch coalesces producer items into TailBatches every BatchInterval.
// A consumer that falls behind never blocks the producers: pending events
// are capped and the oldest dropped (counted in Dropped).
func (c *Client) batch(ctx context.Context, in <-chan tailItem, out chan<- TailBatch) {
	defer close(out)
	every := c.cfg.BatchInterval
	if every <= 0 {
		every = defaultBatchInterval
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	var pending TailBatch
	var errs []error
	modeChanged := false // a mode change is news even without events
	have := func() bool { return len(pending.Events) > 0 || pending.Dropped > 0 || len(errs) > 0 || modeChanged }
	flush := func(block bool) {
		if !have() {
			return
		}
		b := pending
		if len(errs) > 0 {
			b.Err = errors.Join(errs...)
		}
		if n := len(b.Events); n > 0 {
			sort.SliceStable(b.Events, func(i, j int) bool { return b.Events[i].Timestamp.Before(b.Events[j].Timestamp) })
			newest := b.Events[n-1]
			if !newest.IngestionTime.IsZero() {
				b.Lag = max(0, newest.IngestionTime.Sub(newest.Timestamp))
			}
		}
		if block {
			select {
			case out <- b:
			case <-time.After(time.Second):
			}
		} else {
			select {
			case out <- b:
			default:
				return // keep accumulating
			}
		}
		pending, errs, modeChanged = TailBatch{Mode: pending.Mode}, nil, false
	}
	for {
		select {
		case it, ok := <-in:
			if !ok {
				flush(ctx.Err() == nil)
				return
			}
			if it.mode != "" && it.mode != pending.Mode {
				pending.Mode = it.mode
				modeChanged = true
			}
			pending.Sampled = pending.Sampled || it.sampled
			if it.err != nil {
				errs = append(errs, it.err)
			}
			pending.Events = append(pending.Events, it.events...)
			if over := len(pending.Events) - maxPendingEvents; over > 0 {
				pending.Events = append(pending.Events[:0:0], pending.Events[over:]...)
				pending.Dropped += over
			}
		case <-tick.C:
			flush(false)
		case <-ctx.Done():
			// Drain producers so they can exit, then close.
			for range in {
			}
			return
		}
	}
}

type tailer struct {
	bg    sync.WaitGroup // background backfills
	c     *Client
	req   TailRequest
	in    chan<- tailItem
	dedup *dedup
}

func (t *tailer) send(ctx context.Context, it tailItem) bool {
	select {
	case t.in <- it:
		return true
	case <-ctx.Done():
		return false
	}
}

// follow tails one chunk of ≤10 groups: Live Tail while it works, polling otherwise.
//
// The backfill (and, after a renewal, the gap) is read with FilterLogEvents
// once the Live Tail session is open, so no event falls between the two;
// duplicates are dropped by content.
func (t *tailer) follow(ctx context.Context, groups []string, since time.Time) {
	failures := 0
	gapFrom := since
	for ctx.Err() == nil {
		started := t.c.cfg.Now()
		err := t.live(ctx, groups, gapFrom)
		if ctx.Err() != nil {
			return
		}
		if err == nil { // renewed or the server ended the session: start again
			failures = 0
			gapFrom = t.c.cfg.Now().Add(-10 * time.Second)
			if gapFrom.Before(started) {
				gapFrom = started
			}
			continue
		}
		if errors.Is(err, ErrUnsupported) || errors.Is(err, errNoSessionSlot) || isLimitExceeded(err) {
			why := "no Live Tail session free"
			if errors.Is(err, ErrUnsupported) {
				why = "not supported by this endpoint"
			}
			// one line for the pane's header; the cause stays reachable
			t.send(ctx, tailItem{mode: TailPoll, err: &shortError{msg: "live tail " + why + ", polling instead", cause: err}})
			t.poll(ctx, groups, gapFrom)
			return
		}
		failures++
		t.send(ctx, tailItem{err: fmt.Errorf("live tail: %w", err)})
		if failures >= 2 {
			t.send(ctx, tailItem{mode: TailPoll, err: errors.New("live tail keeps failing, polling instead")})
			t.poll(ctx, groups, gapFrom)
			return
		}
		if sleepCtx(ctx, time.Duration(failures)*500*time.Millisecond) != nil {
			return
		}
	}
}

var errNoSessionSlot = errors.New("all Live Tail session slots are in use")

func isLimitExceeded(err error) bool {
	var le *logtypes.LimitExceededException
	return errors.As(err, &le) || errCode(err) == "LimitExceededException"
}

// live runs one Live Tail session until it must be renewed (nil), the
// server ends it (nil) or it fails (error).
func (t *tailer) live(ctx context.Context, groups []string, gapFrom time.Time) error {
	c := t.c
	slotCtx, cancelSlot := context.WithTimeout(ctx, 2*time.Second)
	release, err := c.gov.AcquireTailSession(slotCtx, c.Target().Account, c.Target().Region, c.cfg.TailSessions)
	cancelSlot()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errNoSessionSlot
	}
	defer release()
	in := &cloudwatchlogs.StartLiveTailInput{}
	for _, g := range groups {
		in.LogGroupIdentifiers = append(in.LogGroupIdentifiers, c.logGroupARN(g))
	}
	if len(groups) == 1 && len(t.req.StreamPrefixes) > 0 {
		in.LogStreamNamePrefixes = t.req.StreamPrefixes
	}
	if t.req.Filter != "" {
		in.LogEventFilterPattern = sdkaws.String(t.req.Filter)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts := func(o *cloudwatchlogs.Options) {
		// The SDK's protocol object holds one event-stream codec (with a
		// shared payload buffer) per client: concurrent streams on one
		// protocol corrupt each other. Each session gets its own.
		o.Protocol = awsjson.New11(logschemas.Logs_20140328)
		if c.cfg.EndpointURL != "" {
			o.APIOptions = append(o.APIOptions, disableHostPrefix)
		}
	}
	resp, err := c.logs.StartLiveTail(sctx, in, opts)
	if err != nil {
		return c.classify(asUnsupported("StartLiveTail", err))
	}
	stream := resp.GetStream()
	defer stream.Close()
	renew := c.cfg.TailRenew
	if renew <= 0 {
		renew = defaultTailRenew
	}
	timer := time.NewTimer(renew)
	defer timer.Stop()
	t.send(ctx, tailItem{mode: TailLive})
	// The backfill outlives a renewal; Tail closes its channel only after it.
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		t.backfill(ctx, groups, gapFrom, time.Time{})
	}()
	events := stream.Events()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return nil // renew before the 3 h limit
		case ev, ok := <-events:
			if !ok {
				if err := stream.Err(); err != nil {
					var te *logtypes.SessionTimeoutException
					if errors.As(err, &te) || errCode(err) == "SessionTimeoutException" {
						return nil
					}
					return err
				}
				return nil
			}
			switch v := ev.(type) {
			case *logtypes.StartLiveTailResponseStreamMemberSessionUpdate:
				it := tailItem{mode: TailLive}
				if v.Value.SessionMetadata != nil {
					it.sampled = v.Value.SessionMetadata.Sampled
				}
				for _, r := range v.Value.SessionResults {
					e := model.LogEvent{
						Group:         groupName(sdkaws.ToString(r.LogGroupIdentifier)),
						Stream:        sdkaws.ToString(r.LogStreamName),
						Timestamp:     time.UnixMilli(sdkaws.ToInt64(r.Timestamp)),
						IngestionTime: time.UnixMilli(sdkaws.ToInt64(r.IngestionTime)),
						Message:       sdkaws.ToString(r.Message),
					}
					if e.Group == "" && len(groups) == 1 {
						e.Group = groups[0]
					}
					if t.dedup.seen(contentKey(e)) {
						continue
					}
					it.events = append(it.events, e)
				}
				if len(it.events) > 0 || it.sampled {
					if !t.send(ctx, it) {
						return ctx.Err()
					}
				}
			}
		}
	}
}

// contentKey identifies a live event (Live Tail sends no eventId).
func contentKey(e model.LogEvent) string {
	h := fnv.New64a()
	h.Write([]byte(e.Message))
	return e.Group + "|" + e.Stream + "|" + strconv.FormatInt(e.Timestamp.UnixMilli(), 10) + "|" + strconv.FormatUint(h.Sum64(), 36)
}

// backfill reads [from, to) of every group with FilterLogEvents.
func (t *tailer) backfill(ctx context.Context, groups []string, from, to time.Time) {
	for _, g := range groups {
		evs, err := t.filter(ctx, g, from, to, 0)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			t.send(ctx, tailItem{err: fmt.Errorf("backfill of %s: %w", g, err)})
			continue
		}
		if len(evs) > 0 && !t.send(ctx, tailItem{events: evs}) {
			return
		}
	}
}

// filter runs FilterLogEvents over [from, to) (to zero: open), following
// nextToken up to maxPages (0: all), de-duplicating by eventId.
func (t *tailer) filter(ctx context.Context, group string, from, to time.Time, maxPages int) ([]model.LogEvent, error) {
	c := t.c
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: sdkaws.String(group),
		StartTime:    sdkaws.Int64(from.UnixMilli()),
	}
	if !to.IsZero() {
		in.EndTime = sdkaws.Int64(to.UnixMilli())
	}
	if t.req.Filter != "" {
		in.FilterPattern = sdkaws.String(t.req.Filter)
	}
	if len(t.req.StreamPrefixes) == 1 {
		in.LogStreamNamePrefix = sdkaws.String(t.req.StreamPrefixes[0])
	}
	var out []model.LogEvent
	for page := 0; maxPages == 0 || page < maxPages; page++ {
		resp, err := c.logs.FilterLogEvents(ctx, in)
		if err != nil {
			return out, c.classify(asUnsupported("FilterLogEvents", err))
		}
		for _, r := range resp.Events {
			e := model.LogEvent{
				Group:         group,
				Stream:        sdkaws.ToString(r.LogStreamName),
				Timestamp:     time.UnixMilli(sdkaws.ToInt64(r.Timestamp)),
				IngestionTime: time.UnixMilli(sdkaws.ToInt64(r.IngestionTime)),
				Message:       sdkaws.ToString(r.Message),
				EventID:       sdkaws.ToString(r.EventId),
			}
			if !t.matchesPrefix(e.Stream) {
				continue
			}
			key := e.EventID
			if key == "" {
				key = contentKey(e)
			}
			if t.dedup.seen(key) {
				continue
			}
			t.dedup.seen(contentKey(e)) // so a later Live Tail copy is dropped too
			out = append(out, e)
		}
		next := sdkaws.ToString(resp.NextToken)
		if next == "" || (in.NextToken != nil && *in.NextToken == next) {
			break
		}
		in.NextToken = sdkaws.String(next)
	}
	return out, nil
}

func (t *tailer) matchesPrefix(stream string) bool {
	if len(t.req.StreamPrefixes) <= 1 {
		return true
	}
	for _, p := range t.req.StreamPrefixes {
		if strings.HasPrefix(stream, p) {
			return true
		}
	}
	return false
}

// poll follows groups with FilterLogEvents, at most one call per second per
// group, re-reading a short overlap (late ingestion) de-duplicated by eventId.
func (t *tailer) poll(ctx context.Context, groups []string, since time.Time) {
	every := max(t.c.cfg.PollInterval, minPollInterval)
	const overlap = 10 * time.Second
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		go func(g string) {
			defer wg.Done()
			from := since
			if evs, err := t.filter(ctx, g, since, time.Time{}, 0); err == nil {
				for _, e := range evs {
					if e.Timestamp.After(from) {
						from = e.Timestamp
					}
				}
				if len(evs) > 0 && !t.send(ctx, tailItem{mode: TailPoll, events: evs}) {
					return
				}
			}
			for {
				started := time.Now()
				evs, err := t.filter(ctx, g, from.Add(-overlap), time.Time{}, 5)
				if ctx.Err() != nil {
					return
				}
				it := tailItem{mode: TailPoll, events: evs}
				if err != nil {
					if isNotFound(err) {
						// a function never invoked has no log group yet: say so in one line
						err = errNoLogGroup
					}
					it.err = fmt.Errorf("polling %s: %w", g, err)
				}
				for _, e := range evs {
					if e.Timestamp.After(from) {
						from = e.Timestamp
					}
				}
				if (len(evs) > 0 || err != nil) && !t.send(ctx, it) {
					return
				}
				if sleepCtx(ctx, every-time.Since(started)) != nil && ctx.Err() != nil {
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// dedup remembers the last n keys.
type dedup struct {
	mu   sync.Mutex
	set  map[string]struct{}
	ring []string
	next int
}

func newDedup(n int) *dedup {
	return &dedup{set: make(map[string]struct{}, n), ring: make([]string, n)}
}

// seen records key and reports whether it was already there.
func (d *dedup) seen(key string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.set[key]; ok {
		return true
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.set, old)
	}
	d.ring[d.next] = key
	d.next = (d.next + 1) % len(d.ring)
	d.set[key] = struct{}{}
	return false
}

func dedupStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// errNoLogGroup is a polled log group that does not exist (yet).
var errNoLogGroup = errors.New("no log group yet (the function has not been invoked, or its logs go elsewhere)")

// shortError is an error whose text is a one-line summary for the screen,
// with the full cause kept for errors.Is and errors.As.
type shortError struct {
	msg   string
	cause error
}

func (e *shortError) Error() string { return e.msg }
func (e *shortError) Unwrap() error { return e.cause }
