package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// A CodeDeploy deployment shifting one of a function's aliases owns the
// function: power tuning (which changes $LATEST's memory and publishes
// versions) refuses to start on it.
func init() { RegisterOwnerCheck(codeDeployOwner) }

// codeDeployOwner names the running CodeDeploy deployments of function
// ("CodeDeploy deployment d-… on preview (7→8)"), "" when none. An endpoint
// without CodeDeploy for Lambda (moto) has none; any other read failure
// refuses the run, since no deployment could be ruled out.
func codeDeployOwner(ctx context.Context, c *Client, function string) (string, error) {
	ds, err := c.ActiveDeployments(ctx)
	if errors.Is(err, ErrUnsupported) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("checking for a CodeDeploy deployment of %s: %w", function, err)
	}
	var out []string
	for _, d := range ds {
		if d.Function == function || d.Function == unqualifiedName(function) {
			out = append(out, fmt.Sprintf("CodeDeploy deployment %s on %s (%s→%s)", d.ID, d.Alias, d.CurrentVersion, d.TargetVersion))
		}
	}
	return strings.Join(out, ", "), nil
}

// unqualifiedName is a function's name from its name or ARN.
func unqualifiedName(fn string) string {
	if !strings.HasPrefix(fn, "arn:") {
		return fn
	}
	p := strings.Split(fn, ":")
	if len(p) >= 7 {
		return p[6]
	}
	return fn
}
