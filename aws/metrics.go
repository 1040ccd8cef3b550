package aws

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"github.com/lambdaops/lambdaops/model"
)

// MaxQueriesPerCall is GetMetricData's limit on queries per request.
const MaxQueriesPerCall = 500

// PricePerMetric is what GetMetricData costs per metric requested ($0.01 per 1,000).
const PricePerMetric = 0.01 / 1000

// ProvisionalWindow: a point whose period ended less than this long ago may
// still change, because Lambda emits metrics up to a few minutes late.
const ProvisionalWindow = 3 * time.Minute

// metricCallParallelism bounds concurrent GetMetricData calls per GetMetrics
// (the governor still paces them).
const metricCallParallelism = 4

// queryID is a valid GetMetricData Id (^[a-z][a-zA-Z0-9_]*$) for the i-th
// query of a call.
func queryID(i int) string { return "m" + strconv.Itoa(i) }

func metricDataQuery(i int, q model.MetricQuery) cwtypes.MetricDataQuery {
	dims := []cwtypes.Dimension{{Name: sdkaws.String("FunctionName"), Value: sdkaws.String(q.Function)}}
	if q.Resource != "" {
		dims = append(dims, cwtypes.Dimension{Name: sdkaws.String("Resource"), Value: sdkaws.String(q.Function + ":" + q.Resource)})
	}
	if q.ExecutedVersion != "" {
		dims = append(dims, cwtypes.Dimension{Name: sdkaws.String("ExecutedVersion"), Value: sdkaws.String(q.ExecutedVersion)})
	}
	stat := q.Stat
	if stat == "" {
		stat = model.StatSum
	}
	return cwtypes.MetricDataQuery{
		Id:    sdkaws.String(queryID(i)),
		Label: sdkaws.String(q.Key()),
		MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{
				Namespace:  sdkaws.String("AWS/Lambda"),
				MetricName: sdkaws.String(q.Metric),
				Dimensions: dims,
			},
			Period: sdkaws.Int32(int32(periodOf(q) / time.Second)),
			Stat:   sdkaws.String(stat),
		},
		ReturnData: sdkaws.Bool(true),
	}
}

func periodOf(q model.MetricQuery) time.Duration {
	if q.Period < time.Minute {
		return time.Minute
	}
	return q.Period.Truncate(time.Minute)
}

// GetMetrics fetches one series per query in ceil(len/500) GetMetricData
// calls (plus NextToken pages for very long ranges). Each series has one
// point per period from start (rounded down) up to end, missing periods
// read as zero, and is Provisional when its newest point may still change.
func (c *Client) GetMetrics(ctx context.Context, queries []model.MetricQuery, start, end time.Time) ([]model.MetricSeries, error) {
	if len(queries) == 0 {
		return nil, nil
	}
	if !end.After(start) {
		return nil, fmt.Errorf("metrics: end %v is not after start %v", end, start)
	}
	type batchResult struct {
		vals map[int]map[int64]float64 // query index → unix second → value
		err  error
	}
	nBatches := (len(queries) + MaxQueriesPerCall - 1) / MaxQueriesPerCall
	results := make([]batchResult, nBatches)
	sem := make(chan struct{}, metricCallParallelism)
	var wg sync.WaitGroup
	for b := 0; b < nBatches; b++ {
		lo, hi := b*MaxQueriesPerCall, min((b+1)*MaxQueriesPerCall, len(queries))
		wg.Add(1)
		sem <- struct{}{}
		go func(b, lo, hi int) {
			defer wg.Done()
			defer func() { <-sem }()
			vals, err := c.metricBatch(ctx, queries[lo:hi], start, end)
			m := map[int]map[int64]float64{}
			for i, v := range vals {
				m[lo+i] = v
			}
			results[b] = batchResult{vals: m, err: err}
		}(b, lo, hi)
	}
	wg.Wait()
	all := map[int]map[int64]float64{}
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		for k, v := range r.vals {
			all[k] = v
		}
	}
	now := c.cfg.Now()
	out := make([]model.MetricSeries, len(queries))
	for i, q := range queries {
		out[i] = fillSeries(q, all[i], start, end, now)
	}
	return out, nil
}

// fillSeries lays the returned points on the period grid, zero where missing.
// The grid starts at the StartTime sent (start rounded down to the minute),
// as CloudWatch aligns periods to StartTime, not to the epoch; a point is
// placed in the grid cell that holds it, so a server that aligns otherwise
// still lands in the right period.
func fillSeries(q model.MetricQuery, pts map[int64]float64, start, end, now time.Time) model.MetricSeries {
	p := periodOf(q)
	s := model.MetricSeries{Query: q}
	gs := start.Truncate(time.Minute)
	for t := gs; t.Before(end); t = t.Add(p) {
		s.Timestamps = append(s.Timestamps, t.UTC())
	}
	s.Values = make([]float64, len(s.Timestamps))
	seen := make([]bool, len(s.Values))
	ps, g0 := int64(p/time.Second), gs.Unix()
	additive := q.Stat == model.StatSum || q.Stat == model.StatSamples
	for ts, v := range pts {
		i := int((ts - g0) / ps)
		if ts < g0 {
			if g0-ts >= ps {
				continue
			}
			i = 0
		}
		if i < 0 || i >= len(s.Values) {
			continue
		}
		switch {
		case !seen[i]:
			s.Values[i] = v
		case additive:
			s.Values[i] += v
		default:
			s.Values[i] = max(s.Values[i], v)
		}
		seen[i] = true
	}
	s.Present = seen
	if n := len(s.Timestamps); n > 0 {
		s.Provisional = s.Timestamps[n-1].Add(p).After(now.Add(-ProvisionalWindow))
	}
	return s
}

// metricBatch runs one GetMetricData call (≤500 queries), following
// NextToken, and returns the points per query (index within the batch).
func (c *Client) metricBatch(ctx context.Context, qs []model.MetricQuery, start, end time.Time) ([]map[int64]float64, error) {
	in := &cloudwatch.GetMetricDataInput{
		StartTime: sdkaws.Time(start.Truncate(time.Minute)),
		EndTime:   sdkaws.Time(end),
		ScanBy:    cwtypes.ScanByTimestampAscending,
	}
	for i, q := range qs {
		in.MetricDataQueries = append(in.MetricDataQueries, metricDataQuery(i, q))
	}
	vals := make([]map[int64]float64, len(qs))
	for i := range vals {
		vals[i] = map[int64]float64{}
	}
	for page := 0; ; page++ {
		out, err := c.getMetricData(ctx, in)
		if err != nil {
			return nil, c.classify(fmt.Errorf("GetMetricData (%d queries): %w", len(qs), err))
		}
		c.costMu.Lock()
		c.metricsUsed += int64(len(qs))
		c.costMu.Unlock()
		for _, r := range out.MetricDataResults {
			id := sdkaws.ToString(r.Id)
			if len(id) < 2 || id[0] != 'm' {
				continue
			}
			i, err := strconv.Atoi(id[1:])
			if err != nil || i < 0 || i >= len(qs) {
				continue
			}
			for k, t := range r.Timestamps {
				if k < len(r.Values) {
					vals[i][t.Unix()] = r.Values[k]
				}
			}
		}
		next := sdkaws.ToString(out.NextToken)
		if next == "" || page > 1000 {
			break
		}
		in.NextToken = sdkaws.String(next)
	}
	return vals, nil
}

// getMetricData speaks CBOR (the Go SDK's default, and the sandbox's) and,
// against a custom non-sandbox endpoint that does not understand it (moto
// answers 404), switches this session to awsJson1.0 for good.
func (c *Client) getMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput) (*cloudwatch.GetMetricDataOutput, error) {
	if c.cwUseJSON.Load() {
		out, err := c.cwJSON.GetMetricData(ctx, in)
		return out, asUnsupported("GetMetricData", err)
	}
	out, err := c.cwCBOR.GetMetricData(ctx, in)
	if err == nil || c.cfg.EndpointURL == "" || c.cfg.Sandbox {
		return out, err
	}
	if isUnsupported(err) || isProtocolMismatch(err) {
		c.logf("CloudWatch endpoint does not speak CBOR (%v); using awsJson1.0", err)
		c.cwUseJSON.Store(true)
		out, err = c.cwJSON.GetMetricData(ctx, in)
		return out, asUnsupported("GetMetricData", err)
	}
	return out, err
}

// isProtocolMismatch recognises a response the CBOR decoder could not read.
func isProtocolMismatch(err error) bool {
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "UnknownOperationException", "InvalidAction", "MissingAction", "UnsupportedProtocol", "SerializationException":
			return true
		}
	}
	return false
}

// QueryCost is the dollar cost of the GetMetricData queries this session
// made ($0.01 per 1,000 metrics requested).
func (c *Client) QueryCost() float64 {
	c.costMu.Lock()
	defer c.costMu.Unlock()
	return float64(c.metricsUsed) * PricePerMetric
}
