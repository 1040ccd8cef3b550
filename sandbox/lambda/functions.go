package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// Page sizes AWS enforces.
const (
	maxFunctionsPage = 50
	maxVersionsPage  = 50
	maxMappingsPage  = 100
	maxProvPage      = 50
	maxAliasesPage   = 10000
)

func (w *World) configOf(f *function, v *version, arn string, now time.Time) FunctionConfiguration {
	c := &v.cfg
	fc := FunctionConfiguration{
		FunctionName:     f.name,
		FunctionArn:      arn,
		Runtime:          c.Runtime,
		Role:             c.Role,
		Handler:          c.Handler,
		CodeSize:         c.CodeSize,
		Description:      c.Description,
		Timeout:          c.TimeoutSec,
		MemorySize:       c.MemoryMB,
		LastModified:     LambdaTime(v.lastModified),
		CodeSha256:       c.CodeSHA256,
		Version:          v.num,
		KMSKeyArn:        c.KMSKeyARN,
		TracingConfig:    tracingJSON{Mode: orDefault(c.TracingMode, "PassThrough")},
		RevisionId:       v.revision,
		State:            "Active",
		LastUpdateStatus: "Successful",
		PackageType:      orDefault(c.PackageType, "Zip"),
		Architectures:    []string{orDefault(c.Architecture, "x86_64")},
		EphemeralStorage: ephemeralJSON{Size: orInt(c.EphemeralMB, 512)},
		SnapStart:        snapStartJSON{ApplyOn: orDefault(c.SnapStart, "None"), OptimizationStatus: "Off"},
		LoggingConfig: loggingJSON{
			LogFormat:           orDefault(c.Logging.LogFormat, "Text"),
			LogGroup:            orDefault(c.Logging.LogGroup, "/aws/lambda/"+f.name),
			ApplicationLogLevel: c.Logging.ApplicationLogLevel,
			SystemLogLevel:      c.Logging.SystemLogLevel,
		},
	}
	if c.SnapStart == "PublishedVersions" && v.num != "$LATEST" {
		fc.SnapStart.OptimizationStatus = "On"
	}
	if c.VPC != nil {
		fc.VpcConfig = &vpcJSON{SubnetIds: nonNil(c.VPC.SubnetIDs), SecurityGroupIds: nonNil(c.VPC.SecurityGroupIDs), VpcId: c.VPC.VPCID}
	}
	if c.DLQTarget != "" {
		fc.DeadLetterConfig = &dlqJSON{TargetArn: c.DLQTarget}
	}
	if len(c.Env) > 0 {
		fc.Environment = &envJSON{Variables: c.Env}
	}
	for _, l := range c.Layers {
		fc.Layers = append(fc.Layers, layerJSON{Arn: l.ARN, CodeSize: l.CodeSize})
	}
	if c.PackageType == "Image" {
		fc.Runtime, fc.Handler = "", ""
	}
	if v.num == "$LATEST" {
		if now.Before(f.pendingTil) {
			fc.State = "Pending"
			fc.StateReason = "The function is being created."
			fc.StateReasonCode = "Creating"
			fc.LastUpdateStatus = ""
		} else if now.Before(f.updateTil) {
			fc.LastUpdateStatus = "InProgress"
			fc.LastUpdateStatusReason = "The function is being updated."
			fc.LastUpdateStatusCode = "Updating"
		}
	}
	return fc
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orInt(n, d int) int {
	if n == 0 {
		return d
	}
	return n
}

// configJSON returns the FunctionConfiguration JSON of v, cached while the
// function is settled (caller holds mu for reading).
func (w *World) configJSON(f *function, v *version, qualified bool, now time.Time) []byte {
	b, _ := w.configJSONSettled(f, v, qualified, now)
	return b
}

// configJSONSettled also reports whether the JSON is stable until the next
// mutation (false while the function is Pending or being updated).
func (w *World) configJSONSettled(f *function, v *version, qualified bool, now time.Time) ([]byte, bool) {
	i := 0
	if qualified {
		i = 1
	}
	if p := v.cache[i].Load(); p != nil {
		return *p, true
	}
	arn := f.arn
	if qualified {
		arn += ":" + v.num
	}
	b, _ := json.Marshal(w.configOf(f, v, arn, now))
	settled := v.num != "$LATEST" || (!now.Before(f.pendingTil) && !now.Before(f.updateTil))
	if settled {
		v.cache[i].Store(&b)
	}
	return b, settled
}

type pageKey struct {
	marker string
	size   int
}

type cachedPage struct {
	gen  uint64
	body []byte
}

const maxCachedPages = 4096

// cachedListPage returns a cached ListFunctions page if it is current.
func (w *World) cachedListPage(k pageKey) []byte {
	w.pageMu.Lock()
	defer w.pageMu.Unlock()
	if p, ok := w.pages[k]; ok && p.gen == w.mutations.Load() {
		return p.body
	}
	return nil
}

func (w *World) storeListPage(k pageKey, gen uint64, body []byte) {
	w.pageMu.Lock()
	defer w.pageMu.Unlock()
	if w.pages == nil || len(w.pages) >= maxCachedPages {
		w.pages = map[pageKey]cachedPage{}
	}
	w.pages[k] = cachedPage{gen: gen, body: body}
}

func encodeMarker(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeMarker(m string) (string, *Error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", invalidParam("Invalid marker: %s", clip(m, 100))
	}
	return string(b), nil
}

// pageKeys pages the sorted keys from marker (a key, as encodeMarker
// wrote it), size at a time, rendering each key with item. next is the
// marker of the first key left out, or "".
func pageKeys(keys []string, marker string, size int, item func(key string) []byte) ([][]byte, string, *Error) {
	start := 0
	if marker != "" {
		m, err := decodeMarker(marker)
		if err != nil {
			return nil, "", err
		}
		start = sort.SearchStrings(keys, m)
	}
	var items [][]byte
	for _, k := range keys[start:] {
		if len(items) == size {
			return items, encodeMarker(k), nil
		}
		items = append(items, item(k))
	}
	return items, "", nil
}

func pageSize(maxItems, limit int) int {
	if maxItems <= 0 || maxItems > limit {
		return limit
	}
	return maxItems
}

// appendList writes {"<key>":[items...],"NextMarker":"m"} into one buffer.
func appendList(key string, items [][]byte, next string) []byte {
	n := 32 + len(key) + len(next)
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"`...)
	b = append(b, key...)
	b = append(b, `":[`...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	b = append(b, ']')
	if next != "" {
		b = append(b, `,"NextMarker":`...)
		nb, _ := json.Marshal(next)
		b = append(b, nb...)
	}
	return append(b, '}')
}

// ListFunctions returns a page {"Functions":[...],"NextMarker":...}; the
// caller must not modify it (pages are cached until the next mutation).
// With all, every version is listed (qualified ARNs) in the same sweep.
func (w *World) ListFunctions(marker string, maxItems int, all bool) ([]byte, *Error) {
	if maxItems < 0 || maxItems > 10000 {
		return nil, validation("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000", maxItems)
	}
	size := pageSize(maxItems, maxFunctionsPage)
	key := pageKey{marker: marker, size: size}
	if !all {
		if b := w.cachedListPage(key); b != nil {
			return b, nil
		}
	}
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	gen := w.mutations.Load()
	settled := true
	start, startVer := 0, 0
	if marker != "" {
		m, err := decodeMarker(marker)
		if err != nil {
			return nil, err
		}
		name, idx, _ := strings.Cut(m, "\x00")
		start = sort.SearchStrings(w.names, name)
		if all && idx != "" {
			startVer, _ = strconv.Atoi(idx)
		}
	}
	b := make([]byte, 0, 2048*size)
	b = append(b, `{"Functions":[`...)
	count := 0
	next := ""
	add := func(item []byte, ok bool) {
		if count > 0 {
			b = append(b, ',')
		}
		b = append(b, item...)
		count++
		settled = settled && ok
	}
	for i := start; i < len(w.order) && next == ""; i++ {
		f := w.order[i]
		if !all {
			if count == size {
				next = encodeMarker(f.name)
				break
			}
			add(w.configJSONSettled(f, f.latest, false, now))
			continue
		}
		nv := 1 + len(f.versions)
		j := 0
		if i == start {
			j = startVer
		}
		for ; j < nv; j++ {
			if count == size {
				next = encodeMarker(f.name + "\x00" + strconv.Itoa(j))
				break
			}
			if j == 0 {
				add(w.configJSONSettled(f, f.latest, true, now))
			} else {
				add(w.configJSONSettled(f, f.versions[j-1], true, now))
			}
		}
	}
	b = append(b, ']')
	if next != "" {
		b = append(b, `,"NextMarker":"`...)
		b = append(b, next...) // base64url: no escaping needed
		b = append(b, '"')
	}
	b = append(b, '}')
	if !all && settled {
		w.storeListPage(key, gen, b)
	}
	return b, nil
}

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

var runtimes = map[string]bool{
	"nodejs18.x": true, "nodejs20.x": true, "nodejs22.x": true, "python3.9": true, "python3.10": true,
	"python3.11": true, "python3.12": true, "python3.13": true, "java11": true, "java17": true, "java21": true,
	"dotnet8": true, "ruby3.2": true, "ruby3.3": true, "provided.al2": true, "provided.al2023": true,
	"go1.x": true, "nodejs16.x": true, "python3.8": true,
}

func validRole(r string) bool {
	// arn:aws[a-zA-Z-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
	p := splitColon(r)
	return len(p) == 6 && p[0] == "arn" && strings.HasPrefix(p[1], "aws") && p[2] == "iam" && p[3] == "" &&
		len(p[4]) == 12 && isDigits(p[4]) && strings.HasPrefix(p[5], "role/") && len(p[5]) > 5
}

func checkMemTimeout(mem, timeout *int) *Error {
	if mem != nil && (*mem < 128 || *mem > 10240) {
		return validation("1 validation error detected: Value '%d' at 'memorySize' failed to satisfy constraint: Member must have value %s", *mem, map[bool]string{true: "greater than or equal to 128", false: "less than or equal to 10240"}[*mem < 128])
	}
	if timeout != nil && (*timeout < 1 || *timeout > 900) {
		return validation("1 validation error detected: Value '%d' at 'timeout' failed to satisfy constraint: Member must have value %s", *timeout, map[bool]string{true: "greater than or equal to 1", false: "less than or equal to 900"}[*timeout < 1])
	}
	return nil
}

func layersFrom(arns []string) ([]model.Layer, *Error) {
	if len(arns) > 5 {
		return nil, invalidParam("Cannot reference more than 5 layers.")
	}
	var out []model.Layer
	for _, a := range arns {
		p := splitColon(a)
		if len(p) != 8 || p[0] != "arn" || p[5] != "layer" || !isDigits(p[7]) {
			return nil, validation("1 validation error detected: Value '[%s]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 140, Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+]", clip(a, 140))
		}
		out = append(out, model.Layer{ARN: a, CodeSize: int64(len(a)) * 40960})
	}
	return out, nil
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

func (w *World) busy(f *function, now time.Time) *Error {
	if now.Before(f.pendingTil) {
		return conflict("The operation cannot be performed at this time. The function is currently in the following state: Pending")
	}
	if now.Before(f.updateTil) {
		return conflict("The operation cannot be performed at this time. An update is in progress for resource: %s", f.arn)
	}
	return nil
}

// UpdateFunctionConfiguration changes $LATEST; LastUpdateStatus is
// InProgress for UpdateDelay and further changes meanwhile get 409.
func (w *World) UpdateFunctionConfiguration(ref string, in *updateConfigIn) ([]byte, *Error) {
	if err := checkMemTimeout(in.MemorySize, in.Timeout); err != nil {
		return nil, err
	}
	if in.Role != nil && !validRole(*in.Role) {
		return nil, validation("1 validation error detected: Value '%s' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", clip(*in.Role, 200))
	}
	if in.Runtime != nil && !runtimes[*in.Runtime] {
		return nil, invalidParam("Value %s at 'runtime' failed to satisfy constraint: Member must satisfy enum value set", clip(*in.Runtime, 50))
	}
	var layers []model.Layer
	if in.Layers != nil {
		var err *Error
		if layers, err = layersFrom(*in.Layers); err != nil {
			return nil, err
		}
	}
	if in.EphemeralStorage != nil && (in.EphemeralStorage.Size < 512 || in.EphemeralStorage.Size > 10240) {
		return nil, validation("1 validation error detected: Value '%d' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value between 512 and 10240", in.EphemeralStorage.Size)
	}
	if in.TracingConfig != nil && in.TracingConfig.Mode != "Active" && in.TracingConfig.Mode != "PassThrough" {
		return nil, validation("1 validation error detected: Value '%s' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]", clip(in.TracingConfig.Mode, 50))
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, err
	}
	if q != "" && q != "$LATEST" {
		return nil, invalidParam("Unsupported function name: %s. Only $LATEST can be updated.", clip(ref, 140))
	}
	if err := w.busy(f, now); err != nil {
		return nil, err
	}
	if in.RevisionId != "" && in.RevisionId != f.latest.revision {
		return nil, precondition("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	c := f.latest.cfg.clone()
	if in.Role != nil {
		c.Role = *in.Role
	}
	if in.Handler != nil {
		c.Handler = *in.Handler
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.Timeout != nil {
		c.TimeoutSec = *in.Timeout
	}
	if in.MemorySize != nil {
		c.MemoryMB = *in.MemorySize
	}
	if in.Runtime != nil {
		c.Runtime = *in.Runtime
	}
	if in.Environment != nil {
		c.Env = in.Environment.Variables
		if len(c.Env) == 0 {
			c.Env = nil
		}
	}
	if in.VpcConfig != nil {
		if len(in.VpcConfig.SubnetIds) == 0 {
			c.VPC = nil
		} else {
			c.VPC = &model.VPCConfig{VPCID: "vpc-0sandbox", SubnetIDs: in.VpcConfig.SubnetIds, SecurityGroupIDs: in.VpcConfig.SecurityGroupIds}
		}
	}
	if in.DeadLetterConfig != nil {
		c.DLQTarget = in.DeadLetterConfig.TargetArn
	}
	if in.TracingConfig != nil {
		c.TracingMode = in.TracingConfig.Mode
	}
	if in.KMSKeyArn != nil {
		c.KMSKeyARN = *in.KMSKeyArn
	}
	if in.Layers != nil {
		c.Layers = layers
	}
	if in.EphemeralStorage != nil {
		c.EphemeralMB = in.EphemeralStorage.Size
	}
	if in.LoggingConfig != nil {
		l := in.LoggingConfig
		if l.LogFormat != "" {
			c.Logging.LogFormat = l.LogFormat
		}
		if l.LogGroup != "" {
			c.Logging.LogGroup = l.LogGroup
		}
		if l.ApplicationLogLevel != "" {
			c.Logging.ApplicationLogLevel = l.ApplicationLogLevel
		}
		if l.SystemLogLevel != "" {
			c.Logging.SystemLogLevel = l.SystemLogLevel
		}
	}
	f.latest.cfg = c
	f.latest.lastModified = now
	f.latest.revision = w.uuid()
	f.latest.invalidate()
	w.mutations.Add(1)
	f.updateTil = now.Add(UpdateDelay)
	if w.hooks.Changed != nil {
		w.hooks.Changed(f.name)
	}
	b, _ := json.Marshal(w.configOf(f, f.latest, f.arn, now))
	return b, nil
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

// PublishVersion publishes $LATEST, or returns the newest version when
// neither code nor configuration changed since.
func (w *World) PublishVersion(ref string, in *publishIn) ([]byte, *Error) {
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, err
	}
	if q != "" {
		return nil, invalidParam("Unsupported function name: %s", clip(ref, 140))
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
	if n := len(f.versions); n > 0 {
		// Unchanged code and configuration: AWS returns the newest version.
		last := f.versions[n-1]
		lc := last.cfg
		lc.Description = f.latest.cfg.Description
		if sameConfig(&lc, &f.latest.cfg) {
			b, _ := json.Marshal(w.configOf(f, last, f.arn+":"+last.num, now))
			return b, nil
		}
	}
	v := w.publish(f, in.Description, now)
	b, _ := json.Marshal(w.configOf(f, v, f.arn+":"+v.num, now))
	return b, nil
}

// ListVersionsByFunction pages $LATEST and the published versions.
func (w *World) ListVersionsByFunction(ref, marker string, maxItems int) ([]byte, *Error) {
	size := pageSize(maxItems, maxVersionsPage)
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, err
	}
	if q != "" {
		return nil, invalidParam("Unsupported function name: %s", clip(ref, 140))
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
