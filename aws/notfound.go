package aws

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/lambdaops/lambdaops/aws/awsapi"
)

// asFunctionNotFound turns Lambda's "Function not found: <arn>" into an
// *awsapi.FunctionNotFoundError (one line naming the function once, with
// the account and region), whatever call and context wrapped it. Other
// not-found errors (an alias, a provisioned config) are left as they are.
func (c *Client) asFunctionNotFound(err error) error {
	var nf *awsapi.FunctionNotFoundError
	if errors.As(err, &nf) {
		return err
	}
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ResourceNotFoundException" {
		return err
	}
	const prefix = "Function not found: "
	msg := api.ErrorMessage()
	if !strings.HasPrefix(msg, prefix) {
		return err
	}
	out := &awsapi.FunctionNotFoundError{Cause: err}
	ref := strings.TrimSpace(msg[len(prefix):])
	// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
	if p := strings.SplitN(ref, ":", 7); len(p) == 7 && p[0] == "arn" && p[5] == "function" {
		out.Region, out.Account, out.Function = p[3], p[4], p[6]
	} else {
		out.Function = ref
	}
	t := c.Target()
	if out.Region == "" {
		out.Region = t.Region
	}
	if out.Account == "" {
		out.Account = t.Account
	}
	if out.Function == "" {
		return err
	}
	return out
}
