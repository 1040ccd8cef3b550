package aws

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdaops/lambdaops/model"
)

// Recovery at start: an intent with no outcome, written by a process that
// is no longer running (its owner lock is free), is a change that may or
// may not have reached AWS. Reconcile reads the live state, decides whether
// it was applied, and records the outcome (Reconciled), never re-sending
// anything. An interrupted power-tuning run is listed for the user, who
// confirms its cleanup (CleanupTune).

// pendingIntents returns this account and region's unsettled intents,
// oldest first, and the runs among them.
func pendingIntents(es []model.JournalEntry) []model.JournalEntry {
	settled := map[string]bool{}
	for _, e := range es {
		if e.Phase == model.PhaseOutcome && e.ID != "" {
			settled[e.ID] = true
		}
	}
	var out []model.JournalEntry
	for _, e := range es {
		if e.Phase == model.PhaseIntent && e.ID != "" && !settled[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

func (c *Client) journalDir() string { return filepath.Dir(c.journal.path) }

// Reconcile settles the intents dead processes left in this account and
// region, and returns the outcomes it recorded plus the interrupted tuning
// runs awaiting the user's confirmation.
func (c *Client) Reconcile(ctx context.Context) ([]model.JournalEntry, []model.InterruptedTune, error) {
	if c.journal == nil {
		return nil, nil, nil
	}
	es, err := c.JournalEntries()
	if err != nil {
		return nil, nil, err
	}
	byOwner := map[string][]model.JournalEntry{}
	var owners []string
	for _, e := range pendingIntents(es) {
		if _, ok := byOwner[e.Owner]; !ok {
			owners = append(owners, e.Owner)
		}
		byOwner[e.Owner] = append(byOwner[e.Owner], e)
	}
	var (
		recorded []model.JournalEntry
		tunes    []model.InterruptedTune
	)
	for _, owner := range owners {
		done, ok := claimDeadOwner(c.journalDir(), owner)
		if !ok {
			continue // alive (another lambdaops is carrying them out), or claimed
		}
		// Re-read under the claim: another process may have settled some.
		now, err := c.JournalEntries()
		if err != nil {
			done(false)
			return recorded, tunes, err
		}
		keep := false
		for _, e := range pendingIntents(now) {
			if e.Owner != owner {
				continue
			}
			if e.Action == "TuneRun" {
				tunes = append(tunes, interruptedFrom(e))
				keep = true
				continue
			}
			out := c.reconcileOne(ctx, e)
			c.journalAppend(out)
			recorded = append(recorded, out)
		}
		done(!keep)
	}
	c.sweepOwners(byOwner)
	return recorded, tunes, nil
}

// sweepOwners removes the lock files of processes that ended with nothing
// left pending (a clean exit leaves its file behind).
func (c *Client) sweepOwners(pending map[string][]model.JournalEntry) {
	ents, err := os.ReadDir(ownersDir(c.journalDir()))
	if err != nil {
		return
	}
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok || pending[id] != nil || isOwnProcess(c.journalDir(), id) {
			continue
		}
		if done, dead := claimDeadOwner(c.journalDir(), id); dead {
			done(true)
		}
	}
}

func (c *Client) journalAppend(e model.JournalEntry) {
	if err := c.journal.append(e); err != nil {
		c.logf("journal write failed: %v", err)
	}
}

func interruptedFrom(e model.JournalEntry) model.InterruptedTune {
	return model.InterruptedTune{Run: e.Run, Function: e.Function, Started: e.Time, BaseMemory: num(e.Before["memorySize"]), Intent: e}
}

func num(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case int:
		return x
	case string:
		n, _ := strconv.Atoi(x)
		return n
	}
	return 0
}

func optNum(v any) *int {
	if v == nil {
		return nil
	}
	n := num(v)
	return &n
}

// reconcileOne reads the live state behind one intent and returns its
// outcome entry: Result "ok" when the change is found applied.
func (c *Client) reconcileOne(ctx context.Context, e model.JournalEntry) model.JournalEntry {
	out := e
	out.Phase = model.PhaseOutcome
	out.Reconciled = true
	out.Time = c.cfg.Now().UTC()
	applied, after, err := c.liveCheck(ctx, e)
	out.After = after
	switch {
	case err != nil:
		out.Result = "unknown after a crash: " + err.Error()
	case applied:
		out.Result = "ok"
	default:
		out.Result = "not applied (found unchanged after a crash)"
	}
	return out
}

func (c *Client) liveCheck(ctx context.Context, e model.JournalEntry) (bool, map[string]any, error) {
	fn := e.Function
	if fn == "" {
		fn, _, _ = strings.Cut(e.Target, ":")
	}
	req := e.Request
	switch e.Action {
	case "UpdateFunctionConfiguration":
		f, err := c.FunctionConfig(ctx, fn)
		if err != nil {
			return false, nil, err
		}
		return f.MemoryMB == num(req["memorySize"]), map[string]any{"memorySize": f.MemoryMB}, nil
	case "PublishVersion":
		vs, err := c.ListVersions(ctx, fn)
		if err != nil {
			return false, nil, err
		}
		prev := num(e.Before["latestVersion"])
		desc, _ := req["description"].(string)
		for _, v := range vs {
			if n, _ := strconv.Atoi(v.Version); n > prev && (desc == "" || v.Description == desc) {
				return true, map[string]any{"version": v.Version}, nil
			}
		}
		return false, map[string]any{"latestVersion": newestOf(c.versionSet(ctx, fn))}, nil
	case "CreateAlias", "UpdateAlias", "DeleteAlias":
		_, name, _ := strings.Cut(e.Target, ":")
		a, err := c.GetAlias(ctx, fn, name)
		if err != nil {
			if isNotFound(err) {
				return e.Action == "DeleteAlias", map[string]any{"exists": false}, nil
			}
			return false, nil, err
		}
		st := aliasState(a)
		if e.Action == "DeleteAlias" {
			return false, st, nil
		}
		want := req["version"]
		w, _ := req["weight"].(float64)
		return a.Version == want && (w == 0 && !a.Routing.Active() || w == a.Routing.Weight), st, nil
	case "DeleteFunction":
		_, ver, _ := strings.Cut(e.Target, ":")
		vs, err := c.ListVersions(ctx, fn)
		if err != nil {
			return false, nil, err
		}
		for _, v := range vs {
			if v.Version == ver {
				return false, map[string]any{"exists": true}, nil
			}
		}
		return true, map[string]any{"exists": false}, nil
	case "PutFunctionConcurrency", "DeleteFunctionConcurrency":
		r, err := c.GetReserved(ctx, fn)
		if err != nil {
			return false, nil, err
		}
		want := optNum(req["reserved"])
		same := (r == nil) == (want == nil) && (r == nil || *r == *want)
		return same, reservedState(r), nil
	case "PutProvisionedConcurrencyConfig", "DeleteProvisionedConcurrencyConfig":
		_, q, _ := strings.Cut(e.Target, ":")
		p, err := c.getProvisioned(ctx, fn, q)
		if err != nil {
			return false, nil, err
		}
		want := optNum(req["provisioned"])
		same := (p == nil) == (want == nil) && (p == nil || p.Requested == *want)
		return same, provisionedState(p), nil
	case "UpdateEventSourceMapping":
		uuid, _ := req["uuid"].(string)
		m, err := c.lambda.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: &uuid})
		if err != nil {
			return false, nil, c.classify(err)
		}
		got := mappingState(esmOut(m.UUID, m.FunctionArn, m.EventSourceArn, m.State, m.StateTransitionReason,
			m.LastProcessingResult, m.BatchSize, m.MaximumBatchingWindowInSeconds, m.StartingPosition, m.LastModified))
		ok := true
		if en, has := req["enabled"].(bool); has {
			st, _ := got["state"].(string)
			ok = ok && (st == "Updating" || en == (st == "Enabled" || st == "Enabling"))
		}
		if bs, has := req["batchSize"]; has {
			ok = ok && num(bs) == num(got["batchSize"])
		}
		return ok, got, nil
	}
	return false, nil, fmt.Errorf("%s cannot be read back", e.Action)
}

// CleanupTune undoes an interrupted run after the user confirmed it:
// $LATEST's memory restored, the run's aliases deleted, then its versions.
// It refuses while the process that ran it is still alive.
func (c *Client) CleanupTune(ctx context.Context, t model.InterruptedTune) ([]string, error) {
	if err := c.guard(); err != nil {
		return nil, err
	}
	done, ok := claimDeadOwner(c.journalDir(), t.Intent.Owner)
	if !ok {
		return nil, fmt.Errorf("run %s is still in progress in another lambdaops (or being cleaned up by one)", t.Run)
	}
	es, err := c.JournalEntries()
	if err != nil {
		done(false)
		return nil, err
	}
	for _, e := range es {
		if e.ID == t.Intent.ID && e.Phase == model.PhaseOutcome {
			done(true)
			return []string{"already cleaned up"}, nil
		}
	}
	// The run's own intents without outcome are settled first.
	for _, e := range pendingIntents(es) {
		if e.Owner == t.Intent.Owner && e.Action != "TuneRun" {
			c.journalAppend(c.reconcileOne(ctx, e))
		}
	}
	steps, cerr := c.cleanupRun(WithRun(ctx, t.Run), t.Function, t.Run, t.BaseMemory)
	out := t.Intent
	out.Phase, out.Reconciled, out.Time = model.PhaseOutcome, true, c.cfg.Now().UTC()
	out.After = map[string]any{"cleanup": steps, "status": "interrupted; cleaned up at a later start"}
	out.Result = "ok"
	if cerr != nil {
		out.Result = cerr.Error()
	}
	c.journalAppend(out)
	done(cerr == nil)
	return steps, cerr
}

// cleanupRun restores $LATEST's memory and removes the run's aliases, then
// its versions, reading live state (so it is right after a crash too). A
// version another alias still uses is kept and reported.
func (c *Client) cleanupRun(ctx context.Context, function, run string, baseMemory int) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	var steps []string
	var firstErr error
	fail := func(err error) {
		steps = append(steps, "FAILED: "+err.Error())
		if firstErr == nil {
			firstErr = err
		}
	}
	if baseMemory > 0 {
		if f, err := c.FunctionConfig(ctx, function); err != nil {
			fail(err)
		} else if f.MemoryMB != baseMemory {
			if _, err := c.SetMemory(ctx, function, baseMemory); err != nil {
				fail(err)
			} else {
				steps = append(steps, fmt.Sprintf("$LATEST memory restored to %d MB", baseMemory))
			}
		} else {
			steps = append(steps, fmt.Sprintf("$LATEST memory is %d MB as before", baseMemory))
		}
	}
	prefix := model.TuneAliasPrefix + run + "-"
	if as, err := c.ListAliases(ctx, function); err != nil {
		fail(err)
	} else {
		for _, a := range as {
			if strings.HasPrefix(a.Name, prefix) {
				if err := c.DeleteAlias(ctx, function, a.Name); err != nil {
					fail(err)
				} else {
					steps = append(steps, "alias "+a.Name+" deleted")
				}
			}
		}
	}
	if vs, err := c.ListVersions(ctx, function); err != nil {
		fail(err)
	} else {
		for _, v := range vs {
			if !model.TuneVersionOfRun(v.Description, run) {
				continue
			}
			if err := c.DeleteVersion(ctx, function, v.Version); errors.Is(err, ErrVersionInUse) {
				steps = append(steps, "version "+v.Version+" kept: another alias uses it")
			} else if err != nil {
				fail(err)
			} else {
				steps = append(steps, "version "+v.Version+" deleted")
			}
		}
	}
	return steps, firstErr
}
