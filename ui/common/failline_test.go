package common

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lambdaops/lambdaops/aws/awsapi"
)

func TestFailLineSaysNotFoundOnce(t *testing.T) {
	nf := &awsapi.FunctionNotFoundError{Function: "nosuch", Account: "123456789012", Region: "us-east-1"}
	if got := FailLine("tune nosuch", fmt.Errorf("x: %w", nf)); got != "function nosuch not found in 123456789012/us-east-1" {
		t.Errorf("got %q", got)
	}
	if got := FailLine("qualifiers", errors.New("boom")); got != "qualifiers: boom" {
		t.Errorf("got %q", got)
	}
}
