package format

import (
	"testing"
	"time"
)

func TestThousands(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 119310: "119,310", -5000: "-5,000", 1234567: "1,234,567"} {
		if got := Thousands(in); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", in, got, want)
		}
	}
	if got := Float(119309.6); got != "119,310" {
		t.Errorf("Float = %q", got)
	}
}

func TestDurationAndPercent(t *testing.T) {
	cases := map[time.Duration]string{
		850 * time.Millisecond:          "850ms",
		27100 * time.Millisecond:        "27.1s",
		14*time.Minute + 30*time.Second: "14.5m",
		2 * time.Hour:                   "2h",
		-2 * time.Second:                "-2.0s",
	}
	for in, want := range cases {
		if got := Duration(in); got != want {
			t.Errorf("Duration(%v) = %q, want %q", in, got, want)
		}
	}
	if Millis(1500) != "1.5s" || Percent(0.42) != "0.4%" || Percent(12) != "12.0%" {
		t.Errorf("Millis %q, Percent %q %q", Millis(1500), Percent(0.42), Percent(12))
	}
}

func TestSparkline(t *testing.T) {
	cases := []struct {
		in   []float64
		w    int
		want string
	}{
		{[]float64{0, 1, 2, 4, 8}, 5, "▁▂▃▅█"},
		{[]float64{1, 2, 3}, 2, "▆█"},
		{[]float64{0, 1, 2, 3}, 6, "  ▁▃▆█"},
		{[]float64{0, 0, 0}, 3, "▁▁▁"},
		{[]float64{5, 5}, 2, "██"},
		{[]float64{1000, 1}, 2, "█▂"}, // above zero is never the floor
		{nil, 3, "   "},
		{nil, 0, ""},
	}
	for _, c := range cases {
		if got := Sparkline(c.in, c.w); got != c.want {
			t.Errorf("Sparkline(%v, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}
