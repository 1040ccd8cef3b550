// Package sandbox is the embedded AWS-compatible server: wire front-ends for
// Lambda (restJson1), STS (query), CloudWatch Logs (awsJson1.1 with the
// StartLiveTail event stream) and CloudWatch (RPC v2 CBOR, awsJson1.0 and
// awsQuery), a simulated fleet with traffic and incidents, and fault
// injection. It imports model only; no AWS SDK code runs in the server.
//
// This package owns Start/Options/Server, the one http.Handler that
// classifies every request (X-Amz-Target, the CloudWatch CBOR path, query
// form posts, else Lambda routes), the faults and quotas middleware around
// all of them, STS GetCallerIdentity, per-operation Stats, the wiring of
// the Lambda world (sandbox/lambda) to the simulation (sandbox/sim) and the
// observability stores (sandbox/logs, sandbox/metrics), and Main, the
// `lambdaops sandbox` subcommand.
package sandbox
