package sim

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// fakeWorld is a minimal World: functions with a Call template, aliases
// with weighted routing, mappings.
type fakeWorld struct {
	e    *Engine
	mu   sync.Mutex
	fns  map[string]*fakeFn
	list []string
	maps []Mapping
	log  []string // "fn|qual|unixnano|async" per invocation, when keepLog
	n    map[string]int

	keepLog bool
}

type fakeFn struct {
	call    Call
	target  string // qualifier traffic uses; "-" = no direct traffic
	aliases map[string]fakeAlias
	prov    map[string]int
}

type fakeAlias struct {
	version, extra string
	weight         float64
}

func newFakeWorld(e *Engine) *fakeWorld {
	return &fakeWorld{e: e, fns: map[string]*fakeFn{}, n: map[string]int{}}
}

func (w *fakeWorld) add(name string, c Call, b Behaviour) *fakeFn {
	c.Function = name
	c.FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:" + name
	if c.Version == "" {
		c.Version = "$LATEST"
	}
	if c.MemoryMB == 0 {
		c.MemoryMB = 512
	}
	if c.TimeoutSec == 0 {
		c.TimeoutSec = 30
	}
	if c.Runtime == "" {
		c.Runtime = "python3.12"
	}
	c.Behaviour = &b
	f := &fakeFn{call: c, aliases: map[string]fakeAlias{}, prov: map[string]int{}}
	w.mu.Lock()
	w.fns[name] = f
	w.list = append(w.list, name)
	w.mu.Unlock()
	return f
}

func (w *fakeWorld) Targets(dst []Target) []Target {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, name := range w.list {
		f := w.fns[name]
		if f.target == "-" {
			continue
		}
		dst = append(dst, Target{Function: name, Qualifier: f.target, Behaviour: f.call.Behaviour})
	}
	return dst
}

func (w *fakeWorld) Mappings(dst []Mapping) []Mapping {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append(dst, w.maps...)
}

func (w *fakeWorld) setMappingState(uuid, state string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.maps {
		if w.maps[i].UUID == uuid {
			w.maps[i].State = state
		}
	}
}

func (w *fakeWorld) Invoke(fn, q string, at time.Time, async bool, payload []byte) (Result, bool) {
	w.mu.Lock()
	f := w.fns[fn]
	if f == nil {
		w.mu.Unlock()
		return Result{}, false
	}
	c := f.call
	c.Resource = q
	c.Async = async
	c.Payload = payload
	if a, ok := f.aliases[q]; ok {
		c.Version = a.version
		// Deterministic routing from the request time.
		if a.extra != "" && float64(mix(uint64(at.UnixNano()))%10000)/10000 < a.weight {
			c.Version = a.extra
		}
		c.Provisioned = f.prov[q]
	}
	w.n[fn]++
	if w.keepLog {
		w.log = append(w.log, fmt.Sprintf("%s|%s|%d|%v", fn, q, at.UnixNano(), async))
	}
	w.mu.Unlock()
	return w.e.InvokeAt(at, c), true
}

func (w *fakeWorld) count(fn string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n[fn]
}

func TestDailyShape(t *testing.T) {
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	peak, trough := DailyShape(day.Add(15*time.Hour)), DailyShape(day.Add(3*time.Hour))
	if peak < 0.99 || trough > 0.45 || DailyShape(day.Add(9*time.Hour)) >= peak {
		t.Fatalf("peak %.2f trough %.2f", peak, trough)
	}
	count := func(at time.Time) int {
		clk := clock.NewManual(at)
		e := NewEngine(clk, record.Nop{}, 1, 1000)
		w := newFakeWorld(e)
		w.add("api", Call{}, Behaviour{MeanDuration: 10 * time.Millisecond, Rate: 10})
		tr := NewTraffic(e, w, clk, 1, 1)
		tr.Step(at)
		clk.Advance(10 * time.Minute)
		tr.Step(clk.Now())
		return w.count("api")
	}
	p, n := count(day.Add(15*time.Hour)), count(day.Add(3*time.Hour))
	// ~6,000 at peak, ~2,400 at night (bursts may add some).
	if p < 5400 || n > 3400 || float64(p)/float64(n) < 1.8 {
		t.Fatalf("afternoon %d night %d", p, n)
	}
}

func TestTrafficScaleAndAsync(t *testing.T) {
	at := t0 // 15:00
	clk := clock.NewManual(at)
	sink := &capture{}
	e := NewEngine(clk, sink, 1, 1000)
	w := newFakeWorld(e)
	w.add("a", Call{}, Behaviour{Rate: 5, AsyncShare: 1})
	w.add("b", Call{}, Behaviour{Rate: 5})
	w.add("c", Call{}, Behaviour{}).target = "-"
	tr := NewTraffic(e, w, clk, 2, 1)
	tr.Step(at)
	clk.Advance(5 * time.Minute)
	tr.Step(clk.Now())
	a, b := w.count("a"), w.count("b")
	if a < 2600 || a > 3400 || b < 2600 || b > 3400 || w.count("c") != 0 {
		t.Fatalf("a %d b %d c %d (want ~3000 each at rate×2)", a, b, w.count("c"))
	}
	async := sink.count(func(i record.Invocation) bool { return i.Async })
	if async != a {
		t.Fatalf("async %d of %d", async, a)
	}
}

func TestTrafficDeterministic(t *testing.T) {
	run := func(seed int64, stepEvery time.Duration) string {
		clk := clock.NewManual(t0)
		e := NewEngine(clk, record.Nop{}, seed, 1000)
		w := newFakeWorld(e)
		w.keepLog = true
		for i := 0; i < 20; i++ {
			w.add(fmt.Sprint("f", i), Call{}, Behaviour{Rate: float64(i) / 4, AsyncShare: 0.3})
		}
		w.maps = []Mapping{{UUID: "m1", Function: "f0", SourceType: "SQS", State: "Enabled", BatchSize: 5, Rate: 7}}
		tr := NewTraffic(e, w, clk, 1, seed)
		tr.Step(t0)
		end := t0.Add(3 * time.Minute)
		for clk.Now().Before(end) {
			clk.Advance(stepEvery)
			tr.Step(clk.Now())
		}
		var out []string
		for _, l := range w.log {
			var ns int64
			fmt.Sscan(strings.Split(l, "|")[2], &ns)
			if ns < end.UnixNano()-int64(time.Second) {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
	a := run(7, time.Second)
	if a == "" || a != run(7, 37*time.Second+300*time.Millisecond) {
		t.Fatal("same seed, different stepping: different traffic")
	}
	if a == run(8, time.Second) {
		t.Fatal("different seeds: same traffic")
	}
}

func TestMappingDisableStopsInvocations(t *testing.T) {
	clk := clock.NewManual(t0)
	e := NewEngine(clk, record.Nop{}, 1, 1000)
	w := newFakeWorld(e)
	w.add("consumer", Call{}, Behaviour{MeanDuration: 50 * time.Millisecond}).target = "-"
	w.maps = []Mapping{{UUID: "q", Function: "consumer", SourceARN: "arn:aws:sqs:us-east-1:123456789012:orders",
		SourceType: "SQS", State: "Enabled", BatchSize: 10, Rate: 40}}
	tr := NewTraffic(e, w, clk, 1, 1)
	tr.Step(t0)
	clk.Advance(time.Minute)
	tr.Step(clk.Now())
	n1 := w.count("consumer")
	// ~2,400 messages in batches of up to 10.
	if n1 < 240 || n1 > 2500 {
		t.Fatalf("enabled: %d invocations", n1)
	}
	w.setMappingState("q", "Disabled")
	clk.Advance(2 * time.Second) // the engine rereads mappings every second
	tr.Step(clk.Now())
	n2 := w.count("consumer")
	clk.Advance(2 * time.Minute)
	tr.Step(clk.Now())
	if n3 := w.count("consumer"); n3 != n2 {
		t.Fatalf("disabled mapping still invoked: %d → %d", n2, n3)
	}
	if tr.Backlog("q") < 4000 {
		t.Fatalf("messages should pile up while disabled: %d", tr.Backlog("q"))
	}
	w.setMappingState("q", "Enabled")
	clk.Advance(time.Minute)
	tr.Step(clk.Now())
	if w.count("consumer") <= n2 || tr.Backlog("q") > 100 {
		t.Fatalf("re-enabled: %d invocations, backlog %d", w.count("consumer")-n2, tr.Backlog("q"))
	}
}

func TestBatchSizeHonoured(t *testing.T) {
	clk := clock.NewManual(t0)
	e := NewEngine(clk, record.Nop{}, 1, 1000)
	w := newFakeWorld(e)
	w.add("s", Call{}, Behaviour{MeanDuration: 10 * time.Millisecond}).target = "-"
	w.maps = []Mapping{{UUID: "k", Function: "s", SourceType: "Kinesis", State: "Enabled", BatchSize: 50, Rate: 100}}
	tr := NewTraffic(e, w, clk, 1, 1)
	tr.Step(t0)
	clk.Advance(10 * time.Minute)
	tr.Step(clk.Now())
	// 60,000 records; a fast consumer takes what has arrived (≥ 1 batch per
	// 60000/50 = 1,200 invocations at least, one per record at most).
	n := w.count("s")
	if n < 1200 || n > 60000 {
		t.Fatalf("invocations %d", n)
	}
	if tr.Backlog("k") > 100 {
		t.Fatalf("fast consumer backlog %d", tr.Backlog("k"))
	}
}

func iteratorAges(sink *capture, fn string, from, to time.Time) []float64 {
	sink.mu.Lock()
	defer sink.mu.Unlock()
	var v []float64
	for _, m := range sink.metrics {
		if m.Name == "IteratorAge" && m.Dimensions["FunctionName"] == fn && m.Dimensions["Resource"] == "" &&
			!m.Time.Before(from) && m.Time.Before(to) {
			v = append(v, m.Value)
		}
	}
	return v
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func TestIteratorAgeRisesForLaggingStream(t *testing.T) {
	clk := clock.NewManual(t0)
	sink := &capture{}
	e := NewEngine(clk, sink, 1, 1000)
	w := newFakeWorld(e)
	w.add(FnClickstreamProcessor, Call{MemoryMB: 1024}, DemoBehaviour(FnClickstreamProcessor, 1, t0, 1024, 60)).target = "-"
	w.add("orders-stream", Call{}, Behaviour{MeanDuration: 20 * time.Millisecond}).target = "-"
	w.maps = []Mapping{
		{UUID: "click", Function: FnClickstreamProcessor, SourceType: "Kinesis", State: "Enabled", BatchSize: 100, Rate: DemoClickstreamRate, Shards: 1},
		{UUID: "ddb", Function: "orders-stream", SourceType: "DynamoDB", State: "Enabled", BatchSize: 100, Rate: 20},
	}
	tr := NewTraffic(e, w, clk, 1, 1)
	tr.Step(t0)
	clk.Advance(30 * time.Minute)
	tr.Step(clk.Now())
	early := mean(iteratorAges(sink, FnClickstreamProcessor, t0, t0.Add(5*time.Minute)))
	late := mean(iteratorAges(sink, FnClickstreamProcessor, t0.Add(25*time.Minute), t0.Add(30*time.Minute)))
	if late < 10*60*1000 || late < 3*early {
		t.Fatalf("clickstream IteratorAge early %.0f ms late %.0f ms", early, late)
	}
	if age := tr.IteratorAge("click", clk.Now()); age < 10*time.Minute {
		t.Fatalf("lag %v", age)
	}
	healthy := iteratorAges(sink, "orders-stream", t0, t0.Add(30*time.Minute))
	if len(healthy) == 0 || mean(healthy) > 1000 {
		t.Fatalf("healthy stream IteratorAge %.0f ms over %d batches", mean(healthy), len(healthy))
	}
}

// demoWorld builds the incident functions with the configuration the world
// is expected to give them.
func demoWorld(e *Engine, start time.Time) *fakeWorld {
	w := newFakeWorld(e)
	beh := func(name string, mem, timeout int) Behaviour { return DemoBehaviour(name, 1, start, mem, timeout) }
	w.add(FnPaymentsWebhook, Call{MemoryMB: 512, TimeoutSec: 10}, beh(FnPaymentsWebhook, 512, 10))
	ten := 10
	w.add(FnOrdersAPI, Call{MemoryMB: 1024, TimeoutSec: 10, Reserved: &ten}, beh(FnOrdersAPI, 1024, 10))
	e.SetReservedTotal(10)
	w.add(FnReportGenerator, Call{MemoryMB: 1024, TimeoutSec: 30}, beh(FnReportGenerator, 1024, 30))
	f := w.add(FnCheckoutAPI, Call{MemoryMB: 1024, TimeoutSec: 10, Runtime: "nodejs20.x"}, beh(FnCheckoutAPI, 1024, 10))
	f.target = "live"
	f.aliases["live"] = fakeAlias{version: "7", extra: "8", weight: 0.1}
	f = w.add(FnSearchAPI, Call{MemoryMB: 1024, TimeoutSec: 10}, beh(FnSearchAPI, 1024, 10))
	f.target = "prod"
	f.aliases["prod"] = fakeAlias{version: "3"}
	f.prov["prod"] = 5
	w.add(FnImageResizer, Call{MemoryMB: 3008, TimeoutSec: 30}, beh(FnImageResizer, 3008, 30))
	w.add(FnEmailSender, Call{MemoryMB: 256, TimeoutSec: 10, DLQ: "arn:aws:sqs:us-east-1:123456789012:email-dlq"}, beh(FnEmailSender, 256, 10))
	for i := 0; i < 20; i++ {
		name := fmt.Sprint("healthy-", i)
		mem := []int{128, 256, 512, 1024}[i%4]
		w.add(name, Call{MemoryMB: mem, TimeoutSec: 3 + i%3*3}, beh(name, mem, 3+i%3*3))
	}
	return w
}

func TestDemoIncidentsComeOutOfTheSimulation(t *testing.T) {
	start := t0
	clk := clock.NewManual(start)
	sink := &capture{}
	e := NewEngine(clk, sink, 1, 1000)
	w := demoWorld(e, start)
	tr := NewTraffic(e, w, clk, 1, 1)
	tr.Step(start)
	clk.Advance(10 * time.Minute)
	tr.Step(clk.Now())

	type agg struct {
		n, errs, thr, spill, prov, to int
		durs                          []time.Duration
		mem                           int
	}
	by := map[string]*agg{}
	ver := map[string]*agg{}
	sink.mu.Lock()
	for _, i := range sink.invs {
		a := by[i.Function]
		if a == nil {
			a = &agg{}
			by[i.Function] = a
		}
		a.n++
		if i.Throttled {
			a.thr++
			continue
		}
		if i.Error {
			a.errs++
		}
		if i.Spillover {
			a.spill++
		}
		if i.Provisioned {
			a.prov++
		}
		if i.TimedOut {
			a.to++
		}
		a.durs = append(a.durs, i.Duration)
		a.mem = max(a.mem, i.MaxMemoryUsedMB)
		if i.Function == FnCheckoutAPI {
			v := ver[i.ExecutedVersion]
			if v == nil {
				v = &agg{}
				ver[i.ExecutedVersion] = v
			}
			v.n++
			if i.Error {
				v.errs++
			}
		}
	}
	sink.mu.Unlock()
	p99 := func(a *agg) time.Duration {
		sort.Slice(a.durs, func(i, j int) bool { return a.durs[i] < a.durs[j] })
		return a.durs[len(a.durs)*99/100]
	}
	rate := func(a *agg) float64 { return float64(a.errs) / float64(a.n-a.thr) }

	if a := by[FnPaymentsWebhook]; rate(a) < 0.1 || rate(a) > 0.2 {
		t.Errorf("payments-webhook error rate %.3f", rate(a))
	}
	if a := by[FnOrdersAPI]; a.thr < a.n/10 {
		t.Errorf("orders-api throttles %d of %d", a.thr, a.n)
	}
	if a := by[FnReportGenerator]; p99(a) < 24*time.Second {
		t.Errorf("report-generator p99 %v over %d", p99(a), a.n)
	}
	if v7, v8 := ver["7"], ver["8"]; v7 == nil || v8 == nil || rate(v8) < 0.04 || rate(v7) > 0.02 {
		t.Errorf("checkout-api v7 %+v v8 %+v", v7, v8)
	}
	if a := by[FnSearchAPI]; a.spill < a.n/5 || a.prov == 0 {
		t.Errorf("search-api spillover %d provisioned %d of %d", a.spill, a.prov, a.n)
	}
	if a := by[FnImageResizer]; a.mem > 260 || a.mem < 150 {
		t.Errorf("image-resizer max memory %d", a.mem)
	}
	dlq := 0
	sink.mu.Lock()
	for _, m := range sink.metrics {
		if m.Name == "DeadLetterErrors" && m.Dimensions["FunctionName"] == FnEmailSender {
			dlq++
		}
	}
	sink.mu.Unlock()
	if dlq == 0 {
		t.Errorf("email-sender: no DeadLetterErrors")
	}
	for i := 0; i < 20; i++ {
		name := fmt.Sprint("healthy-", i)
		a := by[name]
		if a == nil {
			continue
		}
		timeout := time.Duration(3+i%3*3) * time.Second
		if a.thr > 0 || a.to > 0 || (a.n > 200 && rate(a) > 0.01) || (len(a.durs) > 100 && p99(a) > timeout/2) {
			t.Errorf("%s not healthy: n %d thr %d timeouts %d errors %d p99 %v", name, a.n, a.thr, a.to, a.errs, p99(a))
		}
	}
}

func TestBackfill(t *testing.T) {
	now := t0
	clk := clock.NewManual(now)
	sink := &capture{}
	e := NewEngine(clk, sink, 1, 1000)
	w := demoWorld(e, now)
	w.maps = []Mapping{{UUID: "click", Function: FnClickstreamProcessor, SourceType: "Kinesis", State: "Enabled", BatchSize: 100, Rate: DemoClickstreamRate}}
	w.add(FnClickstreamProcessor, Call{MemoryMB: 1024, TimeoutSec: 60}, DemoBehaviour(FnClickstreamProcessor, 1, now, 1024, 60)).target = "-"
	tr := NewTraffic(e, w, clk, 1, 1)
	tr.Backfill(time.Hour)

	jump := now.Add(-DemoPaymentsJumpAgo)
	var before, beforeErr, after, afterErr, logged, total int
	var first, last time.Time
	sink.mu.Lock()
	for _, i := range sink.invs {
		total += max(i.Count, 1)
		if first.IsZero() || i.Start.Before(first) {
			first = i.Start
		}
		if i.Start.After(last) {
			last = i.Start
		}
		if i.Function != FnPaymentsWebhook || i.Throttled {
			continue
		}
		c := max(i.Count, 1)
		if i.Start.Before(jump) {
			before += c
			if i.Error {
				beforeErr += c
			}
		} else {
			after += c
			if i.Error {
				afterErr += c
			}
		}
	}
	for _, l := range sink.logs {
		logged += len(l.lines)
	}
	sink.mu.Unlock()
	if first.Before(now.Add(-time.Hour)) || first.After(now.Add(-59*time.Minute)) || last.After(now) || last.Before(now.Add(-time.Second)) {
		t.Fatalf("backfill spans %v .. %v", first, last)
	}
	if float64(beforeErr)/float64(before) > 0.01 || float64(afterErr)/float64(after) < 0.1 {
		t.Fatalf("payments-webhook before %d/%d after %d/%d", beforeErr, before, afterErr, after)
	}
	// Logs are sampled: far fewer lines than 6 per invocation.
	if logged == 0 || logged > total*3 {
		t.Fatalf("log lines %d for %d invocations", logged, total)
	}
	if len(iteratorAges(sink, FnClickstreamProcessor, now.Add(-5*time.Minute), now)) == 0 {
		t.Fatal("no IteratorAge in backfill")
	}
	if tr.IteratorAge("click", now) < 20*time.Minute {
		t.Fatalf("clickstream lag after backfill %v", tr.IteratorAge("click", now))
	}
	// Stepping continues from where the backfill stopped.
	n := len(sink.invs)
	clk.Advance(time.Second)
	tr.Step(clk.Now())
	if len(sink.invs) == n {
		t.Fatal("no traffic after backfill")
	}
}

func TestBackfillWeightsHighLoad(t *testing.T) {
	clk := clock.NewManual(t0)
	sink := &capture{}
	e := NewEngine(clk, sink, 1, 1000)
	w := newFakeWorld(e)
	w.add("hot", Call{MemoryMB: 1024}, Behaviour{MeanDuration: 5 * time.Millisecond, Rate: 400})
	tr := NewTraffic(e, w, clk, 1, 1)
	tr.Backfill(20 * time.Minute)
	recs, total := 0, 0
	sink.mu.Lock()
	for _, i := range sink.invs {
		recs++
		total += max(i.Count, 1)
	}
	sink.mu.Unlock()
	// ~400 × shape(~1) × 1200 s ≈ 480,000 invocations, in fewer records.
	if recs >= total || total < 400_000 || total > 560_000 || recs > backfillBudget*12/10 {
		t.Fatalf("records %d standing for %d invocations", recs, total)
	}
	if e.bfWeight.Load() != 0 || e.bfLogEvery.Load() != 0 {
		t.Fatal("backfill mode left on")
	}
}

func TestBackfillDeterministic(t *testing.T) {
	run := func() string {
		clk := clock.NewManual(t0)
		sink := &capture{}
		e := NewEngine(clk, sink, 3, 1000)
		w := demoWorld(e, t0)
		tr := NewTraffic(e, w, clk, 1, 3)
		tr.Backfill(3 * time.Minute)
		var b strings.Builder
		for _, i := range sink.invs {
			fmt.Fprintf(&b, "%s %s %d %v %v %d\n", i.Function, i.ExecutedVersion, i.Start.UnixNano(), i.Duration, i.Error, i.Count)
		}
		return b.String()
	}
	if a := run(); a == "" || a != run() {
		t.Fatal("backfill differs between runs with the same seed")
	}
}
