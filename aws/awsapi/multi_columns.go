package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/lambdaops/lambdaops/model"
)

// The combined session forwards the warm start's STS check and the column
// fillers (reserved concurrency from GetFunction, tags from the Tagging
// API) to every pair. Each pair's calls go through its own session, so
// they draw on that account and region's own buckets, at the priority the
// pair session gives them (background for enrichment and the sweep).
//
// Over several pairs a row is keyed by its ARN (two pairs may hold the same
// name), so the enrichment takes and answers ARNs, and the sweep's pages
// map ARNs to tags; TagPage.Swept names each pair whose sweep finished.

var (
	_ Columns   = (*Multi)(nil)
	_ Validator = (*Multi)(nil)
)

// PairError is one pair's failed (or surprising) warm-start check.
type PairError struct {
	Label  string
	Target model.Target // the pair as it was before the check (the remembered account)
	Err    error        // *AccountChangedError, *NetworkError, expired credentials, ...
}

// PairsError is Multi.Validated's answer when some pairs were not
// confirmed: errors.As finds an *AccountChangedError or *NetworkError in it.
type PairsError struct {
	Pairs []PairError
	Of    int // how many pairs were checked
}

func (e *PairsError) Error() string {
	var parts []string
	for _, p := range e.Pairs {
		parts = append(parts, p.Label+": "+shortErr(p.Err))
	}
	return strings.Join(parts, "; ")
}

func (e *PairsError) Unwrap() []error {
	out := make([]error, len(e.Pairs))
	for i, p := range e.Pairs {
		out[i] = p.Err
	}
	return out
}

// All reports whether every checked pair failed (none was confirmed).
func (e *PairsError) All() bool { return len(e.Pairs) >= e.Of && e.Of > 0 }

// Validated implements Validator: every pair's check, in parallel. nil
// when each pair opened from a remembered identity is confirmed; else a
// *PairsError naming the pairs that changed account or could not be
// checked (those are also shown inline in PairStates).
func (m *Multi) Validated(ctx context.Context) error {
	errs := make([]error, len(m.sessions))
	before := make([]model.Target, len(m.sessions))
	checked := 0
	var wg sync.WaitGroup
	for i, s := range m.sessions {
		v, ok := s.(Validator)
		if !ok {
			continue
		}
		checked++
		before[i] = s.Target()
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = v.Validated(ctx) }()
	}
	wg.Wait()
	pe := &PairsError{Of: checked}
	m.mu.Lock()
	if m.verrs == nil {
		m.verrs = make([]error, len(m.sessions))
	}
	for i, err := range errs {
		var ac *AccountChangedError
		m.verrs[i] = nil
		if err != nil && !errors.As(err, &ac) {
			m.verrs[i] = err
		}
		if err != nil {
			pe.Pairs = append(pe.Pairs, PairError{Label: m.labels[i], Target: before[i], Err: err})
		}
	}
	m.mu.Unlock()
	if len(pe.Pairs) == 0 {
		return nil
	}
	return pe
}

// ---- reserved concurrency: one enrichment per pair ----

// StartEnrichment implements Columns: each pair that offers Columns runs
// its own workers (its own GetFunction bucket); Visible and Queue take
// row keys (ARNs, or names held by one pair) and Results answers with the
// same keys.
func (m *Multi) StartEnrichment(ctx context.Context, workers int) Enrichment {
	e := &multiEnrichment{m: m, results: make(chan Enriched, 256),
		per: make([]Enrichment, len(m.sessions)), keys: make([]map[string]string, len(m.sessions))}
	var wg sync.WaitGroup
	for i, s := range m.sessions {
		c, ok := unwrapColumns(s)
		if !ok {
			continue
		}
		e.per[i] = c.StartEnrichment(ctx, workers)
		e.keys[i] = map[string]string{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range e.per[i].Results() {
				e.mu.Lock()
				if k, ok := e.keys[i][r.Name]; ok {
					r.Name = k
				}
				e.mu.Unlock()
				select {
				case e.results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(e.results) }()
	return e
}

// unwrapColumns finds Columns on a session or under a wrapper.
func unwrapColumns(s Session) (Columns, bool) {
	var f Fleet = s
	for i := 0; i < 4 && f != nil; i++ {
		if c, ok := f.(Columns); ok {
			return c, true
		}
		u, ok := f.(interface{ Unwrap() Fleet })
		if !ok {
			break
		}
		f = u.Unwrap()
	}
	return nil, false
}

type multiEnrichment struct {
	m       *Multi
	results chan Enriched
	per     []Enrichment

	mu   sync.Mutex
	keys []map[string]string // per pair: function name -> the caller's key
}

// split groups keys by pair, as the names each pair's enrichment takes.
func (e *multiEnrichment) split(keys []string) [][]string {
	out := make([][]string, len(e.per))
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range keys {
		i, ok := e.m.pairOf(k)
		if !ok || e.per[i] == nil {
			continue
		}
		name := functionName(k)
		e.keys[i][name] = k
		out[i] = append(out[i], name)
	}
	return out
}

func (e *multiEnrichment) Visible(keys ...string) {
	for i, names := range e.split(keys) {
		if e.per[i] != nil {
			e.per[i].Visible(names...) // every pair: its on-screen set may now be empty
		}
	}
}

func (e *multiEnrichment) Queue(keys ...string) {
	for i, names := range e.split(keys) {
		if e.per[i] != nil && len(names) > 0 {
			e.per[i].Queue(names...)
		}
	}
}

func (e *multiEnrichment) Results() <-chan Enriched { return e.results }

// ---- tags: every pair's sweep ----

// FunctionARN is the ARN of a function of the target's account and region.
func FunctionARN(t model.Target, name string) string {
	return PairPrefix(t) + name
}

// PairPrefix is the ARN prefix of the functions of a target's account and
// region ("arn:aws:lambda:eu-west-1:210987654321:function:").
func PairPrefix(t model.Target) string {
	part := "aws"
	switch {
	case strings.HasPrefix(t.Region, "cn-"):
		part = "aws-cn"
	case strings.HasPrefix(t.Region, "us-gov-"):
		part = "aws-us-gov"
	}
	return "arn:" + part + ":lambda:" + t.Region + ":" + t.Account + ":function:"
}

// FunctionTags implements Columns: every pair's sweep in parallel, its
// pages keyed by ARN and delivered one at a time. The page that ends a
// pair's sweep names the pair in Swept; Last is set once every pair has
// ended. The error is nil when every pair swept, a *PartialError naming
// the pairs that failed, or (every pair failed) their errors joined.
func (m *Multi) FunctionTags(ctx context.Context, fn func(TagPage) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		page  TagPage
		swept string
	}
	ch := make(chan item)
	errs := make([]error, len(m.sessions))
	var wg sync.WaitGroup
	for i, s := range m.sessions {
		c, ok := unwrapColumns(s)
		if !ok {
			errs[i] = fmt.Errorf("%s: %w", m.labels[i], ErrUnsupported)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prefix string
			errs[i] = c.FunctionTags(ctx, func(p TagPage) error {
				t := s.Target() // the account may have been confirmed late
				prefix = PairPrefix(t)
				out := TagPage{Tags: make(map[string]map[string]string, len(p.Tags))}
				for name, tags := range p.Tags {
					out.Tags[prefix+name] = tags
				}
				it := item{page: out}
				if p.Last {
					it.swept = prefix
				}
				select {
				case ch <- it:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}()
	}
	go func() { wg.Wait(); close(ch) }()
	index := 0
	var fnErr error
	for it := range ch {
		if fnErr != nil {
			continue
		}
		it.page.Index = index
		if it.swept != "" {
			it.page.Swept = []string{it.swept}
		}
		if fnErr = fn(it.page); fnErr != nil {
			cancel()
		}
		index++
	}
	if fnErr != nil {
		return fnErr
	}
	var msgs []string
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			msgs = append(msgs, m.labels[i]+": "+shortErr(err))
		}
	}
	if failed == len(m.sessions) {
		return errors.Join(errs...)
	}
	if err := fn(TagPage{Index: index, Last: true}); err != nil {
		return err
	}
	if failed > 0 {
		return &PartialError{Pairs: msgs, Errs: errs}
	}
	return nil
}

// LookupFunction implements Columns: an ARN goes to its pair; a name is
// asked of every pair at once (one round trip), the first pair holding it
// answering.
func (m *Multi) LookupFunction(ctx context.Context, name string) (model.Function, error) {
	if strings.HasPrefix(name, "arn:") {
		i, ok := m.pairOf(name)
		if !ok {
			return model.Function{}, fmt.Errorf("function %q is in none of the listed pairs", name)
		}
		c, ok := unwrapColumns(m.sessions[i])
		if !ok {
			return model.Function{}, ErrUnsupported
		}
		return c.LookupFunction(ctx, name)
	}
	fns := make([]model.Function, len(m.sessions))
	errs := make([]error, len(m.sessions))
	var wg sync.WaitGroup
	for i, s := range m.sessions {
		c, ok := unwrapColumns(s)
		if !ok {
			errs[i] = ErrUnsupported
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); fns[i], errs[i] = c.LookupFunction(ctx, name) }()
	}
	wg.Wait()
	for i := range fns {
		if errs[i] == nil && fns[i].Name != "" {
			m.index(i, fns[i:i+1])
			return fns[i], nil
		}
	}
	return model.Function{}, errors.Join(errs...)
}
