package lambda

import (
	"encoding/json"
	"strconv"
	"time"
)

// publish snapshots $LATEST as a new version (caller holds mu).
func (w *World) publish(f *function, description string, now time.Time) *version {
	cfg := f.latest.cfg.clone()
	if description != "" {
		cfg.Description = description
	}
	v := &version{num: strconv.Itoa(f.nextVersion), n: f.nextVersion, cfg: cfg, lastModified: now, revision: w.uuid()}
	f.nextVersion++
	f.versions = append(f.versions, v)
	w.codeSize += cfg.CodeSize
	return v
}

// publishOrReuse publishes $LATEST, or returns the newest version when
// neither code nor configuration changed since (caller holds mu).
func (w *World) publishOrReuse(f *function, description string, now time.Time) *version {
	if n := len(f.versions); n > 0 {
		last := f.versions[n-1]
		lc := last.cfg
		lc.Description = f.latest.cfg.Description
		if sameConfig(&lc, &f.latest.cfg) {
			return last
		}
	}
	return w.publish(f, description, now)
}

// PublishVersion publishes $LATEST, or returns the newest version when
// neither code nor configuration changed since.
func (w *World) PublishVersion(ref string, in *publishIn) ([]byte, *Error) {
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	if err := w.busy(f, now); err != nil {
		return nil, err
	}
	if in.RevisionId != "" && in.RevisionId != f.latest.revision {
		return nil, precondition("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	if in.CodeSha256 != "" && in.CodeSha256 != f.latest.cfg.CodeSHA256 {
		return nil, invalidParam("CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again.", clip(in.CodeSha256, 100), f.latest.cfg.CodeSHA256)
	}
	v := w.publishOrReuse(f, in.Description, now)
	b, _ := json.Marshal(w.configOf(f, v, f.arn+":"+v.num, now))
	return b, nil
}

// ListVersionsByFunction pages $LATEST and the published versions.
func (w *World) ListVersionsByFunction(ref, marker string, maxItems int) ([]byte, *Error) {
	size := pageSize(maxItems, maxVersionsPage)
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	start := 0
	if marker != "" {
		m, err := decodeMarker(marker)
		if err != nil {
			return nil, err
		}
		if start, _ = strconv.Atoi(m); start < 0 {
			start = 0
		}
	}
	all := append([]*version{f.latest}, f.versions...)
	var items [][]byte
	next := ""
	for i := start; i < len(all); i++ {
		if len(items) == size {
			next = encodeMarker(strconv.Itoa(i))
			break
		}
		items = append(items, w.configJSON(f, all[i], true, now))
	}
	return appendList("Versions", items, next), nil
}
