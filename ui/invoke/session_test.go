package invoke

import (
	"context"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
)

// session is the counting fake with canned invoke results.
type session struct {
	*fake.Session
	mu      sync.Mutex
	result  model.InvokeResult
	reqs    []model.InvokeRequest
	block   chan struct{}
	aliases []model.Alias
}

func newSession() *session {
	s := &session{Session: fake.New("us-east-1", 3)}
	s.aliases = []model.Alias{{Function: s.Fns[0].Name, Name: "live", Version: "2"}}
	return s
}

func (s *session) ListVersions(ctx context.Context, fn string) ([]model.Version, error) {
	s.Session.ListVersions(ctx, fn)
	return []model.Version{{Version: "$LATEST"}, {Version: "1"}, {Version: "2"}}, nil
}

func (s *session) ListAliases(ctx context.Context, fn string) ([]model.Alias, error) {
	s.Session.ListAliases(ctx, fn)
	return s.aliases, nil
}

func (s *session) Invoke(ctx context.Context, req model.InvokeRequest) (model.InvokeResult, error) {
	if _, err := s.Session.Invoke(ctx, req); err != nil {
		return model.InvokeResult{}, err
	}
	if s.block != nil {
		<-s.block
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	return s.result, nil
}

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
