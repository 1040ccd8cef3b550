package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// PairRouter is implemented by a session that spans several (profile,
// region) pairs (Multi): the UI asks it for the one session a function
// lives in, so the function view, its tabs and every mutation talk to that
// function's own account and region (and its protection level applies).
type PairRouter interface {
	// SessionFor returns the pair session holding the function with this
	// ARN (or, when unambiguous, this name).
	SessionFor(arnOrName string) (Session, bool)
	// PairStates is each pair's listing progress and error, in pair order.
	PairStates() []PairState
}

// PairState is one pair's listing progress, shown inline in the list.
type PairState struct {
	Label   string // "profile/region" or "account/region"
	Target  model.Target
	Loaded  int
	Done    bool
	Err     error
	Skipped bool // not opened (e.g. its SSO session expired)
}

// Short is "eu-west-1: AccessDenied" style text for the state.
func (s PairState) Short() string {
	switch {
	case s.Err != nil:
		return s.Label + ": " + shortErr(s.Err)
	case s.Done:
		return fmt.Sprintf("%s: %d", s.Label, s.Loaded)
	default:
		return fmt.Sprintf("%s: %d…", s.Label, s.Loaded)
	}
}

func shortErr(err error) string {
	msg := err.Error()
	for _, code := range []string{"AccessDenied", "UnrecognizedClientException", "ExpiredToken", "InvalidClientTokenId", "Throttling", "TooManyRequests"} {
		if strings.Contains(msg, code) {
			return code
		}
	}
	var sso *ErrSSOExpired
	if errors.As(err, &sso) {
		return "SSO session expired"
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return "unreachable (" + ne.Reason + ")"
	}
	if len(msg) > 60 {
		msg = msg[:57] + "…"
	}
	return msg
}

// Multi is one Session over several pair sessions: listings fan out to all
// pairs in parallel (each pair keeps its own rate buckets, as the governor
// keys by account and region), and everything about one function goes to
// the pair the function lives in. A pair that fails never blanks the
// others: its error is kept in PairStates and the listing goes on.
type Multi struct {
	sessions []Session
	labels   []string

	mu     sync.Mutex
	states []PairState
	failed []PairState      // pairs not opened
	byName map[string][]int // function name -> pairs holding it
	byARN  map[string]int
	byUUID map[string]int // event source mapping -> pair

	alarmOwner map[string][]int // alarm name or ARN -> pairs (multi_alarms.go)
	verrs      []error          // per pair: the warm start's check failed (multi_columns.go)
}

var (
	_ Session    = (*Multi)(nil)
	_ PairRouter = (*Multi)(nil)
)

// NewMulti combines sessions (at least one). Labels name each pair in the
// UI: the profile when the profiles differ, else the account, plus the
// region when the regions differ.
func NewMulti(sessions ...Session) *Multi {
	m := &Multi{sessions: sessions, byName: map[string][]int{}, byARN: map[string]int{}, byUUID: map[string]int{}}
	m.labels = PairLabels(targets(sessions))
	m.states = make([]PairState, len(sessions))
	for i, s := range sessions {
		m.states[i] = PairState{Label: m.labels[i], Target: s.Target()}
	}
	return m
}

func targets(ss []Session) []model.Target {
	out := make([]model.Target, len(ss))
	for i, s := range ss {
		out[i] = s.Target()
	}
	return out
}

// PairLabels names each target briefly: the profile (or account) and/or
// the region, whichever differ between the targets.
func PairLabels(ts []model.Target) []string {
	who := func(t model.Target) string {
		if t.Profile != "" {
			return t.Profile
		}
		return t.Account
	}
	whoDiffer, regDiffer := false, false
	for _, t := range ts {
		if who(t) != who(ts[0]) || t.Account != ts[0].Account {
			whoDiffer = true
		}
		if t.Region != ts[0].Region {
			regDiffer = true
		}
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		var parts []string
		if whoDiffer || !regDiffer {
			w := who(t)
			if t.Profile != "" && t.Account != "" && whoDiffer && countWho(ts, t.Profile) > 1 {
				w = t.Account
			}
			parts = append(parts, w)
		}
		if regDiffer || !whoDiffer {
			parts = append(parts, t.Region)
		}
		out[i] = strings.Join(parts, "/")
	}
	return out
}

func countWho(ts []model.Target, profile string) int {
	accts := map[string]bool{}
	for _, t := range ts {
		if t.Profile == profile {
			accts[t.Account] = true
		}
	}
	return len(accts)
}

// WithFailed adds pairs that could not be opened: they list nothing and
// show their error inline in PairStates.
func (m *Multi) WithFailed(states ...PairState) *Multi {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range states {
		s.Done, s.Skipped = true, true
		m.failed = append(m.failed, s)
	}
	return m
}

// Sessions are the pair sessions, in order.
func (m *Multi) Sessions() []Session { return m.sessions }

// PairStates implements PairRouter.
func (m *Multi) PairStates() []PairState {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]PairState(nil), m.states...)
	for i := range out {
		out[i].Target = m.sessions[i].Target() // the account may be confirmed late
		if out[i].Err == nil && i < len(m.verrs) && m.verrs[i] != nil {
			out[i].Err = m.verrs[i]
		}
	}
	return append(out, m.failed...)
}

// SessionFor implements PairRouter.
func (m *Multi) SessionFor(arnOrName string) (Session, bool) {
	i, ok := m.pairOf(arnOrName)
	if !ok {
		return nil, false
	}
	return m.sessions[i], true
}

// pairOf finds the pair for a function ARN or name: an ARN by its account
// and region, a name by the last listing when only one pair holds it.
func (m *Multi) pairOf(fn string) (int, bool) {
	if strings.HasPrefix(fn, "arn:") {
		m.mu.Lock()
		i, ok := m.byARN[unqualified(fn)]
		m.mu.Unlock()
		if ok {
			return i, true
		}
		region, account := ARNRegionAccount(fn)
		for i, s := range m.sessions {
			t := s.Target()
			if t.Region == region && t.Account == account {
				return i, true
			}
		}
		return 0, false
	}
	if len(m.sessions) == 1 {
		return 0, true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if ps := m.byName[fn]; len(ps) == 1 {
		return ps[0], true
	}
	return 0, false
}

// ARNRegionAccount returns the region and account of an ARN.
func ARNRegionAccount(arn string) (region, account string) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 5 {
		return "", ""
	}
	return p[3], p[4]
}

func unqualified(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) > 7 { // arn:aws:lambda:region:acct:function:name:qualifier
		return strings.Join(p[:7], ":")
	}
	return arn
}

// route is pairOf for calls that must go somewhere: an unknown or ambiguous
// name is an error naming the pairs, never a guess.
func (m *Multi) route(fn string) (Session, error) {
	if i, ok := m.pairOf(fn); ok {
		return m.sessions[i], nil
	}
	m.mu.Lock()
	ps := m.byName[fn]
	m.mu.Unlock()
	if len(ps) > 1 {
		var where []string
		for _, i := range ps {
			where = append(where, m.labels[i])
		}
		return nil, fmt.Errorf("function %q exists in %s: open it from the list (by its ARN)", fn, strings.Join(where, ", "))
	}
	return nil, fmt.Errorf("function %q is in none of the listed pairs", fn)
}

// Target is the combined target: profiles, regions and accounts joined by
// commas; the strictest protection of any pair.
func (m *Multi) Target() model.Target {
	var t model.Target
	var profs, regs, accts []string
	t.Protection = model.Writable
	for _, s := range m.sessions {
		st := s.Target()
		profs = appendUnique(profs, st.Profile)
		regs = appendUnique(regs, st.Region)
		accts = appendUnique(accts, st.Account)
		t.Endpoint, t.Sandbox = st.Endpoint, t.Sandbox || st.Sandbox
		if st.Protection == model.ReadOnly || (st.Protection == model.Protected && t.Protection != model.ReadOnly) {
			t.Protection = st.Protection
		}
	}
	t.Profile, t.Region, t.Account = strings.Join(profs, ","), strings.Join(regs, ","), strings.Join(accts, ",")
	return t
}

func appendUnique(l []string, s string) []string {
	if s == "" {
		return l
	}
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

// Identity is the first pair's.
func (m *Multi) Identity(ctx context.Context) (model.Identity, error) {
	return m.sessions[0].Identity(ctx)
}

// Snapshot merges every pair's cached listing (warm start per pair); taken
// is the oldest of them.
func (m *Multi) Snapshot() ([]model.Function, time.Time, bool) {
	var all []model.Function
	var taken time.Time
	any := false
	for i, s := range m.sessions {
		fns, t, ok := s.Snapshot()
		if !ok {
			continue
		}
		any = true
		if taken.IsZero() || t.Before(taken) {
			taken = t
		}
		m.index(i, fns)
		all = append(all, fns...)
	}
	return all, taken, any
}

func (m *Multi) index(i int, fns []model.Function) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range fns {
		if f.ARN != "" {
			m.byARN[f.ARN] = i
		}
		ps := m.byName[f.Name]
		found := false
		for _, p := range ps {
			found = found || p == i
		}
		if !found {
			m.byName[f.Name] = append(ps, i)
		}
	}
}

// ListFunctions lists every pair in parallel and delivers their pages as
// they arrive, one at a time. A pair's error is kept in its PairState; the
// call fails only when every pair failed (or fn returned an error).
func (m *Multi) ListFunctions(ctx context.Context, fn func(Page) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		pair int
		page Page
	}
	ch := make(chan item)
	errs := make([]error, len(m.sessions))
	m.mu.Lock()
	m.byName, m.byARN = map[string][]int{}, map[string]int{}
	for i := range m.states {
		m.states[i].Loaded, m.states[i].Done, m.states[i].Err = 0, false, nil
	}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for i, s := range m.sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.ListFunctions(ctx, func(p Page) error {
				select {
				case ch <- item{pair: i, page: p}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			m.mu.Lock()
			m.states[i].Done, m.states[i].Err = true, errs[i]
			if errs[i] == nil && i < len(m.verrs) {
				m.verrs[i] = nil // it answered: the warm start's failed check is over
			}
			m.mu.Unlock()
		}()
	}
	go func() { wg.Wait(); close(ch) }()
	index, loaded := 0, 0
	var fnErr error
	for it := range ch {
		if fnErr != nil {
			continue
		}
		m.index(it.pair, it.page.Functions)
		m.mu.Lock()
		m.states[it.pair].Loaded = it.page.Loaded
		m.mu.Unlock()
		loaded += len(it.page.Functions)
		if fnErr = fn(Page{Functions: it.page.Functions, Index: index, Loaded: loaded}); fnErr != nil {
			cancel()
		}
		index++
	}
	if fnErr != nil {
		return fnErr
	}
	failed := 0
	var msgs []string
	for i, err := range errs {
		if err != nil {
			failed++
			msgs = append(msgs, m.labels[i]+": "+shortErr(err))
		}
	}
	if failed == len(m.sessions) {
		return fmt.Errorf("every pair failed: %s: %w", strings.Join(msgs, "; "), errors.Join(errs...))
	}
	if err := fn(Page{Index: index, Loaded: loaded, Last: true}); err != nil {
		return err
	}
	if failed > 0 {
		// the listing stands; the failing pairs are named
		return &PartialError{Pairs: msgs, Errs: errs}
	}
	return nil
}

// PartialError says some pairs failed while the others listed fine.
type PartialError struct {
	Pairs []string // "eu-west-1: AccessDenied"
	Errs  []error  // per pair, nil for the ones that worked
}

func (e *PartialError) Error() string { return strings.Join(e.Pairs, "; ") }

// ---- everything about one function goes to its pair ----

// routed runs f on the pair of function (see route).
func routed[T any](m *Multi, function string, f func(Session) (T, error)) (T, error) {
	s, err := m.route(function)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s)
}

// routedErr is routed for calls that return only an error.
func routedErr(m *Multi, function string, f func(Session) error) error {
	s, err := m.route(function)
	if err != nil {
		return err
	}
	return f(s)
}

// eachPair runs f on every pair in parallel; res[i] and errs[i] are pair
// i's outcome.
func eachPair[T any](m *Multi, f func(Session) (T, error)) (res []T, errs []error) {
	res = make([]T, len(m.sessions))
	errs = make([]error, len(m.sessions))
	var wg sync.WaitGroup
	for i, s := range m.sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = f(s)
		}()
	}
	wg.Wait()
	return res, errs
}

// merged joins eachPair's lists; it fails only when every pair failed.
func merged[T any](res [][]T, errs []error) ([]T, error) {
	var all []T
	failed := 0
	for i := range res {
		if errs[i] != nil {
			failed++
		}
		all = append(all, res[i]...)
	}
	if failed == len(res) {
		return nil, errors.Join(errs...)
	}
	return all, nil
}

func (m *Multi) GetFunction(ctx context.Context, name string) (model.FunctionDetail, error) {
	return routed(m, name, func(s Session) (model.FunctionDetail, error) { return s.GetFunction(ctx, name) })
}

func (m *Multi) ListVersions(ctx context.Context, function string) ([]model.Version, error) {
	return routed(m, function, func(s Session) ([]model.Version, error) { return s.ListVersions(ctx, function) })
}

func (m *Multi) ListAliases(ctx context.Context, function string) ([]model.Alias, error) {
	return routed(m, function, func(s Session) ([]model.Alias, error) { return s.ListAliases(ctx, function) })
}

func (m *Multi) GetAlias(ctx context.Context, function, alias string) (model.Alias, error) {
	return routed(m, function, func(s Session) (model.Alias, error) { return s.GetAlias(ctx, function, alias) })
}

// ListMappings with function "" sweeps every pair (in parallel); a pair's
// failure is returned only when every pair failed.
func (m *Multi) ListMappings(ctx context.Context, function string) ([]model.ESM, error) {
	if function != "" {
		s, err := m.route(function)
		if err != nil {
			return nil, err
		}
		return s.ListMappings(ctx, function)
	}
	res, errs := eachPair(m, func(s Session) ([]model.ESM, error) { return s.ListMappings(ctx, "") })
	m.mu.Lock()
	for i := range res {
		for _, e := range res[i] {
			m.byUUID[e.UUID] = i
		}
	}
	m.mu.Unlock()
	return merged(res, errs)
}

// AccountSettings is the first pair's (each account has its own).
func (m *Multi) AccountSettings(ctx context.Context) (model.AccountSettings, error) {
	return m.sessions[0].AccountSettings(ctx)
}

func (m *Multi) GetReserved(ctx context.Context, function string) (*int, error) {
	return routed(m, function, func(s Session) (*int, error) { return s.GetReserved(ctx, function) })
}

func (m *Multi) ListProvisioned(ctx context.Context, function string) ([]model.ProvisionedConfig, error) {
	return routed(m, function, func(s Session) ([]model.ProvisionedConfig, error) { return s.ListProvisioned(ctx, function) })
}

func (m *Multi) PublishVersion(ctx context.Context, function, description string) (model.Version, error) {
	return routed(m, function, func(s Session) (model.Version, error) { return s.PublishVersion(ctx, function, description) })
}

func (m *Multi) CreateAlias(ctx context.Context, a model.Alias) (model.Alias, error) {
	return routed(m, a.Function, func(s Session) (model.Alias, error) { return s.CreateAlias(ctx, a) })
}

func (m *Multi) UpdateAlias(ctx context.Context, current model.Alias, version string, routing model.Routing) (model.Alias, error) {
	return routed(m, current.Function, func(s Session) (model.Alias, error) { return s.UpdateAlias(ctx, current, version, routing) })
}

func (m *Multi) PutReserved(ctx context.Context, function string, n int) error {
	return routedErr(m, function, func(s Session) error { return s.PutReserved(ctx, function, n) })
}

func (m *Multi) DeleteReserved(ctx context.Context, function string) error {
	return routedErr(m, function, func(s Session) error { return s.DeleteReserved(ctx, function) })
}

func (m *Multi) PutProvisioned(ctx context.Context, function, qualifier string, n int) (model.ProvisionedConfig, error) {
	return routed(m, function, func(s Session) (model.ProvisionedConfig, error) { return s.PutProvisioned(ctx, function, qualifier, n) })
}

func (m *Multi) DeleteProvisioned(ctx context.Context, function, qualifier string) error {
	return routedErr(m, function, func(s Session) error { return s.DeleteProvisioned(ctx, function, qualifier) })
}

// UpdateMapping goes to the pair the mapping was listed in.
func (m *Multi) UpdateMapping(ctx context.Context, uuid string, enabled *bool, batchSize *int, reason string) (model.ESM, error) {
	m.mu.Lock()
	i, ok := m.byUUID[uuid]
	m.mu.Unlock()
	if !ok {
		if len(m.sessions) != 1 {
			return model.ESM{}, fmt.Errorf("mapping %s is in none of the listed pairs: list the mappings first", uuid)
		}
		i = 0
	}
	return m.sessions[i].UpdateMapping(ctx, uuid, enabled, batchSize, reason)
}

func (m *Multi) Invoke(ctx context.Context, req model.InvokeRequest) (model.InvokeResult, error) {
	return routed(m, req.Function, func(s Session) (model.InvokeResult, error) { return s.Invoke(ctx, req) })
}

// GetMetrics splits the queries by the pair of their function and asks the
// pairs in parallel; results come back in the queries' order. A query for
// an unknown function gets an empty series.
func (m *Multi) GetMetrics(ctx context.Context, queries []model.MetricQuery, start, end time.Time) ([]model.MetricSeries, error) {
	groups := map[int][]int{}
	for qi, q := range queries {
		if i, ok := m.pairOf(q.Function); ok {
			groups[i] = append(groups[i], qi)
		}
	}
	out := make([]model.MetricSeries, len(queries))
	for qi, q := range queries {
		out[qi].Query = q
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for i, idx := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qs := make([]model.MetricQuery, len(idx))
			for k, qi := range idx {
				qs[k] = queries[qi]
				if strings.HasPrefix(qs[k].Function, "arn:") { // rows keyed by ARN
					qs[k].Function = functionName(qs[k].Function)
				}
			}
			res, err := m.sessions[i].GetMetrics(ctx, qs, start, end)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			for k, qi := range idx {
				if k < len(res) {
					out[qi] = res[k]
					out[qi].Query = queries[qi]
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil && len(groups) == 1 {
		return nil, firstErr
	}
	return out, nil
}

// QueryCost sums the pairs'.
func (m *Multi) QueryCost() float64 {
	var c float64
	for _, s := range m.sessions {
		c += s.QueryCost()
	}
	return c
}

// Tail goes to the pair of the first group's function (/aws/lambda/NAME).
func (m *Multi) Tail(ctx context.Context, req TailRequest) <-chan TailBatch {
	s := m.sessions[0]
	if len(req.Groups) > 0 {
		name := strings.TrimPrefix(req.Groups[0], "/aws/lambda/")
		if r, err := m.route(name); err == nil {
			s = r
		}
	}
	return s.Tail(ctx, req)
}

// Last asks the pair of the target's function ("fn:alias").
func (m *Multi) Last(target string) (model.JournalEntry, bool) {
	fn, _, _ := strings.Cut(target, ":")
	if strings.HasPrefix(target, "arn:") {
		fn = target
	}
	s, err := m.route(fn)
	if err != nil {
		return model.JournalEntry{}, false
	}
	return s.Last(target)
}

// SetReadOnly turns every pair read-only.
func (m *Multi) SetReadOnly() {
	for _, s := range m.sessions {
		s.SetReadOnly()
	}
}

// MultiConnector opens one session over several profiles and regions
// (:region a,b, :profile p1,p2, :view): a *Multi when there is more than
// one pair, the pairs opened in parallel; pairs that fail are shown inline
// and only when every pair fails is it an error.
type MultiConnector interface {
	ConnectPairs(ctx context.Context, profiles, regions []string) (Session, error)
}

// functionName is the name in a function ARN (or the argument as is).
func functionName(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) >= 7 && p[5] == "function" {
		return p[6]
	}
	return arn
}

// ---- CodeDeploy: each pair's own deployments ----

// ActiveDeployments merges every pair's running deployments (asked in
// parallel); a pair's failure is returned only when every pair failed.
func (m *Multi) ActiveDeployments(ctx context.Context) ([]model.Deployment, error) {
	res, errs := eachPair(m, func(s Session) ([]model.Deployment, error) { return s.ActiveDeployments(ctx) })
	for i := range res { // the same name may be two functions: each says its pair
		t := m.sessions[i].Target()
		for k := range res[i] {
			res[i][k].Account, res[i][k].Region = t.Account, t.Region
		}
	}
	return merged(res, errs)
}

// DeploymentFor asks the pair of the function.
func (m *Multi) DeploymentFor(ctx context.Context, function, alias string) (model.Deployment, bool, error) {
	s, err := m.route(function)
	if err != nil {
		return model.Deployment{}, false, err
	}
	return s.DeploymentFor(ctx, function, alias)
}

// DeploymentHistory asks the pair of the function.
func (m *Multi) DeploymentHistory(ctx context.Context, function string, limit int) ([]model.Deployment, error) {
	return routed(m, function, func(s Session) ([]model.Deployment, error) { return s.DeploymentHistory(ctx, function, limit) })
}

// StopDeployment goes to the pair of the deployment's function.
func (m *Multi) StopDeployment(ctx context.Context, d model.Deployment, rollback bool) error {
	return routedErr(m, d.Function, func(s Session) error { return s.StopDeployment(ctx, d, rollback) })
}
