package ui

import "github.com/lambdaops/lambdaops/aws/awsapi"

// Unwrap gives panes the session under the read-only wrapper, for the
// optional read interfaces it does not forward (awsapi.Validator,
// awsapi.Columns); every mutation still goes through the wrapper.
func (f readOnlyFleet) Unwrap() awsapi.Fleet { return f.Fleet }
