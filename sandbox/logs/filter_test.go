package logs

import (
	"strings"
	"testing"
)

func TestPatternMatch(t *testing.T) {
	const (
		report  = "REPORT RequestId: 8f5e\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB"
		timeout = "2026-11-26T12:00:00.000Z 8f5e Task timed out after 3.00 seconds"
		errLine = "2026-11-26T12:00:00.000Z\t8f5e\tERROR\tInvoke Error \t{\"errorType\":\"Error\"}"
		jsonErr = `{"time":"2026-11-26T12:00:00Z","level":"ERROR","latency":250,"msg":"db timeout","user":{"id":42,"tags":["a","b"]},"ok":false,"none":null}`
		jsonOK  = `{"level":"INFO","latency":50,"msg":"ok","code":"200"}`
		apache  = `127.0.0.1 frank frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534`
	)
	cases := []struct {
		pattern string
		msg     string
		want    bool
	}{
		// empty / blank matches everything
		{"", "anything", true},
		{"   ", "", true},
		// terms
		{"ERROR", errLine, true},
		{"error", "ERROR happened", false}, // case-sensitive
		{"ERROR Invoke", errLine, true},
		{"ERROR Missing", errLine, false},
		{`"Task timed out"`, timeout, true},
		{`"Task  timed out"`, timeout, false},
		{`REPORT -"Init Duration"`, report, true},
		{`REPORT -Billed`, report, false},
		{"?ERROR ?timed", timeout, true},
		{"?ERROR ?WARN", report, false},
		{"REPORT ?ERROR ?Duration", report, true},
		{"REPORT ?ERROR ?WARN", report, false},
		{`%Duration: [0-9]+\.[0-9]+ ms%`, report, true},
		{`%^START%`, report, false},
		{`%[Ee]rror|Bill%`, report, true},
		{`"escaped \"quote\""`, `say "quote" escaped quote`, false},
		{`"escaped \"quote\""`, `an escaped "quote" here`, true},
		// JSON
		{`{ $.level = "ERROR" }`, jsonErr, true},
		{`{ $.level = "ERROR" }`, jsonOK, false},
		{`{ $.level = ERROR }`, jsonErr, true},
		{`{ $.level != "ERROR" }`, jsonOK, true},
		{`{ $.level = "ERR*" }`, jsonErr, true},
		{`{ $.msg = "*timeout" }`, jsonErr, true},
		{`{ $.msg = "*time*" }`, jsonErr, true},
		{`{ $.msg = "time*" }`, jsonErr, false},
		{`{ $.latency > 100 }`, jsonErr, true},
		{`{ $.latency > 100 }`, jsonOK, false},
		{`{ $.latency >= 250 }`, jsonErr, true},
		{`{ $.latency < 250 }`, jsonErr, false},
		{`{ $.latency <= 50 }`, jsonOK, true},
		{`{ $.latency = 250 }`, jsonErr, true},
		{`{ $.latency != 250 }`, jsonOK, true},
		{`{ $.code = 200 }`, jsonOK, true}, // numeric literal vs string field compares as text
		{`{ $.code > 100 }`, jsonOK, true}, // numeric string compares numerically
		{`{ $.latency > 100 && $.level = "ERROR" }`, jsonErr, true},
		{`{ $.latency > 100 && $.level = "INFO" }`, jsonErr, false},
		{`{ $.latency > 100 || $.level = "INFO" }`, jsonOK, true},
		{`{ ($.latency > 100 || $.level = "INFO") && $.msg != "ok" }`, jsonOK, false},
		{`{ ($.latency > 100 || $.level = "INFO") && $.msg != "ok" }`, jsonErr, true},
		{`{ $.user.id = 42 }`, jsonErr, true},
		{`{ $.user.tags[1] = "b" }`, jsonErr, true},
		{`{ $.user.tags[5] = "b" }`, jsonErr, false},
		{`{ $.ok IS FALSE }`, jsonErr, true},
		{`{ $.ok IS TRUE }`, jsonErr, false},
		{`{ $.none IS NULL }`, jsonErr, true},
		{`{ $.missing NOT EXISTS }`, jsonErr, true},
		{`{ $.level EXISTS }`, jsonErr, true},
		{`{ $.missing != "x" }`, jsonErr, false},  // missing fields never match a comparison
		{`{ $.level = "ERROR" }`, errLine, false}, // not JSON
		{`{ $.level = "ERROR" }`, `{"level":"ERROR"`, false},
		// space-delimited
		{`[ip, user, username, timestamp, request, status_code, bytes]`, apache, true},
		{`[ip, user, username, timestamp, request, status_code=404, bytes]`, apache, true},
		{`[ip, user, username, timestamp, request, status_code=4*, bytes>1000]`, apache, true},
		{`[ip, user, username, timestamp, request, status_code=2*, bytes]`, apache, false},
		{`[ip, user, username, timestamp, request = "GET *", ...]`, apache, true},
		{`[..., status_code = 404 || status_code = 500, bytes]`, apache, true},
		{`[ip=127.0.0.1, ...]`, apache, true},
		{`[ip, user]`, apache, false}, // wrong field count
		{`[kind=REPORT, ...]`, report, true},
		{`[..., size < 100, unit]`, "a b 42 MB", true},
	}
	for _, c := range cases {
		p, err := ParsePattern(c.pattern)
		if err != nil {
			t.Errorf("ParsePattern(%q): %v", c.pattern, err)
			continue
		}
		if got := p.Match(c.msg); got != c.want {
			t.Errorf("%q on %.50q = %v, want %v", c.pattern, c.msg, got, c.want)
		}
	}
}

func TestPatternErrors(t *testing.T) {
	bad := []string{
		`{ $.level = "ERROR" `,
		`{ level = "ERROR" }`,
		`{ $.level "ERROR" }`,
		`{ $.level = }`,
		`{ $. = 1 }`,
		`{ ($.a = 1 }`,
		`{ $.a = 1 && }`,
		`{ $.a[x] = 1 }`,
		`{ $.a IS MAYBE }`,
		`"unterminated`,
		`%unterminated`,
		`%(%`,
		`%fail(ed|ure)%`,
		`ERROR -`,
		`[a, b`,
		`[a, , b]`,
		`[a = ]`,
		`[a = 1 && b = 2]`,
		strings.Repeat("x", MaxPatternLen+1),
		"{" + strings.Repeat("(", 100) + "$.a = 1" + strings.Repeat(")", 100) + "}",
	}
	for _, s := range bad {
		if _, err := ParsePattern(s); err == nil {
			t.Errorf("ParsePattern(%.40q) accepted", s)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		pat, s string
		want   bool
	}{
		{"abc", "abc", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbb", false},
		{"*", "", true},
		{"**", "x", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"*x", "xxxx", true},
	}
	for _, c := range cases {
		if got := wildcardMatch(c.pat, c.s); got != c.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", c.pat, c.s, got)
		}
	}
}

func FuzzPattern(f *testing.F) {
	seeds := [][2]string{
		{`ERROR -DEBUG ?WARN "quoted phrase"`, "ERROR quoted phrase"},
		{`{ $.level = "ERR*" && ($.latency > 100 || $.a[0].b IS NULL) }`, `{"level":"ERROR","latency":101,"a":[{"b":null}]}`},
		{`[ip, user, ..., status=4* || status=5*, size>10]`, `1.2.3.4 u "x y" [z] 404 12`},
		{`%a(b|c)+%`, "abcbc"},
		{`{ $.x NOT EXISTS }`, `{}`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := ParsePattern(pattern)
		if err != nil {
			return
		}
		_ = p.Match(msg)
	})
}
