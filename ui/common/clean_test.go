package common

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	evil := "\x1b[31mEVIL\x1b[2J\x1b]0;pwned\x07\x07\b\r\u009b1m\xff"
	got := Clean("fn" + evil + "\tend\n")
	for _, bad := range []string{"\x1b", "\x07", "\b", "\r", "\u009b", "\xff", "\t", "\n"} {
		if strings.Contains(got, bad) {
			t.Errorf("Clean left %q in %q", bad, got)
		}
	}
	if !strings.Contains(got, "␛[31mEVIL") || !strings.HasPrefix(got, "fn") {
		t.Errorf("Clean(%q) = %q", evil, got)
	}
	for _, ok := range []string{"", "payments-api", "ÄPFEL – ß ✓ 日本"} {
		if Clean(ok) != ok {
			t.Errorf("Clean changed %q to %q", ok, Clean(ok))
		}
	}
}
