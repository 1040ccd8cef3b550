package sandbox

import (
	"context"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox/lambda"
	"github.com/lambdaops/lambdaops/sandbox/sim"
)

// simWire connects the world to the simulation: it is the world's Executor
// (HTTP invokes) and the traffic engine's sim.World.
type simWire struct {
	w     *lambda.World
	eng   *sim.Engine
	clk   interface{ Now() time.Time }
	fleet int
	seed  int64

	mu     sync.RWMutex
	behav  map[string]*sim.Behaviour // by function name
	cached []sim.Target
	gen    uint64 // world generation the targets were built from
}

func newSimWire(w *lambda.World, eng *sim.Engine, fleet int, seed int64) *simWire {
	return &simWire{w: w, eng: eng, clk: w.Clock(), fleet: fleet, seed: seed, behav: map[string]*sim.Behaviour{}}
}

// behaviour returns the function's profile, derived once from its name and
// the seed (incident functions get their incident).
func (x *simWire) behaviour(name, hint string, cfg *lambda.Config) *sim.Behaviour {
	x.mu.RLock()
	b := x.behav[name]
	x.mu.RUnlock()
	if b != nil {
		return b
	}
	b = demoBehaviour(name, hint, cfg, x.fleet, x.seed, x.clk.Now())
	x.mu.Lock()
	if old := x.behav[name]; old != nil {
		b = old
	} else {
		x.behav[name] = b
	}
	x.mu.Unlock()
	return b
}

func callFrom(in *lambda.InvokeInput, b *sim.Behaviour, arn string) sim.Call {
	c := &in.Config
	return sim.Call{
		Function: in.Function, FunctionARN: arn, Resource: in.Resource, Version: in.Version,
		Runtime: c.Runtime, Architecture: c.Architecture, PackageType: c.PackageType,
		MemoryMB: c.MemoryMB, TimeoutSec: c.TimeoutSec, CodeSize: c.CodeSize, VPC: c.VPC != nil,
		LogGroup: c.Logging.LogGroup, LogFormat: c.Logging.LogFormat, DLQ: c.DLQTarget,
		Reserved: in.Reserved, Provisioned: in.Provisioned, Behaviour: b,
		Payload: in.Payload, Async: in.Type == model.Event, Tail: in.Tail,
	}
}

// simExec is the world's lambda.Executor over the engine.
type simExec struct{ x *simWire }

// Invoke implements lambda.Executor.
func (e simExec) Invoke(_ context.Context, in *lambda.InvokeInput) lambda.InvokeOutput {
	x := e.x
	b := x.behaviour(in.Function, in.Hint, &in.Config)
	r := x.eng.Invoke(callFrom(in, b, ""))
	return outputFrom(in, r)
}

func outputFrom(in *lambda.InvokeInput, r sim.Result) lambda.InvokeOutput {
	if r.Throttled {
		return lambda.InvokeOutput{Err: lambda.ErrThrottled(r.Reason, "Rate Exceeded.", 1), RequestID: r.RequestID}
	}
	status := http.StatusOK
	if in.Type == model.Event {
		status = http.StatusAccepted
	}
	return lambda.InvokeOutput{StatusCode: status, Payload: r.Payload, FunctionError: r.FunctionError, LogTail: r.LogTail, RequestID: r.RequestID}
}

// Targets implements sim.World.
func (x *simWire) Targets(dst []sim.Target) []sim.Target {
	gen := x.w.Generation()
	x.mu.RLock()
	if x.cached != nil && x.gen == gen {
		dst = append(dst, x.cached...)
		x.mu.RUnlock()
		return dst
	}
	x.mu.RUnlock()
	var ts []sim.Target
	for _, f := range x.w.Functions() {
		if f.Mapped {
			continue
		}
		b := x.behaviour(f.Name, f.Hint, &f.Config)
		if b.Rate <= 0 {
			continue
		}
		q := ""
		switch f.Name {
		case lambda.CheckoutAPI, lambda.PaymentsWebhook, lambda.OrdersAPI:
			q = "live"
		case lambda.SearchAPI:
			q = "prod"
		default:
			for _, a := range f.Aliases {
				if a == "live" {
					q = "live"
				}
			}
		}
		if q != "" && !contains(f.Aliases, q) {
			q = ""
		}
		ts = append(ts, sim.Target{Function: f.Name, Qualifier: q, Behaviour: b})
	}
	x.mu.Lock()
	x.cached, x.gen = ts, gen
	x.mu.Unlock()
	return append(dst, ts...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Mappings implements sim.World.
func (x *simWire) Mappings(dst []sim.Mapping) []sim.Mapping {
	for _, m := range x.w.Mappings() {
		rate, shards := mappingLoad(m, x.fleet)
		dst = append(dst, sim.Mapping{UUID: m.UUID, Function: m.Function, Qualifier: m.Qualifier, SourceARN: m.SourceARN,
			SourceType: m.SourceType, State: m.State, BatchSize: m.BatchSize, Rate: rate, Shards: shards})
	}
	return dst
}

// Invoke implements sim.World: resolve (alias routing) and run at t.
func (x *simWire) Invoke(function, qualifier string, at time.Time, async bool, payload []byte) (sim.Result, bool) {
	in, err := x.w.ResolveInvoke(function, qualifier)
	if err != nil {
		return sim.Result{}, false
	}
	in.Payload = payload
	if async {
		in.Type = model.Event
	}
	b := x.behaviour(in.Function, in.Hint, &in.Config)
	return x.eng.InvokeAt(at, callFrom(in, b, "")), true
}

func hash64(s string, seed int64) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64() ^ uint64(seed)*0x9E3779B97F4A7C15
}

// fleetScale keeps the whole fleet's traffic near that of 150 functions.
func fleetScale(fleet int) float64 {
	if fleet <= 150 {
		return 1
	}
	return 150 / float64(fleet)
}

func mappingLoad(m lambda.MappingInfo, fleet int) (rate float64, shards int) {
	if m.Function == lambda.ClickstreamProcessor {
		return 1500, 2 // far beyond what two shards drain: IteratorAge rises
	}
	r := rand.New(rand.NewPCG(hash64(m.UUID, 0), 3))
	switch m.SourceType {
	case "SQS":
		rate = 0.2 + r.Float64()*4
	default:
		rate, shards = 2+r.Float64()*30, 1+r.IntN(4)
	}
	return rate * fleetScale(fleet), shards
}

// demoBehaviour is the profile of a demo-fleet function. Incident
// functions get their incident; every other function is healthy.
func demoBehaviour(name, hint string, cfg *lambda.Config, fleet int, seed int64, now time.Time) *sim.Behaviour {
	switch hint {
	case lambda.PaymentsWebhook:
		return &sim.Behaviour{MeanDuration: 120 * time.Millisecond, ErrorRate: 0.003, ErrorRateAfter: 0.15,
			ErrorChangeAt: now.Add(-35 * time.Minute), Rate: 8, MemoryUsedMB: 140}
	case lambda.OrdersAPI:
		return &sim.Behaviour{MeanDuration: 500 * time.Millisecond, IOFraction: 0.8, ErrorRate: 0.002, Rate: 50, MemoryUsedMB: 310}
	case lambda.ReportGenerator:
		return &sim.Behaviour{MeanDuration: 9 * time.Second, IOFraction: 0.9, P99: 27 * time.Second, ErrorRate: 0.004, Rate: 0.3, MemoryUsedMB: 900}
	case lambda.ClickstreamProcessor:
		return &sim.Behaviour{MeanDuration: 900 * time.Millisecond, IOFraction: 0.7, ErrorRate: 0.001, MemoryUsedMB: 400}
	case lambda.CheckoutAPI:
		return &sim.Behaviour{MeanDuration: 180 * time.Millisecond, ErrorRate: 0.005, VersionErrorRate: map[string]float64{"7": 0.005, "8": 0.08}, Rate: 20, MemoryUsedMB: 220}
	case lambda.SearchAPI:
		return &sim.Behaviour{MeanDuration: 500 * time.Millisecond, IOFraction: 0.8, ErrorRate: 0.002, Rate: 40, MemoryUsedMB: 700}
	case lambda.ImageResizer:
		return &sim.Behaviour{MeanDuration: 1500 * time.Millisecond, IOFraction: 0.5, ErrorRate: 0.002, Rate: 3, MemoryUsedMB: 190}
	case lambda.EmailSender:
		return &sim.Behaviour{MeanDuration: 300 * time.Millisecond, IOFraction: 0.9, ErrorRate: 0.06, Rate: 5, AsyncShare: 1, DeadLetterFailRate: 0.3, MemoryUsedMB: 90}
	}
	r := rand.New(rand.NewPCG(hash64(name, seed), 1))
	mean := time.Duration(math.Exp(math.Log(15)+r.Float64()*(math.Log(700)-math.Log(15)))) * time.Millisecond
	b := &sim.Behaviour{
		MeanDuration: mean,
		IOFraction:   0.2 + r.Float64()*0.6,
		ErrorRate:    r.Float64() * 0.003,
		MemoryUsedMB: int(float64(cfg.MemoryMB) * (0.25 + r.Float64()*0.4)),
		AsyncShare:   0,
	}
	if b.MemoryUsedMB < 40 {
		b.MemoryUsedMB = 40
	}
	// Keep p99 well below the timeout.
	if limit := time.Duration(cfg.TimeoutSec) * time.Second / 5; b.MeanDuration > limit {
		b.MeanDuration = limit
	}
	if fleet > 0 {
		b.Rate = math.Exp(math.Log(0.05)+r.Float64()*(math.Log(4)-math.Log(0.05))) * fleetScale(fleet)
	}
	if cfg.DLQTarget != "" {
		b.AsyncShare = 0.5
	}
	return b
}
