package lambda

import (
	"encoding/json"

	"github.com/lambdaops/lambdaops/model"
	"sort"
	"strings"
	"time"
)

func (w *World) mappingOut(m *mapping, now time.Time) esmJSON {
	out := esmJSON{
		UUID:                           m.uuid,
		BatchSize:                      m.batchSize,
		MaximumBatchingWindowInSeconds: m.window,
		EventSourceArn:                 m.sourceARN,
		FunctionArn:                    w.fnARN(m.function) + qualSuffix(m.qualifier),
		LastModified:                   epoch(m.lastMod),
		State:                          m.state(now),
		StateTransitionReason:          orDefault(m.stateReason, "USER_INITIATED"),
		EventSourceMappingArn:          "arn:aws:lambda:" + w.region + ":" + w.account + ":event-source-mapping:" + m.uuid,
	}
	if m.sourceType != "SQS" {
		out.StartingPosition = orDefault(m.startPos, "LATEST")
		out.LastProcessingResult = orDefault(m.lastResult, "OK")
		out.ParallelizationFactor = 1
	}
	return out
}

// ListEventSourceMappings pages mappings (100 per page), optionally
// filtered by function and/or event source ARN.
func (w *World) ListEventSourceMappings(fnRef, sourceARN, marker string, maxItems int) ([]byte, *Error) {
	if maxItems < 0 || maxItems > 10000 {
		return nil, validation("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000", maxItems)
	}
	size := pageSize(maxItems, maxMappingsPage)
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	fnName, fnQual := "", ""
	if fnRef != "" {
		n, q, err := ParseFunctionName(fnRef)
		if err != nil {
			return nil, err
		}
		if w.fns[n] == nil {
			return nil, fnNotFound(w.fnARN(n) + qualSuffix(q))
		}
		fnName, fnQual = n, q
	}
	start := 0
	if marker != "" {
		m, err := decodeMarker(marker)
		if err != nil {
			return nil, err
		}
		start = sort.SearchStrings(w.mapIDs, m)
	}
	var items [][]byte
	next := ""
	for i := start; i < len(w.mapIDs); i++ {
		m := w.mappings[w.mapIDs[i]]
		if fnName != "" && (m.function != fnName || (fnQual != "" && m.qualifier != fnQual)) {
			continue
		}
		if sourceARN != "" && m.sourceARN != sourceARN {
			continue
		}
		if len(items) == size {
			next = encodeMarker(m.uuid)
			break
		}
		b, _ := json.Marshal(w.mappingOut(m, now))
		items = append(items, b)
	}
	return appendList("EventSourceMappings", items, next), nil
}

func (w *World) mappingByID(id string) (*mapping, *Error) {
	m := w.mappings[id]
	if m == nil {
		return nil, resourceNotFoundWithID()
	}
	return m, nil
}

// GetEventSourceMapping returns one mapping.
func (w *World) GetEventSourceMapping(id string) ([]byte, *Error) {
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	m, err := w.mappingByID(id)
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(w.mappingOut(m, now))
	return b, nil
}

// UpdateEventSourceMapping enables/disables a mapping (Enabling/Disabling
// for MappingDelay) and sets its batch size and window.
func (w *World) UpdateEventSourceMapping(id string, in *esmUpdateIn) ([]byte, *Error) {
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	m, err := w.mappingByID(id)
	if err != nil {
		return nil, err
	}
	if now.Before(m.transitTil) {
		return nil, errf(400, "ResourceInUseException", "Cannot update the event source mapping because it is in use. The mapping is %s.", strings.ToLower(m.state(now)))
	}
	batch, window := m.batchSize, m.window
	if in.BatchSize != nil {
		batch = *in.BatchSize
	}
	if in.MaximumBatchingWindowInSeconds != nil {
		window = *in.MaximumBatchingWindowInSeconds
	}
	maxBatch := 10000
	if batch < 1 || batch > maxBatch {
		return nil, invalidParam("BatchSize must be between 1 and %d for %s event sources.", maxBatch, m.sourceType)
	}
	if window < 0 || window > 300 {
		return nil, invalidParam("MaximumBatchingWindowInSeconds must be between 0 and 300.")
	}
	if m.sourceType == "SQS" && batch > 10 && window < 1 {
		return nil, invalidParam("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
	}
	if in.FunctionName != nil && *in.FunctionName != "" {
		n, q, err := ParseFunctionName(*in.FunctionName)
		if err != nil {
			return nil, err
		}
		if w.fns[n] == nil {
			return nil, fnNotFound(w.fnARN(n) + qualSuffix(q))
		}
		m.function, m.qualifier = n, q
	}
	m.batchSize, m.window = batch, window
	switch {
	case in.Enabled != nil && *in.Enabled != m.enabled:
		m.enabled = *in.Enabled
		m.transitTil = now.Add(MappingDelay)
		m.transit = map[bool]string{true: "Enabling", false: "Disabling"}[m.enabled]
	case in.Enabled != nil || in.BatchSize != nil || in.MaximumBatchingWindowInSeconds != nil || in.FunctionName != nil:
		m.transitTil = now.Add(time.Second)
		m.transit = "Updating"
	}
	m.lastMod = now
	m.stateReason = "USER_INITIATED"
	out := w.mappingOut(m, now)
	b, _ := json.Marshal(out)
	return b, nil
}

// MappingInfo describes a mapping for the traffic engine.
type MappingInfo struct {
	UUID       string
	Function   string
	Qualifier  string
	SourceARN  string
	SourceType string // SQS | Kinesis | DynamoDB
	BatchSize  int
	Window     int
	State      string
	Enabled    bool // State is Enabled (or Enabling past its delay)
}

// Mappings lists every mapping's current state.
func (w *World) Mappings() []MappingInfo {
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	out := make([]MappingInfo, 0, len(w.mapIDs))
	for _, id := range w.mapIDs {
		m := w.mappings[id]
		st := m.state(now)
		out = append(out, MappingInfo{UUID: id, Function: m.function, Qualifier: m.qualifier, SourceARN: m.sourceARN, SourceType: m.sourceType, BatchSize: m.batchSize, Window: m.window, State: st, Enabled: st == "Enabled"})
	}
	return out
}

// SetMappingResult records a mapping's LastProcessingResult (traffic engine).
func (w *World) SetMappingResult(id, result string) {
	w.mu.Lock()
	if m := w.mappings[id]; m != nil {
		m.lastResult = result
	}
	w.mu.Unlock()
}

type esmCreateIn struct {
	EventSourceArn                 string  `json:"EventSourceArn"`
	FunctionName                   string  `json:"FunctionName"`
	Enabled                        *bool   `json:"Enabled"`
	BatchSize                      *int    `json:"BatchSize"`
	MaximumBatchingWindowInSeconds *int    `json:"MaximumBatchingWindowInSeconds"`
	StartingPosition               *string `json:"StartingPosition"`
}

// CreateEventSourceMapping creates a mapping (Creating, then Enabled or
// Disabled after MappingDelay).
func (w *World) CreateEventSourceMapping(in *esmCreateIn) ([]byte, *Error) {
	typ := model.SourceTypeFromARN(in.EventSourceArn)
	if typ != "SQS" && typ != "Kinesis" && typ != "DynamoDB" {
		return nil, invalidParam("Unrecognized event source, must be an SQS queue, a Kinesis stream or a DynamoDB stream: %s", clip(in.EventSourceArn, 200))
	}
	if typ != "SQS" && (in.StartingPosition == nil || *in.StartingPosition == "") {
		return nil, invalidParam("1 validation error detected: StartingPosition is required for %s event sources.", typ)
	}
	batch := 100
	if typ == "SQS" {
		batch = 10
	}
	if in.BatchSize != nil {
		batch = *in.BatchSize
	}
	window := 0
	if in.MaximumBatchingWindowInSeconds != nil {
		window = *in.MaximumBatchingWindowInSeconds
	}
	if batch < 1 || batch > 10000 {
		return nil, invalidParam("BatchSize must be between 1 and 10000 for %s event sources.", typ)
	}
	if window < 0 || window > 300 {
		return nil, invalidParam("MaximumBatchingWindowInSeconds must be between 0 and 300.")
	}
	if typ == "SQS" && batch > 10 && window < 1 {
		return nil, invalidParam("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
	}
	name, q, err := ParseFunctionName(in.FunctionName)
	if err != nil {
		return nil, err
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.fns[name]
	if f == nil {
		return nil, fnNotFound(w.fnARN(name) + qualSuffix(q))
	}
	for _, id := range w.mapIDs {
		if m := w.mappings[id]; m.function == name && m.qualifier == q && m.sourceARN == in.EventSourceArn {
			return nil, conflict("An event source mapping with %s arn (\" %s \") and function (\" %s \") already exists. Please update or delete the existing mapping with UUID %s", typ, in.EventSourceArn, name, m.uuid)
		}
	}
	m := &mapping{uuid: w.uuid(), function: name, qualifier: q, sourceARN: in.EventSourceArn, sourceType: typ, batchSize: batch, window: window,
		enabled: in.Enabled == nil || *in.Enabled, transitTil: now.Add(MappingDelay), transit: "Creating", lastMod: now, stateReason: "USER_INITIATED"}
	if in.StartingPosition != nil {
		m.startPos = *in.StartingPosition
	}
	if typ != "SQS" {
		m.lastResult = "No records processed"
	}
	w.insertMapping(m)
	b, _ := json.Marshal(w.mappingOut(m, now))
	return b, nil
}

// DeleteEventSourceMapping removes a mapping; the response shows it Deleting.
func (w *World) DeleteEventSourceMapping(id string) ([]byte, *Error) {
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	m, err := w.mappingByID(id)
	if err != nil {
		return nil, err
	}
	if now.Before(m.transitTil) {
		return nil, errf(400, "ResourceInUseException", "Cannot delete the event source mapping because it is in use. The mapping is %s.", strings.ToLower(m.state(now)))
	}
	out := w.mappingOut(m, now)
	out.State = "Deleting"
	delete(w.mappings, id)
	i := sort.SearchStrings(w.mapIDs, id)
	if i < len(w.mapIDs) && w.mapIDs[i] == id {
		w.mapIDs = append(w.mapIDs[:i], w.mapIDs[i+1:]...)
	}
	b, _ := json.Marshal(out)
	return b, nil
}
