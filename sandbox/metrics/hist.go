package metrics

import (
	"encoding/binary"
	"math"
	"sort"
	"strconv"
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

// dsum summarises the values of one metric in one minute; its histogram
// lives in the series' hstore (open, or encoded in the arena). Minimum and
// maximum are kept as float32 (7 significant digits).
type dsum struct {
	sum        float64
	min, max   float32
	n          uint32
	hoff, hlen uint32 // encoded histogram bytes in the arena, when closed
}

func (d *dsum) bounds(lo, hi float64) {
	l, h := float32(lo), float32(hi)
	if d.n == 0 || l < d.min {
		d.min = l
	}
	if d.n == 0 || h > d.max {
		d.max = h
	}
}

// f64 widens a float32 to the shortest float64 that prints the same.
func f64(f float32) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return float64(f)
	}
	return v
}

// hstore holds a series' histograms: closed minutes varint-encoded back to
// back in one arena, the newest minute open as packed uint32s.
type hstore struct {
	arena []byte
	open  []uint32
	openT int32 // minute whose histogram is open; 0 = none
}

func (h *hstore) encoded(d *dsum) []byte {
	if d.hlen == 0 || int(d.hoff)+int(d.hlen) > len(h.arena) {
		return nil
	}
	return h.arena[d.hoff : d.hoff+d.hlen]
}

// appendHist appends minute t's histogram (packed) to dst.
func (h *hstore) appendHist(dst []uint32, t int32, d *dsum) []uint32 {
	if t == h.openT {
		return append(dst, h.open...)
	}
	return appendDecoded(dst, h.encoded(d))
}

// close encodes the open histogram into the arena as d's.
func (h *hstore) close(d *dsum) {
	if d != nil {
		var buf [binary.MaxVarintLen32 * 2]byte
		start := len(h.arena)
		prev := uint32(0)
		for _, p := range h.open {
			code, n := unpack(p)
			k := binary.PutUvarint(buf[:], uint64(code-prev))
			k += binary.PutUvarint(buf[k:], uint64(n))
			h.grow(k)
			h.arena = append(h.arena, buf[:k]...)
			prev = code
		}
		d.hoff, d.hlen = uint32(start), uint32(len(h.arena)-start)
	}
	h.open = h.open[:0]
	h.openT = 0
}

// grow makes room for n more arena bytes, growing by a quarter (not double).
func (h *hstore) grow(n int) {
	if len(h.arena)+n <= cap(h.arena) {
		return
	}
	a := make([]byte, len(h.arena), len(h.arena)+n+len(h.arena)/4+64)
	copy(a, h.arena)
	h.arena = a
}

// reopen makes minute t (summary d) the open one, closing the previous open
// minute (found by find).
func (h *hstore) reopen(t int32, d *dsum, find func(int32) *dsum) {
	if h.openT == t {
		return
	}
	if h.openT != 0 {
		h.close(find(h.openT))
	}
	h.open = appendDecoded(h.open[:0], h.encoded(d))
	h.openT = t
}

// add records w samples of v in minute t.
func (h *hstore) add(t int32, d *dsum, v float64, w uint32, find func(int32) *dsum) {
	if w == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	h.reopen(t, d, find)
	d.bounds(v, v)
	d.n += w
	d.sum += v * float64(w)
	h.open = addBucket(h.open, bucketCode(v), w)
}

// addStats records pre-aggregated values (PutMetricData StatisticValues):
// the histogram gets the average with the sample count as its weight.
func (h *hstore) addStats(t int32, d *dsum, n, sum, lo, hi float64, find func(int32) *dsum) {
	for _, x := range []float64{sum, lo, hi} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
	}
	if !(n > 0) {
		return
	}
	w := uint32(math.Min(math.Max(math.Round(n), 1), 1e9))
	h.reopen(t, d, find)
	d.bounds(lo, hi)
	d.n += w
	d.sum += sum
	h.open = addBucket(h.open, bucketCode(sum/n), w)
}

// compact rewrites the arena with only the bytes of the live minutes (each
// calls f for every closed minute's summary) when at least half of it is
// garbage.
func (h *hstore) compact(each func(f func(*dsum))) {
	total := 0
	each(func(d *dsum) { total += int(d.hlen) })
	if total*2 > len(h.arena) {
		return
	}
	a := make([]byte, 0, total+total/8)
	each(func(d *dsum) {
		b := h.encoded(d)
		d.hoff = uint32(len(a))
		a = append(a, b...)
	})
	h.arena = a
}

func appendDecoded(dst []uint32, b []byte) []uint32 {
	code := uint64(0)
	for len(b) > 0 {
		dc, k := binary.Uvarint(b)
		if k <= 0 {
			return dst
		}
		b = b[k:]
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return dst
		}
		b = b[k:]
		code += dc
		if code >= 1<<codeBits {
			return dst
		}
		for n > 0 {
			x := min(n, countMax)
			dst = append(dst, pack(uint32(code), uint32(x)))
			n -= x
		}
	}
	return dst
}

// addBucket adds w to code in a sorted packed histogram; a code repeats when
// a count saturates.
func addBucket(h []uint32, code, w uint32) []uint32 {
	i := sort.Search(len(h), func(i int) bool { return h[i]>>countBits >= code })
	for j := i; j < len(h) && h[j]>>countBits == code; j++ {
		_, n := unpack(h[j])
		if room := uint32(countMax) - n; room > 0 {
			if w <= room {
				h[j] += w
				return h
			}
			h[j] += room
			w -= room
		}
		i = j + 1
	}
	for w > 0 {
		x := min(w, countMax)
		h = append(h, 0)
		copy(h[i+1:], h[i:])
		h[i] = pack(code, x)
		w -= x
		i++
	}
	return h
}
