//go:build !unix

package main

import "time"

// processCPU is unknown here: rates fall back to the wall clock.
func processCPU() time.Duration { return 0 }
