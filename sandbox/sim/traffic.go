package sim

import (
	"context"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
)

// Traffic drives the fleet: direct invocations and event source mappings.
type Traffic struct {
	e    *Engine
	w    World
	clk  clock.Clock
	rate float64
	seed int64
}

func newTraffic(e *Engine, w World, clk clock.Clock, rate float64, seed int64) *Traffic {
	if rate <= 0 {
		rate = 1
	}
	return &Traffic{e: e, w: w, clk: clk, rate: rate, seed: seed}
}

func (t *Traffic) step(now time.Time)       {}
func (t *Traffic) backfill(d time.Duration) {}
func (t *Traffic) run(ctx context.Context)  {}
