package aws

import (
	"context"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

// The UI-facing contract lives in package awsapi (so the UI never links the
// SDK); these aliases let this package and its callers use the short names.
type (
	Page                 = awsapi.Page
	Fleet                = awsapi.Fleet
	FleetReader          = awsapi.FleetReader
	FleetMutator         = awsapi.FleetMutator
	ReadOnlySetter       = awsapi.ReadOnlySetter
	Metrics              = awsapi.Metrics
	TailRequest          = awsapi.TailRequest
	TailMode             = awsapi.TailMode
	TailBatch            = awsapi.TailBatch
	Logs                 = awsapi.Logs
	Journal              = awsapi.Journal
	Alarms               = awsapi.Alarms
	Session              = awsapi.Session
	Deployments          = awsapi.Deployments
	Connector            = awsapi.Connector
	ErrSSOExpired        = awsapi.ErrSSOExpired
	ConflictError        = awsapi.ConflictError
	FloorError           = awsapi.FloorError
	PayloadTooLargeError = awsapi.PayloadTooLargeError
)

// Tail modes.
const (
	TailLive = awsapi.TailLive
	TailPoll = awsapi.TailPoll
)

// MinUnreserved is what Lambda keeps unreserved for functions without a reservation.
const MinUnreserved = awsapi.MinUnreserved

// Errors of the contract.
var (
	ErrReadOnly    = awsapi.ErrReadOnly
	ErrUnsupported = awsapi.ErrUnsupported
)

// Extras is what *Client offers beyond Session. ADDED by the aws layer
// (additive; nothing above changed). The UI can use it with a type
// assertion, e.g. `if x, ok := sess.(aws.Extras); ok { e := x.NewEnricher(ctx, 4) }`:
//   - NewEnricher: lazy, prioritised GetFunction enrichment (tags, reserved
//     concurrency); feed it the visible names with Visible(...) on scroll.
//   - LastAction: Journal.Last restricted to one action ("UpdateAlias", ...).
//   - Stats: per-operation request/throttle counts for a status line.
//   - WaitUpdated: wait until a function's LastUpdateStatus settles.
//   - ListAllVersions: every version region-wide (ListFunctions FunctionVersion=ALL).
type Extras interface {
	NewEnricher(ctx context.Context, workers int) *Enricher
	LastAction(target, action string) (model.JournalEntry, bool)
	Stats() CallStats
	WaitUpdated(ctx context.Context, function string) (model.Function, error)
	ListAllVersions(ctx context.Context, fn func(Page) error) error
}

// Warm-start contract (awsapi/warm.go).
type (
	Validator           = awsapi.Validator
	AccountChangedError = awsapi.AccountChangedError
	NetworkError        = awsapi.NetworkError
	NoCredentialsError  = awsapi.NoCredentialsError
)
