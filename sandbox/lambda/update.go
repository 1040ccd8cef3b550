package lambda

import (
	"encoding/json"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// updateBlocked refuses updates of a function whose runtime is past its
// update-block date, when StrictRuntimeUpdates asks for AWS's rule.
func (w *World) updateBlocked(f *function, now time.Time) *Error {
	if !w.lenience.StrictRuntimeUpdates || f.latest.cfg.Runtime == "" {
		return nil
	}
	return w.runtimeBlocked(f.latest.cfg.Runtime, false, now)
}

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
	var v verrs
	runtimeEnum(&v, deref(in.Runtime))
	w.checkRole(&v, in.Role)
	memTimeout(&v, in.MemorySize, in.Timeout)
	if in.TracingConfig != nil && in.TracingConfig.Mode != "Active" && in.TracingConfig.Mode != "PassThrough" {
		v.enum("tracingConfig.mode", in.TracingConfig.Mode, []string{"Active", "PassThrough"})
	}
	if in.Layers != nil {
		layerARNs(&v, *in.Layers)
	}
	if in.EphemeralStorage != nil {
		v.rangeInt("ephemeralStorage.size", in.EphemeralStorage.Size, 512, 10240)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := semanticMemTimeout(in.MemorySize, in.Timeout); err != nil {
		return nil, err
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupLatest(ref)
	if err != nil {
		return nil, err
	}
	if in.Runtime != nil {
		if err := w.runtimeBlocked(*in.Runtime, false, now); err != nil {
			return nil, err
		}
	}
	if err := w.updateBlocked(f, now); err != nil {
		return nil, err
	}
	if in.Role != nil {
		if err := w.crossAccountRole(*in.Role); err != nil {
			return nil, err
		}
	}
	var layers []model.Layer
	if in.Layers != nil {
		if f.latest.cfg.PackageType == "Image" && len(*in.Layers) > 0 {
			return nil, invalidParam("Layers are not supported for functions with the Image package type.")
		}
		if layers, err = w.layersFrom(*in.Layers); err != nil {
			return nil, err
		}
	}
	if in.ImageConfig != nil && f.latest.cfg.PackageType != "Image" {
		return nil, invalidParam("ImageConfig is not supported for functions with the Zip package type.")
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
	if ic := in.ImageConfig; ic != nil {
		c.Image = &ImageConfig{EntryPoint: ic.EntryPoint, Command: ic.Command, WorkingDirectory: ic.WorkingDirectory}
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
