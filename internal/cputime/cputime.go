// Package cputime reads the CPU time this process has used, for the
// benchmarks that report a CPU-time figure next to the wall clock.
package cputime
