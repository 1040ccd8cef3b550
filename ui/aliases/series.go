package aliases

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
