// Package model holds lambdaops's plain domain types and the pure logic over
// them: alias routing weights, REPORT line parsing, cost estimates and the
// health rules of the triage board. It imports the standard library only, so
// every other package (aws, sandbox, ui) can share it without cycles.
package model
