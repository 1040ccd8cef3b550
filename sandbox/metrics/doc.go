// Package metrics owns the sandbox's CloudWatch metrics: a bounded in-memory
// store of 1-minute series (AWS/Lambda metrics aggregated from simulated
// invocations, plus points reported by the simulation or PutMetricData) and
// one protocol-neutral implementation of GetMetricData, GetMetricStatistics,
// ListMetrics and PutMetricData, reached through three thin wire front-ends:
// Smithy RPC v2 CBOR (the Go SDK), awsJson1.0 (botocore) and awsQuery with XML
// responses (AWS CLI v2).
//
// Memory: the invocation-derived series are kept per function (FunctionName,
// then per qualifier FunctionName+Resource, then per version
// FunctionName+Resource+ExecutedVersion for aliases) plus one region-wide
// aggregate. Every series keeps only the minutes that had data: a sorted
// slice of 56-byte minute values (no pointer per minute), for
// Options.Retention (default 3 hours; older minutes are dropped by a sweep
// once a minute and late points older than that are ignored). Each minute's
// distribution (Duration, or any reported metric) is a log-linear histogram
// with 32 sub-buckets per power of two (relative error under 1.6%): the
// newest minute is open as packed uint32s, closed minutes are varint-encoded
// back to back in a per-series arena that is rewritten when half of it is
// garbage. Measured with BenchmarkMemory (2,000 functions, every invocation
// through an alias, so 3 dimension sets each, 30 invocations per function
// per minute): about 41 MB of heap for 60 minutes and 100 MB for 180
// minutes; functions invoked unqualified need about a third of that.
// Percentiles are nearest-rank, read from the histogram and clamped to the
// exact minimum and maximum.
package metrics
