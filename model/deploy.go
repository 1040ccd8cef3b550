package model

import (
	"fmt"
	"strings"
	"time"
)

// DeployRouting is a CodeDeploy deployment config's traffic routing.
type DeployRouting struct {
	Type     string // TimeBasedCanary | TimeBasedLinear | AllAtOnce ("" unknown)
	Percent  int    // canary or linear step, percent
	Interval int    // minutes between steps
}

// String is "canary 10% then the rest after 5m", "linear 10% every 10m", "all at once".
func (r DeployRouting) String() string {
	switch r.Type {
	case "TimeBasedCanary":
		return fmt.Sprintf("canary %d%%, the rest after %dm", r.Percent, r.Interval)
	case "TimeBasedLinear":
		return fmt.Sprintf("linear %d%% every %dm", r.Percent, r.Interval)
	case "AllAtOnce":
		return "all at once"
	}
	return "routing unknown"
}

// DeployEvent is one lifecycle event of a deployment's target.
type DeployEvent struct {
	Name, Status string
	Start, End   time.Time
	Message      string
}

// Deployment is a CodeDeploy deployment of a Lambda alias.
type Deployment struct {
	ID, Application, Group, Config string
	Routing                        DeployRouting
	Status                         string // Created | Queued | InProgress | Baking | Ready | Succeeded | Failed | Stopped
	Creator                        string // user | codeDeployRollback | CloudFormation | …
	Description                    string

	Function, Alias               string
	CurrentVersion, TargetVersion string
	// Account and Region of the deployment's function, set by a session
	// over several pairs (the same name may be two functions); "" otherwise.
	Account, Region string
	TargetWeight    float64 // percent of the alias's traffic on the target version
	TargetStatus    string

	Created, Started, Completed time.Time

	ErrorCode, ErrorMessage string
	RollbackID              string // the deployment that rolled this one back
	RollbackOf              string // the deployment this one rolls back
	RollbackMessage         string

	Alarms         []string // the group's (or the override's) alarms
	AlarmsEnabled  bool
	AutoRollback   bool
	RollbackEvents []string

	Events []DeployEvent
}

// Target is "function:alias".
func (d Deployment) Target() string { return d.Function + ":" + d.Alias }

// Active reports whether the deployment is still running (it owns the alias).
func (d Deployment) Active() bool {
	switch d.Status {
	case "Created", "Queued", "InProgress", "Baking", "Ready":
		return true
	}
	return false
}

// IsRollback reports whether CodeDeploy created this deployment to roll another back.
func (d Deployment) IsRollback() bool {
	return d.Creator == "codeDeployRollback" || d.Creator == "CloudFormationRollback" || d.RollbackOf != ""
}

// RolledBack reports whether this deployment was rolled back.
func (d Deployment) RolledBack() bool { return d.RollbackID != "" }

// Steps returns the weights the config applies after the start.
func (r DeployRouting) Steps() []DeployStep {
	iv := time.Duration(r.Interval) * time.Minute
	switch r.Type {
	case "TimeBasedCanary":
		return []DeployStep{{0, float64(r.Percent)}, {iv, 100}}
	case "TimeBasedLinear":
		if r.Percent <= 0 {
			return nil
		}
		var out []DeployStep
		for i := 0; i <= 100; i++ {
			w := float64(r.Percent * (i + 1))
			if w >= 100 {
				return append(out, DeployStep{time.Duration(i) * iv, 100})
			}
			out = append(out, DeployStep{time.Duration(i) * iv, w})
		}
		return out
	case "AllAtOnce":
		return []DeployStep{{0, 100}}
	}
	return nil
}

// DeployStep is one traffic shift of a deployment: at After from the start,
// Weight percent goes to the target version.
type DeployStep struct {
	After  time.Duration
	Weight float64
}

// NextStep is the next shift of a running deployment (ok false when the
// routing is unknown, the deployment is not running or no step is left).
func (d Deployment) NextStep(now time.Time) (at time.Time, weight float64, ok bool) {
	if d.Status != "InProgress" || d.Started.IsZero() {
		return time.Time{}, 0, false
	}
	for _, s := range d.Routing.Steps() {
		if s.Weight <= d.TargetWeight {
			continue
		}
		t := d.Started.Add(s.After)
		if t.Before(now) {
			t = now // due now (CodeDeploy applies it within seconds)
		}
		return t, s.Weight, true
	}
	return time.Time{}, 0, false
}

// End is when the deployment will have shifted all traffic, as configured.
func (d Deployment) End() (time.Time, bool) {
	steps := d.Routing.Steps()
	if len(steps) == 0 || d.Started.IsZero() {
		return time.Time{}, false
	}
	return d.Started.Add(steps[len(steps)-1].After), true
}

// CausingAlarms are the alarms named in an ALARM_ACTIVE error ("Activated
// alarms: <a, b>"), or none.
func (d Deployment) CausingAlarms() []string {
	if d.ErrorCode != "ALARM_ACTIVE" {
		return nil
	}
	msg := d.ErrorMessage
	i := strings.Index(msg, "<")
	j := strings.LastIndex(msg, ">")
	if i < 0 || j <= i {
		return nil
	}
	var out []string
	for _, n := range strings.Split(msg[i+1:j], ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Outcome is a short word for the history: "succeeded", "failed (alarm x)",
// "stopped", "alarm x, rolled back", "running 30%".
func (d Deployment) Outcome() string {
	switch {
	case d.Active():
		return fmt.Sprintf("running %g%%", d.TargetWeight)
	case d.RolledBack(): // the cause first: a narrow column keeps it
		why := strings.ToLower(d.Status)
		if a := d.CausingAlarms(); len(a) > 0 {
			why = "alarm " + strings.Join(a, ", ")
		} else if d.ErrorCode == "MANUAL_STOP" {
			why = "stopped"
		}
		return why + ", rolled back"
	case d.Status == "Failed" && len(d.CausingAlarms()) > 0:
		return "failed (alarm " + strings.Join(d.CausingAlarms(), ", ") + ")"
	}
	return strings.ToLower(d.Status)
}

// DeploymentGuard is the explanation shown when a weight key is refused
// because a CodeDeploy deployment owns the alias.
func (d Deployment) DeploymentGuard() string {
	return fmt.Sprintf("CodeDeploy deployment %s owns %s (%s → %s); a change by hand would fail it: S stops it, R stops and rolls back",
		d.ID, d.Target(), d.CurrentVersion, d.TargetVersion)
}
