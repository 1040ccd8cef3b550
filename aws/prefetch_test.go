package aws

import (
	"context"
	"os"
	"testing"

	"github.com/lambdaops/lambdaops/model"
)

func TestEarlyRegion(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		cfg  Config
		env  map[string]string
		want string
	}{
		{Config{Region: "eu-west-1"}, map[string]string{"AWS_REGION": "us-east-2"}, "eu-west-1"},
		{Config{}, map[string]string{"AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-2"}, "us-east-2"},
		{Config{}, map[string]string{"AWS_DEFAULT_REGION": "us-west-2"}, "us-west-2"},
		{Config{}, nil, ""}, // the profile's config decides: no guess
		{Config{Sandbox: true}, nil, "us-east-1"},
		{Config{StaticCredentials: true}, map[string]string{"AWS_REGION": "us-east-2"}, ""}, // static ignores the environment
	}
	for _, c := range cases {
		if got := earlyRegion(c.cfg, env(c.env)); got != c.want {
			t.Errorf("earlyRegion(%+v, %v) = %q, want %q", c.cfg, c.env, got, c.want)
		}
	}
}

// A warm open reads the remembered account's snapshot while the SDK
// config loads, and Snapshot hands that fleet over once; a listing written
// since replaces it.
func TestWarmOpenPrefetchesSnapshot(t *testing.T) {
	f := newSwitchableSTS(t, "111111111111")
	cfg := testDirs(t, Config{StaticCredentials: true, Region: "us-east-1", EndpointURL: f.srv.URL, Warm: true})
	c, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.saveSnapshot(sampleFleet(3)); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c2.pre.mu.Lock()
	p := c2.pre.p
	c2.pre.mu.Unlock()
	if p == nil || p.path != snapshotPath(cfg.CacheDir, c2.Target()) {
		t.Fatalf("no prefetch of this target's snapshot: %+v", p)
	}
	// The file goes away: only the prefetched copy can answer now.
	<-p.done
	if err := os.Remove(p.path); err != nil {
		t.Fatal(err)
	}
	fns, _, ok := c2.Snapshot()
	if !ok || len(fns) != 3 {
		t.Fatalf("snapshot from the prefetch: %d functions, %v", len(fns), ok)
	}
	if _, _, ok := c2.Snapshot(); ok {
		t.Fatal("the prefetch was handed out twice (the file is gone)")
	}

	// A prefetch made for another target's file is not used.
	var h prefetched
	h.set(&snapPrefetch{path: "elsewhere", done: make(chan struct{})})
	if _, _, ok := h.take(snapshotPath(cfg.CacheDir, model.Target{Account: "111111111111", Region: "us-east-1"})); ok {
		t.Fatal("a prefetch of another path was used")
	}

	// A listing written after open makes the prefetch stale.
	c3, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c3.saveSnapshot(sampleFleet(5)); err != nil {
		t.Fatal(err)
	}
	if fns, _, ok := c3.Snapshot(); !ok || len(fns) != 5 {
		t.Fatalf("after a new listing: %d functions, %v", len(fns), ok)
	}
	// the warm opens' background STS checks write the identity file:
	// let them finish before the cache directory is removed
	for _, c := range []*Client{c2, c3} {
		if err := c.Validated(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
}
