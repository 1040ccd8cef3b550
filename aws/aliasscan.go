package aws

import (
	"context"
	"fmt"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

// The fleet-wide alias scan (:canaries), made cheap (awsapi.AliasScanner):
// one sweep of ListFunctions(FunctionVersion=ALL), 50 versions a page,
// says which functions have published versions (only those can have a
// weighted alias or a CodeDeploy deployment), and ListAliases is read only
// for those, at background priority, each answer cached. Any change this
// session sends to Lambda drops the cache (aliasScan.changed).

var _ awsapi.AliasScanner = (*Client)(nil)

// publishedTTL is how long one sweep of the versions is reused.
const publishedTTL = 5 * time.Minute

type aliasScan struct {
	mu        sync.Mutex
	published map[string]int
	sweptAt   time.Time
	aliases   map[string]aliasEntry
	gen       uint64 // bumped by every change sent to Lambda
}

type aliasEntry struct {
	aliases []model.Alias
	at      time.Time
	gen     uint64
}

// changed drops what the cache knows (a change was sent to Lambda).
func (s *aliasScan) changed() {
	s.mu.Lock()
	s.gen++
	s.published = nil
	s.mu.Unlock()
}

// PublishedFunctions implements awsapi.AliasScanner.
func (c *Client) PublishedFunctions(ctx context.Context, refresh bool) (map[string]int, error) {
	now := c.cfg.Now()
	s := &c.scan
	s.mu.Lock()
	if !refresh && s.published != nil && now.Sub(s.sweptAt) < publishedTTL {
		out := s.published
		s.mu.Unlock()
		return out, nil
	}
	gen := s.gen
	s.mu.Unlock()

	ctx = WithPriority(ctx, Background)
	out := map[string]int{}
	var marker *string
	seen := map[string]bool{}
	for i := 0; ; i++ {
		page, err := c.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{
			FunctionVersion: "ALL",
			Marker:          marker,
			MaxItems:        sdkaws.Int32(listPageSize),
		})
		if err != nil {
			return nil, c.classify(fmt.Errorf("published versions (page %d): %w", i+1, err))
		}
		for k := range page.Functions {
			f := &page.Functions[k]
			if v := sdkaws.ToString(f.Version); v != "" && v != "$LATEST" {
				out[sdkaws.ToString(f.FunctionName)]++
			}
		}
		next := sdkaws.ToString(page.NextMarker)
		if next == "" || seen[next] {
			break
		}
		seen[next] = true
		marker = sdkaws.String(next)
	}
	s.mu.Lock()
	if s.gen == gen {
		s.published, s.sweptAt = out, now
	}
	s.mu.Unlock()
	return out, nil
}

// ScanAliases implements awsapi.AliasScanner.
func (c *Client) ScanAliases(ctx context.Context, function string, maxAge time.Duration) ([]model.Alias, error) {
	now := c.cfg.Now()
	s := &c.scan
	s.mu.Lock()
	e, ok := s.aliases[function]
	gen := s.gen
	s.mu.Unlock()
	if ok && e.gen == gen && maxAge > 0 && now.Sub(e.at) < maxAge {
		return e.aliases, nil
	}
	as, err := c.ListAliases(WithPriority(ctx, Background), function)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.aliases == nil {
		s.aliases = map[string]aliasEntry{}
	}
	s.aliases[function] = aliasEntry{aliases: as, at: now, gen: gen}
	s.mu.Unlock()
	return as, nil
}
