// Package sandboxtest starts the embedded sandbox for a test: the one
// helper the tests of every package use (aws, the ui panes through
// ui/internal/panetest), so that each does not write its own.
package sandboxtest

import (
	"context"
	"testing"

	"github.com/lambdaops/lambdaops/sandbox"
)

// Start runs a sandbox with o until t ends (closed, and its context
// cancelled, in t's cleanup). A failure to start fails t.
func Start(t testing.TB, o sandbox.Options) *sandbox.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := sandbox.Start(ctx, o)
	if err != nil {
		cancel()
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(); cancel() })
	return s
}
