package sim

import (
	"sync/atomic"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// Engine simulates execution environments and invocations.
type Engine struct {
	clk           clock.Clock
	sink          record.Sink
	seed          int64
	accountLimit  int
	reservedTotal atomic.Int64
}

func newEngine(clk clock.Clock, sink record.Sink, seed int64, accountLimit int) *Engine {
	if accountLimit <= 0 {
		accountLimit = 1000
	}
	if sink == nil {
		sink = record.Nop{}
	}
	return &Engine{clk: clk, sink: sink, seed: seed, accountLimit: accountLimit}
}

func (e *Engine) invoke(t time.Time, c Call) Result { return Result{ExecutedVersion: c.Version} }

func (e *Engine) concurrency(function string, t time.Time) int { return 0 }

func (e *Engine) accountConcurrency(t time.Time) int { return 0 }

func (e *Engine) reset(function string, forget bool) {}
