// Command lambdaops is a terminal UI for operating AWS Lambda fleets.
//
//	lambdaops [flags]           the TUI against AWS (or --endpoint-url, or --sandbox)
//	lambdaops sandbox [flags]   serve the embedded AWS-compatible sandbox only
//	lambdaops --version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/internal/debugstats"
	"github.com/lambdaops/lambdaops/internal/startup"
)

// Stamped at release time with -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// options are the TUI's command-line flags.
type options struct {
	Profile     string
	Region      string
	EndpointURL string
	Sandbox     bool
	ReadOnly    bool
	Version     bool
	Config      string
	Functions   int
	Seed        int64
	AllRegions  bool
	View        string
}

// parseFlags parses the TUI's flags. Unknown flags and stray arguments are errors.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("lambdaops", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage:
  lambdaops [flags]             the terminal UI
  lambdaops sandbox [flags]     serve the embedded sandbox only (see lambdaops sandbox -h)

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.Profile, "profile", "", "AWS profile(s), comma-separated for one list over all (as in the AWS CLI; default: AWS_PROFILE or default); with --sandbox: [name:]ACCOUNT, a 12-digit account of the sandbox")
	fs.StringVar(&o.Region, "region", "", "AWS region(s), comma-separated for one list over all (default: from the profile or AWS_REGION)")
	fs.BoolVar(&o.AllRegions, "all-regions", false, "every region of the commercial partition (a region the account has not enabled shows its error inline)")
	fs.StringVar(&o.View, "view", "", "a view named in the config file (views: {NAME: {profiles: [...], regions: [...]}})")
	fs.StringVar(&o.EndpointURL, "endpoint-url", "", "endpoint for every service (LocalStack, moto, a sandbox); AWS_ENDPOINT_URL* also work")
	fs.BoolVar(&o.Sandbox, "sandbox", false, "start the embedded sandbox on a free loopback port and connect to it (no AWS account needed)")
	fs.BoolVar(&o.ReadOnly, "read-only", false, "refuse every change (enforced in the AWS layer, not only the UI)")
	fs.BoolVar(&o.Version, "version", false, "print the version and exit")
	fs.StringVar(&o.Config, "config", "", "config file (default: $XDG_CONFIG_HOME/lambdaops/config.yaml)")
	fs.IntVar(&o.Functions, "functions", 150, "with --sandbox: number of functions in the demo fleet")
	fs.Int64Var(&o.Seed, "seed", 1, "with --sandbox: seed of the demo fleet")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (subcommands: sandbox)", fs.Arg(0))
	}
	if o.Sandbox && o.EndpointURL != "" {
		return o, errors.New("--sandbox and --endpoint-url cannot be used together: --sandbox starts its own endpoint")
	}
	if o.AllRegions && o.Region != "" {
		return o, errors.New("--all-regions and --region cannot be used together")
	}
	if o.View != "" && (o.Profile != "" || o.Region != "" || o.AllRegions) {
		return o, errors.New("--view names its own profiles and regions: drop --profile/--region/--all-regions")
	}
	if _, err := aws.Pairs(aws.SplitList(o.Profile), aws.SplitList(o.Region), o.Sandbox); err != nil {
		if o.Sandbox && o.Profile != "" {
			return o, fmt.Errorf("--profile: %w (the sandbox needs no credentials)", err)
		}
		return o, err
	}
	if o.Functions < 1 || o.Functions > 100000 {
		return o, fmt.Errorf("--functions must be between 1 and 100000, got %d", o.Functions)
	}
	if o.EndpointURL != "" && !strings.HasPrefix(o.EndpointURL, "http://") && !strings.HasPrefix(o.EndpointURL, "https://") {
		return o, fmt.Errorf("--endpoint-url %q must start with http:// or https://", o.EndpointURL)
	}
	return o, nil
}

func versionString() string {
	return fmt.Sprintf("lambdaops %s (commit %s, built %s)", version, commit, date)
}

func main() {
	startup.Mark("main")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "lambdaops:", err)
		}
		code := 1
		if errors.Is(err, flag.ErrHelp) {
			code = 0
		}
		os.Exit(code)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	debugstats.Start(ctx, os.Getenv) // LAMBDAOPS_DEBUG_STATS, for fault drills
	if len(args) > 0 && args[0] == "sandbox" {
		return runSandbox(ctx, args[1:], stdout, stderr)
	}
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.Version {
		fmt.Fprintln(stdout, versionString())
		return nil
	}
	return runTUI(ctx, o, stderr)
}
