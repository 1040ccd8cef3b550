package awsapi

import (
	"context"
	"fmt"
)

// Validator is offered by a session opened from the identity remembered
// for its profile and endpoint (a warm start): the UI draws the cached
// fleet at once and learns here, in a tea.Cmd, whether STS agrees.
type Validator interface {
	// Validated waits for the STS check (running it again after a failure):
	// nil when the remembered account is confirmed; *AccountChangedError
	// when it is another account (the session now talks to that one);
	// otherwise why it could not be checked (*NetworkError, expired or
	// missing credentials).
	Validated(ctx context.Context) error
}

// AccountChangedError says the credentials now belong to another account
// than the one whose fleet was cached: the cached view must be dropped.
type AccountChangedError struct{ Cached, Now string }

func (e *AccountChangedError) Error() string {
	return fmt.Sprintf("the credentials now belong to account %s, not %s as last time: the cached view was dropped", e.Now, e.Cached)
}

// NetworkError says the endpoint could not be reached at all (refused,
// unresolvable, timed out): a network problem, not a credentials one.
type NetworkError struct {
	Endpoint string // what was dialled
	Reason   string // "connection refused", "no such host", "timed out", ...
	Err      error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("cannot reach %s: %s (a network error, not a credentials one)", e.Endpoint, e.Reason)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// NoCredentialsError says no credentials were found anywhere in the chain.
type NoCredentialsError struct {
	Profile string
	Err     error
}

func (e *NoCredentialsError) Error() string {
	p := ""
	if e.Profile != "" {
		p = " for profile " + e.Profile
	}
	return "no AWS credentials found" + p + ": run `aws configure` (access keys) or `aws sso login --profile <p>` (SSO), " +
		"pass --profile <p>, or try lambdaops --sandbox (no account needed)"
}

func (e *NoCredentialsError) Unwrap() error { return e.Err }
