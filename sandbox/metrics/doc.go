// Package metrics owns the sandbox's CloudWatch metrics: a bounded in-memory
// store of 1-minute series (AWS/Lambda metrics aggregated from simulated
// invocations, plus points reported by the simulation or PutMetricData) and
// one protocol-neutral implementation of GetMetricData, GetMetricStatistics,
// ListMetrics and PutMetricData, reached through three thin wire front-ends:
// Smithy RPC v2 CBOR (the Go SDK), awsJson1.0 (botocore) and awsQuery with XML
// responses (AWS CLI v2).
//
// Memory: every series keeps only the minutes that had data (sparse, sorted
// slices of values, no pointer per minute), for Options.Retention (default 3
// hours; older minutes are dropped once a minute). Each minute's
// distribution (Duration, or any put metric) is a sparse log-linear
// histogram: 32 sub-buckets per power of two (relative error under 1.6%),
// packed as one uint32 per non-empty bucket (13-bit bucket code, 19-bit
// count). With 2,000 functions invoked every minute that is roughly 60 MB per
// dimension set for 3 hours (see BenchmarkMemory).
package metrics
