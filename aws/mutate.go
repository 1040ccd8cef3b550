package aws

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/lambdaops/lambdaops/model"
)

// MutationTimeout bounds a confirmed change once it has started.
const MutationTimeout = 2 * time.Minute

// detach lets a confirmed change run to its end even when the caller's
// context is cancelled: a pane closed or a view left right after "y" must
// not abandon a request the server may already have applied, leaving the
// journal to say it failed. Values (request-scoped settings) are kept; the
// change is bounded by MutationTimeout instead.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), MutationTimeout)
}

func reqID(md middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id
}

// guard refuses a mutation in read-only mode, before any network call.
func (c *Client) guard() error {
	if c.cfg.ReadOnly || c.ro.Load() {
		return ErrReadOnly
	}
	if c.unconfirmed() {
		// Opened from a remembered identity: a change waits (bounded) until
		// STS has said whose account this is, so its protection level and
		// its journal entry name the right one.
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := c.ensureValid(ctx); err != nil {
			var ac *AccountChangedError
			if !errors.As(err, &ac) {
				return err
			}
		}
	}
	if c.readOnly() {
		return ErrReadOnly
	}
	return nil
}

// WaitUpdated polls GetFunctionConfiguration until the function (or
// qualifier) is no longer Pending or InProgress, so that dependent changes
// (PublishVersion, alias updates) never hit ResourceConflictException.
// It returns the settled configuration; a Failed update is an error.
func (c *Client) WaitUpdated(ctx context.Context, function string) (model.Function, error) {
	delay := 250 * time.Millisecond
	for {
		out, err := c.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &function})
		if err != nil {
			return model.Function{}, c.classify(fmt.Errorf("waiting for %s: %w", function, err))
		}
		f := functionFrom(&ltypes.FunctionConfiguration{
			FunctionName: out.FunctionName, FunctionArn: out.FunctionArn, Version: out.Version,
			State: out.State, StateReason: out.StateReason, LastUpdateStatus: out.LastUpdateStatus,
			RevisionId: out.RevisionId, CodeSha256: out.CodeSha256, LastModified: out.LastModified,
		})
		switch {
		case f.LastUpdateStatus == string(ltypes.LastUpdateStatusFailed):
			return f, fmt.Errorf("the last update of %s failed: %s", function, sdkaws.ToString(out.LastUpdateStatusReason))
		case f.State == string(ltypes.StatePending) || f.LastUpdateStatus == string(ltypes.LastUpdateStatusInProgress):
			sleep := c.cfg.Sleep
			if sleep == nil {
				sleep = sleepCtx
			}
			if err := sleep(ctx, delay); err != nil {
				return f, err
			}
			delay = min(delay*2, time.Second)
		default:
			return f, nil
		}
	}
}

// PublishVersion waits for LastUpdateStatus=Successful, then publishes the
// configuration it saw (RevisionId sent, so a concurrent change fails
// instead of being published unseen).
func (c *Client) PublishVersion(ctx context.Context, function, description string) (model.Version, error) {
	if err := c.guard(); err != nil {
		return model.Version{}, err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "PublishVersion", Target: function}
	e.Run = RunOf(ctx)
	cur, err := c.WaitUpdated(ctx, function)
	if err != nil {
		c.record(e, err)
		return model.Version{}, err
	}
	e.RevisionBefore = cur.RevisionID
	in := &lambda.PublishVersionInput{FunctionName: &function, RevisionId: sdkaws.String(cur.RevisionID)}
	if description != "" {
		in.Description = &description
	}
	if cur.CodeSHA256 != "" {
		in.CodeSha256 = sdkaws.String(cur.CodeSHA256)
	}
	e.Function = function
	existed := c.versionSet(ctx, function)
	e.Before = map[string]any{"latestVersion": newestOf(existed)}
	e.Request = map[string]any{"function": function, "description": description, "revisionId": cur.RevisionID}
	if e, err = c.intent(e); err != nil {
		return model.Version{}, err
	}
	out, err := c.lambda.PublishVersion(ctx, in)
	if err != nil && errCode(err) == "ResourceConflictException" {
		// An update started after our wait (someone else): wait again, once,
		// and publish only if the configuration is still the one we saw.
		if again, werr := c.WaitUpdated(ctx, function); werr == nil && again.RevisionID == cur.RevisionID {
			out, err = c.lambda.PublishVersion(ctx, in)
		}
	}
	if err != nil {
		err = c.classify(fmt.Errorf("publishing %s: %w", function, err))
		c.record(e, err)
		return model.Version{}, err
	}
	v := versionFrom(&ltypes.FunctionConfiguration{
		FunctionName: out.FunctionName, Version: out.Version, Description: out.Description,
		CodeSha256: out.CodeSha256, LastModified: out.LastModified, Runtime: out.Runtime,
		MemorySize: out.MemorySize, Timeout: out.Timeout, Role: out.Role, RevisionId: out.RevisionId,
		DeadLetterConfig: out.DeadLetterConfig,
	})
	if v.Function == "" {
		v.Function = function
	}
	e.After = map[string]any{"version": v.Version}
	// Lambda answers an unchanged $LATEST with the version that already
	// holds it: nothing was published, and the description was not used.
	if existed[v.Version] {
		v.Reused = true
		e.After["unchanged"] = true
	}
	e.RevisionAfter = v.RevisionID
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return v, nil
}

func routingConfig(r model.Routing) *ltypes.AliasRoutingConfiguration {
	if !r.Active() {
		// An empty map clears any routing on the alias.
		return &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{}}
	}
	return &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{r.AdditionalVersion: r.Weight}}
}

func aliasState(a model.Alias) map[string]any {
	m := map[string]any{"version": a.Version}
	if a.Routing.Active() {
		m["additionalVersion"] = a.Routing.AdditionalVersion
		m["weight"] = a.Routing.Weight
	}
	return m
}

// CreateAlias creates an alias (optionally with routing).
func (c *Client) CreateAlias(ctx context.Context, a model.Alias) (model.Alias, error) {
	if err := c.guard(); err != nil {
		return model.Alias{}, err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "CreateAlias", Target: a.Function + ":" + a.Name}
	e.Run = RunOf(ctx)
	in := &lambda.CreateAliasInput{FunctionName: &a.Function, Name: &a.Name, FunctionVersion: &a.Version}
	if a.Description != "" {
		in.Description = &a.Description
	}
	if a.Routing.Active() {
		in.RoutingConfig = routingConfig(a.Routing)
	}
	e.Function = a.Function
	e.Before = map[string]any{"exists": false}
	e.Request = aliasState(a)
	var jerr error
	if e, jerr = c.intent(e); jerr != nil {
		return model.Alias{}, jerr
	}
	out, err := c.lambda.CreateAlias(ctx, in)
	if err != nil {
		err = c.classify(fmt.Errorf("creating alias %s:%s: %w", a.Function, a.Name, err))
		c.record(e, err)
		return model.Alias{}, err
	}
	got := model.Alias{
		Function: a.Function, Name: sdkaws.ToString(out.Name), ARN: sdkaws.ToString(out.AliasArn),
		Version: sdkaws.ToString(out.FunctionVersion), Description: sdkaws.ToString(out.Description),
		RevisionID: sdkaws.ToString(out.RevisionId), Routing: routingFrom(out.RoutingConfig),
	}
	e.After = aliasState(got)
	e.RevisionAfter = got.RevisionID
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return got, nil
}

// UpdateAlias points the alias at version with routing, but only if it is
// still what the caller read (current.RevisionID). The alias is re-read
// first, so a change made elsewhere is reported even by endpoints that do
// not enforce RevisionId; the write itself carries RevisionId, so a change
// that lands in between is refused by Lambda (412) and reported the same
// way: *ConflictError with the alias as it now is. Nothing is overwritten.
func (c *Client) UpdateAlias(ctx context.Context, current model.Alias, version string, routing model.Routing) (model.Alias, error) {
	if err := c.guard(); err != nil {
		return model.Alias{}, err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	target := current.Function + ":" + current.Name
	e := model.JournalEntry{Action: "UpdateAlias", Target: target, RevisionBefore: current.RevisionID,
		Before: aliasState(current)}
	if current.RevisionID == "" {
		err := errors.New("UpdateAlias needs the alias's RevisionId: read the alias first")
		return model.Alias{}, err
	}
	now, err := c.GetAlias(ctx, current.Function, current.Name)
	if err != nil {
		c.record(e, err)
		return model.Alias{}, err
	}
	// Content is compared too: some emulators keep the RevisionId unchanged.
	if now.RevisionID != current.RevisionID || now.Version != current.Version || now.Routing != current.Routing {
		cerr := &ConflictError{Current: now}
		c.record(e, cerr)
		return model.Alias{}, cerr
	}
	e.Function = current.Function
	e.Request = aliasState(model.Alias{Version: version, Routing: routing})
	if e, err = c.intent(e); err != nil {
		return model.Alias{}, err
	}
	out, err := c.lambda.UpdateAlias(ctx, &lambda.UpdateAliasInput{
		FunctionName:    &current.Function,
		Name:            &current.Name,
		FunctionVersion: &version,
		RoutingConfig:   routingConfig(routing),
		RevisionId:      sdkaws.String(current.RevisionID),
	})
	if err != nil {
		var pf *ltypes.PreconditionFailedException
		if errors.As(err, &pf) || errCode(err) == "PreconditionFailedException" {
			latest, gerr := c.GetAlias(ctx, current.Function, current.Name)
			if gerr != nil {
				latest = current
			}
			cerr := &ConflictError{Current: latest}
			e.RequestID = requestIDOf(err)
			c.record(e, cerr)
			return model.Alias{}, cerr
		}
		err = c.classify(fmt.Errorf("updating alias %s: %w", target, err))
		c.record(e, err)
		return model.Alias{}, err
	}
	got := model.Alias{
		Function: current.Function, Name: sdkaws.ToString(out.Name), ARN: sdkaws.ToString(out.AliasArn),
		Version: sdkaws.ToString(out.FunctionVersion), Description: sdkaws.ToString(out.Description),
		RevisionID: sdkaws.ToString(out.RevisionId), Routing: routingFrom(out.RoutingConfig),
	}
	e.After = aliasState(got)
	e.RevisionAfter = got.RevisionID
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return got, nil
}

// PutReserved sets reserved concurrency after checking, locally, that the
// account keeps at least 100 unreserved executions (*FloorError, nothing
// sent). Endpoints without GetAccountSettings (moto) skip the local check;
// the server still enforces it.
func (c *Client) PutReserved(ctx context.Context, function string, n int) error {
	if err := c.guard(); err != nil {
		return err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	if n < 0 {
		return fmt.Errorf("reserved concurrency must be ≥ 0, not %d", n)
	}
	e := model.JournalEntry{Action: "PutFunctionConcurrency", Target: function}
	cur, err := c.GetReserved(ctx, function)
	if err != nil && !errors.Is(err, ErrUnsupported) {
		return err
	}
	e.Before = reservedState(cur)
	curN := 0
	if cur != nil {
		curN = *cur
	}
	s, err := c.AccountSettings(ctx)
	switch {
	case err == nil:
		if s.UnreservedConcurrentExecutions+curN-n < MinUnreserved {
			return &FloorError{Limit: s.ConcurrentExecutions, Unreserved: s.UnreservedConcurrentExecutions,
				CurrentReserved: curN, Requested: n}
		}
	case errors.Is(err, ErrUnsupported):
		e.Reason = "unreserved floor not checked locally: the endpoint lacks GetAccountSettings"
	default:
		return err
	}
	e.Function = function
	e.Request = map[string]any{"reserved": n}
	if e, err = c.intent(e); err != nil {
		return err
	}
	out, err := c.lambda.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{
		FunctionName: &function, ReservedConcurrentExecutions: sdkaws.Int32(int32(n)),
	})
	if err != nil {
		err = c.classify(fmt.Errorf("reserving %d for %s: %w", n, function, err))
		c.record(e, err)
		return err
	}
	e.After = map[string]any{"reserved": n}
	if now, rerr := c.GetReserved(ctx, function); rerr == nil {
		e.After = reservedState(now) // what happened, read back
	}
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return nil
}

func reservedState(p *int) map[string]any {
	if p == nil {
		return map[string]any{"reserved": nil}
	}
	return map[string]any{"reserved": *p}
}

// DeleteReserved removes the function's reserved concurrency.
func (c *Client) DeleteReserved(ctx context.Context, function string) error {
	if err := c.guard(); err != nil {
		return err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "DeleteFunctionConcurrency", Target: function}
	cur, err := c.GetReserved(ctx, function)
	if err != nil && !errors.Is(err, ErrUnsupported) {
		return err
	}
	e.Before = reservedState(cur)
	e.Function = function
	e.Request = reservedState(nil)
	if e, err = c.intent(e); err != nil {
		return err
	}
	out, err := c.lambda.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: &function})
	if err != nil {
		err = c.classify(fmt.Errorf("removing reserved concurrency of %s: %w", function, err))
		c.record(e, err)
		return err
	}
	e.After = reservedState(nil)
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return nil
}

func (c *Client) getProvisioned(ctx context.Context, function, qualifier string) (*model.ProvisionedConfig, error) {
	out, err := c.lambda.GetProvisionedConcurrencyConfig(ctx, &lambda.GetProvisionedConcurrencyConfigInput{
		FunctionName: &function, Qualifier: &qualifier,
	})
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, c.classify(asUnsupported("GetProvisionedConcurrencyConfig", err))
	}
	p := provisionedFrom(function, qualifier, out.RequestedProvisionedConcurrentExecutions,
		out.AvailableProvisionedConcurrentExecutions, out.AllocatedProvisionedConcurrentExecutions,
		string(out.Status), sdkaws.ToString(out.StatusReason), out.LastModified)
	return &p, nil
}

func provisionedState(p *model.ProvisionedConfig) map[string]any {
	if p == nil {
		return map[string]any{"provisioned": nil}
	}
	return map[string]any{"provisioned": p.Requested}
}

// PutProvisioned sets provisioned concurrency on an alias or version.
func (c *Client) PutProvisioned(ctx context.Context, function, qualifier string, n int) (model.ProvisionedConfig, error) {
	if err := c.guard(); err != nil {
		return model.ProvisionedConfig{}, err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "PutProvisionedConcurrencyConfig", Target: function + ":" + qualifier}
	before, err := c.getProvisioned(ctx, function, qualifier)
	if err != nil && !errors.Is(err, ErrUnsupported) {
		return model.ProvisionedConfig{}, err
	}
	e.Before = provisionedState(before)
	e.Function = function
	e.Request = map[string]any{"provisioned": n}
	if e, err = c.intent(e); err != nil {
		return model.ProvisionedConfig{}, err
	}
	out, err := c.lambda.PutProvisionedConcurrencyConfig(ctx, &lambda.PutProvisionedConcurrencyConfigInput{
		FunctionName: &function, Qualifier: &qualifier, ProvisionedConcurrentExecutions: sdkaws.Int32(int32(n)),
	})
	if err != nil {
		err = c.classify(fmt.Errorf("provisioning %d on %s:%s: %w", n, function, qualifier, err))
		c.record(e, err)
		return model.ProvisionedConfig{}, err
	}
	p := provisionedFrom(function, qualifier, out.RequestedProvisionedConcurrentExecutions,
		out.AvailableProvisionedConcurrentExecutions, out.AllocatedProvisionedConcurrentExecutions,
		string(out.Status), sdkaws.ToString(out.StatusReason), out.LastModified)
	e.After = provisionedState(&p)
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return p, nil
}

// DeleteProvisioned removes provisioned concurrency from an alias or version.
func (c *Client) DeleteProvisioned(ctx context.Context, function, qualifier string) error {
	if err := c.guard(); err != nil {
		return err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "DeleteProvisionedConcurrencyConfig", Target: function + ":" + qualifier}
	before, err := c.getProvisioned(ctx, function, qualifier)
	if err != nil && !errors.Is(err, ErrUnsupported) {
		return err
	}
	e.Before = provisionedState(before)
	e.Function = function
	e.Request = provisionedState(nil)
	if e, err = c.intent(e); err != nil {
		return err
	}
	out, err := c.lambda.DeleteProvisionedConcurrencyConfig(ctx, &lambda.DeleteProvisionedConcurrencyConfigInput{
		FunctionName: &function, Qualifier: &qualifier,
	})
	if err != nil {
		err = c.classify(fmt.Errorf("removing provisioned concurrency of %s:%s: %w", function, qualifier, err))
		c.record(e, err)
		return err
	}
	e.After = provisionedState(nil)
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return nil
}

func esmOut(uuid, fnARN, src, state, reason, lpr *string, batch, window *int32, pos ltypes.EventSourcePosition, mod *time.Time) model.ESM {
	return esmFrom(&ltypes.EventSourceMappingConfiguration{
		UUID: uuid, FunctionArn: fnARN, EventSourceArn: src, State: state, StateTransitionReason: reason,
		LastProcessingResult: lpr, BatchSize: batch, MaximumBatchingWindowInSeconds: window,
		StartingPosition: pos, LastModified: mod,
	})
}

func mappingState(m model.ESM) map[string]any {
	return map[string]any{"state": m.State, "enabled": m.State == "Enabled" || m.State == "Enabling", "batchSize": m.BatchSize}
}

// UpdateMapping enables/disables a mapping and/or sets its batch size.
func (c *Client) UpdateMapping(ctx context.Context, uuid string, enabled *bool, batchSize *int, reason string) (model.ESM, error) {
	if err := c.guard(); err != nil {
		return model.ESM{}, err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	if enabled == nil && batchSize == nil {
		return model.ESM{}, errors.New("nothing to change on the mapping")
	}
	e := model.JournalEntry{Action: "UpdateEventSourceMapping", Target: uuid, Reason: reason}
	cur, err := c.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: &uuid})
	if err != nil {
		return model.ESM{}, c.classify(fmt.Errorf("reading mapping %s: %w", uuid, err))
	}
	before := esmOut(cur.UUID, cur.FunctionArn, cur.EventSourceArn, cur.State, cur.StateTransitionReason,
		cur.LastProcessingResult, cur.BatchSize, cur.MaximumBatchingWindowInSeconds, cur.StartingPosition, cur.LastModified)
	e.Before = mappingState(before)
	e.Function = functionNameOf(before.FunctionARN)
	e.Target = mappingTarget(e.Function, uuid)
	e.Request = map[string]any{"uuid": uuid}
	if enabled != nil {
		e.Request["enabled"] = *enabled
	}
	if batchSize != nil {
		e.Request["batchSize"] = *batchSize
	}
	in := &lambda.UpdateEventSourceMappingInput{UUID: &uuid, Enabled: enabled}
	if batchSize != nil {
		in.BatchSize = sdkaws.Int32(int32(*batchSize))
	}
	if e, err = c.intent(e); err != nil {
		return model.ESM{}, err
	}
	out, err := c.lambda.UpdateEventSourceMapping(ctx, in)
	if err != nil {
		err = c.classify(fmt.Errorf("updating mapping %s: %w", uuid, err))
		c.record(e, err)
		return model.ESM{}, err
	}
	m := esmOut(out.UUID, out.FunctionArn, out.EventSourceArn, out.State, out.StateTransitionReason,
		out.LastProcessingResult, out.BatchSize, out.MaximumBatchingWindowInSeconds, out.StartingPosition, out.LastModified)
	// Record what happened, not what was asked: read the mapping back (a
	// batch-size change after a cancelled disable leaves it Enabled).
	if back, rerr := c.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: &uuid}); rerr == nil {
		m = esmOut(back.UUID, back.FunctionArn, back.EventSourceArn, back.State, back.StateTransitionReason,
			back.LastProcessingResult, back.BatchSize, back.MaximumBatchingWindowInSeconds, back.StartingPosition, back.LastModified)
	}
	e.After = mappingState(m)
	if m.State == "Updating" || m.State == "Creating" {
		// A transitional state says nothing about enabled: a change that
		// sent no enable/disable leaves it as it was.
		if enabled == nil {
			e.After["enabled"] = e.Before["enabled"]
		} else {
			e.After["enabled"] = *enabled
		}
	}
	e.RequestID = reqID(out.ResultMetadata)
	c.record(e, nil)
	return m, nil
}

// Invoke runs the function. The payload size is checked before sending;
// synchronous calls ask for the log tail, which is decoded and its REPORT
// parsed. The journal records the payload's size and SHA-256, never its contents.
func (c *Client) Invoke(ctx context.Context, req model.InvokeRequest) (model.InvokeResult, error) {
	if err := c.guard(); err != nil {
		return model.InvokeResult{}, err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	typ := req.Type
	if typ == "" {
		typ = model.RequestResponse
	}
	limit := model.MaxSyncPayload
	if typ == model.Event {
		limit = model.MaxAsyncPayload
	}
	if len(req.Payload) > limit {
		return model.InvokeResult{}, &PayloadTooLargeError{Size: len(req.Payload), Limit: limit, Type: typ}
	}
	target := req.Function
	if req.Qualifier != "" {
		target += ":" + req.Qualifier
	}
	e := model.JournalEntry{Action: "Invoke", Target: target, Reason: string(typ),
		PayloadSize: len(req.Payload), PayloadSHA256: sha256Hex(req.Payload)}
	in := &lambda.InvokeInput{
		FunctionName:   &req.Function,
		InvocationType: ltypes.InvocationType(typ),
		Payload:        req.Payload,
	}
	if req.Qualifier != "" {
		in.Qualifier = &req.Qualifier
	}
	if typ == model.RequestResponse {
		in.LogType = ltypes.LogTypeTail
	}
	start := time.Now()
	out, err := c.lambda.Invoke(ctx, in)
	elapsed := time.Since(start)
	if err != nil {
		err = c.classify(fmt.Errorf("invoking %s: %w", target, err))
		c.record(e, err)
		return model.InvokeResult{}, err
	}
	res := model.InvokeResult{
		StatusCode:      int(out.StatusCode),
		ExecutedVersion: sdkaws.ToString(out.ExecutedVersion),
		FunctionError:   sdkaws.ToString(out.FunctionError),
		Payload:         out.Payload,
		RequestID:       reqID(out.ResultMetadata),
		Elapsed:         elapsed,
	}
	if lr := sdkaws.ToString(out.LogResult); lr != "" {
		if b, derr := base64.StdEncoding.DecodeString(lr); derr == nil {
			res.LogTail = string(b)
			if r, ok := model.ParseReportFromTail(res.LogTail); ok {
				res.Report = &r
			}
		}
	}
	e.RequestID = res.RequestID
	e.After = map[string]any{"status": res.StatusCode, "executedVersion": res.ExecutedVersion}
	if res.FunctionError != "" {
		e.After["functionError"] = res.FunctionError
	}
	e.After["responseSize"] = strconv.Itoa(len(res.Payload))
	c.record(e, nil)
	return res, nil
}

// functionNameOf is the function name in a function ARN (or the name itself).
func functionNameOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) >= 7 && parts[5] == "function" {
		return parts[6]
	}
	return arn
}

// mappingTarget names a mapping in the journal by its function and UUID.
func mappingTarget(function, uuid string) string {
	if function == "" {
		return "esm/" + uuid
	}
	return function + "/esm/" + uuid
}

// versionSet is the function's published versions (nil when they cannot
// be listed).
func (c *Client) versionSet(ctx context.Context, function string) map[string]bool {
	vs, err := c.ListVersions(ctx, function)
	if err != nil {
		return nil
	}
	out := make(map[string]bool, len(vs))
	for _, v := range vs {
		if v.Version != "$LATEST" {
			out[v.Version] = true
		}
	}
	return out
}

// newestOf is the highest version number in set ("" when none).
func newestOf(set map[string]bool) string {
	best := 0
	for v := range set {
		if n, err := strconv.Atoi(v); err == nil && n > best {
			best = n
		}
	}
	if best == 0 {
		return ""
	}
	return strconv.Itoa(best)
}
