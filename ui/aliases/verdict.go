package aliases

// The cockpit's own verdict, applied to what it is asked to do: a change
// that moves traffic toward a version judged worse says so at the top of
// its confirmation, and a plan refuses to start on a canary already past
// its thresholds unless the operator overrides (a trailing "!").

import (
	"fmt"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// OverrideMark ends a plan spec to start it on a canary already past its thresholds.
const OverrideMark = "!"

// verdict is the alias's canary against its stable version over the
// cockpit's window (ok false without a canary or its metrics).
func (m *Model) verdict(a model.Alias) (stable, canary model.VersionHealth, cmp model.HealthComparison, ok bool) {
	if !a.Routing.Active() {
		return stable, canary, cmp, false
	}
	s, ok1 := m.health(a.Name, a.Version, time.Time{})
	c, ok2 := m.health(a.Name, a.Routing.AdditionalVersion, time.Time{})
	if !ok1 || !ok2 {
		return stable, canary, cmp, false
	}
	return s, c, model.CompareHealth(s, c, m.opt.Thresholds), true
}

// share is the part of the alias's traffic version v gets under version/routing.
func share(v, version string, r model.Routing) float64 {
	switch {
	case r.Active() && r.AdditionalVersion == v:
		return r.Weight
	case version == v && r.Active():
		return 1 - r.Weight
	case version == v:
		return 1
	}
	return 0
}

// worseWarning is the warning block for c when it moves traffic toward a
// version the cockpit judges worse, else "".
func (m *Model) worseWarning(c model.AliasChange) string {
	st, ca, cmp, ok := m.verdict(c.Before)
	if !ok || !cmp.Worse() {
		return ""
	}
	v := c.Before.Routing.AdditionalVersion
	before, after := share(v, c.Before.Version, c.Before.Routing), share(v, c.Version, c.Routing)
	if after <= before {
		return ""
	}
	return fmt.Sprintf("⚠ WARNING: version %s is judged WORSE than %s (%s).\n⚠ This moves traffic TOWARD it: %s → %s of %s.\n\n",
		v, c.Before.Version, worseReasons(st, ca, cmp), model.FormatWeight(before), model.FormatWeight(after), c.Before.Name)
}

func worseReasons(st, ca model.VersionHealth, cmp model.HealthComparison) string {
	var r []string
	if cmp.Errors {
		r = append(r, fmt.Sprintf("errors %.1f%% vs %.1f%%", ca.ErrorPct(), st.ErrorPct()))
	}
	if cmp.Throttles {
		r = append(r, fmt.Sprintf("throttles %.0f vs %.0f", ca.Throttles, st.Throttles))
	}
	if cmp.P50 {
		r = append(r, fmt.Sprintf("p50 %.0f ms vs %.0f ms", ca.P50Ms, st.P50Ms))
	}
	if cmp.P99 {
		r = append(r, fmt.Sprintf("p99 %.0f ms vs %.0f ms", ca.P99Ms, st.P99Ms))
	}
	if cmp.Cold {
		r = append(r, "cold starts")
	}
	return strings.Join(r, ", ")
}

// planPastThresholds says why the alias's canary already trips plan p over
// the cockpit's window ("" when it does not, or cannot be judged).
func (m *Model) planPastThresholds(a model.Alias, canary string, p model.Plan) string {
	if a.Routing.AdditionalVersion != canary {
		return ""
	}
	h, ok := m.health(a.Name, canary, time.Time{})
	if !ok {
		return ""
	}
	h.Version = canary
	return p.Trip(h)
}

// splitOverride takes a trailing OverrideMark off a plan spec.
func splitOverride(spec string) (string, bool) {
	s := strings.TrimSpace(spec)
	if strings.HasSuffix(s, OverrideMark) {
		return strings.TrimSpace(strings.TrimSuffix(s, OverrideMark)), true
	}
	return s, false
}
