package common

import (
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
)

// Deployments is CodeDeploy as the panes reach it: the session behind
// Fleet, when it offers awsapi.Deployments (every awsapi.Session does; a
// bare Fleet in a test may not), else nil.
func (d Deps) Deployments() awsapi.Deployments {
	if x, ok := d.Fleet.(awsapi.Deployments); ok {
		return x
	}
	return nil
}

// KeyClaimer is a pane that, for now, wants a key its host would otherwise
// take (the cockpit claims R, the host's reserved-concurrency key, while a
// CodeDeploy deployment owns the selected alias).
type KeyClaimer interface{ ClaimsKey(k tea.KeyPressMsg) bool }
