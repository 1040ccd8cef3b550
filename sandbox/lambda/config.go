package lambda

import (
	"encoding/json"
	"time"
)

func (w *World) configOf(f *function, v *version, arn string, now time.Time) FunctionConfiguration {
	c := &v.cfg
	fc := FunctionConfiguration{
		FunctionName:     f.name,
		FunctionArn:      arn,
		Runtime:          c.Runtime,
		Role:             c.Role,
		Handler:          c.Handler,
		CodeSize:         c.CodeSize,
		Description:      c.Description,
		Timeout:          c.TimeoutSec,
		MemorySize:       c.MemoryMB,
		LastModified:     LambdaTime(v.lastModified),
		CodeSha256:       c.CodeSHA256,
		Version:          v.num,
		KMSKeyArn:        c.KMSKeyARN,
		TracingConfig:    tracingJSON{Mode: orDefault(c.TracingMode, "PassThrough")},
		RevisionId:       v.revision,
		State:            "Active",
		LastUpdateStatus: "Successful",
		PackageType:      orDefault(c.PackageType, "Zip"),
		Architectures:    []string{orDefault(c.Architecture, "x86_64")},
		EphemeralStorage: ephemeralJSON{Size: orInt(c.EphemeralMB, 512)},
		SnapStart:        snapStartJSON{ApplyOn: orDefault(c.SnapStart, "None"), OptimizationStatus: "Off"},
		LoggingConfig: loggingJSON{
			LogFormat:           orDefault(c.Logging.LogFormat, "Text"),
			LogGroup:            orDefault(c.Logging.LogGroup, "/aws/lambda/"+f.name),
			ApplicationLogLevel: c.Logging.ApplicationLogLevel,
			SystemLogLevel:      c.Logging.SystemLogLevel,
		},
	}
	if c.SnapStart == "PublishedVersions" && v.num != "$LATEST" {
		fc.SnapStart.OptimizationStatus = "On"
	}
	if c.VPC != nil {
		fc.VpcConfig = &vpcJSON{SubnetIds: nonNil(c.VPC.SubnetIDs), SecurityGroupIds: nonNil(c.VPC.SecurityGroupIDs), VpcId: c.VPC.VPCID}
	}
	if c.DLQTarget != "" {
		fc.DeadLetterConfig = &dlqJSON{TargetArn: c.DLQTarget}
	}
	if len(c.Env) > 0 {
		fc.Environment = &envJSON{Variables: c.Env}
	}
	for _, l := range c.Layers {
		fc.Layers = append(fc.Layers, layerJSON{Arn: l.ARN, CodeSize: l.CodeSize})
	}
	if c.PackageType == "Image" {
		fc.Runtime, fc.Handler = "", ""
		fc.ImageConfigResponse = &imageConfigResponseJSON{}
		if im := c.Image; im != nil {
			fc.ImageConfigResponse.ImageConfig = &imageConfigJSON{EntryPoint: im.EntryPoint, Command: im.Command, WorkingDirectory: im.WorkingDirectory}
		}
	}
	if v.num == "$LATEST" {
		if now.Before(f.pendingTil) {
			fc.State = "Pending"
			fc.StateReason = "The function is being created."
			fc.StateReasonCode = "Creating"
			fc.LastUpdateStatus = ""
		} else if now.Before(f.updateTil) {
			fc.LastUpdateStatus = "InProgress"
			fc.LastUpdateStatusReason = "The function is being updated."
			fc.LastUpdateStatusCode = "Updating"
		}
	}
	return fc
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orInt(n, d int) int {
	if n == 0 {
		return d
	}
	return n
}

// configJSON returns the FunctionConfiguration JSON of v, cached while the
// function is settled (caller holds mu for reading).
func (w *World) configJSON(f *function, v *version, qualified bool, now time.Time) []byte {
	b, _ := w.configJSONSettled(f, v, qualified, now)
	return b
}

// configJSONSettled also reports whether the JSON is stable until the next
// mutation (false while the function is Pending or being updated).
func (w *World) configJSONSettled(f *function, v *version, qualified bool, now time.Time) ([]byte, bool) {
	i := 0
	if qualified {
		i = 1
	}
	if p := v.cache[i].Load(); p != nil {
		return *p, true
	}
	arn := f.arn
	if qualified {
		arn += ":" + v.num
	}
	b, _ := json.Marshal(w.configOf(f, v, arn, now))
	settled := v.num != "$LATEST" || (!now.Before(f.pendingTil) && !now.Before(f.updateTil))
	if settled {
		v.cache[i].Store(&b)
	}
	return b, settled
}
