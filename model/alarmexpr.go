package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// EvalAlarmExpr evaluates a metric-math expression of the simple form
// alarms use (numbers, metric ids, + - * /, unary minus, parentheses) point
// by point over series of equal length (ids are case-sensitive). A
// division by zero gives NaN, as CloudWatch drops the point. Anything else
// (functions such as FILL or METRICS) is an error: the caller shows the
// metrics instead.
func EvalAlarmExpr(expr string, vars map[string][]float64) ([]float64, error) {
	n := -1
	for _, v := range vars {
		if n < 0 || len(v) < n {
			n = len(v)
		}
	}
	if n < 0 {
		return nil, fmt.Errorf("no metrics")
	}
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		p := &exprParser{s: expr, vars: vars, i: i}
		v, err := p.sum(0)
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.pos < len(p.s) {
			return nil, fmt.Errorf("unexpected %q in %q", p.s[p.pos:], expr)
		}
		out[i] = v
	}
	return out, nil
}

type exprParser struct {
	s    string
	pos  int
	vars map[string][]float64
	i    int
}

func (p *exprParser) ws() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *exprParser) sum(depth int) (float64, error) {
	if depth > 32 {
		return 0, fmt.Errorf("expression nested too deeply")
	}
	l, err := p.prod(depth)
	if err != nil {
		return 0, err
	}
	for {
		p.ws()
		if p.pos >= len(p.s) || (p.s[p.pos] != '+' && p.s[p.pos] != '-') {
			return l, nil
		}
		op := p.s[p.pos]
		p.pos++
		r, err := p.prod(depth)
		if err != nil {
			return 0, err
		}
		if op == '+' {
			l += r
		} else {
			l -= r
		}
	}
}

func (p *exprParser) prod(depth int) (float64, error) {
	l, err := p.unary(depth)
	if err != nil {
		return 0, err
	}
	for {
		p.ws()
		if p.pos >= len(p.s) || (p.s[p.pos] != '*' && p.s[p.pos] != '/') {
			return l, nil
		}
		op := p.s[p.pos]
		p.pos++
		r, err := p.unary(depth)
		if err != nil {
			return 0, err
		}
		if op == '*' {
			l *= r
		} else if r == 0 {
			l = math.NaN()
		} else {
			l /= r
		}
	}
}

func (p *exprParser) unary(depth int) (float64, error) {
	p.ws()
	if p.pos >= len(p.s) {
		return 0, fmt.Errorf("unexpected end of %q", p.s)
	}
	switch c := p.s[p.pos]; {
	case c == '-':
		p.pos++
		v, err := p.unary(depth + 1)
		return -v, err
	case c == '(':
		p.pos++
		v, err := p.sum(depth + 1)
		if err != nil {
			return 0, err
		}
		p.ws()
		if p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return 0, fmt.Errorf("missing ) in %q", p.s)
		}
		p.pos++
		return v, nil
	case c >= '0' && c <= '9' || c == '.':
		j := p.pos
		for j < len(p.s) && (p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '.' || p.s[j] == 'e' || p.s[j] == 'E') {
			j++
		}
		v, err := strconv.ParseFloat(p.s[p.pos:j], 64)
		if err != nil {
			return 0, fmt.Errorf("bad number %q", p.s[p.pos:j])
		}
		p.pos = j
		return v, nil
	}
	j := p.pos
	for j < len(p.s) && (p.s[j] == '_' || p.s[j] >= 'a' && p.s[j] <= 'z' || p.s[j] >= 'A' && p.s[j] <= 'Z' || p.s[j] >= '0' && p.s[j] <= '9') {
		j++
	}
	id := p.s[p.pos:j]
	if id == "" {
		return 0, fmt.Errorf("unexpected %q in %q", p.s[p.pos:], p.s)
	}
	if j < len(p.s) && strings.HasPrefix(p.s[j:], "(") {
		return 0, fmt.Errorf("function %s is not supported here", id)
	}
	v, ok := p.vars[id]
	if !ok {
		return 0, fmt.Errorf("unknown id %s", id)
	}
	p.pos = j
	return v[p.i], nil
}
