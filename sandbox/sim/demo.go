package sim

import (
	"math"
	"math/rand/v2"
	"time"
)

// Demo fleet incident functions. The world (sandbox-core) gives them the
// configuration listed; DemoBehaviour gives them the behaviour, so each
// incident comes out of the simulation rather than from faked metrics.
const (
	// Error rate ~0.3% jumping to ~15% 25 minutes before the fleet's start
	// time (visible in the last hour after Backfill).
	FnPaymentsWebhook = "payments-webhook"
	// Reserved concurrency 10 (world); demand ~25 concurrent at peak and
	// above 10 even at night: steady Throttles.
	FnOrdersAPI = "orders-api"
	// Timeout 30 s (world); p99 ~27 s.
	FnReportGenerator = "report-generator"
	// Kinesis mapping (world: BatchSize 100, 1 shard); Mapping.Rate should
	// be DemoClickstreamRate: the consumer keeps up with ~25 records/s,
	// so IteratorAge rises.
	FnClickstreamProcessor = "clickstream-processor"
	// Alias "live" on version 7, version 8 at weight 0.1 (world); traffic
	// targets qualifier "live". v8 fails ~8%, v7 ~0.5%.
	FnCheckoutAPI = "checkout-api"
	// Provisioned concurrency 5 on alias "prod" (world); traffic targets
	// qualifier "prod"; demand ~20 at peak: spillover.
	FnSearchAPI = "search-api"
	// 3008 MB configured (world); ~190 MB used.
	FnImageResizer = "image-resizer"
	// Async only, with a DLQ (world: DeadLetterConfig); DeadLetterErrors.
	FnEmailSender = "email-sender"
)

// DemoClickstreamRate is the records/s (at the daily peak) the world should
// give clickstream-processor's Kinesis mapping.
const DemoClickstreamRate = 120

// DemoPaymentsJumpAgo is how long before the fleet start payments-webhook's
// error rate jumped.
const DemoPaymentsJumpAgo = 25 * time.Minute

// DemoBehaviour returns the behaviour of a demo-fleet function: tuned
// profiles for the incident functions above, and for every other name a
// healthy profile (error rate < 0.5%, p99 well below timeoutSec at
// memoryMB) drawn deterministically from seed and name. start is the
// fleet's creation time (payments-webhook's jump is placed before it).
func DemoBehaviour(name string, seed int64, start time.Time, memoryMB, timeoutSec int) Behaviour {
	switch name {
	case FnPaymentsWebhook:
		return Behaviour{MeanDuration: 180 * time.Millisecond, Jitter: 0.3, ErrorRate: 0.003,
			ErrorRateAfter: 0.15, ErrorChangeAt: start.Add(-DemoPaymentsJumpAgo), Rate: 12}
	case FnOrdersAPI:
		// 25 concurrent at peak: Rate × duration (at its memory).
		return Behaviour{MeanDuration: 400 * time.Millisecond, IOFraction: 0.9, Jitter: 0.25, ErrorRate: 0.002,
			Rate: rateFor(25, 400*time.Millisecond)}
	case FnReportGenerator:
		return Behaviour{MeanDuration: 8 * time.Second, IOFraction: 0.9, P99: 27 * time.Second, ErrorRate: 0.002,
			MemoryUsedMB: 900, Rate: 0.25}
	case FnClickstreamProcessor:
		// One batch of 100 takes ~4 s: ~25 records/s per shard.
		return Behaviour{MeanDuration: 4 * time.Second, IOFraction: 0.95, Jitter: 0.1, ErrorRate: 0.001}
	case FnCheckoutAPI:
		return Behaviour{MeanDuration: 220 * time.Millisecond, Jitter: 0.3, ErrorRate: 0.005,
			VersionErrorRate: map[string]float64{"7": 0.005, "8": 0.08}, Rate: 15}
	case FnSearchAPI:
		return Behaviour{MeanDuration: 250 * time.Millisecond, IOFraction: 0.9, Jitter: 0.2, ErrorRate: 0.001,
			Rate: rateFor(20, 250*time.Millisecond)}
	case FnImageResizer:
		return Behaviour{MeanDuration: 900 * time.Millisecond, IOFraction: 0.2, Jitter: 0.3, ErrorRate: 0.002,
			MemoryUsedMB: 190, Rate: 5}
	case "checksum-worker": // power-tuning demo: CPU-bound
		return Behaviour{MeanDuration: 450 * time.Millisecond, IOFraction: 0.03, Jitter: 0.05, MemoryUsedMB: 70, Rate: 1.5}
	case "video-thumbnails": // CPU-bound
		return Behaviour{MeanDuration: 1200 * time.Millisecond, IOFraction: 0.05, Jitter: 0.05, MemoryUsedMB: 110, Rate: 0.5}
	case "inventory-proxy": // I/O-bound
		return Behaviour{MeanDuration: 120 * time.Millisecond, IOFraction: 0.99, Jitter: 0.05, MemoryUsedMB: 75, Rate: 4}
	case "webhook-relay": // I/O-bound
		return Behaviour{MeanDuration: 200 * time.Millisecond, IOFraction: 0.985, Jitter: 0.05, MemoryUsedMB: 60, Rate: 2}
	case "csv-importer": // working set ~300 MB: out of memory at 128 and 256
		return Behaviour{MeanDuration: 700 * time.Millisecond, IOFraction: 0.4, Jitter: 0.05, WorkingSetMB: 300, Rate: 0.3}
	case FnEmailSender:
		return Behaviour{MeanDuration: 300 * time.Millisecond, IOFraction: 0.8, ErrorRate: 0.04, AsyncShare: 1,
			DeadLetterFailRate: 0.35, Rate: 6}
	}
	h := hashString(seed, name)
	rng := rand.New(rand.NewPCG(h, h^0x6a09e667f3bcc908))
	b := Behaviour{
		MeanDuration: time.Duration(math.Exp(math.Log(15)+rng.Float64()*(math.Log(900)-math.Log(15)))) * time.Millisecond,
		IOFraction:   0.2 + 0.7*rng.Float64(),
		Jitter:       0.15 + 0.2*rng.Float64(),
		ErrorRate:    0.0002 + 0.003*rng.Float64(),
		Rate:         math.Exp(math.Log(0.02) + rng.Float64()*(math.Log(4)-math.Log(0.02))),
	}
	if rng.IntN(5) == 0 {
		b.AsyncShare = rng.Float64()
	}
	// Keep the p99 at the configured memory under 35% of the timeout.
	if timeoutSec <= 0 {
		timeoutSec = 3
	}
	limit := 0.35 * float64(timeoutSec) * float64(time.Second)
	p99 := float64(b.MedianDuration(memoryMB)) * math.Exp(2.3263*b.Jitter)
	if p99 > limit {
		b.MeanDuration = time.Duration(float64(b.MeanDuration) * limit / p99)
	}
	return b
}

// rateFor is the rate giving concurrency c at the daily peak for duration d.
func rateFor(c float64, d time.Duration) float64 { return c / d.Seconds() }
