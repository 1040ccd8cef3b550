package functions

import (
	"strings"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// One list over several (profile, region) pairs: when the session is an
// awsapi.PairRouter with more than one pair, rows are keyed by ARN (the
// same name may live in two pairs), ACCOUNT and REGION columns appear
// with their account: and region: filter fields, and the title shows each
// pair's progress and error ("eu-west-1: AccessDenied").

func (m *Model) router() (awsapi.PairRouter, bool) {
	r, ok := m.deps.Fleet.(awsapi.PairRouter)
	if !ok || len(r.PairStates()) < 2 {
		return nil, false
	}
	return r, true
}

// key is a row's key: the name, or in a multi-pair list the ARN.
func (m *Model) key(f model.Function) string {
	if m.multi && f.ARN != "" {
		return f.ARN
	}
	return f.Name
}

func pairOf(f model.Function) (region, account string) { return awsapi.ARNRegionAccount(f.ARN) }

// withPairs adds the pair columns and keys rows by ARN in a multi-pair list.
func (m *Model) withPairs(c table.Config[*row]) table.Config[*row] {
	if _, ok := m.router(); !ok {
		return c
	}
	m.multi = true
	c.Key = func(r *row) string { return m.key(r.fn) }
	c.Columns = append(c.Columns,
		table.Column[*row]{Title: "ACCOUNT", Width: 17, Max: 28, Priority: 1, Field: "account",
			Cell: func(r *row) string { _, a := pairOf(r.fn); return m.accountLabel(a) },
			Less: func(a, b *row) bool { _, x := pairOf(a.fn); _, y := pairOf(b.fn); return x < y }},
		table.Column[*row]{Title: "REGION", Width: 14, Priority: 1, Field: "region",
			Cell: func(r *row) string { reg, _ := pairOf(r.fn); return reg },
			Less: func(a, b *row) bool { x, _ := pairOf(a.fn); y, _ := pairOf(b.fn); return x < y }},
	)
	c.Empty = "no functions in these pairs"
	return c
}

// accountLabel is the account id, with the profile when one names it
// ("prod 123456789012"), so account:prod and account:1234 both filter.
func (m *Model) accountLabel(account string) string {
	r, ok := m.router()
	if !ok {
		return account
	}
	for _, s := range r.PairStates() {
		if s.Target.Account == account && s.Target.Profile != "" && s.Target.Profile != account {
			return s.Target.Profile + " " + account
		}
	}
	return account
}

// pairsLine is each pair's progress or error, for the title.
func (m *Model) pairsLine() string {
	r, ok := m.router()
	if !ok {
		return ""
	}
	var parts []string
	for _, s := range r.PairStates() {
		if s.Err != nil {
			parts = append(parts, m.st.Error.Render(s.Short()))
		} else if m.listing {
			parts = append(parts, m.st.Muted.Render(s.Short()))
		}
	}
	return strings.Join(parts, " ")
}
