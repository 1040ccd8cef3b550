package lambda

import (
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// PutFunctionConcurrency sets reserved concurrency, keeping ≥100 unreserved.
func (w *World) PutFunctionConcurrency(ref string, in *concurrencyIn) ([]byte, *Error) {
	if in.ReservedConcurrentExecutions == nil {
		return nil, validation("1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null")
	}
	n := *in.ReservedConcurrentExecutions
	if n < 0 {
		return nil, validation("1 validation error detected: Value '%d' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0", n)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	cur := 0
	if f.reserved != nil {
		cur = *f.reserved
	}
	if AccountLimit-(w.reservedSum-cur+n) < MinUnreserved {
		return nil, invalidParam("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", MinUnreserved)
	}
	w.reservedSum += n - cur
	f.reserved = &n
	if w.hooks.ReservedTotal != nil {
		w.hooks.ReservedTotal(w.reservedSum)
	}
	b, _ := json.Marshal(concurrencyIn{ReservedConcurrentExecutions: &n})
	return b, nil
}

// GetFunctionConcurrency returns {} or {"ReservedConcurrentExecutions":n}.
func (w *World) GetFunctionConcurrency(ref string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(concurrencyIn{ReservedConcurrentExecutions: f.reserved})
	return b, nil
}

// DeleteFunctionConcurrency removes reserved concurrency.
func (w *World) DeleteFunctionConcurrency(ref string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return err
	}
	if f.reserved != nil {
		w.reservedSum -= *f.reserved
		f.reserved = nil
		if w.hooks.ReservedTotal != nil {
			w.hooks.ReservedTotal(w.reservedSum)
		}
	}
	return nil
}

func provOut(p *provConfig, arn string, now time.Time) provJSON {
	out := provJSON{FunctionArn: arn, RequestedProvisionedConcurrentExecutions: p.requested, LastModified: LambdaTime(p.lastModified)}
	if now.Before(p.readyAt) {
		out.Status = "IN_PROGRESS"
		// Allocation ramps up over the delay.
		total := p.readyAt.Sub(p.lastModified)
		done := now.Sub(p.lastModified)
		if total > 0 {
			out.AllocatedProvisionedConcurrentExecutions = int(float64(p.requested) * float64(done) / float64(total))
		}
		out.AvailableProvisionedConcurrentExecutions = out.AllocatedProvisionedConcurrentExecutions
	} else {
		out.Status = "READY"
		out.AllocatedProvisionedConcurrentExecutions = p.requested
		out.AvailableProvisionedConcurrentExecutions = p.requested
	}
	return out
}

func (w *World) provTarget(ref, qualifier string) (*function, string, *Error) {
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, "", err
	}
	if q, err = mergeQualifier(q, qualifier); err != nil {
		return nil, "", err
	}
	if q == "" {
		return nil, "", validation("1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null")
	}
	if q == "$LATEST" {
		return nil, "", invalidParam("Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
	}
	if isDigits(q) {
		if f.version(q) == nil {
			return nil, "", fnNotFound(f.arn + ":" + q)
		}
	} else if a := f.aliases[q]; a == nil {
		return nil, "", fnNotFound(f.arn + ":" + q)
	} else if a.version == "$LATEST" {
		return nil, "", invalidParam("Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
	}
	return f, q, nil
}

// PutProvisionedConcurrencyConfig requests provisioned concurrency on an
// alias or version: IN_PROGRESS until ProvisionDelay has passed, then READY.
func (w *World) PutProvisionedConcurrencyConfig(ref, qualifier string, in *provIn) ([]byte, *Error) {
	if in.ProvisionedConcurrentExecutions == nil {
		return nil, validation("1 validation error detected: Value null at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must not be null")
	}
	n := *in.ProvisionedConcurrentExecutions
	if n < 1 {
		return nil, validation("1 validation error detected: Value '%d' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.provTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	total := n
	for k, p := range f.provisioned {
		if k != q {
			total += p.requested
		}
	}
	if f.reserved != nil && total > *f.reserved {
		return nil, invalidParam("Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function %s", f.name)
	}
	if f.reserved == nil && total > AccountLimit-w.reservedSum-MinUnreserved {
		return nil, invalidParam("Requested Provisioned Concurrency exceeds the account's UnreservedConcurrentExecution minus its minimum value of [%d].", MinUnreserved)
	}
	p := &provConfig{requested: n, lastModified: now, readyAt: now.Add(ProvisionDelay)}
	f.provisioned[q] = p
	out := provOut(p, "", now)
	out.AllocatedProvisionedConcurrentExecutions, out.AvailableProvisionedConcurrentExecutions = 0, 0
	out.Status = "IN_PROGRESS"
	b, _ := json.Marshal(out)
	return b, nil
}

// GetProvisionedConcurrencyConfig returns one config or 404.
func (w *World) GetProvisionedConcurrencyConfig(ref, qualifier string) ([]byte, *Error) {
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, q, err := w.provTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	p := f.provisioned[q]
	if p == nil {
		return nil, provNotFound()
	}
	b, _ := json.Marshal(provOut(p, "", now))
	return b, nil
}

// DeleteProvisionedConcurrencyConfig removes one config.
func (w *World) DeleteProvisionedConcurrencyConfig(ref, qualifier string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.provTarget(ref, qualifier)
	if err != nil {
		return err
	}
	if f.provisioned[q] == nil {
		return provNotFound()
	}
	delete(f.provisioned, q)
	return nil
}

// ListProvisionedConcurrencyConfigs pages a function's configs.
func (w *World) ListProvisionedConcurrencyConfigs(ref, marker string, maxItems int) ([]byte, *Error) {
	if maxItems < 0 || maxItems > maxProvPage {
		return nil, validation("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50", maxItems)
	}
	size := pageSize(maxItems, maxProvPage)
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(f.provisioned))
	items, next, err := pageKeys(keys, marker, size, func(k string) []byte {
		b, _ := json.Marshal(provOut(f.provisioned[k], f.arn+":"+k, now))
		return b
	})
	if err != nil {
		return nil, err
	}
	return appendList("ProvisionedConcurrencyConfigs", items, next), nil
}

type accountOut struct {
	AccountLimit struct {
		TotalCodeSize                  int64 `json:"TotalCodeSize"`
		CodeSizeUnzipped               int64 `json:"CodeSizeUnzipped"`
		CodeSizeZipped                 int64 `json:"CodeSizeZipped"`
		ConcurrentExecutions           int   `json:"ConcurrentExecutions"`
		UnreservedConcurrentExecutions int   `json:"UnreservedConcurrentExecutions"`
	} `json:"AccountLimit"`
	AccountUsage struct {
		TotalCodeSize int64 `json:"TotalCodeSize"`
		FunctionCount int64 `json:"FunctionCount"`
	} `json:"AccountUsage"`
}

// GetAccountSettings returns the account's limits and usage.
func (w *World) GetAccountSettings() []byte {
	w.mu.RLock()
	defer w.mu.RUnlock()
	var o accountOut
	o.AccountLimit.TotalCodeSize = maxCodeSizeTotal
	o.AccountLimit.CodeSizeUnzipped = 262144000
	o.AccountLimit.CodeSizeZipped = 52428800
	o.AccountLimit.ConcurrentExecutions = AccountLimit
	o.AccountLimit.UnreservedConcurrentExecutions = AccountLimit - w.reservedSum
	o.AccountUsage.TotalCodeSize = w.codeSize
	o.AccountUsage.FunctionCount = int64(len(w.names))
	b, _ := json.Marshal(o)
	return b
}
