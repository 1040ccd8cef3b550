// Package awsapi is the contract between the UI and the aws layer: the
// interfaces the UI consumes (Fleet, Metrics, Logs, Journal, Session,
// Connector), the types they carry and the errors they return. It imports
// model only, so the UI never links the AWS SDK; package aws implements it.
package awsapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// Page is one page of a function listing, delivered as soon as it arrives.
type Page struct {
	Functions []model.Function
	Index     int  // 0-based page number
	Loaded    int  // functions delivered so far, this page included
	Last      bool // no more pages follow
}

// FleetReader is the read side of the Lambda control plane: nothing here
// changes the account.
type FleetReader interface {
	Target() model.Target
	Identity(ctx context.Context) (model.Identity, error)
	// Snapshot is the last fleet listing cached on disk for this account and
	// region (ok false when there is none); it is stale until refreshed.
	Snapshot() (fns []model.Function, taken time.Time, ok bool)

	// ListFunctions streams the region's functions page by page: fn gets
	// page 1 before page 2 is requested. Returning an error from fn stops.
	ListFunctions(ctx context.Context, fn func(Page) error) error
	GetFunction(ctx context.Context, name string) (model.FunctionDetail, error)
	ListVersions(ctx context.Context, function string) ([]model.Version, error)
	ListAliases(ctx context.Context, function string) ([]model.Alias, error)
	GetAlias(ctx context.Context, function, alias string) (model.Alias, error)
	// ListMappings lists event source mappings; function "" sweeps the region.
	ListMappings(ctx context.Context, function string) ([]model.ESM, error)
	AccountSettings(ctx context.Context) (model.AccountSettings, error)
	GetReserved(ctx context.Context, function string) (*int, error)
	ListProvisioned(ctx context.Context, function string) ([]model.ProvisionedConfig, error)
}

// FleetMutator is every change lambdaops can make. Each is refused with
// ErrReadOnly in read-only mode before any network call, and each is
// journaled. Read-only is decided by the session in aws (the --read-only
// flag, a read-only profile or account, or SetReadOnly from :readonly), not
// by a wrapper in the UI: a mutation added here is refused like the others
// (the aws tests call every method of this interface on a read-only
// session).
type FleetMutator interface {
	PublishVersion(ctx context.Context, function, description string) (model.Version, error)
	CreateAlias(ctx context.Context, a model.Alias) (model.Alias, error)
	// UpdateAlias sets the alias to version/routing, sending current.RevisionID.
	// A RevisionId mismatch returns *ConflictError carrying the alias as it now is.
	UpdateAlias(ctx context.Context, current model.Alias, version string, routing model.Routing) (model.Alias, error)
	PutReserved(ctx context.Context, function string, n int) error
	DeleteReserved(ctx context.Context, function string) error
	PutProvisioned(ctx context.Context, function, qualifier string, n int) (model.ProvisionedConfig, error)
	DeleteProvisioned(ctx context.Context, function, qualifier string) error
	// UpdateMapping enables/disables a mapping and/or sets its batch size;
	// reason is recorded in the journal.
	UpdateMapping(ctx context.Context, uuid string, enabled *bool, batchSize *int, reason string) (model.ESM, error)
	Invoke(ctx context.Context, req model.InvokeRequest) (model.InvokeResult, error)
}

// Fleet is the Lambda control plane as the UI sees it. Every method is safe
// to call from a tea.Cmd goroutine; none is ever called from Update or View.
type Fleet interface {
	FleetReader
	FleetMutator
}

// ReadOnlySetter turns a session read-only for the rest of its life
// (:readonly): from then on every FleetMutator call is refused, Target
// reports model.ReadOnly, and sessions it connects to stay read-only.
type ReadOnlySetter interface {
	SetReadOnly()
}

// Metrics reads CloudWatch metrics in batches of up to 500 queries a call.
type Metrics interface {
	// GetMetrics returns one series per query (same order), points from
	// start to end with missing periods filled as zero.
	GetMetrics(ctx context.Context, queries []model.MetricQuery, start, end time.Time) ([]model.MetricSeries, error)
	// QueryCost is the dollar cost of metric queries made so far ($0.01 per 1,000 metrics).
	QueryCost() float64
}

// TailRequest asks for a live tail of one or more log groups.
type TailRequest struct {
	Groups         []string
	StreamPrefixes []string // only with exactly one group (e.g. "2026/11/26/[7]")
	Filter         string   // CloudWatch filter pattern, applied at the source
	Backfill       time.Duration
}

// TailMode says how a tail is being fed.
type TailMode string

const (
	TailLive TailMode = "live" // StartLiveTail
	TailPoll TailMode = "poll" // FilterLogEvents polling fallback
)

// TailBatch is a batch of events from a tail, delivered every ~250 ms at most.
type TailBatch struct {
	Events  []model.LogEvent
	Mode    TailMode
	Sampled bool          // the server sampled: not every event was delivered
	Dropped int           // events known lost (buffer overflow)
	Lag     time.Duration // ingestion time minus event time, newest event
	Err     error         // a non-fatal error (the tail goes on) or the final one
}

// Logs tails and searches CloudWatch Logs.
type Logs interface {
	// Tail starts a tail; the channel closes when ctx is cancelled or the tail fails for good.
	Tail(ctx context.Context, req TailRequest) <-chan TailBatch
}

// Journal reads back recorded mutations, for undo.
type Journal interface {
	// Last returns the newest successful entry for target (e.g. "fn:alias").
	Last(target string) (model.JournalEntry, bool)
}

// Alarms is CloudWatch alarms for one account and region.
type Alarms interface {
	// Alarms reads every metric and composite alarm (DescribeAlarms, paged
	// within its quota, never one call per function), indexed by the
	// functions they watch; the read is reused for a minute unless refresh.
	// Endpoints without alarms (moto, LocalStack) return ErrUnsupported.
	Alarms(ctx context.Context, refresh bool) (*model.AlarmIndex, error)
	// AlarmHistory returns an alarm's history, newest first, at most max.
	AlarmHistory(ctx context.Context, name string, max int) ([]model.AlarmHistory, error)
	// SetAlarmState and SetAlarmActions are mutations: refused with
	// ErrReadOnly in read-only mode before any network call, and journaled.
	SetAlarmState(ctx context.Context, name, state, reason string) error
	SetAlarmActions(ctx context.Context, names []string, enabled bool, reason string) error
}

// Session is everything one account and region offers the UI.
type Session interface {
	Fleet
	Metrics
	Logs
	Journal
	Deployments
	Alarms
	ReadOnlySetter
}

// Connector opens a session for another profile or region. It validates the
// credentials with STS GetCallerIdentity first: on failure it returns an
// error and the caller keeps its old session.
type Connector interface {
	Connect(ctx context.Context, profile, region string) (Session, error)
}

// ErrReadOnly is returned for any mutation attempted in read-only mode.
var ErrReadOnly = errors.New("read-only mode: this change was not sent")

// ErrUnsupported marks an operation the endpoint does not implement (moto, LocalStack).
var ErrUnsupported = errors.New("not supported by this endpoint")

// ErrSSOExpired means the SSO session behind the profile has expired;
// the user must run `aws sso login` for it.
type ErrSSOExpired struct{ Profile string }

func (e *ErrSSOExpired) Error() string {
	return fmt.Sprintf("the SSO session for profile %q has expired: run `aws sso login --profile %s`", e.Profile, e.Profile)
}

// ConflictError reports that an alias changed since it was read.
type ConflictError struct {
	Current model.Alias // the alias as it is now
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("alias %s:%s was changed by someone else (revision %s); nothing was overwritten",
		e.Current.Function, e.Current.Name, e.Current.RevisionID)
}

// FloorError reports a reserved-concurrency change that would leave fewer
// than 100 unreserved executions.
type FloorError struct {
	Limit, Unreserved, CurrentReserved, Requested int
}

func (e *FloorError) Error() string {
	left := e.Unreserved + e.CurrentReserved - e.Requested
	return fmt.Sprintf("reserving %d would leave %d unreserved (unreserved %d + this function's %d − %d); Lambda keeps at least 100",
		e.Requested, left, e.Unreserved, e.CurrentReserved, e.Requested)
}

// MinUnreserved is what Lambda keeps unreserved for functions without a reservation.
const MinUnreserved = 100

// PayloadTooLargeError is returned before sending when an invoke payload
// exceeds the limit for its invocation type.
type PayloadTooLargeError struct {
	Size, Limit int
	Type        model.InvocationType
}

func (e *PayloadTooLargeError) Error() string {
	return fmt.Sprintf("payload is %d bytes; %s invocations take at most %d bytes (nothing was sent)", e.Size, e.Type, e.Limit)
}
