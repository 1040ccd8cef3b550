package model

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Severity is a log line's level, detected once at ingest.
type Severity uint8

// Severities, lowest first. SevNone means no level was found.
const (
	SevNone Severity = iota
	SevTrace
	SevDebug
	SevInfo
	SevWarn
	SevError
	SevFatal
)

var sevNames = [...]string{"", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}

// String is the upper-case level name ("" for SevNone).
func (s Severity) String() string {
	if int(s) < len(sevNames) {
		return sevNames[s]
	}
	return ""
}

// LineKind classifies a log line.
type LineKind uint8

// Kinds of line: application output and the platform's own records.
const (
	KindApp      LineKind = iota
	KindStart             // START RequestId / platform.start
	KindEnd               // END RequestId / platform.runtimeDone
	KindReport            // REPORT RequestId / platform.report
	KindInit              // INIT_START, INIT_REPORT, platform.initStart ...
	KindTimeout           // "Task timed out after"
	KindPlatform          // other platform records (EXTENSION, TELEMETRY, ...)
)

// MaxLineBytes caps one message kept in the buffer; longer ones are cut.
const MaxLineBytes = 64 << 10

// LogLine is one log event, parsed once when it arrives.
type LogLine struct {
	Time      time.Time
	Message   string
	RequestID string // "" when the line names none
	Stream    string
	Version   string // from the stream name "YYYY/MM/DD/[version]guid"
	EventID   string
	Report    *Report // REPORT lines only
	Source    uint16  // index of the log group within a multi-group tail
	Severity  Severity
	Kind      LineKind
	JSON      bool // the message is a JSON object
	Cold      bool // REPORT of a cold start, or an INIT line
	Truncated bool // the message was longer than MaxLineBytes
}

// ParseLogEvent parses ev into a LogLine. source is the index of the
// event's log group in the tail's group list.
func ParseLogEvent(ev LogEvent, source int) LogLine {
	l := ParseLine(Inert(ev.Message)) // escape sequences are shown, never interpreted
	l.Time = ev.Timestamp
	l.Stream = Inert(ev.Stream)
	l.Version = StreamVersion(ev.Stream)
	l.EventID = ev.EventID
	l.Source = uint16(source)
	return l
}

// ParseLine detects the kind, severity, request id and JSON-ness of one
// message, and parses REPORT records.
func ParseLine(msg string) LogLine {
	msg = strings.TrimRight(msg, "\r\n")
	var l LogLine
	if len(msg) > MaxLineBytes {
		msg = msg[:MaxLineBytes]
		l.Truncated = true
	}
	l.Message = msg
	t := strings.TrimLeft(msg, " \t")
	if len(t) > 1 && t[0] == '{' && t[len(t)-1] == '}' {
		parseJSONLine(&l, t)
		if l.JSON {
			return l
		}
	}
	parseTextLine(&l, t)
	return l
}

func parseTextLine(l *LogLine, t string) {
	switch {
	case strings.HasPrefix(t, "REPORT RequestId: "):
		l.Kind = KindReport
		if r, ok := ParseReport(t); ok {
			l.Report = &r
			l.RequestID = requestIDAfter(t, "REPORT RequestId: ")
			l.Cold = r.ColdStart()
		}
		return
	case strings.HasPrefix(t, "START RequestId: "):
		l.Kind = KindStart
		l.RequestID = requestIDAfter(t, "START RequestId: ")
		return
	case strings.HasPrefix(t, "END RequestId: "):
		l.Kind = KindEnd
		l.RequestID = requestIDAfter(t, "END RequestId: ")
		return
	case strings.HasPrefix(t, "INIT_"):
		l.Kind = KindInit
		l.Cold = true
		return
	case strings.HasPrefix(t, "EXTENSION") || strings.HasPrefix(t, "TELEMETRY") ||
		strings.HasPrefix(t, "RESTORE_") || strings.HasPrefix(t, "LOGS\t"):
		l.Kind = KindPlatform
		return
	}
	l.RequestID = findUUID(t)
	if strings.Contains(t, "Task timed out after") {
		l.Kind = KindTimeout
		l.Severity = SevError
		return
	}
	l.Severity = textSeverity(t)
	if l.Severity == SevNone && looksLikeError(t) {
		l.Severity = SevError
	}
}

// requestIDAfter returns the token following prefix.
func requestIDAfter(t, prefix string) string {
	s := t[len(prefix):]
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		s = s[:i]
	}
	return s
}

// textSeverity looks for a level token ("ERROR", "[WARN]", "level=info")
// among the first fields of a text line.
func textSeverity(t string) Severity {
	// Scan the first 6 whitespace-separated fields.
	fields := 0
	i := 0
	for i < len(t) && fields < 6 {
		for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
			i++
		}
		j := i
		for j < len(t) && t[j] != ' ' && t[j] != '\t' {
			j++
		}
		if j > i {
			if s := levelToken(t[i:j]); s != SevNone {
				return s
			}
			fields++
		}
		i = j
	}
	return SevNone
}

func levelToken(f string) Severity {
	if len(f) > 6 && (f[:6] == "level=" || f[:6] == "LEVEL=") {
		f = strings.Trim(f[6:], `"`)
	}
	f = strings.TrimSuffix(f, ":")
	if len(f) > 2 && f[0] == '[' && f[len(f)-1] == ']' {
		f = f[1 : len(f)-1]
	}
	if len(f) < 3 || len(f) > 8 {
		return SevNone
	}
	return levelName(f)
}

// levelName maps a level name in any case to a Severity.
func levelName(f string) Severity {
	if len(f) > 8 {
		return SevNone
	}
	var buf [8]byte
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(f)]) {
	case "TRACE":
		return SevTrace
	case "DEBUG", "DBG":
		return SevDebug
	case "INFO", "INF", "NOTICE":
		return SevInfo
	case "WARN", "WARNING", "WRN":
		return SevWarn
	case "ERROR", "ERR":
		return SevError
	case "FATAL", "CRITICAL", "CRIT", "PANIC", "EMERG", "ALERT":
		return SevFatal
	}
	return SevNone
}

func looksLikeError(t string) bool {
	return strings.HasPrefix(t, "Traceback ") || strings.HasPrefix(t, "panic: ") ||
		strings.Contains(t, "Runtime exited with error") || strings.Contains(t, "Runtime.ExitError") ||
		strings.Contains(t, "Unhandled Promise Rejection")
}

// findUUID returns the first UUID-shaped token in the first 160 bytes.
func findUUID(t string) string {
	lim := len(t)
	if lim > 160+36 {
		lim = 160 + 36
	}
	for i := 0; i+36 <= lim; i++ {
		if t[i+8] != '-' || t[i+13] != '-' || t[i+18] != '-' || t[i+23] != '-' {
			continue
		}
		if i > 0 && isHex(t[i-1]) {
			continue
		}
		if i+36 < len(t) && isHex(t[i+36]) {
			continue
		}
		ok := true
		for k := 0; k < 36; k++ {
			if k == 8 || k == 13 || k == 18 || k == 23 {
				continue
			}
			if !isHex(t[i+k]) {
				ok = false
				break
			}
		}
		if ok {
			return t[i : i+36]
		}
	}
	return ""
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func parseJSONLine(l *LogLine, t string) {
	if !json.Valid([]byte(t)) {
		return
	}
	l.JSON = true
	typ := jsonStringField(t, "type")
	if strings.HasPrefix(typ, "platform.") {
		l.RequestID = jsonStringField(t, "requestId")
		switch typ {
		case "platform.report":
			l.Kind = KindReport
			if r, ok := ParseReport(t); ok {
				l.Report = &r
				l.Cold = r.ColdStart()
			}
			if jsonStringField(t, "status") == "timeout" {
				l.Severity = SevError
			}
		case "platform.start":
			l.Kind = KindStart
		case "platform.runtimeDone":
			l.Kind = KindEnd
			if st := jsonStringField(t, "status"); st == "error" || st == "failure" || st == "timeout" {
				l.Severity = SevError
			}
		case "platform.initStart", "platform.initRuntimeDone", "platform.initReport":
			l.Kind = KindInit
			l.Cold = true
		default:
			l.Kind = KindPlatform
		}
		return
	}
	for _, k := range []string{"level", "severity", "levelname", "log.level", "lvl"} {
		if v := jsonStringField(t, k); v != "" {
			l.Severity = levelName(v)
			if l.Severity != SevNone {
				break
			}
		}
	}
	l.RequestID = jsonStringField(t, "requestId")
	if l.RequestID == "" {
		l.RequestID = jsonStringField(t, "AWSRequestId")
	}
	if l.RequestID == "" {
		l.RequestID = jsonStringField(t, "aws_request_id")
	}
	if l.Severity == SevNone && (jsonStringField(t, "errorType") != "" || jsonStringField(t, "errorMessage") != "") {
		l.Severity = SevError
	}
}

// jsonStringField finds "key": "value" anywhere in a JSON text and returns
// value as written (escapes are not decoded; the values looked for here are
// level names and ids that carry none). It is a fast scan, not a parser.
func jsonStringField(s, key string) string {
	pat := `"` + key + `"`
	off := 0
	for {
		i := strings.Index(s[off:], pat)
		if i < 0 {
			return ""
		}
		j := off + i + len(pat)
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j < len(s) && s[j] == ':' {
			j++
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j < len(s) && s[j] == '"' {
				j++
				k := j
				for k < len(s) && s[k] != '"' && s[k] != '\\' {
					k++
				}
				return s[j:k]
			}
		}
		off = off + i + len(pat)
	}
}

// PrettyJSON indents a JSON message; ok is false when it is not JSON.
func PrettyJSON(msg string) (string, bool) {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(strings.TrimSpace(msg)), "", "  "); err != nil {
		return msg, false
	}
	return b.String(), true
}

// StreamVersion extracts the version from a Lambda stream name
// "YYYY/MM/DD/[version]guid"; "" when the name has another shape.
func StreamVersion(stream string) string {
	i := strings.IndexByte(stream, '[')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(stream[i:], ']')
	if j < 0 {
		return ""
	}
	return stream[i+1 : i+j]
}

// StreamPrefixes returns the log stream name prefixes that select the
// streams of the given versions. Stream names carry the date the execution
// environment started, so environments started before midnight UTC keep
// yesterday's prefix: both days are included.
func StreamPrefixes(now time.Time, versions ...string) []string {
	now = now.UTC()
	days := []string{now.AddDate(0, 0, -1).Format("2006/01/02"), now.Format("2006/01/02")}
	var out []string
	for _, v := range versions {
		for _, d := range days {
			out = append(out, d+"/["+v+"]")
		}
	}
	return out
}

// NextRollover is the next midnight UTC after now, when stream prefixes
// must be recomputed.
func NextRollover(now time.Time) time.Time {
	now = now.UTC()
	y, m, d := now.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}
