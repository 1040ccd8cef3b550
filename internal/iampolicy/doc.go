// Package iampolicy holds no code: its test proves that docs/iam/readonly.json
// and docs/iam/operator.json grant every AWS operation the aws package can
// call (read-only operations in both, mutations only in operator.json) and
// nothing else: no wildcard actions, no action the code never calls.
package iampolicy
