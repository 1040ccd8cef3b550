// Package sandbox is the embedded AWS-compatible server: wire front-ends for
// Lambda (restJson1), STS (query), CloudWatch Logs (awsJson1.1 with the
// StartLiveTail event stream) and CloudWatch (RPC v2 CBOR, awsJson1.0 and
// awsQuery), a simulated fleet with traffic and incidents, and fault
// injection. It imports model only; no AWS SDK code runs in the server.
package sandbox
