package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lambdaops/lambdaops/sandbox/lambda"
)

// Main is the `lambdaops sandbox` subcommand: it parses args, starts the
// sandbox, prints the endpoint and ready-to-paste environment lines, and
// serves until ctx is done.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		o       Options
		traffic = true
		quotas  string
	)
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:4599", "listen address (loopback only unless --allow-remote)")
	fs.IntVar(&o.Functions, "functions", DefaultFunctions, "demo fleet size")
	fs.Int64Var(&o.Seed, "seed", 1, "seed for the demo fleet and its behaviour")
	fs.StringVar(&o.Region, "region", "us-east-1", "region the sandbox reports to unsigned requests, and the default world's")
	list := func(dst *[]string) func(string) error {
		return func(v string) error {
			*dst = nil
			for _, a := range strings.Split(v, ",") {
				if a = strings.TrimSpace(a); a != "" {
					*dst = append(*dst, a)
				}
			}
			return nil
		}
	}
	fs.Func("regions", "comma-separated regions, each a world with its own demo fleet (the first is the default; e.g. us-east-1,eu-west-1)", list(&o.Regions))
	fs.Func("accounts", "comma-separated 12-digit account ids, each a world per region (the first is the default; a 12-digit access key id selects its account)", list(&o.Accounts))
	fs.BoolVar(&o.AllowRemote, "allow-remote", false, "allow a non-loopback --addr")
	fs.StringVar(&quotas, "quotas", "", `enforce AWS request quotas: "aws" (15 req/s shared control plane, GetFunction 100/s, ...)`)
	fs.Float64Var(&o.Rate, "rate", 1, "traffic scale factor")
	fs.Float64Var(&o.Faults.ErrorRate, "fault-error-rate", 0, "fraction of requests answered with a 500/503 service error (0..1)")
	fs.Float64Var(&o.Faults.ThrottleRate, "fault-throttle-rate", 0, "fraction of requests answered with the protocol's throttling error (0..1)")
	fs.Float64Var(&o.Faults.DropRate, "fault-drop-rate", 0, "fraction of requests whose connection is closed with no response (0..1)")
	fs.DurationVar(&o.Faults.Latency, "fault-latency", 0, "latency added to every request (e.g. 50ms)")
	fs.DurationVar(&o.Faults.Jitter, "fault-jitter", 0, "extra uniform latency 0..jitter on every request (e.g. 200ms)")
	fs.Func("fault-apis", "comma-separated operations the faults apply to (default: all)", func(v string) error {
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				o.Faults.APIs = append(o.Faults.APIs, a)
			}
		}
		return nil
	})
	fs.Func("lenience", "comma-separated AWS rules to relax or deliberate differences to switch (docs/sandbox-operations.md): blocked-runtimes, strict-runtime-updates, cross-account-roles, any-zip, unknown-layers", func(v string) error {
		return parseLenience(v, &o.Lenience)
	})
	fs.Func("traffic", "run background traffic: true|false (default true)", func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		traffic = b
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lambdaops sandbox [--addr 127.0.0.1:4599] [--functions N] [--seed S] [--region R] [--regions R1,R2] [--accounts A1,A2] [--allow-remote] [--quotas aws] [--rate X] [--traffic=true|false]\n       [--fault-error-rate F] [--fault-throttle-rate F] [--fault-drop-rate F] [--fault-latency D] [--fault-jitter D] [--fault-apis Op,Op]\n  GET /_sandbox/stats and POST /_sandbox/faults on the endpoint read the counters and change the faults")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("sandbox: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sandbox: unexpected argument %q (flags only; see --help)", fs.Arg(0))
	}
	if o.Functions < 1 {
		return fmt.Errorf("sandbox: --functions must be at least 1, got %d", o.Functions)
	}
	if o.Rate <= 0 {
		return fmt.Errorf("sandbox: --rate must be greater than 0, got %v", o.Rate)
	}
	switch strings.ToLower(quotas) {
	case "", "none", "off":
	case "aws":
		o.Quotas = "aws"
	default:
		return fmt.Errorf("sandbox: --quotas must be \"aws\" (or empty), got %q", quotas)
	}
	o.Traffic = traffic
	if len(o.Regions) > 0 {
		o.Region = o.Regions[0]
	}
	if len(o.Accounts) > 0 {
		o.Account = o.Accounts[0]
	}
	s, err := Start(ctx, o)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "lambdaops sandbox: %d functions in %s (account %s), serving Lambda, STS, CloudWatch Logs and CloudWatch on %s\n",
		s.world.FunctionCount(), o.Region, s.opts.Account, s.URL())
	if ws := s.Worlds(); len(ws) > 1 {
		for _, w := range sortedWorlds(ws)[1:] {
			fmt.Fprintf(stdout, "  also %d functions in %s (account %s)\n", w.Functions, w.Region, w.Account)
		}
		fmt.Fprintln(stdout, "# the region comes from each request's signature; a 12-digit AWS_ACCESS_KEY_ID selects that account")
	}
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL=%s\n", s.URL())
	fmt.Fprintf(stdout, "export AWS_REGION=%s AWS_DEFAULT_REGION=%s\n", o.Region, o.Region)
	fmt.Fprintln(stdout, "export AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox")
	fmt.Fprintf(stdout, "# then: aws lambda list-functions   (AWS CLI before 2.13 ignores AWS_ENDPOINT_URL: add --endpoint-url %s)\n", s.URL())
	fmt.Fprintln(stdout, "# Ctrl-C stops the sandbox")
	select {
	case <-ctx.Done():
	case <-s.done:
	}
	return nil
}

// parseLenience sets the Lenience fields a comma-separated list names.
func parseLenience(v string, l *lambda.Lenience) error {
	for _, k := range strings.Split(v, ",") {
		switch strings.TrimSpace(k) {
		case "":
		case "blocked-runtimes":
			l.BlockedRuntimes = true
		case "strict-runtime-updates":
			l.StrictRuntimeUpdates = true
		case "cross-account-roles":
			l.CrossAccountRoles = true
		case "any-zip":
			l.AnyZip = true
		case "unknown-layers":
			l.UnknownLayers = true
		default:
			return fmt.Errorf("unknown lenience %q (want blocked-runtimes, strict-runtime-updates, cross-account-roles, any-zip or unknown-layers)", k)
		}
	}
	return nil
}
