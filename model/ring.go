package model

// DefaultRingLines is the default capacity of a log buffer.
const DefaultRingLines = 50_000

// DefaultRingBytes bounds the bytes of message text a buffer keeps, so a
// stream of very long lines cannot grow memory past the budget.
const DefaultRingBytes = 40 << 20

// lineOverhead approximates the fixed cost of one buffered line (the
// LogLine struct, its dedup entry and slice slot) for the byte budget.
const lineOverhead = 200

// Ring is a bounded buffer of parsed log lines. Append is O(1): when the
// buffer is full (by line count or by bytes) the oldest lines are dropped.
// Lines are addressed by a sequence number that never changes once given:
// the i-th line ever appended has Seq i.
type Ring struct {
	lines    []LogLine
	head     int // slot of the oldest line
	n        int
	max      int
	bytes    int
	maxBytes int
	total    uint64 // lines ever appended (= Seq of the next line)
	seen     map[string]uint64
}

// NewRing returns a ring holding at most maxLines lines and about maxBytes
// bytes of text (0 for the defaults).
func NewRing(maxLines, maxBytes int) *Ring {
	if maxLines <= 0 {
		maxLines = DefaultRingLines
	}
	if maxBytes <= 0 {
		maxBytes = DefaultRingBytes
	}
	return &Ring{max: maxLines, maxBytes: maxBytes, seen: make(map[string]uint64)}
}

// Len is the number of lines held.
func (r *Ring) Len() int { return r.n }

// Bytes is the approximate memory the held lines account for.
func (r *Ring) Bytes() int { return r.bytes }

// Total is the number of lines ever appended; the Seq the next line gets.
func (r *Ring) Total() uint64 { return r.total }

// First is the Seq of the oldest line held (== Total when empty).
func (r *Ring) First() uint64 { return r.total - uint64(r.n) }

// Dropped is the number of lines evicted so far.
func (r *Ring) Dropped() uint64 { return r.First() }

func lineBytes(l *LogLine) int {
	return len(l.Message) + len(l.EventID) + lineOverhead
}

// Append adds l as the newest line. It returns false, and keeps nothing,
// when a line with the same non-empty EventID is already held.
func (r *Ring) Append(l LogLine) bool {
	if l.EventID != "" {
		if _, dup := r.seen[l.EventID]; dup {
			return false
		}
	}
	b := lineBytes(&l)
	for r.n > 0 && (r.n >= r.max || r.bytes+b > r.maxBytes) {
		r.evict()
	}
	if r.n == len(r.lines) {
		// Full slice but below the line cap: grow (linearising first if
		// byte evictions moved the head).
		if r.head != 0 {
			lin := make([]LogLine, 0, len(r.lines)+1)
			lin = append(lin, r.lines[r.head:]...)
			lin = append(lin, r.lines[:r.head]...)
			r.lines, r.head = lin, 0
		}
		r.lines = append(r.lines, l)
	} else {
		r.lines[(r.head+r.n)%len(r.lines)] = l
	}
	r.n++
	r.bytes += b
	if l.EventID != "" {
		r.seen[l.EventID] = r.total
	}
	r.total++
	return true
}

func (r *Ring) evict() {
	old := &r.lines[r.head]
	if old.EventID != "" {
		if s, ok := r.seen[old.EventID]; ok && s == r.First() {
			delete(r.seen, old.EventID)
		}
	}
	r.bytes -= lineBytes(old)
	*old = LogLine{}
	r.head = (r.head + 1) % len(r.lines)
	r.n--
	if r.n == 0 {
		r.head = 0
		r.lines = r.lines[:0]
	}
}

// At returns the i-th held line, 0 being the oldest.
func (r *Ring) At(i int) *LogLine {
	if i < 0 || i >= r.n {
		return nil
	}
	return &r.lines[(r.head+i)%len(r.lines)]
}

// Seq returns the line with sequence number s, or nil when it was evicted
// or not appended yet.
func (r *Ring) Seq(s uint64) *LogLine {
	if s < r.First() || s >= r.total {
		return nil
	}
	return r.At(int(s - r.First()))
}

// Reset empties the ring; sequence numbers continue.
func (r *Ring) Reset() {
	r.lines = r.lines[:0]
	r.head, r.n, r.bytes = 0, 0, 0
	r.seen = make(map[string]uint64)
}

// Find returns the Seq of the nearest line at or before (backward) or at
// or after (forward) from whose message contains query, ignoring case.
// ok is false when none does.
func (r *Ring) Find(from uint64, query string, forward bool) (uint64, bool) {
	if r.n == 0 || query == "" {
		return 0, false
	}
	first := r.First()
	if from < first {
		from = first
	}
	if from >= r.total {
		from = r.total - 1
	}
	q := foldASCII(query)
	if forward {
		for s := from; s < r.total; s++ {
			if containsFold(r.Seq(s).Message, q) {
				return s, true
			}
		}
		return 0, false
	}
	for s := from + 1; s > first; s-- {
		if containsFold(r.Seq(s-1).Message, q) {
			return s - 1, true
		}
	}
	return 0, false
}

// Count returns how many held lines contain query, ignoring case.
func (r *Ring) Count(query string) int {
	if query == "" {
		return 0
	}
	q := foldASCII(query)
	c := 0
	for i := 0; i < r.n; i++ {
		if containsFold(r.At(i).Message, q) {
			c++
		}
	}
	return c
}

// Request returns the Seqs of every held line of request id, oldest first.
func (r *Ring) Request(id string) []uint64 {
	if id == "" {
		return nil
	}
	var out []uint64
	first := r.First()
	for i := 0; i < r.n; i++ {
		if r.At(i).RequestID == id {
			out = append(out, first+uint64(i))
		}
	}
	return out
}

func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// ContainsFold reports whether s contains query, ignoring ASCII case.
func ContainsFold(s, query string) bool { return containsFold(s, foldASCII(query)) }

// containsFold reports whether s contains q (already lower-case), ignoring
// ASCII case, without allocating.
func containsFold(s, q string) bool {
	if len(q) == 0 {
		return true
	}
	c0 := q[0]
	c0u := c0
	if c0 >= 'a' && c0 <= 'z' {
		c0u = c0 - ('a' - 'A')
	}
	for i := 0; i+len(q) <= len(s); i++ {
		c := s[i]
		if c != c0 && c != c0u {
			continue
		}
		j := 1
		for ; j < len(q); j++ {
			d := s[i+j]
			if d >= 'A' && d <= 'Z' {
				d += 'a' - 'A'
			}
			if d != q[j] {
				break
			}
		}
		if j == len(q) {
			return true
		}
	}
	return false
}
