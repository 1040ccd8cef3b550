// Package format is the one place panes turn numbers into cells: thousands,
// durations, percentages, the two placeholders (no data against loading) and
// the one Sparkline every pane draws with.
package format

import (
	"strconv"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// The two placeholders. A cell shows NoData when the value is known to be
// absent (no reserved concurrency, no datapoints in the window) and Loading
// while the value is still being fetched. Panes never spell either themselves.
const (
	NoData  = "—"
	Loading = "…"
)

// Thousands formats n with commas: 119310 → "119,310".
func Thousands(n int64) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Int is Thousands for an int.
func Int(n int) string { return Thousands(int64(n)) }

// Float is Thousands for a float, rounded to the nearest integer.
func Float(v float64) string {
	if v < 0 {
		return "-" + Float(-v)
	}
	return Thousands(int64(v + 0.5))
}

// Duration renders d compactly: 850ms, 27.1s, 14.5m, 2m, 2h (the one
// duration format, shared with model's messages).
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + model.ShortDuration(-d)
	}
	return model.ShortDuration(d)
}

// Millis is Duration for a value in milliseconds (CloudWatch's Duration and
// IteratorAge).
func Millis(v float64) string { return Duration(time.Duration(v * float64(time.Millisecond))) }

// Percent renders a percentage with one decimal: 0.4%, 12.0%.
func Percent(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) + "%" }

// levels are the eight heights of a sparkline cell.
var levels = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws the newest width values in exactly width cells, newest at
// the right; when there are fewer values than cells the line is padded on the
// left with spaces. The one scale is zero to the largest value: a flat zero
// line sits on the floor, equal non-zero values sit at the top, and a value
// above zero never draws as the floor. It returns "" for width ≤ 0.
func Sparkline(values []float64, width int) string {
	if width <= 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	hi := 0.0
	for _, v := range values {
		hi = max(hi, v)
	}
	var b strings.Builder
	b.Grow(width * 3)
	for range width - len(values) {
		b.WriteByte(' ')
	}
	top := len(levels) - 1
	for _, v := range values {
		i := 0
		if hi > 0 && v > 0 {
			i = min(top, max(1, int(v/hi*float64(top)+0.5)))
		}
		b.WriteRune(levels[i])
	}
	return b.String()
}
