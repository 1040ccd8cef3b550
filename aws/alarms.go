package aws

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdaops/lambdaops/model"
)

// AlarmsTTL is how long a read of every alarm is reused before the next
// Alarms call reads them again (the index is shared, read-only).
const AlarmsTTL = time.Minute

// alarmPageSize is DescribeAlarms' largest page.
const alarmPageSize = 100

// alarmCache holds the last read of the account's alarms.
type alarmCache struct {
	mu    sync.Mutex
	ix    *model.AlarmIndex
	at    time.Time
	calls int64 // DescribeAlarms calls made by this session
	// inflight shares one read between concurrent callers.
	inflight chan struct{}
	err      error
}

// Alarms returns every metric and composite alarm of the account and
// region, indexed by the functions they watch. It pages DescribeAlarms
// (100 per page, paced by the governor within its 9 TPS quota) and reuses
// the result for AlarmsTTL unless refresh; concurrent callers share one
// read. It never makes one call per function.
func (c *Client) Alarms(ctx context.Context, refresh bool) (*model.AlarmIndex, error) {
	ac := &c.alarmsC
	ac.mu.Lock()
	if !refresh && ac.ix != nil && c.cfg.Now().Sub(ac.at) < AlarmsTTL {
		ix := ac.ix
		ac.mu.Unlock()
		return ix, nil
	}
	if ch := ac.inflight; ch != nil {
		ac.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		ac.mu.Lock()
		ix, err := ac.ix, ac.err
		ac.mu.Unlock()
		if ix == nil && err == nil {
			err = errors.New("alarms: the shared read was cancelled")
		}
		return ix, err
	}
	ch := make(chan struct{})
	ac.inflight = ch
	ac.mu.Unlock()

	alarms, calls, err := c.describeAllAlarms(ctx)
	var ix *model.AlarmIndex
	if err == nil {
		ix = model.NewAlarmIndex(alarms)
	}
	ac.mu.Lock()
	ac.calls += int64(calls)
	ac.inflight = nil
	ac.err = err
	if err == nil {
		ac.ix, ac.at = ix, c.cfg.Now()
	}
	ac.mu.Unlock()
	close(ch)
	return ix, err
}

// AlarmCalls is the number of DescribeAlarms calls this session has made.
func (c *Client) AlarmCalls() int64 {
	c.alarmsC.mu.Lock()
	defer c.alarmsC.mu.Unlock()
	return c.alarmsC.calls
}

// describeAllAlarms pages DescribeAlarms for both alarm types.
func (c *Client) describeAllAlarms(ctx context.Context) ([]model.Alarm, int, error) {
	in := &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
		MaxRecords: sdkaws.Int32(alarmPageSize),
	}
	var out []model.Alarm
	calls := 0
	seen := map[string]bool{}
	for page := 0; page < 100000; page++ {
		res, err := c.describeAlarms(ctx, in)
		calls++
		if err != nil {
			return nil, calls, c.classify(fmt.Errorf("DescribeAlarms (page %d): %w", page+1, err))
		}
		for i := range res.MetricAlarms {
			out = append(out, metricAlarmFrom(&res.MetricAlarms[i]))
		}
		for i := range res.CompositeAlarms {
			out = append(out, compositeAlarmFrom(&res.CompositeAlarms[i]))
		}
		next := sdkaws.ToString(res.NextToken)
		if next == "" || seen[next] { // an endpoint that repeats a token must not loop
			break
		}
		seen[next] = true
		in.NextToken = sdkaws.String(next)
	}
	return out, calls, nil
}

// describeAlarms speaks CBOR, or JSON where GetMetricData found that the
// endpoint does not speak CBOR (moto).
func (c *Client) describeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput) (*cloudwatch.DescribeAlarmsOutput, error) {
	if c.cwUseJSON.Load() {
		out, err := c.cwJSON.DescribeAlarms(ctx, in)
		return out, asUnsupported("DescribeAlarms", err)
	}
	out, err := c.cwCBOR.DescribeAlarms(ctx, in)
	if err == nil || c.cfg.EndpointURL == "" || c.cfg.Sandbox {
		return out, err
	}
	if isUnsupported(err) || isProtocolMismatch(err) {
		c.logf("CloudWatch endpoint does not speak CBOR (%v); using awsJson1.0", err)
		c.cwUseJSON.Store(true)
		out, err = c.cwJSON.DescribeAlarms(ctx, in)
		return out, asUnsupported("DescribeAlarms", err)
	}
	return out, err
}

func dimsFrom(ds []cwtypes.Dimension) []model.AlarmDim {
	out := make([]model.AlarmDim, 0, len(ds))
	for _, d := range ds {
		out = append(out, model.AlarmDim{Name: sdkaws.ToString(d.Name), Value: sdkaws.ToString(d.Value)})
	}
	return out
}

func metricAlarmFrom(a *cwtypes.MetricAlarm) model.Alarm {
	m := model.Alarm{
		Name: sdkaws.ToString(a.AlarmName), ARN: sdkaws.ToString(a.AlarmArn), Description: sdkaws.ToString(a.AlarmDescription),
		State: string(a.StateValue), Reason: sdkaws.ToString(a.StateReason), ReasonData: sdkaws.ToString(a.StateReasonData),
		StateUpdated: sdkaws.ToTime(a.StateUpdatedTimestamp), StateTransitioned: sdkaws.ToTime(a.StateTransitionedTimestamp),
		ActionsEnabled: sdkaws.ToBool(a.ActionsEnabled), AlarmActions: a.AlarmActions,
		Namespace: sdkaws.ToString(a.Namespace), MetricName: sdkaws.ToString(a.MetricName), Statistic: string(a.Statistic),
		Dimensions: dimsFrom(a.Dimensions), Period: time.Duration(sdkaws.ToInt32(a.Period)) * time.Second,
		EvaluationPeriods: int(sdkaws.ToInt32(a.EvaluationPeriods)), DatapointsToAlarm: int(sdkaws.ToInt32(a.DatapointsToAlarm)),
		Threshold: sdkaws.ToFloat64(a.Threshold), Comparison: string(a.ComparisonOperator), TreatMissing: sdkaws.ToString(a.TreatMissingData),
	}
	if m.Statistic == "" {
		m.Statistic = sdkaws.ToString(a.ExtendedStatistic)
	}
	if m.DatapointsToAlarm == 0 {
		m.DatapointsToAlarm = m.EvaluationPeriods
	}
	for _, q := range a.Metrics {
		am := model.AlarmMetric{ID: sdkaws.ToString(q.Id), Label: sdkaws.ToString(q.Label), Expression: sdkaws.ToString(q.Expression),
			ReturnData: q.ReturnData == nil || *q.ReturnData}
		if q.Period != nil {
			am.Period = time.Duration(*q.Period) * time.Second
		}
		if ms := q.MetricStat; ms != nil {
			am.Stat = sdkaws.ToString(ms.Stat)
			am.Period = time.Duration(sdkaws.ToInt32(ms.Period)) * time.Second
			if ms.Metric != nil {
				am.Namespace, am.Metric, am.Dimensions = sdkaws.ToString(ms.Metric.Namespace), sdkaws.ToString(ms.Metric.MetricName), dimsFrom(ms.Metric.Dimensions)
			}
		}
		if m.Period == 0 && am.Period > 0 {
			m.Period = am.Period
		}
		m.Metrics = append(m.Metrics, am)
	}
	return m
}

func compositeAlarmFrom(a *cwtypes.CompositeAlarm) model.Alarm {
	return model.Alarm{
		Name: sdkaws.ToString(a.AlarmName), ARN: sdkaws.ToString(a.AlarmArn), Description: sdkaws.ToString(a.AlarmDescription), Composite: true,
		State: string(a.StateValue), Reason: sdkaws.ToString(a.StateReason), ReasonData: sdkaws.ToString(a.StateReasonData),
		StateUpdated: sdkaws.ToTime(a.StateUpdatedTimestamp), StateTransitioned: sdkaws.ToTime(a.StateTransitionedTimestamp),
		ActionsEnabled: sdkaws.ToBool(a.ActionsEnabled), AlarmActions: a.AlarmActions, Rule: sdkaws.ToString(a.AlarmRule),
	}
}

// AlarmHistory returns an alarm's history, newest first (at most max
// entries, 100 per DescribeAlarmHistory call).
func (c *Client) AlarmHistory(ctx context.Context, name string, max int) ([]model.AlarmHistory, error) {
	if max <= 0 {
		max = 100
	}
	in := &cloudwatch.DescribeAlarmHistoryInput{AlarmName: sdkaws.String(name), ScanBy: cwtypes.ScanByTimestampDescending,
		AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm}, MaxRecords: sdkaws.Int32(int32(min(max, 100)))}
	var out []model.AlarmHistory
	for page := 0; page < 50 && len(out) < max; page++ {
		var res *cloudwatch.DescribeAlarmHistoryOutput
		var err error
		if c.cwUseJSON.Load() {
			res, err = c.cwJSON.DescribeAlarmHistory(ctx, in)
		} else {
			res, err = c.cwCBOR.DescribeAlarmHistory(ctx, in)
		}
		if err != nil {
			return out, c.classify(asUnsupported("DescribeAlarmHistory", fmt.Errorf("DescribeAlarmHistory %s: %w", name, err)))
		}
		for _, it := range res.AlarmHistoryItems {
			out = append(out, model.AlarmHistory{Alarm: sdkaws.ToString(it.AlarmName), Time: sdkaws.ToTime(it.Timestamp),
				Type: string(it.HistoryItemType), Summary: sdkaws.ToString(it.HistorySummary), Data: sdkaws.ToString(it.HistoryData)})
		}
		next := sdkaws.ToString(res.NextToken)
		if next == "" {
			break
		}
		in.NextToken = sdkaws.String(next)
	}
	if len(out) > max {
		out = out[:max]
	}
	return out, nil
}

// invalidateAlarms drops the cached read after a change.
func (c *Client) invalidateAlarms() {
	c.alarmsC.mu.Lock()
	c.alarmsC.ix = nil
	c.alarmsC.mu.Unlock()
}

func (c *Client) alarmBefore(name string) map[string]any {
	c.alarmsC.mu.Lock()
	ix := c.alarmsC.ix
	c.alarmsC.mu.Unlock()
	if a, ok := ix.Find(name); ok {
		return map[string]any{"state": a.State, "actionsEnabled": a.ActionsEnabled}
	}
	return nil
}

// SetAlarmState sets an alarm's state (until its next evaluation), for
// testing what the alarm's actions do. Refused in read-only mode before
// anything is sent; journaled.
func (c *Client) SetAlarmState(ctx context.Context, name, state, reason string) error {
	if err := c.guard(); err != nil {
		return err
	}
	switch state {
	case model.AlarmOK, model.AlarmAlarm, model.AlarmInsufficient:
	default:
		return fmt.Errorf("alarm state %q is not OK, ALARM or INSUFFICIENT_DATA", state)
	}
	if reason == "" {
		return errors.New("SetAlarmState needs a reason")
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "SetAlarmState", Target: "alarm:" + name, Before: c.alarmBefore(name),
		Request: map[string]any{"state": state}, Reason: reason}
	var err error
	if e, err = c.intent(e); err != nil {
		return err
	}
	in := &cloudwatch.SetAlarmStateInput{AlarmName: &name, StateValue: cwtypes.StateValue(state), StateReason: &reason}
	var out *cloudwatch.SetAlarmStateOutput
	if c.cwUseJSON.Load() {
		out, err = c.cwJSON.SetAlarmState(ctx, in)
	} else {
		out, err = c.cwCBOR.SetAlarmState(ctx, in)
	}
	if err != nil {
		err = c.classify(asUnsupported("SetAlarmState", fmt.Errorf("setting %s to %s: %w", name, state, err)))
		c.record(e, err)
		return err
	}
	c.invalidateAlarms()
	e.After = map[string]any{"state": state}
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return nil
}

// SetAlarmActions enables or disables the actions of alarms (silencing an
// alarm during maintenance), with a reason for the journal. Refused in
// read-only mode before anything is sent; journaled.
func (c *Client) SetAlarmActions(ctx context.Context, names []string, enabled bool, reason string) error {
	if err := c.guard(); err != nil {
		return err
	}
	if len(names) == 0 || len(names) > 100 {
		return fmt.Errorf("between 1 and 100 alarm names, not %d", len(names))
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	action := "DisableAlarmActions"
	if enabled {
		action = "EnableAlarmActions"
	}
	e := model.JournalEntry{Action: action, Target: "alarm:" + names[0], Before: c.alarmBefore(names[0]),
		Request: map[string]any{"alarms": names, "actionsEnabled": enabled}, Reason: reason}
	var err error
	if e, err = c.intent(e); err != nil {
		return err
	}
	var rid string
	if enabled {
		in := &cloudwatch.EnableAlarmActionsInput{AlarmNames: names}
		var out *cloudwatch.EnableAlarmActionsOutput
		if c.cwUseJSON.Load() {
			out, err = c.cwJSON.EnableAlarmActions(ctx, in)
		} else {
			out, err = c.cwCBOR.EnableAlarmActions(ctx, in)
		}
		if err == nil {
			rid = reqID(out.ResultMetadata)
		}
	} else {
		in := &cloudwatch.DisableAlarmActionsInput{AlarmNames: names}
		var out *cloudwatch.DisableAlarmActionsOutput
		if c.cwUseJSON.Load() {
			out, err = c.cwJSON.DisableAlarmActions(ctx, in)
		} else {
			out, err = c.cwCBOR.DisableAlarmActions(ctx, in)
		}
		if err == nil {
			rid = reqID(out.ResultMetadata)
		}
	}
	if err != nil {
		err = c.classify(asUnsupported(action, fmt.Errorf("%s %v: %w", action, names, err)))
		c.record(e, err)
		return err
	}
	c.invalidateAlarms()
	e.After = map[string]any{"actionsEnabled": enabled}
	e.RequestID = rid
	c.record(e, nil)
	return nil
}
