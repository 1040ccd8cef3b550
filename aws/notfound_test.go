package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/sandbox"
)

// A function that does not exist is one short line naming it once, with
// the account and region, whatever call found it out; the SDK error stays
// reachable.
func TestFunctionNotFoundIsOneLine(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 3, Seed: 1})
	c := openSandbox(t, s, Config{})
	ctx := context.Background()
	_, e1 := c.GetReserved(ctx, "nosuch")
	_, e2 := c.FunctionConfig(ctx, "nosuch")
	_, e3 := c.ListProvisioned(ctx, "nosuch")
	for i, err := range []error{e1, e2, e3} {
		var nf *awsapi.FunctionNotFoundError
		if !errors.As(err, &nf) {
			t.Fatalf("call %d: %T %v, want *FunctionNotFoundError", i, err, err)
		}
		want := "function nosuch not found in " + c.Target().Account + "/us-east-1"
		if err.Error() != want || strings.Count(err.Error(), "nosuch") != 1 {
			t.Errorf("call %d: %q, want %q", i, err, want)
		}
		var api smithy.APIError
		if !errors.As(err, &api) || !isNotFound(err) {
			t.Errorf("call %d: the SDK error is lost", i)
		}
	}
}

// Other not-found errors keep their text.
func TestOtherNotFoundUnchanged(t *testing.T) {
	c := &Client{}
	err := &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Cannot find alias arn:aws:lambda:us-east-1:1:function:f:live"}
	if got := c.asFunctionNotFound(err); got != error(err) {
		t.Fatalf("got %v", got)
	}
	nf := c.asFunctionNotFound(&smithy.GenericAPIError{Code: "ResourceNotFoundException",
		Message: "Function not found: arn:aws:lambda:eu-west-1:210987654321:function:f:live"})
	if nf.Error() != "function f:live not found in 210987654321/eu-west-1" {
		t.Fatalf("got %q", nf)
	}
}
