package awsapi

import (
	"context"

	"github.com/lambdaops/lambdaops/model"
)

// Enriched is the result of one lazy GetFunction: the function with Tags,
// Reserved and Enriched filled in, or the error.
type Enriched struct {
	Name     string
	Function model.Function
	Err      error
}

// Enrichment fetches GetFunction (reserved concurrency, tags) lazily in
// the background: the names on screen first, then the queue.
type Enrichment interface {
	// Visible replaces the on-screen set: these names go first, in order.
	Visible(names ...string)
	// Queue adds names after anything visible.
	Queue(names ...string)
	// Results delivers enriched functions; it closes when the context ends.
	Results() <-chan Enriched
}

// TagPage is one page of the Resource Groups Tagging API's sweep of the
// region's functions: function name → tags (functions with no tags are
// absent). Last is set on the final page.
type TagPage struct {
	Tags  map[string]map[string]string
	Index int
	Last  bool
	// Swept (over several pairs, where Tags are keyed by ARN) is the ARN
	// prefix of each pair whose sweep ended with this page: a function of
	// that pair in no page has no tags.
	Swept []string
}

// Columns fills in what ListFunctions leaves empty. Optional: the UI
// checks for it with a type assertion.
type Columns interface {
	// StartEnrichment starts background GetFunction workers (its own 100/s
	// quota, at a background priority) that run until ctx ends.
	StartEnrichment(ctx context.Context, workers int) Enrichment
	// FunctionTags sweeps the tags of every function in the region with
	// GetResources (100 a page, its own quota, background priority).
	FunctionTags(ctx context.Context, fn func(TagPage) error) error
	// LookupFunction is one GetFunction call at foreground priority (a
	// name typed into the filter that the listing has not delivered yet).
	LookupFunction(ctx context.Context, name string) (model.Function, error)
}
