package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
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

// CreateFunction creates a function ($LATEST Pending for CreateDelay).
func (w *World) CreateFunction(in *createFunctionIn) ([]byte, int, *Error) {
	if in.FunctionName == nil || in.Role == nil {
		return nil, 0, validation("1 validation error detected: FunctionName and Role are required")
	}
	name, q, err := ParseFunctionName(*in.FunctionName)
	if err != nil {
		return nil, 0, err
	}
	if q != "" {
		return nil, 0, invalidParam("Unsupported function name: %s", clip(*in.FunctionName, 140))
	}
	if !validRole(*in.Role) {
		return nil, 0, validation("1 validation error detected: Value '%s' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", clip(*in.Role, 200))
	}
	if err := checkMemTimeout(in.MemorySize, in.Timeout); err != nil {
		return nil, 0, err
	}
	pkg := orDefault(in.PackageType, "Zip")
	if pkg != "Zip" && pkg != "Image" {
		return nil, 0, validation("1 validation error detected: Value '%s' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]", clip(pkg, 50))
	}
	if in.Code == nil {
		return nil, 0, validation("1 validation error detected: Value null at 'code' failed to satisfy constraint: Member must not be null")
	}
	cfg := Config{Role: *in.Role, Description: in.Description, PackageType: pkg, MemoryMB: 128, TimeoutSec: 3, EphemeralMB: 512, TracingMode: "PassThrough", KMSKeyARN: in.KMSKeyArn, SnapStart: "None"}
	if pkg == "Zip" {
		if !runtimes[in.Runtime] {
			return nil, 0, invalidParam("Value %s at 'runtime' failed to satisfy constraint: Member must satisfy enum value set", clip(in.Runtime, 50))
		}
		if in.Handler == "" {
			return nil, 0, invalidParam("Handler is required for functions with the Zip package type.")
		}
		cfg.Runtime, cfg.Handler = in.Runtime, in.Handler
		code := in.Code.ZipFile
		if len(code) == 0 {
			if in.Code.S3Bucket == "" || in.Code.S3Key == "" {
				return nil, 0, invalidParam("Please provide a source for function code.")
			}
			code = []byte(in.Code.S3Bucket + "/" + in.Code.S3Key + "@" + in.Code.S3ObjectVersion)
		}
		sum := sha256.Sum256(code)
		cfg.CodeSHA256 = base64.StdEncoding.EncodeToString(sum[:])
		cfg.CodeSize = int64(len(code))
	} else {
		if in.Code.ImageUri == "" {
			return nil, 0, invalidParam("Please provide ImageUri when PackageType is Image.")
		}
		cfg.ImageURI = in.Code.ImageUri
		sum := sha256.Sum256([]byte(in.Code.ImageUri))
		cfg.CodeSHA256 = base64.StdEncoding.EncodeToString(sum[:])
		cfg.CodeSize = 0
	}
	if in.MemorySize != nil {
		cfg.MemoryMB = *in.MemorySize
	}
	if in.Timeout != nil {
		cfg.TimeoutSec = *in.Timeout
	}
	switch len(in.Architectures) {
	case 0:
		cfg.Architecture = "x86_64"
	case 1:
		if in.Architectures[0] != "x86_64" && in.Architectures[0] != "arm64" {
			return nil, 0, validation("1 validation error detected: Value '[%s]' at 'architectures' failed to satisfy constraint: Member must satisfy enum value set: [x86_64, arm64]", clip(in.Architectures[0], 50))
		}
		cfg.Architecture = in.Architectures[0]
	default:
		return nil, 0, validation("1 validation error detected: Value at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	layers, err := layersFrom(in.Layers)
	if err != nil {
		return nil, 0, err
	}
	cfg.Layers = layers
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
		if in.TracingConfig.Mode != "Active" && in.TracingConfig.Mode != "PassThrough" {
			return nil, 0, validation("1 validation error detected: Value '%s' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]", clip(in.TracingConfig.Mode, 50))
		}
		cfg.TracingMode = in.TracingConfig.Mode
	}
	if in.EphemeralStorage != nil {
		if in.EphemeralStorage.Size < 512 || in.EphemeralStorage.Size > 10240 {
			return nil, 0, validation("1 validation error detected: Value '%d' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value between 512 and 10240", in.EphemeralStorage.Size)
		}
		cfg.EphemeralMB = in.EphemeralStorage.Size
	}
	if in.LoggingConfig != nil {
		cfg.Logging = model.LoggingConfig{LogFormat: in.LoggingConfig.LogFormat, LogGroup: in.LoggingConfig.LogGroup, ApplicationLogLevel: in.LoggingConfig.ApplicationLogLevel, SystemLogLevel: in.LoggingConfig.SystemLogLevel}
	}
	if in.SnapStart != nil && in.SnapStart.ApplyOn != "" {
		cfg.SnapStart = in.SnapStart.ApplyOn
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fns[name] != nil {
		return nil, 0, conflict("Function already exist: %s", name)
	}
	f := w.addFunction(name, cfg, now)
	f.pendingTil = now.Add(CreateDelay)
	if len(in.Tags) > 0 {
		for k, v := range in.Tags {
			f.tags[k] = v
		}
	}
	v := f.latest
	if in.Publish {
		v = w.publish(f, "", now)
	}
	b, _ := json.Marshal(w.configOf(f, v, f.arn+map[bool]string{true: ":" + v.num, false: ""}[in.Publish], now))
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
