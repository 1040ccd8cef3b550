package functions

import (
	"bytes"
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
		ok = subsequence(r.lower, q.needle)
	case 'r':
		ok = q.re.MatchString(r.fn.Name)
	case 't':
		v, has := r.fn.Tags[q.tagK]
		ok = has && (!q.hasV || strings.EqualFold(v, q.tagV))
	}
	return ok != q.invert
}

// subsequence reports whether needle's bytes appear in hay in order
// (both lower case). Function names are ASCII, so bytes suffice.
func subsequence(hay string, needle []byte) bool {
	j := 0
	for i := 0; i < len(hay) && j < len(needle); i++ {
		if hay[i] == needle[j] {
			j++
		}
	}
	return j == len(needle)
}

// subsequenceB is subsequence over bytes, skipping ahead with IndexByte.
func subsequenceB(hay, needle []byte) bool {
	for _, c := range needle {
		i := bytes.IndexByte(hay, c)
		if i < 0 {
			return false
		}
		hay = hay[i+1:]
	}
	return true
}
