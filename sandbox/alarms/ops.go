package alarms

import (
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// Ops returns the alarm operations for metrics.NewHandlerWith.
func (s *Store) Ops() map[string]metrics.Op {
	return map[string]metrics.Op{
		"PutMetricAlarm":          metrics.OpOf(s.PutMetricAlarm),
		"PutCompositeAlarm":       metrics.OpOf(s.PutCompositeAlarm),
		"DescribeAlarms":          metrics.OpOf(s.DescribeAlarms),
		"DescribeAlarmsForMetric": metrics.OpOf(s.DescribeAlarmsForMetric),
		"DescribeAlarmHistory":    metrics.OpOf(s.DescribeAlarmHistory),
		"DeleteAlarms":            metrics.OpOf(s.DeleteAlarms),
		"SetAlarmState":           metrics.OpOf(s.SetAlarmState),
		"EnableAlarmActions": metrics.OpOf(func(in *AlarmNamesInput) (*Empty, error) {
			return s.SetActions(in, true)
		}),
		"DisableAlarmActions": metrics.OpOf(func(in *AlarmNamesInput) (*Empty, error) {
			return s.SetActions(in, false)
		}),
	}
}

func validName(param, n string) error {
	if n == "" {
		return errMissing(param)
	}
	if len(n) > MaxNameLen {
		return errInvalid("The value for parameter %s must be at most %d characters long.", param, MaxNameLen)
	}
	for _, r := range n {
		if unicode.IsControl(r) {
			return errInvalid("The value for parameter %s contains a control character.", param)
		}
	}
	return nil
}

var statistics = map[string]bool{"SampleCount": true, "Average": true, "Sum": true, "Minimum": true, "Maximum": true}

func validExtended(s string) bool {
	rest, ok := strings.CutPrefix(s, "p")
	if !ok || rest == "" || len(rest) > 6 {
		return false
	}
	f, err := strconv.ParseFloat(rest, 64)
	return err == nil && f >= 0 && f <= 100
}

func validPeriod(p int32) bool {
	switch p {
	case 10, 20, 30:
		return true
	}
	return p >= 60 && p%60 == 0 && p <= 86400*7
}

func (s *Store) checkMetricAlarm(in *PutMetricAlarmInput) error {
	if err := validName("AlarmName", in.AlarmName); err != nil {
		return err
	}
	if in.ComparisonOperator == "" {
		return errMissing("ComparisonOperator")
	}
	if _, ok := opWords[in.ComparisonOperator]; !ok {
		switch in.ComparisonOperator {
		case "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold":
			return errCombination("Anomaly detection alarms (ComparisonOperator %s) are not supported by the sandbox.", in.ComparisonOperator)
		}
		return errInvalid("The value %s for parameter ComparisonOperator is not valid.", in.ComparisonOperator)
	}
	if in.EvaluationPeriods == nil {
		return errMissing("EvaluationPeriods")
	}
	if *in.EvaluationPeriods < 1 {
		return errInvalid("The parameter EvaluationPeriods must be greater than or equal to 1.")
	}
	if in.DatapointsToAlarm != nil && (*in.DatapointsToAlarm < 1 || *in.DatapointsToAlarm > *in.EvaluationPeriods) {
		return errInvalid("DatapointsToAlarm must be between 1 and EvaluationPeriods (%d).", *in.EvaluationPeriods)
	}
	if in.Threshold == nil && in.ThresholdMetricId == nil {
		return errMissing("Threshold")
	}
	if in.ThresholdMetricId != nil {
		return errCombination("ThresholdMetricId (anomaly detection) is not supported by the sandbox.")
	}
	if in.TreatMissingData != nil {
		switch *in.TreatMissingData {
		case "breaching", "notBreaching", "ignore", "missing":
		default:
			return errInvalid("The value %s for parameter TreatMissingData is not valid (breaching, notBreaching, ignore or missing).", *in.TreatMissingData)
		}
	}
	if in.Threshold != nil && (*in.Threshold != *in.Threshold || *in.Threshold > 1e300 || *in.Threshold < -1e300) {
		return errInvalid("The parameter Threshold must be a finite number.")
	}
	if len(in.Metrics) > 0 {
		if in.MetricName != nil || in.Namespace != nil || in.Statistic != nil || in.ExtendedStatistic != nil || len(in.Dimensions) > 0 || in.Period != nil {
			return errCombination("The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions and Period cannot be used with Metrics.")
		}
		if len(in.Metrics) > 10 {
			return errInvalid("The collection Metrics must not have a size greater than 10.")
		}
		ret := 0
		for i, q := range in.Metrics {
			if q.ReturnData == nil || *q.ReturnData {
				ret++
			}
			if q.MetricStat != nil && (q.MetricStat.Period == nil || !validPeriod(*q.MetricStat.Period)) {
				return errInvalid("The parameter Metrics.member.%d.MetricStat.Period must be 10, 20, 30 or a multiple of 60.", i+1)
			}
		}
		if ret != 1 {
			return errInvalid("Exactly one element of the Metrics list must return data.")
		}
		// The metric-math validation is GetMetricData's, over a minute.
		now := s.clk.Now()
		if _, err := s.met.GetMetricData(&metrics.GetMetricDataInput{MetricDataQueries: in.Metrics, StartTime: metrics.TS(now.Add(-time.Minute)), EndTime: metrics.TS(now)}); err != nil {
			if e, ok := err.(*metrics.APIError); ok {
				return errInvalid("%s", strings.ReplaceAll(e.Message, "MetricDataQueries", "Metrics"))
			}
			return errInvalid("%v", err)
		}
		return nil
	}
	if in.MetricName == nil || *in.MetricName == "" {
		return errMissing("MetricName")
	}
	if in.Namespace == nil || *in.Namespace == "" {
		return errMissing("Namespace")
	}
	if in.Period == nil {
		return errMissing("Period")
	}
	if !validPeriod(*in.Period) {
		return errInvalid("The parameter Period must be 10, 20, 30 or a multiple of 60.")
	}
	if int64(*in.Period)*int64(*in.EvaluationPeriods) > 86400*7 {
		return errInvalid("The product of EvaluationPeriods and Period must not exceed 604800 seconds.")
	}
	if len(in.Dimensions) > 30 {
		return errInvalid("The collection Dimensions must not have a size greater than 30.")
	}
	for i, d := range in.Dimensions {
		if d.Name == "" || d.Value == "" {
			return errInvalid("The value of Dimensions.member.%d is not valid: Name and Value are required.", i+1)
		}
	}
	switch {
	case in.Statistic != nil && in.ExtendedStatistic != nil:
		return errCombination("The parameters Statistic and ExtendedStatistic are mutually exclusive.")
	case in.Statistic == nil && in.ExtendedStatistic == nil:
		return errMissing("Statistic or ExtendedStatistic")
	case in.Statistic != nil && !statistics[*in.Statistic]:
		return errInvalid("The value %s for parameter Statistic is not valid.", *in.Statistic)
	case in.ExtendedStatistic != nil && !validExtended(*in.ExtendedStatistic):
		return errInvalid("The value %s for parameter ExtendedStatistic is not valid.", *in.ExtendedStatistic)
	}
	return nil
}

// PutMetricAlarm creates or updates a metric alarm (an update keeps the
// state and replaces the configuration).
func (s *Store) PutMetricAlarm(in *PutMetricAlarmInput) (*Empty, error) {
	return s.putMetricAlarm(in, s.clk.Now())
}

func (s *Store) putMetricAlarm(in *PutMetricAlarmInput, at time.Time) (*Empty, error) {
	if err := s.checkMetricAlarm(in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	a := s.alarms[in.AlarmName]
	if a != nil && a.composite {
		return nil, errInvalid("The alarm %s is a composite alarm.", in.AlarmName)
	}
	if a == nil && len(s.alarms) >= MaxAlarms {
		return nil, errLimit("The maximum number of alarms (%d) has been reached.", MaxAlarms)
	}
	cfg := *in
	cfg.Metrics = append([]MetricDataQuery(nil), in.Metrics...)
	cfg.Dimensions = append([]Dimension(nil), in.Dimensions...)
	created := a == nil
	if created {
		a = &alarm{name: in.AlarmName, arn: s.arn(in.AlarmName), state: StateInsufficient, reason: "Unchecked: Initial alarm creation", updated: at, transitioned: at}
		s.alarms[in.AlarmName] = a
		s.sorted = nil
	}
	a.cfg = cfg
	a.actionsEnabled = in.ActionsEnabled == nil || *in.ActionsEnabled
	a.configured = at
	a.next = firstBoundary(at, a.period())
	s.historyConfig(a, created, at)
	return &Empty{}, nil
}

func (s *Store) historyConfig(a *alarm, created bool, at time.Time) {
	kind, verb := "Update", "updated"
	if created {
		kind, verb = "Create", "created"
	}
	var body any
	if a.composite {
		body = s.compositeOut(a)
	} else {
		body = s.metricOut(a)
	}
	a.addHistory(AlarmHistoryItem{AlarmName: a.name, AlarmType: a.typ(), Timestamp: metrics.TS(at), HistoryItemType: HistoryConfig,
		HistorySummary: "Alarm \"" + a.name + "\" " + verb,
		HistoryData:    mustJSON(map[string]any{"version": "1.0", "type": kind, strings.ToLower(verb[:1]) + verb[1:] + "Alarm": body}),
	})
}

// PutCompositeAlarm creates or updates a composite alarm.
func (s *Store) PutCompositeAlarm(in *PutCompositeAlarmInput) (*Empty, error) {
	return s.putCompositeAlarm(in, s.clk.Now())
}

func (s *Store) putCompositeAlarm(in *PutCompositeAlarmInput, at time.Time) (*Empty, error) {
	if err := validName("AlarmName", in.AlarmName); err != nil {
		return nil, err
	}
	if in.AlarmRule == "" {
		return nil, errMissing("AlarmRule")
	}
	rule, err := ParseRule(in.AlarmRule)
	if err != nil {
		return nil, errInvalid("AlarmRule: %v", err)
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	var missing []string
	for _, ref := range rule.Refs() {
		n := s.resolve(ref)
		if n == in.AlarmName {
			return nil, errInvalid("AlarmRule: the composite alarm %s cannot name itself.", in.AlarmName)
		}
		if s.alarms[n] == nil {
			missing = append(missing, ref)
		}
	}
	if len(missing) > 0 {
		return nil, errInvalid("Could not save the composite alarm as alarms [%s] in the alarm rule do not exist", strings.Join(missing, ", "))
	}
	if s.reaches(rule.Refs(), in.AlarmName, 0) {
		return nil, errInvalid("AlarmRule: the rule would create a cycle through %s.", in.AlarmName)
	}
	a := s.alarms[in.AlarmName]
	if a != nil && !a.composite {
		return nil, errInvalid("The alarm %s is a metric alarm.", in.AlarmName)
	}
	if a == nil && len(s.alarms) >= MaxAlarms {
		return nil, errLimit("The maximum number of alarms (%d) has been reached.", MaxAlarms)
	}
	created := a == nil
	if created {
		a = &alarm{name: in.AlarmName, arn: s.arn(in.AlarmName), composite: true, state: StateInsufficient, reason: "Unchecked: Initial alarm creation", updated: at, transitioned: at}
		s.alarms[in.AlarmName] = a
		s.sorted = nil
	}
	a.comp = *in
	a.rule, a.ruleText = rule, in.AlarmRule
	a.actionsEnabled = in.ActionsEnabled == nil || *in.ActionsEnabled
	a.configured = at
	s.historyConfig(a, created, at)
	if s.isReady() {
		fire = append(fire, s.evalComposites([]*alarm{a}, at)...)
	}
	return &Empty{}, nil
}

// reaches reports whether any composite among refs (transitively) names target.
func (s *Store) reaches(refs []string, target string, depth int) bool {
	if depth > 32 {
		return true
	}
	for _, r := range refs {
		c := s.alarms[s.resolve(r)]
		if c == nil || !c.composite {
			continue
		}
		if c.name == target || s.reaches(c.rule.Refs(), target, depth+1) {
			return true
		}
	}
	return false
}

// page tokens: base64 of "<kind>:<hash>:<offset>" so a token only works with
// the request it came from.
func pageToken(kind string, h uint64, off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatUint(h, 36) + ":" + strconv.Itoa(off)))
}

func readToken(tok *string, kind string, h uint64) (int, error) {
	if tok == nil || *tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	if err != nil {
		return 0, errNextToken()
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != 3 || parts[0] != kind || parts[1] != strconv.FormatUint(h, 36) {
		return 0, errNextToken()
	}
	off, err := strconv.Atoi(parts[2])
	if err != nil || off < 0 {
		return 0, errNextToken()
	}
	return off, nil
}

func hashOf(v any) uint64 {
	b, _ := json.Marshal(v)
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

func maxRecords(p *int32) (int, error) {
	if p == nil {
		return 50, nil
	}
	if *p < 1 || *p > MaxRecords {
		return 0, errInvalid("The parameter MaxRecords must be between 1 and %d.", MaxRecords)
	}
	return int(*p), nil
}

func (a *alarm) hasActionPrefix(p string) bool {
	for _, st := range []string{StateOK, StateAlarm, StateInsufficient} {
		for _, act := range a.actions(st) {
			if strings.HasPrefix(act, p) {
				return true
			}
		}
	}
	return false
}

// DescribeAlarms lists alarms in name order, filtered and paged.
func (s *Store) DescribeAlarms(in *DescribeAlarmsInput) (*DescribeAlarmsOutput, error) {
	limit, err := maxRecords(in.MaxRecords)
	if err != nil {
		return nil, err
	}
	if len(in.AlarmNames) > MaxAlarmNames {
		return nil, errInvalid("The collection AlarmNames must not have a size greater than %d.", MaxAlarmNames)
	}
	if len(in.AlarmNames) > 0 && in.AlarmNamePrefix != nil {
		return nil, errCombination("The parameters AlarmNames and AlarmNamePrefix are mutually exclusive.")
	}
	rel := in.ChildrenOfAlarmName != nil || in.ParentsOfAlarmName != nil
	if rel && (len(in.AlarmNames) > 0 || in.AlarmNamePrefix != nil || in.StateValue != nil || in.ActionPrefix != nil || len(in.AlarmTypes) > 0) || in.ChildrenOfAlarmName != nil && in.ParentsOfAlarmName != nil {
		return nil, errCombination("ChildrenOfAlarmName and ParentsOfAlarmName cannot be used with any other parameter except MaxRecords and NextToken.")
	}
	wantMetric, wantComp := true, false
	if len(in.AlarmTypes) > 0 {
		wantMetric = false
		for _, t := range in.AlarmTypes {
			switch t {
			case TypeMetric:
				wantMetric = true
			case TypeComposite:
				wantComp = true
			default:
				return nil, errInvalid("The value %s for parameter AlarmTypes is not valid (MetricAlarm or CompositeAlarm).", t)
			}
		}
	}
	if rel {
		wantMetric, wantComp = true, true
	}
	if in.StateValue != nil {
		switch *in.StateValue {
		case StateOK, StateAlarm, StateInsufficient:
		default:
			return nil, errInvalid("The value %s for parameter StateValue is not valid.", *in.StateValue)
		}
	}
	h := hashOf(struct {
		N       []string
		P, S, A *string
		T       []string
		C, R    *string
	}{in.AlarmNames, in.AlarmNamePrefix, in.StateValue, in.ActionPrefix, in.AlarmTypes, in.ChildrenOfAlarmName, in.ParentsOfAlarmName})
	off, err := readToken(in.NextToken, "d", h)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	var names []string
	switch {
	case len(in.AlarmNames) > 0:
		seen := map[string]bool{}
		for _, n := range in.AlarmNames {
			if s.alarms[n] != nil && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		sort.Strings(names)
	case in.ChildrenOfAlarmName != nil:
		p := s.alarms[s.resolve(*in.ChildrenOfAlarmName)]
		if p != nil && p.composite {
			seen := map[string]bool{}
			for _, r := range p.rule.Refs() {
				if n := s.resolve(r); s.alarms[n] != nil && !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
			sort.Strings(names)
		}
	case in.ParentsOfAlarmName != nil:
		child := s.resolve(*in.ParentsOfAlarmName)
		for _, n := range s.names() {
			a := s.alarms[n]
			if !a.composite {
				continue
			}
			for _, r := range a.rule.Refs() {
				if s.resolve(r) == child {
					names = append(names, n)
					break
				}
			}
		}
	default:
		all := s.names()
		if in.AlarmNamePrefix != nil {
			p := *in.AlarmNamePrefix
			i := sort.SearchStrings(all, p)
			j := i
			for j < len(all) && strings.HasPrefix(all[j], p) {
				j++
			}
			all = all[i:j]
		}
		names = all
	}
	out := &DescribeAlarmsOutput{MetricAlarms: []MetricAlarm{}, CompositeAlarms: []CompositeAlarm{}}
	k := 0 // index among matching alarms
	for _, n := range names {
		a := s.alarms[n]
		if a.composite && !wantComp || !a.composite && !wantMetric {
			continue
		}
		if in.StateValue != nil && a.state != *in.StateValue {
			continue
		}
		if in.ActionPrefix != nil && !a.hasActionPrefix(*in.ActionPrefix) {
			continue
		}
		if k < off {
			k++
			continue
		}
		if len(out.MetricAlarms)+len(out.CompositeAlarms) == limit {
			tok := pageToken("d", h, k)
			out.NextToken = &tok
			break
		}
		k++
		if a.composite {
			out.CompositeAlarms = append(out.CompositeAlarms, s.compositeOut(a))
		} else {
			out.MetricAlarms = append(out.MetricAlarms, s.metricOut(a))
		}
	}
	if off > 0 && off > k {
		return nil, errNextToken()
	}
	return out, nil
}

func sameDims(a, b []Dimension) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]Dimension(nil), a...)
	y := append([]Dimension(nil), b...)
	less := func(d []Dimension) func(i, j int) bool {
		return func(i, j int) bool { return d[i].Name < d[j].Name }
	}
	sort.Slice(x, less(x))
	sort.Slice(y, less(y))
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// DescribeAlarmsForMetric lists the single-metric alarms on one metric (all
// its dimensions); metric-math and composite alarms are not returned.
func (s *Store) DescribeAlarmsForMetric(in *DescribeAlarmsForMetricInput) (*DescribeAlarmsForMetricOutput, error) {
	if in.MetricName == "" {
		return nil, errMissing("MetricName")
	}
	if in.Namespace == "" {
		return nil, errMissing("Namespace")
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	out := &DescribeAlarmsForMetricOutput{MetricAlarms: []MetricAlarm{}}
	for _, n := range s.names() {
		a := s.alarms[n]
		c := &a.cfg
		if a.composite || len(c.Metrics) > 0 || c.MetricName == nil || *c.MetricName != in.MetricName || *c.Namespace != in.Namespace {
			continue
		}
		if !sameDims(c.Dimensions, in.Dimensions) {
			continue
		}
		if in.Statistic != nil && (c.Statistic == nil || *c.Statistic != *in.Statistic) ||
			in.ExtendedStatistic != nil && (c.ExtendedStatistic == nil || *c.ExtendedStatistic != *in.ExtendedStatistic) ||
			in.Period != nil && (c.Period == nil || *c.Period != *in.Period) ||
			in.Unit != nil && (c.Unit == nil || *c.Unit != *in.Unit) {
			continue
		}
		out.MetricAlarms = append(out.MetricAlarms, s.metricOut(a))
	}
	return out, nil
}

// DescribeAlarmHistory returns history items, newest first by default.
func (s *Store) DescribeAlarmHistory(in *DescribeAlarmHistoryInput) (*DescribeAlarmHistoryOutput, error) {
	limit := 100
	if in.MaxRecords != nil {
		if *in.MaxRecords < 1 || *in.MaxRecords > MaxRecords {
			return nil, errInvalid("The parameter MaxRecords must be between 1 and %d.", MaxRecords)
		}
		limit = int(*in.MaxRecords)
	}
	if in.HistoryItemType != nil {
		switch *in.HistoryItemType {
		case HistoryConfig, HistoryState, HistoryAction, "AlarmContributorStateUpdate", "AlarmContributorAction":
		default:
			return nil, errInvalid("The value %s for parameter HistoryItemType is not valid.", *in.HistoryItemType)
		}
	}
	asc := false
	if in.ScanBy != nil {
		switch *in.ScanBy {
		case "TimestampAscending":
			asc = true
		case "TimestampDescending":
		default:
			return nil, errInvalid("The value %s for parameter ScanBy is not valid (TimestampDescending or TimestampAscending).", *in.ScanBy)
		}
	}
	wantMetric, wantComp := true, false
	if len(in.AlarmTypes) > 0 {
		wantMetric = false
		for _, t := range in.AlarmTypes {
			switch t {
			case TypeMetric:
				wantMetric = true
			case TypeComposite:
				wantComp = true
			default:
				return nil, errInvalid("The value %s for parameter AlarmTypes is not valid (MetricAlarm or CompositeAlarm).", t)
			}
		}
	}
	if in.StartDate != nil && in.EndDate != nil && in.EndDate.Before(in.StartDate.Time) {
		return nil, errInvalid("The parameter StartDate must be less than the parameter EndDate.")
	}
	h := hashOf(in.AlarmName) ^ hashOf(in.AlarmTypes) ^ hashOf(in.HistoryItemType) ^ hashOf(in.StartDate) ^ hashOf(in.EndDate) ^ hashOf(in.ScanBy)
	off, err := readToken(in.NextToken, "h", h)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	var items []AlarmHistoryItem
	add := func(a *alarm) {
		if a.composite && !wantComp || !a.composite && !wantMetric && in.AlarmName == nil {
			return
		}
		for _, it := range a.hist {
			if in.HistoryItemType != nil && it.HistoryItemType != *in.HistoryItemType {
				continue
			}
			if in.StartDate != nil && it.Timestamp.Before(in.StartDate.Time) || in.EndDate != nil && !it.Timestamp.Before(in.EndDate.Time) {
				continue
			}
			items = append(items, it)
		}
	}
	if in.AlarmName != nil && *in.AlarmName != "" {
		if a := s.alarms[s.resolve(*in.AlarmName)]; a != nil {
			add(a)
		}
	} else {
		for _, n := range s.names() {
			add(s.alarms[n])
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		if asc {
			return items[i].Timestamp.Before(items[j].Timestamp.Time)
		}
		return items[j].Timestamp.Before(items[i].Timestamp.Time)
	})
	if off > len(items) {
		return nil, errNextToken()
	}
	out := &DescribeAlarmHistoryOutput{AlarmHistoryItems: []AlarmHistoryItem{}}
	end := min(off+limit, len(items))
	out.AlarmHistoryItems = append(out.AlarmHistoryItems, items[off:end]...)
	if end < len(items) {
		tok := pageToken("h", h, end)
		out.NextToken = &tok
	}
	return out, nil
}

// DeleteAlarms deletes alarms; a name that does not exist fails the call
// (ResourceNotFound) and nothing is deleted. A metric alarm that a
// remaining composite names cannot be deleted.
func (s *Store) DeleteAlarms(in *DeleteAlarmsInput) (*Empty, error) {
	if len(in.AlarmNames) == 0 {
		return nil, errMissing("AlarmNames")
	}
	if len(in.AlarmNames) > MaxAlarmNames {
		return nil, errInvalid("The collection AlarmNames must not have a size greater than %d.", MaxAlarmNames)
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	del := map[string]bool{}
	for _, n := range in.AlarmNames {
		if s.alarms[n] == nil {
			return nil, errNotFound("Alarm %s not found", n)
		}
		del[n] = true
	}
	for _, n := range s.names() {
		a := s.alarms[n]
		if !a.composite || del[n] {
			continue
		}
		for _, r := range a.rule.Refs() {
			if del[s.resolve(r)] {
				return nil, errInvalid("Alarm %s is part of the alarm rule of composite alarm %s and cannot be deleted.", s.resolve(r), n)
			}
		}
	}
	for n := range del {
		delete(s.alarms, n)
	}
	s.sorted = nil
	return &Empty{}, nil
}

// SetAlarmState sets an alarm's state until its next evaluation.
func (s *Store) SetAlarmState(in *SetAlarmStateInput) (*Empty, error) {
	if err := validName("AlarmName", in.AlarmName); err != nil {
		return nil, err
	}
	switch in.StateValue {
	case StateOK, StateAlarm, StateInsufficient:
	case "":
		return nil, errMissing("StateValue")
	default:
		return nil, errInvalid("The value %s for parameter StateValue is not valid.", in.StateValue)
	}
	if in.StateReason == "" {
		return nil, errMissing("StateReason")
	}
	if len(in.StateReason) > MaxReasonLen {
		return nil, errInvalid("The parameter StateReason must be at most %d characters long.", MaxReasonLen)
	}
	if in.StateReasonData != nil {
		if len(*in.StateReasonData) > MaxReasonDataLen {
			return nil, errInvalid("The parameter StateReasonData must be at most %d characters long.", MaxReasonDataLen)
		}
		if !json.Valid([]byte(*in.StateReasonData)) {
			return nil, errFormat("The parameter StateReasonData is not valid JSON.")
		}
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	a := s.alarms[in.AlarmName]
	if a == nil {
		return nil, errNotFound("Alarm %s not found", in.AlarmName)
	}
	now := s.clk.Now()
	if a.state == in.StateValue {
		a.reason, a.reasonData, a.updated = in.StateReason, in.StateReasonData, now
		return &Empty{}, nil
	}
	if tr, ok := s.transition(a, in.StateValue, in.StateReason, in.StateReasonData, now); ok {
		fire = append(fire, tr)
		if s.isReady() && !a.composite {
			var comps []*alarm
			for _, n := range s.names() {
				if c := s.alarms[n]; c.composite {
					comps = append(comps, c)
				}
			}
			fire = append(fire, s.evalComposites(comps, now)...)
		}
	}
	return &Empty{}, nil
}

// SetActions enables or disables the actions of alarms (unknown names are
// ignored, as AWS does).
func (s *Store) SetActions(in *AlarmNamesInput, enabled bool) (*Empty, error) {
	if len(in.AlarmNames) == 0 {
		return nil, errMissing("AlarmNames")
	}
	if len(in.AlarmNames) > MaxAlarmNames {
		return nil, errInvalid("The collection AlarmNames must not have a size greater than %d.", MaxAlarmNames)
	}
	s.mu.Lock()
	fire := s.catchUp()
	defer func() { s.notify(fire) }()
	defer s.mu.Unlock()
	now := s.clk.Now()
	for _, n := range in.AlarmNames {
		a := s.alarms[n]
		if a == nil || a.actionsEnabled == enabled {
			continue
		}
		a.actionsEnabled = enabled
		if a.composite {
			a.comp.ActionsEnabled = &enabled
		} else {
			a.cfg.ActionsEnabled = &enabled
		}
		a.configured = now
		s.historyConfig(a, false, now)
	}
	return &Empty{}, nil
}
