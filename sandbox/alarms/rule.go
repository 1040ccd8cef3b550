package alarms

import (
	"fmt"
	"strings"
)

// A composite alarm rule: ALARM(x), OK(x), INSUFFICIENT_DATA(x), TRUE and
// FALSE combined with AND, OR, NOT and parentheses; x is an alarm name or
// ARN, bare or in double quotes. The parser is a bounded recursive descent
// (depth and length capped), so no rule text can exhaust the server.

// Rule is a parsed composite rule.
type Rule struct{ root rnode }

type rnode interface {
	eval(state func(name string) string) bool
	refs(dst []string) []string
}

type (
	rConst bool
	rState struct{ fn, name string }
	rNot   struct{ x rnode }
	rBin   struct {
		and  bool
		l, r rnode
	}
)

func (c rConst) eval(func(string) string) bool { return bool(c) }
func (c rConst) refs(d []string) []string      { return d }
func (s rState) eval(st func(string) string) bool {
	return st(s.name) == s.fn
}
func (s rState) refs(d []string) []string       { return append(d, s.name) }
func (n rNot) eval(st func(string) string) bool { return !n.x.eval(st) }
func (n rNot) refs(d []string) []string         { return n.x.refs(d) }
func (b rBin) refs(d []string) []string         { return b.r.refs(b.l.refs(d)) }
func (b rBin) eval(st func(string) string) bool {
	if b.and {
		return b.l.eval(st) && b.r.eval(st)
	}
	return b.l.eval(st) || b.r.eval(st)
}

// Eval evaluates the rule with the given states of the alarms it names.
func (r *Rule) Eval(state func(name string) string) bool { return r.root.eval(state) }

// Refs returns the alarm names (or ARNs) the rule names, in order.
func (r *Rule) Refs() []string { return r.root.refs(nil) }

const maxRuleDepth = 64

// ParseRule parses a composite alarm rule.
func ParseRule(s string) (*Rule, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("the alarm rule is empty")
	}
	if len(s) > MaxRuleLen {
		return nil, fmt.Errorf("the alarm rule is longer than %d characters", MaxRuleLen)
	}
	p := &rparser{s: s}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at position %d", p.rest(), p.i)
	}
	return &Rule{root: n}, nil
}

type rparser struct {
	s string
	i int
}

func (p *rparser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *rparser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20]
	}
	return r
}

// keyword consumes kw (case-sensitive, as AWS) when it is followed by a
// non-identifier character.
func (p *rparser) keyword(kw string) bool {
	p.ws()
	if !strings.HasPrefix(p.s[p.i:], kw) {
		return false
	}
	j := p.i + len(kw)
	if j < len(p.s) && isIdent(p.s[j]) {
		return false
	}
	p.i = j
	return true
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *rparser) or(depth int) (rnode, error) {
	if depth > maxRuleDepth {
		return nil, fmt.Errorf("the alarm rule is nested too deeply")
	}
	l, err := p.and(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.keyword("OR") {
		r, err := p.and(depth + 1)
		if err != nil {
			return nil, err
		}
		l = rBin{and: false, l: l, r: r}
	}
	return l, nil
}

func (p *rparser) and(depth int) (rnode, error) {
	l, err := p.unary(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.keyword("AND") {
		r, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		l = rBin{and: true, l: l, r: r}
	}
	return l, nil
}

func (p *rparser) unary(depth int) (rnode, error) {
	if depth > maxRuleDepth {
		return nil, fmt.Errorf("the alarm rule is nested too deeply")
	}
	if p.keyword("NOT") {
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return rNot{x}, nil
	}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, fmt.Errorf("missing ) at position %d", p.i)
		}
		p.i++
		return x, nil
	}
	switch {
	case p.keyword("TRUE"):
		return rConst(true), nil
	case p.keyword("FALSE"):
		return rConst(false), nil
	}
	for _, fn := range []string{StateInsufficient, StateAlarm, StateOK} {
		if p.keyword(fn) {
			name, err := p.arg()
			if err != nil {
				return nil, err
			}
			return rState{fn: fn, name: name}, nil
		}
	}
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end of the alarm rule")
	}
	return nil, fmt.Errorf("unexpected %q at position %d (want ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or ()", p.rest(), p.i)
}

// arg reads "(name)" or "(\"name\")".
func (p *rparser) arg() (string, error) {
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return "", fmt.Errorf("missing ( at position %d", p.i)
	}
	p.i++
	p.ws()
	var name string
	if p.i < len(p.s) && p.s[p.i] == '"' {
		j := strings.IndexByte(p.s[p.i+1:], '"')
		if j < 0 {
			return "", fmt.Errorf("unterminated quoted alarm name at position %d", p.i)
		}
		name = p.s[p.i+1 : p.i+1+j]
		p.i += j + 2
	} else {
		j := strings.IndexByte(p.s[p.i:], ')')
		if j < 0 {
			return "", fmt.Errorf("missing ) at position %d", p.i)
		}
		name = strings.TrimSpace(p.s[p.i : p.i+j])
		p.i += j
	}
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != ')' {
		return "", fmt.Errorf("missing ) at position %d", p.i)
	}
	p.i++
	if name == "" || len(name) > 1600 {
		return "", fmt.Errorf("an alarm name in the rule is empty or too long")
	}
	return name, nil
}
