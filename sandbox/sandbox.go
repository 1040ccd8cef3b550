package sandbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/alarms"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/codedeploy"
	"github.com/lambdaops/lambdaops/sandbox/lambda"
	"github.com/lambdaops/lambdaops/sandbox/logs"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
	"github.com/lambdaops/lambdaops/sandbox/record"
	"github.com/lambdaops/lambdaops/sandbox/sim"
	"github.com/lambdaops/lambdaops/sandbox/tagging"
)

// Options configure Start.
type Options struct {
	Addr        string // listen address; default "127.0.0.1:0"
	AllowRemote bool   // without it a non-loopback Addr is an error
	Region      string // default "us-east-1"
	Account     string // default "123456789012"
	// Regions and Accounts name further worlds to seed with a demo fleet
	// (Regions × Accounts, with Region and Account always among them): one
	// world per (account, region), picked per request from its SigV4
	// credential scope and access key id (worlds.go).
	Regions   []string
	Accounts  []string
	Functions int         // demo fleet size; 0 = default (150)
	Empty     bool        // no demo fleet: tests create their own functions
	Seed      int64       // deterministic fleet and behaviour for a seed
	Clock     clock.Clock // nil = real clock; tests pass *clock.Manual
	Traffic   bool        // run the background traffic engine
	Rate      float64     // traffic scale factor; 0 = 1
	Quotas    string      // "" or "aws" (shared 15 req/s control-plane bucket, GetFunction 100/s, GetPolicy 15/s, ...)
	Faults    Faults
	// Lenience relaxes AWS rules in the Lambda front-end (docs/sandbox-operations.md).
	Lenience lambda.Lenience

	// Backfill is the traffic history simulated when Traffic is on:
	// 0 = DefaultBackfill, negative = none. On a manual clock it runs
	// inside Start; on the real clock in the background, so the endpoint
	// answers at once while metrics and logs fill in.
	Backfill time.Duration

	// Record, when set, also receives everything the simulation reports
	// (every invocation, metric and log line, backfill included): the
	// ground truth tests compare the screens against.
	Record record.Sink

	internal bool  // a world behind the primary's listener: no listener of its own
	logBytes int64 // the log store's bound (0 = its default)
}

// DefaultFunctions is the demo fleet's default size.
const DefaultFunctions = 150

// DefaultBackfill is how much traffic history Start simulates when Traffic is on.
const DefaultBackfill = 2 * time.Hour

// Server is a running sandbox.
type Server struct {
	opts  Options
	clk   clock.Clock
	world *lambda.World

	lambdaAPI *lambda.API
	logsStore *logs.Store
	logsH     http.Handler
	metStore  *metrics.Store
	metricsH  http.Handler
	alarmsSt  *alarms.Store
	engine    *sim.Engine
	traffic   *sim.Traffic
	wire      *simWire

	codedeploy  *codedeploy.Store
	codedeployH http.Handler

	stats     *statsTable
	faultMu   sync.Mutex             // guards faultRng
	faultsPtr atomic.Pointer[Faults] // nil when no fault is set
	faultRng  *rand.Rand
	quotas    *quotas
	taggingH  http.Handler

	ln     net.Listener
	srv    *http.Server
	url    string
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	advMu  sync.Mutex
	ready  chan struct{} // closed once the traffic backfill is done

	key      worldKey      // this world's account and region
	multi    *worlds       // on the primary: every world, itself included
	allReady chan struct{} // closed once every seeded world's backfill is done
}

// checkAddr refuses non-loopback listen addresses unless allowed.
func checkAddr(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sandbox: invalid address %q: %v (want host:port, e.g. 127.0.0.1:4599)", addr, err)
	}
	if port == "" {
		return fmt.Errorf("sandbox: invalid address %q: missing port", addr)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	if ip == nil || !ip.IsLoopback() {
		if host == "" {
			host = "all interfaces"
		}
		return fmt.Errorf("sandbox: refusing to listen on %s (%s is not a loopback address); pass --allow-remote (Options.AllowRemote) to expose the sandbox to the network", addr, host)
	}
	return nil
}

// Start builds the world (and demo fleet), starts listening and serves
// until ctx is done or Close is called.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "123456789012"
	}
	if len(o.Account) != 12 || strings.Trim(o.Account, "0123456789") != "" {
		return nil, fmt.Errorf("sandbox: account id %q must be 12 digits", o.Account)
	}
	if err := checkWorlds(o); err != nil {
		return nil, err
	}
	if o.Functions < 0 {
		return nil, fmt.Errorf("sandbox: functions must be ≥ 0, got %d", o.Functions)
	}
	if o.Functions == 0 {
		o.Functions = DefaultFunctions
	}
	if o.Rate < 0 {
		return nil, fmt.Errorf("sandbox: rate must be ≥ 0, got %v", o.Rate)
	}
	if o.Rate == 0 {
		o.Rate = 1
	}
	if o.Quotas != "" && o.Quotas != "aws" {
		return nil, fmt.Errorf("sandbox: unknown quotas %q (want \"aws\" or empty)", o.Quotas)
	}
	if err := checkFaults(o.Faults); err != nil {
		return nil, err
	}
	if !o.internal {
		if err := checkAddr(o.Addr, o.AllowRemote); err != nil {
			return nil, err
		}
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if regions, accounts := worldLists(o); !o.internal && o.logBytes == 0 && len(regions)*len(accounts) > 1 {
		// the seeded worlds share the one log store's default bound (64 MiB)
		o.logBytes = max(int64(64<<20)/int64(len(regions)*len(accounts)), 8<<20)
	}
	s := &Server{
		opts:     o,
		clk:      o.Clock,
		stats:    newStatsTable(),
		faultRng: rand.New(rand.NewPCG(uint64(o.Seed), 0xfa017)),
		done:     make(chan struct{}),
		ready:    make(chan struct{}),
		key:      worldKey{account: o.Account, region: o.Region},
	}
	if o.Quotas == "aws" {
		s.quotas = newQuotas(s.clk)
	}
	s.SetFaults(o.Faults)
	s.logsStore = logs.NewStore(s.clk, logs.Options{Region: o.Region, Account: o.Account, MaxBytes: o.logBytes})
	s.logsH = logs.NewHandler(s.logsStore, s.clk)
	s.metStore = metrics.NewStore(s.clk, metrics.Options{})
	alarmDelay := 15 * time.Second
	if _, manual := s.clk.(*clock.Manual); manual {
		alarmDelay = 0
	}
	s.alarmsSt = alarms.NewStore(s.clk, s.metStore, alarms.Options{Region: o.Region, Account: o.Account, Delay: alarmDelay})
	s.alarmsSt.SetReady(s.ready)
	s.metricsH = metrics.NewHandlerWith(s.metStore, s.alarmsSt.Ops())
	sink := record.Multi{s.logsStore, s.metStore}
	if o.Record != nil {
		sink = append(sink, o.Record)
	}
	s.engine = sim.NewEngine(s.clk, sink, o.Seed, lambda.AccountLimit)

	s.world = lambda.NewWorld(s.clk, o.Region, o.Account, o.Seed)
	s.world.SetLenience(o.Lenience)
	fleet := 0
	if !o.Empty {
		fleet = o.Functions
	}
	wire := newSimWire(s.world, s.engine, fleet, o.Seed)
	s.wire = wire
	s.world.SetExecutor(simExec{wire})
	s.world.SetHooks(lambda.Hooks{
		ReservedTotal: s.engine.SetReservedTotal,
		Changed:       s.engine.Reset,
		Deleted:       s.engine.Forget,
		Created:       func(_, group string) { s.logsStore.CreateGroup(group) },
	})
	if !o.Empty {
		s.world.SeedFleet(o.Functions, o.Seed)
	}
	s.engine.SetReservedTotal(s.world.ReservedTotal())
	if !o.Empty {
		s.seedAlarms()
	}
	s.lambdaAPI = lambda.NewAPI(s.world)
	s.codedeploy = codedeploy.New(s.clk, o.Region, o.Account, s.world, o.Seed)
	s.codedeploy.SetAlarmStates(s.alarmsSt) // a group's alarm in ALARM fails its deployment and rolls it back
	s.codedeployH = codedeploy.NewHandler(s.codedeploy)
	if !o.Empty && o.Functions >= 8 {
		if err := s.codedeploy.SeedDemo(s.world); err != nil {
			return nil, fmt.Errorf("sandbox: seeding CodeDeploy: %w", err)
		}
	}
	s.taggingH = tagging.NewHandler(func(after string, fn func(tagging.Resource) bool) {
		s.world.EachTagged(after, func(arn string, tags map[string]string) bool {
			return fn(tagging.Resource{ARN: arn, Type: "lambda:function", Tags: tags})
		})
	})

	if !o.internal {
		ln, err := net.Listen("tcp", o.Addr)
		if err != nil {
			return nil, fmt.Errorf("sandbox: listen on %s: %w", o.Addr, err)
		}
		s.ln = ln
		s.url = "http://" + ln.Addr().String()
		s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	}

	ctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	if !o.internal {
		// the primary's own world is built; the others share its listener
		// and its lifetime
		if err := s.seedWorlds(ctx); err != nil {
			cancel()
			_ = s.ln.Close()
			return nil, err
		}
	}
	if o.Traffic {
		s.traffic = sim.NewTraffic(s.engine, wire, s.clk, o.Rate, o.Seed)
		backfill := o.Backfill
		if backfill == 0 {
			backfill = DefaultBackfill
		}
		if _, manual := s.clk.(*clock.Manual); manual {
			if backfill > 0 {
				s.traffic.Backfill(backfill)
			}
			close(s.ready)
		} else {
			go func() {
				if backfill > 0 {
					s.traffic.Backfill(backfill)
				}
				close(s.ready)
				s.traffic.Run(ctx)
			}()
		}
	} else {
		close(s.ready)
	}
	s.allReady = s.ready
	if s.multi != nil && len(s.multi.keys) > 1 {
		s.allReady = make(chan struct{})
		all := s.multi.all()
		go func() {
			for _, w := range all {
				<-w.ready
			}
			close(s.allReady)
		}()
	}
	if s.srv != nil {
		go func() {
			err := s.srv.Serve(s.ln)
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				_ = err // the listener failed; Close still works
			}
		}()
	}
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	if _, manual := s.clk.(*clock.Manual); !manual {
		go s.runDeployments(ctx)
	}
	return s, nil
}

func checkFaults(f Faults) error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"throttle rate", f.ThrottleRate}, {"error rate", f.ErrorRate}, {"drop rate", f.DropRate}} {
		if r.v < 0 || r.v > 1 {
			return fmt.Errorf("sandbox: %s must be within 0..1, got %v", r.name, r.v)
		}
	}
	if f.ThrottleRate+f.ErrorRate+f.DropRate > 1 {
		return fmt.Errorf("sandbox: throttle, error and drop rates add up to more than 1")
	}
	if f.Latency < 0 || f.Jitter < 0 {
		return fmt.Errorf("sandbox: latency and jitter must not be negative")
	}
	return nil
}

// Ready is closed once the traffic history (Options.Backfill) has been
// simulated in every seeded world: at once without traffic or on a manual
// clock, in the background on the real clock.
func (s *Server) Ready() <-chan struct{} { return s.allReady }

// URL is the endpoint, e.g. "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.url }

// Addr is the listen address (host:port).
func (s *Server) Addr() string {
	if s.ln == nil {
		return strings.TrimPrefix(s.url, "http://")
	}
	return s.ln.Addr().String()
}

// Close stops serving. It is safe to call more than once.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.done)
		s.cancel()
		if s.srv != nil {
			err = s.srv.Close()
		}
		if s.multi != nil {
			for _, w := range s.multi.all()[1:] {
				_ = w.Close()
			}
		}
	})
	return err
}

// SetFaults replaces the injected faults (invalid rates are clamped to 0..1).
func (s *Server) SetFaults(f Faults) {
	clamp := func(v float64) float64 { return min(max(v, 0), 1) }
	f.ThrottleRate, f.ErrorRate, f.DropRate = clamp(f.ThrottleRate), clamp(f.ErrorRate), clamp(f.DropRate)
	f.APIs = append([]string(nil), f.APIs...)
	if s.multi != nil {
		for _, w := range s.multi.all()[1:] {
			w.SetFaults(f)
		}
	}
	if f.zero() {
		s.faultsPtr.Store(nil)
		return
	}
	s.faultsPtr.Store(&f)
}

// Clock returns the sandbox clock.
func (s *Server) Clock() clock.Clock { return s.clk }

// Advance moves a manual clock forward by d and runs the simulation
// (traffic, state transitions) up to it, a minute at a time. With a real
// clock it does nothing.
func (s *Server) Advance(d time.Duration) {
	m, ok := s.clk.(*clock.Manual)
	if !ok || d <= 0 {
		return
	}
	s.advMu.Lock()
	defer s.advMu.Unlock()
	for d > 0 {
		step := min(d, time.Minute)
		m.Advance(step)
		d -= step
		for _, w := range s.worldsOrSelf() {
			if w.traffic != nil {
				w.traffic.Step(m.Now())
			}
		}
		s.codedeploy.Tick()
	}
}

// runDeployments moves CodeDeploy deployments along with the real clock
// (a manual clock moves them in Advance).
func (s *Server) runDeployments(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.codedeploy.Tick()
		}
	}
}

// CodeDeploy is the sandbox's CodeDeploy store; its deployments read the
// alarms' states from Alarms() (tests may install their own with SetAlarmStates).
func (s *Server) CodeDeploy() *codedeploy.Store { return s.codedeploy }

// Stats returns per-operation request counts and status codes.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// World is the Lambda world (for in-process inspection by tests).
func (s *Server) World() *lambda.World { return s.world }

// Engine is the simulation engine.
func (s *Server) Engine() *sim.Engine { return s.engine }

// LogsStore and MetricsStore are the observability stores.
func (s *Server) LogsStore() *logs.Store       { return s.logsStore }
func (s *Server) MetricsStore() *metrics.Store { return s.metStore }

// SetBehaviour replaces a function's simulated behaviour (tests and
// benchmarks; the demo fleet derives its own from the seed).
func (s *Server) SetBehaviour(function string, b sim.Behaviour) {
	s.wire.mu.Lock()
	s.wire.behav[function] = &b
	s.wire.cached = nil
	s.wire.mu.Unlock()
}

// Alarms is the CloudWatch alarms store: State(account, region, name) and
// Subscribe give in-process code (CodeDeploy's alarm-based rollback) the
// alarms' states as the sandbox evaluates them.
func (s *Server) Alarms() *alarms.Store { return s.alarmsSt }

// seedAlarms gives the demo fleet its team's alarms, configured at the
// start of the simulated history so they walk through their past
// transitions when first read.
func (s *Server) seedAlarms() {
	at := s.clk.Now()
	if s.opts.Traffic {
		b := s.opts.Backfill
		if b == 0 {
			b = DefaultBackfill
		}
		if b > 0 {
			at = at.Add(-b)
		}
	}
	var healthy []string
	for _, f := range s.world.Functions() {
		if f.Hint == lambda.FleetHint && len(healthy) < 4 {
			healthy = append(healthy, f.Name)
		}
	}
	s.alarmsSt.Seed(at, healthy)
}

// worldsOrSelf is every world of this sandbox, or this world alone when it
// is not the primary.
func (s *Server) worldsOrSelf() []*Server {
	if s.multi == nil {
		return []*Server{s}
	}
	return s.multi.all()
}
