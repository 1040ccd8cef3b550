package aws

import (
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdaops/lambdaops/model"
)

// lambdaTime parses FunctionConfiguration.LastModified ("2026-01-02T03:04:05.000+0000").
func lambdaTime(s *string) time.Time {
	v := sdkaws.ToString(s)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano, time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

func i32(p *int32) int { return int(sdkaws.ToInt32(p)) }

// fnConfig is the subset of fields shared by FunctionConfiguration and the
// PublishVersion output.
func functionFrom(c *ltypes.FunctionConfiguration) model.Function {
	if c == nil {
		return model.Function{}
	}
	f := model.Function{
		Name:             sdkaws.ToString(c.FunctionName),
		ARN:              sdkaws.ToString(c.FunctionArn),
		Runtime:          string(c.Runtime),
		Handler:          sdkaws.ToString(c.Handler),
		Role:             sdkaws.ToString(c.Role),
		Description:      sdkaws.ToString(c.Description),
		MemoryMB:         i32(c.MemorySize),
		TimeoutSec:       i32(c.Timeout),
		PackageType:      string(c.PackageType),
		CodeSize:         c.CodeSize,
		CodeSHA256:       sdkaws.ToString(c.CodeSha256),
		LastModified:     lambdaTime(c.LastModified),
		Version:          sdkaws.ToString(c.Version),
		State:            string(c.State),
		StateReason:      sdkaws.ToString(c.StateReason),
		LastUpdateStatus: string(c.LastUpdateStatus),
		RevisionID:       sdkaws.ToString(c.RevisionId),
		KMSKeyARN:        sdkaws.ToString(c.KMSKeyArn),
	}
	if len(c.Architectures) > 0 {
		f.Architecture = string(c.Architectures[0])
	} else {
		f.Architecture = "x86_64"
	}
	if c.EphemeralStorage != nil {
		f.EphemeralMB = i32(c.EphemeralStorage.Size)
	}
	for _, l := range c.Layers {
		f.Layers = append(f.Layers, model.Layer{ARN: sdkaws.ToString(l.Arn), CodeSize: l.CodeSize})
	}
	if v := c.VpcConfig; v != nil && sdkaws.ToString(v.VpcId) != "" {
		f.VPC = &model.VPCConfig{VPCID: sdkaws.ToString(v.VpcId), SubnetIDs: v.SubnetIds, SecurityGroupIDs: v.SecurityGroupIds}
	}
	if c.Environment != nil && len(c.Environment.Variables) > 0 {
		f.Env = c.Environment.Variables
	}
	if c.DeadLetterConfig != nil {
		f.DLQTarget = sdkaws.ToString(c.DeadLetterConfig.TargetArn)
	}
	if c.TracingConfig != nil {
		f.TracingMode = string(c.TracingConfig.Mode)
	}
	if c.SnapStart != nil {
		f.SnapStart = string(c.SnapStart.ApplyOn)
	}
	if l := c.LoggingConfig; l != nil {
		f.Logging = model.LoggingConfig{
			LogFormat:           string(l.LogFormat),
			LogGroup:            sdkaws.ToString(l.LogGroup),
			ApplicationLogLevel: string(l.ApplicationLogLevel),
			SystemLogLevel:      string(l.SystemLogLevel),
		}
	}
	model.MakeInert(&f) // escape sequences in data are shown, never interpreted
	return f
}

func versionFrom(c *ltypes.FunctionConfiguration) model.Version {
	f := functionFrom(c)
	return model.Version{
		Function:     f.Name,
		Version:      f.Version,
		Description:  f.Description,
		CodeSHA256:   f.CodeSHA256,
		LastModified: f.LastModified,
		Runtime:      f.Runtime,
		MemoryMB:     f.MemoryMB,
		TimeoutSec:   f.TimeoutSec,
		Role:         f.Role,
		DLQTarget:    f.DLQTarget,
		RevisionID:   f.RevisionID,
	}
}

func aliasFrom(function string, a *ltypes.AliasConfiguration) model.Alias {
	out := model.Alias{
		Function:    function,
		Name:        sdkaws.ToString(a.Name),
		ARN:         sdkaws.ToString(a.AliasArn),
		Version:     sdkaws.ToString(a.FunctionVersion),
		Description: sdkaws.ToString(a.Description),
		RevisionID:  sdkaws.ToString(a.RevisionId),
	}
	out.Routing = routingFrom(a.RoutingConfig)
	model.MakeInert(&out)
	return out
}

// functionNameFromARN returns the function name in a (possibly qualified) ARN.
func functionNameFromARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) >= 7 && parts[5] == "function" {
		return parts[6]
	}
	return arn
}

func esmFrom(m *ltypes.EventSourceMappingConfiguration) model.ESM {
	e := model.ESM{
		UUID:                 sdkaws.ToString(m.UUID),
		ARN:                  sdkaws.ToString(m.EventSourceMappingArn),
		FunctionARN:          sdkaws.ToString(m.FunctionArn),
		SourceARN:            sdkaws.ToString(m.EventSourceArn),
		State:                sdkaws.ToString(m.State),
		StateReason:          sdkaws.ToString(m.StateTransitionReason),
		BatchSize:            i32(m.BatchSize),
		BatchWindowSec:       i32(m.MaximumBatchingWindowInSeconds),
		StartingPosition:     string(m.StartingPosition),
		LastProcessingResult: sdkaws.ToString(m.LastProcessingResult),
	}
	e.Function = functionNameFromARN(e.FunctionARN)
	e.SourceType = model.SourceTypeFromARN(e.SourceARN)
	if m.LastModified != nil {
		e.LastModified = *m.LastModified
	}
	model.MakeInert(&e)
	return e
}

func provisionedFrom(function, qualifier string, req, avail, alloc *int32, status, reason string, modified *string) model.ProvisionedConfig {
	return model.ProvisionedConfig{
		Function:     function,
		Qualifier:    qualifier,
		Requested:    i32(req),
		Available:    i32(avail),
		Allocated:    i32(alloc),
		Status:       status,
		StatusReason: reason,
		LastModified: lambdaTime(modified),
	}
}

// qualifierFromARN returns the qualifier of a qualified function ARN.
func qualifierFromARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) >= 8 {
		return parts[7]
	}
	return ""
}

func routingFrom(r *ltypes.AliasRoutingConfiguration) model.Routing {
	if r == nil {
		return model.Routing{}
	}
	for v, w := range r.AdditionalVersionWeights {
		return model.Routing{AdditionalVersion: v, Weight: w}
	}
	return model.Routing{}
}
