package ui

import (
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/fnview"
)

// Over several (profile, region) pairs the root's session is an
// awsapi.PairRouter: a function opens with the Deps of its own pair, so
// its view, tabs, logs, metrics and every mutation (and its confirmation,
// with that account's protection level) talk to its account and region,
// and the header names them.

// depsFor is the Deps for fn: its pair's session, else the root's.
func (m *Model) depsFor(fn model.Function) common.Deps {
	s, ok := m.pairSession(fn)
	if !ok {
		return m.deps
	}
	d := m.deps
	d.Fleet, d.Metrics, d.Logs, d.Journal = s, s, s, s
	if m.readOnly {
		s.SetReadOnly()
	}
	return d
}

func (m *Model) pairSession(fn model.Function) (awsapi.Session, bool) {
	r, ok := m.deps.Fleet.(awsapi.PairRouter)
	if !ok {
		return nil, false
	}
	k := fn.ARN
	if k == "" {
		k = fn.Name
	}
	return r.SessionFor(k)
}

// sameFunction compares by ARN when both have one (two pairs may share a name).
func sameFunction(a, b model.Function) bool {
	if a.ARN != "" && b.ARN != "" {
		return a.ARN == b.ARN
	}
	return a.Name == b.Name
}

// headerTarget is the target the header shows: the open function's own
// pair when there is one, else the session's.
func (m *Model) headerTarget() model.Target {
	for i := len(m.stack) - 1; i >= 1; i-- {
		if v, ok := m.stack[i].pane.(*fnview.Model); ok {
			if s, ok := m.pairSession(v.Function()); ok {
				t := s.Target()
				if m.readOnly {
					t.Protection = model.ReadOnly
				}
				return t
			}
			break
		}
	}
	return m.target
}
