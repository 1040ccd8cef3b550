package common

import (
	"errors"

	"github.com/lambdaops/lambdaops/aws/awsapi"
)

// FailLine is the one line a pane shows for a failed request: "what: err",
// except that a function that does not exist says only that ("function
// nosuch not found in 123456789012/us-east-1"), not the call that found
// it out, so the name is not repeated.
func FailLine(what string, err error) string {
	var nf *awsapi.FunctionNotFoundError
	if errors.As(err, &nf) {
		return nf.Error()
	}
	if what == "" {
		return err.Error()
	}
	return what + ": " + err.Error()
}
