package common

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lambdaops/lambdaops/aws/awsapi"
)

func TestErrLine(t *testing.T) {
	for err, want := range map[error]string{
		errors.New("GetMetricData (4 queries): operation error CloudWatch: GetMetricData, https response error StatusCode: 500, RequestID: , deserialization failed, failed to decode response body, invalid character '<' looking for beginning of value"): "the endpoint answered HTTP 500 with a body that is not an AWS answer",
		fmt.Errorf("x: %w", awsapi.ErrUnsupported): "not supported by this endpoint",
		errors.New("operation error Lambda: GetFunction, https response error StatusCode: 404, RequestID: 1, ResourceNotFoundException: api error ResourceNotFoundException: Function not found"): "ResourceNotFoundException: Function not found",
		errors.New("plain"): "plain",
	} {
		if got := ErrLine(err); got != want {
			t.Errorf("ErrLine(%q) = %q, want %q", err, got, want)
		}
	}
}

func TestUnavailableShortensByPhrases(t *testing.T) {
	err := fmt.Errorf("x: %w", awsapi.ErrUnsupported)
	for w, want := range map[int]string{
		80: "metrics unavailable: not supported by this endpoint",
		45: "no metrics: not supported by this endpoint",
		30: "metrics unavailable",
		12: "no metrics",
	} {
		if got := Unavailable("metrics", err, w); got != want {
			t.Errorf("%d: %q, want %q", w, got, want)
		}
	}
}
