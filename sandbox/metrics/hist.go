package metrics

import (
	"math"
	"sort"
)

// Bucket codes are order-preserving: code(a) <= code(b) whenever a <= b.
// Zero is codeZero; positive magnitudes are above it, negative below.
const (
	subBits   = 5 // 32 sub-buckets per power of two
	subCount  = 1 << subBits
	minExp    = -23 // frexp exponents kept: [minExp, minExp+63]
	expCount  = 64
	codeZero  = 4096
	codeBits  = 13
	countBits = 32 - codeBits
	countMax  = 1<<countBits - 1
)

// magIndex returns the bucket of a positive, finite magnitude, in [0, 2047].
func magIndex(v float64) int {
	frac, exp := math.Frexp(v) // v = frac * 2^exp, frac in [0.5, 1)
	e := exp - minExp
	if e < 0 {
		return 0
	}
	if e >= expCount {
		return expCount*subCount - 1
	}
	sub := int((frac - 0.5) * 2 * subCount)
	if sub >= subCount {
		sub = subCount - 1
	}
	return e*subCount + sub
}

// magValue is the midpoint of a magnitude bucket.
func magValue(i int) float64 {
	e, sub := i/subCount+minExp, i%subCount
	lo := 0.5 + float64(sub)/(2*subCount)
	return math.Ldexp(lo+1.0/(4*subCount), e)
}

func bucketCode(v float64) uint32 {
	switch {
	case v > 0:
		return uint32(codeZero + 1 + magIndex(v))
	case v < 0:
		return uint32(codeZero - 1 - magIndex(-v))
	}
	return codeZero
}

func codeValue(c uint32) float64 {
	switch {
	case c > codeZero:
		return magValue(int(c) - codeZero - 1)
	case c < codeZero:
		return -magValue(codeZero - 1 - int(c))
	}
	return 0
}

func pack(code uint32, n uint32) uint32 { return code<<countBits | n }
func unpack(p uint32) (code, n uint32)  { return p >> countBits, p & countMax }

// dist summarises the values of one metric in one minute.
type dist struct {
	n        uint32
	sum      float64
	min, max float64
	h        []uint32 // packed (code, count), sorted by code; a code may repeat when a count saturates
}

func (d *dist) add(v float64, w uint32) {
	if w == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if d.n == 0 || v < d.min {
		d.min = v
	}
	if d.n == 0 || v > d.max {
		d.max = v
	}
	d.n += w
	d.sum += v * float64(w)
	d.addBucket(bucketCode(v), w)
}

func (d *dist) addBucket(code, w uint32) {
	i := sort.Search(len(d.h), func(i int) bool { return d.h[i]>>countBits >= code })
	// Use the last entry with this code that still has room.
	for j := i; j < len(d.h) && d.h[j]>>countBits == code; j++ {
		_, n := unpack(d.h[j])
		if room := uint32(countMax) - n; room > 0 {
			if w <= room {
				d.h[j] += w
				return
			}
			d.h[j] += room
			w -= room
		}
		i = j + 1
	}
	for w > 0 {
		x := w
		if x > countMax {
			x = countMax
		}
		d.h = append(d.h, 0)
		copy(d.h[i+1:], d.h[i:])
		d.h[i] = pack(code, x)
		w -= x
		i++
	}
}

// addStats records pre-aggregated values (PutMetricData StatisticValues):
// the distribution gets the average with the sample count as its weight.
func (d *dist) addStats(n, sum, lo, hi float64) {
	if !(n > 0) || math.IsNaN(sum) || math.IsInf(sum, 0) || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return
	}
	if n > 1e9 {
		n = 1e9
	}
	w := uint32(math.Round(n))
	if w == 0 {
		w = 1
	}
	if d.n == 0 || lo < d.min {
		d.min = lo
	}
	if d.n == 0 || hi > d.max {
		d.max = hi
	}
	d.n += w
	d.sum += sum
	d.addBucket(bucketCode(sum/n), w)
}

// compact releases spare capacity once a minute is closed.
func (d *dist) compact() {
	if cap(d.h) > len(d.h) {
		h := make([]uint32, len(d.h))
		copy(h, d.h)
		d.h = h
	}
}
