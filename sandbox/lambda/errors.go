package lambda

import (
	"fmt"
	"net/http"
)

// Error is an AWS error: HTTP status, error type (shape name) and message.
type Error struct {
	Status  int
	Type    string
	Message string
	// Reason is sent for TooManyRequestsException (e.g. ReservedFunctionConcurrentInvocationLimitExceeded).
	Reason string
	// RetryAfter in seconds, sent as Retry-After for throttles (0 = none).
	RetryAfter int
	// RetryAfterMs, when set, is sent as X-Amz-Retry-After (else RetryAfter×1000).
	RetryAfterMs int
	// RequestID, when set, is the response's X-Amzn-RequestId (a message
	// that quotes the request id).
	RequestID string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

func errf(status int, typ, format string, a ...any) *Error {
	return &Error{Status: status, Type: typ, Message: fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) *Error {
	return errf(http.StatusNotFound, "ResourceNotFoundException", format, a...)
}

func invalidParam(format string, a ...any) *Error {
	return errf(http.StatusBadRequest, "InvalidParameterValueException", format, a...)
}

func validation(format string, a ...any) *Error {
	return errf(http.StatusBadRequest, "ValidationException", format, a...)
}

func conflict(format string, a ...any) *Error {
	return errf(http.StatusConflict, "ResourceConflictException", format, a...)
}

func precondition(format string, a ...any) *Error {
	return errf(http.StatusPreconditionFailed, "PreconditionFailedException", format, a...)
}

func fnNotFound(arn string) *Error { return notFound("Function not found: %s", arn) }

func provNotFound() *Error {
	return &Error{Status: http.StatusNotFound, Type: "ProvisionedConcurrencyConfigNotFoundException", Message: "No Provisioned Concurrency Config found for this function"}
}

// ErrThrottled builds a 429 TooManyRequestsException with a Reason.
func ErrThrottled(reason, msg string, retryAfter int) *Error {
	return &Error{Status: http.StatusTooManyRequests, Type: "TooManyRequestsException", Message: msg, Reason: reason, RetryAfter: retryAfter}
}

func aliasNotFound(aliasARN string) *Error { return notFound("Cannot find alias arn: %s", aliasARN) }

// resourceNotFoundWithID is AWS's generic 404 that quotes the request id.
func resourceNotFoundWithID() *Error {
	id := newRequestID()
	e := notFound("The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: %s)", id)
	e.RequestID = id
	return e
}
