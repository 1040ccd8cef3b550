package esm

import (
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// :esm over several (profile, region) pairs: each row says its account and
// region (ACCOUNT and REGION columns, account: and region: filters), the
// IteratorAge is asked by the function's ARN (the combined session sends it
// to that pair), a change is checked against its own pair's protection
// level (read-only, protected) and its confirmation names the pair; the
// combined session sends UpdateEventSourceMapping to the pair it listed
// the mapping in.

func (m *Model) router() (awsapi.PairRouter, bool) {
	if m.deps.Fleet == nil {
		return nil, false
	}
	r, ok := m.deps.Fleet.(awsapi.PairRouter)
	if !ok || len(r.PairStates()) < 2 {
		return nil, false
	}
	return r, true
}

// fnKey is the function a mapping's metrics are asked for: its name, or
// over several pairs its ARN.
func (m *Model) fnKey(it *model.ESM) string {
	if _, ok := m.router(); ok && it.FunctionARN != "" {
		return awsapi.FunctionARN(model.Target{Region: region(it), Account: account(it)}, it.Function)
	}
	return it.Function
}

func region(it *model.ESM) string  { r, _ := awsapi.ARNRegionAccount(it.FunctionARN); return r }
func account(it *model.ESM) string { _, a := awsapi.ARNRegionAccount(it.FunctionARN); return a }

// targetOf is the account and region a change of the mapping goes to.
func (m *Model) targetOf(it model.ESM) model.Target {
	if r, ok := m.router(); ok && it.FunctionARN != "" {
		if s, ok := r.SessionFor(it.FunctionARN); ok {
			return s.Target()
		}
	}
	if m.deps.Fleet == nil {
		return model.Target{Protection: model.ReadOnly}
	}
	return m.deps.Fleet.Target()
}

// pairLine is the confirmation's "pair" line over several pairs, else "".
func (m *Model) pairLine(it model.ESM) string {
	if _, ok := m.router(); !ok {
		return ""
	}
	t := m.targetOf(it)
	who := t.Account
	if t.Profile != "" && t.Profile != t.Account {
		who = t.Profile + " " + t.Account
	}
	return "pair     " + who + " · " + t.Region + "\n"
}

// withPairs adds ACCOUNT and REGION over several pairs.
func (m *Model) withPairs(c table.Config[*model.ESM]) table.Config[*model.ESM] {
	r, ok := m.router()
	if !ok {
		return c
	}
	label := func(a string) string {
		for _, s := range r.PairStates() {
			if s.Target.Account == a && s.Target.Profile != "" && s.Target.Profile != a {
				return s.Target.Profile + " " + a
			}
		}
		return a
	}
	c.Columns = append(c.Columns,
		table.Column[*model.ESM]{Title: "ACCOUNT", Width: 12, Max: 28, Priority: 1, Field: "account", Cut: table.CutEnd,
			Cell: func(it *model.ESM) string { return label(account(it)) },
			Less: func(a, b *model.ESM) bool { return account(a) < account(b) }},
		table.Column[*model.ESM]{Title: "REGION", Width: 9, Max: 14, Priority: 1, Field: "region",
			Cell: region, Less: func(a, b *model.ESM) bool { return region(a) < region(b) }},
	)
	c.Empty = "no event source mappings in these pairs"
	return c
}
