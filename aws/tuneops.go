package aws

import (
	"context"
	"errors"
	"fmt"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdaops/lambdaops/model"
)

// The changes power tuning makes, each journaled with a write-ahead intent
// and its after-state read back. ctx may carry the run (WithRun) so that
// every entry names it.

type runKey struct{}

// WithRun tags the changes made with ctx as part of power-tuning run id.
func WithRun(ctx context.Context, run string) context.Context {
	return context.WithValue(ctx, runKey{}, run)
}

// RunOf is the run ctx carries ("" when none).
func RunOf(ctx context.Context) string {
	s, _ := ctx.Value(runKey{}).(string)
	return s
}

// FunctionConfig reads $LATEST's configuration (memory, architecture,
// revision, update status).
func (c *Client) FunctionConfig(ctx context.Context, function string) (model.Function, error) {
	out, err := c.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &function})
	if err != nil {
		return model.Function{}, c.classify(fmt.Errorf("configuration of %s: %w", function, err))
	}
	return functionFrom(&ltypes.FunctionConfiguration{
		FunctionName: out.FunctionName, FunctionArn: out.FunctionArn, Version: out.Version, Runtime: out.Runtime,
		MemorySize: out.MemorySize, Timeout: out.Timeout, Architectures: out.Architectures, Description: out.Description,
		State: out.State, LastUpdateStatus: out.LastUpdateStatus, RevisionId: out.RevisionId, CodeSha256: out.CodeSha256,
		LastModified: out.LastModified,
	}), nil
}

// SetMemory sets $LATEST's memory size, sending the RevisionId it read, and
// waits until LastUpdateStatus is Successful; the entry's after-state is
// the configuration read back.
func (c *Client) SetMemory(ctx context.Context, function string, memoryMB int) (model.Function, error) {
	if err := c.guard(); err != nil {
		return model.Function{}, err
	}
	run := RunOf(ctx)
	ctx, cancel := detach(ctx)
	defer cancel()
	cur, err := c.WaitUpdated(ctx, function)
	if err != nil {
		return model.Function{}, err
	}
	before, err := c.FunctionConfig(ctx, function)
	if err != nil {
		return model.Function{}, err
	}
	e := model.JournalEntry{Action: "UpdateFunctionConfiguration", Target: function, Function: function, Run: run,
		RevisionBefore: cur.RevisionID, Before: map[string]any{"memorySize": before.MemoryMB},
		Request: map[string]any{"memorySize": memoryMB}}
	if e, err = c.intent(e); err != nil {
		return model.Function{}, err
	}
	out, err := c.lambda.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: &function, MemorySize: sdkaws.Int32(int32(memoryMB)), RevisionId: sdkaws.String(before.RevisionID),
	})
	if err != nil {
		err = c.classify(fmt.Errorf("setting %s's memory to %d MB: %w", function, memoryMB, err))
		c.record(e, err)
		return model.Function{}, err
	}
	e.RequestID = reqID(out.ResultMetadata)
	_, werr := c.WaitUpdated(ctx, function)
	after, rerr := c.FunctionConfig(ctx, function)
	if rerr == nil {
		e.After = map[string]any{"memorySize": after.MemoryMB}
		e.RevisionAfter = after.RevisionID
	} else {
		e.After = map[string]any{"memorySize": int(sdkaws.ToInt32(out.MemorySize))}
	}
	c.record(e, werr)
	if werr != nil {
		return after, werr
	}
	return after, rerr
}

// DeleteAlias removes an alias; one already gone counts as removed.
func (c *Client) DeleteAlias(ctx context.Context, function, name string) error {
	if err := c.guard(); err != nil {
		return err
	}
	run := RunOf(ctx)
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "DeleteAlias", Target: function + ":" + name, Function: function, Run: run,
		Request: map[string]any{"exists": false}}
	cur, err := c.GetAlias(ctx, function, name)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	e.Before, e.RevisionBefore = aliasState(cur), cur.RevisionID
	if e, err = c.intent(e); err != nil {
		return err
	}
	out, err := c.lambda.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: &function, Name: &name})
	if err != nil && !isNotFound(err) {
		err = c.classify(fmt.Errorf("deleting alias %s:%s: %w", function, name, err))
		c.record(e, err)
		return err
	}
	if out != nil {
		e.RequestID = reqID(out.ResultMetadata)
	}
	e.After = map[string]any{"exists": false}
	c.record(e, nil)
	return nil
}

// ErrVersionInUse is returned when another alias still routes to a version.
var ErrVersionInUse = errors.New("an alias still references the version")

// DeleteVersion deletes one published version (never $LATEST or the
// function); one already gone counts as deleted.
func (c *Client) DeleteVersion(ctx context.Context, function, version string) error {
	if err := c.guard(); err != nil {
		return err
	}
	if version == "" || version == "$LATEST" {
		return fmt.Errorf("refusing to delete %q: only a published version can be deleted", version)
	}
	run := RunOf(ctx)
	ctx, cancel := detach(ctx)
	defer cancel()
	e := model.JournalEntry{Action: "DeleteFunction", Target: function + ":" + version, Function: function, Run: run,
		Before: map[string]any{"exists": true}, Request: map[string]any{"version": version}}
	var err error
	if e, err = c.intent(e); err != nil {
		return err
	}
	out, err := c.lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: &function, Qualifier: &version})
	if err != nil && !isNotFound(err) {
		if errCode(err) == "ResourceConflictException" {
			err = fmt.Errorf("deleting %s:%s: %w (%v)", function, version, ErrVersionInUse, err)
		} else {
			err = c.classify(fmt.Errorf("deleting %s:%s: %w", function, version, err))
		}
		c.record(e, err)
		return err
	}
	if out != nil {
		e.RequestID = reqID(out.ResultMetadata)
	}
	e.After = map[string]any{"exists": false}
	c.record(e, nil)
	return nil
}
