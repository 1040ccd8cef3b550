package aws

import (
	"context"
	"fmt"
	"strings"
	"sync"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagschemas "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/schemas"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

// Enriched is the result of one lazy GetFunction.
type Enriched = awsapi.Enriched

// TagPage is one page of the tags sweep.
type TagPage = awsapi.TagPage

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
		f, _, err := e.c.getFunctionBasic(WithPriority(ctx, Background), name)
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

var _ awsapi.Columns = (*Client)(nil)

// StartEnrichment implements awsapi.Columns with NewEnricher.
func (c *Client) StartEnrichment(ctx context.Context, workers int) awsapi.Enrichment {
	return c.NewEnricher(ctx, workers)
}

// LookupFunction is one GetFunction call (configuration, tags, reserved
// concurrency) at foreground priority.
func (c *Client) LookupFunction(ctx context.Context, name string) (model.Function, error) {
	f, _, err := c.getFunctionBasic(ctx, name)
	return f, err
}

// ---- the Resource Groups Tagging API ----

func taggingOptions(endpoint string) func(o *tagging.Options) {
	return func(o *tagging.Options) {
		// awsJson1.1, the protocol AWS has always served (and the sandbox
		// and moto speak); the SDK would otherwise prefer RPC v2 CBOR.
		o.Protocol = awsjson.New11(tagschemas.ResourceGroupsTaggingAPI_20170126)
		if endpoint != "" {
			o.BaseEndpoint = sdkaws.String(endpoint)
		}
	}
}

// tagsPerPage is GetResources' largest page.
const tagsPerPage = 100

// FunctionTags sweeps GetResources (ResourceTypeFilters lambda:function,
// 100 a page) at background priority: one call returns the tags of 100
// functions, against one ListTags per function. Functions without tags
// are absent from the pages. Endpoints without the API (moto may lack
// it) give ErrUnsupported.
func (c *Client) FunctionTags(ctx context.Context, fn func(TagPage) error) error {
	ctx = WithPriority(ctx, Background)
	var token *string
	seen := map[string]bool{}
	for i := 0; ; i++ {
		out, err := c.tagging.GetResources(ctx, &tagging.GetResourcesInput{
			ResourceTypeFilters: []string{"lambda:function"},
			ResourcesPerPage:    sdkaws.Int32(tagsPerPage),
			PaginationToken:     token,
		})
		if err != nil {
			return c.classify(asUnsupported("GetResources", fmt.Errorf("tags of the fleet (page %d): %w", i+1, err)))
		}
		page := TagPage{Index: i, Tags: make(map[string]map[string]string, len(out.ResourceTagMappingList))}
		for _, m := range out.ResourceTagMappingList {
			name := taggedFunction(sdkaws.ToString(m.ResourceARN))
			if name == "" {
				continue
			}
			tags := make(map[string]string, len(m.Tags))
			for _, t := range m.Tags {
				tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
			}
			model.MakeInert(&tags)
			page.Tags[name] = tags
		}
		next := sdkaws.ToString(out.PaginationToken)
		if next != "" && seen[next] {
			next = ""
		}
		seen[next] = true
		page.Last = next == ""
		c.known.tags(page)
		if err := fn(page); err != nil {
			return err
		}
		if page.Last {
			c.resave()
			return nil
		}
		token = sdkaws.String(next)
	}
}

// taggedFunction is the function name of a GetResources ARN ("" if it
// is not a function's).
func taggedFunction(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) < 7 || p[2] != "lambda" || p[5] != "function" {
		return ""
	}
	return p[6]
}

// ---- what the session learned beyond the listing ----

// knownStore remembers, per function name, what GetFunction and the tags
// sweep returned (reserved concurrency, tags), so that a snapshot written
// after a listing keeps them: the next start shows every column at once.
type knownStore struct {
	mu    sync.Mutex
	m     map[string]knownFn
	dirty bool // learned something since the last snapshot write
	// pending is a snapshot's functions, folded in at first use (not on
	// the start-up path, where it would compete with the first frame).
	pending []model.Function
	swept   bool // a tags sweep completed: a function in none of its pages has no tags
}

func (k *knownStore) takeDirty() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	d := k.dirty
	k.dirty = false
	return d
}

type knownFn struct {
	enriched  bool
	reserved  *int
	tags      map[string]string
	tagsKnown bool
}

func (k *knownStore) init() { k.m = map[string]knownFn{} }

func (k *knownStore) reset() {
	k.mu.Lock()
	k.m, k.swept, k.pending = map[string]knownFn{}, false, nil
	k.mu.Unlock()
}

// expected is a capacity hint for a listing: the cached fleet's size.
func (k *knownStore) expected() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return max(len(k.pending), len(k.m))
}

// seed takes what a snapshot knew, without overwriting fresher facts, the
// first time the store is used.
func (k *knownStore) seed(fns []model.Function) {
	k.mu.Lock()
	k.pending = fns
	k.mu.Unlock()
}

// fold applies a pending seed (caller holds mu).
func (k *knownStore) fold() {
	fns := k.pending
	if fns == nil {
		return
	}
	k.pending = nil
	for _, f := range fns {
		if _, ok := k.m[f.Name]; ok || !(f.Enriched || f.TagsKnown) {
			continue
		}
		// copies, so the store does not pin the snapshot file's buffer
		var tags map[string]string
		if f.Tags != nil {
			tags = make(map[string]string, len(f.Tags))
			for k, v := range f.Tags {
				tags[strings.Clone(k)] = strings.Clone(v)
			}
		}
		k.m[strings.Clone(f.Name)] = knownFn{enriched: f.Enriched, reserved: f.Reserved, tags: tags, tagsKnown: f.TagsKnown || f.Enriched}
	}
}

func (k *knownStore) enriched(f model.Function) {
	k.mu.Lock()
	k.fold()
	k.m[f.Name] = knownFn{enriched: true, reserved: f.Reserved, tags: f.Tags, tagsKnown: true}
	k.dirty = true
	k.mu.Unlock()
}

func (k *knownStore) tags(p TagPage) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fold()
	for name, t := range p.Tags {
		e := k.m[name]
		e.tags, e.tagsKnown = t, true
		k.m[name] = e
	}
	k.dirty = true
	if p.Last {
		k.swept = true
	}
}

// merge fills a listed function's missing columns from what is known.
func (k *knownStore) merge(f model.Function) model.Function {
	k.mu.Lock()
	k.fold()
	e, ok := k.m[f.Name]
	swept := k.swept
	k.mu.Unlock()
	if !ok {
		if swept && !f.TagsKnown {
			f.Tags, f.TagsKnown = nil, true
		}
		return f
	}
	if e.enriched && !f.Enriched {
		f.Enriched, f.Reserved = true, e.reserved
	}
	if e.tagsKnown && !f.TagsKnown {
		f.Tags, f.TagsKnown = e.tags, true
	}
	if swept && !f.TagsKnown {
		f.Tags, f.TagsKnown = nil, true
	}
	return f
}
