package alarms_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
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
	"github.com/lambdaops/lambdaops/sandbox/alarms"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

var base = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

var protocols = []string{"cbor", "json", "query"}

func newClient(url, proto string) *cloudwatch.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
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
	})
}

// world is a metrics store, an alarm store and a server over a manual clock.
type world struct {
	clk *clock.Manual
	met *metrics.Store
	al  *alarms.Store
	url string
}

func newWorld(t testing.TB) *world {
	clk := clock.NewManual(base)
	met := metrics.NewStore(clk, metrics.Options{})
	al := alarms.NewStore(clk, met, alarms.Options{})
	srv := httptest.NewServer(metrics.NewHandlerWith(met, al.Ops()))
	t.Cleanup(srv.Close)
	return &world{clk: clk, met: met, al: al, url: srv.URL}
}

// minute records one minute of fn traffic: n invocations, errs of them
// failing, durations 1..n ms (plus slow), starting at the clock, then
// advances the clock by a minute.
func (w *world) minute(fn string, n, errs int, slow time.Duration) {
	start := w.clk.Now().Add(time.Second)
	for i := 0; i < n; i++ {
		w.met.Invocation(record.Invocation{Function: fn, Start: start, Duration: time.Duration(i+1)*time.Millisecond + slow,
			Error: i < errs, Resource: "live", ExecutedVersion: []string{"7", "8"}[i%2]})
	}
	w.clk.Advance(time.Minute)
}

func dims(kv ...string) []types.Dimension {
	var d []types.Dimension
	for i := 0; i+1 < len(kv); i += 2 {
		d = append(d, types.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return d
}

func putErrors(t *testing.T, c *cloudwatch.Client, name, fn string) {
	t.Helper()
	_, err := c.PutMetricAlarm(context.Background(), &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"),
		Dimensions: dims("FunctionName", fn), Statistic: types.StatisticSum, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(3), DatapointsToAlarm: aws.Int32(2), Threshold: aws.Float64(5),
		ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("notBreaching"),
		AlarmActions: []string{"arn:aws:sns:us-east-1:123456789012:page"},
	})
	if err != nil {
		t.Fatalf("PutMetricAlarm: %v", err)
	}
}

func describe(t *testing.T, c *cloudwatch.Client, name string) types.MetricAlarm {
	t.Helper()
	out, err := c.DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil {
		t.Fatalf("DescribeAlarms: %v", err)
	}
	if len(out.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms(%s): %d alarms", name, len(out.MetricAlarms))
	}
	return out.MetricAlarms[0]
}

// Put, describe, evaluation and transitions under the manual clock, and the
// history, over each of the three encodings.
func TestAlarmLifecycle(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			w := newWorld(t)
			c := newClient(w.url, proto)
			ctx := context.Background()
			putErrors(t, c, "fn-errors", "fn")
			a := describe(t, c, "fn-errors")
			if a.StateValue != types.StateValueInsufficientData || aws.ToString(a.StateReason) != "Unchecked: Initial alarm creation" {
				t.Fatalf("new alarm: %s %q", a.StateValue, aws.ToString(a.StateReason))
			}
			if aws.ToString(a.AlarmArn) != "arn:aws:cloudwatch:us-east-1:123456789012:alarm:fn-errors" || !aws.ToBool(a.ActionsEnabled) {
				t.Fatalf("arn %s actions %v", aws.ToString(a.AlarmArn), aws.ToBool(a.ActionsEnabled))
			}
			// Healthy minutes: OK.
			for i := 0; i < 3; i++ {
				w.minute("fn", 100, 1, 0)
			}
			a = describe(t, c, "fn-errors")
			if a.StateValue != types.StateValueOk {
				t.Fatalf("after healthy minutes: %s %q", a.StateValue, aws.ToString(a.StateReason))
			}
			// One bad minute is not enough (2 of 3).
			w.minute("fn", 100, 20, 0)
			if a = describe(t, c, "fn-errors"); a.StateValue != types.StateValueOk {
				t.Fatalf("after one bad minute: %s", a.StateValue)
			}
			w.minute("fn", 100, 30, 0)
			a = describe(t, c, "fn-errors")
			if a.StateValue != types.StateValueAlarm {
				t.Fatalf("after two bad minutes: %s %q", a.StateValue, aws.ToString(a.StateReason))
			}
			want := "Threshold Crossed: 2 out of the last 3 datapoints [30.0 (26/11/26 12:04:00), 20.0 (26/11/26 12:03:00)] were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition)."
			if got := aws.ToString(a.StateReason); got != want {
				t.Fatalf("reason\n got %q\nwant %q", got, want)
			}
			var data struct {
				Version          string    `json:"version"`
				Statistic        string    `json:"statistic"`
				Period           int       `json:"period"`
				RecentDatapoints []float64 `json:"recentDatapoints"`
				Threshold        float64   `json:"threshold"`
			}
			if err := json.Unmarshal([]byte(aws.ToString(a.StateReasonData)), &data); err != nil || data.Version != "1.0" || data.Statistic != "Sum" || data.Period != 60 || data.Threshold != 5 || len(data.RecentDatapoints) != 3 {
				t.Fatalf("reason data %s (%v)", aws.ToString(a.StateReasonData), err)
			}
			if !a.StateTransitionedTimestamp.Equal(base.Add(5 * time.Minute)) {
				t.Fatalf("transitioned at %v", a.StateTransitionedTimestamp)
			}
			// History: newest first, with the action; ascending on ScanBy.
			h, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("fn-errors"), HistoryItemType: types.HistoryItemTypeStateUpdate})
			if err != nil {
				t.Fatal(err)
			}
			var sums []string
			for _, it := range h.AlarmHistoryItems {
				sums = append(sums, aws.ToString(it.HistorySummary))
			}
			if strings.Join(sums, "|") != "Alarm updated from OK to ALARM|Alarm updated from INSUFFICIENT_DATA to OK" {
				t.Fatalf("history %q", sums)
			}
			all, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("fn-errors"), ScanBy: types.ScanByTimestampAscending, MaxRecords: aws.Int32(2)})
			if err != nil {
				t.Fatal(err)
			}
			if len(all.AlarmHistoryItems) != 2 || all.AlarmHistoryItems[0].HistoryItemType != types.HistoryItemTypeConfigurationUpdate || all.NextToken == nil {
				t.Fatalf("ascending page: %+v", all.AlarmHistoryItems)
			}
			more, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("fn-errors"), ScanBy: types.ScanByTimestampAscending, MaxRecords: aws.Int32(2), NextToken: all.NextToken})
			if err != nil {
				t.Fatal(err)
			}
			if len(more.AlarmHistoryItems) != 2 || more.AlarmHistoryItems[1].HistoryItemType != types.HistoryItemTypeAction {
				t.Fatalf("second page: %+v", more.AlarmHistoryItems)
			}
			// SetAlarmState, then the next evaluation puts it back.
			if _, err := c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("fn-errors"), StateValue: types.StateValueOk, StateReason: aws.String("testing the page")}); err != nil {
				t.Fatal(err)
			}
			if a = describe(t, c, "fn-errors"); a.StateValue != types.StateValueOk || aws.ToString(a.StateReason) != "testing the page" {
				t.Fatalf("after SetAlarmState: %s %q", a.StateValue, aws.ToString(a.StateReason))
			}
			w.minute("fn", 100, 30, 0)
			if a = describe(t, c, "fn-errors"); a.StateValue != types.StateValueAlarm {
				t.Fatalf("re-evaluated: %s", a.StateValue)
			}
			// Disable actions: no Action items on the next transition.
			if _, err := c.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"fn-errors"}}); err != nil {
				t.Fatal(err)
			}
			if a = describe(t, c, "fn-errors"); aws.ToBool(a.ActionsEnabled) {
				t.Fatal("actions still enabled")
			}
			for i := 0; i < 3; i++ {
				w.minute("fn", 100, 0, 0)
			}
			h, _ = c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("fn-errors"), MaxRecords: aws.Int32(1)})
			if len(h.AlarmHistoryItems) != 1 || aws.ToString(h.AlarmHistoryItems[0].HistorySummary) != "Alarm updated from ALARM to OK" {
				t.Fatalf("latest after disable: %+v", h.AlarmHistoryItems)
			}
			if _, err := c.EnableAlarmActions(ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: []string{"fn-errors"}}); err != nil {
				t.Fatal(err)
			}
			// SetAlarmState on an unknown alarm; invalid reason data.
			_, err = c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: types.StateValueOk, StateReason: aws.String("x")})
			var nf *types.ResourceNotFound
			if !errors.As(err, &nf) {
				t.Fatalf("unknown alarm: %v", err)
			}
			_, err = c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("fn-errors"), StateValue: types.StateValueOk, StateReason: aws.String("x"), StateReasonData: aws.String("{not json")})
			var inv *types.InvalidFormatFault
			if !errors.As(err, &inv) {
				t.Fatalf("bad reason data: %v", err)
			}
			// DescribeAlarmsForMetric needs every dimension.
			fm, err := c.DescribeAlarmsForMetric(ctx, &cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"), Dimensions: dims("FunctionName", "fn")})
			if err != nil || len(fm.MetricAlarms) != 1 {
				t.Fatalf("DescribeAlarmsForMetric: %v %d", err, len(fm.MetricAlarms))
			}
			fm, _ = c.DescribeAlarmsForMetric(ctx, &cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors")})
			if len(fm.MetricAlarms) != 0 {
				t.Fatalf("without dimensions: %d", len(fm.MetricAlarms))
			}
			// Delete.
			if _, err := c.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"fn-errors"}}); err != nil {
				t.Fatal(err)
			}
			out, _ := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
			if len(out.MetricAlarms) != 0 {
				t.Fatalf("after delete: %d", len(out.MetricAlarms))
			}
		})
	}
}

// A metric-math alarm (error rate) and a p99 alarm; a composite rule over
// them with NOT; DescribeAlarms filters and paging.
func TestMathPercentileComposite(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			w := newWorld(t)
			c := newClient(w.url, proto)
			ctx := context.Background()
			f := false
			_, err := c.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
				AlarmName: aws.String("fn-error-rate"), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
				Threshold: aws.Float64(10), EvaluationPeriods: aws.Int32(1),
				Metrics: []types.MetricDataQuery{
					{Id: aws.String("e"), ReturnData: &f, MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"), Dimensions: dims("FunctionName", "fn")}, Period: aws.Int32(60), Stat: aws.String("Sum")}},
					{Id: aws.String("i"), ReturnData: &f, MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Invocations"), Dimensions: dims("FunctionName", "fn")}, Period: aws.Int32(60), Stat: aws.String("Sum")}},
					{Id: aws.String("rate"), Expression: aws.String("100 * e / i"), ReturnData: aws.Bool(true)},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
				AlarmName: aws.String("fn-v8-p99"), Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Duration"),
				Dimensions:        dims("FunctionName", "fn", "Resource", "fn:live", "ExecutedVersion", "8"),
				ExtendedStatistic: aws.String("p99"), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
				Threshold: aws.Float64(1000), ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold,
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.PutCompositeAlarm(ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String("fn degraded"),
				AlarmRule: aws.String(`ALARM("fn-error-rate") AND NOT OK(fn-v8-p99)`)})
			if err != nil {
				t.Fatal(err)
			}
			// A rule naming a missing alarm, or a malformed one, is refused.
			_, err = c.PutCompositeAlarm(ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String("bad"), AlarmRule: aws.String(`ALARM(nope)`)})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || !strings.Contains(apiErr.ErrorMessage(), "do not exist") {
				t.Fatalf("missing child: %v", err)
			}
			_, err = c.PutCompositeAlarm(ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String("bad"), AlarmRule: aws.String(`ALARM(fn-error-rate) AND (`)})
			if err == nil {
				t.Fatal("malformed rule accepted")
			}
			// A bad expression is refused with GetMetricData's validation.
			_, err = c.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("bad"), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
				Threshold: aws.Float64(1), EvaluationPeriods: aws.Int32(1), Metrics: []types.MetricDataQuery{{Id: aws.String("x"), Expression: aws.String("100 * nothere")}}})
			if err == nil {
				t.Fatal("bad expression accepted")
			}

			// 20% errors, fast: rate alarm in ALARM, p99 OK → composite false.
			w.minute("fn", 100, 20, 0)
			if a := describe(t, c, "fn-error-rate"); a.StateValue != types.StateValueAlarm {
				t.Fatalf("rate: %s %q", a.StateValue, aws.ToString(a.StateReason))
			}
			if a := describe(t, c, "fn-v8-p99"); a.StateValue != types.StateValueOk {
				t.Fatalf("p99: %s %q", a.StateValue, aws.ToString(a.StateReason))
			}
			comp := func() types.CompositeAlarm {
				out, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}})
				if err != nil || len(out.CompositeAlarms) != 1 || len(out.MetricAlarms) != 0 {
					t.Fatalf("composites: %v %+v", err, out)
				}
				return out.CompositeAlarms[0]
			}
			if ca := comp(); ca.StateValue != types.StateValueOk {
				t.Fatalf("composite with p99 OK: %s", ca.StateValue)
			}
			// Slow on both versions: p99 ≥ 1 s → NOT OK(p99) holds → ALARM.
			w.minute("fn", 100, 20, 2*time.Second)
			ca := comp()
			if ca.StateValue != types.StateValueAlarm || !strings.Contains(aws.ToString(ca.StateReason), "transitioned to ALARM") {
				t.Fatalf("composite: %s %q", ca.StateValue, aws.ToString(ca.StateReason))
			}
			// Children and parents.
			kids, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{ChildrenOfAlarmName: aws.String("fn degraded")})
			if err != nil || len(kids.MetricAlarms) != 2 {
				t.Fatalf("children: %v %+v", err, kids)
			}
			parents, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{ParentsOfAlarmName: aws.String("fn-v8-p99")})
			if err != nil || len(parents.CompositeAlarms) != 1 {
				t.Fatalf("parents: %v %+v", err, parents)
			}
			// A child of a composite cannot be deleted alone.
			if _, err := c.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"fn-v8-p99"}}); err == nil {
				t.Fatal("deleted a composite's child")
			}
			// Filters and paging over many alarms.
			for i := 0; i < 7; i++ {
				putErrors(t, c, "zz-"+string(rune('a'+i)), "other")
			}
			var names []string
			var tok *string
			for page := 0; ; page++ {
				out, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("zz-"), MaxRecords: aws.Int32(3), NextToken: tok})
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range out.MetricAlarms {
					names = append(names, aws.ToString(a.AlarmName))
				}
				if tok = out.NextToken; tok == nil {
					break
				}
				if page > 5 {
					t.Fatal("paging does not end")
				}
			}
			if strings.Join(names, ",") != "zz-a,zz-b,zz-c,zz-d,zz-e,zz-f,zz-g" {
				t.Fatalf("paged names %v", names)
			}
			st, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm, AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}})
			if err != nil || len(st.MetricAlarms) != 2 || len(st.CompositeAlarms) != 1 {
				t.Fatalf("in ALARM: %v %d %d", err, len(st.MetricAlarms), len(st.CompositeAlarms))
			}
			if _, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{NextToken: aws.String("garbage")}); err == nil {
				t.Fatal("garbage token accepted")
			}
		})
	}
}

// TreatMissingData: missing → INSUFFICIENT_DATA, breaching → ALARM,
// ignore keeps the state; the in-process State and Subscribe API.
func TestMissingDataAndSubscribe(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := newClient(w.url, "cbor")
	var got []alarms.Transition
	cancel := w.al.Subscribe(func(tr alarms.Transition) { got = append(got, tr) })
	defer cancel()
	for _, tm := range []string{"missing", "breaching", "ignore", "notBreaching"} {
		_, err := c.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String("m-" + tm), Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"),
			Dimensions: dims("FunctionName", "quiet"), Statistic: types.StatisticSum, Period: aws.Int32(60),
			EvaluationPeriods: aws.Int32(2), Threshold: aws.Float64(0), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
			TreatMissingData: aws.String(tm),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	w.clk.Advance(3 * time.Minute)
	want := map[string]string{"missing": "INSUFFICIENT_DATA", "breaching": "ALARM", "ignore": "INSUFFICIENT_DATA", "notBreaching": "OK"}
	for tm, st := range want {
		got, ok := w.al.State("123456789012", "us-east-1", "m-"+tm)
		if !ok || got != st {
			t.Errorf("%s: %s (%v), want %s", tm, got, ok, st)
		}
	}
	if a := describe(t, c, "m-missing"); aws.ToString(a.StateReason) != "Insufficient Data: 2 datapoints were unknown." {
		t.Errorf("missing reason %q", aws.ToString(a.StateReason))
	}
	if _, ok := w.al.State("999999999999", "us-east-1", "m-missing"); ok {
		t.Error("another account's alarm found")
	}
	if s, ok := w.al.State("", "", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:m-breaching"); !ok || s != "ALARM" {
		t.Errorf("by ARN: %s %v", s, ok)
	}
	var to []string
	for _, tr := range got {
		to = append(to, tr.Alarm+">"+tr.To)
	}
	if strings.Join(to, ",") != "m-breaching>ALARM,m-notBreaching>OK" {
		t.Errorf("transitions %v", to)
	}
}
