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

// RuleText is a composite alarm's rule made readable: each state function
// on one alarm becomes the alarm's bare name (ARNs and quotes dropped):
// ALARM("a") reads "a", OK("b") reads "OK b", INSUFFICIENT_DATA("c") reads
// "NO DATA c"; AND, OR, NOT, TRUE, FALSE and parentheses stay, and runs of
// white space become one space. Anything else is kept as written.
func RuleText(rule string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(rule); {
		c := rule[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			space = b.Len() > 0
			i++
			continue
		}
		if space && c != ')' && !strings.HasSuffix(b.String(), "(") {
			b.WriteByte(' ')
		}
		space = false
		if fn, name, n, ok := ruleCall(rule[i:]); ok && (i == 0 || !isRuleWord(rule[i-1])) {
			switch fn {
			case AlarmOK:
				b.WriteString("OK ")
			case AlarmInsufficient:
				b.WriteString("NO DATA ")
			}
			b.WriteString(name)
			i += n
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func isRuleWord(c byte) bool { return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// ruleCall reads STATE(name) or STATE("name") at the start of s: the state,
// the alarm's name (ARNs made names) and the bytes read.
func ruleCall(s string) (fn, name string, n int, ok bool) {
	for _, f := range []string{AlarmAlarm, AlarmOK, AlarmInsufficient} {
		if !strings.HasPrefix(s, f) {
			continue
		}
		rest := strings.TrimLeft(s[len(f):], " \t")
		if !strings.HasPrefix(rest, "(") {
			continue
		}
		pos := len(s) - len(rest) + 1
		arg := strings.TrimLeft(s[pos:], " \t")
		pos = len(s) - len(arg)
		if strings.HasPrefix(arg, `"`) {
			e := strings.IndexByte(arg[1:], '"')
			if e < 0 {
				return "", "", 0, false
			}
			name = arg[1 : 1+e]
			pos += e + 2
		} else {
			e := strings.IndexByte(arg, ')')
			if e < 0 {
				return "", "", 0, false
			}
			name = strings.TrimSpace(arg[:e])
			pos += e
		}
		tail := strings.TrimLeft(s[pos:], " \t")
		if !strings.HasPrefix(tail, ")") || name == "" {
			return "", "", 0, false
		}
		pos = len(s) - len(tail) + 1
		return f, AlarmNameOf(name), pos, true
	}
	return "", "", 0, false
}

// ShortAlarmARNs replaces every CloudWatch alarm ARN in s by the alarm's
// name (a composite's StateReason lists its children by ARN).
func ShortAlarmARNs(s string) string {
	const mark = ":alarm:"
	if !strings.Contains(s, mark) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "arn:")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], mark)
		if j < 0 {
			break
		}
		if k := strings.IndexAny(s[i:i+j], " \t\n\"'()"); k >= 0 { // not one ARN
			b.WriteString(s[:i+k])
			s = s[i+k:]
			continue
		}
		b.WriteString(s[:i])
		s = s[i+j+len(mark):]
	}
	b.WriteString(s)
	return b.String()
}
