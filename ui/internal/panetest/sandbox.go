package panetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/internal/sandboxtest"
	"github.com/lambdaops/lambdaops/sandbox"
)

// StartSandbox starts the embedded sandbox with opt and opens an aws
// client on it (read-only when readOnly), reading time from the sandbox's
// clock, with its cache and state in t's temp dir. Both are closed when
// t ends. It skips under -short.
func StartSandbox(t *testing.T, opt sandbox.Options, readOnly bool) (*sandbox.Server, *aws.Client) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the sandbox")
	}
	srv := sandboxtest.Start(t, opt)
	d := t.TempDir()
	c, err := aws.Open(context.Background(), aws.Config{Sandbox: true, EndpointURL: srv.URL(), ReadOnly: readOnly,
		CacheDir: filepath.Join(d, "cache"), StateDir: filepath.Join(d, "state"), Now: srv.Clock().Now})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}
