package canaries

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// Lambda has no bulk alias API, so the scan is kept cheap:
//
//   - only functions that can hold a canary are read: two published versions
//     at least (a weighted alias routes between two published versions, and
//     so does a CodeDeploy deployment), from the session's sweep of
//     ListFunctions(FunctionVersion=ALL), plus every function a running
//     deployment names;
//   - in the order the screen shows them: the functions CodeDeploy is
//     shifting first, then by name, so the top of the screen fills first;
//   - through the session's scanner (ListAliases at background priority, so
//     the listing and an opened function go first), its answers cached for
//     AliasCacheAge; functions that had a canary in the last scan are read
//     again every time, and r reads everything afresh.
//
// Over several (profile, region) pairs the functions are keyed by ARN and
// every read goes to the function's own pair.

// AliasCacheAge is how long a quiet function's aliases are reused.
const AliasCacheAge = 5 * time.Minute

func (m *Model) isMulti() bool {
	r, ok := m.deps.Fleet.(awsapi.PairRouter)
	return ok && len(r.PairStates()) > 1
}

// key is a function's key: its name, or over several pairs its ARN.
func (m *Model) key(f model.Function) string { return keyOf(m.multi, f) }

func keyOf(multi bool, f model.Function) string {
	if multi && f.ARN != "" {
		return f.ARN
	}
	return f.Name
}

func (r Row) key() string {
	if r.Key != "" {
		return r.Key
	}
	return r.Function
}

// labelOf is "account region" over several pairs, else "".
func labelOf(multi bool, f model.Function) string {
	if !multi {
		return ""
	}
	region, account := awsapi.ARNRegionAccount(f.ARN)
	return account + " " + region
}

// deployKey is a deployment's "fn:alias" (over several pairs the ARN's).
func (m *Model) deployKey(d model.Deployment) string {
	if m.multi && d.Region != "" {
		return awsapi.FunctionARN(model.Target{Region: d.Region, Account: d.Account}, d.Function) + ":" + d.Alias
	}
	return d.Function + ":" + d.Alias
}

func (m *Model) scanner() awsapi.AliasScanner {
	if m.deps.Fleet == nil {
		return nil
	}
	sc, _ := m.deps.Fleet.(awsapi.AliasScanner)
	return sc
}

// toScan is the functions to read, in the screen's order.
func (m *Model) toScan(fns []model.Function, published map[string]int, pubErr error) []model.Function {
	m.all, m.published = len(fns), published
	owned := map[string]bool{}
	for k := range m.deploys {
		owned[k[:lastColon(k)]] = true
	}
	m.moving = map[string]bool{}
	for _, r := range m.prev {
		m.moving[r.key()] = true
	}
	var out []model.Function
	for _, f := range fns {
		k := m.key(f)
		if published == nil || pubErr != nil || published[k] >= 2 || owned[k] || m.moving[k] {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := owned[m.key(out[i])], owned[m.key(out[j])]
		if a != b {
			return a
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func lastColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return len(s)
}

// reader reads one function's aliases: through the scanner (cached, at
// background priority) when the session has one.
func (m *Model) reader() func(ctx context.Context, f model.Function) ([]model.Alias, error) {
	fleet, sc, moving, fresh := m.deps.Fleet, m.scanner(), m.moving, m.fresh
	multi := m.multi
	key := func(f model.Function) string { return keyOf(multi, f) }
	return func(ctx context.Context, f model.Function) ([]model.Alias, error) {
		if sc == nil {
			return fleet.ListAliases(ctx, f.Name)
		}
		age := AliasCacheAge
		if fresh || moving[key(f)] {
			age = 0
		}
		return sc.ScanAliases(ctx, key(f), age)
	}
}

// scanNote says how many functions the scan skipped, and why.
func (m *Model) scanNote() string {
	if m.published == nil || m.all == len(m.fns) {
		return ""
	}
	return fmt.Sprintf(" (of %d: the others have fewer than two published versions)", m.all)
}

// withPairs adds ACCOUNT REGION over several pairs.
func (m *Model) withPairs(c table.Config[*Row]) table.Config[*Row] {
	if !m.multi {
		return c
	}
	c.Columns = append(c.Columns, table.Column[*Row]{Title: "ACCOUNT REGION", Width: 22, Max: 30, Priority: 1, Field: "pair",
		Cut: table.CutEnd, Cell: func(r *Row) string { return r.Pair }, Less: func(a, b *Row) bool { return a.Pair < b.Pair }})
	return c
}
