package lambda

import "errors"

// AliasState is an alias's routing as a traffic shifter (the sandbox's
// CodeDeploy) sees it: the primary version, the additional version and its
// weight (0..1), and the revision.
type AliasState struct {
	Version      string
	RouteVersion string // "" for none
	RouteWeight  float64
	Revision     string
}

// AliasState returns an alias's routing (ok false when the function or the
// alias does not exist).
func (w *World) AliasState(function, alias string) (AliasState, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f := w.fns[function]
	if f == nil {
		return AliasState{}, false
	}
	a := f.aliases[alias]
	if a == nil {
		return AliasState{}, false
	}
	return AliasState{Version: a.version, RouteVersion: a.routeVer, RouteWeight: a.routeWeight, Revision: a.revision}, true
}

// HasVersion reports whether a published version (or $LATEST) exists.
func (w *World) HasVersion(function, version string) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f := w.fns[function]
	return f != nil && f.version(version) != nil
}

// ShiftAlias sets an alias's routing in the world (no HTTP), with AWS's
// routing rules, and returns the new state (a new revision). It is how the
// sandbox's CodeDeploy moves traffic. routeVersion "" clears the routing.
func (w *World) ShiftAlias(function, alias, version, routeVersion string, weight float64) (AliasState, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.fns[function]
	if f == nil {
		return AliasState{}, fnNotFound(w.fnARN(function))
	}
	a := f.aliases[alias]
	if a == nil {
		return AliasState{}, notFound("Alias not found: %s:%s", f.arn, clip(alias, 140))
	}
	var rc *routingJSON
	if routeVersion != "" {
		rc = &routingJSON{AdditionalVersionWeights: map[string]float64{routeVersion: weight}}
	}
	ver, wt, err := w.checkRouting(f, version, rc)
	if err != nil {
		return AliasState{}, err
	}
	a.version, a.routeVer, a.routeWeight = version, ver, wt
	a.revision = w.uuid()
	return AliasState{Version: a.version, RouteVersion: a.routeVer, RouteWeight: a.routeWeight, Revision: a.revision}, nil
}

// EnsureAlias creates an alias on version if the function has none of that
// name (seeding the demo); it reports whether the alias exists afterwards.
func (w *World) EnsureAlias(function, name, version, description string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.fns[function]
	if f == nil {
		return errors.New("no function " + function)
	}
	if f.aliases[name] != nil {
		return nil
	}
	if f.version(version) == nil {
		return errors.New("no version " + version + " of " + function)
	}
	f.aliases[name] = &alias{name: name, version: version, description: description, revision: w.uuid()}
	w.gen.Add(1)
	return nil
}
