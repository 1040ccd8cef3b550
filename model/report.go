package model

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Report is the parsed REPORT line (Text format) or platform.report record
// (JSON format) that Lambda writes at the end of every invocation.
type Report struct {
	RequestID       string
	Duration        time.Duration
	BilledDuration  time.Duration
	MemorySizeMB    int
	MaxMemoryUsedMB int
	InitDuration    time.Duration // non-zero only on a cold start
	RestoreDuration time.Duration // SnapStart
	TimedOut        bool          // a "Task timed out" line was seen for the request
	Status          string        // JSON format: success | error | timeout
}

// ColdStart reports whether the invocation initialised a new environment.
func (r Report) ColdStart() bool { return r.InitDuration > 0 || r.RestoreDuration > 0 }

// MemoryUse is the fraction of configured memory used (0..1).
func (r Report) MemoryUse() float64 {
	if r.MemorySizeMB == 0 {
		return 0
	}
	return float64(r.MaxMemoryUsedMB) / float64(r.MemorySizeMB)
}

// FormatReportLine writes r in the exact tab-separated text AWS uses.
func FormatReportLine(r Report) string { return string(AppendReportLine(nil, r)) }

// AppendReportLine appends the REPORT line FormatReportLine returns to b,
// for callers that build many lines without allocating for each.
func AppendReportLine(b []byte, r Report) []byte {
	b = append(b, "REPORT RequestId: "...)
	b = append(b, r.RequestID...)
	b = append(b, "\tDuration: "...)
	b = appendMs(b, r.Duration)
	b = append(b, " ms\tBilled Duration: "...)
	b = strconv.AppendInt(b, r.BilledDuration.Milliseconds(), 10)
	b = append(b, " ms\tMemory Size: "...)
	b = strconv.AppendInt(b, int64(r.MemorySizeMB), 10)
	b = append(b, " MB\tMax Memory Used: "...)
	b = strconv.AppendInt(b, int64(r.MaxMemoryUsedMB), 10)
	b = append(b, " MB\t"...)
	if r.InitDuration > 0 {
		b = append(b, "Init Duration: "...)
		b = appendMs(b, r.InitDuration)
		b = append(b, " ms\t"...)
	}
	return b
}

func appendMs(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 2, 64)
}

// ParseReport parses one log line. It accepts the Text REPORT line and the
// JSON platform.report record; ok is false for any other line.
func ParseReport(line string) (Report, bool) {
	line = strings.TrimRight(line, "\r\n")
	if strings.HasPrefix(line, "REPORT RequestId: ") {
		return parseTextReport(line)
	}
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "{") && strings.Contains(t, "platform.report") {
		return parseJSONReport(t)
	}
	return Report{}, false
}

func parseTextReport(line string) (Report, bool) {
	var r Report
	for i, f := range strings.Split(line, "\t") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if i == 0 {
			r.RequestID = strings.TrimSpace(strings.TrimPrefix(f, "REPORT RequestId:"))
			continue
		}
		k, v, ok := strings.Cut(f, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Duration":
			r.Duration = parseMs(v)
		case "Billed Duration":
			r.BilledDuration = parseMs(v)
		case "Memory Size":
			r.MemorySizeMB = parseMB(v)
		case "Max Memory Used":
			r.MaxMemoryUsedMB = parseMB(v)
		case "Init Duration":
			r.InitDuration = parseMs(v)
		case "Restore Duration":
			r.RestoreDuration = parseMs(v)
		case "Status":
			r.Status = v
			if v == "timeout" {
				r.TimedOut = true
			}
		}
	}
	return r, r.RequestID != ""
}

func parseMs(v string) time.Duration {
	v = strings.TrimSpace(strings.TrimSuffix(v, "ms"))
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0
	}
	return time.Duration(f * float64(time.Millisecond))
}

func parseMB(v string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(v, "MB")))
	return n
}

type jsonReport struct {
	Type   string `json:"type"`
	Record struct {
		RequestID string `json:"requestId"`
		Status    string `json:"status"`
		Metrics   struct {
			DurationMs        float64 `json:"durationMs"`
			BilledDurationMs  float64 `json:"billedDurationMs"`
			MemorySizeMB      int     `json:"memorySizeMB"`
			MaxMemoryUsedMB   int     `json:"maxMemoryUsedMB"`
			InitDurationMs    float64 `json:"initDurationMs"`
			RestoreDurationMs float64 `json:"restoreDurationMs"`
		} `json:"metrics"`
	} `json:"record"`
}

func parseJSONReport(s string) (Report, bool) {
	var j jsonReport
	if err := json.Unmarshal([]byte(s), &j); err != nil || j.Type != "platform.report" {
		return Report{}, false
	}
	m := j.Record.Metrics
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	r := Report{
		RequestID:       j.Record.RequestID,
		Duration:        ms(m.DurationMs),
		BilledDuration:  ms(m.BilledDurationMs),
		MemorySizeMB:    m.MemorySizeMB,
		MaxMemoryUsedMB: m.MaxMemoryUsedMB,
		InitDuration:    ms(m.InitDurationMs),
		RestoreDuration: ms(m.RestoreDurationMs),
		Status:          j.Record.Status,
		TimedOut:        j.Record.Status == "timeout",
	}
	return r, r.RequestID != ""
}

// ParseReportFromTail finds the last REPORT in a decoded log tail and marks
// it timed out if the tail holds a "Task timed out" line.
func ParseReportFromTail(tail string) (Report, bool) {
	var last Report
	found := false
	timedOut := false
	for _, l := range strings.Split(tail, "\n") {
		if strings.Contains(l, "Task timed out after") {
			timedOut = true
		}
		if r, ok := ParseReport(l); ok {
			last, found = r, true
		}
	}
	if found && timedOut {
		last.TimedOut = true
	}
	return last, found
}
