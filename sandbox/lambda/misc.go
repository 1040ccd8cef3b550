package lambda

import (
	"encoding/json"
	"strings"
)

func (w *World) eventInvokeOut(f *function, q string, e *eventInvoke) eventInvokeJSON {
	out := eventInvokeJSON{LastModified: epoch(e.lastModified), FunctionArn: f.arn + ":" + q, MaximumRetryAttempts: e.retries, MaximumEventAgeInSeconds: e.maxAge}
	if e.onSuccess != "" || e.onFailure != "" {
		out.DestinationConfig = &destConfigJSON{}
		if e.onSuccess != "" {
			out.DestinationConfig.OnSuccess = &destJSON{Destination: e.onSuccess}
		}
		if e.onFailure != "" {
			out.DestinationConfig.OnFailure = &destJSON{Destination: e.onFailure}
		}
	}
	return out
}

func (w *World) eventTarget(ref, qualifier string) (*function, string, *Error) {
	f, _, q, _, err := w.resolve(ref, qualifier)
	if err != nil {
		return nil, "", err
	}
	if q == "" {
		q = "$LATEST"
	}
	return f, q, nil
}

// GetFunctionEventInvokeConfig returns the async invoke config or 404.
func (w *World) GetFunctionEventInvokeConfig(ref, qualifier string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, q, err := w.eventTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	e := f.eventInvoke[q]
	if e == nil {
		return nil, notFound("The function %s doesn't have an EventInvokeConfig", f.arn+":"+q)
	}
	b, _ := json.Marshal(w.eventInvokeOut(f, q, e))
	return b, nil
}

// PutFunctionEventInvokeConfig replaces the async invoke config (update
// merges into the existing one).
func (w *World) PutFunctionEventInvokeConfig(ref, qualifier string, in *eventInvokeIn, merge bool) ([]byte, *Error) {
	var v verrs
	if in.MaximumRetryAttempts != nil {
		v.rangeInt("maximumRetryAttempts", *in.MaximumRetryAttempts, 0, 2)
	}
	if in.MaximumEventAgeInSeconds != nil {
		v.rangeInt("maximumEventAgeInSeconds", *in.MaximumEventAgeInSeconds, 60, 21600)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var dests []string
	if d := in.DestinationConfig; d != nil {
		if d.OnSuccess != nil {
			dests = append(dests, d.OnSuccess.Destination)
		}
		if d.OnFailure != nil {
			dests = append(dests, d.OnFailure.Destination)
		}
	}
	for _, d := range dests {
		if d != "" && !validDestination(d) {
			return nil, invalidParam("The destination ARN %s is invalid.", clip(d, 200))
		}
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.eventTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	e := &eventInvoke{}
	if old := f.eventInvoke[q]; merge && old != nil {
		c := *old
		e = &c
	} else if merge && old == nil {
		return nil, notFound("The function %s doesn't have an EventInvokeConfig", f.arn+":"+q)
	}
	if in.MaximumRetryAttempts != nil || !merge {
		e.retries = cloneInt(in.MaximumRetryAttempts)
	}
	if in.MaximumEventAgeInSeconds != nil || !merge {
		e.maxAge = cloneInt(in.MaximumEventAgeInSeconds)
	}
	if d := in.DestinationConfig; d != nil || !merge {
		e.onSuccess, e.onFailure = "", ""
		if d != nil && d.OnSuccess != nil {
			e.onSuccess = d.OnSuccess.Destination
		}
		if d != nil && d.OnFailure != nil {
			e.onFailure = d.OnFailure.Destination
		}
	}
	e.lastModified = now
	f.eventInvoke[q] = e
	b, _ := json.Marshal(w.eventInvokeOut(f, q, e))
	return b, nil
}

// DeleteFunctionEventInvokeConfig removes the async invoke config.
func (w *World) DeleteFunctionEventInvokeConfig(ref, qualifier string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.eventTarget(ref, qualifier)
	if err != nil {
		return err
	}
	if f.eventInvoke[q] == nil {
		return notFound("The function %s doesn't have an EventInvokeConfig", f.arn+":"+q)
	}
	delete(f.eventInvoke, q)
	return nil
}

func validDestination(d string) bool {
	p := splitColon(d)
	if len(p) < 6 || p[0] != "arn" {
		return false
	}
	switch p[2] {
	case "sqs", "sns", "lambda", "events", "s3":
		return true
	}
	return false
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	n := *p
	return &n
}

// tagFunction resolves a tagging resource ARN to a function.
func (w *World) tagFunction(arn string) (*function, *Error) {
	p := splitColon(arn)
	if len(p) < 7 || p[0] != "arn" || p[2] != "lambda" || p[5] != "function" {
		return nil, validation("1 validation error detected: Value '%s' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)", clip(arn, 200))
	}
	if len(p) > 7 {
		return nil, invalidParam("Tags are not supported on qualified function ARNs: %s", clip(arn, 200))
	}
	f := w.fns[p[6]]
	if f == nil {
		return nil, fnNotFound(clip(arn, 200))
	}
	return f, nil
}

// tagMap resolves a tagging resource ARN (a function or an event source
// mapping) to its tags, creating the mapping's map on first use.
func (w *World) tagMap(arn string) (map[string]string, *Error) {
	if p := splitColon(arn); len(p) == 7 && p[0] == "arn" && p[2] == "lambda" && p[5] == "event-source-mapping" {
		m := w.mappings[p[6]]
		if m == nil {
			return nil, resourceNotFoundWithID()
		}
		if m.tags == nil {
			m.tags = map[string]string{}
		}
		return m.tags, nil
	}
	f, err := w.tagFunction(arn)
	if err != nil {
		return nil, err
	}
	return f.tags, nil
}

// ListTags returns {"Tags":{...}}.
func (w *World) ListTags(arn string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	tags, err := w.tagMap(arn)
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(tagsIn{Tags: tags})
	return b, nil
}

// TagResource adds or replaces tags (at most 50 per function).
func (w *World) TagResource(arn string, tags map[string]string) *Error {
	if len(tags) == 0 {
		return validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 || strings.HasPrefix(k, "aws:") {
			return invalidParam("Invalid tag key or value: %s", clip(k, 128))
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	have, err := w.tagMap(arn)
	if err != nil {
		return err
	}
	n := len(have)
	for k := range tags {
		if _, ok := have[k]; !ok {
			n++
		}
	}
	if n > 50 {
		return invalidParam("Tag limit exceeded: a function can have at most 50 tags.")
	}
	for k, v := range tags {
		have[k] = v
	}
	return nil
}

// UntagResource removes tag keys.
func (w *World) UntagResource(arn string, keys []string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	have, err := w.tagMap(arn)
	if err != nil {
		return err
	}
	for _, k := range keys {
		delete(have, k)
	}
	return nil
}

// FunctionNames returns all function names, sorted.
func (w *World) FunctionNames() []string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return append([]string(nil), w.names...)
}
