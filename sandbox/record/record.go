// Package record is the seam between the sandbox's simulation and its
// observability stores: every simulated invocation is reported once as an
// Invocation (metrics) and its log lines as LogLines (logs).
package record

import "time"

// Invocation is the outcome of one simulated invocation (or throttle).
type Invocation struct {
	Function        string
	Resource        string // qualifier used to invoke: alias, version or "" (unqualified)
	ExecutedVersion string // "$LATEST" or a number; "" if throttled before running
	Start           time.Time
	Duration        time.Duration
	InitDuration    time.Duration // non-zero on a cold start
	MemorySizeMB    int
	MaxMemoryUsedMB int
	Error           bool // function error (handled, unhandled or timeout)
	TimedOut        bool
	Throttled       bool // rejected with 429; no other field but Function/Resource/Start matters
	Async           bool
	Provisioned     bool // served by a provisioned environment
	Spillover       bool // alias had provisioned concurrency but this ran on-demand
	Concurrent      int  // the function's concurrent executions when it started
	// Count is how many identical invocations this record stands for
	// (backfilled history is sampled); 0 means 1. Stores weight by it.
	Count int
	// Errors is, for a record with Count > 1, how many of those
	// invocations failed (drawn one by one, so sampled history keeps the
	// error rate without turning one failure into Count failures). Error
	// then describes the sampled invocation itself (its logs). Ignored
	// when Count <= 1.
	Errors int
}

// Failed is how many of the invocations this record stands for failed.
func (r *Invocation) Failed() int {
	if r.Count > 1 {
		return r.Errors
	}
	if r.Error {
		return 1
	}
	return 0
}

// LogLine is one line written to a log stream.
type LogLine struct {
	Time    time.Time
	Message string
}

// Metric is a metric data point that is not derived from an invocation
// (IteratorAge, DeadLetterErrors, AsyncEventsDropped, ...).
type Metric struct {
	Name       string
	Dimensions map[string]string
	Time       time.Time
	Value      float64
}

// Sink receives what the simulation produces. Implementations must be safe
// for concurrent use and must not block for long.
type Sink interface {
	Invocation(Invocation)
	Metric(Metric)
	Logs(group, stream string, lines []LogLine)
}

// Nop discards everything.
type Nop struct{}

func (Nop) Invocation(Invocation)                      {}
func (Nop) Metric(Metric)                              {}
func (Nop) Logs(group, stream string, lines []LogLine) {}

// Multi fans out to several sinks.
type Multi []Sink

func (m Multi) Invocation(i Invocation) {
	for _, s := range m {
		s.Invocation(i)
	}
}
func (m Multi) Metric(x Metric) {
	for _, s := range m {
		s.Metric(x)
	}
}
func (m Multi) Logs(group, stream string, lines []LogLine) {
	for _, s := range m {
		s.Logs(group, stream, lines)
	}
}
