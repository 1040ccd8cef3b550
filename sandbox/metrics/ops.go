package metrics

import (
	"encoding/base64"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ListMetrics lists the metrics that have data within the retention,
// filtered by namespace, name and dimensions, 500 per page.
func (s *Store) ListMetrics(in *ListMetricsInput) (*ListMetricsOutput, error) {
	if len(in.Dimensions) > 10 {
		return nil, errInvalidValue("The collection Dimensions must not have a size greater than 10.")
	}
	for i, f := range in.Dimensions {
		if f.Name == "" {
			return nil, errMissing("Dimensions.member." + strconv.Itoa(i+1) + ".Name")
		}
	}
	var recent int64 = -1
	if in.RecentlyActive != nil && *in.RecentlyActive != "" {
		if *in.RecentlyActive != "PT3H" {
			return nil, errInvalidValue("The value %s for parameter RecentlyActive is not valid (PT3H).", *in.RecentlyActive)
		}
		recent = minuteOf(s.clk.Now()) - 180
	}
	off := 0
	if in.NextToken != nil && *in.NextToken != "" {
		rest, ok := strings.CutPrefix(*in.NextToken, listMetricTokenPrefix)
		b, err := base64.RawURLEncoding.DecodeString(rest)
		n, err2 := strconv.Atoi(string(b))
		if !ok || err != nil || err2 != nil || n < 0 {
			return nil, errNextToken()
		}
		off = n
	}
	match := func(ns, name string, dims []Dimension) bool {
		if in.Namespace != nil && *in.Namespace != "" && *in.Namespace != ns {
			return false
		}
		if in.MetricName != nil && *in.MetricName != "" && *in.MetricName != name {
			return false
		}
	filters:
		for _, f := range in.Dimensions {
			for _, d := range dims {
				if d.Name == f.Name && (f.Value == nil || *f.Value == d.Value) {
					continue filters
				}
			}
			return false
		}
		return true
	}
	s.maybeSweep(minuteOf(s.clk.Now()))
	type item struct {
		m   Metric
		key string
	}
	var all []item
	s.mu.RLock()
	s.forEachL(func(ls *lseries) {
		if len(ls.mins) == 0 || int64(ls.mins[len(ls.mins)-1].t) < recent {
			return
		}
		dims := ls.key.dims()
		for mi := 0; mi < numLambdaMetrics; mi++ {
			if ls.seen&(1<<mi) == 0 || !match(LambdaNamespace, lambdaMetricNames[mi], dims) {
				continue
			}
			_, dk := canonDims(dims)
			all = append(all, item{Metric{LambdaNamespace, lambdaMetricNames[mi], dims}, LambdaNamespace + "\x00" + lambdaMetricNames[mi] + "\x00" + dk})
		}
	})
	for _, gs := range s.generic {
		if len(gs.mins) == 0 || int64(gs.mins[len(gs.mins)-1].t) < recent || !match(gs.key.ns, gs.key.name, gs.dims) {
			continue
		}
		all = append(all, item{Metric{gs.key.ns, gs.key.name, append([]Dimension(nil), gs.dims...)}, gs.key.ns + "\x00" + gs.key.name + "\x00" + gs.key.dims})
	}
	s.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool { return all[i].key < all[j].key })
	if off > len(all) {
		return nil, errNextToken()
	}
	out := &ListMetricsOutput{Metrics: []Metric{}}
	end := min(off+ListMetricsPageSize, len(all))
	for _, it := range all[off:end] {
		m := it.m
		if m.Dimensions == nil {
			m.Dimensions = []Dimension{}
		}
		out.Metrics = append(out.Metrics, m)
	}
	if end < len(all) {
		tok := listMetricTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		out.NextToken = &tok
	}
	return out, nil
}

// GetMetricStatistics returns the statistics of one metric per period.
func (s *Store) GetMetricStatistics(in *GetMetricStatisticsInput) (*GetMetricStatisticsOutput, error) {
	if in.Namespace == "" {
		return nil, errMissing("Namespace")
	}
	if in.MetricName == "" {
		return nil, errMissing("MetricName")
	}
	if in.StartTime == nil {
		return nil, errMissing("StartTime")
	}
	if in.EndTime == nil {
		return nil, errMissing("EndTime")
	}
	if in.Period == nil {
		return nil, errMissing("Period")
	}
	if len(in.Dimensions) > MaxDimensions {
		return nil, errInvalidValue("The collection Dimensions must not have a size greater than %d.", MaxDimensions)
	}
	if !validPeriod(*in.Period) {
		return nil, errInvalidValue("The parameter Period must be 1, 5, 10, 20, 30, 60 or a multiple of 60.")
	}
	if !in.StartTime.Before(in.EndTime.Time) {
		return nil, errInvalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	if len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0 {
		return nil, errMissing("Statistics or ExtendedStatistics")
	}
	if len(in.Statistics) > 5 || len(in.ExtendedStatistics) > 10 {
		return nil, errInvalidValue("At most 5 Statistics and 10 ExtendedStatistics may be requested.")
	}
	var stats []stat
	for i, name := range in.Statistics {
		st, ok := parseStat(name)
		if !ok || st.kind == statPercentile {
			return nil, errInvalidValue("The value %s for parameter Statistics.member.%d is not valid.", name, i+1)
		}
		stats = append(stats, st)
	}
	pct := false
	for i, name := range in.ExtendedStatistics {
		st, ok := parseStat(name)
		if !ok || st.kind != statPercentile {
			return nil, errInvalidValue("The value %s for parameter ExtendedStatistics.member.%d is not valid.", name, i+1)
		}
		stats = append(stats, st)
		pct = true
	}
	w := window{start: minuteOf(in.StartTime.Time), end: ceilMinute(in.EndTime.Time), per: perMinutes(*in.Period)}
	if n := (in.EndTime.Unix() - in.StartTime.Unix()) / int64(*in.Period); n > MaxStatisticsPoints {
		return nil, errCombination("You have requested up to %d datapoints, which exceeds the limit of %d. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", n, MaxStatisticsPoints)
	}
	label := in.MetricName
	out := &GetMetricStatisticsOutput{Label: &label, Datapoints: []Datapoint{}}
	s.maybeSweep(minuteOf(s.clk.Now()))
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.lookup(in.Namespace, in.MetricName, in.Dimensions)
	if !ok {
		return out, nil
	}
	unit := r.unit()
	if in.Unit != nil && *in.Unit != "" && unit != "" && *in.Unit != unit {
		return out, nil
	}
	a := acc{pct: pct}
	r.scan(w, &a, func(t int64, a *acc) {
		dp := Datapoint{Timestamp: TS(time.Unix(t, 0).UTC())}
		if unit != "" {
			u := unit
			dp.Unit = &u
		}
		for _, st := range stats {
			v := a.value(st)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			switch st.kind {
			case statSampleCount:
				dp.SampleCount = &v
			case statSum:
				dp.Sum = &v
			case statAverage:
				dp.Average = &v
			case statMinimum:
				dp.Minimum = &v
			case statMaximum:
				dp.Maximum = &v
			default:
				if dp.ExtendedStatistics == nil {
					dp.ExtendedStatistics = map[string]float64{}
				}
				dp.ExtendedStatistics[st.name] = v
			}
		}
		out.Datapoints = append(out.Datapoints, dp)
	})
	return out, nil
}

// PutMetricData stores custom metric points (not in AWS/ namespaces).
func (s *Store) PutMetricData(in *PutMetricDataInput) (*PutMetricDataOutput, error) {
	if in.Namespace == "" {
		return nil, errMissing("Namespace")
	}
	if strings.HasPrefix(in.Namespace, "AWS/") || len(in.Namespace) > 255 {
		return nil, errInvalidValue("The value %s for parameter Namespace is not valid.", in.Namespace)
	}
	if len(in.MetricData) == 0 {
		return nil, errMissing("MetricData")
	}
	if len(in.MetricData) > MaxPutMetricData {
		return nil, errInvalidValue("The collection MetricData must not have a size greater than %d.", MaxPutMetricData)
	}
	now := s.clk.Now()
	for i := range in.MetricData {
		d := &in.MetricData[i]
		path := "MetricData.member." + strconv.Itoa(i+1)
		if d.MetricName == "" {
			return nil, errMissing(path + ".MetricName")
		}
		if len(d.Dimensions) > MaxDimensions {
			return nil, errInvalidValue("The collection %s.Dimensions must not have a size greater than %d.", path, MaxDimensions)
		}
		for j, dim := range d.Dimensions {
			if dim.Name == "" || dim.Value == "" {
				return nil, errInvalidValue("The value of %s.Dimensions.member.%d is not valid: Name and Value are required.", path, j+1)
			}
		}
		n := 0
		if d.Value != nil {
			n++
		}
		if len(d.Values) > 0 {
			n++
		}
		if d.StatisticValues != nil {
			n++
		}
		if n != 1 {
			return nil, errCombination("Exactly one of Value, Values or StatisticValues must be specified in %s.", path)
		}
		if len(d.Values) > 150 {
			return nil, errInvalidValue("The collection %s.Values must not have a size greater than 150.", path)
		}
		if len(d.Counts) > 0 && len(d.Counts) != len(d.Values) {
			return nil, errCombination("The parameters %s.Values and %s.Counts must be of the same size.", path, path)
		}
		if sv := d.StatisticValues; sv != nil && (sv.SampleCount == nil || sv.Sum == nil || sv.Minimum == nil || sv.Maximum == nil) {
			return nil, errMissing(path + ".StatisticValues (SampleCount, Sum, Minimum and Maximum)")
		}
		if d.Value != nil && (math.IsNaN(*d.Value) || math.IsInf(*d.Value, 0)) {
			return nil, errInvalidValue("The value of %s.Value is not a finite number.", path)
		}
	}
	for i := range in.MetricData {
		d := &in.MetricData[i]
		t := now
		if d.Timestamp != nil {
			t = d.Timestamp.Time
		}
		unit := ""
		if d.Unit != nil && *d.Unit != "None" {
			unit = *d.Unit
		}
		s.put(in.Namespace, d.MetricName, d.Dimensions, unit, t, func(gs *gseries, m int32) {
			x := &gs.minute(m).d
			switch {
			case d.Value != nil:
				gs.h.add(m, x, *d.Value, 1, gs.find)
			case d.StatisticValues != nil:
				sv := d.StatisticValues
				gs.h.addStats(m, x, *sv.SampleCount, *sv.Sum, *sv.Minimum, *sv.Maximum, gs.find)
			default:
				for k, v := range d.Values {
					w := uint32(1)
					if len(d.Counts) > 0 {
						c := d.Counts[k]
						if !(c >= 0) {
							continue
						}
						w = uint32(math.Min(math.Round(c), 1e6))
					}
					gs.h.add(m, x, v, w, gs.find)
				}
			}
		})
	}
	return &PutMetricDataOutput{}, nil
}
