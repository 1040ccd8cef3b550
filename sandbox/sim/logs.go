package sim

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// TailLimit is how much of an invocation's log LogType=Tail returns.
const TailLimit = 4096

const tsLayout = "2006-01-02T15:04:05.000Z"

type errMsg struct {
	pyType, nodeType, msg string
}

var errorMessages = []errMsg{
	{"RuntimeError", "Error", "upstream returned 502 Bad Gateway"},
	{"KeyError", "TypeError", "Cannot read properties of undefined (reading 'id')"},
	{"ValueError", "Error", "invalid signature on webhook payload"},
	{"ConnectionError", "Error", "connect ETIMEDOUT 10.0.3.17:5432"},
	{"ClientError", "ConditionalCheckFailedException", "The conditional request failed"},
}

var infoMessages = []string{
	"Handling request",
	"Validated payload",
	"Fetched item from DynamoDB",
	"Cache miss, loading from origin",
	"Published 1 message to SNS",
	"Wrote object to S3",
	"Processed batch",
}

var warnMessages = []string{
	"Retrying downstream call (attempt 2)",
	"Slow response from upstream",
	"Deprecated field in payload: 'customer_ref'",
}

// runtimeVersion turns nodejs20.x into nodejs:20.v31, python3.12 into
// python:3.12.v44 and so on (the INIT_START line's runtime version).
func runtimeVersion(runtime string) string {
	if runtime == "" {
		return ""
	}
	r := strings.TrimSuffix(runtime, ".x")
	i := strings.IndexAny(r, "0123456789.")
	if i <= 0 {
		return r + ".v1"
	}
	name, ver := r[:i], strings.TrimPrefix(r[i:], ".")
	return name + ":" + ver + ".v" + strconv.Itoa(int(len(runtime)*7%40)+12)
}

// lineWriter builds all of an invocation's lines in one buffer; they
// become substrings of a single string (one allocation per invocation).
type lineWriter struct {
	buf   []byte
	json  bool
	marks []mark
}

type mark struct {
	t    time.Time
	a, b int
}

// end records the line that started at offset a. JSON records are
// separated by a newline that is not part of the message.
func (w *lineWriter) end(t time.Time, a int) {
	w.marks = append(w.marks, mark{t, a, len(w.buf)})
	if w.json {
		w.buf = append(w.buf, '\n')
	}
}

// appendTS appends t as 2006-01-02T15:04:05.000Z (UTC), without parsing a
// layout each time.
func appendTS(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, tsLayout)
	}
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return b
}

func appendMs(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', -1, 64)
}

// appendJSONString appends s as a JSON string literal.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func region(c *Call) string {
	// arn:aws:lambda:REGION:ACCOUNT:function:NAME
	if p := strings.SplitN(c.FunctionARN, ":", 5); len(p) == 5 && p[3] != "" {
		return p[3]
	}
	return "us-east-1"
}

// writeLogs produces the invocation's log lines (Text or JSON) and, when
// wanted, the tail. Called with f.mu held.
func (f *fnState) writeLogs(rng *rand.Rand, c *Call, b *Behaviour, res *Result, o outcomeT, at time.Time, wantTail bool) ([]record.LogLine, string) {
	w := lineWriter{json: c.LogFormat == "JSON", buf: f.buf[:0], marks: f.marks[:0]}
	rt := classify(c.Runtime)
	id := res.RequestID
	start := at.Add(res.InitDuration)
	end := start.Add(res.Duration)

	if res.InitDuration > 0 {
		rv := runtimeVersion(c.Runtime)
		arn := "arn:aws:lambda:" + region(c) + "::runtime:" + runtimeHash(c.Runtime)
		a := len(w.buf)
		bb := w.buf
		if w.json {
			bb = append(bb, `{"time":"`...)
			bb = appendTS(bb, at)
			bb = append(bb, `","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":`...)
			bb = appendJSONString(bb, rv)
			bb = append(bb, `,"runtimeVersionArn":`...)
			bb = appendJSONString(bb, arn)
			bb = append(bb, "}}"...)
		} else {
			bb = append(bb, "INIT_START Runtime Version: "...)
			bb = append(bb, rv...)
			bb = append(bb, "\tRuntime Version ARN: "...)
			bb = append(bb, arn...)
			bb = append(bb, '\n')
		}
		w.buf = bb
		w.end(at, a)
	}

	// START
	a := len(w.buf)
	bb := w.buf
	if w.json {
		bb = append(bb, `{"time":"`...)
		bb = appendTS(bb, start)
		bb = append(bb, `","type":"platform.start","record":{"requestId":"`...)
		bb = append(bb, id...)
		bb = append(bb, `","version":`...)
		bb = appendJSONString(bb, c.Version)
		bb = append(bb, "}}"...)
	} else {
		bb = append(bb, "START RequestId: "...)
		bb = append(bb, id...)
		bb = append(bb, " Version: "...)
		bb = append(bb, c.Version...)
		bb = append(bb, '\n')
	}
	w.buf = bb
	w.end(start, a)

	// Application lines.
	w.app(rt, id, start.Add(res.Duration/10), "INFO", infoMessages[rng.IntN(len(infoMessages))])
	if rng.IntN(20) == 0 {
		w.app(rt, id, start.Add(res.Duration/2), "WARN", warnMessages[rng.IntN(len(warnMessages))])
	}
	if o.oom {
		// The runtime is killed: no application error line.
	} else if o.errType != "" && !o.timedOut {
		em := errorMessages[o.msg]
		w.appError(rt, id, end, em)
	} else if !o.timedOut {
		w.app(rt, id, end, "INFO", "Request completed")
	}

	// END, REPORT (and the timeout line).
	if w.json {
		a = len(w.buf)
		bb = w.buf
		bb = append(bb, `{"time":"`...)
		bb = appendTS(bb, end)
		bb = append(bb, `","type":"platform.report","record":{"requestId":"`...)
		bb = append(bb, id...)
		bb = append(bb, `","metrics":{"durationMs":`...)
		bb = appendMs(bb, res.Duration)
		bb = append(bb, `,"billedDurationMs":`...)
		bb = strconv.AppendInt(bb, res.BilledDuration.Milliseconds(), 10)
		bb = append(bb, `,"memorySizeMB":`...)
		bb = strconv.AppendInt(bb, int64(c.MemoryMB), 10)
		bb = append(bb, `,"maxMemoryUsedMB":`...)
		bb = strconv.AppendInt(bb, int64(res.MaxMemoryUsedMB), 10)
		if res.InitDuration > 0 {
			bb = append(bb, `,"initDurationMs":`...)
			bb = appendMs(bb, res.InitDuration)
		}
		bb = append(bb, `},"status":"`...)
		switch {
		case o.timedOut:
			bb = append(bb, `timeout","errorType":"Sandbox.Timedout"`...)
		case o.oom:
			bb = append(bb, `error","errorType":"Runtime.OutOfMemory"`...)
		case o.errType != "":
			bb = append(bb, `error","errorType":"Runtime.Unhandled"`...)
		default:
			bb = append(bb, `success"`...)
		}
		bb = append(bb, "}}"...)
		w.buf = bb
		w.end(end, a)
	} else {
		a = len(w.buf)
		bb = w.buf
		bb = append(bb, "END RequestId: "...)
		bb = append(bb, id...)
		bb = append(bb, '\n')
		w.buf = bb
		w.end(end, a)
		a = len(w.buf)
		w.buf = model.AppendReportLine(w.buf, model.Report{
			RequestID:       id,
			Duration:        res.Duration,
			BilledDuration:  res.BilledDuration,
			MemorySizeMB:    c.MemoryMB,
			MaxMemoryUsedMB: res.MaxMemoryUsedMB,
			InitDuration:    res.InitDuration,
		})
		if c.Tracing {
			w.buf = appendXRay(w.buf, rng, start)
		}
		w.buf = append(w.buf, '\n')
		w.end(end, a)
		if o.oom {
			a = len(w.buf)
			bb = w.buf
			bb = appendOOMMsg(bb, id)
			bb = append(bb, "\nRuntime.OutOfMemory\n"...)
			w.buf = bb
			w.end(end, a)
		}
		if o.timedOut {
			a = len(w.buf)
			bb = w.buf
			bb = appendTimeoutMsg(bb, end, id, res.Duration)
			bb = append(bb, '\n')
			w.buf = bb
			w.end(end, a)
		}
	}
	f.buf = w.buf
	f.marks = w.marks[:0]

	all := string(w.buf)
	lines := make([]record.LogLine, len(w.marks))
	for i, m := range w.marks {
		lines[i] = record.LogLine{Time: m.t, Message: all[m.a:m.b]}
	}
	if !wantTail {
		return lines, ""
	}
	tail := all
	if len(tail) > TailLimit {
		tail = tail[len(tail)-TailLimit:]
	}
	return lines, tail
}

// appendXRay appends the REPORT line's tracing fields.
func appendXRay(b []byte, rng *rand.Rand, t time.Time) []byte {
	var h [40]byte
	hexFill(h[:16], rng.Uint64(), 0)
	hexFill(h[16:], rng.Uint64(), rng.Uint64())
	b = append(b, "XRAY TraceId: 1-"...)
	u := uint32(t.Unix())
	for i := 7; i >= 0; i-- {
		b = append(b, hexDigits[(u>>(uint(i)*4))&15])
	}
	b = append(b, '-')
	b = append(b, h[16:40]...)
	b = append(b, "\tSegmentId: "...)
	b = append(b, h[:16]...)
	b = append(b, "\tSampled: true\t"...)
	return b
}

func appendTimeoutMsg(b []byte, t time.Time, id string, d time.Duration) []byte {
	b = appendTS(b, t)
	b = append(b, ' ')
	b = append(b, id...)
	b = append(b, " Task timed out after "...)
	b = strconv.AppendFloat(b, d.Seconds(), 'f', 2, 64)
	return append(b, " seconds"...)
}

func runtimeHash(runtime string) string {
	var h [64]byte
	x := hashString(0, runtime)
	hexFill(h[:32], x, x*0x9e3779b97f4a7c15)
	hexFill(h[32:], x^0xdeadbeef, x*31)
	return string(h[:])
}

// app writes one application log line in the runtime's style.
func (w *lineWriter) app(rt runtimeClass, id string, t time.Time, level, msg string) {
	a := len(w.buf)
	bb := w.buf
	switch {
	case w.json:
		bb = append(bb, `{"timestamp":"`...)
		bb = appendTS(bb, t)
		bb = append(bb, `","level":"`...)
		bb = append(bb, level...)
		bb = append(bb, `","requestId":"`...)
		bb = append(bb, id...)
		bb = append(bb, `","message":`...)
		bb = appendJSONString(bb, msg)
		bb = append(bb, '}')
	case rt == rtPython:
		if level == "WARN" {
			level = "WARNING"
		}
		bb = append(bb, '[')
		bb = append(bb, level...)
		bb = append(bb, "]\t"...)
		bb = appendTS(bb, t)
		bb = append(bb, '\t')
		bb = append(bb, id...)
		bb = append(bb, '\t')
		bb = append(bb, msg...)
		bb = append(bb, '\n')
	default:
		bb = appendTS(bb, t)
		bb = append(bb, '\t')
		bb = append(bb, id...)
		bb = append(bb, '\t')
		bb = append(bb, level...)
		bb = append(bb, '\t')
		bb = append(bb, msg...)
		bb = append(bb, '\n')
	}
	w.buf = bb
	w.end(t, a)
}

// appendError writes the line the runtime logs for an unhandled error.
func (w *lineWriter) appError(rt runtimeClass, id string, t time.Time, em errMsg) {
	a := len(w.buf)
	bb := w.buf
	switch {
	case w.json:
		bb = append(bb, `{"timestamp":"`...)
		bb = appendTS(bb, t)
		bb = append(bb, `","level":"ERROR","requestId":"`...)
		bb = append(bb, id...)
		bb = append(bb, `","message":{"errorType":`...)
		if rt == rtPython {
			bb = appendJSONString(bb, em.pyType)
		} else {
			bb = appendJSONString(bb, em.nodeType)
		}
		bb = append(bb, `,"errorMessage":`...)
		bb = appendJSONString(bb, em.msg)
		bb = append(bb, "}}"...)
	case rt == rtPython:
		bb = append(bb, "[ERROR] "...)
		bb = append(bb, em.pyType...)
		bb = append(bb, ": "...)
		bb = append(bb, em.msg...)
		bb = append(bb, "\rTraceback (most recent call last):\r  File \"/var/task/app.py\", line 42, in handler\r    return process(event)\n"...)
	default:
		bb = appendTS(bb, t)
		bb = append(bb, '\t')
		bb = append(bb, id...)
		bb = append(bb, "\tERROR\tInvoke Error \t"...)
		bb = appendNodeError(bb, em, "stack")
		bb = append(bb, '\n')
	}
	w.buf = bb
	w.end(t, a)
}

var okPayload = `{"statusCode":200,"body":"{\"ok\":true}"}`

// responsePayload is the JSON the function returns (or its error object).
func responsePayload(c *Call, res *Result, o outcomeT, at time.Time) []byte {
	switch {
	case o.timedOut:
		b := make([]byte, 0, 96)
		b = append(b, `{"errorMessage":"`...)
		b = appendTimeoutMsg(b, at.Add(res.InitDuration).Add(res.Duration), res.RequestID, res.Duration)
		return append(b, `"}`...)
	case o.oom:
		b := make([]byte, 0, 160)
		b = append(b, `{"errorType":"Runtime.OutOfMemory","errorMessage":"`...)
		b = appendOOMMsg(b, res.RequestID)
		return append(b, `"}`...)
	case o.errType != "":
		em := errorMessages[o.msg]
		b := make([]byte, 0, 192)
		if classify(c.Runtime) == rtPython {
			b = append(b, `{"errorMessage": `...)
			b = appendJSONString(b, em.msg)
			b = append(b, `, "errorType": `...)
			b = appendJSONString(b, em.pyType)
			b = append(b, `, "requestId": "`...)
			b = append(b, res.RequestID...)
			b = append(b, `", "stackTrace": ["  File \"/var/task/app.py\", line 42, in handler\n    return process(event)\n"]}`...)
			return b
		}
		return appendNodeError(b, em, "trace")
	}
	return []byte(okPayload)
}

// appendNodeError appends the error object of a Node.js handler's
// unhandled error, its stack under traceKey ("stack" in the log line,
// "trace" in the response payload).
func appendNodeError(b []byte, em errMsg, traceKey string) []byte {
	b = append(b, `{"errorType":`...)
	b = appendJSONString(b, em.nodeType)
	b = append(b, `,"errorMessage":`...)
	b = appendJSONString(b, em.msg)
	b = append(b, `,"`...)
	b = append(b, traceKey...)
	b = append(b, `":["`...)
	b = append(b, em.nodeType...)
	b = append(b, `: `...)
	b = append(b, em.msg...)
	return append(b, `","    at Runtime.handler (file:///var/task/index.mjs:42:11)"]}`...)
}

// appendOOMMsg is the message AWS gives a runtime killed at its memory limit.
func appendOOMMsg(b []byte, id string) []byte {
	b = append(b, "RequestId: "...)
	b = append(b, id...)
	return append(b, " Error: Runtime exited with error: signal: killed"...)
}
