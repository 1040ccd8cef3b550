package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Metric math, the small subset the sandbox supports: numbers, query ids,
// + - * /, unary minus, parentheses, ABS(x) and FILL(x, value). Series are
// joined on their timestamps; a division by zero drops the point.

type node interface {
	eval(ev *evaluator) (value, error)
	refs(acc []string) []string
}

type value struct {
	scalar bool
	s      float64
	series []point
	per    int64 // minutes per period of the series (0 when unknown)
}

type numNode float64
type refNode string
type negNode struct{ x node }
type binNode struct {
	op   byte
	l, r node
}
type callNode struct {
	fn   string
	args []node
}

func (n numNode) eval(*evaluator) (value, error) { return value{scalar: true, s: float64(n)}, nil }
func (n numNode) refs(a []string) []string       { return a }
func (n refNode) refs(a []string) []string       { return append(a, string(n)) }
func (n negNode) refs(a []string) []string       { return n.x.refs(a) }
func (n binNode) refs(a []string) []string       { return n.r.refs(n.l.refs(a)) }
func (n callNode) refs(a []string) []string {
	for _, x := range n.args {
		a = x.refs(a)
	}
	return a
}

func (n refNode) eval(ev *evaluator) (value, error) {
	c := ev.byID[string(n)]
	if c == nil {
		return value{}, fmt.Errorf("unknown id %q", string(n))
	}
	pts := ev.eval(c)
	var per int64
	if c.q.MetricStat != nil && c.q.MetricStat.Period != nil {
		per = perMinutes(*c.q.MetricStat.Period)
	} else if c.q.Period != nil {
		per = perMinutes(*c.q.Period)
	}
	return value{series: pts, per: per}, nil
}

func (n negNode) eval(ev *evaluator) (value, error) {
	v, err := n.x.eval(ev)
	if err != nil {
		return v, err
	}
	return mapValue(v, func(x float64) float64 { return -x }), nil
}

func mapValue(v value, f func(float64) float64) value {
	if v.scalar {
		return value{scalar: true, s: f(v.s)}
	}
	out := make([]point, 0, len(v.series))
	for _, p := range v.series {
		if r := f(p.v); !math.IsNaN(r) && !math.IsInf(r, 0) {
			out = append(out, point{p.t, r})
		}
	}
	return value{series: out, per: v.per}
}

func apply(op byte, a, b float64) float64 {
	switch op {
	case '+':
		return a + b
	case '-':
		return a - b
	case '*':
		return a * b
	}
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

func (n binNode) eval(ev *evaluator) (value, error) {
	l, err := n.l.eval(ev)
	if err != nil {
		return l, err
	}
	r, err := n.r.eval(ev)
	if err != nil {
		return r, err
	}
	switch {
	case l.scalar && r.scalar:
		return value{scalar: true, s: apply(n.op, l.s, r.s)}, nil
	case r.scalar:
		return mapValue(l, func(x float64) float64 { return apply(n.op, x, r.s) }), nil
	case l.scalar:
		return mapValue(r, func(x float64) float64 { return apply(n.op, l.s, x) }), nil
	}
	out := []point{}
	i, j := 0, 0
	for i < len(l.series) && j < len(r.series) {
		a, b := l.series[i], r.series[j]
		switch {
		case a.t < b.t:
			i++
		case a.t > b.t:
			j++
		default:
			if v := apply(n.op, a.v, b.v); !math.IsNaN(v) && !math.IsInf(v, 0) {
				out = append(out, point{a.t, v})
			}
			i++
			j++
		}
	}
	return value{series: out, per: max(l.per, r.per)}, nil
}

func (n callNode) eval(ev *evaluator) (value, error) {
	args := make([]value, len(n.args))
	for i, a := range n.args {
		v, err := a.eval(ev)
		if err != nil {
			return v, err
		}
		args[i] = v
	}
	switch n.fn {
	case "ABS":
		return mapValue(args[0], math.Abs), nil
	case "FILL":
		x, f := args[0], args[1]
		if x.scalar || !f.scalar {
			return value{}, fmt.Errorf("FILL expects a time series and a number")
		}
		per := x.per
		if per < 1 {
			per = 1
		}
		out := []point{}
		j := 0
		for m := ev.w.start; m < ev.w.end; m += per {
			t := m * 60
			for j < len(x.series) && x.series[j].t < t {
				j++
			}
			if j < len(x.series) && x.series[j].t == t {
				out = append(out, x.series[j])
			} else {
				out = append(out, point{t, f.s})
			}
			if len(out) > DefaultMaxDatapoints {
				return value{}, fmt.Errorf("FILL would produce more than %d points", DefaultMaxDatapoints)
			}
		}
		return value{series: out, per: per}, nil
	}
	return value{}, fmt.Errorf("function %s is not supported by the sandbox", n.fn)
}

var funcArity = map[string]int{"ABS": 1, "FILL": 2}

// parseExpr parses a metric math expression.
func parseExpr(s string) (node, error) {
	p := &parser{s: s}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at position %d", p.s[p.i:p.i+1], p.i+1)
	}
	return n, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *parser) expr(depth int) (node, error) {
	if depth > 64 {
		return nil, fmt.Errorf("expression nested too deeply")
	}
	l, err := p.term(depth)
	if err != nil {
		return nil, err
	}
	for {
		p.ws()
		if p.i >= len(p.s) || (p.s[p.i] != '+' && p.s[p.i] != '-') {
			return l, nil
		}
		op := p.s[p.i]
		p.i++
		r, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		l = binNode{op, l, r}
	}
}

func (p *parser) term(depth int) (node, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for {
		p.ws()
		if p.i >= len(p.s) || (p.s[p.i] != '*' && p.s[p.i] != '/') {
			return l, nil
		}
		op := p.s[p.i]
		p.i++
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = binNode{op, l, r}
	}
}

func (p *parser) unary(depth int) (node, error) {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '-' {
		if depth > 64 {
			return nil, fmt.Errorf("expression nested too deeply")
		}
		p.i++
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return negNode{x}, nil
	}
	return p.primary(depth)
}

func (p *parser) primary(depth int) (node, error) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end of expression")
	}
	c := p.s[p.i]
	switch {
	case c == '(':
		p.i++
		n, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return n, nil
	case c >= '0' && c <= '9' || c == '.':
		j := p.i
		for j < len(p.s) && (p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '.' || p.s[j] == 'e' || p.s[j] == 'E') {
			j++
		}
		f, err := strconv.ParseFloat(p.s[p.i:j], 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", p.s[p.i:j])
		}
		p.i = j
		return numNode(f), nil
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		j := p.i
		for j < len(p.s) && (p.s[j] >= 'a' && p.s[j] <= 'z' || p.s[j] >= 'A' && p.s[j] <= 'Z' || p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '_') {
			j++
		}
		name := p.s[p.i:j]
		p.i = j
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '(' {
			fn := strings.ToUpper(name)
			arity, ok := funcArity[fn]
			if !ok {
				return nil, fmt.Errorf("function %s is not supported by the sandbox (supported: ABS, FILL and + - * /)", name)
			}
			p.i++
			var args []node
			for {
				a, err := p.expr(depth + 1)
				if err != nil {
					return nil, err
				}
				args = append(args, a)
				p.ws()
				if p.i < len(p.s) && p.s[p.i] == ',' {
					p.i++
					continue
				}
				if p.i < len(p.s) && p.s[p.i] == ')' {
					p.i++
					break
				}
				return nil, fmt.Errorf("missing ) after arguments of %s", name)
			}
			if len(args) != arity {
				return nil, fmt.Errorf("%s takes %d arguments", fn, arity)
			}
			return callNode{fn, args}, nil
		}
		if !idPattern.MatchString(name) {
			return nil, fmt.Errorf("%q is not a query id", name)
		}
		return refNode(name), nil
	}
	return nil, fmt.Errorf("unexpected %q at position %d", string(c), p.i+1)
}
