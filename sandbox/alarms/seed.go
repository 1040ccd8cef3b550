package alarms

import (
	"time"

	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// The seeded alarms' names (part of the sandbox contract, like the demo
// fleet's incident functions).
const (
	SeedPaymentsErrorRate = "payments-webhook-error-rate"
	SeedPaymentsErrors    = "payments-webhook-errors"
	SeedOrdersThrottles   = "orders-api-throttles"
	SeedReportP99         = "report-generator-p99-duration"
	SeedClickstreamAge    = "clickstream-processor-iterator-age"
	SeedCheckoutCanary    = "checkout-api-live-v8-errors"
	SeedCheckoutErrors    = "checkout-api-errors"
	SeedCheckoutDegraded  = "checkout degraded"
	SeedLegacyExport      = "legacy-invoice-export-errors"
	SeedImageDuration     = "image-resizer-duration"
)

const seedTopic = "arn:aws:sns:us-east-1:123456789012:oncall-page"

func p[T any](v T) *T { return &v }

func lambdaDims(fn string, extra ...string) []Dimension {
	d := []Dimension{{Name: "FunctionName", Value: fn}}
	for i := 0; i+1 < len(extra); i += 2 {
		d = append(d, Dimension{Name: extra[i], Value: extra[i+1]})
	}
	return d
}

func lambdaStat(id, metric, stat string, period int32, dims []Dimension) MetricDataQuery {
	f := false
	return MetricDataQuery{Id: id, ReturnData: &f, MetricStat: &metrics.MetricStat{
		Metric: &metrics.Metric{Namespace: "AWS/Lambda", MetricName: metric, Dimensions: dims}, Period: &period, Stat: stat}}
}

// Seed creates the demo alarms as if configured at at (the start of the
// simulated history), so the first evaluation walks through their past
// transitions. healthy names a few healthy functions of the fleet for OK
// alarms. It is a no-op for alarms that already exist.
func (s *Store) Seed(at time.Time, healthy []string) {
	topic := "arn:aws:sns:" + s.opts.Region + ":" + s.opts.Account + ":oncall-page"
	_ = seedTopic
	tr := true
	metric := []*PutMetricAlarmInput{
		{AlarmName: SeedPaymentsErrorRate, AlarmDescription: p("payments-webhook error rate above 5% (metric math)"),
			ComparisonOperator: "GreaterThanThreshold", Threshold: p(5.0), EvaluationPeriods: p(int32(3)), DatapointsToAlarm: p(int32(2)),
			TreatMissingData: p("notBreaching"), AlarmActions: []string{topic}, OKActions: []string{topic},
			Metrics: []MetricDataQuery{
				lambdaStat("e", "Errors", "Sum", 60, lambdaDims("payments-webhook")),
				lambdaStat("i", "Invocations", "Sum", 60, lambdaDims("payments-webhook")),
				{Id: "rate", Expression: p("100 * e / i"), Label: p("Error rate (%)"), ReturnData: &tr},
			}},
		{AlarmName: SeedPaymentsErrors, AlarmDescription: p("payments-webhook errors"),
			Namespace: p("AWS/Lambda"), MetricName: p("Errors"), Dimensions: lambdaDims("payments-webhook"), Statistic: p("Sum"), Period: p(int32(60)),
			ComparisonOperator: "GreaterThanOrEqualToThreshold", Threshold: p(25.0), EvaluationPeriods: p(int32(5)), DatapointsToAlarm: p(int32(3)),
			TreatMissingData: p("notBreaching"), AlarmActions: []string{topic}},
		{AlarmName: SeedOrdersThrottles, AlarmDescription: p("orders-api is throttled (reserved concurrency 10)"),
			Namespace: p("AWS/Lambda"), MetricName: p("Throttles"), Dimensions: lambdaDims("orders-api"), Statistic: p("Sum"), Period: p(int32(60)),
			ComparisonOperator: "GreaterThanThreshold", Threshold: p(0.0), EvaluationPeriods: p(int32(5)), DatapointsToAlarm: p(int32(3)),
			TreatMissingData: p("notBreaching"), AlarmActions: []string{topic}},
		{AlarmName: SeedReportP99, AlarmDescription: p("report-generator p99 duration close to its 30 s timeout"),
			Namespace: p("AWS/Lambda"), MetricName: p("Duration"), Dimensions: lambdaDims("report-generator"), ExtendedStatistic: p("p99"), Period: p(int32(300)),
			ComparisonOperator: "GreaterThanOrEqualToThreshold", Threshold: p(25000.0), EvaluationPeriods: p(int32(3)), DatapointsToAlarm: p(int32(2)),
			TreatMissingData: p("missing"), AlarmActions: []string{topic}},
		{AlarmName: SeedClickstreamAge, AlarmDescription: p("clickstream-processor is falling behind its Kinesis stream"),
			Namespace: p("AWS/Lambda"), MetricName: p("IteratorAge"), Dimensions: lambdaDims("clickstream-processor"), Statistic: p("Maximum"), Period: p(int32(300)),
			ComparisonOperator: "GreaterThanThreshold", Threshold: p(60000.0), EvaluationPeriods: p(int32(3)), DatapointsToAlarm: p(int32(2)),
			TreatMissingData: p("missing"), AlarmActions: []string{topic}},
		{AlarmName: SeedCheckoutCanary, AlarmDescription: p("checkout-api live alias: errors on version 8 (the canary)"),
			Namespace: p("AWS/Lambda"), MetricName: p("Errors"), Dimensions: lambdaDims("checkout-api", "Resource", "checkout-api:live", "ExecutedVersion", "8"),
			Statistic: p("Sum"), Period: p(int32(60)), ComparisonOperator: "GreaterThanThreshold", Threshold: p(3.0),
			EvaluationPeriods: p(int32(3)), DatapointsToAlarm: p(int32(2)), TreatMissingData: p("notBreaching")},
		{AlarmName: SeedCheckoutErrors, AlarmDescription: p("checkout-api live alias errors"),
			Namespace: p("AWS/Lambda"), MetricName: p("Errors"), Dimensions: lambdaDims("checkout-api", "Resource", "checkout-api:live"),
			Statistic: p("Sum"), Period: p(int32(60)), ComparisonOperator: "GreaterThanThreshold", Threshold: p(50.0),
			EvaluationPeriods: p(int32(3)), TreatMissingData: p("notBreaching"), AlarmActions: []string{topic}},
		{AlarmName: SeedLegacyExport, AlarmDescription: p("left behind when legacy-invoice-export was deleted"),
			Namespace: p("AWS/Lambda"), MetricName: p("Errors"), Dimensions: lambdaDims("legacy-invoice-export"), Statistic: p("Sum"), Period: p(int32(300)),
			ComparisonOperator: "GreaterThanThreshold", Threshold: p(0.0), EvaluationPeriods: p(int32(1)), AlarmActions: []string{topic}},
		{AlarmName: SeedImageDuration, AlarmDescription: p("image-resizer slow (actions disabled during the migration)"),
			Namespace: p("AWS/Lambda"), MetricName: p("Duration"), Dimensions: lambdaDims("image-resizer"), Statistic: p("Average"), Period: p(int32(300)),
			ComparisonOperator: "GreaterThanThreshold", Threshold: p(5000.0), EvaluationPeriods: p(int32(3)),
			ActionsEnabled: p(false), AlarmActions: []string{topic}, TreatMissingData: p("missing")},
	}
	for i, fn := range healthy {
		if i >= 4 {
			break
		}
		metric = append(metric, &PutMetricAlarmInput{AlarmName: fn + "-errors", AlarmDescription: p(fn + " errors"),
			Namespace: p("AWS/Lambda"), MetricName: p("Errors"), Dimensions: lambdaDims(fn), Statistic: p("Sum"), Period: p(int32(300)),
			ComparisonOperator: "GreaterThanThreshold", Threshold: p(100.0), EvaluationPeriods: p(int32(1)),
			TreatMissingData: p("notBreaching"), AlarmActions: []string{topic}})
	}
	for _, in := range metric {
		if s.has(in.AlarmName) {
			continue
		}
		_, _ = s.putMetricAlarm(in, at)
	}
	if !s.has(SeedCheckoutDegraded) {
		_, _ = s.putCompositeAlarm(&PutCompositeAlarmInput{AlarmName: SeedCheckoutDegraded,
			AlarmDescription: p("checkout is degraded: payments failing, or the checkout canary failing while the live alias is not yet OK"),
			AlarmRule:        "ALARM(\"" + SeedPaymentsErrorRate + "\") OR (ALARM(\"" + SeedCheckoutCanary + "\") AND NOT OK(\"" + SeedCheckoutErrors + "\"))",
			AlarmActions:     []string{topic}}, at)
	}
}

func (s *Store) has(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alarms[name] != nil
}
