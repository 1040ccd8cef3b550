package model

import "time"

// DefaultWindow is the window every rate and percentile on screen is
// computed over unless the config file says otherwise (`window: 15m`).
const DefaultWindow = 15 * time.Minute

// WindowRange is the range a figure "over the last w" covers at now: the
// last w of whole minutes, [end-w, end) with end = now rounded down to the
// minute. Every pane asks for this range, so two panes showing the same
// quantity over the same window read the same data.
func WindowRange(now time.Time, w time.Duration) (start, end time.Time) {
	if w < time.Minute {
		w = DefaultWindow
	}
	end = now.Truncate(time.Minute)
	return end.Add(-w.Truncate(time.Minute)), end
}

// WindowLabel names a window on screen: "15m", "1h".
func WindowLabel(w time.Duration) string {
	if w < time.Minute {
		w = DefaultWindow
	}
	return compactDuration(w.Truncate(time.Minute))
}

// WindowQueries are the headline figures of one function (or one alias and
// executed version) over a whole window: one period as long as the window,
// so p50 and p99 are the window's own percentiles, not a max or mean of
// per-minute ones. Order: WinInvocations … WinP99.
func WindowQueries(function, resource, version string, w time.Duration) []MetricQuery {
	if w < time.Minute {
		w = DefaultWindow
	}
	p := w.Truncate(time.Minute)
	out := make([]MetricQuery, len(windowMetrics))
	for i, m := range windowMetrics {
		out[i] = MetricQuery{Function: function, Resource: resource, ExecutedVersion: version, Metric: m[0], Stat: m[1], Period: p}
	}
	return out
}

// Indexes of WindowQueries' results.
const (
	WinInvocations = iota
	WinErrors
	WinThrottles
	WinP50
	WinP99
	NumWindowQueries
)

var windowMetrics = [NumWindowQueries][2]string{
	{MetricInvocations, StatSum}, {MetricErrors, StatSum}, {MetricThrottles, StatSum},
	{MetricDuration, "p50"}, {MetricDuration, "p99"},
}

// WindowStats are the headline figures over a window. HasDuration is
// false when no invocation reported a duration (P50 and P99 are then no
// data, not zero).
type WindowStats struct {
	Window      time.Duration
	Invocations float64
	Errors      float64
	Throttles   float64
	P50, P99    float64 // milliseconds
	HasDuration bool
}

// ErrorRate is Errors/Invocations, ok false without invocations.
func (w WindowStats) ErrorRate() (float64, bool) {
	if w.Invocations <= 0 {
		return 0, false
	}
	return w.Errors / w.Invocations, true
}

// WindowStatsFrom folds the results of WindowQueries (same order).
func WindowStatsFrom(w time.Duration, s []MetricSeries) WindowStats {
	out := WindowStats{Window: w}
	if len(s) < NumWindowQueries {
		return out
	}
	out.Invocations = s[WinInvocations].Sum()
	out.Errors = s[WinErrors].Sum()
	out.Throttles = s[WinThrottles].Sum()
	if v, ok := s[WinP99].LastPresent(); ok {
		out.P99, out.HasDuration = v, true
		out.P50, _ = s[WinP50].LastPresent()
	}
	return out
}

// Has reports whether point i holds data (as opposed to a period with no
// datapoint, which Values reads as zero). Without Present every point
// counts as data.
func (s MetricSeries) Has(i int) bool {
	if i < 0 || i >= len(s.Values) {
		return false
	}
	return s.Present == nil || i < len(s.Present) && s.Present[i]
}

// LastPresent is the newest point that holds data, ok false when none does.
func (s MetricSeries) LastPresent() (float64, bool) {
	for i := len(s.Values) - 1; i >= 0; i-- {
		if s.Has(i) {
			return s.Values[i], true
		}
	}
	return 0, false
}

// AnyPresent reports whether any point holds data.
func (s MetricSeries) AnyPresent() bool {
	_, ok := s.LastPresent()
	return ok
}
