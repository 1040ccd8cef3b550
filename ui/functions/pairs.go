package functions

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
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
		table.Column[*row]{Title: "ACCOUNT", Width: 17, Max: 28, Priority: 0, Field: "account", Cut: table.CutEnd,
			Cell: func(r *row) string { _, a := pairOf(r.fn); return m.accountLabel(a) },
			Less: func(a, b *row) bool { _, x := pairOf(a.fn); _, y := pairOf(b.fn); return x < y }},
		table.Column[*row]{Title: "REGION", Width: 9, Max: 14, Priority: 0, Field: "region",
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

// pairSwept marks the rows of pairs whose tags sweep has ended: a row of
// such a pair in no page has no tags.
func (m *Model) pairSwept(prefixes []string) {
	if len(prefixes) == 0 {
		return
	}
	m.sweptPairs = append(m.sweptPairs, prefixes...)
	for _, r := range m.rows {
		if !r.fn.TagsKnown && !r.fn.Enriched && m.sweptPair(r.fn) {
			r.fn.Tags, r.fn.TagsKnown = nil, true
			r.ver++
		}
	}
	if m.tagFiltered() {
		m.rebuild()
	}
}

// sweptPair reports whether f's pair has been swept for tags.
func (m *Model) sweptPair(f model.Function) bool {
	for _, p := range m.sweptPairs {
		if strings.HasPrefix(f.ARN, p) {
			return true
		}
	}
	return false
}

// applyPairsValidated is the warm start's check over several pairs: a pair
// whose credentials now belong to another account loses its cached rows
// (the listing in flight brings the new account's); pairs that could not
// be checked keep their stale rows, with their error inline in the title.
// Only when no pair was confirmed is the whole view stale (m.verr).
func (m *Model) applyPairsValidated(pe *awsapi.PairsError) tea.Cmd {
	var notes []string
	dropped := false
	failed := 0
	for _, p := range pe.Pairs {
		var ac *awsapi.AccountChangedError
		if !errors.As(p.Err, &ac) {
			failed++
			continue
		}
		old := p.Target
		old.Account = ac.Cached
		prefix := awsapi.PairPrefix(old)
		for k, r := range m.rows {
			if strings.HasPrefix(r.fn.ARN, prefix) {
				delete(m.rows, k)
				dropped = true
			}
		}
		notes = append(notes, p.Label+": "+ac.Error())
	}
	if dropped {
		m.rebuild()
	}
	if failed > 0 && failed == pe.Of {
		m.verr = pe
		return common.Status(offlineText(pe), true)
	}
	m.verr = nil
	if failed > 0 {
		notes = append(notes, fmt.Sprintf("%d pair(s) could not be checked: their cached rows stay, marked stale (r retries)", failed))
	}
	if len(notes) == 0 {
		return nil
	}
	return common.Status(strings.Join(notes, "; "), true)
}
