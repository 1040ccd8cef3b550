package startup

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestRender(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := []mark{{t0.Add(12 * time.Millisecond), "main"}, {t0.Add(40500 * time.Microsecond), "View"}}
	got := render(ms, t0, true, runtime.MemStats{HeapInuse: 3 << 20, NumGC: 1})
	want := "1000000000000 0.0 0.0 process start (kernel, ±10 ms)\n" +
		"1000012000000 12.0 12.0 main\n" +
		"1000040500000 40.5 28.5 View\n" +
		"# heap 3.0 MB in use, 0.0 MB from the OS, 1 collections so far\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// Without the kernel's start time, phases count from the first mark.
	got = render(ms, time.Time{}, false, runtime.MemStats{})
	if !strings.HasPrefix(got, "1000012000000 0.0 0.0 main\n1000040500000 0.0 28.5 View\n") {
		t.Fatalf("got\n%s", got)
	}
}

func TestOffCostsNothing(t *testing.T) {
	if on {
		t.Skip(Env + " is set")
	}
	Mark("x")
	Flush()
	if len(marks) != 0 {
		t.Fatal("marks recorded with the trace off")
	}
	if a := testing.AllocsPerRun(100, func() { Mark("phase") }); a != 0 {
		t.Fatalf("Mark allocates %v times with the trace off", a)
	}
}

func TestProcessStart(t *testing.T) {
	start, ok := processStart()
	if !ok {
		t.Skip("no /proc")
	}
	if d := time.Since(start); d < -time.Second || d > time.Hour {
		t.Fatalf("process started %v ago", d)
	}
}
