package sandbox

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/lambda"
	"github.com/lambdaops/lambdaops/sandbox/sim"
)

// simWire connects the world to the simulation: it is the world's Executor
// (HTTP invokes) and the traffic engine's sim.World.
type simWire struct {
	w     *lambda.World
	eng   *sim.Engine
	clk   clock.Clock
	fleet int
	seed  int64
	start time.Time // when the fleet was created

	mu     sync.RWMutex
	behav  map[string]*sim.Behaviour // by function name
	cached []sim.Target
	gen    uint64 // world generation the targets were built from
}

func newSimWire(w *lambda.World, eng *sim.Engine, fleet int, seed int64) *simWire {
	return &simWire{w: w, eng: eng, clk: w.Clock(), fleet: fleet, seed: seed, start: w.Clock().Now(), behav: map[string]*sim.Behaviour{}}
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
	b = demoBehaviour(name, hint, cfg, x.fleet, x.seed, x.start)
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
		Payload: in.Payload, Async: in.Type == model.Event, Tail: in.Tail, Tracing: c.TracingMode == "Active",
	}
}

// simExec is the world's lambda.Executor over the engine.
type simExec struct{ x *simWire }

// Invoke implements lambda.Executor.
//
// A synchronous invocation answers when its simulated run ends, as Lambda
// does: on the real clock it waits out what is left of Init Duration plus
// Duration (cancelled when the client goes away), so a serial client finds
// the environment free again and reuses it warm; on the manual clock it
// does not wait (clock.Sleep).
func (e simExec) Invoke(ctx context.Context, in *lambda.InvokeInput) lambda.InvokeOutput {
	x := e.x
	b := x.behaviour(in.Function, in.Hint, &in.Config)
	start := x.clk.Now()
	r := x.eng.InvokeAt(start, callFrom(in, b, in.FunctionARN))
	if in.Type != model.Event && !r.Throttled {
		end := start.Add(r.InitDuration + r.Duration)
		if ctx == nil {
			ctx = context.Background()
		}
		clock.Sleep(ctx, x.clk, end.Sub(x.clk.Now()))
	}
	return outputFrom(in, r)
}

func outputFrom(in *lambda.InvokeInput, r sim.Result) lambda.InvokeOutput {
	if r.Throttled && in.Type == model.Event {
		// Lambda queues async events: the caller still gets 202.
		return lambda.InvokeOutput{StatusCode: http.StatusAccepted, RequestID: r.RequestID}
	}
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
	return x.eng.InvokeAt(at, callFrom(in, b, in.FunctionARN)), true
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
		return sim.DemoClickstreamRate, 1 // more than one shard drains: IteratorAge rises
	}
	if fleet == 0 {
		return 0, 1 // no demo fleet: no background records either
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

// demoBehaviour is the profile of a function: the simulation's demo
// profiles for the seeded fleet (incidents included), scaled so a large
// fleet's total traffic stays near that of 150 functions; functions created
// through the API get a quiet default (no background traffic).
func demoBehaviour(name, hint string, cfg *lambda.Config, fleet int, seed int64, start time.Time) *sim.Behaviour {
	if hint == "" || fleet == 0 {
		return &sim.Behaviour{}
	}
	b := sim.DemoBehaviour(name, seed, start, cfg.MemoryMB, cfg.TimeoutSec)
	if hint == lambda.FleetHint {
		b.Rate *= fleetScale(fleet)
	}
	return &b
}
