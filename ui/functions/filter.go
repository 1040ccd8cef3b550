package functions

import (
	"fmt"
	"regexp"
	"strings"
)

// query is a parsed filter: fuzzy (the default), re:<regexp>,
// tag:<key>[=<value>], each optionally inverted with a leading "!".
type query struct {
	raw    string
	invert bool
	kind   byte // 0 none, 'f' fuzzy, 'r' regexp, 't' tag
	needle []byte
	re     *regexp.Regexp
	tagK   string
	tagV   string
	hasV   bool
}

func parseQuery(s string) (query, error) {
	q := query{raw: s}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "!") {
		q.invert = true
		s = strings.TrimSpace(s[1:])
	}
	switch {
	case s == "":
		q.kind = 0
	case strings.HasPrefix(s, "re:"):
		re, err := regexp.Compile("(?i)" + s[3:])
		if err != nil {
			return query{raw: q.raw}, fmt.Errorf("bad regexp %q: %v", s[3:], err)
		}
		q.kind, q.re = 'r', re
	case strings.HasPrefix(s, "tag:"):
		q.kind = 't'
		kv := s[4:]
		if i := strings.IndexByte(kv, '='); i >= 0 {
			q.tagK, q.tagV, q.hasV = kv[:i], kv[i+1:], true
		} else {
			q.tagK = kv
		}
	default:
		q.kind = 'f'
		q.needle = []byte(strings.ToLower(s))
	}
	return q, nil
}

// empty reports whether the query matches everything.
func (q query) empty() bool { return q.kind == 0 && !q.invert }

// narrows reports whether every row matching q also matches prev, so q can
// be applied to prev's result instead of the whole list (typing one more
// character of a fuzzy query).
func (q query) narrows(prev query) bool {
	if prev.kind == 0 && !prev.invert {
		return true
	}
	return q.kind == 'f' && prev.kind == 'f' && !q.invert && !prev.invert &&
		len(q.needle) >= len(prev.needle) && string(q.needle[:len(prev.needle)]) == string(prev.needle)
}

func (q query) match(r *row) bool {
	var ok bool
	switch q.kind {
	case 0:
		ok = true
	case 'f':
		ok = subsequence([]byte(r.lower), q.needle)
	case 'r':
		ok = q.re.MatchString(r.fn.Name)
	case 't':
		v, has := r.fn.Tags[q.tagK]
		ok = has && (!q.hasV || strings.EqualFold(v, q.tagV))
	}
	return ok != q.invert
}

// subsequence reports whether needle's bytes appear in hay in order
// (both lower case). Names are short (≤ 64 bytes in AWS), so a plain loop
// beats a call to IndexByte per needle byte.
func subsequence(hay, needle []byte) bool {
	if len(needle) == 0 {
		return true
	}
	j, c := 0, needle[0]
	for _, h := range hay {
		if h == c {
			j++
			if j == len(needle) {
				return true
			}
			c = needle[j]
		}
	}
	return false
}

// charBit maps a byte to one of 64 classes: a–z, 0–9, '-', '_', '.',
// and the rest folded together. A name's mask (charMask) having every
// bit of a needle's is necessary for a subsequence match, never
// sufficient: the mask only rejects.
func charBit(c byte) uint64 {
	switch {
	case c >= 'a' && c <= 'z':
		return 1 << (c - 'a')
	case c >= '0' && c <= '9':
		return 1 << (26 + c - '0')
	case c == '-':
		return 1 << 36
	case c == '_':
		return 1 << 37
	case c == '.':
		return 1 << 38
	}
	return 1 << (39 + c%25)
}

func charMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= charBit(s[i])
	}
	return m
}

func charMaskB(b []byte) uint64 {
	var m uint64
	for _, c := range b {
		m |= charBit(c)
	}
	return m
}
