// Package aws is the only package that imports the AWS SDK. It owns sessions
// (profiles, regions, endpoints, the sandbox), the rate governor, paging,
// metrics batching, the live log tail with its polling fallback, read-only
// enforcement and the mutation journal. It exposes the interfaces in api.go,
// shaped for the UI and returning model types.
//
// Open validates credentials with STS GetCallerIdentity and returns a
// *Client, which implements Session, Connector and Extras. In outline:
//
//   - governor.go: one token bucket per (account, region, quota) at 2/3 of
//     each AWS quota by default, paused on throttles (Retry-After,
//     X-Amz-Retry-After, jittered backoff) and slowed AIMD-style; a Live
//     Tail session semaphore (12). It sits under the SDK's retry loop, whose
//     retry-quota bucket is disabled so throttle storms never fail fast.
//   - fleet.go, enrich.go, cache.go: page-by-page listing (50 a page),
//     region-wide mapping sweeps, lazy prioritised GetFunction enrichment,
//     the on-disk snapshot per account and region (XDG cache dir).
//   - metrics.go: GetMetricData in ≤500-query calls, zero-filled series,
//     provisional newest point, query cost; CBOR with an awsJson1.0 fallback
//     for emulators.
//   - logs.go: StartLiveTail (≤10 groups a session, renewed before 3 h),
//     FilterLogEvents backfill and polling fallback, batched delivery.
//   - mutate.go, journal.go: guarded mutations (read-only, RevisionId,
//     unreserved floor, payload limits, LastUpdateStatus) and the JSONL
//     journal in the XDG state dir.
//
// The subpackage awsbench holds the benchmarks that bench/aws runs.
package aws
