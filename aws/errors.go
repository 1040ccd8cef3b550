package aws

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	ssooidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func randFloat() float64 { return rand.Float64() }

// classify turns SDK errors the UI must treat specially into this
// package's typed errors: an expired SSO session becomes *ErrSSOExpired.
func (c *Client) classify(err error) error {
	if err == nil {
		return nil
	}
	if isSSOExpired(err) {
		return &ssoExpired{ErrSSOExpired: ErrSSOExpired{Profile: c.cfg.Profile}, cause: err}
	}
	if nf := c.asFunctionNotFound(err); nf != err {
		return nf
	}
	return c.startError(err)
}

// ssoExpired is an *ErrSSOExpired that keeps its cause for errors.Is/As.
type ssoExpired struct {
	ErrSSOExpired
	cause error
}

func (e *ssoExpired) Unwrap() error { return e.cause }

// As lets errors.As(err, **ErrSSOExpired) find it.
func (e *ssoExpired) As(target any) bool {
	if t, ok := target.(**ErrSSOExpired); ok {
		*t = &e.ErrSSOExpired
		return true
	}
	return false
}

// isSSOExpired detects the SDK's ways of saying the SSO token is gone.
func isSSOExpired(err error) bool {
	var inv *ssocreds.InvalidTokenError
	if errors.As(err, &inv) {
		return true
	}
	var grant *ssooidctypes.InvalidGrantException
	var exp *ssooidctypes.ExpiredTokenException
	var unauth *ssotypes.UnauthorizedException
	if errors.As(err, &grant) || errors.As(err, &exp) || errors.As(err, &unauth) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"cached SSO token is expired",
		"refresh cached SSO token failed",
		"the SSO session has expired",
		"failed to read cached SSO token file",
		"SSOProviderInvalidToken",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// unsupportedError marks an operation the endpoint lacks; it matches
// ErrUnsupported with errors.Is and keeps the original error.
type unsupportedError struct {
	op    string
	cause error
}

func (e *unsupportedError) Error() string {
	return fmt.Sprintf("%s is not supported by this endpoint (%v)", e.op, e.cause)
}
func (e *unsupportedError) Unwrap() error        { return e.cause }
func (e *unsupportedError) Is(target error) bool { return target == ErrUnsupported }

// asUnsupported wraps err as ErrUnsupported when it shows the endpoint does
// not implement op: a 404 without a modeled not-found error (moto answers
// unknown routes with an HTML 404), 501, or an unknown-operation code.
func asUnsupported(op string, err error) error {
	if err == nil || errors.Is(err, ErrUnsupported) {
		return err
	}
	if isUnsupported(err) {
		return &unsupportedError{op: op, cause: err}
	}
	return err
}

func isUnsupported(err error) bool {
	var api smithy.APIError
	code := ""
	if errors.As(err, &api) {
		code = api.ErrorCode()
		switch code {
		case "UnknownOperationException", "UnknownOperation", "NotImplemented", "InvalidAction",
			"UnsupportedOperation", "UnrecognizedClientException":
			return true
		}
		if strings.Contains(strings.ToLower(api.ErrorMessage()), "not yet implemented") {
			return true
		}
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if htmlError(re) {
			return true
		}
		switch re.Response.StatusCode {
		case http.StatusNotImplemented:
			return true
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			// A modeled not-found names the missing resource; anything else
			// (HTML, empty body, generic code) means the route is unknown.
			return !strings.HasSuffix(code, "NotFoundException") && !strings.HasSuffix(code, "NotFound")
		}
	}
	msg := err.Error()
	return strings.Contains(msg, "not yet implemented") || strings.Contains(msg, "is not implemented")
}

// isThrottle reports whether err is a throttling error.
func isThrottle(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) && isThrottleCode(api.ErrorCode()) {
		return true
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusTooManyRequests
}

func errCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func isNotFound(err error) bool {
	c := errCode(err)
	return strings.HasSuffix(c, "NotFoundException") || c == "ResourceNotFound"
}

// requestID extracts the AWS request id from an SDK error, if any.
func requestIDOf(err error) string {
	var re interface{ ServiceRequestID() string }
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}

// htmlError is an error answered with an HTML page: no AWS API does that,
// emulators do for routes they lack (moto: 404, or 500 for StartLiveTail).
func htmlError(re *smithyhttp.ResponseError) bool {
	if re == nil || re.Response == nil || re.Response.StatusCode < 400 {
		return false
	}
	switch re.Response.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return false // proxies answer these in HTML too; they are transient
	}
	return strings.Contains(strings.ToLower(re.Response.Header.Get("Content-Type")), "html")
}

// noRetryHTML stops the SDK retrying an emulator's HTML error page.
type noRetryHTML struct{}

func (noRetryHTML) IsErrorRetryable(err error) sdkaws.Ternary {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && htmlError(re) {
		return sdkaws.FalseTernary
	}
	return sdkaws.UnknownTernary
}
