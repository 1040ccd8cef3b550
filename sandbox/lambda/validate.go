package lambda

import (
	"strings"

	"github.com/lambdaops/lambdaops/model"
)

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
