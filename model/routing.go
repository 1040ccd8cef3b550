package model

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// DefaultWeightStep is the canary step of the + and - keys: 10 %.
const DefaultWeightStep = 0.10

// weightPrecision is the finest weight the cockpit sets: 0.1 % (AWS accepts
// any double in 0..1; finer steps only make percentages unreadable).
const weightPrecision = 1000

// RoundWeight rounds w to 0.1 % and clamps it to 0..1.
func RoundWeight(w float64) float64 {
	if math.IsNaN(w) || w < 0 {
		return 0
	}
	if w > 1 {
		return 1
	}
	return math.Round(w*weightPrecision) / weightPrecision
}

// FormatWeight prints a weight as a percentage with at most one decimal: "10%", "12.5%".
func FormatWeight(w float64) string {
	p := math.Round(w*1000) / 10
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// ParseWeight reads a weight typed by an operator: "10", "10%", "12.5 %" are
// percentages; "0.1" (a number below 1 with a decimal point) is a fraction.
func ParseWeight(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	if t == "" {
		return 0, errors.New("type a weight such as 10% or 0.1")
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a weight: type a percentage such as 10%% or a fraction such as 0.1", s)
	}
	if !pct && v < 1 && strings.Contains(t, ".") {
		v *= 100
	}
	if v < 0 || v > 100 {
		return 0, fmt.Errorf("weight %s is outside 0–100%%", strings.TrimSpace(s))
	}
	return RoundWeight(v / 100), nil
}

// DescribeRouting prints where an alias sends traffic: "100% → 7" or
// "90% → 7, 10% → 8".
func DescribeRouting(version string, r Routing) string {
	if version == "" {
		return "(none)"
	}
	if !r.Active() {
		return "100% → " + version
	}
	w := RoundWeight(r.Weight)
	return FormatWeight(1-w) + " → " + version + ", " + FormatWeight(w) + " → " + r.AdditionalVersion
}

// ChangeKind names what an alias change does.
type ChangeKind string

const (
	ChangeStart   ChangeKind = "start canary"
	ChangeShift   ChangeKind = "shift weight"
	ChangePromote ChangeKind = "promote"
	ChangeAbort   ChangeKind = "abort"
	ChangeUndo    ChangeKind = "undo"
)

// AliasChange is a proposed UpdateAlias: from Before (the alias as it was on
// screen, whose RevisionID is sent) to Version and Routing.
type AliasChange struct {
	Kind    ChangeKind
	Before  Alias
	Version string
	Routing Routing
}

// After is the alias as it will be once the change is applied.
func (c AliasChange) After() Alias {
	a := c.Before
	a.Version = c.Version
	a.Routing = c.Routing
	return a
}

// Noop reports whether the change leaves the routing as it is.
func (c AliasChange) Noop() bool {
	return c.Version == c.Before.Version && SameRouting(c.Routing, c.Before.Routing)
}

// Summary is "live: 90% → 7, 10% → 8  ⇒  75% → 7, 25% → 8".
func (c AliasChange) Summary() string {
	return c.Before.Name + ": " + DescribeRouting(c.Before.Version, c.Before.Routing) +
		"  ⇒  " + DescribeRouting(c.Version, c.Routing)
}

// SameRouting compares two routings at the cockpit's precision.
func SameRouting(a, b Routing) bool {
	if a.Active() != b.Active() {
		return false
	}
	if !a.Active() {
		return true
	}
	return a.AdditionalVersion == b.AdditionalVersion && RoundWeight(a.Weight) == RoundWeight(b.Weight)
}

// versionNumber parses a published version number; ok is false for $LATEST.
func versionNumber(v string) (int, bool) {
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0
}

// NewestAbove returns the newest published version numbered above primary.
func NewestAbove(primary string, versions []Version) (string, bool) {
	p, _ := versionNumber(primary)
	best := 0
	for _, v := range versions {
		if n, ok := versionNumber(v.Version); ok && n > p && n > best {
			best = n
		}
	}
	if best == 0 {
		return "", false
	}
	return strconv.Itoa(best), true
}

// SortVersions orders versions newest first, with $LATEST on top.
func SortVersions(vs []Version) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, aok := versionNumber(vs[i].Version)
		b, bok := versionNumber(vs[j].Version)
		if aok != bok {
			return !aok // $LATEST first
		}
		return a > b
	})
}

// StartCanary proposes routing weight to the newest published version above
// the alias's primary version.
func StartCanary(a Alias, versions []Version, weight float64) (AliasChange, error) {
	if a.Routing.Active() {
		return AliasChange{}, fmt.Errorf("alias %s already routes %s to version %s: shift, promote (P) or abort (A) it first",
			a.Name, FormatWeight(a.Routing.Weight), a.Routing.AdditionalVersion)
	}
	nv, ok := NewestAbove(a.Version, versions)
	if !ok {
		return AliasChange{}, fmt.Errorf("no published version newer than %s to start a canary on: publish one from $LATEST with p", a.Version)
	}
	weight = RoundWeight(weight)
	if weight <= 0 {
		return AliasChange{}, errors.New("a canary needs a weight above 0%")
	}
	if weight >= 1 {
		return AliasChange{Kind: ChangePromote, Before: a, Version: nv}, nil
	}
	return AliasChange{Kind: ChangeStart, Before: a, Version: a.Version,
		Routing: Routing{AdditionalVersion: nv, Weight: weight}}, nil
}

// ShiftCanary moves the canary weight by delta (e.g. ±DefaultWeightStep).
// On an alias without routing a positive delta starts a canary on the newest
// published version above the primary. Reaching 100 % becomes a promote;
// reaching 0 % removes the routing (an abort).
func ShiftCanary(a Alias, versions []Version, delta float64) (AliasChange, error) {
	if !a.Routing.Active() {
		if delta <= 0 {
			return AliasChange{}, fmt.Errorf("alias %s has no canary to shift down: it sends all traffic to version %s", a.Name, a.Version)
		}
		return StartCanary(a, versions, delta)
	}
	return SetCanaryWeight(a, versions, a.Routing.Weight+delta)
}

// SetCanaryWeight sets the canary weight to w exactly (0..1). On an alias
// without routing it starts a canary; 100 % promotes and 0 % aborts.
func SetCanaryWeight(a Alias, versions []Version, w float64) (AliasChange, error) {
	if !a.Routing.Active() {
		return StartCanary(a, versions, w)
	}
	w = RoundWeight(w)
	switch {
	case w >= 1:
		return Promote(a)
	case w <= 0:
		return Abort(a)
	}
	return AliasChange{Kind: ChangeShift, Before: a, Version: a.Version,
		Routing: Routing{AdditionalVersion: a.Routing.AdditionalVersion, Weight: w}}, nil
}

// Promote points the alias at its additional version and removes the routing.
func Promote(a Alias) (AliasChange, error) {
	if !a.Routing.Active() {
		return AliasChange{}, fmt.Errorf("alias %s has no canary to promote: start one with +", a.Name)
	}
	return AliasChange{Kind: ChangePromote, Before: a, Version: a.Routing.AdditionalVersion}, nil
}

// Abort removes the routing: all traffic goes back to the primary version.
func Abort(a Alias) (AliasChange, error) {
	if !a.Routing.Active() {
		return AliasChange{}, fmt.Errorf("alias %s has no canary to abort", a.Name)
	}
	return AliasChange{Kind: ChangeAbort, Before: a, Version: a.Version}, nil
}

// AliasState reads an alias's version and routing from a journal entry's
// before or after map. It accepts the keys the aws layer may use:
// version/Version/FunctionVersion, and either routing {additionalVersion,
// weight}, additionalVersion + weight at the top level, or an
// AdditionalVersionWeights map {"8": 0.1}.
func AliasState(m map[string]any) (version string, r Routing, ok bool) {
	if m == nil {
		return "", Routing{}, false
	}
	version = anyString(pick(m, "version", "Version", "FunctionVersion", "functionVersion"))
	if version == "" {
		return "", Routing{}, false
	}
	src := m
	if rm, isMap := pick(m, "routing", "Routing", "RoutingConfig", "routingConfig").(map[string]any); isMap {
		src = rm
	}
	if av := anyString(pick(src, "additionalVersion", "AdditionalVersion")); av != "" {
		r = Routing{AdditionalVersion: av, Weight: anyFloat(pick(src, "weight", "Weight"))}
	} else if wm, isMap := pick(src, "AdditionalVersionWeights", "additionalVersionWeights", "weights").(map[string]any); isMap {
		for k, v := range wm {
			if r.Active() {
				return "", Routing{}, false // more than one additional version: not ours to restore
			}
			r = Routing{AdditionalVersion: k, Weight: anyFloat(v)}
		}
	}
	return version, r, true
}

func pick(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok && v != nil {
			return v
		}
	}
	return nil
}

func anyString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int:
		return strconv.Itoa(t)
	}
	return ""
}

func anyFloat(v any) float64 {
	switch t := v.(type) {
	case float64:
		return t
	case float32:
		return float64(t)
	case int:
		return float64(t)
	case string:
		f, _ := strconv.ParseFloat(t, 64)
		return f
	}
	return 0
}

// UndoChange proposes restoring the alias to the state recorded before the
// journaled change e. It refuses when the alias has changed since e (its
// revision or routing differs from e's after state): undoing then would
// overwrite someone else's change.
func UndoChange(current Alias, e JournalEntry) (AliasChange, error) {
	if e.Result != "" && e.Result != "ok" {
		return AliasChange{}, fmt.Errorf("the last journaled change to %s failed (%s): nothing to undo", current.Name, e.Result)
	}
	version, r, ok := AliasState(e.Before)
	if !ok {
		return AliasChange{}, fmt.Errorf("the journal entry for %s (%s) does not record the routing before it: undo by hand", current.Name, e.Action)
	}
	if e.RevisionAfter != "" && current.RevisionID != "" && e.RevisionAfter != current.RevisionID {
		return AliasChange{}, fmt.Errorf("alias %s changed after the journaled %s (revision %s, now %s): press r and decide again",
			current.Name, e.Action, e.RevisionAfter, current.RevisionID)
	}
	if av, ar, ok := AliasState(e.After); ok && (av != current.Version || !SameRouting(ar, current.Routing)) {
		return AliasChange{}, fmt.Errorf("alias %s is now %s, not %s as the journaled %s left it: press r and decide again",
			current.Name, DescribeRouting(current.Version, current.Routing), DescribeRouting(av, ar), e.Action)
	}
	c := AliasChange{Kind: ChangeUndo, Before: current, Version: version, Routing: r}
	if c.Noop() {
		return AliasChange{}, fmt.Errorf("alias %s already is %s: nothing to undo", current.Name, DescribeRouting(version, r))
	}
	return c, nil
}

// PreflightProblem is one failed pre-flight check, with what to do about it.
type PreflightProblem struct {
	Check   string // published | latest | routing | role | dlq | updating
	Message string
}

func (p PreflightProblem) Error() string { return p.Message }

// Preflight runs the checks AWS would otherwise fail on, before any
// UpdateAlias: both versions published, neither $LATEST, at most one
// additional version (distinct from the primary, weight within 0..1), the
// same execution role, the same DLQ configuration, and the function not in
// the middle of an update. versions are the function's published versions.
func Preflight(fn Function, versions []Version, c AliasChange) []PreflightProblem {
	var out []PreflightProblem
	add := func(check, format string, args ...any) {
		out = append(out, PreflightProblem{Check: check, Message: fmt.Sprintf(format, args...)})
	}
	if fn.LastUpdateStatus == "InProgress" || fn.State == "Pending" {
		add("updating", "%s is being updated (state %s, last update %s): wait until the update finishes, then press r and try again",
			fn.Name, orDash(fn.State), orDash(fn.LastUpdateStatus))
	}
	byVersion := map[string]Version{}
	for _, v := range versions {
		byVersion[v.Version] = v
	}
	check := func(role, ver string) (Version, bool) {
		if ver == "$LATEST" {
			if c.Routing.Active() {
				add("latest", "the %s version is $LATEST, which weighted routing cannot use: publish it with p and route to the new number", role)
			}
			return Version{}, false
		}
		v, ok := byVersion[ver]
		if !ok {
			add("published", "the %s version %q is not a published version of %s: publish it with p (or press r if it was just published)", role, ver, fn.Name)
		}
		return v, ok
	}
	primary, pok := check("primary", c.Version)
	if !c.Routing.Active() {
		return out
	}
	extra, eok := check("additional", c.Routing.AdditionalVersion)
	if c.Routing.AdditionalVersion == c.Version {
		add("routing", "the additional version %s is the primary version: route to a different version, or promote", c.Version)
	}
	if c.Routing.Weight < 0 || c.Routing.Weight > 1 || math.IsNaN(c.Routing.Weight) {
		add("routing", "weight %v is outside 0–100%%: type a weight between 0%% and 100%%", c.Routing.Weight)
	}
	if pok && eok {
		if primary.Role != extra.Role {
			add("role", "versions %s and %s run as different execution roles (%s vs %s): weighted routing needs the same role; publish %s with role %s",
				primary.Version, extra.Version, orDash(primary.Role), orDash(extra.Role), extra.Version, orDash(primary.Role))
		}
		if primary.DLQTarget != extra.DLQTarget {
			add("dlq", "versions %s and %s have different dead-letter queues (%s vs %s): weighted routing needs the same DLQ; publish %s with the DLQ of %s",
				primary.Version, extra.Version, orDash(primary.DLQTarget), orDash(extra.DLQTarget), extra.Version, primary.Version)
		}
	}
	return out
}

// CheckAdditionalVersions validates an AdditionalVersionWeights map as AWS
// returns it: at most one additional version, weights within 0..1.
func CheckAdditionalVersions(weights map[string]float64) error {
	if len(weights) > 1 {
		keys := make([]string, 0, len(weights))
		for k := range weights {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Errorf("routing names %d additional versions (%s): Lambda allows one; remove all but one", len(keys), strings.Join(keys, ", "))
	}
	for k, w := range weights {
		if w < 0 || w > 1 || math.IsNaN(w) {
			return fmt.Errorf("weight %v for version %s is outside 0–1", w, k)
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
