// Package deploytext is how every pane words a CodeDeploy deployment: its
// config, who created it, a lifecycle event's status. The cockpit's banner,
// the Deployments tab and ":canaries" use it, so they say the same thing.
package deploytext

import (
	"fmt"
	"strings"
)

// Config drops CodeDeploy's "CodeDeployDefault." prefix:
// LambdaCanary10Percent5Minutes.
func Config(c string) string { return strings.TrimPrefix(c, "CodeDeployDefault.") }

// ShortConfig turns CodeDeployDefault.LambdaCanary10Percent5Minutes into
// Canary10%/5m (and Linear…Every… into Linear10%/10m); other configs lose
// their prefixes only.
func ShortConfig(c string) string {
	s := strings.TrimPrefix(Config(c), "Lambda")
	var p, iv int
	switch {
	case strings.HasPrefix(s, "Canary"):
		if n, _ := fmt.Sscanf(s, "Canary%dPercent%dMinute", &p, &iv); n == 2 {
			return fmt.Sprintf("Canary%d%%/%dm", p, iv)
		}
	case strings.HasPrefix(s, "Linear"):
		if n, _ := fmt.Sscanf(s, "Linear%dPercentEvery%dMinute", &p, &iv); n == 2 {
			return fmt.Sprintf("Linear%d%%/%dm", p, iv)
		}
	}
	return s
}

// Creator names who created a deployment, in a sentence ("by CodeDeploy
// (rollback)").
func Creator(c string) string {
	switch c {
	case "codeDeployRollback":
		return "CodeDeploy (rollback)"
	case "":
		return "unknown"
	}
	return c
}

// CreatorShort is Creator for a narrow column: rollback, CFN, CFN-rb.
func CreatorShort(c string) string {
	switch c {
	case "codeDeployRollback":
		return "rollback"
	case "CloudFormation":
		return "CFN"
	case "CloudFormationRollback":
		return "CFN-rb"
	}
	return c
}

// EventMark is a lifecycle event's status as a mark: ✓, ✗, … or a word.
func EventMark(s string) string {
	switch s {
	case "Succeeded":
		return "✓"
	case "Failed":
		return "✗"
	case "InProgress":
		return "…"
	case "Skipped":
		return "skipped"
	}
	return strings.ToLower(s)
}
