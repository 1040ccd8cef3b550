package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/internal/startup"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui"
	"github.com/lambdaops/lambdaops/ui/common"
)

// combineShowingProgress opens the sessions; while it waits for the
// network (nothing remembered for this profile and endpoint yet) it says so
// on stderr every second: "connecting to … (n s)".
func combineShowingProgress(ctx context.Context, ac aws.Config, pairs []aws.Pair, stderr io.Writer) (awsapi.Session, *aws.Client, func(), error) {
	type result struct {
		s     awsapi.Session
		first *aws.Client
		close func()
		err   error
	}
	done := make(chan result, 1)
	go func() {
		s, first, closeAll, err := aws.Combine(ctx, ac, pairs)
		done <- result{s, first, closeAll, err}
	}()
	what := ac.EndpointURL
	if what == "" {
		what = "AWS"
		if ac.Profile != "" {
			what += " (profile " + ac.Profile + ")"
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	start, shown := time.Now(), false
	for {
		select {
		case r := <-done:
			if shown {
				fmt.Fprintln(stderr)
			}
			if r.close == nil {
				r.close = func() {}
			}
			if r.err != nil {
				return nil, nil, r.close, fmt.Errorf("connect: %w", r.err)
			}
			return r.s, r.first, r.close, nil
		case <-tick.C:
			shown = true
			fmt.Fprintf(stderr, "\rlambdaops: connecting to %s (%d s)…", what, int(time.Since(start).Seconds()))
		}
	}
}

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return sandbox.Main(ctx, args, stdout, stderr)
}

// runTUI loads the config, opens a session (starting the embedded sandbox
// first with --sandbox) and runs the UI until the user quits.
func runTUI(ctx context.Context, o options, stderr io.Writer) error {
	tuneMemory(ctx)
	cfg, err := config.Load(o.Config)
	if err != nil {
		return err
	}
	if _, err := cfg.KeyMap(); err != nil {
		return err
	}
	startup.Mark("config loaded")
	ac := aws.Config{
		Profile:     o.Profile,
		Region:      o.Region,
		EndpointURL: o.EndpointURL,
		ReadOnly:    o.ReadOnly,
		Protection:  cfg.ProtectionFor,
		QuotaShare:  cfg.QuotaShare,
		// Start from the account seen last time for this profile and
		// endpoint: the cached fleet is drawn before any request returns,
		// and STS checks in the background.
		Warm: true,
	}
	profiles, regions, err := pairLists(o, cfg)
	if err != nil {
		return err
	}
	pairs, err := aws.Pairs(profiles, regions, o.Sandbox)
	if err != nil {
		return err
	}
	if o.Sandbox {
		so := sandbox.Options{
			Functions: o.Functions,
			Seed:      o.Seed,
			Region:    o.Region,
			Traffic:   true,
		}
		if len(regions) > 0 {
			so.Region, so.Regions = regions[0], regions
		}
		for _, p := range pairs {
			if p.Account != "" {
				so.Accounts = appendOnce(so.Accounts, p.Account)
			}
		}
		if len(so.Accounts) > 0 {
			so.Account = so.Accounts[0]
		}
		srv, err := sandbox.Start(ctx, so)
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
		for i := range pairs {
			if pairs[i].Region == "" {
				pairs[i].Region = ac.Region
			}
		}
	}
	resumeGC := pauseGC() // until the first frame (memlimit.go)
	defer resumeGC()
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	session, first, closeAll, err := combineShowingProgress(openCtx, ac, pairs, stderr)
	defer closeAll()
	if err != nil {
		return err
	}
	startup.Mark("session opened")
	regionList := []string(nil)
	if o.AllRegions {
		regionList = aws.PartitionRegions
	}
	return ui.Run(ctx, ui.Options{
		Deps:     common.FromSession(session, first),
		Target:   session.Target(),
		Config:   cfg,
		Profiles: config.AWSProfiles(),
		Regions:  regionList,
		Version:  version,

		FirstFrame: resumeGC,
	})
}

// pairLists is the profiles and regions to show: a config view, every
// region of the partition, or the comma-separated flags.
func pairLists(o options, cfg config.Config) (profiles, regions []string, err error) {
	if o.View != "" {
		v, err := cfg.ViewNamed(o.View)
		if err != nil {
			return nil, nil, fmt.Errorf("--view: %w", err)
		}
		return v.Profiles, v.Regions, nil
	}
	regions = aws.SplitList(o.Region)
	if o.AllRegions {
		regions = aws.PartitionRegions
	}
	return aws.SplitList(o.Profile), regions, nil
}

func appendOnce(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}
