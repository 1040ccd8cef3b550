package lambda

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

//go:generate go run gen_runtimes.go

// runtimeSet is the SDK's Runtime enum (runtimes_gen.go).
var runtimeSet = func() map[string]bool {
	m := make(map[string]bool, len(sdkRuntimes))
	for _, r := range sdkRuntimes {
		m[r] = true
	}
	return m
}()

var runtimeEnumList = "[" + strings.Join(sdkRuntimes, ", ") + "]"

// verrs collects model-level constraint violations, reported together as
// one ValidationException in AWS's wording ("2 validation errors
// detected: ...; ...").
type verrs []string

func (v *verrs) add(format string, a ...any) { *v = append(*v, fmt.Sprintf(format, a...)) }

func (v *verrs) enum(field, val string, set []string) {
	v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", clip(val, 200), field, strings.Join(set, ", "))
}

func (v *verrs) pattern(field, val, pat string) {
	v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", clip(val, 200), field, pat)
}

func (v *verrs) null(field string) {
	v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

func (v *verrs) rangeInt(field string, n, min, max int) {
	switch {
	case n < min:
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", n, field, min)
	case max > 0 && n > max:
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", n, field, max)
	}
}

func (v *verrs) length(field, val string, min, max int) {
	switch {
	case len(val) < min:
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", clip(val, 200), field, min)
	case len(val) > max:
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", clip(val, 200), field, max)
	}
}

func (v verrs) err() *Error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return validation("1 validation error detected: %s", v[0])
	}
	return validation("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

const (
	rolePattern  = `arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`
	layerPattern = `arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`
)

var archEnum = []string{"x86_64", "arm64"}

func validRole(r string) bool {
	// arn:aws[a-zA-Z-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
	p := splitColon(r)
	return len(p) == 6 && p[0] == "arn" && strings.HasPrefix(p[1], "aws") && p[2] == "iam" && p[3] == "" &&
		len(p[4]) == 12 && isDigits(p[4]) && strings.HasPrefix(p[5], "role/") && len(p[5]) > 5
}

// roleAccount is the account of a valid role ARN.
func roleAccount(r string) string { return splitColon(r)[4] }

// checkRole validates a role (pattern, then the account).
func (w *World) checkRole(v *verrs, role *string) {
	if role != nil && !validRole(*role) {
		v.pattern("role", *role, rolePattern)
	}
}

func (w *World) crossAccountRole(role string) *Error {
	if !w.lenience.CrossAccountRoles && roleAccount(role) != w.account {
		return errf(403, "AccessDeniedException", "Cross-account pass role is not allowed.")
	}
	return nil
}

// memTimeout checks the model's ranges (ValidationException); AWS's tighter
// service limits are semantic (semanticMemTimeout).
func memTimeout(v *verrs, mem, timeout *int) {
	if mem != nil {
		v.rangeInt("memorySize", *mem, 128, 32768)
	}
	if timeout != nil {
		v.rangeInt("timeout", *timeout, 1, 0)
	}
}

func semanticMemTimeout(mem, timeout *int) *Error {
	if mem != nil && *mem > 10240 {
		return invalidParam("'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 10240")
	}
	if timeout != nil && *timeout > 900 {
		return invalidParam("Timeout value %d exceeds the maximum allowed value of 900 seconds.", *timeout)
	}
	return nil
}

// checkMemTimeout is the model check and then the semantic one.
func checkMemTimeout(mem, timeout *int) *Error {
	var v verrs
	memTimeout(&v, mem, timeout)
	if err := v.err(); err != nil {
		return err
	}
	return semanticMemTimeout(mem, timeout)
}

func architectures(v *verrs, a []string) {
	if a == nil {
		return
	}
	if len(a) != 1 {
		v.add("Value '[%s]' at 'architectures' failed to satisfy constraint: Member must have length %s", clip(strings.Join(a, ", "), 200), map[bool]string{true: "greater than or equal to 1", false: "less than or equal to 1"}[len(a) == 0])
		return
	}
	if a[0] != "x86_64" && a[0] != "arm64" {
		v.add("Value '[%s]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]", clip(a[0], 200))
	}
}

func runtimeEnum(v *verrs, rt string) {
	if rt != "" && !runtimeSet[rt] {
		v.add("Value '%s' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: %s", clip(rt, 200), runtimeEnumList)
	}
}

// runtimeBlocked refuses a runtime past its block date (create or update).
func (w *World) runtimeBlocked(rt string, creating bool, now time.Time) *Error {
	if w.lenience.BlockedRuntimes {
		return nil
	}
	l, ok := model.RuntimeInfo(rt)
	if !ok {
		return nil
	}
	ph := l.Phase(now)
	if ph == model.RuntimeUpdateBlocked || (creating && ph == model.RuntimeCreateBlocked) {
		next := l.Successor
		if next == "" {
			next = "a supported runtime"
		}
		return invalidParam("The runtime parameter of %s is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (%s) while creating or updating functions.", rt, next)
	}
	return nil
}

func layerARNs(v *verrs, arns []string) {
	for _, a := range arns {
		if !validLayerVersionARN(a) {
			v.add("Value '[%s]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: %s]", clip(a, 200), layerPattern)
			return
		}
	}
}

func validLayerVersionARN(a string) bool {
	p := splitColon(a)
	return len(a) <= 140 && len(p) == 8 && p[0] == "arn" && p[1] != "" && p[2] == "lambda" && p[3] != "" &&
		len(p[4]) == 12 && isDigits(p[4]) && p[5] == "layer" && validName(p[6]) && isDigits(p[7])
}

// layersFrom resolves layer version ARNs against the world's layers (caller
// holds mu); a version that does not exist is refused as AWS does.
func (w *World) layersFrom(arns []string) ([]model.Layer, *Error) {
	if len(arns) > 5 {
		return nil, invalidParam("Cannot reference more than 5 layers.")
	}
	var out []model.Layer
	seen := map[string]bool{}
	for _, a := range arns {
		p := splitColon(a)
		key := p[4] + ":" + p[6]
		if seen[key] {
			return nil, invalidParam("Two different versions of the same layer are not allowed to be referenced in the same function. %s references more than one version.", p[6])
		}
		seen[key] = true
		lv := w.layerVersion(p[4], p[6], p[7])
		if lv == nil {
			if w.lenience.UnknownLayers {
				out = append(out, model.Layer{ARN: a, CodeSize: int64(len(a)) * 40960})
				continue
			}
			return nil, invalidParam("Layer version %s does not exist.", clip(a, 200))
		}
		out = append(out, model.Layer{ARN: a, CodeSize: lv.codeSize})
	}
	return out, nil
}

// checkZip refuses code that is not a zip archive, with AWS's message.
func (w *World) checkZip(b []byte) *Error {
	if w.lenience.AnyZip {
		return nil
	}
	if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err != nil {
		return invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	return nil
}
