package lambda

import (
	"encoding/json"
	"math"
	"sort"
)

func (w *World) aliasOut(f *function, a *alias) aliasJSON {
	out := aliasJSON{AliasArn: f.arn + ":" + a.name, Name: a.name, FunctionVersion: a.version, Description: a.description, RevisionId: a.revision}
	if a.routeVer != "" {
		out.RoutingConfig = &routingJSON{AdditionalVersionWeights: map[string]float64{a.routeVer: a.routeWeight}}
	}
	return out
}

// checkRouting enforces AWS's weighted-alias rules (caller holds mu).
func (w *World) checkRouting(f *function, primary string, rc *routingJSON) (string, float64, *Error) {
	if f.version(primary) == nil {
		return "", 0, fnNotFound(f.arn + ":" + primary)
	}
	if rc == nil || len(rc.AdditionalVersionWeights) == 0 {
		return "", 0, nil
	}
	if len(rc.AdditionalVersionWeights) > 1 {
		return "", 0, invalidParam("Number of items in AdditionalVersionWeights cannot be greater than 1")
	}
	var ver string
	var wt float64
	for k, v := range rc.AdditionalVersionWeights {
		ver, wt = k, v
	}
	if math.IsNaN(wt) || wt < 0 || wt > 1 {
		return "", 0, invalidParam("Invalid weight %v for version %s: the weight must be between 0.0 and 1.0", wt, clip(ver, 20))
	}
	if primary == "$LATEST" || ver == "$LATEST" {
		return "", 0, invalidParam("$LATEST is not supported for an alias pointing to more than 1 version")
	}
	if !isDigits(ver) {
		return "", 0, validation("1 validation error detected: Value '%s' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]", clip(ver, 20))
	}
	if ver == primary {
		return "", 0, invalidParam("Alias routing must point to a version other than the primary version %s", primary)
	}
	pv, av := f.version(primary), f.version(ver)
	if av == nil {
		return "", 0, fnNotFound(f.arn + ":" + ver)
	}
	if pv.cfg.Role != av.cfg.Role {
		return "", 0, invalidParam("Specified versions must be associated with the same execution role")
	}
	if pv.cfg.DLQTarget != av.cfg.DLQTarget {
		return "", 0, invalidParam("Specified versions must be associated with the same dead-letter queue configuration")
	}
	return ver, wt, nil
}

// lookupFn resolves ref to a function for the APIs that take an
// unqualified name only (aliases, concurrency, policy): a qualifier is
// refused with the error AWS gives.
func (w *World) lookupFn(ref string) (*function, *Error) {
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, err
	}
	if q != "" {
		return nil, invalidParam("Unsupported function name: %s", clip(ref, 140))
	}
	return f, nil
}

// lookupLatest is lookupFn for the updates of $LATEST: the name may carry
// the qualifier $LATEST and no other.
func (w *World) lookupLatest(ref string) (*function, *Error) {
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, err
	}
	if q != "" && q != "$LATEST" {
		return nil, invalidParam("Unsupported function name: %s. Only $LATEST can be updated.", clip(ref, 140))
	}
	return f, nil
}

// CreateAlias creates an alias with optional weighted routing.
func (w *World) CreateAlias(ref string, in *aliasIn) ([]byte, *Error) {
	if !validAliasName(in.Name) {
		return nil, validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)", clip(in.Name, 140))
	}
	if in.FunctionVersion == nil || *in.FunctionVersion == "" {
		return nil, validation("1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: Member must not be null")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	if f.aliases[in.Name] != nil {
		return nil, conflict("Alias already exists: %s:%s", f.arn, in.Name)
	}
	ver, wt, err := w.checkRouting(f, *in.FunctionVersion, in.RoutingConfig)
	if err != nil {
		return nil, err
	}
	a := &alias{name: in.Name, version: *in.FunctionVersion, routeVer: ver, routeWeight: wt, revision: w.uuid()}
	if in.Description != nil {
		a.description = *in.Description
	}
	f.aliases[a.name] = a
	w.gen.Add(1)
	b, _ := json.Marshal(w.aliasOut(f, a))
	return b, nil
}

// GetAlias returns one alias.
func (w *World) GetAlias(ref, name string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	a := f.aliases[name]
	if a == nil {
		return nil, aliasNotFound(f.arn + ":" + clip(name, 140))
	}
	b, _ := json.Marshal(w.aliasOut(f, a))
	return b, nil
}

// UpdateAlias changes an alias; a stale RevisionId gets 412.
func (w *World) UpdateAlias(ref, name string, in *aliasIn) ([]byte, *Error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	a := f.aliases[name]
	if a == nil {
		return nil, aliasNotFound(f.arn + ":" + clip(name, 140))
	}
	if in.RevisionId != "" && in.RevisionId != a.revision {
		return nil, precondition("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	primary := a.version
	if in.FunctionVersion != nil && *in.FunctionVersion != "" {
		primary = *in.FunctionVersion
	}
	rc := in.RoutingConfig
	if rc == nil && a.routeVer != "" {
		// RoutingConfig omitted: keep the current routing.
		rc = &routingJSON{AdditionalVersionWeights: map[string]float64{a.routeVer: a.routeWeight}}
	}
	ver, wt, err := w.checkRouting(f, primary, rc)
	if err != nil {
		return nil, err
	}
	a.version, a.routeVer, a.routeWeight = primary, ver, wt
	if in.Description != nil {
		a.description = *in.Description
	}
	a.revision = w.uuid()
	b, _ := json.Marshal(w.aliasOut(f, a))
	return b, nil
}

// DeleteAlias removes an alias (and its provisioned concurrency).
func (w *World) DeleteAlias(ref, name string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return err
	}
	if f.aliases[name] == nil {
		return aliasNotFound(f.arn + ":" + clip(name, 140))
	}
	delete(f.aliases, name)
	w.gen.Add(1)
	delete(f.provisioned, name)
	f.dropQualifier(name)
	return nil
}

// dropQualifier removes what belongs to a deleted alias or version: its
// resource policy, function URL, async invoke and runtime management
// configuration (caller holds mu).
func (f *function) dropQualifier(q string) {
	kept := f.policy[:0]
	for _, s := range f.policy {
		if s.Qualifier != q {
			kept = append(kept, s)
		}
	}
	f.policy = kept
	delete(f.policyRevs, q)
	delete(f.urls, q)
	delete(f.eventInvoke, q)
	delete(f.runtimeMgmt, q)
}

// ListAliases pages a function's aliases, optionally those of one version.
func (w *World) ListAliases(ref, fnVersion, marker string, maxItems int) ([]byte, *Error) {
	size := pageSize(maxItems, maxAliasesPage)
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(f.aliases))
	for n, a := range f.aliases {
		if fnVersion == "" || a.version == fnVersion || a.routeVer == fnVersion {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	items, next, err := pageKeys(names, marker, size, func(k string) []byte {
		b, _ := json.Marshal(w.aliasOut(f, f.aliases[k]))
		return b
	})
	if err != nil {
		return nil, err
	}
	return appendList("Aliases", items, next), nil
}

// route picks the version an invocation of alias a runs (weighted).
func (w *World) route(a *alias) string {
	if a.routeVer == "" || a.routeWeight <= 0 {
		return a.version
	}
	w.routeMu.Lock()
	r := w.routeRng.Float64()
	w.routeMu.Unlock()
	if r < a.routeWeight {
		return a.routeVer
	}
	return a.version
}
