package awsapi

import (
	"context"

	"github.com/lambdaops/lambdaops/model"
)

// Tuner is power tuning and crash recovery. The aws session implements it;
// panes reach it with a type assertion on Deps.Fleet, so fakes need not.
type Tuner interface {
	// FunctionConfig reads $LATEST's configuration.
	FunctionConfig(ctx context.Context, function string) (model.Function, error)
	// TuneBlockers says why the function cannot be tuned now (read-only, a
	// canary, a CodeDeploy deployment, another run); empty when it can.
	TuneBlockers(ctx context.Context, function string) ([]string, error)
	// Tune runs the plan; progress is called from the job's goroutine.
	// Cleanup has run when it returns, whatever happened.
	Tune(ctx context.Context, plan model.TunePlan, monthlyCalls float64, progress func(model.TuneProgress)) (model.TuneRun, error)
	// SetMemory applies a memory size to $LATEST (journaled, confirmed by the caller).
	SetMemory(ctx context.Context, function string, memoryMB int) (model.Function, error)
	// SaveTuneRun writes the run as JSON and CSV and returns both paths.
	SaveTuneRun(run model.TuneRun) ([]string, error)
	// TuneRuns lists the saved runs of a function, newest first.
	TuneRuns(function string) ([]model.TuneRun, error)
}

// Recoverer settles what a crashed lambdaops left behind (see aws.Reconcile).
type Recoverer interface {
	Reconcile(ctx context.Context) ([]model.JournalEntry, []model.InterruptedTune, error)
	CleanupTune(ctx context.Context, t model.InterruptedTune) ([]string, error)
}
