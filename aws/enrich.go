package aws

import (
	"context"
	"sync"

	"github.com/lambdaops/lambdaops/model"
)

// Enriched is the result of one lazy GetFunction: the function with Tags,
// Reserved and Enriched filled in, or the error.
type Enriched struct {
	Name     string
	Function model.Function
	Err      error
}

// Enricher fetches GetFunction (tags, reserved concurrency) lazily, in
// priority order: the names the UI says are on screen first (in the order
// given), then any background queue. Each name is fetched once until
// Forget. Calls draw on the GetFunction bucket (100/s quota, separate from
// listing), so enrichment never slows the listing down.
//
// UI usage: e := client.NewEnricher(ctx, 4); e.Visible(names...) on every
// scroll; read e.Results() in a tea.Cmd loop.
type Enricher struct {
	c       *Client
	results chan Enriched

	mu      sync.Mutex
	cond    *sync.Cond
	visible []string
	bg      []string
	done    map[string]bool // fetched or in flight
	closed  bool
}

// NewEnricher starts workers (default 4) that run until ctx ends.
func (c *Client) NewEnricher(ctx context.Context, workers int) *Enricher {
	if workers <= 0 {
		workers = 4
	}
	e := &Enricher{c: c, results: make(chan Enriched, 256), done: map[string]bool{}}
	e.cond = sync.NewCond(&e.mu)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.work(ctx)
		}()
	}
	go func() {
		<-ctx.Done()
		e.mu.Lock()
		e.closed = true
		e.cond.Broadcast()
		e.mu.Unlock()
		wg.Wait()
		close(e.results)
	}()
	return e
}

// Results delivers enriched functions; it closes when the context ends.
func (e *Enricher) Results() <-chan Enriched { return e.results }

// Visible replaces the on-screen set: these names go first, in order.
func (e *Enricher) Visible(names ...string) {
	e.mu.Lock()
	e.visible = append(e.visible[:0:0], names...)
	e.cond.Broadcast()
	e.mu.Unlock()
}

// Queue adds names to the background queue (after anything visible).
func (e *Enricher) Queue(names ...string) {
	e.mu.Lock()
	e.bg = append(e.bg, names...)
	e.cond.Broadcast()
	e.mu.Unlock()
}

// Forget makes names eligible again (e.g. after a mutation changed them).
func (e *Enricher) Forget(names ...string) {
	e.mu.Lock()
	for _, n := range names {
		delete(e.done, n)
	}
	e.mu.Unlock()
}

// Pending is how many queued names are not yet fetched.
func (e *Enricher) Pending() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, s := range e.visible {
		if !e.done[s] {
			n++
		}
	}
	for _, s := range e.bg {
		if !e.done[s] {
			n++
		}
	}
	return n
}

// next pops the highest-priority name not yet done (blocking).
func (e *Enricher) next() (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		if e.closed {
			return "", false
		}
		for len(e.visible) > 0 {
			n := e.visible[0]
			e.visible = e.visible[1:]
			if !e.done[n] {
				e.done[n] = true
				return n, true
			}
		}
		for len(e.bg) > 0 {
			n := e.bg[0]
			e.bg = e.bg[1:]
			if !e.done[n] {
				e.done[n] = true
				return n, true
			}
		}
		e.cond.Wait()
	}
}

func (e *Enricher) work(ctx context.Context) {
	for {
		name, ok := e.next()
		if !ok {
			return
		}
		f, _, err := e.c.getFunctionBasic(ctx, name)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			e.Forget(name) // retry when next asked
		}
		select {
		case e.results <- Enriched{Name: name, Function: f, Err: err}:
		case <-ctx.Done():
			return
		}
	}
}
