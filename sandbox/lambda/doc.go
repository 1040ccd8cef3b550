// Package lambda is the sandbox's Lambda control plane: the world (functions,
// versions, aliases, concurrency, provisioned concurrency, event source
// mappings, tags, policies, async invoke configs) with AWS's rules and error
// types, the seeded demo fleet, and the restJson1 front-end that decodes
// requests into typed calls and encodes results and errors exactly as AWS
// does. State lives in memory behind one RWMutex; time comes only from the
// injected clock, so state transitions (LastUpdateStatus, provisioned
// concurrency, mapping states) are evaluated lazily against it. Invocations
// are resolved here (qualifier, alias routing) and executed by an Executor
// (the simulation in sandbox/sim). It imports model only, never the AWS SDK.
package lambda
