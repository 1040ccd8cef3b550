package aws

import (
	"os"
	"sync"

	"github.com/lambdaops/lambdaops/model"
)

// snapPrefetch is the cached snapshot being read and decoded while Open
// loads the SDK's configuration (shared config files, a CA bundle, the
// credential chain): both are on the way to the first frame, and neither
// needs the other, so they overlap instead of adding up.
//
// It is started only when the region is known without the SDK (the
// --region flag, AWS_REGION or AWS_DEFAULT_REGION) and an identity is
// remembered for it; Snapshot uses it only if the session the SDK then
// resolved has that same snapshot path, else it reads the file as before.
type snapPrefetch struct {
	path string
	done chan struct{}
	s    snapshotFile
	err  error
}

// earlyRegion is the region the SDK will resolve when it can be told
// without loading the shared config: "" when the profile's config decides.
func earlyRegion(cfg Config, getenv func(string) string) string {
	if cfg.Region != "" {
		return cfg.Region
	}
	if cfg.Sandbox {
		return "us-east-1"
	}
	if cfg.StaticCredentials {
		return ""
	}
	if r := getenv("AWS_REGION"); r != "" {
		return r
	}
	return getenv("AWS_DEFAULT_REGION")
}

// startPrefetch begins reading the snapshot Open will most likely ask
// for; nil when there is nothing to guess from.
func startPrefetch(cfg Config) *snapPrefetch {
	if !cfg.Warm || cfg.CacheDir == "" {
		return nil
	}
	region := earlyRegion(cfg, os.Getenv)
	if region == "" {
		return nil
	}
	id, ok := loadIdentity(cfg.CacheDir, identityKey(cfg.Profile, region, cfg.EndpointURL))
	if !ok {
		return nil
	}
	p := &snapPrefetch{
		path: snapshotPath(cfg.CacheDir, model.Target{Account: id.Account, Region: region, Endpoint: cfg.EndpointURL}),
		done: make(chan struct{}),
	}
	go func() {
		defer close(p.done)
		p.s, p.err = readSnapshot(p.path)
	}()
	return p
}

// prefetched holds a session's prefetch until Snapshot takes it (or a
// new listing makes it stale).
type prefetched struct {
	mu sync.Mutex
	p  *snapPrefetch
}

func (h *prefetched) set(p *snapPrefetch) {
	h.mu.Lock()
	h.p = p
	h.mu.Unlock()
}

// take returns the prefetch of path, waiting for it, and forgets it
// either way (its memory is the decoded fleet): ok is false when none was
// made for path.
func (h *prefetched) take(path string) (snapshotFile, error, bool) {
	h.mu.Lock()
	p := h.p
	h.p = nil
	h.mu.Unlock()
	if p == nil || p.path != path {
		return snapshotFile{}, nil, false
	}
	<-p.done
	return p.s, p.err, true
}

// drop forgets the prefetch (a listing wrote a newer snapshot).
func (h *prefetched) drop() { h.set(nil) }
