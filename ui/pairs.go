package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

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
	d.Fleet, d.Metrics, d.Logs, d.Journal, d.Alarms = s, s, s, s, s
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
		if s := m.stack[i].pair; s != nil { // a screen about one function (:invoke, :logs, ...)
			t := s.Target()
			if m.readOnly {
				t.Protection = model.ReadOnly
			}
			return t
		}
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

// runPairCommand handles the palette's multi-pair commands: ":region a,b",
// ":profile p1,p2" (in the sandbox: [name:]ACCOUNT), ":view NAME" and
// ":ctx [NAME]". ok is false for anything else.
func (m *Model) runPairCommand(name string, args []string) (tea.Cmd, bool) {
	list := splitList(strings.Join(args, ","))
	switch name {
	case "region":
		if len(list) < 2 {
			return nil, false
		}
		for _, r := range list {
			if !m.knownRegion(r) {
				return m.setStatus(fmt.Sprintf("unknown region %q (tab after :region completes the known ones)", r), true), true
			}
		}
		return m.switchPairs(nil, list), true
	case "profile":
		if len(list) < 2 && !(m.target.Sandbox && len(list) == 1 && isAccountSpec(list[0])) {
			return nil, false
		}
		return m.switchPairs(list, nil), true
	case "view":
		if len(args) != 1 {
			return m.setStatus("usage: :view <name> (a view from the config file's views:)", true), true
		}
		v, err := m.cfg.ViewNamed(args[0])
		if err != nil {
			return m.setStatus(err.Error(), true), true
		}
		return m.switchPairs(v.Profiles, v.Regions), true
	case "ctx":
		if len(args) == 1 {
			if v, err := m.cfg.ViewNamed(args[0]); err == nil {
				return m.switchPairs(v.Profiles, v.Regions), true
			}
			return m.switchTo(args[0], ""), true
		}
		return m.setStatus(m.contexts(), false), true
	}
	return nil, false
}

// contexts lists what :ctx can pick: the views, then the profiles.
func (m *Model) contexts() string {
	var views []string
	for k := range m.cfg.Views {
		views = append(views, k)
	}
	sort.Strings(views)
	parts := []string{}
	if len(views) > 0 {
		parts = append(parts, "views: "+strings.Join(views, ", "))
	}
	if len(m.opts.Profiles) > 0 {
		parts = append(parts, "profiles: "+strings.Join(m.opts.Profiles, ", "))
	}
	if len(parts) == 0 {
		return "no views or profiles to pick: :ctx NAME, :region a,b, :profile p1,p2"
	}
	return ":ctx NAME picks one of " + strings.Join(parts, "; ")
}

// switchPairs connects to every (profile, region) pair of the lists (an
// empty list keeps the current one); the old session stays until at
// least one pair is open.
func (m *Model) switchPairs(profiles, regions []string) tea.Cmd {
	mc, ok := m.deps.Connect.(awsapi.MultiConnector)
	if !ok {
		return m.setStatus("this session cannot open several profiles or regions", true)
	}
	what := strings.TrimSpace(strings.Join(profiles, ",") + " " + strings.Join(regions, ","))
	return m.guardClose(0, "Switch to "+what+" anyway?", func() tea.Cmd {
		parent, gen := m.req.Start(kindConnect)
		m.connecting = true
		return tea.Batch(m.setStatus("connecting to "+what+"…", false), func() tea.Msg {
			ctx, cancel := context.WithTimeout(parent, 30*time.Second)
			defer cancel()
			s, err := mc.ConnectPairs(ctx, profiles, regions)
			return connectedMsg{gen: gen, session: s, err: err, what: what}
		})
	})
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// isAccountSpec is a sandbox profile naming an account: [name:]ACCOUNT.
func isAccountSpec(s string) bool {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// multiPairs reports whether the session spans several pairs.
func (m *Model) multiPairs() bool {
	r, ok := m.deps.Fleet.(awsapi.PairRouter)
	return ok && len(r.PairStates()) > 1
}

// actionTarget is the pair of the function in context (open or selected).
func (m *Model) actionTarget() (model.Target, bool) {
	fn, ok := m.contextFunction()
	if !ok {
		return model.Target{}, false
	}
	s, ok := m.pairSession(fn)
	if !ok {
		return model.Target{}, false
	}
	return s.Target(), true
}

// dialogBox adds, over several pairs, the account and region a dialog's
// action goes to under its box: every confirmation names its target.
func (m *Model) dialogBox(box string) string {
	if !m.multiPairs() {
		return box
	}
	// only where the context function is surely the action's: the
	// function view on top, or the list itself (a fleet-wide screen such
	// as :esm acts on its own rows)
	top := m.stack[len(m.stack)-1]
	var t model.Target
	if top.pair != nil { // a screen about one function: its pair
		t = top.pair.Target()
	} else {
		if _, isFn := top.pane.(*fnview.Model); !isFn && len(m.stack) > 1 {
			return box
		}
		var ok bool
		if t, ok = m.actionTarget(); !ok {
			return box
		}
	}
	who := t.Account
	if t.Profile != "" && t.Profile != t.Account {
		who = t.Profile + " " + t.Account
	}
	line := " in " + who + " · " + t.Region
	if t.Protection != "" && t.Protection != model.Writable {
		line += " · " + string(t.Protection)
	}
	return box + "\n" + m.st.Warn.Render(line+" ")
}

// functionScreens are the palette screens about one function: over
// several pairs they open with that function's pair (the others, such as
// :triage and :esm, span every pair).
var functionScreens = map[string]bool{"invoke": true, "tune": true, "logs": true, "metrics": true, "concurrency": true}

// screenDeps is the Deps (and target) a screen opens with.
func (m *Model) screenDeps(name string, sc *common.ScreenContext) common.Deps {
	if !functionScreens[name] || sc.Function == nil || !m.multiPairs() {
		return m.deps
	}
	s, ok := m.pairSession(*sc.Function)
	if !ok {
		return m.deps
	}
	sc.Target = s.Target()
	return m.depsFor(*sc.Function)
}

// screenPair is the pair session a screen opened with screenDeps acts
// on, nil when it spans every pair (or there is only one).
func (m *Model) screenPair(name string, sc common.ScreenContext) awsapi.Session {
	if !functionScreens[name] || sc.Function == nil || !m.multiPairs() {
		return nil
	}
	s, _ := m.pairSession(*sc.Function)
	return s
}

// markPair records the pair of the screen just pushed (the header names it).
func (m *Model) markPair(s awsapi.Session) {
	if s != nil && len(m.stack) > 0 {
		m.stack[len(m.stack)-1].pair = s
	}
}
