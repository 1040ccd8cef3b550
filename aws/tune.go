package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/lambdaops/lambdaops/model"
)

// OwnerCheck reports who, other than lambdaops' power tuning, owns a
// function right now (a CodeDeploy deployment, say): a non-empty answer
// refuses a tuning run. Packages register theirs with RegisterOwnerCheck.
type OwnerCheck func(ctx context.Context, c *Client, function string) (owner string, err error)

var (
	ownerChecksMu sync.Mutex
	ownerChecks   []OwnerCheck
)

// RegisterOwnerCheck adds a check run before every tuning run.
func RegisterOwnerCheck(f OwnerCheck) {
	ownerChecksMu.Lock()
	defer ownerChecksMu.Unlock()
	ownerChecks = append(ownerChecks, f)
}

// TuneBlockers lists why function cannot be tuned now (empty: it can):
// read-only, a weighted alias (a canary is shifting traffic), another
// lambdaops tuning it, or a registered owner such as a CodeDeploy deployment.
func (c *Client) TuneBlockers(ctx context.Context, function string) ([]string, error) {
	if err := c.guard(); err != nil {
		return []string{err.Error()}, nil
	}
	var out []string
	as, err := c.ListAliases(ctx, function)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.Routing.Active() {
			out = append(out, fmt.Sprintf("alias %s routes %.0f%% to version %s: a canary owns the function", a.Name, a.Routing.Weight*100, a.Routing.AdditionalVersion))
		}
	}
	if es, err := c.JournalEntries(); err == nil {
		for _, e := range pendingIntents(es) {
			if e.Action == "TuneRun" && e.Function == function {
				if isOwnProcess(c.journalDir(), e.Owner) {
					out = append(out, "run "+e.Run+" is already tuning it")
				} else if done, dead := claimDeadOwner(c.journalDir(), e.Owner); dead {
					done(false)
					out = append(out, "run "+e.Run+" was interrupted: clean it up first")
				} else {
					out = append(out, "another lambdaops is tuning it (run "+e.Run+")")
				}
			}
		}
	}
	ownerChecksMu.Lock()
	checks := append([]OwnerCheck(nil), ownerChecks...)
	ownerChecksMu.Unlock()
	for _, chk := range checks {
		owner, err := chk(ctx, c, function)
		if err != nil {
			return nil, err
		}
		if owner != "" {
			out = append(out, owner+" owns the function")
		}
	}
	return out, nil
}

// Tune runs a power-tuning plan: for each size, strictly one at a time, it
// sets $LATEST's memory (waiting for Successful), publishes a version and
// points alias lambdaops-tune-<run>-<mb> at it, then invokes that alias
// PerSize times (Parallelism at once) with LogType=Tail and reads REPORT.
// Cleanup always runs, on success, cancel (ctx) and error: memory back,
// aliases deleted, then versions. The whole run is one journal intent
// (TuneRun) settled at its end, so a crash leaves it for the next start.
func (c *Client) Tune(ctx context.Context, plan model.TunePlan, monthlyCalls float64, progress func(model.TuneProgress)) (model.TuneRun, error) {
	o := plan.Options
	run := model.TuneRun{Run: plan.Run, Function: o.Function, Profile: c.Target().Profile, Account: c.Target().Account,
		Region: c.Target().Region, Started: c.cfg.Now().UTC(), Options: o, BaseMemory: plan.BaseMemory, Arch: plan.Arch, EphemeralMB: plan.EphemeralMB}
	if progress == nil {
		progress = func(model.TuneProgress) {}
	}
	if err := c.guard(); err != nil {
		return run, err
	}
	if c.journal == nil {
		return run, errors.New("power tuning needs the journal (no state directory)")
	}
	blockers, err := c.TuneBlockers(ctx, o.Function)
	if err != nil {
		return run, err
	}
	if len(blockers) > 0 {
		return run, fmt.Errorf("not tuning %s: %s", o.Function, strings.Join(blockers, "; "))
	}
	cur, err := c.FunctionConfig(ctx, o.Function)
	if err != nil {
		return run, err
	}
	run.BaseMemory, run.Arch = cur.MemoryMB, cur.Architecture
	ctx = WithRun(ctx, plan.Run)
	start := model.JournalEntry{Action: "TuneRun", Target: o.Function, Function: o.Function, Run: plan.Run,
		RevisionBefore: cur.RevisionID,
		Before:         map[string]any{"memorySize": cur.MemoryMB, "architecture": cur.Architecture},
		Request:        map[string]any{"sizes": o.Sizes, "perSize": o.PerSize, "strategy": string(o.Strategy)}}
	if start, err = c.intent(start); err != nil {
		return run, err
	}

	total := len(o.Sizes) * o.PerSize
	done := 0
	var runErr error
sizes:
	for _, mb := range o.Sizes {
		if ctx.Err() != nil {
			runErr = ctx.Err()
			break
		}
		progress(model.TuneProgress{Stage: "configure", MemoryMB: mb, Done: done, Total: total,
			Message: fmt.Sprintf("setting $LATEST to %d MB", mb)})
		if _, err := c.SetMemory(ctx, o.Function, mb); err != nil {
			runErr = err
			break
		}
		v, err := c.PublishVersion(ctx, o.Function, model.TuneVersionDescription(plan.Run, mb))
		if err != nil {
			runErr = err
			break
		}
		alias := model.TuneAlias(plan.Run, mb)
		if _, err := c.CreateAlias(ctx, model.Alias{Function: o.Function, Name: alias, Version: v.Version,
			Description: "temporary: lambdaops power tuning run " + plan.Run}); err != nil {
			runErr = err
			break
		}
		samples := c.invokeSize(ctx, o, alias, mb, func(s model.TuneSample) {
			done++
			progress(model.TuneProgress{Stage: "invoke", MemoryMB: mb, Done: done, Total: total, Sample: &s})
		})
		if ctx.Err() != nil {
			runErr = ctx.Err()
		}
		if len(samples) > 0 {
			// at the session region's prices, with the function's ephemeral storage
			r := model.SummarizeSizeAt(mb, run.Arch, plan.EphemeralMB, o.AlsoARM, samples, model.PricesFor(c.Target().Region))
			run.Results = append(run.Results, r)
			progress(model.TuneProgress{Stage: "size done", MemoryMB: mb, Done: done, Total: total, Result: &r})
		}
		if runErr != nil {
			break sizes
		}
	}

	progress(model.TuneProgress{Stage: "cleanup", Done: done, Total: total, Message: "restoring memory, removing aliases and versions"})
	steps, cerr := c.cleanupRun(ctx, o.Function, plan.Run, run.BaseMemory)
	run.Cleanup = steps
	run.Finished = c.cfg.Now().UTC()
	switch {
	case errors.Is(runErr, context.Canceled):
		run.Status = "cancelled"
	case runErr != nil:
		run.Status = "failed: " + runErr.Error()
	default:
		run.Status = "done"
	}
	run.Finish(monthlyCalls)
	start.After = map[string]any{"status": run.Status, "cleanup": steps, "recommendedMB": run.Recommended}
	c.record(start, cerr)
	if cerr != nil {
		return run, fmt.Errorf("cleanup of run %s: %w", plan.Run, cerr)
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return run, runErr
	}
	return run, nil
}

// invokeSize invokes alias o.PerSize times, o.Parallelism at once; a
// throttled call (after the governor's Retry-After waits and the SDK's
// retries) is recorded as throttled and tried again, up to PerSize times.
func (c *Client) invokeSize(ctx context.Context, o model.TuneOptions, alias string, mb int, each func(model.TuneSample)) []model.TuneSample {
	var (
		mu      sync.Mutex
		samples []model.TuneSample
		next    int
		retries int
	)
	take := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if next >= o.PerSize || ctx.Err() != nil {
			return false
		}
		next++
		return true
	}
	var wg sync.WaitGroup
	for range max(1, min(o.Parallelism, o.PerSize)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for take() {
				s := c.invokeOnce(ctx, o, alias, mb)
				mu.Lock()
				if s.Throttled && retries < o.PerSize && ctx.Err() == nil {
					retries++
					next-- // try this one again
				}
				if ctx.Err() == nil || !s.Throttled {
					samples = append(samples, s)
					each(s)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return samples
}

func (c *Client) invokeOnce(ctx context.Context, o model.TuneOptions, alias string, mb int) model.TuneSample {
	s := model.TuneSample{MemoryMB: mb}
	res, err := c.Invoke(ctx, model.InvokeRequest{Function: o.Function, Qualifier: alias, Type: model.RequestResponse, Payload: o.Payload})
	if err != nil {
		if isThrottle(err) || strings.Contains(err.Error(), "TooManyRequests") {
			s.Throttled = true
			return s
		}
		s.FunctionError = "InvokeError"
		s.ErrorType = err.Error()
		return s
	}
	s.FunctionError = res.FunctionError
	if res.FunctionError != "" {
		var p struct {
			ErrorType string `json:"errorType"`
		}
		if json.Unmarshal(res.Payload, &p) == nil {
			s.ErrorType = p.ErrorType
		}
	}
	if r := res.Report; r != nil {
		s.Duration, s.Billed, s.Init, s.MaxMemoryMB = r.Duration, r.BilledDuration, r.InitDuration, r.MaxMemoryUsedMB
	} else {
		s.Duration, s.Billed = res.Elapsed, res.Elapsed
	}
	return s
}
