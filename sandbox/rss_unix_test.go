//go:build unix

package sandbox

import (
	"os"
	"strconv"
	"strings"
)

// residentMB is the process's resident set size (Linux /proc; 0 elsewhere).
func residentMB() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.Atoi(f[1])
	return float64(pages*os.Getpagesize()) / (1 << 20)
}
