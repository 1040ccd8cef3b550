//go:build !unix

package sandbox

import "time"

func processCPU() time.Duration { return 0 }

func residentMB() float64 { return 0 }
