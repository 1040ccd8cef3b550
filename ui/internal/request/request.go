// Package request is the one way a pane tracks its asynchronous work: per
// request kind (the function page, its metrics, a file load, an invoke) it
// keeps a generation and a cancellable context. Starting a request of a kind
// cancels the one before it and makes its result stale; a result is applied
// only while its generation is current; closing the pane cancels everything
// and makes every late result stale.
//
// The zero Tracker is ready to use. Trackers are used from Update only (one
// goroutine); the contexts they hand out are what the commands capture.
//
//	ctx, gen := m.req.Start(kindLoad)
//	return func() tea.Msg { items, err := fleet.List(ctx); return loadedMsg{gen: gen, ...} }
//	...
//	case loadedMsg:
//		if !m.req.Done(kindLoad, msg.gen) { return nil } // stale: a newer load, or the pane closed
package request

import "context"

// Kind names one kind of request of a pane; a pane declares its kinds as
// constants.
type Kind string

type state struct {
	gen      uint64
	ctx      context.Context
	cancel   context.CancelFunc
	inFlight bool
}

// Tracker holds the generation and the cancel function of each kind.
type Tracker struct {
	kinds  map[Kind]*state
	closed bool
	base   context.Context // the pane's lifetime: cancelled by Close
	stop   context.CancelFunc
}

// Context is the pane's lifetime context, cancelled by Close: for work that
// no newer request supersedes (a mutation, a lookup keyed by its own data).
// Every request's context derives from it.
func (t *Tracker) Context() context.Context {
	if t.base == nil {
		t.base, t.stop = context.WithCancel(context.Background())
		if t.closed {
			t.stop()
		}
	}
	return t.base
}

func (t *Tracker) state(k Kind) *state {
	if t.kinds == nil {
		t.kinds = map[Kind]*state{}
	}
	s := t.kinds[k]
	if s == nil {
		s = &state{}
		t.kinds[k] = s
	}
	return s
}

// Start begins a request of kind k: the previous one of that kind is
// cancelled and its result will be stale. It returns the context the command
// must pass to its calls and the generation its result must carry. After
// Close, the context is already cancelled.
func (t *Tracker) Start(k Kind) (context.Context, uint64) {
	s := t.state(k)
	if s.cancel != nil {
		s.cancel()
	}
	s.gen++
	ctx, cancel := context.WithCancel(t.Context())
	s.ctx, s.cancel, s.inFlight = ctx, cancel, !t.closed
	return ctx, s.gen
}

// Bump makes every outstanding result of kind k stale without starting a
// request (a tick chain restarted, a selection changed) and returns the new
// generation. In-flight work of kind k is cancelled.
func (t *Tracker) Bump(k Kind) uint64 {
	s := t.state(k)
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.gen++
	s.inFlight = false
	return s.gen
}

// Current reports whether a result of kind k carrying gen is still wanted.
func (t *Tracker) Current(k Kind, gen uint64) bool {
	if t.closed {
		return false
	}
	s := t.kinds[k]
	return s != nil && s.gen == gen
}

// Done is Current for a result that finishes its request: when current, the
// request's context is released and the kind is no longer in flight. A pane
// applies a result only when Done returns true.
func (t *Tracker) Done(k Kind, gen uint64) bool {
	if !t.Current(k, gen) {
		return false
	}
	s := t.kinds[k]
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.inFlight = false
	return true
}

// Ctx is the context of kind k's current request, for follow-up calls of
// a request that runs in rounds (a listing, then its metrics); it is
// cancelled when the request finishes or is superseded.
func (t *Tracker) Ctx(k Kind) context.Context {
	if s := t.kinds[k]; s != nil && s.ctx != nil {
		return s.ctx
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// Gen is the current generation of kind k (0 before its first request).
func (t *Tracker) Gen(k Kind) uint64 {
	if s := t.kinds[k]; s != nil {
		return s.gen
	}
	return 0
}

// InFlight reports whether a request of kind k was started and has neither
// finished nor been cancelled, so a periodic refresh need not pile up.
func (t *Tracker) InFlight(k Kind) bool {
	s := t.kinds[k]
	return s != nil && s.inFlight
}

// Cancel cancels the in-flight request of kind k and makes its result stale.
func (t *Tracker) Cancel(k Kind) {
	if t.kinds[k] != nil {
		t.Bump(k)
	}
}

// Close cancels every kind's request (the pane is leaving): every result that
// arrives afterwards is stale, and requests started afterwards get a
// cancelled context.
func (t *Tracker) Close() {
	for k := range t.kinds {
		t.Bump(k)
	}
	t.closed = true
	if t.stop != nil {
		t.stop()
	}
}

// Closed reports whether Close was called.
func (t *Tracker) Closed() bool { return t.closed }
