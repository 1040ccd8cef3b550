package logs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Pattern is a compiled CloudWatch Logs filter pattern. The nil *Pattern
// (from an empty pattern) matches every event.
//
// Supported syntax:
//   - terms: `ERROR timeout` (all must occur, case-sensitive substrings),
//     quoted phrases `"Task timed out"`, exclusions `-DEBUG`, alternatives
//     `?ERROR ?WARN` (at least one), regular expressions `%[Ff]ail|[Ee]rror%`
//     (no groups, as AWS);
//   - JSON: `{ $.level = "ERROR" }`, `{ $.latency > 100 }`, `!=`, `<`, `<=`,
//     `>=`, wildcards `*` in strings, `&&`, `||`, parentheses, `IS NULL`,
//     `IS TRUE`, `IS FALSE`, `EXISTS`, `NOT EXISTS`, selectors `$.a.b[0].c`;
//   - space-delimited: `[ip, user, ..., status=5*, size>1000]`.
type Pattern struct {
	terms []term
	json  jnode
	space *spacePattern
}

// MaxPatternLen is AWS's limit on filterPattern.
const MaxPatternLen = 1024

// ParsePattern compiles a filter pattern. An empty (or blank) pattern
// returns nil, which matches everything.
func ParsePattern(src string) (*Pattern, error) {
	if len(src) > MaxPatternLen {
		return nil, fmt.Errorf("filter pattern longer than %d characters", MaxPatternLen)
	}
	s := strings.TrimSpace(src)
	if s == "" {
		return nil, nil
	}
	switch s[0] {
	case '{':
		if !strings.HasSuffix(s, "}") {
			return nil, errors.New("JSON filter pattern must end with '}'")
		}
		p := &jparser{src: s[1 : len(s)-1]}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos < len(p.src) {
			return nil, fmt.Errorf("unexpected %q in JSON filter pattern", p.src[p.pos:])
		}
		return &Pattern{json: n}, nil
	case '[':
		if !strings.HasSuffix(s, "]") {
			return nil, errors.New("space-delimited filter pattern must end with ']'")
		}
		sp, err := parseSpace(s[1 : len(s)-1])
		if err != nil {
			return nil, err
		}
		return &Pattern{space: sp}, nil
	}
	terms, err := parseTerms(s)
	if err != nil {
		return nil, err
	}
	return &Pattern{terms: terms}, nil
}

// Match reports whether msg matches the pattern.
func (p *Pattern) Match(msg string) bool {
	if p == nil {
		return true
	}
	switch {
	case p.json != nil:
		v, ok := parseJSONMessage(msg)
		return ok && p.json.eval(v)
	case p.space != nil:
		return p.space.match(msg)
	}
	return matchTerms(p.terms, msg)
}

// ---- terms ----

type termKind int

const (
	termRequired termKind = iota
	termExclude
	termOptional
)

type term struct {
	kind termKind
	text string
	re   *regexp.Regexp
}

func (t term) in(msg string) bool {
	if t.re != nil {
		return t.re.MatchString(msg)
	}
	return strings.Contains(msg, t.text)
}

func parseTerms(s string) ([]term, error) {
	var out []term
	i := 0
	for i < len(s) {
		if isSpace(s[i]) {
			i++
			continue
		}
		t := term{kind: termRequired}
		switch s[i] {
		case '-':
			t.kind = termExclude
			i++
		case '?':
			t.kind = termOptional
			i++
		}
		if i >= len(s) || isSpace(s[i]) {
			return nil, errors.New("dangling '-' or '?' in filter pattern")
		}
		switch s[i] {
		case '"':
			text, n, err := readQuoted(s[i:])
			if err != nil {
				return nil, err
			}
			t.text = text
			i += n
		case '%':
			j := strings.IndexByte(s[i+1:], '%')
			if j < 0 {
				return nil, errors.New("unterminated %regex% in filter pattern")
			}
			expr := s[i+1 : i+1+j]
			if strings.ContainsAny(expr, "()") {
				return nil, errors.New("CloudWatch Logs regular expressions do not support ( ) groups")
			}
			re, err := regexp.Compile(expr)
			if err != nil {
				return nil, fmt.Errorf("invalid regular expression in filter pattern: %v", err)
			}
			t.re = re
			i += j + 2
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) {
				j++
			}
			t.text = s[i:j]
			i = j
		}
		out = append(out, t)
	}
	return out, nil
}

func matchTerms(terms []term, msg string) bool {
	anyOptional, optionalHit := false, false
	for _, t := range terms {
		switch t.kind {
		case termRequired:
			if !t.in(msg) {
				return false
			}
		case termExclude:
			if t.in(msg) {
				return false
			}
		case termOptional:
			anyOptional = true
			if !optionalHit && t.in(msg) {
				optionalHit = true
			}
		}
	}
	return !anyOptional || optionalHit
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// readQuoted reads a "..." string at the start of s (with \" and \\ escapes)
// and returns its content and the bytes consumed.
func readQuoted(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, errors.New("unterminated quoted string in filter pattern")
}

// ---- values shared by JSON and space-delimited patterns ----

type cmpOp int

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

// literal is the right-hand side of a comparison.
type literal struct {
	text    string  // string form (wildcards '*' allowed)
	num     float64 // numeric value when isNum
	isNum   bool
	quoted  bool
	special string // "true", "false", "null" for bare keywords
}

func makeLiteral(text string, quoted bool) literal {
	l := literal{text: text, quoted: quoted}
	if !quoted {
		if f, err := strconv.ParseFloat(text, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			l.isNum, l.num = true, f
		}
		switch text {
		case "true", "false", "null":
			l.special = text
		}
	}
	return l
}

// compareString applies op to a string field value.
func (l literal) compareString(op cmpOp, v string) bool {
	switch op {
	case opEq:
		return wildcardMatch(l.text, v)
	case opNe:
		return !wildcardMatch(l.text, v)
	}
	// Ordering on strings: numeric if both sides are numbers.
	if !l.isNum {
		return false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false
	}
	return compareNum(op, f, l.num)
}

func compareNum(op cmpOp, a, b float64) bool {
	switch op {
	case opEq:
		return a == b
	case opNe:
		return a != b
	case opLt:
		return a < b
	case opLe:
		return a <= b
	case opGt:
		return a > b
	case opGe:
		return a >= b
	}
	return false
}

// wildcardMatch matches s against pat where '*' matches any run of bytes.
// It runs in O(len(pat)*len(s)) worst case with no recursion.
func wildcardMatch(pat, s string) bool {
	if !strings.Contains(pat, "*") {
		return pat == s
	}
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && pat[p] != '*' && pat[p] == s[i]:
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

// ---- JSON patterns ----

type jnode interface{ eval(v any) bool }

type jand struct{ a, b jnode }
type jor struct{ a, b jnode }

func (n jand) eval(v any) bool { return n.a.eval(v) && n.b.eval(v) }
func (n jor) eval(v any) bool  { return n.a.eval(v) || n.b.eval(v) }

type selStep struct {
	key   string
	index int // >= 0 for [n]
}

type jcmp struct {
	sel  []selStep
	op   cmpOp
	lit  literal
	test string // "", "EXISTS", "NOT EXISTS", "NULL", "TRUE", "FALSE"
}

func (c jcmp) eval(root any) bool {
	v, ok := selectJSON(root, c.sel)
	switch c.test {
	case "EXISTS":
		return ok
	case "NOT EXISTS":
		return !ok
	case "NULL":
		return ok && v == nil
	case "TRUE":
		b, isB := v.(bool)
		return ok && isB && b
	case "FALSE":
		b, isB := v.(bool)
		return ok && isB && !b
	}
	if !ok {
		return false
	}
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return false
		}
		if c.lit.isNum {
			return compareNum(c.op, f, c.lit.num)
		}
		if c.op == opEq || c.op == opNe {
			return c.lit.compareString(c.op, x.String())
		}
		return false
	case string:
		return c.lit.compareString(c.op, x)
	case bool:
		s := strconv.FormatBool(x)
		if c.op == opEq {
			return c.lit.text == s
		}
		if c.op == opNe {
			return c.lit.text != s
		}
		return false
	case nil:
		if c.op == opEq {
			return c.lit.special == "null"
		}
		if c.op == opNe {
			return c.lit.special != "null"
		}
	}
	return false
}

func selectJSON(v any, sel []selStep) (any, bool) {
	for _, st := range sel {
		if st.index >= 0 {
			arr, ok := v.([]any)
			if !ok || st.index >= len(arr) {
				return nil, false
			}
			v = arr[st.index]
			continue
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok = obj[st.key]
		if !ok {
			return nil, false
		}
	}
	return v, true
}

// parseJSONMessage decodes a message that is a JSON object.
func parseJSONMessage(msg string) (any, bool) {
	s := strings.TrimSpace(msg)
	if len(s) < 2 || s[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

type jparser struct {
	src   string
	pos   int
	depth int
}

func (p *jparser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *jparser) peek(tok string) bool {
	p.skipSpace()
	return strings.HasPrefix(p.src[p.pos:], tok)
}

func (p *jparser) parseOr() (jnode, error) {
	n, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek("||") {
		p.pos += 2
		m, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		n = jor{n, m}
	}
	return n, nil
}

func (p *jparser) parseAnd() (jnode, error) {
	n, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.peek("&&") {
		p.pos += 2
		m, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		n = jand{n, m}
	}
	return n, nil
}

func (p *jparser) parseUnary() (jnode, error) {
	if p.peek("(") {
		p.depth++
		if p.depth > 64 {
			return nil, errors.New("filter pattern nested too deeply")
		}
		p.pos++
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if !p.peek(")") {
			return nil, errors.New("missing ')' in JSON filter pattern")
		}
		p.pos++
		p.depth--
		return n, nil
	}
	return p.parseCmp()
}

func (p *jparser) parseCmp() (jnode, error) {
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '$' {
		return nil, fmt.Errorf("expected a selector starting with '$' at %q", p.rest())
	}
	p.pos++
	var c jcmp
	for p.pos < len(p.src) {
		ch := p.src[p.pos]
		if ch == '.' {
			p.pos++
			start := p.pos
			for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
				p.pos++
			}
			if start == p.pos {
				return nil, errors.New("empty field name in selector")
			}
			c.sel = append(c.sel, selStep{key: p.src[start:p.pos], index: -1})
			continue
		}
		if ch == '[' {
			end := strings.IndexByte(p.src[p.pos:], ']')
			if end < 0 {
				return nil, errors.New("missing ']' in selector")
			}
			n, err := strconv.Atoi(strings.TrimSpace(p.src[p.pos+1 : p.pos+end]))
			if err != nil || n < 0 || n > 1<<20 {
				return nil, errors.New("array index in selector must be a non-negative number")
			}
			c.sel = append(c.sel, selStep{index: n})
			p.pos += end + 1
			continue
		}
		break
	}
	if len(c.sel) == 0 {
		return nil, errors.New("selector must name a field, as in $.level")
	}
	p.skipSpace()
	rest := p.src[p.pos:]
	switch {
	case hasWordPrefix(rest, "NOT EXISTS"):
		c.test = "NOT EXISTS"
		p.pos += len("NOT EXISTS")
		return c, nil
	case hasWordPrefix(rest, "EXISTS"):
		c.test = "EXISTS"
		p.pos += len("EXISTS")
		return c, nil
	case hasWordPrefix(rest, "IS"):
		p.pos += 2
		p.skipSpace()
		for _, w := range []string{"NULL", "TRUE", "FALSE"} {
			if hasWordPrefix(p.src[p.pos:], w) {
				c.test = w
				p.pos += len(w)
				return c, nil
			}
		}
		return nil, errors.New("expected NULL, TRUE or FALSE after IS")
	}
	op, n := readOp(rest)
	if n == 0 {
		return nil, fmt.Errorf("expected a comparison operator at %q", rest)
	}
	c.op = op
	p.pos += n
	p.skipSpace()
	lit, err := p.readValue()
	if err != nil {
		return nil, err
	}
	c.lit = lit
	return c, nil
}

func (p *jparser) rest() string { return p.src[p.pos:] }

func (p *jparser) readValue() (literal, error) {
	if p.pos >= len(p.src) {
		return literal{}, errors.New("missing value after operator")
	}
	if p.src[p.pos] == '"' {
		text, n, err := readQuoted(p.src[p.pos:])
		if err != nil {
			return literal{}, err
		}
		p.pos += n
		return makeLiteral(text, true), nil
	}
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if isSpace(c) || c == ')' || c == '&' || c == '|' {
			break
		}
		p.pos++
	}
	if start == p.pos {
		return literal{}, errors.New("missing value after operator")
	}
	return makeLiteral(p.src[start:p.pos], false), nil
}

func isIdent(c byte) bool {
	return c == '_' || c == '-' || c == '$' || c == '@' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func hasWordPrefix(s, w string) bool {
	if !strings.HasPrefix(s, w) {
		return false
	}
	return len(s) == len(w) || !isIdent(s[len(w)])
}

// readOp reads a comparison operator at the start of s.
func readOp(s string) (cmpOp, int) {
	switch {
	case strings.HasPrefix(s, "!="):
		return opNe, 2
	case strings.HasPrefix(s, "<="):
		return opLe, 2
	case strings.HasPrefix(s, ">="):
		return opGe, 2
	case strings.HasPrefix(s, "=="):
		return opEq, 2
	case strings.HasPrefix(s, "="):
		return opEq, 1
	case strings.HasPrefix(s, "<"):
		return opLt, 1
	case strings.HasPrefix(s, ">"):
		return opGt, 1
	}
	return 0, 0
}

// ---- space-delimited patterns ----

type spaceCond struct {
	op  cmpOp
	lit literal
}

type spaceField struct {
	name     string
	ellipsis bool
	// conds is a disjunction of conjunctions: any group whose conditions
	// all hold satisfies the field. Empty means no constraint.
	conds [][]spaceCond
}

type spacePattern struct{ fields []spaceField }

func parseSpace(src string) (*spacePattern, error) {
	parts, err := splitTopLevel(src, ',')
	if err != nil {
		return nil, err
	}
	sp := &spacePattern{}
	for _, raw := range parts {
		f, err := parseSpaceField(strings.TrimSpace(raw))
		if err != nil {
			return nil, err
		}
		sp.fields = append(sp.fields, f)
	}
	if len(sp.fields) > 100 {
		return nil, errors.New("too many fields in space-delimited filter pattern")
	}
	return sp, nil
}

// splitTopLevel splits s on sep outside double quotes.
func splitTopLevel(s string, sep byte) ([]string, error) {
	var parts []string
	start, inQ := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inQ {
				i++
			}
		case '"':
			inQ = !inQ
		case sep:
			if !inQ {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	if inQ {
		return nil, errors.New("unterminated quoted string in filter pattern")
	}
	return append(parts, s[start:]), nil
}

func parseSpaceField(s string) (spaceField, error) {
	if s == "..." {
		return spaceField{ellipsis: true}, nil
	}
	if s == "" {
		return spaceField{}, errors.New("empty field in space-delimited filter pattern")
	}
	// name [op value] ( (&&||) name op value )*
	var f spaceField
	cur := []spaceCond{}
	i := 0
	first := true
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		start := i
		for i < len(s) && isIdent(s[i]) {
			i++
		}
		name := s[start:i]
		if name == "" {
			return f, fmt.Errorf("expected a field name at %q", s[start:])
		}
		if first {
			f.name = name
			first = false
		} else if name != f.name {
			return f, fmt.Errorf("condition on %q inside field %q is not supported", name, f.name)
		}
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			if len(cur) > 0 || len(f.conds) > 0 {
				return f, errors.New("dangling && or || in field condition")
			}
			return f, nil
		}
		op, n := readOp(s[i:])
		if n == 0 {
			return f, fmt.Errorf("expected a comparison operator at %q", s[i:])
		}
		i += n
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		var lit literal
		if i < len(s) && s[i] == '"' {
			text, m, err := readQuoted(s[i:])
			if err != nil {
				return f, err
			}
			lit = makeLiteral(text, true)
			i += m
		} else {
			start := i
			for i < len(s) && !isSpace(s[i]) && s[i] != '&' && s[i] != '|' {
				i++
			}
			if start == i {
				return f, errors.New("missing value after operator")
			}
			lit = makeLiteral(s[start:i], false)
		}
		cur = append(cur, spaceCond{op: op, lit: lit})
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		switch {
		case i == len(s):
			f.conds = append(f.conds, cur)
			return f, nil
		case strings.HasPrefix(s[i:], "&&"):
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			f.conds = append(f.conds, cur)
			cur = []spaceCond{}
			i += 2
		default:
			return f, fmt.Errorf("unexpected %q in field condition", s[i:])
		}
	}
}

func (f spaceField) accepts(v string) bool {
	if len(f.conds) == 0 {
		return true
	}
	for _, conj := range f.conds {
		ok := true
		for _, c := range conj {
			if c.lit.isNum && c.op != opEq && c.op != opNe {
				if !c.lit.compareString(c.op, v) {
					ok = false
					break
				}
				continue
			}
			if c.lit.isNum {
				if fv, err := strconv.ParseFloat(v, 64); err == nil {
					if !compareNum(c.op, fv, c.lit.num) {
						ok = false
						break
					}
					continue
				}
			}
			if !c.lit.compareString(c.op, v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// splitSpaceFields splits a message into fields: runs of non-space, with
// "..." and [...] kept whole (delimiters stripped).
func splitSpaceFields(msg string) []string {
	var out []string
	i := 0
	for i < len(msg) {
		c := msg[i]
		if isSpace(c) {
			i++
			continue
		}
		if c == '"' || c == '[' {
			closer := byte('"')
			if c == '[' {
				closer = ']'
			}
			j := strings.IndexByte(msg[i+1:], closer)
			if j >= 0 {
				out = append(out, msg[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		j := i
		for j < len(msg) && !isSpace(msg[j]) {
			j++
		}
		out = append(out, msg[i:j])
		i = j
	}
	return out
}

func (sp *spacePattern) match(msg string) bool {
	vals := splitSpaceFields(msg)
	fs := sp.fields
	// ok[j] = pattern fields fs[i:] can match vals[j:]; computed backwards.
	n, m := len(fs), len(vals)
	next := make([]bool, m+1)
	next[m] = true // empty pattern matches only the empty rest
	cur := make([]bool, m+1)
	for i := n - 1; i >= 0; i-- {
		f := fs[i]
		for j := m; j >= 0; j-- {
			switch {
			case f.ellipsis:
				// zero fields, or consume one and stay on the ellipsis
				cur[j] = next[j] || (j < m && cur[j+1])
			case j < m:
				cur[j] = next[j+1] && f.accepts(vals[j])
			default:
				cur[j] = false
			}
		}
		next, cur = cur, next
	}
	return next[0]
}
