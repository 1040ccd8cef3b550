package awsapi

import "fmt"

// FunctionNotFoundError reports a function that does not exist in the
// account and region asked. Its text is one short line whatever the call
// was ("function nosuch not found in 123456789012/us-east-1"); the SDK's
// error stays reachable through Unwrap.
type FunctionNotFoundError struct {
	Function string // the name (with ":qualifier" when one was asked)
	Account  string
	Region   string
	Cause    error
}

func (e *FunctionNotFoundError) Error() string {
	where := e.Region
	if e.Account != "" {
		where = e.Account + "/" + e.Region
	}
	return fmt.Sprintf("function %s not found in %s", e.Function, where)
}

func (e *FunctionNotFoundError) Unwrap() error { return e.Cause }
