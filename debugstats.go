package main

import (
	"encoding/json"
	"os"
	"runtime"
	"time"
)

// LAMBDAOPS_DEBUG_STATS=<file> makes the program append its runtime figures
// (goroutines, heap, GC count) to <file> as JSON lines every two seconds.
// Fault drills (scripts/drill) use it to check that goroutines and memory
// stay flat. It holds no data from AWS.
func init() {
	path := os.Getenv("LAMBDAOPS_DEBUG_STATS")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	go func() {
		enc := json.NewEncoder(f)
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			_ = enc.Encode(map[string]any{
				"time":       time.Now().UTC(),
				"goroutines": runtime.NumGoroutine(),
				"heapMB":     float64(ms.HeapInuse) / (1 << 20),
				"sysMB":      float64(ms.Sys) / (1 << 20),
				"numGC":      ms.NumGC,
			})
			time.Sleep(2 * time.Second)
		}
	}()
}
