package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/lambdaops/lambdaops/internal/ownbody"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

var base = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

var protocols = []string{"cbor", "json", "query"}

func newClient(url, proto string, more ...func(*cloudwatch.Options)) *cloudwatch.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.BaseEndpoint = aws.String(url)
		o.RetryMaxAttempts = 1
		o.HTTPClient = &http.Client{Transport: ownbody.Transport{}}
		switch proto {
		case "json":
			o.Protocol = awsjson.New10(cwschemas.GraniteServiceVersion20100801)
		case "query":
			o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
		}
		for _, f := range more {
			f(o)
		}
	})
}

// fixture: 60 minutes of fn-a traffic from base; minute 30 is empty.
// Each minute: 100 invocations with durations 1..100 ms, every 10th an
// error, 2 throttles; invocations 0..19 go through alias "live" (even on
// version 7, odd on 8), 20..29 through version "3".
func fixture(t testing.TB) (*metrics.Store, *clock.Manual, string) {
	clk := clock.NewManual(base.Add(61 * time.Minute))
	s := metrics.NewStore(clk, metrics.Options{})
	for m := 0; m < 60; m++ {
		if m == 30 {
			continue
		}
		start := base.Add(time.Duration(m)*time.Minute + 5*time.Second)
		for i := 0; i < 100; i++ {
			rec := record.Invocation{
				Function: "fn-a", Start: start,
				Duration:   time.Duration(i+1) * time.Millisecond,
				Error:      i%10 == 9,
				Concurrent: 1 + i%7,
			}
			switch {
			case i < 20:
				rec.Resource = "live"
				rec.ExecutedVersion = []string{"7", "8"}[i%2]
			case i < 30:
				rec.Resource = "3"
				rec.ExecutedVersion = "3"
			}
			s.Invocation(rec)
		}
		s.Invocation(record.Invocation{Function: "fn-a", Start: start, Throttled: true})
		s.Invocation(record.Invocation{Function: "fn-a", Start: start, Throttled: true, Resource: "live"})
		s.Metric(record.Metric{Name: "IteratorAge", Dimensions: map[string]string{"FunctionName": "fn-a"}, Time: start, Value: float64(1000 * m)})
	}
	srv := httptest.NewServer(metrics.NewHandler(s))
	t.Cleanup(srv.Close)
	return s, clk, srv.URL
}

func mq(id, name, stat string, period int32, dims ...string) types.MetricDataQuery {
	var d []types.Dimension
	for i := 0; i+1 < len(dims); i += 2 {
		d = append(d, types.Dimension{Name: aws.String(dims[i]), Value: aws.String(dims[i+1])})
	}
	return types.MetricDataQuery{
		Id: aws.String(id),
		MetricStat: &types.MetricStat{
			Metric: &types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String(name), Dimensions: d},
			Period: aws.Int32(period), Stat: aws.String(stat),
		},
	}
}

func gmd(t *testing.T, c *cloudwatch.Client, start, end time.Time, qs ...types.MetricDataQuery) *cloudwatch.GetMetricDataOutput {
	t.Helper()
	out, err := c.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start), EndTime: aws.Time(end), MetricDataQueries: qs,
	})
	if err != nil {
		t.Fatalf("GetMetricData: %v", err)
	}
	return out
}

func result(t *testing.T, out *cloudwatch.GetMetricDataOutput, id string) types.MetricDataResult {
	t.Helper()
	for _, r := range out.MetricDataResults {
		if aws.ToString(r.Id) == id {
			if len(r.Timestamps) != len(r.Values) {
				t.Fatalf("%s: %d timestamps, %d values", id, len(r.Timestamps), len(r.Values))
			}
			return r
		}
	}
	t.Fatalf("no result %s in %d results", id, len(out.MetricDataResults))
	return types.MetricDataResult{}
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)+1e-9
}

func TestGetMetricDataProtocols(t *testing.T) {
	_, _, url := fixture(t)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			c := newClient(url, proto)
			out := gmd(t, c, base, base.Add(time.Hour),
				mq("inv", "Invocations", "Sum", 60, "FunctionName", "fn-a"),
				mq("p50", "Duration", "p50", 60, "FunctionName", "fn-a"),
				mq("p99", "Duration", "p99", 60, "FunctionName", "fn-a"),
				mq("p999", "Duration", "p99.9", 60, "FunctionName", "fn-a"),
				mq("avg", "Duration", "Average", 60, "FunctionName", "fn-a"),
				mq("dmin", "Duration", "Minimum", 60, "FunctionName", "fn-a"),
				mq("dmax", "Duration", "Maximum", 60, "FunctionName", "fn-a"),
				mq("cnt", "Duration", "SampleCount", 60, "FunctionName", "fn-a"),
				mq("err", "Errors", "Sum", 60, "FunctionName", "fn-a"),
				mq("erate", "Errors", "Average", 60, "FunctionName", "fn-a"),
				mq("thr", "Throttles", "Sum", 60, "FunctionName", "fn-a"),
				mq("conc", "ConcurrentExecutions", "Maximum", 60, "FunctionName", "fn-a"),
				mq("live", "Invocations", "Sum", 60, "FunctionName", "fn-a", "Resource", "fn-a:live"),
				mq("livethr", "Throttles", "Sum", 60, "FunctionName", "fn-a", "Resource", "fn-a:live"),
				mq("v8", "Invocations", "Sum", 60, "FunctionName", "fn-a", "Resource", "fn-a:live", "ExecutedVersion", "8"),
				mq("ver3", "Invocations", "Sum", 60, "FunctionName", "fn-a", "Resource", "fn-a:3"),
				mq("ver3ev", "Invocations", "Sum", 60, "FunctionName", "fn-a", "Resource", "fn-a:3", "ExecutedVersion", "3"),
				mq("region", "Invocations", "Sum", 60),
				mq("iter", "IteratorAge", "Maximum", 60, "FunctionName", "fn-a"),
				mq("none", "Invocations", "Sum", 60, "FunctionName", "nope"),
			)
			inv := result(t, out, "inv")
			if len(inv.Values) != 59 {
				t.Fatalf("want 59 points (minute 30 empty), got %d", len(inv.Values))
			}
			if aws.ToString(inv.Label) != "Invocations" || inv.StatusCode != types.StatusCodeComplete {
				t.Errorf("label %q status %q", aws.ToString(inv.Label), inv.StatusCode)
			}
			// Newest first by default, at minute boundaries, no point at minute 30.
			if !inv.Timestamps[0].Equal(base.Add(59*time.Minute)) || !inv.Timestamps[58].Equal(base) {
				t.Errorf("timestamps %v .. %v", inv.Timestamps[0], inv.Timestamps[58])
			}
			for i, ts := range inv.Timestamps {
				if ts.Equal(base.Add(30 * time.Minute)) {
					t.Errorf("point %d at the empty minute", i)
				}
			}
			want := map[string]float64{"inv": 100, "p50": 50, "p99": 99, "p999": 100, "avg": 50.5, "dmin": 1, "dmax": 100,
				"cnt": 100, "err": 10, "erate": 0.1, "thr": 2, "conc": 7, "live": 20, "livethr": 1, "v8": 10, "ver3": 10,
				"region": 100, "iter": 59000}
			for id, w := range want {
				r := result(t, out, id)
				if len(r.Values) == 0 {
					t.Errorf("%s: no values", id)
					continue
				}
				if !near(r.Values[0], w, 0.016) {
					t.Errorf("%s: newest value %v, want %v", id, r.Values[0], w)
				}
			}
			if r := result(t, out, "ver3ev"); len(r.Values) != 0 {
				t.Errorf("version invocations must not have ExecutedVersion series: %v", r.Values)
			}
			if r := result(t, out, "none"); len(r.Values) != 0 || r.StatusCode != types.StatusCodeComplete {
				t.Errorf("unknown function: %v %s", r.Values, r.StatusCode)
			}
		})
	}
}

func TestPeriodsScanByAndExpressions(t *testing.T) {
	_, _, url := fixture(t)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			c := newClient(url, proto)
			e := types.MetricDataQuery{Id: aws.String("rate"), Expression: aws.String("100 * err / inv"), Label: aws.String("error %")}
			inv := mq("inv", "Invocations", "Sum", 300, "FunctionName", "fn-a")
			inv.ReturnData = aws.Bool(false)
			errq := mq("err", "Errors", "Sum", 300, "FunctionName", "fn-a")
			errq.ReturnData = aws.Bool(false)
			out, err := c.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
				StartTime: aws.Time(base.Add(20 * time.Second)), EndTime: aws.Time(base.Add(time.Hour)),
				ScanBy: types.ScanByTimestampAscending,
				MetricDataQueries: []types.MetricDataQuery{
					inv, errq, e,
					mq("sum5", "Invocations", "Sum", 300, "FunctionName", "fn-a"),
					mq("p90", "Duration", "p90", 300, "FunctionName", "fn-a"),
					mq("max5", "Duration", "Maximum", 300, "FunctionName", "fn-a"),
					mq("hour", "Duration", "p50", 3600, "FunctionName", "fn-a"),
					mq("cnthour", "Invocations", "SampleCount", 3600, "FunctionName", "fn-a"),
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.MetricDataResults) != 6 {
				t.Fatalf("ReturnData=false queries must be left out: %d results", len(out.MetricDataResults))
			}
			sum5 := result(t, out, "sum5")
			if len(sum5.Values) != 12 {
				t.Fatalf("12 five-minute points, got %d", len(sum5.Values))
			}
			for i, v := range sum5.Values {
				want := 500.0
				if i == 6 { // 12:30-12:35 holds the empty minute
					want = 400
				}
				if v != want {
					t.Errorf("sum5[%d] = %v, want %v", i, v, want)
				}
				if !sum5.Timestamps[i].Equal(base.Add(time.Duration(5*i) * time.Minute)) {
					t.Errorf("ascending timestamp %d = %v (StartTime rounds down to the minute)", i, sum5.Timestamps[i])
				}
			}
			for _, v := range result(t, out, "p90").Values {
				if !near(v, 90, 0.016) {
					t.Errorf("p90 over 5 minutes = %v", v)
				}
			}
			if m := result(t, out, "max5"); len(m.Values) != 12 || m.Values[0] != 100 {
				t.Errorf("five-minute maximum %v", m.Values)
			}
			for _, v := range result(t, out, "rate").Values {
				if !near(v, 10, 1e-9) {
					t.Errorf("error rate %v", v)
				}
			}
			if l := aws.ToString(result(t, out, "rate").Label); l != "error %" {
				t.Errorf("label %q", l)
			}
			if h := result(t, out, "hour"); len(h.Values) != 1 || !near(h.Values[0], 50, 0.016) {
				t.Errorf("hour p50 %v", h.Values)
			}
			if h := result(t, out, "cnthour"); len(h.Values) != 1 || h.Values[0] != 5900 {
				t.Errorf("hour sample count %v", h.Values)
			}
		})
	}
}

func TestPagingNextToken(t *testing.T) {
	_, _, url := fixture(t)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			c := newClient(url, proto)
			in := &cloudwatch.GetMetricDataInput{
				StartTime: aws.Time(base), EndTime: aws.Time(base.Add(time.Hour)), MaxDatapoints: aws.Int32(25),
				MetricDataQueries: []types.MetricDataQuery{
					mq("a", "Invocations", "Sum", 60, "FunctionName", "fn-a"),
					mq("b", "Errors", "Sum", 60, "FunctionName", "fn-a"),
					mq("c", "Duration", "p99", 60, "FunctionName", "fn-a"),
				},
			}
			got := map[string][]time.Time{}
			pages, partial := 0, 0
			p := cloudwatch.NewGetMetricDataPaginator(c, in)
			for p.HasMorePages() {
				out, err := p.NextPage(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				pages++
				n := 0
				for _, r := range out.MetricDataResults {
					got[aws.ToString(r.Id)] = append(got[aws.ToString(r.Id)], r.Timestamps...)
					n += len(r.Values)
					if r.StatusCode == types.StatusCodePartialData {
						partial++
					}
				}
				if n > 25 {
					t.Fatalf("page with %d points > MaxDatapoints", n)
				}
				if pages > 20 {
					t.Fatal("paging does not end")
				}
			}
			if pages != 8 || partial != 7 { // 177 points / 25
				t.Errorf("pages %d partial %d", pages, partial)
			}
			for id, ts := range got {
				if len(ts) != 59 {
					t.Errorf("%s: %d points over all pages", id, len(ts))
				}
				for i := 1; i < len(ts); i++ {
					if !ts[i].Before(ts[i-1]) {
						t.Fatalf("%s: not strictly descending at %d", id, i)
					}
				}
			}
		})
	}
}

// wantCode accepts the legacy query code (CBOR and JSON with
// X-Amzn-Query-Error) or the shape it maps to (the awsquery client resolves
// the code to the modeled error, whose ErrorCode is the shape name).
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	shapes := map[string]string{"InvalidParameterValue": "InvalidParameterValueException",
		"InvalidParameterCombination": "InvalidParameterCombinationException", "MissingParameter": "MissingRequiredParameterException"}
	if ae.ErrorCode() != code && ae.ErrorCode() != shapes[code] {
		t.Errorf("code %q (%v), want %q", ae.ErrorCode(), err, code)
	}
}

func TestValidationErrors(t *testing.T) {
	_, _, url := fixture(t)
	ok := mq("a", "Invocations", "Sum", 60, "FunctionName", "fn-a")
	many := make([]types.MetricDataQuery, 501)
	for i := range many {
		many[i] = mq(fmt.Sprintf("q%d", i), "Invocations", "Sum", 60)
	}
	both := mq("x", "Invocations", "Sum", 60)
	both.Expression = aws.String("a*2")
	cases := []struct {
		name string
		in   cloudwatch.GetMetricDataInput
		code string
	}{
		{"too many queries", cloudwatch.GetMetricDataInput{MetricDataQueries: many}, "InvalidParameterValue"},
		{"bad id", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{mq("Bad", "Invocations", "Sum", 60)}}, "InvalidParameterValue"},
		{"bad id chars", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{mq("a-b", "Invocations", "Sum", 60)}}, "InvalidParameterValue"},
		{"duplicate id", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{ok, ok}}, "InvalidParameterValue"},
		{"both", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{ok, both}}, "InvalidParameterCombination"},
		{"neither", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("n")}}}, "InvalidParameterCombination"},
		{"period 45", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{mq("a", "Invocations", "Sum", 45)}}, "InvalidParameterValue"},
		{"period 0", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{mq("a", "Invocations", "Sum", 0)}}, "InvalidParameterValue"},
		{"bad stat", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{mq("a", "Duration", "p101", 60)}}, "InvalidParameterValue"},
		{"bad token", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{ok}, NextToken: aws.String("garbage")}, "InvalidNextToken"},
		{"unknown expression id", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{ok, {Id: aws.String("e"), Expression: aws.String("a / zz")}}}, "InvalidParameterValue"},
		{"unsupported function", cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{ok, {Id: aws.String("e"), Expression: aws.String("ANOMALY_DETECTION_BAND(a)")}}}, "InvalidParameterValue"},
	}
	for _, proto := range protocols {
		c := newClient(url, proto)
		for _, tc := range cases {
			t.Run(proto+"/"+tc.name, func(t *testing.T) {
				in := tc.in
				in.StartTime, in.EndTime = aws.Time(base), aws.Time(base.Add(time.Hour))
				_, err := c.GetMetricData(context.Background(), &in)
				wantCode(t, err, tc.code)
			})
		}
		t.Run(proto+"/start after end", func(t *testing.T) {
			_, err := c.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
				StartTime: aws.Time(base.Add(time.Hour)), EndTime: aws.Time(base), MetricDataQueries: []types.MetricDataQuery{ok}})
			wantCode(t, err, "InvalidParameterValue")
		})
		t.Run(proto+"/token of another request", func(t *testing.T) {
			in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(base), EndTime: aws.Time(base.Add(time.Hour)),
				MetricDataQueries: []types.MetricDataQuery{ok}, MaxDatapoints: aws.Int32(5)}
			out, err := c.GetMetricData(context.Background(), in)
			if err != nil || out.NextToken == nil {
				t.Fatalf("%v %v", out, err)
			}
			in.NextToken = out.NextToken
			in.EndTime = aws.Time(base.Add(2 * time.Hour))
			_, err = c.GetMetricData(context.Background(), in)
			wantCode(t, err, "InvalidNextToken")
		})
	}
}

func TestListMetricsAndStatistics(t *testing.T) {
	_, _, url := fixture(t)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			c := newClient(url, proto)
			lm, err := c.ListMetrics(context.Background(), &cloudwatch.ListMetricsInput{
				Namespace:  aws.String("AWS/Lambda"),
				Dimensions: []types.DimensionFilter{{Name: aws.String("Resource"), Value: aws.String("fn-a:live")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]int{}
			for _, m := range lm.Metrics {
				names[aws.ToString(m.MetricName)]++
			}
			// FunctionName+Resource and +ExecutedVersion 7 and 8.
			if names["Invocations"] != 3 || names["Duration"] != 3 || names["Throttles"] != 1 {
				t.Errorf("ListMetrics by Resource: %v", names)
			}
			all, err := c.ListMetrics(context.Background(), &cloudwatch.ListMetricsInput{MetricName: aws.String("IteratorAge")})
			if err != nil || len(all.Metrics) != 1 || len(all.Metrics[0].Dimensions) != 1 {
				t.Fatalf("IteratorAge: %+v %v", all, err)
			}
			st, err := c.GetMetricStatistics(context.Background(), &cloudwatch.GetMetricStatisticsInput{
				Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Duration"),
				Dimensions: []types.Dimension{{Name: aws.String("FunctionName"), Value: aws.String("fn-a")}},
				StartTime:  aws.Time(base), EndTime: aws.Time(base.Add(10 * time.Minute)), Period: aws.Int32(600),
				Statistics:         []types.Statistic{types.StatisticAverage, types.StatisticMaximum, types.StatisticSampleCount},
				ExtendedStatistics: nil,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Datapoints) != 1 || aws.ToFloat64(st.Datapoints[0].SampleCount) != 1000 || aws.ToFloat64(st.Datapoints[0].Maximum) != 100 || aws.ToFloat64(st.Datapoints[0].Average) != 50.5 {
				t.Errorf("GetMetricStatistics: %+v", st.Datapoints)
			}
			if st.Datapoints[0].Unit != types.StandardUnitMilliseconds {
				t.Errorf("unit %q", st.Datapoints[0].Unit)
			}
			ext, err := c.GetMetricStatistics(context.Background(), &cloudwatch.GetMetricStatisticsInput{
				Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Duration"),
				Dimensions: []types.Dimension{{Name: aws.String("FunctionName"), Value: aws.String("fn-a")}},
				StartTime:  aws.Time(base), EndTime: aws.Time(base.Add(10 * time.Minute)), Period: aws.Int32(600),
				ExtendedStatistics: []string{"p99"},
			})
			if err != nil || len(ext.Datapoints) != 1 || !near(ext.Datapoints[0].ExtendedStatistics["p99"], 99, 0.016) {
				t.Errorf("extended: %+v %v", ext, err)
			}
		})
	}
}

func TestPutMetricDataRoundTrip(t *testing.T) {
	_, _, url := fixture(t)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			c := newClient(url, proto)
			ns := "Custom/" + proto
			_, err := c.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{
				Namespace: aws.String(ns),
				MetricData: []types.MetricDatum{
					{MetricName: aws.String("Latency"), Timestamp: aws.Time(base.Add(time.Minute)), Value: aws.Float64(3),
						Dimensions: []types.Dimension{{Name: aws.String("Svc"), Value: aws.String("x")}}, Unit: types.StandardUnitMilliseconds},
					{MetricName: aws.String("Latency"), Timestamp: aws.Time(base.Add(time.Minute)), Values: []float64{1, 5}, Counts: []float64{1, 2},
						Dimensions: []types.Dimension{{Name: aws.String("Svc"), Value: aws.String("x")}}},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			out := gmd(t, c, base, base.Add(time.Hour), types.MetricDataQuery{Id: aws.String("l"), MetricStat: &types.MetricStat{
				Metric: &types.Metric{Namespace: aws.String(ns), MetricName: aws.String("Latency"),
					Dimensions: []types.Dimension{{Name: aws.String("Svc"), Value: aws.String("x")}}},
				Period: aws.Int32(60), Stat: aws.String("Sum")}})
			if r := result(t, out, "l"); len(r.Values) != 1 || r.Values[0] != 14 {
				t.Errorf("custom metric: %v", r.Values)
			}
			_, err = c.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/Lambda"),
				MetricData: []types.MetricDatum{{MetricName: aws.String("Invocations"), Value: aws.Float64(1)}}})
			wantCode(t, err, "InvalidParameterValue")
		})
	}
}
