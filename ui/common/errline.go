package common

import (
	"errors"
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
)

var statusRe = regexp.MustCompile(`StatusCode: (\d{3})`)

// ErrLine says in one short line what an AWS call's error means, for a
// pane's title or the footer: never the SDK's whole chain ("operation
// error …, https response error StatusCode: 500, RequestID: , deserialization
// failed, failed to decode response body, invalid character '<' …").
func ErrLine(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, awsapi.ErrUnsupported) {
		return "not supported by this endpoint"
	}
	var nf *awsapi.FunctionNotFoundError
	if errors.As(err, &nf) {
		return nf.Error()
	}
	msg := err.Error()
	if m := statusRe.FindStringSubmatch(msg); m != nil &&
		(strings.Contains(msg, "deserialization failed") || strings.Contains(msg, "failed to decode")) {
		// an answer that is not the API's (an emulator's HTML error page)
		return "the endpoint answered HTTP " + m[1] + " with a body that is not an AWS answer"
	}
	if i := strings.LastIndex(msg, "api error "); i >= 0 {
		msg = msg[i+len("api error "):]
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return Clean(msg)
}

// Unavailable says that what is unavailable because of err, in at most w
// cells, shortening by whole phrases ("metrics unavailable: not supported
// by this endpoint", then "no metrics: …", then "no metrics"), never
// cutting a word.
func Unavailable(what string, err error, w int) string {
	line := ErrLine(err)
	for _, s := range []string{what + " unavailable: " + line, "no " + what + ": " + line, what + " unavailable", "no " + what} {
		if ansi.StringWidth(s) <= w {
			return s
		}
	}
	return "no " + what
}
