package lambda

import (
	"encoding/json"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

func (w *World) busy(f *function, now time.Time) *Error {
	if now.Before(f.pendingTil) {
		return conflict("The operation cannot be performed at this time. The function is currently in the following state: Pending")
	}
	if now.Before(f.updateTil) {
		return conflict("The operation cannot be performed at this time. An update is in progress for resource: %s", f.arn)
	}
	return nil
}

// UpdateFunctionConfiguration changes $LATEST; LastUpdateStatus is
// InProgress for UpdateDelay and further changes meanwhile get 409.
func (w *World) UpdateFunctionConfiguration(ref string, in *updateConfigIn) ([]byte, *Error) {
	if err := checkMemTimeout(in.MemorySize, in.Timeout); err != nil {
		return nil, err
	}
	if in.Role != nil && !validRole(*in.Role) {
		return nil, validation("1 validation error detected: Value '%s' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", clip(*in.Role, 200))
	}
	if in.Runtime != nil && !runtimes[*in.Runtime] {
		return nil, invalidParam("Value %s at 'runtime' failed to satisfy constraint: Member must satisfy enum value set", clip(*in.Runtime, 50))
	}
	var layers []model.Layer
	if in.Layers != nil {
		var err *Error
		if layers, err = layersFrom(*in.Layers); err != nil {
			return nil, err
		}
	}
	if in.EphemeralStorage != nil && (in.EphemeralStorage.Size < 512 || in.EphemeralStorage.Size > 10240) {
		return nil, validation("1 validation error detected: Value '%d' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value between 512 and 10240", in.EphemeralStorage.Size)
	}
	if in.TracingConfig != nil && in.TracingConfig.Mode != "Active" && in.TracingConfig.Mode != "PassThrough" {
		return nil, validation("1 validation error detected: Value '%s' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]", clip(in.TracingConfig.Mode, 50))
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, err
	}
	if q != "" && q != "$LATEST" {
		return nil, invalidParam("Unsupported function name: %s. Only $LATEST can be updated.", clip(ref, 140))
	}
	if err := w.busy(f, now); err != nil {
		return nil, err
	}
	if in.RevisionId != "" && in.RevisionId != f.latest.revision {
		return nil, precondition("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	c := f.latest.cfg.clone()
	if in.Role != nil {
		c.Role = *in.Role
	}
	if in.Handler != nil {
		c.Handler = *in.Handler
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.Timeout != nil {
		c.TimeoutSec = *in.Timeout
	}
	if in.MemorySize != nil {
		c.MemoryMB = *in.MemorySize
	}
	if in.Runtime != nil {
		c.Runtime = *in.Runtime
	}
	if in.Environment != nil {
		c.Env = in.Environment.Variables
		if len(c.Env) == 0 {
			c.Env = nil
		}
	}
	if in.VpcConfig != nil {
		if len(in.VpcConfig.SubnetIds) == 0 {
			c.VPC = nil
		} else {
			c.VPC = &model.VPCConfig{VPCID: "vpc-0sandbox", SubnetIDs: in.VpcConfig.SubnetIds, SecurityGroupIDs: in.VpcConfig.SecurityGroupIds}
		}
	}
	if in.DeadLetterConfig != nil {
		c.DLQTarget = in.DeadLetterConfig.TargetArn
	}
	if in.TracingConfig != nil {
		c.TracingMode = in.TracingConfig.Mode
	}
	if in.KMSKeyArn != nil {
		c.KMSKeyARN = *in.KMSKeyArn
	}
	if in.Layers != nil {
		c.Layers = layers
	}
	if in.EphemeralStorage != nil {
		c.EphemeralMB = in.EphemeralStorage.Size
	}
	if in.LoggingConfig != nil {
		l := in.LoggingConfig
		if l.LogFormat != "" {
			c.Logging.LogFormat = l.LogFormat
		}
		if l.LogGroup != "" {
			c.Logging.LogGroup = l.LogGroup
		}
		if l.ApplicationLogLevel != "" {
			c.Logging.ApplicationLogLevel = l.ApplicationLogLevel
		}
		if l.SystemLogLevel != "" {
			c.Logging.SystemLogLevel = l.SystemLogLevel
		}
	}
	f.latest.cfg = c
	f.latest.lastModified = now
	f.latest.revision = w.uuid()
	f.latest.invalidate()
	w.mutations.Add(1)
	f.updateTil = now.Add(UpdateDelay)
	if w.hooks.Changed != nil {
		w.hooks.Changed(f.name)
	}
	b, _ := json.Marshal(w.configOf(f, f.latest, f.arn, now))
	return b, nil
}
