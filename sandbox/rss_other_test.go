//go:build !unix

package sandbox

func residentMB() float64 { return 0 }
