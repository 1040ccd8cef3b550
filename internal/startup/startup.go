// Package startup is an opt-in trace of the program's start-up phases:
// with LAMBDAOPS_STARTUP_TRACE=<file>, every Mark records a phase name and
// the time, and Flush (called once the first frame holding rows has been
// drawn) appends them to <file>, one line per phase:
//
//	<unix ns> <ms since process start> <ms since the previous mark> <phase>
//
// The process start is taken from the kernel (/proc/self/stat, in clock
// ticks: ±10 ms); the absolute Unix nanoseconds let a benchmark that knows
// when it spawned the process measure from there instead. With the
// variable unset, Mark and Flush return at once and nothing is recorded.
// It holds no data from AWS.
package startup

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Env names the file the trace is appended to.
const Env = "LAMBDAOPS_STARTUP_TRACE"

var (
	path = os.Getenv(Env)
	on   = path != ""

	mu      sync.Mutex
	marks   []mark
	flushed bool
)

type mark struct {
	at    time.Time
	phase string
}

func init() {
	if on {
		Mark("startup package init (after the packages it sorts behind)")
	}
}

// On reports whether the trace is being recorded.
func On() bool { return on }

// Mark records that phase ended now. Safe from any goroutine.
func Mark(phase string) {
	if !on {
		return
	}
	t := time.Now()
	mu.Lock()
	if !flushed {
		marks = append(marks, mark{t, phase})
	}
	mu.Unlock()
}

// Flush writes the marks recorded so far (once; later calls do nothing).
func Flush() {
	if !on {
		return
	}
	mu.Lock()
	if flushed {
		mu.Unlock()
		return
	}
	flushed = true
	ms := marks
	mu.Unlock()
	var st runtime.MemStats
	runtime.ReadMemStats(&st)
	start, ok := processStart()
	text := render(ms, start, ok, st)
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
		_, _ = f.WriteString(text)
		f.Close()
	}
}

// render is the trace's text: a line per mark (and the process start
// when known), then a comment line with the heap.
func render(ms []mark, start time.Time, known bool, st runtime.MemStats) string {
	var b strings.Builder
	if known {
		fmt.Fprintf(&b, "%d %.1f %.1f %s\n", start.UnixNano(), 0.0, 0.0, "process start (kernel, ±10 ms)")
	}
	prev := start
	for i, m := range ms {
		if !known && i == 0 {
			prev = m.at
		}
		since := 0.0
		if known {
			since = ms1(m.at.Sub(start))
		}
		fmt.Fprintf(&b, "%d %.1f %.1f %s\n", m.at.UnixNano(), since, ms1(m.at.Sub(prev)), m.phase)
		prev = m.at
	}
	fmt.Fprintf(&b, "# heap %.1f MB in use, %.1f MB from the OS, %d collections so far\n",
		float64(st.HeapInuse)/(1<<20), float64(st.Sys)/(1<<20), st.NumGC)
	return b.String()
}

func ms1(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// processStart is when the kernel started this process: field 22 of
// /proc/self/stat (clock ticks since boot, USER_HZ = 100 on Linux) against
// the boot time derived from CLOCK_BOOTTIME (uptime).
func processStart() (time.Time, bool) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return time.Time{}, false
	}
	up, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return time.Time{}, false
	}
	now := time.Now()
	s := string(stat)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if i < 0 {
		return time.Time{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return time.Time{}, false
	}
	ticks, err := strconv.ParseInt(f[19], 10, 64) // field 22 overall
	if err != nil {
		return time.Time{}, false
	}
	uf := strings.Fields(string(up))
	if len(uf) == 0 {
		return time.Time{}, false
	}
	upSec, err := strconv.ParseFloat(uf[0], 64)
	if err != nil {
		return time.Time{}, false
	}
	boot := now.Add(-time.Duration(upSec * float64(time.Second)))
	return boot.Add(time.Duration(ticks) * (time.Second / 100)), true
}
