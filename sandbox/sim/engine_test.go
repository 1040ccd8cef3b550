package sim

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

var t0 = time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)

// capture is a record.Sink that keeps everything.
type capture struct {
	mu      sync.Mutex
	invs    []record.Invocation
	metrics []record.Metric
	logs    []logBatch
}

type logBatch struct {
	group, stream string
	lines         []record.LogLine
}

func (c *capture) Invocation(i record.Invocation) {
	c.mu.Lock()
	c.invs = append(c.invs, i)
	c.mu.Unlock()
}
func (c *capture) Metric(m record.Metric) {
	c.mu.Lock()
	c.metrics = append(c.metrics, m)
	c.mu.Unlock()
}
func (c *capture) Logs(g, s string, l []record.LogLine) {
	c.mu.Lock()
	c.logs = append(c.logs, logBatch{g, s, append([]record.LogLine(nil), l...)})
	c.mu.Unlock()
}

func (c *capture) count(fn func(record.Invocation) bool) (n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, i := range c.invs {
		if fn(i) {
			n += max(i.Count, 1)
		}
	}
	return n
}

func baseCall() Call {
	return Call{
		Function:    "fn",
		FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:fn",
		Version:     "$LATEST",
		Runtime:     "nodejs20.x",
		MemoryMB:    1024,
		TimeoutSec:  10,
		CodeSize:    2 << 20,
		Behaviour:   &Behaviour{MeanDuration: 100 * time.Millisecond},
	}
}

func newTestEngine(seed int64) (*Engine, *clock.Manual, *capture) {
	clk := clock.NewManual(t0)
	sink := &capture{}
	return NewEngine(clk, sink, seed, 1000), clk, sink
}

func TestColdThenWarm(t *testing.T) {
	e, clk, sink := newTestEngine(1)
	c := baseCall()
	c.Tail = true
	r1 := e.Invoke(c)
	if r1.Throttled || r1.InitDuration == 0 {
		t.Fatalf("first call should be a cold start: %+v", r1)
	}
	if !strings.Contains(r1.LogTail, "Init Duration: ") || !strings.HasPrefix(r1.LogTail, "INIT_START Runtime Version: nodejs:20") {
		t.Fatalf("cold tail:\n%s", r1.LogTail)
	}
	clk.Advance(2 * time.Second)
	r2 := e.Invoke(c)
	if r2.InitDuration != 0 || strings.Contains(r2.LogTail, "Init Duration") {
		t.Fatalf("second call should be warm: %+v\n%s", r2, r2.LogTail)
	}
	if r1.RequestID == r2.RequestID || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(r1.RequestID) {
		t.Fatalf("request ids %q %q", r1.RequestID, r2.RequestID)
	}
	// Both ran in the same environment: same stream.
	if len(sink.logs) != 2 || sink.logs[0].stream != sink.logs[1].stream {
		t.Fatalf("streams: %+v", sink.logs)
	}
	if !regexp.MustCompile(`^2026/03/14/\[\$LATEST\][0-9a-f]{32}$`).MatchString(sink.logs[0].stream) {
		t.Fatalf("stream name %q", sink.logs[0].stream)
	}
	if sink.logs[0].group != "/aws/lambda/fn" {
		t.Fatalf("group %q", sink.logs[0].group)
	}
	if n := sink.count(func(i record.Invocation) bool { return i.InitDuration > 0 }); n != 1 {
		t.Fatalf("cold records %d", n)
	}
	// Overlapping call while the first env is busy → a second env.
	clk.Advance(2 * time.Second)
	r3 := e.Invoke(c)
	r4 := e.Invoke(c)
	if r3.InitDuration != 0 || r4.InitDuration == 0 {
		t.Fatalf("concurrent call should need a new env: %v %v", r3.InitDuration, r4.InitDuration)
	}
	if got := e.Concurrency("fn"); got != 2 {
		t.Fatalf("concurrency %d", got)
	}
	clk.Advance(5 * time.Second)
	if got := e.Concurrency("fn"); got != 0 {
		t.Fatalf("concurrency after %d", got)
	}
}

func TestEnvExpiry(t *testing.T) {
	e, clk, _ := newTestEngine(2)
	c := baseCall()
	e.Invoke(c)
	clk.Advance(4 * time.Minute)
	if r := e.Invoke(c); r.InitDuration != 0 {
		t.Fatal("env should still be warm after 4 min")
	}
	clk.Advance(16 * time.Minute)
	if r := e.Invoke(c); r.InitDuration == 0 {
		t.Fatal("env should have expired after 16 min idle")
	}
}

func TestResetMakesCold(t *testing.T) {
	e, clk, _ := newTestEngine(2)
	c := baseCall()
	e.Invoke(c)
	clk.Advance(time.Second)
	e.Reset("fn")
	if r := e.Invoke(c); r.InitDuration == 0 {
		t.Fatal("after Reset the call should be cold")
	}
}

func TestVersionsHaveSeparateEnvs(t *testing.T) {
	e, clk, sink := newTestEngine(3)
	c := baseCall()
	c.Version = "7"
	e.Invoke(c)
	clk.Advance(time.Second)
	c.Version = "8"
	if r := e.Invoke(c); r.InitDuration == 0 || r.ExecutedVersion != "8" {
		t.Fatalf("version 8 needs its own env: %+v", r)
	}
	if !strings.Contains(sink.logs[1].stream, "/[8]") {
		t.Fatalf("stream %q", sink.logs[1].stream)
	}
}

func TestReservedThrottle(t *testing.T) {
	e, _, sink := newTestEngine(4)
	c := baseCall()
	ten := 10
	c.Reserved = &ten
	var ok, thr int
	for i := 0; i < 25; i++ {
		r := e.Invoke(c)
		if r.Throttled {
			thr++
			if r.Reason != ReasonReserved {
				t.Fatalf("reason %q", r.Reason)
			}
		} else {
			ok++
		}
	}
	if ok != 10 || thr != 15 {
		t.Fatalf("ok %d throttled %d", ok, thr)
	}
	if n := sink.count(func(i record.Invocation) bool { return i.Throttled }); n != 15 {
		t.Fatalf("throttle records %d", n)
	}
	zero := 0
	c.Reserved = &zero
	c.Function = "off"
	if r := e.Invoke(c); !r.Throttled || r.Reason != ReasonReserved {
		t.Fatalf("reserved 0 must throttle: %+v", r)
	}
}

func TestAccountThrottle(t *testing.T) {
	clk := clock.NewManual(t0)
	e := NewEngine(clk, record.Nop{}, 5, 20)
	e.SetReservedTotal(5)
	c := baseCall()
	var thr int
	for i := 0; i < 30; i++ {
		c.Function = fmt.Sprintf("fn-%d", i%3)
		r := e.Invoke(c)
		if r.Throttled {
			thr++
			if r.Reason != ReasonAccount {
				t.Fatalf("reason %q", r.Reason)
			}
		}
	}
	if thr != 15 {
		t.Fatalf("throttled %d, want 15 (limit 20 - 5 reserved)", thr)
	}
	if got := e.AccountConcurrency(); got != 15 {
		t.Fatalf("account concurrency %d", got)
	}
	// A reserved function still runs from its own pool.
	two := 2
	c.Function = "reserved"
	c.Reserved = &two
	if r := e.Invoke(c); r.Throttled {
		t.Fatalf("reserved function throttled: %+v", r)
	}
	clk.Advance(time.Minute)
	if got := e.AccountConcurrency(); got != 0 {
		t.Fatalf("account concurrency after %d", got)
	}
}

func TestProvisionedAndSpillover(t *testing.T) {
	e, clk, sink := newTestEngine(6)
	c := baseCall()
	c.Function = "search-api"
	c.Resource = "prod"
	c.Version = "3"
	c.Provisioned = 5
	var prov, spill int
	for i := 0; i < 20; i++ {
		r := e.Invoke(c)
		if r.Provisioned {
			prov++
			if r.InitDuration != 0 {
				t.Fatal("provisioned env must not cold start")
			}
		}
		if r.Spillover {
			spill++
		}
	}
	if prov != 5 || spill != 15 {
		t.Fatalf("provisioned %d spillover %d", prov, spill)
	}
	if n := sink.count(func(i record.Invocation) bool { return i.Spillover }); n != 15 {
		t.Fatalf("spillover records %d", n)
	}
	// Provisioned envs do not expire.
	clk.Advance(time.Hour)
	r := e.Invoke(c)
	if !r.Provisioned || r.InitDuration != 0 {
		t.Fatalf("after an hour: %+v", r)
	}
	// Unqualified calls do not use the alias's provisioned envs.
	c.Resource, c.Version, c.Provisioned = "", "$LATEST", 0
	if r := e.Invoke(c); r.Provisioned || r.Spillover {
		t.Fatalf("unqualified: %+v", r)
	}
}

func TestTimeout(t *testing.T) {
	e, _, _ := newTestEngine(7)
	c := baseCall()
	c.TimeoutSec = 3
	c.Tail = true
	c.Behaviour = &Behaviour{MeanDuration: 10 * time.Second, Jitter: 0.01}
	r := e.Invoke(c)
	if !r.TimedOut || r.FunctionError != ErrorUnhandled || r.Duration != 3*time.Second {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(r.LogTail, r.RequestID+" Task timed out after 3.00 seconds\n") {
		t.Fatalf("tail:\n%s", r.LogTail)
	}
	rep, ok := model.ParseReportFromTail(r.LogTail)
	if !ok || !rep.TimedOut || rep.Duration != 3*time.Second || rep.BilledDuration != 3*time.Second {
		t.Fatalf("report %+v", rep)
	}
	var p struct{ ErrorMessage string }
	if err := json.Unmarshal(r.Payload, &p); err != nil || !strings.HasSuffix(p.ErrorMessage, "Task timed out after 3.00 seconds") {
		t.Fatalf("payload %s %v", r.Payload, err)
	}
}

func TestTextLogFormat(t *testing.T) {
	e, _, _ := newTestEngine(8)
	c := baseCall()
	c.Tail = true
	r := e.Invoke(c)
	lines := strings.Split(strings.TrimSuffix(r.LogTail, "\n"), "\n")
	if !strings.HasPrefix(lines[1], "START RequestId: "+r.RequestID+" Version: $LATEST") {
		t.Fatalf("START: %q", lines[1])
	}
	if lines[len(lines)-2] != "END RequestId: "+r.RequestID {
		t.Fatalf("END: %q", lines[len(lines)-2])
	}
	app := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t` + r.RequestID + `\t(INFO|WARN|ERROR)\t.+`)
	if !app.MatchString(lines[2]) {
		t.Fatalf("app line %q", lines[2])
	}
	rep, ok := model.ParseReport(lines[len(lines)-1])
	if !ok || rep.RequestID != r.RequestID || rep.Duration != r.Duration || rep.MemorySizeMB != 1024 ||
		rep.MaxMemoryUsedMB != r.MaxMemoryUsedMB || rep.InitDuration != r.InitDuration ||
		rep.BilledDuration != r.BilledDuration {
		t.Fatalf("report %+v vs %+v", rep, r)
	}
	if r.BilledDuration < r.Duration || r.BilledDuration-r.Duration >= time.Millisecond || r.BilledDuration%time.Millisecond != 0 {
		t.Fatalf("billed %v duration %v", r.BilledDuration, r.Duration)
	}
	if !regexp.MustCompile(`^REPORT RequestId: \S+\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 1024 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t$`).MatchString(lines[len(lines)-1]) {
		t.Fatalf("REPORT %q", lines[len(lines)-1])
	}

	// Python style.
	c.Runtime = "python3.12"
	c.Function = "py"
	r = e.Invoke(c)
	if !regexp.MustCompile(`(?m)^\[INFO\]\t\d{4}-\d\d-\d\dT[0-9:.]+Z\t` + r.RequestID + `\t`).MatchString(r.LogTail) {
		t.Fatalf("python tail:\n%s", r.LogTail)
	}
}

func TestJSONLogFormat(t *testing.T) {
	e, _, sink := newTestEngine(9)
	c := baseCall()
	c.LogFormat = "JSON"
	c.Tail = true
	c.LogGroup = "/custom/group"
	r := e.Invoke(c)
	lb := sink.logs[0]
	if lb.group != "/custom/group" {
		t.Fatalf("group %q", lb.group)
	}
	types := []string{}
	for _, l := range lb.lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l.Message), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", l.Message, err)
		}
		if ty, ok := m["type"].(string); ok {
			types = append(types, ty)
		} else if m["level"] == nil || m["requestId"] != r.RequestID {
			t.Fatalf("app record %q", l.Message)
		}
	}
	if strings.Join(types, ",") != "platform.initStart,platform.start,platform.report" {
		t.Fatalf("types %v", types)
	}
	rep, ok := model.ParseReportFromTail(r.LogTail)
	if !ok || rep.RequestID != r.RequestID || rep.Duration != r.Duration || rep.InitDuration != r.InitDuration ||
		rep.MaxMemoryUsedMB != r.MaxMemoryUsedMB || rep.BilledDuration != r.BilledDuration || rep.Status != "success" {
		t.Fatalf("report %+v vs %+v", rep, r)
	}
}

func TestErrorsAndPayload(t *testing.T) {
	e, _, sink := newTestEngine(10)
	c := baseCall()
	c.Behaviour = &Behaviour{ErrorRate: 1}
	c.Tail = true
	r := e.Invoke(c)
	if r.FunctionError != ErrorUnhandled || !json.Valid(r.Payload) || !strings.Contains(r.LogTail, "\tERROR\tInvoke Error \t{") {
		t.Fatalf("%+v\n%s", r, r.LogTail)
	}
	c.Behaviour = &Behaviour{ErrorRate: 1, HandledShare: 1}
	if r := e.Invoke(c); r.FunctionError != ErrorHandled {
		t.Fatalf("%+v", r)
	}
	c.Behaviour = &Behaviour{}
	r = e.Invoke(c)
	if r.FunctionError != "" || !json.Valid(r.Payload) {
		t.Fatalf("%+v", r)
	}
	if n := sink.count(func(i record.Invocation) bool { return i.Error }); n != 2 {
		t.Fatalf("error records %d", n)
	}
	c.Runtime = "python3.12"
	c.Behaviour = &Behaviour{ErrorRate: 1}
	r = e.Invoke(c)
	var p struct{ ErrorType, ErrorMessage string }
	if err := json.Unmarshal(r.Payload, &p); err != nil || p.ErrorType == "" {
		t.Fatalf("python payload %s %v", r.Payload, err)
	}
}

func TestErrorRateChangeAndVersions(t *testing.T) {
	b := &Behaviour{ErrorRate: 0.003, ErrorRateAfter: 0.15, ErrorChangeAt: t0.Add(time.Minute),
		VersionErrorRate: map[string]float64{"8": 0.08}}
	if b.ErrorRateAt("1", t0) != 0.003 || b.ErrorRateAt("1", t0.Add(time.Minute)) != 0.15 || b.ErrorRateAt("8", t0) != 0.08 {
		t.Fatal("ErrorRateAt")
	}
	e, clk, _ := newTestEngine(11)
	c := baseCall()
	c.Behaviour = b
	rate := func() float64 {
		n := 0
		for i := 0; i < 4000; i++ {
			if e.Invoke(c).FunctionError != "" {
				n++
			}
			clk.Advance(time.Millisecond)
		}
		return float64(n) / 4000
	}
	before := rate()
	clk.Set(t0.Add(2 * time.Minute))
	after := rate()
	if before > 0.02 || after < 0.11 || after > 0.19 {
		t.Fatalf("before %.3f after %.3f", before, after)
	}
}

func TestMemoryScaling(t *testing.T) {
	b := &Behaviour{MeanDuration: time.Second, IOFraction: 0.2}
	d := func(m int) time.Duration { return b.MedianDuration(m) }
	if !(d(128) > d(512) && d(512) > d(1024) && d(1024) > d(1769)) {
		t.Fatalf("%v %v %v %v", d(128), d(512), d(1024), d(1769))
	}
	if d(1024) != time.Second {
		t.Fatalf("1024 MB median %v", d(1024))
	}
	// Little gain above one full vCPU.
	if gain := float64(d(1769)-d(3008)) / float64(d(1769)); gain > 0.1 || gain <= 0 {
		t.Fatalf("gain above 1769 MB: %.3f", gain)
	}
	// Sampled durations follow the same order.
	e, clk, _ := newTestEngine(12)
	median := func(m int) time.Duration {
		c := baseCall()
		c.MemoryMB = m
		c.Function = fmt.Sprint("m", m)
		c.Behaviour = b
		var ds []time.Duration
		for i := 0; i < 301; i++ {
			ds = append(ds, e.Invoke(c).Duration)
			clk.Advance(10 * time.Second)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[150]
	}
	if m256, m2048 := median(256), median(2048); m256 < 2*m2048 {
		t.Fatalf("256 MB %v vs 2048 MB %v", m256, m2048)
	}
	// Memory used is capped by the configured size.
	c := baseCall()
	c.MemoryMB = 128
	c.Behaviour = &Behaviour{MemoryUsedMB: 500}
	if r := e.Invoke(c); r.MaxMemoryUsedMB > 128 {
		t.Fatalf("used %d", r.MaxMemoryUsedMB)
	}
}

func TestInitDurationByRuntime(t *testing.T) {
	java := BaseInitDuration("java21", "Zip", 20<<20, false)
	node := BaseInitDuration("nodejs20.x", "Zip", 1<<20, false)
	py := BaseInitDuration("python3.12", "Zip", 1<<20, false)
	img := BaseInitDuration("", "Image", 200<<20, false)
	goInit := BaseInitDuration("provided.al2023", "Zip", 5<<20, false)
	vpc := BaseInitDuration("python3.12", "Zip", 1<<20, true)
	if !(java > img && img > node && node > goInit && py < node) {
		t.Fatalf("java %v image %v node %v py %v go %v", java, img, node, py, goInit)
	}
	if vpc-py > 50*time.Millisecond || vpc <= py {
		t.Fatalf("vpc %v", vpc-py)
	}
}

func TestHeavyTail(t *testing.T) {
	e, clk, _ := newTestEngine(13)
	c := baseCall()
	c.Function = "report-generator"
	c.TimeoutSec = 30
	c.Behaviour = &Behaviour{MeanDuration: 8 * time.Second, P99: 27 * time.Second}
	var ds []time.Duration
	for i := 0; i < 2000; i++ {
		ds = append(ds, e.Invoke(c).Duration)
		clk.Advance(time.Minute)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	p99 := ds[len(ds)*99/100]
	if p99 < 22*time.Second || p99 > 30*time.Second {
		t.Fatalf("p99 %v", p99)
	}
}

func TestDeterministicPerSeed(t *testing.T) {
	run := func(seed int64) []string {
		e, clk, sink := newTestEngine(seed)
		c := baseCall()
		c.Behaviour = &Behaviour{ErrorRate: 0.3}
		var out []string
		for i := 0; i < 50; i++ {
			c.Function = fmt.Sprint("f", i%4)
			r := e.Invoke(c)
			out = append(out, fmt.Sprint(r.RequestID, r.Duration, r.FunctionError, r.InitDuration, r.MaxMemoryUsedMB))
			clk.Advance(30 * time.Millisecond)
		}
		for _, l := range sink.logs {
			out = append(out, l.stream)
		}
		return out
	}
	a, b, c := run(42), run(42), run(43)
	if strings.Join(a, "|") != strings.Join(b, "|") {
		t.Fatal("same seed differs")
	}
	if strings.Join(a, "|") == strings.Join(c, "|") {
		t.Fatal("different seeds agree")
	}
}

func TestDeadLetterErrors(t *testing.T) {
	e, _, sink := newTestEngine(14)
	c := baseCall()
	c.Function = "email-sender"
	c.Async = true
	c.DLQ = "arn:aws:sqs:us-east-1:123456789012:email-dlq"
	c.Behaviour = &Behaviour{ErrorRate: 1, DeadLetterFailRate: 1}
	e.Invoke(c)
	names := map[string]bool{}
	for _, m := range sink.metrics {
		names[m.Name] = true
		if m.Dimensions["FunctionName"] != "email-sender" {
			t.Fatalf("dims %v", m.Dimensions)
		}
	}
	if !names["DeadLetterErrors"] || !names["AsyncEventsDropped"] {
		t.Fatalf("metrics %v", names)
	}
}

func TestTailLimit(t *testing.T) {
	e, _, _ := newTestEngine(15)
	c := baseCall()
	c.Tail = true
	r := e.Invoke(c)
	if len(r.LogTail) > TailLimit || !strings.HasSuffix(r.LogTail, "\t\n") {
		t.Fatalf("tail %d %q", len(r.LogTail), r.LogTail)
	}
	c.Tail = false
	if r := e.Invoke(c); r.LogTail != "" {
		t.Fatal("tail without Tail")
	}
}

func TestConcurrentInvoke(t *testing.T) {
	e, _, _ := newTestEngine(16)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			c := baseCall()
			for i := 0; i < 200; i++ {
				c.Function = fmt.Sprint("f", (g+i)%5)
				e.Invoke(c)
				e.Concurrency(c.Function)
				e.AccountConcurrency()
			}
		}(g)
	}
	wg.Wait()
}

func TestXRayReportFields(t *testing.T) {
	e, _, _ := newTestEngine(17)
	c := baseCall()
	c.Tail = true
	c.Tracing = true
	r := e.Invoke(c)
	re := regexp.MustCompile(`(?m)^REPORT RequestId: .*\tInit Duration: [0-9.]+ ms\tXRAY TraceId: 1-[0-9a-f]{8}-[0-9a-f]{24}\tSegmentId: [0-9a-f]{16}\tSampled: true\t$`)
	if !re.MatchString(r.LogTail) {
		t.Fatalf("tail:\n%s", r.LogTail)
	}
	rep, ok := model.ParseReportFromTail(r.LogTail)
	if !ok || rep.Duration != r.Duration || rep.InitDuration != r.InitDuration {
		t.Fatalf("%+v", rep)
	}
}

func TestProvisionedLowered(t *testing.T) {
	e, clk, _ := newTestEngine(18)
	c := baseCall()
	c.Resource, c.Version, c.Provisioned = "prod", "2", 4
	for i := 0; i < 4; i++ {
		if r := e.Invoke(c); !r.Provisioned {
			t.Fatalf("call %d not provisioned", i)
		}
	}
	clk.Advance(time.Minute)
	c.Provisioned = 1
	prov := 0
	for i := 0; i < 4; i++ {
		if e.Invoke(c).Provisioned {
			prov++
		}
	}
	if prov != 1 {
		t.Fatalf("after lowering to 1: %d provisioned", prov)
	}
}

func TestAppendTS(t *testing.T) {
	for _, ts := range []time.Time{t0, t0.Add(1234567 * time.Microsecond), time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 3600))} {
		if got, want := string(appendTS(nil, ts)), ts.UTC().Format(tsLayout); got != want {
			t.Fatalf("%q want %q", got, want)
		}
	}
}
