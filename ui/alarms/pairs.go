package alarms

import (
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// :alarms over several (profile, region) pairs: the demo worlds (and real
// accounts) hold alarms of the same name, so rows are keyed by ARN, say
// their account and region (ACCOUNT and REGION columns, account: and
// region: filters), and the history, a change (checked against that
// pair's protection level, its confirmation naming it) and enter (the
// watched function of that account and region) go to the alarm's pair.

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

// rowSession is the pair session of the alarm, nil with one pair.
func (m *Model) rowSession(r *row) awsapi.Session {
	pr, ok := m.router()
	if !ok || r == nil || r.a.ARN == "" {
		return nil
	}
	s, _ := pr.SessionFor(r.a.ARN) // an ARN routes by its account and region
	return s
}

// tgt is the target a change acts on: the alarm's pair, else the screen's.
func (m *Model) tgt() model.Target {
	if m.acting != nil {
		return m.acting.Target()
	}
	return m.target
}

func (m *Model) rowKey(r *row) string {
	if _, ok := m.router(); ok && r.a.ARN != "" {
		return r.a.ARN
	}
	return r.a.Name
}

func (m *Model) withPairs(c table.Config[*row]) table.Config[*row] {
	pr, ok := m.router()
	if !ok {
		return c
	}
	label := func(a string) string {
		for _, s := range pr.PairStates() {
			if s.Target.Account == a && s.Target.Profile != "" && s.Target.Profile != a {
				return s.Target.Profile + " " + a
			}
		}
		return a
	}
	pair := func(r *row) (string, string) { return awsapi.ARNRegionAccount(r.a.ARN) }
	c.Columns = append(c.Columns,
		table.Column[*row]{Title: "ACCOUNT", Width: 12, Max: 28, Priority: 1, Field: "account", Cut: table.CutEnd,
			Cell: func(r *row) string { _, a := pair(r); return label(a) },
			Less: func(a, b *row) bool { _, x := pair(a); _, y := pair(b); return x < y }},
		table.Column[*row]{Title: "REGION", Width: 9, Max: 14, Priority: 1, Field: "region",
			Cell: func(r *row) string { reg, _ := pair(r); return reg },
			Less: func(a, b *row) bool { x, _ := pair(a); y, _ := pair(b); return x < y }},
	)
	return c
}
