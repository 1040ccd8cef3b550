package awsapi

import (
	"context"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// AliasScanner makes a fleet-wide alias scan (:canaries) cheap: Lambda has
// no bulk alias API, so it reads ListAliases only for functions that have
// published versions (weighted routing and CodeDeploy need two published
// versions), at background priority, and caches what it read. Optional:
// the UI checks for it with a type assertion.
type AliasScanner interface {
	// PublishedFunctions is how many published versions each function has
	// (functions with none are absent), from one paged sweep of
	// ListFunctions(FunctionVersion=ALL) at background priority, cached
	// for a few minutes (refresh forces a new sweep). Over several pairs the
	// keys are ARNs.
	PublishedFunctions(ctx context.Context, refresh bool) (map[string]int, error)
	// ScanAliases is ListAliases at background priority, answered from the
	// cache when read less than maxAge ago (and nothing was changed through
	// this session since).
	ScanAliases(ctx context.Context, function string, maxAge time.Duration) ([]model.Alias, error)
}

var _ AliasScanner = (*Multi)(nil)

// PublishedFunctions implements AliasScanner: every pair's sweep in
// parallel, keyed by ARN; a pair that fails is left out (an error only
// when every pair fails or none can sweep).
func (m *Multi) PublishedFunctions(ctx context.Context, refresh bool) (map[string]int, error) {
	res := make([]map[string]int, len(m.sessions))
	errs := make([]error, len(m.sessions))
	done := make(chan struct{}, len(m.sessions))
	for i, s := range m.sessions {
		sc, ok := s.(AliasScanner)
		if !ok {
			errs[i] = ErrUnsupported
			done <- struct{}{}
			continue
		}
		go func() {
			res[i], errs[i] = sc.PublishedFunctions(ctx, refresh)
			done <- struct{}{}
		}()
	}
	for range m.sessions {
		<-done
	}
	out := map[string]int{}
	ok := false
	var firstErr error
	for i, r := range res {
		if errs[i] != nil {
			if firstErr == nil {
				firstErr = errs[i]
			}
			continue
		}
		ok = true
		prefix := PairPrefix(m.sessions[i].Target())
		for name, n := range r {
			out[prefix+name] = n
		}
	}
	if !ok {
		return nil, firstErr
	}
	return out, nil
}

// ScanAliases implements AliasScanner: the function's pair (an ARN, or a
// name held by one pair).
func (m *Multi) ScanAliases(ctx context.Context, function string, maxAge time.Duration) ([]model.Alias, error) {
	s, err := m.route(function)
	if err != nil {
		return nil, err
	}
	name := functionName(function)
	if sc, ok := s.(AliasScanner); ok {
		return sc.ScanAliases(ctx, name, maxAge)
	}
	return s.ListAliases(ctx, name)
}
