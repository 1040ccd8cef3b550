// Package clock is the sandbox's injectable clock. The simulation reads time
// only through a Clock, so tests advance a Manual clock by hand and never sleep.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Sleeper is a clock that can wait: the real clock sleeps, the manual
// clock does not (see Manual.AdvanceOnSleep).
type Sleeper interface {
	Sleep(ctx context.Context, d time.Duration)
}

// Sleep waits d on c when c is a Sleeper, or until ctx is done; on any
// other clock it returns at once.
func Sleep(ctx context.Context, c Clock, d time.Duration) {
	if d <= 0 {
		return
	}
	if s, ok := c.(Sleeper); ok {
		s.Sleep(ctx, d)
	}
}

// Sleep waits d of wall time, or until ctx is done.
func (Real) Sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Manual is a clock that moves only when told to.
type Manual struct {
	mu      sync.Mutex
	now     time.Time
	advance bool // Sleep advances the clock (AdvanceOnSleep)
}

// AdvanceOnSleep makes Sleep move the clock forward by the time slept, as
// if a serial client had waited that long in real time; by default Sleep
// returns at once and leaves the clock alone. For serial tests only.
func (m *Manual) AdvanceOnSleep(on bool) {
	m.mu.Lock()
	m.advance = on
	m.mu.Unlock()
}

// Sleep returns at once; with AdvanceOnSleep it first advances the clock by d.
func (m *Manual) Sleep(_ context.Context, d time.Duration) {
	m.mu.Lock()
	if m.advance && d > 0 {
		m.now = m.now.Add(d)
	}
	m.mu.Unlock()
}

// NewManual returns a manual clock set to t.
func NewManual(t time.Time) *Manual { return &Manual{now: t} }

// Now returns the clock's time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	m.now = m.now.Add(d)
	m.mu.Unlock()
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.now = t
	m.mu.Unlock()
}
