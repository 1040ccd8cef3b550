package awsapi

import (
	"context"

	"github.com/lambdaops/lambdaops/model"
)

// Deployments is CodeDeploy (Lambda compute platform) as the UI sees it:
// which deployment owns an alias, a function's deployment history, and
// stopping a deployment. Under an endpoint without CodeDeploy for Lambda
// (moto) every method returns an error matching ErrUnsupported.
type Deployments interface {
	// ActiveDeployments lists the region's running Lambda deployments, each
	// with the alias it shifts (cached for a few seconds).
	ActiveDeployments(ctx context.Context) ([]model.Deployment, error)
	// DeploymentFor is the running deployment that owns function:alias (ok
	// false when none does).
	DeploymentFor(ctx context.Context, function, alias string) (d model.Deployment, ok bool, err error)
	// DeploymentHistory lists the function's deployments, newest first, at
	// most limit of them.
	DeploymentHistory(ctx context.Context, function string, limit int) ([]model.Deployment, error)
	// StopDeployment stops d (StopDeployment with autoRollbackEnabled =
	// rollback). Refused with ErrReadOnly in read-only mode before any
	// request; journaled.
	StopDeployment(ctx context.Context, d model.Deployment, rollback bool) error
}
