package table

import (
	"fmt"
	"regexp"
	"strings"
)

// The filter syntax, the same in every list. A query is one or more terms
// separated by spaces; a row must match every term.
//
//	pay            fuzzy: the letters in order, anywhere in the row's text
//	re:^pay.*api$  a regular expression (case-insensitive) on the row's text
//	tag:team=pay   a field filter: the pane's field "tag" decides (Field)
//	runtime:py     a column's field (Column.Field): its cell contains "py"
//	!term          inverts the term
//
// A term whose prefix before ':' is not a field is fuzzy text (ARNs and
// URLs hold colons). An invalid regexp is an error: the table keeps the
// text as typed, shows the error and keeps filtering by the last valid
// query.

// term is one parsed term.
type term struct {
	invert bool
	kind   byte // 'f' fuzzy, 'r' regexp, 'd' field
	needle []byte
	re     *regexp.Regexp
	field  string // field name (kind 'd')
	arg    string // the text after "field:"
}

// query is a parsed filter.
type query struct {
	raw   string
	terms []term
}

func (q query) empty() bool { return len(q.terms) == 0 }

// single reports whether q is one plain fuzzy term (the fast path).
func (q query) single() (term, bool) {
	if len(q.terms) == 1 && q.terms[0].kind == 'f' {
		return q.terms[0], true
	}
	return term{}, false
}

// parse parses s; isField reports which field names exist.
func parse(s string, isField func(string) bool) (query, error) {
	q := query{raw: s}
	for _, w := range strings.Fields(s) {
		t := term{}
		if strings.HasPrefix(w, "!") {
			t.invert = true
			w = w[1:]
			if w == "" {
				continue // a lone "!" while typing: nothing to invert yet
			}
		}
		name, arg, hasColon := strings.Cut(w, ":")
		switch {
		case hasColon && strings.EqualFold(name, "re"):
			re, err := regexp.Compile("(?i)" + arg)
			if err != nil {
				return query{raw: s}, fmt.Errorf("bad regexp %q: %s", arg, reErr(err))
			}
			t.kind, t.re = 'r', re
		case hasColon && isField(strings.ToLower(name)):
			t.kind, t.field, t.arg = 'd', strings.ToLower(name), arg
		default:
			t.kind, t.needle = 'f', []byte(strings.ToLower(w))
		}
		q.terms = append(q.terms, t)
	}
	return q, nil
}

// reErr is the regexp error without Go's "error parsing regexp: " prefix.
func reErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "error parsing regexp: ")
	return s
}

// narrows reports whether every row matching q also matches prev, so q can
// be applied to prev's result instead of the whole list (typing one more
// character of a fuzzy query).
func (q query) narrows(prev query) bool {
	if prev.empty() {
		return true
	}
	a, ok1 := q.single()
	b, ok2 := prev.single()
	return ok1 && ok2 && !a.invert && !b.invert &&
		len(a.needle) >= len(b.needle) && string(a.needle[:len(b.needle)]) == string(b.needle)
}

// fields lists the field names q uses (their columns must stay on screen).
func (q query) fields() []string {
	var out []string
	for _, t := range q.terms {
		if t.kind == 'd' {
			out = append(out, t.field)
		}
	}
	return out
}

// subsequence reports whether needle's bytes appear in hay in order
// (both lower case). Names are short, so a plain loop beats a call to
// IndexByte per needle byte.
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
// and the rest folded together. A text's mask (charMask) having every
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

// KV splits a field argument "k=v" (tag:team=payments): the key, the
// value, and whether a value was given. Field matchers use it.
func KV(arg string) (k, v string, hasV bool) {
	k, v, hasV = strings.Cut(arg, "=")
	return k, v, hasV
}

// Contains reports whether s contains arg, ignoring case (the default
// matcher of a column's field).
func Contains(s, arg string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(arg))
}
