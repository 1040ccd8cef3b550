package triage

import (
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// The board over several (profile, region) pairs: rows are keyed by ARN
// (two pairs may hold the same name), ACCOUNT and REGION columns say where
// each row is from (with account: and region: filters), metrics go through
// the combined session by ARN, and the per-function extras (reserved and
// provisioned concurrency, a canary's split, REPORT lines) ask the row's
// own pair. Opening a row opens the function in its pair (the root routes
// by ARN).

func (m *Model) router() (awsapi.PairRouter, bool) {
	r, ok := m.deps.Fleet.(awsapi.PairRouter)
	if !ok || len(r.PairStates()) < 2 {
		return nil, false
	}
	return r, true
}

// key is a row's key: the name, or over several pairs the ARN.
func (m *Model) key(f model.Function) string {
	if m.multi && f.ARN != "" {
		return f.ARN
	}
	return f.Name
}

// pairOf is the fleet, logs and metrics for f's own pair (the session's
// when there is one pair).
func (m *Model) pairOf(f model.Function) (awsapi.Fleet, awsapi.Logs, awsapi.Metrics) {
	if r, ok := m.router(); ok && f.ARN != "" {
		if s, ok := r.SessionFor(f.ARN); ok {
			return s, s, s
		}
	}
	return m.deps.Fleet, m.deps.Logs, m.deps.Metrics
}

// samePair: a deployment listed over several pairs is its own pair's.
func samePair(d model.Deployment, f model.Function) bool {
	if d.Region == "" || f.ARN == "" {
		return true
	}
	region, account := awsapi.ARNRegionAccount(f.ARN)
	return d.Region == region && d.Account == account
}

// withPairs adds ACCOUNT and REGION over several pairs.
func (m *Model) withPairs(c table.Config[*row]) table.Config[*row] {
	r, ok := m.router()
	if !ok {
		return c
	}
	m.multi = true
	label := func(account string) string {
		for _, s := range r.PairStates() {
			if s.Target.Account == account && s.Target.Profile != "" && s.Target.Profile != account {
				return s.Target.Profile + " " + account
			}
		}
		return account
	}
	pair := func(x *row) (string, string) { return awsapi.ARNRegionAccount(x.fn.ARN) }
	c.Columns = append(c.Columns,
		table.Column[*row]{Title: "ACCOUNT", Width: 12, Max: 28, Priority: 1, Field: "account", Cut: table.CutEnd,
			Cell: func(x *row) string { _, a := pair(x); return label(a) },
			Less: func(a, b *row) bool { _, x := pair(a); _, y := pair(b); return x < y }, SortName: "account"},
		table.Column[*row]{Title: "REGION", Width: 9, Max: 14, Priority: 1, Field: "region",
			Cell: func(x *row) string { reg, _ := pair(x); return reg },
			Less: func(a, b *row) bool { x, _ := pair(a); y, _ := pair(b); return x < y }, SortName: "region"},
	)
	c.Empty = "no functions in these pairs"
	return c
}
