package lambda

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// InvokeInput is one invocation, resolved: the version that runs (picked by
// the alias's weights) and the configuration it runs with.
type InvokeInput struct {
	Function    string
	FunctionARN string // unqualified
	Resource    string // qualifier the caller used: alias, version or "" (unqualified)
	Version     string // executed version: "$LATEST" or digits
	Config      Config // the executed version's configuration (read-only)
	Reserved    *int   // reserved concurrency of the function
	Provisioned int    // provisioned concurrency available on Resource (0 = none)
	Type        model.InvocationType
	Tail        bool
	Payload     []byte
	Hint        string // demo-fleet behaviour profile name
}

// InvokeOutput is what an Executor returns. Err (a throttle, for instance)
// replaces the whole response.
type InvokeOutput struct {
	StatusCode    int // 200 RequestResponse, 202 Event
	Payload       []byte
	FunctionError string // Handled | Unhandled | ""
	LogTail       string // raw log text of the invocation; the front-end keeps the last 4 KB
	RequestID     string
	Err           *Error
}

// Executor runs resolved invocations (sandbox/sim's engine, via an adapter).
// It must not keep the input after Invoke returns: the front-end reuses it.
type Executor interface {
	Invoke(ctx context.Context, in *InvokeInput) InvokeOutput
}

// ResolveInvoke resolves ref and qualifier to the version that runs,
// routing by the alias's weights.
func (w *World) ResolveInvoke(ref, qualifier string) (*InvokeInput, *Error) {
	in := &InvokeInput{}
	if err := w.resolveInto(in, ref, qualifier); err != nil {
		return nil, err
	}
	return in, nil
}

// resolveInto fills in with the resolved invocation.
func (w *World) resolveInto(in *InvokeInput, ref, qualifier string) *Error {
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, v, q, al, err := w.resolve(ref, qualifier)
	if err != nil {
		return err
	}
	if al != nil {
		if rv := w.route(al); rv != al.version {
			v = f.version(rv)
			if v == nil {
				return fnNotFound(f.arn + ":" + rv)
			}
		}
	}
	if now.Before(f.pendingTil) && v == f.latest {
		return conflict("The operation cannot be performed at this time. The function is currently in the following state: Pending")
	}
	*in = InvokeInput{Function: f.name, FunctionARN: f.arn, Resource: q, Version: v.num, Config: v.cfg, Reserved: f.reserved, Hint: f.hint}
	if q != "" {
		if p := f.provisioned[q]; p != nil {
			in.Provisioned = provOut(p, "", now).AvailableProvisionedConcurrentExecutions
		}
	}
	return nil
}

// Invoke resolves and executes an invocation.
func (w *World) Invoke(ctx context.Context, ref, qualifier string, typ model.InvocationType, tail bool, payload []byte) (*InvokeInput, InvokeOutput) {
	in, err := w.ResolveInvoke(ref, qualifier)
	if err != nil {
		return nil, InvokeOutput{Err: err}
	}
	in.Type, in.Tail, in.Payload = typ, tail, payload
	w.mu.RLock()
	exec := w.exec
	w.mu.RUnlock()
	return in, exec.Invoke(ctx, in)
}

var invokePool = sync.Pool{New: func() any { return new(InvokeInput) }}

// invokePooled is Invoke with the InvokeInput taken from a pool; the
// caller hands it back with releaseInvoke once it has read it. Executors
// must not keep the input after Invoke returns (none does).
func (w *World) invokePooled(ctx context.Context, ref, qualifier string, typ model.InvocationType, tail bool, payload []byte) (*InvokeInput, InvokeOutput) {
	in := invokePool.Get().(*InvokeInput)
	if err := w.resolveInto(in, ref, qualifier); err != nil {
		invokePool.Put(in)
		return nil, InvokeOutput{Err: err}
	}
	in.Type, in.Tail, in.Payload = typ, tail, payload
	return in, w.executor().Invoke(ctx, in)
}

// executor is the current Executor, read without taking mu.
func (w *World) executor() Executor {
	if p := w.execPtr.Load(); p != nil {
		return *p
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.exec
}

func (w *World) releaseInvoke(in *InvokeInput) {
	if in != nil {
		*in = InvokeInput{}
		invokePool.Put(in)
	}
}

// echoExecutor runs nothing: it echoes the payload with AWS-shaped log
// lines. It is the executor until the simulation is wired in.
type echoExecutor struct{}

func (echoExecutor) Invoke(_ context.Context, in *InvokeInput) InvokeOutput {
	id := newRequestID()
	if in.Type == model.Event {
		return InvokeOutput{StatusCode: http.StatusAccepted, RequestID: id}
	}
	d := 1500 * time.Microsecond
	rep := model.FormatReportLine(model.Report{RequestID: id, Duration: d, BilledDuration: 2 * time.Millisecond, MemorySizeMB: in.Config.MemoryMB, MaxMemoryUsedMB: 64})
	tail := "START RequestId: " + id + " Version: " + in.Version + "\nEND RequestId: " + id + "\n" + rep + "\n"
	p := in.Payload
	if len(p) == 0 {
		p = []byte("null")
	}
	return InvokeOutput{StatusCode: http.StatusOK, Payload: p, LogTail: tail, RequestID: id}
}
