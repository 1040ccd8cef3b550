package aliases

import "strings"

var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws the newest width values as ▁▂▃▄▅▆▇█, scaled from 0 to
// the largest value (so a flat zero line stays at the bottom and equal
// non-zero values sit at the top). It returns "" for width ≤ 0.
func Sparkline(values []float64, width int) string {
	if width <= 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	hi := 0.0
	for _, v := range values {
		if v > hi {
			hi = v
		}
	}
	var b strings.Builder
	for _, v := range values {
		i := 0
		if hi > 0 && v > 0 {
			i = int(v / hi * float64(len(sparkLevels)-1))
			if i < 1 {
				i = 1 // anything above zero shows above the floor
			}
		}
		b.WriteRune(sparkLevels[min(i, len(sparkLevels)-1)])
	}
	return b.String()
}

// ratioSeries is num/den per point, in percent (0 where den is 0).
func ratioSeries(num, den []float64) []float64 {
	out := make([]float64, len(num))
	for i := range num {
		if i < len(den) && den[i] > 0 {
			out[i] = 100 * num[i] / den[i]
		}
	}
	return out
}
