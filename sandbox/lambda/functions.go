package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// resolve finds the function and version for ref and qualifier; the
// qualifier may be a version or an alias (returned as aliasName).
func (w *World) resolve(ref, qualParam string) (f *function, v *version, q string, al *alias, err *Error) {
	f, q, err = w.lookup(ref)
	if err != nil {
		return
	}
	q, err = mergeQualifier(q, qualParam)
	if err != nil {
		return
	}
	if q != "" && q != "$LATEST" && !isDigits(q) {
		al = f.aliases[q]
		if al == nil {
			err = fnNotFound(f.arn + ":" + q)
			return
		}
		v = f.version(al.version)
	} else {
		v = f.version(q)
	}
	if v == nil {
		err = fnNotFound(f.arn + qualSuffix(q))
	}
	return
}

// GetFunctionConfiguration returns the configuration JSON.
func (w *World) GetFunctionConfiguration(ref, qualifier string) ([]byte, *Error) {
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, v, q, al, err := w.resolve(ref, qualifier)
	if err != nil {
		return nil, err
	}
	if al != nil {
		b, _ := json.Marshal(w.configOf(f, v, f.arn+":"+q, now))
		return b, nil
	}
	return w.configJSON(f, v, q != "", now), nil
}

type getFunctionOut struct {
	Configuration json.RawMessage   `json:"Configuration"`
	Code          map[string]string `json:"Code"`
	Tags          map[string]string `json:"Tags,omitempty"`
	Concurrency   *concurrencyIn    `json:"Concurrency,omitempty"`
}

// GetFunction returns configuration, code location, tags and concurrency.
func (w *World) GetFunction(ref, qualifier string) ([]byte, *Error) {
	cfg, err := w.GetFunctionConfiguration(ref, qualifier)
	if err != nil {
		return nil, err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, v, _, _, err := w.resolve(ref, qualifier)
	if err != nil {
		return nil, err
	}
	out := getFunctionOut{Configuration: cfg}
	if v.cfg.PackageType == "Image" {
		out.Code = map[string]string{"RepositoryType": "ECR", "ImageUri": v.cfg.ImageURI, "ResolvedImageUri": v.cfg.ImageURI}
	} else {
		out.Code = map[string]string{"RepositoryType": "S3", "Location": "https://awslambda-" + w.region + "-tasks.s3." + w.region + ".amazonaws.com/snapshots/" + w.account + "/" + f.name + "-" + v.revision[:8] + "?X-Amz-Expires=600"}
	}
	if len(f.tags) > 0 {
		out.Tags = f.tags
	}
	if f.reserved != nil {
		n := *f.reserved
		out.Concurrency = &concurrencyIn{ReservedConcurrentExecutions: &n}
	}
	b, _ := json.Marshal(out)
	return b, nil
}

// codeFrom validates a Code structure for a package type and returns its
// SHA-256, size and source.
func (w *World) codeFrom(c *codeIn, pkg string) (sha string, size int64, src string, err *Error) {
	if pkg == "Image" {
		if c.ImageUri == "" {
			return "", 0, "", invalidParam("Please provide ImageUri when PackageType is Image.")
		}
		if len(c.ZipFile) > 0 || c.S3Bucket != "" {
			return "", 0, "", invalidParam("Please don't provide code as well as ImageUri.")
		}
		sum := sha256.Sum256([]byte(c.ImageUri))
		return hex.EncodeToString(sum[:]), 0, "image", nil
	}
	if c.ImageUri != "" {
		return "", 0, "", invalidParam("Please don't provide ImageUri when PackageType is Zip.")
	}
	code := c.ZipFile
	src = "zip"
	if len(code) == 0 {
		if c.S3Bucket == "" || c.S3Key == "" {
			return "", 0, "", invalidParam("Please provide a source for function code.")
		}
		// The sandbox has no S3: it records the location and hashes it.
		src = "s3://" + c.S3Bucket + "/" + c.S3Key
		if c.S3ObjectVersion != "" {
			src += "?versionId=" + c.S3ObjectVersion
		}
		code = []byte(src)
	} else if err := w.checkZip(code); err != nil {
		return "", 0, "", err
	}
	sum := sha256.Sum256(code)
	return base64.StdEncoding.EncodeToString(sum[:]), int64(len(code)), src, nil
}

// CreateFunction creates a function ($LATEST Pending for CreateDelay).
// Validation follows AWS's order: every model constraint first (one
// ValidationException listing them), then the semantic checks
// (InvalidParameterValueException and friends), then the conflict.
func (w *World) CreateFunction(in *createFunctionIn) ([]byte, int, *Error) {
	var v verrs
	if in.FunctionName == nil {
		v.null("functionName")
	} else if _, _, err := ParseFunctionName(*in.FunctionName); err != nil || len(*in.FunctionName) > 140 {
		v.pattern("functionName", *in.FunctionName, functionNamePattern)
	}
	runtimeEnum(&v, in.Runtime)
	if in.Role == nil {
		v.null("role")
	} else {
		w.checkRole(&v, in.Role)
	}
	if len(in.Handler) > 128 {
		v.length("handler", in.Handler, 0, 128)
	} else if strings.ContainsAny(in.Handler, " \t\n\r") {
		v.pattern("handler", in.Handler, `[^\s]+`)
	}
	if in.Code == nil {
		v.null("code")
	}
	if len(in.Description) > 256 {
		v.length("description", in.Description, 0, 256)
	}
	memTimeout(&v, in.MemorySize, in.Timeout)
	if in.PackageType != "" && in.PackageType != "Zip" && in.PackageType != "Image" {
		v.enum("packageType", in.PackageType, []string{"Zip", "Image"})
	}
	if in.TracingConfig != nil && in.TracingConfig.Mode != "" && in.TracingConfig.Mode != "Active" && in.TracingConfig.Mode != "PassThrough" {
		v.enum("tracingConfig.mode", in.TracingConfig.Mode, []string{"Active", "PassThrough"})
	}
	layerARNs(&v, in.Layers)
	architectures(&v, in.Architectures)
	if in.EphemeralStorage != nil {
		v.rangeInt("ephemeralStorage.size", in.EphemeralStorage.Size, 512, 10240)
	}
	if err := v.err(); err != nil {
		return nil, 0, err
	}

	name, q, _ := ParseFunctionName(*in.FunctionName)
	if q != "" {
		return nil, 0, invalidParam("Unsupported function name: %s", clip(*in.FunctionName, 140))
	}
	if err := semanticMemTimeout(in.MemorySize, in.Timeout); err != nil {
		return nil, 0, err
	}
	pkg := orDefault(in.PackageType, "Zip")
	cfg := Config{Role: *in.Role, Description: in.Description, PackageType: pkg, MemoryMB: 128, TimeoutSec: 3, EphemeralMB: 512, TracingMode: "PassThrough", KMSKeyARN: in.KMSKeyArn, SnapStart: "None"}
	now := w.clk.Now()
	if pkg == "Zip" {
		if in.Runtime == "" || in.Handler == "" {
			return nil, 0, invalidParam("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
		}
		if err := w.runtimeBlocked(in.Runtime, true, now); err != nil {
			return nil, 0, err
		}
		cfg.Runtime, cfg.Handler = in.Runtime, in.Handler
		if in.ImageConfig != nil {
			return nil, 0, invalidParam("ImageConfig is not supported for functions with the Zip package type.")
		}
	} else {
		if in.Runtime != "" || in.Handler != "" || len(in.Layers) > 0 {
			return nil, 0, invalidParam("Runtime, Handler and Layers are not supported for functions with the Image package type.")
		}
		cfg.ImageURI = in.Code.ImageUri
		if ic := in.ImageConfig; ic != nil {
			cfg.Image = &ImageConfig{EntryPoint: ic.EntryPoint, Command: ic.Command, WorkingDirectory: ic.WorkingDirectory}
		}
	}
	sha, size, src, err := w.codeFrom(in.Code, pkg)
	if err != nil {
		return nil, 0, err
	}
	cfg.CodeSHA256, cfg.CodeSize, cfg.CodeSource = sha, size, src
	if in.MemorySize != nil {
		cfg.MemoryMB = *in.MemorySize
	}
	if in.Timeout != nil {
		cfg.TimeoutSec = *in.Timeout
	}
	cfg.Architecture = "x86_64"
	if len(in.Architectures) == 1 {
		cfg.Architecture = in.Architectures[0]
	}
	if in.Environment != nil && len(in.Environment.Variables) > 0 {
		cfg.Env = in.Environment.Variables
	}
	if in.VpcConfig != nil && len(in.VpcConfig.SubnetIds) > 0 {
		cfg.VPC = &model.VPCConfig{VPCID: "vpc-0sandbox", SubnetIDs: in.VpcConfig.SubnetIds, SecurityGroupIDs: in.VpcConfig.SecurityGroupIds}
	}
	if in.DeadLetterConfig != nil {
		cfg.DLQTarget = in.DeadLetterConfig.TargetArn
	}
	if in.TracingConfig != nil && in.TracingConfig.Mode != "" {
		cfg.TracingMode = in.TracingConfig.Mode
	}
	if in.EphemeralStorage != nil {
		cfg.EphemeralMB = in.EphemeralStorage.Size
	}
	if in.LoggingConfig != nil {
		cfg.Logging = model.LoggingConfig{LogFormat: in.LoggingConfig.LogFormat, LogGroup: in.LoggingConfig.LogGroup, ApplicationLogLevel: in.LoggingConfig.ApplicationLogLevel, SystemLogLevel: in.LoggingConfig.SystemLogLevel}
	}
	if in.SnapStart != nil && in.SnapStart.ApplyOn != "" {
		cfg.SnapStart = in.SnapStart.ApplyOn
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.crossAccountRole(cfg.Role); err != nil {
		return nil, 0, err
	}
	layers, err := w.layersFrom(in.Layers)
	if err != nil {
		return nil, 0, err
	}
	cfg.Layers = layers
	if w.fns[name] != nil {
		return nil, 0, conflict("Function already exist: %s", name)
	}
	f := w.addFunction(name, cfg, now)
	f.pendingTil = now.Add(CreateDelay)
	for k, v := range in.Tags {
		f.tags[k] = v
	}
	fc := w.configOf(f, f.latest, f.arn, now)
	if in.Publish {
		// AWS answers with the unqualified ARN and Version "1".
		v := w.publish(f, "", now)
		fc.Version = v.num
	}
	b, _ := json.Marshal(fc)
	return b, 201, nil
}

// addFunction inserts a function (caller holds mu for writing).
func (w *World) addFunction(name string, cfg Config, now time.Time) *function {
	f := &function{
		name:        name,
		arn:         w.fnARN(name),
		aliases:     map[string]*alias{},
		provisioned: map[string]*provConfig{},
		tags:        map[string]string{},
		eventInvoke: map[string]*eventInvoke{},
		nextVersion: 1,
	}
	f.latest = &version{num: "$LATEST", cfg: cfg, lastModified: now, revision: w.uuid()}
	w.fns[name] = f
	w.insertFn(f)
	w.codeSize += cfg.CodeSize
	w.gen.Add(1)
	w.mutations.Add(1)
	if w.hooks.Created != nil {
		w.hooks.Created(name, orDefault(cfg.Logging.LogGroup, "/aws/lambda/"+name))
	}
	return f
}

// DeleteFunction deletes a function, or one version with a qualifier.
func (w *World) DeleteFunction(ref, qualifier string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.lookup(ref)
	if err != nil {
		return err
	}
	if q, err = mergeQualifier(q, qualifier); err != nil {
		return err
	}
	if q == "$LATEST" {
		return invalidParam("$LATEST version cannot be deleted without deleting the function.")
	}
	if q != "" {
		v := f.version(q)
		if v == nil || !isDigits(q) {
			return fnNotFound(f.arn + ":" + q)
		}
		for _, a := range f.aliases {
			if a.version == q || a.routeVer == q {
				return conflict("Unable to delete version because the following aliases reference it: [%s]", a.name)
			}
		}
		for i, x := range f.versions {
			if x == v {
				f.versions = append(f.versions[:i], f.versions[i+1:]...)
				break
			}
		}
		delete(f.provisioned, q)
		f.dropQualifier(q)
		w.codeSize -= v.cfg.CodeSize
		return nil
	}
	if f.reserved != nil {
		w.reservedSum -= *f.reserved
	}
	w.codeSize -= f.latest.cfg.CodeSize
	for _, v := range f.versions {
		w.codeSize -= v.cfg.CodeSize
	}
	delete(w.fns, f.name)
	w.removeName(f.name)
	w.gen.Add(1)
	w.mutations.Add(1)
	if w.hooks.Deleted != nil {
		w.hooks.Deleted(f.name)
	}
	if f.reserved != nil && w.hooks.ReservedTotal != nil {
		w.hooks.ReservedTotal(w.reservedSum)
	}
	for _, id := range append([]string(nil), w.mapIDs...) {
		if w.mappings[id].function == f.name {
			delete(w.mappings, id)
			i := sort.SearchStrings(w.mapIDs, id)
			w.mapIDs = append(w.mapIDs[:i], w.mapIDs[i+1:]...)
		}
	}
	return nil
}
