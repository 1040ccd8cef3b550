package metrics

import (
	"bytes"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

func TestBucketsOrderedAndAccurate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	prev := uint32(0)
	for _, v := range []float64{-1e9, -3, -1, -1e-3, 0, 1e-6, 0.5, 1, 1.01, 2, 3, 100, 1e6, 1e11} {
		c := bucketCode(v)
		if c < prev {
			t.Fatalf("code(%v)=%d < previous %d", v, c, prev)
		}
		prev = c
		if c >= 1<<codeBits {
			t.Fatalf("code(%v)=%d overflows %d bits", v, c, codeBits)
		}
	}
	for i := 0; i < 100000; i++ {
		v := math.Exp(r.Float64()*30 - 10) // 4.5e-5 .. 4.8e8
		got := codeValue(bucketCode(v))
		if math.Abs(got-v)/v > 0.016 {
			t.Fatalf("value %v read back as %v", v, got)
		}
		if g := codeValue(bucketCode(-v)); math.Abs(g+v)/v > 0.016 {
			t.Fatalf("value %v read back as %v", -v, g)
		}
	}
}

func TestPercentilesAgainstExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var d dsum
	var h hstore
	none := func(int32) *dsum { return nil }
	vals := make([]float64, 5000)
	for i := range vals {
		vals[i] = math.Exp(r.NormFloat64()) * 120 // log-normal latency, ms
		h.add(7, &d, vals[i], 1, none)
	}
	h.close(&d) // read back from the encoded arena
	if len(h.arena) == 0 || h.openT != 0 {
		t.Fatal("histogram not encoded")
	}
	sort.Float64s(vals)
	for _, p := range []float64{1, 10, 50, 90, 99, 99.9} {
		a := acc{pct: true}
		a.addDsum(&d, &h, 7)
		got := a.percentile(p)
		want := vals[int(math.Ceil(p/100*float64(len(vals))))-1]
		if math.Abs(got-want)/want > 0.016 {
			t.Errorf("p%v = %v, exact %v", p, got, want)
		}
	}
	a := acc{pct: true}
	a.addDsum(&d, &h, 7)
	if a.percentile(100) != f64(float32(vals[len(vals)-1])) || a.percentile(0) != f64(float32(vals[0])) {
		t.Errorf("p0/p100 must be the exact minimum and maximum")
	}
}

func TestCountSaturation(t *testing.T) {
	var hist []uint32
	hist = addBucket(hist, bucketCode(5), countMax)
	hist = addBucket(hist, bucketCode(5), 10)
	hist = addBucket(hist, bucketCode(5), 2*countMax)
	hs := hstore{open: hist, openT: 1}
	var d dsum
	hs.close(&d)
	hist = appendDecoded(nil, hs.encoded(&d))
	var total uint64
	for _, p := range hist {
		c, n := unpack(p)
		if c != bucketCode(5) {
			t.Fatalf("code %d", c)
		}
		total += uint64(n)
	}
	if total != 3*countMax+10 {
		t.Fatalf("total %d", total)
	}
}

func TestRetentionDropsOldMinutes(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	s := NewStore(clk, Options{Retention: time.Hour})
	for i := 0; i < 120; i++ {
		for _, k := range []int{1, 5, 10} {
			s.Invocation(record.Invocation{Function: "f", Start: clk.Now(), Duration: time.Duration(k*(i+1)) * time.Millisecond})
		}
		if i == 0 {
			s.Invocation(record.Invocation{Function: "old-only", Start: clk.Now()})
			s.Metric(record.Metric{Name: "IteratorAge", Time: clk.Now(), Value: 1})
		}
		clk.Advance(time.Minute)
	}
	s.Invocation(record.Invocation{Function: "f", Start: t0}) // too old: ignored
	s.mu.RLock()
	n := len(s.fns["f"].all.mins)
	_, old := s.fns["old-only"]
	ng := len(s.generic)
	s.mu.RUnlock()
	if n > 61 || n < 59 {
		t.Errorf("%d minutes kept for a 1 h retention", n)
	}
	if old || ng != 0 {
		t.Errorf("series without recent data must be dropped (old-only %v, generic %d)", old, ng)
	}
	// The histograms survive the arena rewrites: the median of minute i is 5(i+1).
	out, err := s.GetMetricData(&GetMetricDataInput{StartTime: TS(t0), EndTime: TS(clk.Now()), ScanBy: ptr("TimestampAscending"),
		MetricDataQueries: []MetricDataQuery{{Id: "a", MetricStat: &MetricStat{Metric: &Metric{Namespace: "AWS/Lambda", MetricName: "Duration",
			Dimensions: []Dimension{{"FunctionName", "f"}}}, Period: ptr(int32(60)), Stat: "p50"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.MetricDataResults[0]
	if len(r.Values) < 59 {
		t.Fatalf("%d points", len(r.Values))
	}
	for j, v := range r.Values {
		i := float64(r.Timestamps[j].Sub(t0) / time.Minute)
		if want := 5 * (i + 1); math.Abs(v-want)/want > 0.016 {
			t.Errorf("minute %v: p50 %v, want %v", i, v, want)
		}
	}
}

func TestRegionConcurrencyIsSumOfFunctionMaxima(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewStore(clock.NewManual(t0), Options{})
	for i, c := range []int{3, 5, 2} {
		s.Invocation(record.Invocation{Function: "a", Start: t0.Add(time.Duration(i) * time.Second), Concurrent: c})
	}
	s.Invocation(record.Invocation{Function: "b", Start: t0, Concurrent: 4})
	out, err := s.GetMetricData(&GetMetricDataInput{StartTime: TS(t0), EndTime: TS(t0.Add(time.Minute)),
		MetricDataQueries: []MetricDataQuery{{Id: "c", MetricStat: &MetricStat{Metric: &Metric{Namespace: "AWS/Lambda", MetricName: "ConcurrentExecutions"}, Period: ptr(int32(60)), Stat: "Maximum"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if v := out.MetricDataResults[0].Values; len(v) != 1 || v[0] != 9 {
		t.Errorf("region ConcurrentExecutions %v, want [9]", v)
	}
}

func ptr[T any](v T) *T { return &v }

// ---- fuzzing the three decoders (called without the handler's recover) ----

func fuzzStore() (*Handler, time.Time) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0.Add(time.Hour))
	s := NewStore(clk, Options{})
	for i := 0; i < 50; i++ {
		s.Invocation(record.Invocation{Function: "f", Resource: "live", ExecutedVersion: "2", Start: t0.Add(time.Duration(i) * time.Minute), Duration: time.Duration(i) * time.Millisecond, Error: i%3 == 0})
	}
	return NewHandler(s).(*Handler), t0
}

func checkStatus(t *testing.T, w *httptest.ResponseRecorder) {
	if w.Code >= 500 {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
}

var fuzzOps = []string{"GetMetricData", "ListMetrics", "GetMetricStatistics", "PutMetricData"}

func FuzzCBOR(f *testing.F) {
	h, t0 := fuzzStore()
	in := &GetMetricDataInput{StartTime: TS(t0), EndTime: TS(t0.Add(time.Hour)), MetricDataQueries: []MetricDataQuery{
		{Id: "a", MetricStat: &MetricStat{Metric: &Metric{Namespace: "AWS/Lambda", MetricName: "Duration", Dimensions: []Dimension{{"FunctionName", "f"}}}, Period: ptr(int32(300)), Stat: "p99"}},
		{Id: "e", Expression: ptr("FILL(a, 0) * 2")},
	}}
	b, _ := cborEnc.Marshal(in)
	f.Add(uint8(0), b)
	f.Add(uint8(2), []byte{0xbf, 0x67, 'E', 'n', 'd', 'T', 'i', 'm', 'e', 0xc1, 0xfb, 0x41, 0xda, 0x55, 0x6e, 0xd6, 0, 0, 0, 0xff})
	f.Add(uint8(1), []byte{0xa0})
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		w := httptest.NewRecorder()
		h.serveCBOR(w, fuzzOps[int(op)%len(fuzzOps)], body)
		checkStatus(t, w)
	})
}

func FuzzJSON(f *testing.F) {
	h, t0 := fuzzStore()
	f.Add(uint8(0), []byte(`{"StartTime":`+itoa(t0.Unix())+`,"EndTime":`+itoa(t0.Unix()+3600)+`,"ScanBy":"TimestampAscending","MaxDatapoints":3,"MetricDataQueries":[{"Id":"a","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"f"},{"Name":"Resource","Value":"f:live"}]},"Period":60,"Stat":"Average"}},{"Id":"b","Expression":"a/(a-1)"}]}`))
	f.Add(uint8(1), []byte(`{"Namespace":"AWS/Lambda","Dimensions":[{"Name":"FunctionName"}]}`))
	f.Add(uint8(2), []byte(`{"Namespace":"AWS/Lambda","MetricName":"Duration","StartTime":1e300,"EndTime":-5,"Period":60,"ExtendedStatistics":["p50"]}`))
	f.Add(uint8(3), []byte(`{"Namespace":"X","MetricData":[{"MetricName":"m","Values":[1,2],"Counts":[1e30,-1]}]}`))
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		w := httptest.NewRecorder()
		h.serveJSON(w, fuzzOps[int(op)%len(fuzzOps)], body)
		checkStatus(t, w)
	})
}

func FuzzQuery(f *testing.F) {
	h, t0 := fuzzStore()
	v := url.Values{}
	v.Set("Action", "GetMetricData")
	v.Set("Version", "2010-08-01")
	v.Set("StartTime", t0.Format(time.RFC3339))
	v.Set("EndTime", t0.Add(time.Hour).Format(time.RFC3339))
	v.Set("MetricDataQueries.member.1.Id", "m1")
	v.Set("MetricDataQueries.member.1.MetricStat.Metric.Namespace", "AWS/Lambda")
	v.Set("MetricDataQueries.member.1.MetricStat.Metric.MetricName", "Invocations")
	v.Set("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "FunctionName")
	v.Set("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value", "f")
	v.Set("MetricDataQueries.member.1.MetricStat.Period", "120")
	v.Set("MetricDataQueries.member.1.MetricStat.Stat", "p90")
	v.Set("MetricDataQueries.member.2.Id", "e1")
	v.Set("MetricDataQueries.member.2.Expression", "ABS(-m1)")
	f.Add([]byte(v.Encode()))
	f.Add([]byte("Action=ListMetrics&Version=2010-08-01&Dimensions.member.1.Name=FunctionName&NextToken=lm1.MQ"))
	f.Add([]byte("Action=PutMetricData&Version=2010-08-01&Namespace=N&MetricData.member.1.MetricName=x&MetricData.member.1.StatisticValues.SampleCount=3&MetricData.member.1.StatisticValues.Sum=3&MetricData.member.1.StatisticValues.Minimum=1&MetricData.member.1.StatisticValues.Maximum=1"))
	f.Add([]byte("Action=GetMetricStatistics&Version=2010-08-01&MetricName=Duration&Namespace=AWS/Lambda&Period=60&StartTime=0&EndTime=1e10&Statistics.member.1=Sum"))
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		h.serveQuery(w, r, "req", body)
		checkStatus(t, w)
		if !strings.Contains(w.Body.String(), "</") {
			t.Fatalf("no XML in %q", w.Body.String())
		}
	})
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestLateRecordsReopenClosedMinutes(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	s := NewStore(clk, Options{})
	inv := func(at time.Time, ms int) {
		s.Invocation(record.Invocation{Function: "f", Start: at, Duration: time.Duration(ms) * time.Millisecond})
	}
	for i := 1; i <= 50; i++ {
		inv(t0, i)
	}
	clk.Advance(3 * time.Minute)
	inv(t0.Add(2*time.Minute), 1000) // opens minute 2; the sweep closed minute 0
	for i := 51; i <= 100; i++ {
		inv(t0.Add(10*time.Second), i) // late, into the closed minute 0
	}
	q := func(stat string) []float64 {
		out, err := s.GetMetricData(&GetMetricDataInput{StartTime: TS(t0), EndTime: TS(t0.Add(5 * time.Minute)), ScanBy: ptr("TimestampAscending"),
			MetricDataQueries: []MetricDataQuery{{Id: "a", MetricStat: &MetricStat{Metric: &Metric{Namespace: "AWS/Lambda", MetricName: "Duration",
				Dimensions: []Dimension{{"FunctionName", "f"}}}, Period: ptr(int32(60)), Stat: stat}}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.MetricDataResults[0].Values
	}
	if v := q("SampleCount"); len(v) != 2 || v[0] != 100 || v[1] != 1 {
		t.Fatalf("sample counts %v", v)
	}
	if v := q("p50"); !(math.Abs(v[0]-50)/50 < 0.016) || v[1] != 1000 {
		t.Errorf("p50 %v", v)
	}
	if v := q("p99"); !(math.Abs(v[0]-99)/99 < 0.016) {
		t.Errorf("p99 %v", v)
	}
}

func TestConcurrentIngestAndQueries(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	s := NewStore(clk, Options{})
	h := NewHandler(s)
	done := make(chan struct{})
	for g := 0; g < 2; g++ {
		go func(g int) {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 3000; i++ {
				if g == 0 && i%500 == 0 {
					clk.Advance(time.Minute)
				}
				s.Invocation(record.Invocation{Function: "f" + strconv.Itoa(i%7), Resource: "live", ExecutedVersion: "1", Start: clk.Now(), Duration: time.Millisecond})
			}
		}(g)
	}
	for i := 0; i < 50; i++ {
		body := `{"StartTime":` + itoa(t0.Unix()) + `,"EndTime":` + itoa(t0.Unix()+3600) + `,"MetricDataQueries":[{"Id":"a","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Duration","Dimensions":[{"Name":"FunctionName","Value":"f1"}]},"Period":60,"Stat":"p90"}}]}`
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.GetMetricData")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
		if _, err := s.ListMetrics(&ListMetricsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	<-done
}

func TestTimestampCBORMatchesLibrary(t *testing.T) {
	for _, tt := range []time.Time{time.Unix(0, 0), time.Unix(5, 0), time.Unix(200, 0), time.Unix(60000, 0), time.Unix(1795000000, 0), time.Unix(1795000000, 250e6), time.Unix(-5, 0), time.Unix(1<<33, 0)} {
		got, err := Timestamp{tt}.MarshalCBOR()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := cborEnc.Marshal(tt.UTC())
		if tt.Unix() >= 0 && !bytes.Equal(got, want) { // before 1970: float seconds, also valid
			t.Errorf("%v: % x, library % x", tt, got, want)
		}
		var back Timestamp
		if err := back.UnmarshalCBOR(got); err != nil || !back.Equal(tt) {
			t.Errorf("%v: round trip %v %v", tt, back, err)
		}
	}
}

func TestCountWeightsBackfilledRecords(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewStore(clock.NewManual(t0), Options{})
	s.Invocation(record.Invocation{Function: "f", Resource: "live", ExecutedVersion: "3", Start: t0, Duration: 10 * time.Millisecond, Error: true, Count: 5, Errors: 5})
	s.Invocation(record.Invocation{Function: "f", Start: t0, Duration: 20 * time.Millisecond})
	s.Invocation(record.Invocation{Function: "f", Start: t0, Throttled: true, Count: 3})
	q := func(name, stat string, dims ...Dimension) float64 {
		out, err := s.GetMetricData(&GetMetricDataInput{StartTime: TS(t0), EndTime: TS(t0.Add(time.Minute)),
			MetricDataQueries: []MetricDataQuery{{Id: "a", MetricStat: &MetricStat{Metric: &Metric{Namespace: "AWS/Lambda", MetricName: name, Dimensions: dims}, Period: ptr(int32(60)), Stat: stat}}}})
		if err != nil || len(out.MetricDataResults[0].Values) != 1 {
			t.Fatalf("%s %s: %v %+v", name, stat, err, out)
		}
		return out.MetricDataResults[0].Values[0]
	}
	fn := Dimension{"FunctionName", "f"}
	for _, c := range []struct {
		name, stat string
		dims       []Dimension
		want       float64
	}{
		{"Invocations", "Sum", []Dimension{fn}, 6},
		{"Errors", "Sum", []Dimension{fn}, 5},
		{"Throttles", "Sum", []Dimension{fn}, 3},
		{"Duration", "SampleCount", []Dimension{fn}, 6},
		{"Duration", "p50", []Dimension{fn}, 10},
		{"Invocations", "Sum", []Dimension{fn, {"Resource", "f:live"}, {"ExecutedVersion", "3"}}, 5},
		{"Invocations", "Sum", nil, 6},
	} {
		if got := q(c.name, c.stat, c.dims...); math.Abs(got-c.want) > 0.016*c.want {
			t.Errorf("%s %s %v = %v, want %v", c.name, c.stat, c.dims, got, c.want)
		}
	}
}

// A sampled record's failures are its Errors, not its Count: one failed
// sample standing for 50 invocations must not become 50 errors.
func TestWeightedRecordErrorsAreDrawnNotMultiplied(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewStore(clock.NewManual(t0), Options{})
	s.Invocation(record.Invocation{Function: "f", Start: t0, Duration: time.Millisecond, Error: true, Count: 50, Errors: 1})
	s.Invocation(record.Invocation{Function: "f", Start: t0, Duration: time.Millisecond, Error: true})
	out, err := s.GetMetricData(&GetMetricDataInput{StartTime: TS(t0), EndTime: TS(t0.Add(time.Minute)),
		MetricDataQueries: []MetricDataQuery{{Id: "e", MetricStat: &MetricStat{Metric: &Metric{Namespace: "AWS/Lambda", MetricName: "Errors",
			Dimensions: []Dimension{{"FunctionName", "f"}}}, Period: ptr(int32(60)), Stat: "Sum"}}}})
	if err != nil || len(out.MetricDataResults[0].Values) != 1 || out.MetricDataResults[0].Values[0] != 2 {
		t.Fatalf("Errors Sum = %+v (%v), want 2", out, err)
	}
}
