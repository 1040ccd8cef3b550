package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui"
	"github.com/lambdaops/lambdaops/ui/common"
)

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return sandbox.Main(ctx, args, stdout, stderr)
}

// runTUI loads the config, opens a session (starting the embedded sandbox
// first with --sandbox) and runs the UI until the user quits.
func runTUI(ctx context.Context, o options, stderr io.Writer) error {
	cfg, err := config.Load(o.Config)
	if err != nil {
		return err
	}
	if _, err := cfg.KeyMap(); err != nil {
		return err
	}
	ac := aws.Config{
		Profile:     o.Profile,
		Region:      o.Region,
		EndpointURL: o.EndpointURL,
		ReadOnly:    o.ReadOnly,
		Protection:  cfg.ProtectionFor,
	}
	if o.Sandbox {
		srv, err := sandbox.Start(ctx, sandbox.Options{
			Functions: o.Functions,
			Seed:      o.Seed,
			Region:    o.Region,
			Traffic:   true,
		})
		if err != nil {
			return fmt.Errorf("start the embedded sandbox: %w", err)
		}
		defer srv.Close()
		// The sandbox simulates its recent traffic history in the background;
		// waiting for it (a second or two) means the first screen already
		// shows metrics instead of zeros until the first refresh.
		fmt.Fprint(stderr, "lambdaops: starting the embedded sandbox (simulating the last hours of traffic)…")
		select {
		case <-srv.Ready():
		case <-time.After(15 * time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
		fmt.Fprintln(stderr, " ready")
		ac.Sandbox = true
		ac.EndpointURL = srv.URL()
		// the sandbox keeps one world per region: talk to the one it seeded
		ac.Region = srv.Worlds()[0].Region
		ac.Profile = ""
	}
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sess, err := aws.Open(openCtx, ac)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer sess.Close()
	return ui.Run(ctx, ui.Options{
		Deps:     common.FromSession(sess, sess),
		Target:   sess.Target(),
		Config:   cfg,
		Profiles: config.AWSProfiles(),
		Version:  version,
	})
}
