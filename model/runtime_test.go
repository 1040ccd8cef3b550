package model

import (
	"strings"
	"testing"
	"time"
)

func TestRuntimePhase(t *testing.T) {
	at := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	cases := []struct {
		rt   string
		now  string
		want RuntimePhase
	}{
		{"python3.14", "2026-12-01", RuntimeSupported},
		{"python3.9", "2025-12-14", RuntimeDeprecating},
		{"python3.9", "2025-12-15", RuntimeDeprecated},
		{"python3.9", "2026-02-03", RuntimeCreateBlocked},
		{"python3.9", "2026-03-09", RuntimeUpdateBlocked},
		{"ruby4.0", "2026-12-01", RuntimeSupported},
		{"cobol", "2026-12-01", RuntimeUnknown},
		{"", "2026-12-01", RuntimeUnknown},
	}
	for _, c := range cases {
		if got := RuntimePhaseOf(c.rt, at(c.now)); got != c.want {
			t.Errorf("%s at %s: %v, want %v", c.rt, c.now, got, c.want)
		}
	}
	if n := RuntimeNote("nodejs16.x", at("2026-12-01")); !strings.Contains(n, "2024-06-12") || !strings.Contains(n, "nodejs24.x") {
		t.Errorf("note %q", n)
	}
	if n := RuntimeNote("python3.14", at("2026-12-01")); n != "" {
		t.Errorf("supported runtime has a note: %q", n)
	}
	for _, id := range KnownRuntimes() {
		l, _ := RuntimeInfo(id)
		for _, d := range []string{l.Deprecated, l.BlockCreate, l.BlockUpdate} {
			if _, ok := day(d); d != "" && !ok {
				t.Errorf("%s: bad date %q", id, d)
			}
		}
		if l.Deprecated > l.BlockCreate || l.BlockCreate > l.BlockUpdate {
			t.Errorf("%s: dates out of order %+v", id, l)
		}
	}
}

func TestRuntimeTriageRule(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	h := Assess(Function{Name: "old", Runtime: "nodejs16.x", MemoryMB: 128, TimeoutSec: 3}, TriageSeries{}, HealthContext{Now: now})
	if !h.Has("runtime") || h.Tier != TierHint || !strings.Contains(h.Reason(), "nodejs16.x") {
		t.Fatalf("deprecated runtime: %+v", h)
	}
	if h := Assess(Function{Name: "new", Runtime: "python3.14"}, TriageSeries{}, HealthContext{Now: now}); h.Has("runtime") {
		t.Fatalf("supported runtime flagged: %+v", h)
	}
	if h := Assess(Function{Name: "old", Runtime: "nodejs16.x"}, TriageSeries{}, HealthContext{}); h.Has("runtime") {
		t.Fatal("without Now the rule is off")
	}
}
