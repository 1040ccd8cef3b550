package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// tuneMemory keeps the UI's resident memory close to what the fleet needs.
// The live heap is mostly the fleet (about 3.5 KB a function), long-lived,
// so collecting at 1.5× it (GOGC 50) instead of 2× costs little; and a
// soft memory limit of 60 MB, raised to 1.3× the live heap plus 16 MB as
// the fleet grows, stops a burst of garbage (a listing's pages, a snapshot
// write) from leaving the process large. Setting GOGC or GOMEMLIMIT turns
// either off.
func tuneMemory(ctx context.Context) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	const floor = 60 << 20
	debug.SetMemoryLimit(floor)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			live := int64(sample[0].Value.Uint64())
			debug.SetMemoryLimit(max(floor, live*13/10+16<<20))
		}
	}()
}

// pauseGC turns the collector off until the returned func is called (once
// the first frame is on screen): everything the warm start allocates
// before it (the decoded snapshot, the rows laid out from it) stays live,
// and a collection running meanwhile takes one of the cores the first
// frame is waiting for. The soft memory limit still applies.
func pauseGC() (resume func()) {
	prev := debug.SetGCPercent(-1)
	var once sync.Once
	return func() { once.Do(func() { debug.SetGCPercent(prev) }) }
}
