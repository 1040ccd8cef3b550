package fake

import (
	"context"
	"sort"

	"github.com/lambdaops/lambdaops/model"
)

// ActiveDeployments returns the running deployments among Deploys.
func (s *Session) ActiveDeployments(ctx context.Context) ([]model.Deployment, error) {
	s.count("ActiveDeployments")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.DeployErr != nil {
		return nil, s.DeployErr
	}
	var out []model.Deployment
	for _, d := range s.Deploys {
		if d.Active() {
			out = append(out, d)
		}
	}
	return out, nil
}

// DeploymentFor returns the running deployment on function:alias.
func (s *Session) DeploymentFor(ctx context.Context, function, alias string) (model.Deployment, bool, error) {
	s.count("DeploymentFor")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.DeployErr != nil {
		return model.Deployment{}, false, s.DeployErr
	}
	for _, d := range s.Deploys {
		if d.Active() && d.Function == function && d.Alias == alias {
			return d, true, nil
		}
	}
	return model.Deployment{}, false, nil
}

// DeploymentHistory returns the function's deployments, newest first.
func (s *Session) DeploymentHistory(ctx context.Context, function string, limit int) ([]model.Deployment, error) {
	s.count("DeploymentHistory")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.DeployErr != nil {
		return nil, s.DeployErr
	}
	var out []model.Deployment
	for _, d := range s.Deploys {
		if d.Function == function {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// StopDeployment marks the deployment Stopped (journaled like a mutation).
func (s *Session) StopDeployment(ctx context.Context, d model.Deployment, rollback bool) error {
	op := "StopDeployment"
	if rollback {
		op = "StopDeployment+rollback"
	}
	if err := s.mutate(op, d.Target()); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.Deploys {
		if s.Deploys[i].ID == d.ID {
			s.Deploys[i].Status, s.Deploys[i].ErrorCode = "Stopped", "MANUAL_STOP"
		}
	}
	return nil
}
