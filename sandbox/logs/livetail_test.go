package logs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/lambdaops/lambdaops/sandbox/record"
)

// disableHostPrefix stops the SDK from dialling "stream-127.0.0.1" (see
// the wire-protocols reference, StartLiveTail).
func disableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("LocalDisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

func startTail(t testing.TB, c *cwl.Client, in *cwl.StartLiveTailInput) (*cwl.StartLiveTailEventStream, *types.LiveTailSessionStart) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out, err := c.StartLiveTail(ctx, in, func(o *cwl.Options) { o.APIOptions = append(o.APIOptions, disableHostPrefix) })
	if err != nil {
		t.Fatalf("StartLiveTail: %v", err)
	}
	st := out.GetStream()
	t.Cleanup(func() { st.Close() })
	select {
	case ev, ok := <-st.Events():
		if !ok {
			t.Fatalf("stream closed before sessionStart: %v", st.Err())
		}
		start, ok := ev.(*types.StartLiveTailResponseStreamMemberSessionStart)
		if !ok {
			t.Fatalf("first event %T, want sessionStart", ev)
		}
		return st, &start.Value
	case <-time.After(10 * time.Second):
		t.Fatal("no sessionStart")
	}
	return nil, nil
}

// nextUpdate returns the next sessionUpdate (possibly empty).
func nextUpdate(t testing.TB, st *cwl.StartLiveTailEventStream) *types.LiveTailSessionUpdate {
	t.Helper()
	select {
	case ev, ok := <-st.Events():
		if !ok {
			t.Fatalf("stream closed: %v", st.Err())
		}
		up, ok := ev.(*types.StartLiveTailResponseStreamMemberSessionUpdate)
		if !ok {
			t.Fatalf("event %T, want sessionUpdate", ev)
		}
		return &up.Value
	case <-time.After(10 * time.Second):
		t.Fatal("no sessionUpdate")
	}
	return nil
}

// collect reads updates until n events arrived (or 200 updates passed).
func collect(t testing.TB, st *cwl.StartLiveTailEventStream, n int) []types.LiveTailSessionLogEvent {
	t.Helper()
	var got []types.LiveTailSessionLogEvent
	for range 200 {
		got = append(got, nextUpdate(t, st).SessionResults...)
		if len(got) >= n {
			return got
		}
	}
	t.Fatalf("got %d events, want %d", len(got), n)
	return nil
}

func TestLiveTailReceivesAppends(t *testing.T) {
	e := newEnv(t, Options{UpdateInterval: 20 * time.Millisecond})
	g1, g2 := "/aws/lambda/a", "/aws/lambda/b"
	e.store.CreateGroup(g1)
	e.store.CreateGroup(g2)
	arn1 := "arn:aws:logs:us-east-1:123456789012:log-group:" + g1
	st, start := startTail(t, e.c, &cwl.StartLiveTailInput{
		LogGroupIdentifiers:   []string{arn1, g2},
		LogEventFilterPattern: aws.String("-DEBUG"),
	})
	if aws.ToString(start.SessionId) == "" || len(start.LogGroupIdentifiers) != 2 || aws.ToString(start.LogEventFilterPattern) != "-DEBUG" {
		t.Fatalf("sessionStart = %+v", start)
	}
	if e.store.LiveTailSessions() != 1 {
		t.Fatal("session not registered")
	}
	e.clk.Advance(time.Second)
	e.store.Logs(g1, "s1", lines(t0, time.Millisecond, "hello", "DEBUG noise", "world"))
	e.store.Logs(g2, "s2", lines(t0.Add(time.Second), 0, "from b"))
	e.store.Logs("/aws/lambda/other", "s", lines(t0, 0, "not tailed"))
	got := collect(t, st, 3)
	if len(got) != 3 {
		t.Fatalf("got %d events", len(got))
	}
	want := map[string]string{"hello": arn1, "world": arn1, "from b": g2}
	for _, ev := range got {
		m := aws.ToString(ev.Message)
		if want[m] != aws.ToString(ev.LogGroupIdentifier) {
			t.Errorf("event %q from %q", m, aws.ToString(ev.LogGroupIdentifier))
		}
		if aws.ToInt64(ev.IngestionTime) != t0.Add(time.Second).UnixMilli() || aws.ToInt64(ev.Timestamp) == 0 || aws.ToString(ev.LogStreamName) == "" {
			t.Errorf("event fields: %+v", ev)
		}
	}
}

func TestLiveTailStreamPrefixes(t *testing.T) {
	e := newEnv(t, Options{UpdateInterval: 20 * time.Millisecond})
	g := "/aws/lambda/checkout"
	e.store.CreateGroup(g)
	st, _ := startTail(t, e.c, &cwl.StartLiveTailInput{
		LogGroupIdentifiers:   []string{g},
		LogStreamNamePrefixes: []string{"2026/11/26/[8]"},
		LogEventFilterPattern: aws.String(`{ $.level = "ERROR" }`),
	})
	e.store.Logs(g, "2026/11/26/[7]abc", lines(t0, 0, `{"level":"ERROR","v":7}`))
	e.store.Logs(g, "2026/11/26/[8]def", lines(t0, 0, `{"level":"INFO","v":8}`, `{"level":"ERROR","v":8}`))
	got := collect(t, st, 1)
	if len(got) != 1 || aws.ToString(got[0].Message) != `{"level":"ERROR","v":8}` {
		t.Fatalf("got %+v", got)
	}
	// names and multiple groups are refused
	_, err := e.c.StartLiveTail(context.Background(), &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{g, "/x"}, LogStreamNames: []string{"a"}},
		func(o *cwl.Options) { o.APIOptions = append(o.APIOptions, disableHostPrefix) })
	var ip *types.InvalidParameterException
	if !errors.As(err, &ip) {
		t.Fatalf("names with two groups: %v", err)
	}
}

func TestLiveTailSampling(t *testing.T) {
	e := newEnv(t, Options{UpdateInterval: 50 * time.Millisecond})
	g := "/aws/lambda/busy"
	e.store.CreateGroup(g)
	st, _ := startTail(t, e.c, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{g}})
	batch := make([]record.LogLine, 2000)
	for i := range batch {
		batch[i] = record.LogLine{Time: t0.Add(time.Duration(i) * time.Millisecond), Message: fmt.Sprint("event ", i)}
	}
	e.store.Logs(g, "s", batch) // one batch lands in one update window
	for range 200 {
		up := nextUpdate(t, st)
		if len(up.SessionResults) == 0 {
			continue
		}
		if len(up.SessionResults) != 500 || up.SessionMetadata == nil || !up.SessionMetadata.Sampled {
			t.Fatalf("update: %d events, metadata %+v", len(up.SessionResults), up.SessionMetadata)
		}
		for i := 1; i < len(up.SessionResults); i++ {
			if aws.ToInt64(up.SessionResults[i].Timestamp) < aws.ToInt64(up.SessionResults[i-1].Timestamp) {
				t.Fatal("sampled events not in time order")
			}
		}
		// the next non-empty window is not sampled
		e.store.Logs(g, "s", batch[:10])
		for range 200 {
			up := nextUpdate(t, st)
			if len(up.SessionResults) > 0 {
				if len(up.SessionResults) != 10 || up.SessionMetadata.Sampled {
					t.Fatalf("small window: %d sampled=%v", len(up.SessionResults), up.SessionMetadata.Sampled)
				}
				return
			}
		}
	}
	t.Fatal("no non-empty update")
}

func TestLiveTailSessionTimeoutAndLimit(t *testing.T) {
	e := newEnv(t, Options{UpdateInterval: 20 * time.Millisecond, SessionTimeout: time.Hour, MaxLiveTailSessions: 1})
	g := "/aws/lambda/x"
	e.store.CreateGroup(g)
	st, _ := startTail(t, e.c, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{g}})
	_, err := e.c.StartLiveTail(context.Background(), &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{g}},
		func(o *cwl.Options) { o.APIOptions = append(o.APIOptions, disableHostPrefix) })
	var le *types.LimitExceededException
	if !errors.As(err, &le) {
		t.Fatalf("second session: %v", err)
	}
	nextUpdate(t, st)
	e.clk.Advance(time.Hour)
	for range 200 {
		_, ok := <-st.Events()
		if !ok {
			break
		}
	}
	var to *types.SessionTimeoutException
	if !errors.As(st.Err(), &to) {
		t.Fatalf("stream error = %v, want SessionTimeoutException", st.Err())
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.store.LiveTailSessions() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := e.store.LiveTailSessions(); n != 0 {
		t.Fatalf("%d sessions left after timeout", n)
	}
}

func TestEventStreamFrameCRC(t *testing.T) {
	// Frames decode with the SDK's own decoder in the tests above; here a
	// corrupted byte must change the message CRC.
	var a, b bytesBuf
	_ = encodeFrame(&a, eventHeaders("sessionUpdate"), []byte(`{"x":1}`))
	_ = encodeFrame(&b, eventHeaders("sessionUpdate"), []byte(`{"x":2}`))
	if len(a) != len(b) || string(a[len(a)-4:]) == string(b[len(b)-4:]) {
		t.Fatal("message CRC does not cover the payload")
	}
}

type bytesBuf []byte

func (b *bytesBuf) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func TestStoreCloseEndsSessions(t *testing.T) {
	e := newEnv(t, Options{UpdateInterval: 20 * time.Millisecond})
	e.store.CreateGroup("/g")
	st, _ := startTail(t, e.c, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"/g"}})
	e.store.Close()
	for range 500 {
		if _, ok := <-st.Events(); !ok {
			break
		}
	}
	if err := st.Err(); err != nil {
		t.Fatalf("stream ended with %v, want a clean end", err)
	}
}
