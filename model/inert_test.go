package model

import (
	"strings"
	"testing"
)

func TestInert(t *testing.T) {
	for in, want := range map[string]string{
		"plain ascii\tand\nnewline":  "plain ascii\tand\nnewline",
		"héllo ✓":                    "héllo ✓",
		"\x1b[31mred\x1b[0m":         "␛[31mred␛[0m",
		"bell\x07 bs\b cr\r del\x7f": "bell� bs� cr� del�",
		"c1 \u009b31m":               "c1 �31m",
		"bad \xff utf8":              "bad � utf8",
	} {
		if got := Inert(in); got != want {
			t.Errorf("Inert(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMakeInert(t *testing.T) {
	f := Function{Name: "a\x1b[2Jb", Tags: map[string]string{"k\x07": "v\x1b]0;x\x07"}, Env: map[string]string{"ok": "fine"}}
	shared := f.Tags
	MakeInert(&f)
	if f.Name != "a␛[2Jb" || f.Tags["k�"] != "v␛]0;x�" || f.Env["ok"] != "fine" {
		t.Fatalf("%+v", f)
	}
	if _, ok := shared["k\x07"]; !ok {
		t.Error("MakeInert changed a map it did not own")
	}
	l := ParseLogEvent(LogEvent{Message: "x\x1b[31my", Stream: "s\x07"}, 0)
	if strings.ContainsAny(l.Message+l.Stream, "\x1b\x07") {
		t.Errorf("ParseLogEvent kept controls: %q %q", l.Message, l.Stream)
	}
}

func BenchmarkMakeInertClean(b *testing.B) {
	f := Function{Name: "payments-api-0001", Runtime: "python3.12", Tags: map[string]string{"team": "payments"}, Env: map[string]string{"A": "b"}}
	for i := 0; i < b.N; i++ {
		MakeInert(&f)
	}
}
