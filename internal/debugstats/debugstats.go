// Package debugstats writes the program's runtime figures for fault drills:
// with LAMBDAOPS_DEBUG_STATS=<file>, Start appends goroutines, heap and GC
// count to <file> as JSON lines every two seconds until ctx is done.
// scripts/drill uses it to check that goroutines and memory stay flat. It
// holds no data from AWS.
package debugstats

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"time"
)

// Env names the file to write to.
const Env = "LAMBDAOPS_DEBUG_STATS"

// Every is how often a line is written.
const Every = 2 * time.Second

// Start begins writing when the environment asks for it (getenv is
// os.Getenv in the program); it does nothing otherwise, or when the file
// cannot be opened.
func Start(ctx context.Context, getenv func(string) string) {
	path := getenv(Env)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	go func() {
		defer f.Close()
		t := time.NewTicker(Every)
		defer t.Stop()
		for {
			Write(f)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Write appends one line of figures to w.
func Write(w io.Writer) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"time":       time.Now().UTC(),
		"goroutines": runtime.NumGoroutine(),
		"heapMB":     float64(ms.HeapInuse) / (1 << 20),
		"sysMB":      float64(ms.Sys) / (1 << 20),
		"numGC":      ms.NumGC,
	})
}
