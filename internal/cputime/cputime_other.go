//go:build !unix

package cputime

import "time"

// Process is unknown here (0): the benchmarks fall back to the wall clock.
func Process() time.Duration { return 0 }
