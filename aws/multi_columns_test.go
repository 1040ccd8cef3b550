package aws

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

// open2x2 opens two accounts × two regions of one sandbox as one Multi.
func open2x2(t *testing.T, s *sandbox.Server, base Config) (*awsapi.Multi, []*Client) {
	t.Helper()
	pairs, err := Pairs([]string{"123456789012", "210987654321"}, []string{"us-east-1", "eu-west-1"}, true)
	if err != nil {
		t.Fatal(err)
	}
	ss, cs, errs := Sessions(OpenAll(context.Background(), base, pairs))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	t.Cleanup(func() {
		for _, c := range cs {
			c.Close()
		}
	})
	return awsapi.NewMulti(ss...), cs
}

// The combined session fills RSV and TAGS per pair: the enrichment takes
// and answers ARNs and asks each pair's own session (its own GetFunction
// bucket); the tags sweep runs GetResources in every pair and keys the
// tags by ARN, naming each pair when its sweep ends.
func TestMultiColumnsPerPair(t *testing.T) {
	s := startSandbox(t, sandbox.Options{Functions: 10, Seed: 3,
		Regions: []string{"us-east-1", "eu-west-1"}, Accounts: []string{"123456789012", "210987654321"}})
	base := testDirs(t, Config{Sandbox: true, EndpointURL: s.URL()})
	m, cs := open2x2(t, s, base)
	ctx := context.Background()
	var all []model.Function
	if err := m.ListFunctions(ctx, func(p awsapi.Page) error { all = append(all, p.Functions...); return nil }); err != nil {
		t.Fatal(err)
	}
	byARN := map[string]model.Function{}
	for _, f := range all {
		byARN[f.ARN] = f
	}
	// a reserved concurrency that only pair B (210987654321 / eu-west-1) has
	var b model.Function
	for _, f := range all {
		if r, a := awsapi.ARNRegionAccount(f.ARN); r == "eu-west-1" && a == "210987654321" {
			b = f
			break
		}
	}
	if err := cs[3].PutReserved(ctx, b.Name, 9); err != nil {
		t.Fatal(err)
	}

	// tags: every pair swept, keys are the listing's ARNs
	var swept []string
	tagged := map[string]map[string]string{}
	last := false
	err := m.FunctionTags(ctx, func(p awsapi.TagPage) error {
		for k, v := range p.Tags {
			tagged[k] = v
		}
		swept = append(swept, p.Swept...)
		last = last || p.Last
		return nil
	})
	if err != nil || !last || len(swept) != 4 {
		t.Fatalf("sweep: err %v, last %v, swept %v", err, last, swept)
	}
	perPair := map[string]int{}
	for arn, tags := range tagged {
		if _, ok := byARN[arn]; !ok {
			t.Fatalf("tagged %s is not a listed ARN", arn)
		}
		if tags["team"] == "" {
			t.Errorf("%s tags %v", arn, tags)
		}
		r, a := awsapi.ARNRegionAccount(arn)
		perPair[a+"/"+r]++
	}
	if len(perPair) != 4 {
		t.Fatalf("tags per pair %v", perPair)
	}
	for i, c := range cs {
		if n := c.Stats().Sent["GetResources"]; n != 1 {
			t.Errorf("pair %d sent %d GetResources", i, n)
		}
	}

	// enrichment: ARNs of two pairs holding the same name go to their own pair
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	e := m.StartEnrichment(ectx, 2)
	same := awsapi.FunctionARN(cs[1].Target(), b.Name) // the same name in 123456789012 / eu-west-1
	want := []string{b.ARN}
	if _, ok := byARN[same]; ok {
		want = append(want, same)
	}
	e.Visible(want...)
	got := map[string]awsapi.Enriched{}
	for len(got) < len(want) {
		r := <-e.Results()
		got[r.Name] = r
	}
	if r := got[b.ARN]; r.Err != nil || r.Function.Reserved == nil || *r.Function.Reserved != 9 || !r.Function.Enriched {
		t.Fatalf("pair B's row: %+v", r)
	}
	if r, ok := got[same]; ok && r.Function.Reserved != nil && *r.Function.Reserved == 9 {
		t.Fatalf("pair A's row has pair B's reservation")
	}
	if cs[3].Stats().Sent["GetFunction"] == 0 || cs[0].Stats().Sent["GetFunction"] != 0 {
		t.Errorf("GetFunction sent per pair: %d %d %d %d", cs[0].Stats().Sent["GetFunction"], cs[1].Stats().Sent["GetFunction"],
			cs[2].Stats().Sent["GetFunction"], cs[3].Stats().Sent["GetFunction"])
	}

	// a name typed into the filter, asked of every pair at once
	f, err := m.LookupFunction(ctx, b.Name)
	if err != nil || f.Name != b.Name {
		t.Fatalf("lookup %v %v", f.Name, err)
	}
	if _, err := m.LookupFunction(ctx, "no-such-function"); err == nil {
		t.Fatal("lookup of a missing name: no error")
	}
}

// The warm start per pair: reopened from the remembered identities, every
// pair's snapshot is drawn and the combined check confirms them all; a
// pair whose endpoint is down is named in a *PairsError, the others are
// confirmed.
func TestMultiValidatedPerPair(t *testing.T) {
	s := startSandbox(t, sandbox.Options{Functions: 6, Seed: 3,
		Regions: []string{"us-east-1", "eu-west-1"}, Accounts: []string{"123456789012", "210987654321"}})
	base := testDirs(t, Config{Sandbox: true, EndpointURL: s.URL(), Warm: true})
	m, cs := open2x2(t, s, base) // first start: nothing remembered, STS checked before
	if err := m.ListFunctions(context.Background(), func(awsapi.Page) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		c.Close()
	}
	m2, _ := open2x2(t, s, base) // warm: opened from the remembered identities
	if fns, _, ok := m2.Snapshot(); !ok || len(fns) == 0 {
		t.Fatal("no combined snapshot on the warm start")
	}
	if err := m2.Validated(context.Background()); err != nil {
		t.Fatalf("Validated: %v", err)
	}

	// a combined session where one pair cannot be checked
	down := &downPair{Session: cs[0]}
	m3 := awsapi.NewMulti(down, m2.Sessions()[1])
	err := m3.Validated(context.Background())
	var pe *awsapi.PairsError
	var ne *awsapi.NetworkError
	if !errors.As(err, &pe) || len(pe.Pairs) != 1 || pe.All() || !errors.As(err, &ne) {
		t.Fatalf("Validated with a pair down: %v", err)
	}
	if st := m3.PairStates()[0]; st.Err == nil || !strings.Contains(st.Short(), "unreachable (connection refused)") {
		t.Fatalf("the failed check is not inline: %+v", st)
	}
}

type downPair struct{ awsapi.Session }

func (downPair) Validated(context.Context) error {
	return &awsapi.NetworkError{Endpoint: "http://127.0.0.1:1", Reason: "connection refused"}
}

// The alias scan's sweep and cache per pair: published versions keyed by
// ARN over the pairs, a cached ListAliases answered without a request, and
// a change sent through the session dropping the cache.
func TestAliasScanPerPair(t *testing.T) {
	s := startSandbox(t, sandbox.Options{Functions: 10, Seed: 1,
		Regions: []string{"us-east-1", "eu-west-1"}, Accounts: []string{"123456789012", "210987654321"}})
	m, cs := open2x2(t, s, testDirs(t, Config{Sandbox: true, EndpointURL: s.URL()}))
	ctx := context.Background()
	pub, err := m.PublishedFunctions(ctx, false)
	if err != nil || len(pub) == 0 {
		t.Fatalf("published %v %v", pub, err)
	}
	pairs := map[string]bool{}
	var candidates []string // pair B's functions with two or more versions
	for k, n := range pub {
		r, a := awsapi.ARNRegionAccount(k)
		pairs[a+"/"+r] = true
		if n >= 2 && strings.Contains(k, ":eu-west-1:210987654321:") {
			candidates = append(candidates, k)
		}
	}
	if len(pairs) != 4 || len(candidates) == 0 {
		t.Fatalf("published over %v (pair B: %v)", pairs, candidates)
	}
	sort.Strings(candidates)
	if _, err := m.PublishedFunctions(ctx, false); err != nil || cs[3].Stats().Sent["ListFunctions"] != 1 {
		t.Fatalf("the sweep is not cached: %d ListFunctions", cs[3].Stats().Sent["ListFunctions"])
	}
	// Not every function with versions has an alias: take the first that
	// does (one ListAliases per function tried).
	var arn string
	for _, k := range candidates {
		as, err := m.ScanAliases(ctx, k, time.Minute)
		if err != nil {
			t.Fatalf("aliases of %s: %v", k, err)
		}
		if len(as) > 0 {
			arn = k
			break
		}
	}
	if arn == "" {
		t.Fatalf("no function of pair B with aliases among %v", candidates)
	}
	read := cs[3].Stats().Sent["ListAliases"]
	if _, err := m.ScanAliases(ctx, arn, time.Minute); err != nil || cs[3].Stats().Sent["ListAliases"] != read {
		t.Fatalf("cached aliases read again: %d after %d", cs[3].Stats().Sent["ListAliases"], read)
	}
	if err := cs[3].PutReserved(ctx, functionName(arn), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ScanAliases(ctx, arn, time.Minute); err != nil || cs[3].Stats().Sent["ListAliases"] != read+1 {
		t.Fatalf("a change did not drop the cache: %d after %d", cs[3].Stats().Sent["ListAliases"], read)
	}
	for i, c := range cs[:3] {
		if n := c.Stats().Sent["ListAliases"]; n != 0 {
			t.Fatalf("pair %d read %d ListAliases", i, n)
		}
	}
}

func functionName(arn string) string {
	p := strings.Split(arn, ":")
	return p[len(p)-1]
}
