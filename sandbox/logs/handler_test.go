package logs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/lambdaops/lambdaops/internal/ownbody"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type env struct {
	store *Store
	clk   *clock.Manual
	srv   *httptest.Server
	c     *cwl.Client
}

func newEnv(t testing.TB, o Options) *env {
	t.Helper()
	clk := clock.NewManual(t0)
	st := NewStore(clk, o)
	srv := httptest.NewServer(NewHandler(st, clk))
	t.Cleanup(srv.Close)
	return &env{store: st, clk: clk, srv: srv, c: newClient(srv.URL)}
}

func newClient(url string) *cwl.Client {
	return cwl.New(cwl.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Transport: ownbody.Transport{}},
	})
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func lines(start time.Time, step time.Duration, msgs ...string) []record.LogLine {
	out := make([]record.LogLine, len(msgs))
	for i, m := range msgs {
		out[i] = record.LogLine{Time: start.Add(time.Duration(i) * step), Message: m}
	}
	return out
}

func TestCreatePutAndErrors(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	if _, err := e.c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/app/a")}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/app/a")})
	var exists *types.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("duplicate group: %v", err)
	}
	_, err = e.c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/nope"), LogStreamName: aws.String("s")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("stream in missing group: %v", err)
	}
	if _, err := e.c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("s1")}); err != nil {
		t.Fatal(err)
	}
	ts := t0.UnixMilli()
	_, err = e.c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("s1"),
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(ts), Message: aws.String("b")}, {Timestamp: aws.Int64(ts - 1), Message: aws.String("a")}}})
	var ip *types.InvalidParameterException
	if !errors.As(err, &ip) {
		t.Fatalf("out-of-order batch: %v", err)
	}
	_, err = e.c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("s1"),
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(ts - 25*3600*1000), Message: aws.String("a")}, {Timestamp: aws.Int64(ts), Message: aws.String("b")}}})
	if apiCode(err) != "InvalidParameterException" {
		t.Fatalf("batch spanning 25h: %v", err)
	}
	out, err := e.c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("s1"),
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(ts - 15*24*3600*1000), Message: aws.String("ancient")}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.RejectedLogEventsInfo; r == nil || r.TooOldLogEventEndIndex == nil || *r.TooOldLogEventEndIndex != 0 {
		t.Fatalf("rejected too old = %+v", out.RejectedLogEventsInfo)
	}
	out, err = e.c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("s1"),
		LogEvents: []types.InputLogEvent{
			{Timestamp: aws.Int64(ts), Message: aws.String("hello")},
			{Timestamp: aws.Int64(ts + 3*3600*1000), Message: aws.String("future")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.RejectedLogEventsInfo; r == nil || r.TooNewLogEventStartIndex == nil || *r.TooNewLogEventStartIndex != 1 {
		t.Fatalf("rejected too new = %+v", out.RejectedLogEventsInfo)
	}
	ev, err := e.c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Events) != 1 || aws.ToString(ev.Events[0].Message) != "hello" || aws.ToInt64(ev.Events[0].IngestionTime) != ts {
		t.Fatalf("events = %+v", ev.Events)
	}
	_, err = e.c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("zz")})
	if !errors.As(err, &nf) {
		t.Fatalf("missing stream: %v", err)
	}
	_, err = e.c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/app/a"), FilterPattern: aws.String("{ $.x = ")})
	if !errors.As(err, &ip) {
		t.Fatalf("bad pattern: %v", err)
	}
	_, err = e.c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/app/a"), Limit: aws.Int32(51)})
	if !errors.As(err, &ip) {
		t.Fatalf("limit 51: %v", err)
	}
	if _, err := e.c.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String("/app/a"), LogStreamName: aws.String("s1")}); err != nil {
		t.Fatal(err)
	}
	if b := e.store.GroupBytes("/app/a"); b != 0 {
		t.Fatalf("bytes after delete stream = %d", b)
	}
	if _, err := e.c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/app/a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/app/a")}); !errors.As(err, &nf) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestMalformedRequests(t *testing.T) {
	e := newEnv(t, Options{})
	e.store.CreateGroup("g")
	cases := []struct {
		target, body string
		status       int
		typ          string
	}{
		{"Logs_20140328.FilterLogEvents", `{`, 400, "SerializationException"},
		{"Logs_20140328.FilterLogEvents", `{"logGroupName":5}`, 400, "SerializationException"},
		{"Logs_20140328.FilterLogEvents", `{"logGroupName":"g","nextToken":"!!"}`, 400, "InvalidParameterException"},
		{"Logs_20140328.GetLogEvents", `{"logGroupName":"g","logStreamName":"s","nextToken":"f/x/1/s"}`, 400, "InvalidParameterException"},
		{"Logs_20140328.DescribeLogStreams", `{"logGroupName":"g","nextToken":"abc"}`, 400, "InvalidParameterException"},
		{"Logs_20140328.DescribeLogGroups", `{"logGroupNamePrefix":"a","logGroupNamePattern":"b"}`, 400, "InvalidParameterException"},
		{"Logs_20140328.Bogus", `{}`, 400, "UnknownOperationException"},
		{"", `{}`, 400, "UnknownOperationException"},
		{"Logs_20140328.PutLogEvents", `{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"` + strings.Repeat("x", MaxRequestBytes) + `"}]}`, 413, "RequestEntityTooLargeException"},
		{"Logs_20140328.StartLiveTail", `{"logGroupIdentifiers":[]}`, 400, "InvalidParameterException"},
		{"Logs_20140328.StartLiveTail", `{"logGroupIdentifiers":["nope"]}`, 400, "ResourceNotFoundException"},
		{"Logs_20140328.StartLiveTail", `{"logGroupIdentifiers":["g","h"],"logStreamNames":["x"]}`, 400, "InvalidParameterException"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("POST", e.srv.URL, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if c.target != "" {
			req.Header.Set("X-Amz-Target", c.target)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status || resp.Header.Get("X-Amzn-ErrorType") != c.typ {
			t.Errorf("%s %.40s: got %d %q, want %d %q", c.target, c.body, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), c.status, c.typ)
		}
	}
}

func TestDescribeLogGroupsPaging(t *testing.T) {
	e := newEnv(t, Options{})
	for i := range 120 {
		e.store.CreateGroup(fmt.Sprintf("/aws/lambda/fn-%03d", i))
	}
	e.store.CreateGroup("/other/x")
	e.store.Logs("/aws/lambda/fn-007", "s", lines(t0, time.Millisecond, "hi"))
	ctx := context.Background()
	p := cwl.NewDescribeLogGroupsPaginator(e.c, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
			if aws.ToString(g.LogGroupName) == "/aws/lambda/fn-007" {
				if aws.ToInt64(g.StoredBytes) == 0 || aws.ToString(g.LogGroupArn) != "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn-007" || !strings.HasSuffix(aws.ToString(g.Arn), ":*") {
					t.Errorf("group = %+v", g)
				}
			}
		}
	}
	if len(names) != 120 || pages != 3 || names[0] != "/aws/lambda/fn-000" || names[119] != "/aws/lambda/fn-119" {
		t.Fatalf("got %d names in %d pages", len(names), pages)
	}
	out, err := e.c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("FN-11"), Limit: aws.Int32(5)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogGroups) != 5 || out.NextToken == nil {
		t.Fatalf("pattern: %d groups, token %v", len(out.LogGroups), out.NextToken)
	}
	out, err = e.c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("FN-11"), Limit: aws.Int32(5), NextToken: out.NextToken})
	if err != nil || len(out.LogGroups) != 5 || out.NextToken != nil {
		t.Fatalf("pattern page 2: %v %d %v", err, len(out.LogGroups), out.NextToken)
	}
}

func TestDescribeLogStreamsOrdering(t *testing.T) {
	e := newEnv(t, Options{})
	g := "/aws/lambda/f"
	e.store.CreateGroup(g)
	// stream i's last event is at t0 + (i*7 % 13) seconds
	for i := range 13 {
		name := fmt.Sprintf("2026/11/26/[$LATEST]%02d", i)
		e.store.Logs(g, name, lines(t0.Add(time.Duration(i*7%13)*time.Second), 0, "x"))
	}
	ctx := context.Background()
	collect := func(in cwl.DescribeLogStreamsInput) []types.LogStream {
		in.LogGroupName = aws.String(g)
		in.Limit = aws.Int32(5)
		var all []types.LogStream
		p := cwl.NewDescribeLogStreamsPaginator(e.c, &in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, out.LogStreams...)
		}
		return all
	}
	byName := collect(cwl.DescribeLogStreamsInput{})
	if len(byName) != 13 || aws.ToString(byName[0].LogStreamName) != "2026/11/26/[$LATEST]00" {
		t.Fatalf("by name: %d", len(byName))
	}
	byTime := collect(cwl.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)})
	if len(byTime) != 13 {
		t.Fatalf("by time: %d", len(byTime))
	}
	for i := 1; i < len(byTime); i++ {
		if aws.ToInt64(byTime[i-1].LastEventTimestamp) < aws.ToInt64(byTime[i].LastEventTimestamp) {
			t.Fatalf("not descending at %d", i)
		}
	}
	if aws.ToInt64(byTime[0].LastEventTimestamp) != t0.Add(12*time.Second).UnixMilli() {
		t.Fatalf("newest = %d", aws.ToInt64(byTime[0].LastEventTimestamp))
	}
	pre := collect(cwl.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("2026/11/26/[$LATEST]1")})
	if len(pre) != 3 {
		t.Fatalf("prefix: %d", len(pre))
	}
	_, err := e.c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(g), OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("x")})
	if apiCode(err) != "InvalidParameterException" {
		t.Fatalf("orderBy+prefix: %v", err)
	}
	// logGroupIdentifier as ARN works too
	out, err := e.c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:" + g)})
	if err != nil || len(out.LogStreams) != 13 {
		t.Fatalf("by ARN: %v", err)
	}
}

func TestGetLogEventsTokens(t *testing.T) {
	e := newEnv(t, Options{})
	g, s := "/aws/lambda/f", "st"
	var msgs []string
	for i := range 25 {
		msgs = append(msgs, fmt.Sprintf("line %02d", i))
	}
	e.store.Logs(g, s, lines(t0, time.Second, msgs...))
	ctx := context.Background()

	// Default (startFromHead=false): the newest `limit` events.
	out, err := e.c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), Limit: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 10 || aws.ToString(out.Events[0].Message) != "line 15" || aws.ToString(out.Events[9].Message) != "line 24" {
		t.Fatalf("tail page: %v", msgOf(out.Events))
	}
	// At the end, the same forward token comes back.
	fwd := out.NextForwardToken
	out2, err := e.c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), NextToken: fwd})
	if err != nil {
		t.Fatal(err)
	}
	if len(out2.Events) != 0 || aws.ToString(out2.NextForwardToken) != aws.ToString(fwd) {
		t.Fatalf("end of stream: %d events, token %q vs %q", len(out2.Events), aws.ToString(out2.NextForwardToken), aws.ToString(fwd))
	}
	// New events appear after the forward token.
	e.store.Logs(g, s, lines(t0.Add(time.Minute), 0, "late"))
	out3, err := e.c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), NextToken: fwd})
	if err != nil || len(out3.Events) != 1 || aws.ToString(out3.Events[0].Message) != "late" {
		t.Fatalf("follow: %v %v", err, msgOf(out3.Events))
	}
	// Backward paging from the first page.
	back := out.NextBackwardToken
	var older []string
	for range 5 {
		o, err := e.c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), NextToken: back, Limit: aws.Int32(10)})
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Events) == 0 {
			if aws.ToString(o.NextBackwardToken) != aws.ToString(back) {
				t.Fatal("start of stream should return the same backward token")
			}
			break
		}
		older = append(msgOf(o.Events), older...)
		back = o.NextBackwardToken
	}
	if len(older) != 15 || older[0] != "line 00" || older[14] != "line 14" {
		t.Fatalf("backward: %v", older)
	}
	// startFromHead with a time range; the paginator with StopOnDuplicateToken ends.
	p := cwl.NewGetLogEventsPaginator(e.c, &cwl.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), StartFromHead: aws.Bool(true),
		StartTime: aws.Int64(t0.Add(5 * time.Second).UnixMilli()), EndTime: aws.Int64(t0.Add(20 * time.Second).UnixMilli()), Limit: aws.Int32(4)},
		func(o *cwl.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	var got []string
	for p.HasMorePages() && len(got) < 100 {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msgOf(o.Events)...)
	}
	if len(got) != 15 || got[0] != "line 05" || got[14] != "line 19" {
		t.Fatalf("range from head: %v", got)
	}
}

func msgOf(evs []types.OutputLogEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, aws.ToString(e.Message))
	}
	return out
}

func TestFilterLogEvents(t *testing.T) {
	e := newEnv(t, Options{})
	g := "/aws/lambda/api"
	e.store.Logs(g, "2026/11/26/[1]aaa", lines(t0, 2*time.Second,
		"START RequestId: 1 Version: 1",
		`{"level":"ERROR","latency":250,"msg":"db timeout"}`,
		"END RequestId: 1",
		"REPORT RequestId: 1\tDuration: 12.00 ms"))
	e.store.Logs(g, "2026/11/26/[2]bbb", lines(t0.Add(time.Second), 2*time.Second,
		"START RequestId: 2 Version: 2",
		`{"level":"INFO","latency":50,"msg":"ok"}`,
		"[ERROR] Task timed out after 3.00 seconds",
		"REPORT RequestId: 2\tDuration: 3000.00 ms"))
	ctx := context.Background()
	filter := func(in cwl.FilterLogEventsInput) []types.FilteredLogEvent {
		t.Helper()
		in.LogGroupName = aws.String(g)
		out, err := e.c.FilterLogEvents(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		return out.Events
	}
	all := filter(cwl.FilterLogEventsInput{})
	if len(all) != 8 {
		t.Fatalf("all: %d", len(all))
	}
	for i := 1; i < len(all); i++ {
		if aws.ToInt64(all[i].Timestamp) < aws.ToInt64(all[i-1].Timestamp) {
			t.Fatal("not interleaved by time")
		}
		if aws.ToString(all[i].EventId) == "" || aws.ToInt64(all[i].IngestionTime) == 0 {
			t.Fatal("missing eventId/ingestionTime")
		}
	}
	cases := []struct {
		pattern string
		want    int
	}{
		{"REPORT", 2},
		{"ERROR", 2},
		{`"Task timed out"`, 1},
		{"RequestId -START", 3},
		{"?START ?END", 3},
		{`{ $.level = "ERROR" }`, 1},
		{`{ $.latency > 100 }`, 1},
		{`{ $.latency > 10 && $.level != "ERROR" }`, 1},
		{`{ $.msg = "db*" || $.msg = ok }`, 2},
		{`[kind=REPORT, ...]`, 2},
	}
	for _, c := range cases {
		if got := filter(cwl.FilterLogEventsInput{FilterPattern: aws.String(c.pattern)}); len(got) != c.want {
			t.Errorf("pattern %q: %d events, want %d", c.pattern, len(got), c.want)
		}
	}
	if got := filter(cwl.FilterLogEventsInput{LogStreamNames: []string{"2026/11/26/[1]aaa"}}); len(got) != 4 {
		t.Errorf("stream names: %d", len(got))
	}
	if got := filter(cwl.FilterLogEventsInput{LogStreamNamePrefix: aws.String("2026/11/26/[2]")}); len(got) != 4 || aws.ToString(got[0].LogStreamName) != "2026/11/26/[2]bbb" {
		t.Errorf("prefix: %d", len(got))
	}
	// startTime and endTime are both inclusive.
	if got := filter(cwl.FilterLogEventsInput{StartTime: aws.Int64(t0.Add(time.Second).UnixMilli()), EndTime: aws.Int64(t0.Add(3 * time.Second).UnixMilli())}); len(got) != 3 {
		t.Errorf("time range: %d", len(got))
	}
	// Pagination with a small limit visits every event exactly once.
	p := cwl.NewFilterLogEventsPaginator(e.c, &cwl.FilterLogEventsInput{LogGroupIdentifier: aws.String(g), Limit: aws.Int32(3)})
	var ids []string
	seen := map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.SearchedLogStreams) != 2 {
			t.Errorf("searchedLogStreams = %d", len(out.SearchedLogStreams))
		}
		for _, ev := range out.Events {
			id := aws.ToString(ev.EventId)
			if seen[id] {
				t.Fatalf("duplicate %s", id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) != 8 {
		t.Fatalf("paged: %d", len(ids))
	}
	_, err := e.c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/missing")})
	if apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("missing group: %v", err)
	}
}

func TestBoundedMemory(t *testing.T) {
	e := newEnv(t, Options{MaxBytesPerGroup: 100_000, MaxBytes: 1_000_000})
	msg := strings.Repeat("x", 1000-EventOverhead) // 1,000 bytes with overhead
	for g := range 30 {
		for i := range 300 {
			e.store.Logs(fmt.Sprintf("/g/%02d", g), fmt.Sprintf("s%d", i%7), lines(t0.Add(time.Duration(i)*time.Millisecond), 0, msg))
		}
		if b := e.store.GroupBytes(fmt.Sprintf("/g/%02d", g)); b > 100_000 {
			t.Fatalf("group over its cap: %d", b)
		}
	}
	total, n := e.store.Bytes()
	if total > 1_000_000 || n == 0 {
		t.Fatalf("total %d bytes, %d events", total, n)
	}
	// The oldest events went first: what is left of the last group is its tail.
	out, err := e.c.FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String("/g/29")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) == 0 || aws.ToInt64(out.Events[len(out.Events)-1].Timestamp) != t0.Add(299*time.Millisecond).UnixMilli() {
		t.Fatalf("newest event lost")
	}
	if first := aws.ToInt64(out.Events[0].Timestamp); first == t0.UnixMilli() {
		t.Fatalf("oldest event kept")
	}
	// Streams emptied by retention disappear.
	e2 := newEnv(t, Options{MaxBytesPerGroup: 5_000})
	for i := range 100 {
		e2.store.Logs("/g", fmt.Sprintf("env-%03d", i), lines(t0, 0, msg))
	}
	ds, err := e2.c.DescribeLogStreams(context.Background(), &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/g")})
	if err != nil || len(ds.LogStreams) != 5 { // 5,000 bytes hold five 1,000-byte events
		t.Fatalf("streams after retention: %v %d", err, len(ds.LogStreams))
	}
}
