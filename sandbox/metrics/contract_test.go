package metrics_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// target is one implementation the contract scenario runs against.
type target struct {
	name string
	url  string
	moto bool
}

// metricsScenario is the GetMetricData contract: what a client that puts
// points and reads them back may rely on, on AWS, the sandbox and moto.
func metricsScenario(t *testing.T, tg target, proto string) {
	ctx := context.Background()
	c := newClient(tg.url, proto, func(o *cloudwatch.Options) {
		// moto answers gzip-compressed JSON bodies with a 500.
		o.DisableRequestCompression = tg.moto
	})
	ns := "Contract/" + proto
	now := time.Now().UTC().Truncate(time.Minute)
	start := now.Add(-10 * time.Minute)
	// Distinct dimension values per protocol too: moto returned the points of
	// both namespaces when two protocols put the same dimensions.
	dims := []types.Dimension{{Name: aws.String("Svc"), Value: aws.String("api-" + proto)}}
	var data []types.MetricDatum
	for i := 0; i < 10; i++ {
		ts := start.Add(time.Duration(i)*time.Minute + 10*time.Second)
		data = append(data,
			types.MetricDatum{MetricName: aws.String("Latency"), Dimensions: dims, Timestamp: aws.Time(ts), Value: aws.Float64(float64(i + 1)), Unit: types.StandardUnitMilliseconds},
			types.MetricDatum{MetricName: aws.String("Latency"), Dimensions: dims, Timestamp: aws.Time(ts.Add(time.Second)), Value: aws.Float64(float64(i + 101)), Unit: types.StandardUnitMilliseconds},
			types.MetricDatum{MetricName: aws.String("Hits"), Dimensions: dims, Timestamp: aws.Time(ts), Value: aws.Float64(2), Unit: types.StandardUnitCount},
		)
	}
	if _, err := c.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ns), MetricData: data}); err != nil {
		if tg.moto && proto == "cbor" {
			t.Skipf("moto_server does not serve Smithy RPC v2 CBOR: %v", err)
		}
		t.Fatal(err)
	}
	stat := func(id, name, st string, period int32) types.MetricDataQuery {
		return types.MetricDataQuery{Id: aws.String(id), MetricStat: &types.MetricStat{
			Metric: &types.Metric{Namespace: aws.String(ns), MetricName: aws.String(name), Dimensions: dims},
			Period: aws.Int32(period), Stat: aws.String(st)}}
	}
	out, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start), EndTime: aws.Time(now),
		MetricDataQueries: []types.MetricDataQuery{
			stat("sum", "Latency", "Sum", 60), stat("mx", "Latency", "Maximum", 60),
			stat("cnt", "Latency", "SampleCount", 60), stat("hits", "Hits", "Sum", 60),
			stat("none", "Nothing", "Sum", 60),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := result(t, out, "sum")
	if len(sum.Values) != 10 {
		t.Fatalf("%s: want 10 one-minute points, got %d %v", tg.name, len(sum.Values), sum.Values)
	}
	// Newest first (TimestampDescending is the default).
	if sum.Values[0] != 10+110 || sum.Values[9] != 1+101 {
		t.Errorf("%s: sums %v (want newest first)", tg.name, sum.Values)
	}
	if !sum.Timestamps[0].Equal(start.Add(9*time.Minute)) || !sum.Timestamps[9].Equal(start) {
		t.Errorf("%s: timestamps %v .. %v", tg.name, sum.Timestamps[0], sum.Timestamps[9])
	}
	if mx := result(t, out, "mx"); len(mx.Values) != 10 || mx.Values[0] != 110 {
		t.Errorf("%s: maximum %v", tg.name, mx.Values)
	}
	if cnt := result(t, out, "cnt"); len(cnt.Values) != 10 || cnt.Values[0] != 2 {
		t.Errorf("%s: sample count %v", tg.name, cnt.Values)
	}
	if h := result(t, out, "hits"); len(h.Values) != 10 || h.Values[0] != 2 {
		t.Errorf("%s: hits %v", tg.name, h.Values)
	}
	if n := result(t, out, "none"); len(n.Values) != 0 {
		t.Errorf("%s: a metric with no data returned %v", tg.name, n.Values)
	}

	t.Run("ascending", func(t *testing.T) {
		out, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(start), EndTime: aws.Time(now), ScanBy: types.ScanByTimestampAscending,
			MetricDataQueries: []types.MetricDataQuery{stat("sum", "Latency", "Sum", 60)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := result(t, out, "sum"); len(r.Values) != 10 || r.Values[0] != 102 {
			t.Errorf("%s: ascending %v", tg.name, r.Values)
		}
	})

	t.Run("period 300", func(t *testing.T) {
		out, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(start), EndTime: aws.Time(now),
			MetricDataQueries: []types.MetricDataQuery{stat("sum", "Latency", "Sum", 300)},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := result(t, out, "sum")
		var total float64
		for _, v := range r.Values {
			total += v
		}
		if total != 55+1055 {
			t.Errorf("%s: five-minute sums %v (total %v)", tg.name, r.Values, total)
		}
		if len(r.Values) < 2 || len(r.Values) > 3 {
			t.Errorf("%s: %d five-minute points", tg.name, len(r.Values))
		}
	})

	t.Run("ListMetrics", func(t *testing.T) {
		lm, err := c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String(ns)})
		if err != nil {
			t.Fatal(err)
		}
		if len(lm.Metrics) != 2 {
			t.Errorf("%s: %d metrics in %s", tg.name, len(lm.Metrics), ns)
		}
	})

	t.Run("paging", func(t *testing.T) {
		p := cloudwatch.NewGetMetricDataPaginator(c, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(start), EndTime: aws.Time(now), MaxDatapoints: aws.Int32(4),
			MetricDataQueries: []types.MetricDataQuery{stat("sum", "Latency", "Sum", 60)},
		})
		n, pages := 0, 0
		for p.HasMorePages() && pages < 10 {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, r := range out.MetricDataResults {
				n += len(r.Values)
			}
		}
		if tg.moto && pages == 1 && n == 10 {
			t.Skip("moto ignores MaxDatapoints and returns every point in one page")
		}
		if n != 10 || pages != 3 {
			t.Errorf("%s: %d points in %d pages", tg.name, n, pages)
		}
	})

	t.Run("invalid id", func(t *testing.T) {
		_, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(start), EndTime: aws.Time(now),
			MetricDataQueries: []types.MetricDataQuery{stat("Bad-Id", "Latency", "Sum", 60)},
		})
		if tg.moto && err == nil {
			t.Skip("moto does not validate MetricDataQuery Ids")
		}
		wantCode(t, err, "InvalidParameterValue")
	})
}

func TestContractMetricsSandbox(t *testing.T) {
	s := metrics.NewStore(clock.Real{}, metrics.Options{})
	srv := httptest.NewServer(metrics.NewHandler(s))
	defer srv.Close()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) { metricsScenario(t, target{name: "sandbox", url: srv.URL}, proto) })
	}
}

func TestContractMetricsMoto(t *testing.T) {
	t.Parallel()
	url := peers.StartMoto(t)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) { metricsScenario(t, target{name: "moto", url: url, moto: true}, proto) })
	}
}
