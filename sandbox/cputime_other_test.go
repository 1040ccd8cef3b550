//go:build !unix

package sandbox

import "time"

func processCPU() time.Duration { return 0 }
