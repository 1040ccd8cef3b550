// Package sim is the simulation behind the embedded sandbox: execution
// environments (cold starts, reuse, idle expiry), concurrency accounting
// (reserved, account, provisioned with spillover), the outcome of every
// invocation (duration, errors, timeouts, memory, log lines exactly as
// Lambda writes them) and the traffic engine that keeps the demo fleet
// alive (daily shape, bursts, SQS queues and Kinesis/DynamoDB streams
// polled by event source mappings, IteratorAge, dead-letter errors).
//
// It knows nothing about HTTP or the world's state: the world (package
// sandbox, owned by sandbox-core) resolves qualifiers and alias routing and
// hands the engine a fully described Call; the traffic engine reaches the
// world through the small World interface. Everything it produces goes to
// a record.Sink. Time comes only from a clock.Clock and randomness only
// from the seed, so a manual clock gives deterministic runs.
//
// API stability note for sandbox-core: this file is the contract. Changes
// are additive (new fields, new methods); any breaking change is listed
// here with the date.
//
//   - record.Invocation gained Count (0 = 1): backfilled records may stand
//     for several identical invocations. Metrics stores should weight by it
//     (Invocations, Errors, Throttles, spillover and duration samples).
//   - Call.Tracing added (REPORT gains the XRAY fields).
//
// Async calls: the engine reports a throttle for an Event invocation like
// any other (Result.Throttled, a Throttled record); the front-end still
// answers 202, as Lambda queues async events.
//
// Helpers beyond this file: DemoBehaviour and the Fn* incident names
// (demo.go), DailyShape, BaseInitDuration, (*Behaviour).MedianDuration and
// ErrorRateAt, and on Traffic: IteratorAge, Backlog, Invocations.
package sim

import (
	"context"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// Behaviour is a function's simulated profile. The zero value is a healthy,
// quiet 100 ms function; DemoBehaviour returns tuned profiles for the demo
// fleet (including the incident functions).
type Behaviour struct {
	// MeanDuration is the median duration at 1024 MB. CPU is proportional
	// to memory (one full vCPU at 1769 MB), so the CPU-bound part shrinks
	// as memory grows and barely improves above 1769 MB. 0 = 100 ms.
	MeanDuration time.Duration
	// IOFraction is the part of MeanDuration spent waiting (network, disk)
	// that does not scale with memory, 0..1. 0 = 0.3.
	IOFraction float64
	// Jitter is the log-normal sigma of the duration (0 = 0.25).
	Jitter float64
	// P99 at 1024 MB, for heavy-tailed functions (report-generator): when
	// set it replaces Jitter so that the 99th percentile lands there.
	P99 time.Duration

	// ErrorRate is the probability that an invocation fails (0..1).
	ErrorRate float64
	// ErrorRateAfter replaces ErrorRate from ErrorChangeAt on (a jump such
	// as payments-webhook's). Ignored when ErrorChangeAt is zero.
	ErrorRateAfter float64
	ErrorChangeAt  time.Time
	// VersionErrorRate overrides the error rate for an executed version
	// (checkout-api's canary: "8" fails more than "7").
	VersionErrorRate map[string]float64
	// HandledShare is the fraction of errors reported as Handled rather
	// than Unhandled (0 = all Unhandled, as modern runtimes do).
	HandledShare float64

	// MemoryUsedMB is the typical Max Memory Used (capped at the
	// configured memory). 0 = derived from the runtime.
	MemoryUsedMB int
	// WorkingSetMB is the memory the work needs: at a smaller memory size
	// every invocation runs out of memory, as AWS reports it (errorType
	// Runtime.OutOfMemory, Max Memory Used = Memory Size, the environment
	// is lost). 0 = never.
	WorkingSetMB int
	// InitDuration is the cold-start Init Duration. 0 = derived from the
	// runtime (Java/.NET slow, Python/Node fast, Go/custom fastest),
	// package size and type (container images slower); VPC adds little.
	InitDuration time.Duration
	// Instant runs every invocation in no simulated time (Duration and
	// Init Duration 0), so a synchronous Invoke answers at once on the real
	// clock too: for benchmarks of the sandbox's own overhead.
	Instant bool

	// Rate is the direct invocation rate at the daily peak, invocations/s
	// (before the traffic engine's scale factor).
	Rate float64
	// AsyncShare is the fraction of traffic invocations that are async
	// (InvocationType Event), 0..1.
	AsyncShare float64
	// DeadLetterFailRate: for async errors on a function with a DLQ, the
	// probability that delivery to the DLQ fails (DeadLetterErrors +
	// AsyncEventsDropped). email-sender has it > 0.
	DeadLetterFailRate float64
}

// Call is one invocation, fully resolved by the world: qualifier and alias
// routing already decided (Version is the executed version), configuration
// read from that version.
type Call struct {
	Function    string // function name
	FunctionARN string // unqualified ARN (for error payloads); optional
	Resource    string // qualifier used to invoke: alias, version or "" (unqualified)
	Version     string // executed version: "$LATEST" or a number

	Runtime      string // e.g. nodejs20.x, python3.12, java21, provided.al2023; "" for images
	Architecture string // x86_64 | arm64
	PackageType  string // Zip | Image
	MemoryMB     int
	TimeoutSec   int
	CodeSize     int64
	VPC          bool
	LogGroup     string // "" = /aws/lambda/<Function>
	LogFormat    string // Text (default) | JSON
	DLQ          string // dead-letter target ARN, "" if none
	Tracing      bool   // TracingConfig Active: the REPORT line gets XRAY fields

	// Reserved is the function's reserved concurrency (nil = none; 0 means
	// every call is throttled).
	Reserved *int
	// Provisioned is the READY provisioned concurrency configured for the
	// qualifier used (Resource); 0 when none. Provisioned environments serve
	// first; beyond them calls spill over to on-demand environments.
	Provisioned int

	Behaviour *Behaviour // nil = zero Behaviour
	Payload   []byte     // request payload (echoed into some responses)
	Async     bool       // InvocationType Event
	Tail      bool       // LogType Tail: fill Result.LogTail

	// Weight makes one simulated call stand for Weight identical ones
	// (backfill); 0 = 1. The world leaves it 0.
	Weight int
}

// Throttle reasons, as the Reason field of Lambda's TooManyRequestsException.
const (
	ReasonReserved = "ReservedFunctionConcurrentInvocationLimitExceeded"
	ReasonAccount  = "ConcurrentInvocationLimitExceeded"
)

// Function error types, as the X-Amz-Function-Error header.
const (
	ErrorHandled   = "Handled"
	ErrorUnhandled = "Unhandled"
)

// Result is the outcome of Invoke.
type Result struct {
	Throttled bool
	Reason    string // ReasonReserved | ReasonAccount when Throttled

	RequestID       string // uuid-like
	ExecutedVersion string
	FunctionError   string // "" | Handled | Unhandled
	TimedOut        bool
	Payload         []byte // response payload (JSON); error object on failure
	LogTail         string // raw (not base64) last 4 KB of this invocation's log, when Call.Tail

	Duration        time.Duration // simulated run time (capped at the timeout)
	BilledDuration  time.Duration // Duration rounded up to 1 ms
	InitDuration    time.Duration // non-zero on a cold start
	MaxMemoryUsedMB int
	Provisioned     bool // served by a provisioned environment
	Spillover       bool // qualifier had provisioned concurrency, ran on-demand
}

// NewEngine returns an engine reporting into sink. accountLimit is the
// account concurrency limit (0 = 1000). seed fixes every random choice.
func NewEngine(clk clock.Clock, sink record.Sink, seed int64, accountLimit int) *Engine {
	return newEngine(clk, sink, seed, accountLimit)
}

// Invoke runs c now (clk.Now()). It returns at once in wall time; the
// environment stays busy for Result.Duration of simulated time. Safe for
// concurrent use.
func (e *Engine) Invoke(c Call) Result { return e.invoke(e.clk.Now(), c) }

// InvokeAt runs c as if it started at t (the traffic engine uses it for
// invocations spread across a step). t should not run far behind other
// calls for the same function.
func (e *Engine) InvokeAt(t time.Time, c Call) Result { return e.invoke(t, c) }

// SetReservedTotal tells the engine the sum of all functions' reserved
// concurrency; unreserved functions share AccountLimit()-total.
// sandbox-core calls it whenever a reservation changes.
func (e *Engine) SetReservedTotal(total int) { e.reservedTotal.Store(int64(total)) }

// AccountLimit is the account concurrency limit.
func (e *Engine) AccountLimit() int { return e.accountLimit }

// Concurrency is the function's executions in flight now (all qualifiers).
func (e *Engine) Concurrency(function string) int { return e.concurrency(function, e.clk.Now()) }

// AccountConcurrency is the account's executions in flight now.
func (e *Engine) AccountConcurrency() int { return e.accountConcurrency(e.clk.Now()) }

// Reset retires the function's environments (after a configuration or code
// change): in-flight ones finish, none is reused, the next calls are cold.
func (e *Engine) Reset(function string) { e.reset(function, false) }

// Forget drops all state of a deleted function.
func (e *Engine) Forget(function string) { e.reset(function, true) }

// World is what the traffic engine needs from the sandbox's state.
// sandbox-core implements it; every method must be safe for concurrent use
// and cheap (they are called every step).
type World interface {
	// Targets appends the functions (or function+qualifier pairs) that
	// receive direct traffic at Behaviour.Rate, and returns dst. Functions
	// driven only by mappings are left out (or given Rate 0).
	Targets(dst []Target) []Target
	// Mappings appends every event source mapping and returns dst.
	Mappings(dst []Mapping) []Mapping
	// Invoke resolves function+qualifier (alias routing, version config,
	// concurrency settings) and runs it through Engine.InvokeAt(at, ...).
	// ok is false when the function or qualifier no longer exists.
	Invoke(function, qualifier string, at time.Time, async bool, payload []byte) (r Result, ok bool)
}

// Target is one traffic target.
type Target struct {
	Function  string
	Qualifier string     // "" = unqualified; an alias such as "live" or "prod"
	Behaviour *Behaviour // Rate, AsyncShare, DeadLetterFailRate are read from it
}

// Mapping is an event source mapping as the traffic engine sees it.
type Mapping struct {
	UUID       string
	Function   string
	Qualifier  string // from a qualified FunctionArn; "" otherwise
	SourceARN  string
	SourceType string // SQS | Kinesis | DynamoDB (model.SourceTypeFromARN)
	State      string // only "Enabled" is polled
	BatchSize  int    // records per invocation (0 = 10 for SQS, 100 for streams)
	// Rate is records/s produced into the source at the daily peak
	// (before the traffic scale factor).
	Rate float64
	// Shards is the stream's shard count (one batch in flight per shard);
	// 0 = 1. Ignored for SQS.
	Shards int
}

// NewTraffic returns a traffic engine driving e through w. rate scales the
// whole load (0 = 1). It does nothing until Step, Backfill or Run.
func NewTraffic(e *Engine, w World, clk clock.Clock, rate float64, seed int64) *Traffic {
	return newTraffic(e, w, clk, rate, seed)
}

// Step generates the invocations (direct traffic and mapping polls) that
// fall between the previous step and now, in 100 ms slices aligned on the
// clock, so the result does not depend on how time was advanced. The first
// Step starts at now. Safe for concurrent use (steps are serialised).
func (t *Traffic) Step(now time.Time) { t.step(now) }

// Backfill simulates the last d before the clock's now, cheaply (sampled
// logs; weighted records when the load is high), so metrics show history
// when the UI opens. Call it once, before the first Step.
func (t *Traffic) Backfill(d time.Duration) { t.backfill(d) }

// Run steps the engine every 100 ms of wall time until ctx is done.
func (t *Traffic) Run(ctx context.Context) { t.run(ctx) }
