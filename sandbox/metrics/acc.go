package metrics

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// stat is a parsed statistic: one of the five basic ones or a percentile.
type stat struct {
	kind int // statSampleCount...statPercentile
	p    float64
	name string
}

const (
	statSampleCount = iota
	statSum
	statAverage
	statMinimum
	statMaximum
	statPercentile
)

// parseStat accepts SampleCount, Sum, Average, Minimum, Maximum and pNN
// (p0..p100 with up to 10 decimals, e.g. p99.9).
func parseStat(s string) (stat, bool) {
	switch s {
	case "SampleCount":
		return stat{kind: statSampleCount, name: s}, true
	case "Sum":
		return stat{kind: statSum, name: s}, true
	case "Average":
		return stat{kind: statAverage, name: s}, true
	case "Minimum":
		return stat{kind: statMinimum, name: s}, true
	case "Maximum":
		return stat{kind: statMaximum, name: s}, true
	}
	if len(s) < 2 || len(s) > 14 || s[0] != 'p' {
		return stat{}, false
	}
	num := s[1:]
	for i, c := range num {
		if !(c >= '0' && c <= '9' || c == '.' && i > 0) {
			return stat{}, false
		}
	}
	if strings.Count(num, ".") > 1 || strings.HasSuffix(num, ".") {
		return stat{}, false
	}
	if ip, _, _ := strings.Cut(num, "."); len(ip) > 3 {
		return stat{}, false
	}
	p, err := strconv.ParseFloat(num, 64)
	if err != nil || p < 0 || p > 100 {
		return stat{}, false
	}
	return stat{kind: statPercentile, p: p, name: s}, true
}

// acc accumulates the minutes of one period.
type acc struct {
	n, sum   float64
	min, max float64
	codes    []uint32 // packed (code, count); only when a percentile is wanted
	pct      bool
	integral bool
}

func (a *acc) reset() {
	a.n, a.sum, a.min, a.max = 0, 0, 0, 0
	a.codes = a.codes[:0]
}

func (a *acc) bounds(lo, hi float64) {
	if a.n == 0 || lo < a.min {
		a.min = lo
	}
	if a.n == 0 || hi > a.max {
		a.max = hi
	}
}

// addDsum adds minute t's summary d, whose histogram is in h.
func (a *acc) addDsum(d *dsum, h *hstore, t int32) {
	if d.n == 0 {
		return
	}
	a.bounds(f64(d.min), f64(d.max))
	a.n += float64(d.n)
	a.sum += d.sum
	if a.pct {
		a.codes = h.appendHist(a.codes, t, d)
	}
}

// addCounter adds ones samples of value 1 and zeros samples of value 0.
func (a *acc) addCounter(ones, zeros uint32) {
	if ones+zeros == 0 {
		return
	}
	lo, hi := 1.0, 0.0
	if zeros > 0 {
		lo = 0
	}
	if ones > 0 {
		hi = 1
	}
	a.bounds(lo, hi)
	a.n += float64(ones + zeros)
	a.sum += float64(ones)
	if a.pct {
		if zeros > 0 {
			a.codes = appendCount(a.codes, codeZero, zeros)
		}
		if ones > 0 {
			a.codes = appendCount(a.codes, bucketCode(1), ones)
		}
	}
}

func appendCount(c []uint32, code, n uint32) []uint32 {
	for n > 0 {
		x := n
		if x > countMax {
			x = countMax
		}
		c = append(c, pack(code, x))
		n -= x
	}
	return c
}

func (a *acc) addValue(v float64) {
	a.bounds(v, v)
	a.n++
	a.sum += v
	if a.pct {
		a.codes = append(a.codes, pack(bucketCode(v), 1))
	}
}

func (a *acc) value(s stat) float64 {
	switch s.kind {
	case statSampleCount:
		return a.n
	case statSum:
		return a.sum
	case statAverage:
		return a.sum / a.n
	case statMinimum:
		return a.min
	case statMaximum:
		return a.max
	}
	return a.percentile(s.p)
}

// percentile is the nearest-rank percentile: the smallest recorded value
// with at least p% of the samples at or below it, read from the histogram
// (bucket midpoint, clamped to the exact minimum and maximum).
func (a *acc) percentile(p float64) float64 {
	var total uint64
	for _, c := range a.codes {
		total += uint64(c & countMax)
	}
	if total == 0 {
		return math.NaN()
	}
	rank := uint64(math.Ceil(p / 100 * float64(total)))
	if rank < 1 {
		return a.min
	}
	if rank >= total {
		return a.max
	}
	sort.Slice(a.codes, func(i, j int) bool { return a.codes[i] < a.codes[j] })
	var cum uint64
	v := a.max
	for _, c := range a.codes {
		code, n := unpack(c)
		cum += uint64(n)
		if cum >= rank {
			v = codeValue(code)
			break
		}
	}
	v = math.Max(a.min, math.Min(a.max, v))
	if a.integral {
		v = math.Round(v)
	}
	return v
}
