package lambda

import (
	"encoding/json"
)

// UpdateFunctionCode replaces $LATEST's code (a zip, an S3 location or an
// image URI). LastUpdateStatus is InProgress for UpdateDelay. With
// Publish, a version is published from the new code, or the newest
// version returned when neither code nor configuration changed; the
// answer then carries that version number (with the unqualified ARN, as
// AWS answers). DryRun validates and changes nothing.
func (w *World) UpdateFunctionCode(ref string, in *updateCodeIn) ([]byte, *Error) {
	var v verrs
	if in.S3Bucket != "" {
		v.length("s3Bucket", in.S3Bucket, 3, 63)
	}
	if len(in.S3Key) > 1024 {
		v.length("s3Key", in.S3Key, 1, 1024)
	}
	architectures(&v, in.Architectures)
	if err := v.err(); err != nil {
		return nil, err
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupLatest(ref)
	if err != nil {
		return nil, err
	}
	pkg := orDefault(f.latest.cfg.PackageType, "Zip")
	if pkg == "Zip" && in.ImageUri != "" {
		return nil, invalidParam("Please don't provide ImageUri when updating a function with packageType Zip.")
	}
	if pkg == "Image" && in.ImageUri == "" {
		return nil, invalidParam("Please provide ImageUri when updating a function with packageType Image.")
	}
	sha, size, src, err := w.codeFrom(&in.codeIn, pkg)
	if err != nil {
		return nil, err
	}
	if err := w.updateBlocked(f, now); err != nil {
		return nil, err
	}
	if err := w.busy(f, now); err != nil {
		return nil, err
	}
	if in.RevisionId != "" && in.RevisionId != f.latest.revision {
		return nil, precondition("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	c := f.latest.cfg.clone()
	c.CodeSHA256, c.CodeSize, c.CodeSource = sha, size, src
	if pkg == "Image" {
		c.ImageURI = in.ImageUri
	}
	if len(in.Architectures) == 1 {
		c.Architecture = in.Architectures[0]
	}
	if in.DryRun {
		tmp := &version{num: "$LATEST", cfg: c, lastModified: now, revision: f.latest.revision}
		b, _ := json.Marshal(w.configOf(f, tmp, f.arn, now))
		return b, nil
	}
	w.codeSize += c.CodeSize - f.latest.cfg.CodeSize
	f.latest.cfg = c
	f.latest.lastModified = now
	f.latest.revision = w.uuid()
	f.latest.invalidate()
	w.mutations.Add(1)
	f.updateTil = now.Add(UpdateDelay)
	if w.hooks.Changed != nil {
		w.hooks.Changed(f.name)
	}
	fc := w.configOf(f, f.latest, f.arn, now)
	if in.Publish {
		fc.Version = w.publishOrReuse(f, "", now).num
	}
	b, _ := json.Marshal(fc)
	return b, nil
}
