//go:build !unix

package awsbench

import "time"

// processCPU is unknown here: the alarm bench reports the wall clock only.
func processCPU() time.Duration { return 0 }
