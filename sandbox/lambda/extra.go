package lambda

import (
	"maps"
	"slices"
	"strings"
)

// The smaller operations: code signing (read side), event invoke config
// listing, recursion and runtime management configuration.

const cscPattern = `arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}`

// GetFunctionCodeSigningConfig answers that no code signing config is
// attached (the sandbox has none).
func (w *World) GetFunctionCodeSigningConfig(ref string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	return mustJSON(map[string]string{"CodeSigningConfigArn": "", "FunctionName": f.name}), nil
}

func validCSCArn(a string) bool {
	p := splitColon(a)
	if len(p) != 7 || p[0] != "arn" || p[2] != "lambda" || len(p[4]) != 12 || !isDigits(p[4]) || p[5] != "code-signing-config" {
		return false
	}
	id, ok := strings.CutPrefix(p[6], "csc-")
	if !ok || len(id) != 17 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ListFunctionsByCodeSigningConfig: no code signing configs exist, so any
// well-formed ARN is not found.
func (w *World) ListFunctionsByCodeSigningConfig(arn string) ([]byte, *Error) {
	if !validCSCArn(arn) {
		var v verrs
		v.pattern("codeSigningConfigArn", arn, cscPattern)
		return nil, v.err()
	}
	return nil, notFound("The resource you requested does not exist.")
}

// ListFunctionEventInvokeConfigs pages a function's async invoke configs.
func (w *World) ListFunctionEventInvokeConfigs(ref, marker string, maxItems int) ([]byte, *Error) {
	if maxItems > 50 {
		var v verrs
		v.rangeInt("maxItems", maxItems, 1, 50)
		return nil, v.err()
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(f.eventInvoke))
	items, next, err := pageKeys(keys, marker, pageSize(maxItems, 50), func(k string) []byte {
		return mustJSON(w.eventInvokeOut(f, k, f.eventInvoke[k]))
	})
	if err != nil {
		return nil, err
	}
	return appendList("FunctionEventInvokeConfigs", items, next), nil
}

// GetFunctionRecursionConfig returns RecursiveLoop (Terminate by default).
func (w *World) GetFunctionRecursionConfig(ref string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.unqualified(ref)
	if err != nil {
		return nil, err
	}
	return mustJSON(map[string]string{"RecursiveLoop": orDefault(f.recursion, "Terminate")}), nil
}

// PutFunctionRecursionConfig sets RecursiveLoop.
func (w *World) PutFunctionRecursionConfig(ref string, loop *string) ([]byte, *Error) {
	var v verrs
	if loop == nil {
		v.null("recursiveLoop")
	} else if *loop != "Allow" && *loop != "Terminate" {
		v.enum("recursiveLoop", *loop, []string{"Allow", "Terminate"})
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.unqualified(ref)
	if err != nil {
		return nil, err
	}
	f.recursion = *loop
	return mustJSON(map[string]string{"RecursiveLoop": *loop}), nil
}

func (w *World) unqualified(ref string) (*function, *Error) {
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, err
	}
	if q != "" {
		var v verrs
		v.pattern("functionName", ref, `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)`)
		return nil, v.err()
	}
	return f, nil
}

type runtimeMgmt struct {
	updateOn   string
	versionARN string
}

type runtimeMgmtIn struct {
	UpdateRuntimeOn   *string `json:"UpdateRuntimeOn"`
	RuntimeVersionArn string  `json:"RuntimeVersionArn"`
}

// GetRuntimeManagementConfig returns the runtime update mode (Auto by default).
func (w *World) GetRuntimeManagementConfig(ref, qualifier string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, _, q, _, err := w.resolve(ref, qualifier)
	if err != nil {
		return nil, err
	}
	key := orDefault(q, "$LATEST")
	m := f.runtimeMgmt[key]
	out := map[string]string{"UpdateRuntimeOn": "Auto", "FunctionArn": f.arn + qualSuffix(q)}
	if m.updateOn != "" {
		out["UpdateRuntimeOn"] = m.updateOn
	}
	if m.versionARN != "" {
		out["RuntimeVersionArn"] = m.versionARN
	}
	return mustJSON(out), nil
}

// PutRuntimeManagementConfig sets the runtime update mode.
func (w *World) PutRuntimeManagementConfig(ref, qualifier string, in *runtimeMgmtIn) ([]byte, *Error) {
	var v verrs
	if in.UpdateRuntimeOn == nil {
		v.null("updateRuntimeOn")
	} else if u := *in.UpdateRuntimeOn; u != "Auto" && u != "Manual" && u != "FunctionUpdate" {
		v.enum("updateRuntimeOn", u, []string{"Auto", "Manual", "FunctionUpdate"})
	}
	if a := in.RuntimeVersionArn; a != "" {
		p := splitColon(a)
		if len(a) < 26 || len(a) > 2048 || len(p) < 7 || p[0] != "arn" || p[2] != "lambda" || p[4] != "" || p[5] != "runtime" {
			v.pattern("runtimeVersionArn", a, `arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}::runtime:.+`)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if *in.UpdateRuntimeOn == "Manual" && in.RuntimeVersionArn == "" {
		return nil, invalidParam("RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual.")
	}
	if *in.UpdateRuntimeOn != "Manual" && in.RuntimeVersionArn != "" {
		return nil, invalidParam("RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual.")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f, _, q, _, err := w.resolve(ref, qualifier)
	if err != nil {
		return nil, err
	}
	if f.latest.cfg.PackageType == "Image" {
		return nil, invalidParam("Runtime management configuration is not supported for functions with the Image package type.")
	}
	if f.runtimeMgmt == nil {
		f.runtimeMgmt = map[string]runtimeMgmt{}
	}
	f.runtimeMgmt[orDefault(q, "$LATEST")] = runtimeMgmt{updateOn: *in.UpdateRuntimeOn, versionARN: in.RuntimeVersionArn}
	out := map[string]string{"UpdateRuntimeOn": *in.UpdateRuntimeOn, "FunctionArn": f.arn + qualSuffix(q)}
	if in.RuntimeVersionArn != "" {
		out["RuntimeVersionArn"] = in.RuntimeVersionArn
	}
	return mustJSON(out), nil
}

// ErrInvokeAsyncAccepted is InvokeAsync's answer body.
var invokeAsyncBody = []byte(`{"Status":202}`)
