package awsapi

import "github.com/lambdaops/lambdaops/model"

// InvokeHistory keeps each function's latest invocations in the state
// directory, per account and region, so a user reopening the tool sees
// them. The aws session implements it; the invoke pane reaches it with a
// type assertion on Deps.Fleet, so fakes need not (and keep nothing).
type InvokeHistory interface {
	// SaveInvocations replaces the function's kept invocations (the newest
	// model.MaxKeptInvocations, responses cut to model.MaxKeptResponse).
	SaveInvocations(function string, list []model.Invocation) error
	// Invocations reads them back, oldest first (none: nil, nil).
	Invocations(function string) ([]model.Invocation, error)
}
