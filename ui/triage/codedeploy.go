package triage

import (
	"context"
	"fmt"
	"strings"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

// activeDeployments reads the region's running CodeDeploy deployments (one
// cached read in the aws layer); none when CodeDeploy is not available.
func activeDeployments(ctx context.Context, cd awsapi.Deployments) []model.Deployment {
	if cd == nil {
		return nil
	}
	ds, err := cd.ActiveDeployments(ctx)
	if err != nil {
		return nil // the board works without CodeDeploy (moto lacks it for Lambda)
	}
	return ds
}

func (m *Model) setDeploying(ds []model.Deployment) {
	m.deploying = map[string][]model.Deployment{}
	for _, d := range ds {
		m.deploying[d.Function] = append(m.deploying[d.Function], d)
	}
}

// deployNote is "CodeDeploy d-… in progress on preview (7→8 10%)" for a
// function with a running deployment, else "".
func (m *Model) deployNote(f model.Function) string {
	var out []string
	for _, d := range m.deploying[f.Name] {
		if !samePair(d, f) {
			continue
		}
		out = append(out, fmt.Sprintf("CodeDeploy %s in progress on %s (%s→%s %g%%)", d.ID, d.Alias, d.CurrentVersion, d.TargetVersion, d.TargetWeight))
	}
	return strings.Join(out, "; ")
}

// Deploying reports the function's note (tests).
func (m *Model) Deploying(fn string) string { return m.deployNote(model.Function{Name: fn}) }
