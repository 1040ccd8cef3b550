package model

import (
	"strings"
	"testing"
	"time"
)

func TestParseLine(t *testing.T) {
	const id = "3f1c2b9a-7d4e-4c1b-9f2e-0a1b2c3d4e5f"
	tests := []struct {
		name   string
		msg    string
		kind   LineKind
		sev    Severity
		reqID  string
		json   bool
		cold   bool
		report bool
	}{
		{"node info", "2026-11-26T14:00:00.000Z\t" + id + "\tINFO\tcharged card", KindApp, SevInfo, id, false, false, false},
		{"node error", "2026-11-26T14:00:00.000Z\t" + id + "\tERROR\tInvoke Error", KindApp, SevError, id, false, false, false},
		{"python warn", "[WARNING]\t2026-11-26T14:00:00.000Z\t" + id + "\tslow downstream", KindApp, SevWarn, id, false, false, false},
		{"logfmt", "time=2026 level=debug msg=hello", KindApp, SevDebug, "", false, false, false},
		{"plain", "hello world", KindApp, SevNone, "", false, false, false},
		{"go panic", "panic: runtime error: index out of range", KindApp, SevFatal, "", false, false, false},
		{"start", "START RequestId: " + id + " Version: 7", KindStart, SevNone, id, false, false, false},
		{"end", "END RequestId: " + id, KindEnd, SevNone, id, false, false, false},
		{"report warm", "REPORT RequestId: " + id + "\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t", KindReport, SevNone, id, false, false, true},
		{"report cold", "REPORT RequestId: " + id + "\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 166.62 ms\t", KindReport, SevNone, id, false, true, true},
		{"init", "INIT_START Runtime Version: nodejs:20.v1", KindInit, SevNone, "", false, true, false},
		{"timeout", "2026-11-26T14:00:03.000Z " + id + " Task timed out after 3.00 seconds", KindTimeout, SevError, id, false, false, false},
		{"json app", `{"timestamp":"2026-11-26T14:00:00Z","level":"ERROR","message":"boom","requestId":"` + id + `"}`, KindApp, SevError, id, true, false, false},
		{"json app lower", `{"level": "warn", "msg": "x"}`, KindApp, SevWarn, "", true, false, false},
		{"json python", `{"levelname":"INFO","aws_request_id":"` + id + `"}`, KindApp, SevInfo, id, true, false, false},
		{"json error shape", `{"errorType":"TypeError","errorMessage":"x"}`, KindApp, SevError, "", true, false, false},
		{"json platform start", `{"time":"t","type":"platform.start","record":{"requestId":"` + id + `","version":"$LATEST"}}`, KindStart, SevNone, id, true, false, false},
		{"json platform report", `{"time":"t","type":"platform.report","record":{"requestId":"` + id + `","metrics":{"durationMs":5.1,"billedDurationMs":6,"memorySizeMB":128,"maxMemoryUsedMB":60,"initDurationMs":100},"status":"success"}}`, KindReport, SevNone, id, true, true, true},
		{"json platform timeout", `{"time":"t","type":"platform.report","record":{"requestId":"` + id + `","metrics":{"durationMs":3000,"billedDurationMs":3000,"memorySizeMB":128,"maxMemoryUsedMB":60},"status":"timeout"}}`, KindReport, SevError, id, true, false, true},
		{"broken json", `{"level":"ERROR"`, KindApp, SevNone, "", false, false, false},
		{"brace text", `{not json} ERROR`, KindApp, SevError, "", false, false, false},
		{"runtime exit", "RequestId: " + id + " Error: Runtime exited with error: signal: killed", KindApp, SevError, id, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := ParseLine(tt.msg + "\n")
			if l.Kind != tt.kind || l.Severity != tt.sev || l.RequestID != tt.reqID || l.JSON != tt.json || l.Cold != tt.cold || (l.Report != nil) != tt.report {
				t.Fatalf("ParseLine(%q) = kind %d sev %v req %q json %v cold %v report %v",
					tt.msg, l.Kind, l.Severity, l.RequestID, l.JSON, l.Cold, l.Report != nil)
			}
			if strings.HasSuffix(l.Message, "\n") {
				t.Fatal("newline kept")
			}
		})
	}
}

func TestParseLineTruncates(t *testing.T) {
	l := ParseLine(strings.Repeat("x", MaxLineBytes+10))
	if !l.Truncated || len(l.Message) != MaxLineBytes {
		t.Fatalf("not truncated: %d", len(l.Message))
	}
}

func TestParseLogEvent(t *testing.T) {
	ts := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	l := ParseLogEvent(LogEvent{Stream: "2026/11/26/[8]abcdef", Timestamp: ts, Message: "hi", EventID: "e1"}, 3)
	if l.Version != "8" || l.Source != 3 || !l.Time.Equal(ts) || l.EventID != "e1" {
		t.Fatalf("%+v", l)
	}
}

func TestStreamVersion(t *testing.T) {
	for in, want := range map[string]string{
		"2026/11/26/[$LATEST]abc": "$LATEST",
		"2026/11/26/[12]abc":      "12",
		"custom":                  "",
		"2026/11/26/[broken":      "",
	} {
		if got := StreamVersion(in); got != want {
			t.Errorf("StreamVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStreamPrefixesRollover(t *testing.T) {
	now := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	got := StreamPrefixes(now, "7", "8")
	want := []string{"2026/12/30/[7]", "2026/12/31/[7]", "2026/12/30/[8]", "2026/12/31/[8]"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v", got)
	}
	if r := NextRollover(now); !r.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("rollover %v", r)
	}
	// Just after midnight, yesterday's environments are still selected.
	got = StreamPrefixes(now.Add(2*time.Minute), "7")
	if strings.Join(got, ",") != "2026/12/31/[7],2027/01/01/[7]" {
		t.Fatalf("got %v", got)
	}
}

func TestPrettyJSON(t *testing.T) {
	p, ok := PrettyJSON(`{"a":1,"b":{"c":"d"}}`)
	if !ok || p != "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": \"d\"\n  }\n}" {
		t.Fatalf("%v %q", ok, p)
	}
	if _, ok := PrettyJSON("not json"); ok {
		t.Fatal("text is not JSON")
	}
}

func TestSeverityString(t *testing.T) {
	if SevError.String() != "ERROR" || SevNone.String() != "" || Severity(99).String() != "" {
		t.Fatal("names")
	}
}
