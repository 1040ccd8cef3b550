package logs

import (
	"net/http"

	"github.com/lambdaops/lambdaops/sandbox/record"
)

// ---- groups and streams ----

type groupNameInput struct {
	LogGroupName    *string           `json:"logGroupName"`
	LogStreamName   *string           `json:"logStreamName"`
	RetentionInDays *int              `json:"retentionInDays"`
	Tags            map[string]string `json:"tags"`
}

func (h *handler) createLogGroup(w http.ResponseWriter, body []byte) {
	var in groupNameInput
	if !decode(w, body, &in) {
		return
	}
	if in.LogGroupName == nil || !groupNameRE.MatchString(*in.LogGroupName) {
		writeError(w, 400, "InvalidParameterException", "logGroupName must be 1-512 characters of [.-_/#A-Za-z0-9].")
		return
	}
	s := h.s
	s.mu.Lock()
	if s.groups[*in.LogGroupName] != nil {
		s.mu.Unlock()
		writeError(w, 400, "ResourceAlreadyExistsException", "The specified log group already exists")
		return
	}
	s.groupLocked(*in.LogGroupName)
	s.mu.Unlock()
	writeJSON(w, struct{}{})
}

func (h *handler) deleteLogGroup(w http.ResponseWriter, body []byte) {
	var in groupNameInput
	if !decode(w, body, &in) {
		return
	}
	if in.LogGroupName == nil {
		writeError(w, 400, "InvalidParameterException", "logGroupName is required.")
		return
	}
	s := h.s
	s.mu.Lock()
	if s.groups[*in.LogGroupName] == nil {
		s.mu.Unlock()
		errNoGroup(w)
		return
	}
	s.deleteGroupLocked(*in.LogGroupName)
	s.mu.Unlock()
	writeJSON(w, struct{}{})
}

func (h *handler) putRetentionPolicy(w http.ResponseWriter, body []byte) {
	var in groupNameInput
	if !decode(w, body, &in) {
		return
	}
	if in.LogGroupName == nil || in.RetentionInDays == nil {
		writeError(w, 400, "InvalidParameterException", "logGroupName and retentionInDays are required.")
		return
	}
	switch *in.RetentionInDays {
	case 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653:
	default:
		writeError(w, 400, "InvalidParameterException", "retentionInDays is not one of the allowed values.")
		return
	}
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[*in.LogGroupName]
	if g == nil {
		errNoGroup(w)
		return
	}
	g.retentionDays = *in.RetentionInDays
	writeJSON(w, struct{}{})
}

func (h *handler) createLogStream(w http.ResponseWriter, body []byte) {
	var in groupNameInput
	if !decode(w, body, &in) {
		return
	}
	if in.LogGroupName == nil || in.LogStreamName == nil || !validStreamName(*in.LogStreamName) {
		writeError(w, 400, "InvalidParameterException", "logGroupName and logStreamName (1-512 characters, no ':' or '*') are required.")
		return
	}
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[*in.LogGroupName]
	if g == nil {
		errNoGroup(w)
		return
	}
	if g.streams[*in.LogStreamName] != nil {
		writeError(w, 400, "ResourceAlreadyExistsException", "The specified log stream already exists")
		return
	}
	g.streams[*in.LogStreamName] = &stream{name: *in.LogStreamName, created: ms(h.clk.Now())}
	writeJSON(w, struct{}{})
}

func (h *handler) deleteLogStream(w http.ResponseWriter, body []byte) {
	var in groupNameInput
	if !decode(w, body, &in) {
		return
	}
	if in.LogGroupName == nil || in.LogStreamName == nil {
		writeError(w, 400, "InvalidParameterException", "logGroupName and logStreamName are required.")
		return
	}
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[*in.LogGroupName]
	if g == nil {
		errNoGroup(w)
		return
	}
	st := g.streams[*in.LogStreamName]
	if st == nil {
		errNoStream(w)
		return
	}
	g.dropStreamTokens(st)
	g.bytes -= st.bytes
	s.total -= st.bytes
	delete(g.streams, st.name)
	writeJSON(w, struct{}{})
}

type inputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  *string         `json:"logGroupName"`
	LogStreamName *string         `json:"logStreamName"`
	LogEvents     []inputLogEvent `json:"logEvents"`
}

type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

func (h *handler) putLogEvents(w http.ResponseWriter, body []byte) {
	var in putLogEventsInput
	if !decode(w, body, &in) {
		return
	}
	if in.LogGroupName == nil || in.LogStreamName == nil {
		writeError(w, 400, "InvalidParameterException", "logGroupName and logStreamName are required.")
		return
	}
	if len(in.LogEvents) < 1 || len(in.LogEvents) > 10000 {
		writeError(w, 400, "InvalidParameterException", "logEvents must contain between 1 and 10000 events.")
		return
	}
	now := ms(h.clk.Now())
	const day = int64(24 * 3600 * 1000)
	lines := make([]record.LogLine, 0, len(in.LogEvents))
	var prev int64
	var tooOld, tooNew *int
	size := 0
	for i, e := range in.LogEvents {
		if e.Timestamp == nil || e.Message == nil {
			writeError(w, 400, "InvalidParameterException", "Each log event needs a timestamp and a message.")
			return
		}
		if len(*e.Message) == 0 || len(*e.Message) > 1<<20-26 {
			writeError(w, 400, "InvalidParameterException", "Log event messages must be 1 to 1,048,550 bytes.")
			return
		}
		if i > 0 && *e.Timestamp < prev {
			writeError(w, 400, "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
			return
		}
		prev = *e.Timestamp
		size += len(*e.Message) + 26
		switch {
		case *e.Timestamp < now-14*day:
			i := i
			tooOld = &i
			continue
		case *e.Timestamp > now+2*3600*1000:
			if tooNew == nil {
				i := i
				tooNew = &i
			}
			continue
		}
		lines = append(lines, record.LogLine{Time: msTime(*e.Timestamp), Message: *e.Message})
	}
	if first, last := *in.LogEvents[0].Timestamp, *in.LogEvents[len(in.LogEvents)-1].Timestamp; last-first > day {
		writeError(w, 400, "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
		return
	}
	if size > 1<<20 {
		writeError(w, 400, "InvalidParameterException", "The batch of log events is larger than 1,048,576 bytes.")
		return
	}
	s := h.s
	s.mu.RLock()
	g := s.groups[*in.LogGroupName]
	var st *stream
	if g != nil {
		st = g.streams[*in.LogStreamName]
	}
	s.mu.RUnlock()
	if g == nil {
		errNoGroup(w)
		return
	}
	if st == nil {
		errNoStream(w)
		return
	}
	s.Logs(*in.LogGroupName, *in.LogStreamName, lines)
	out := map[string]any{}
	if tooOld != nil || tooNew != nil {
		out["rejectedLogEventsInfo"] = rejectedInfo{TooNewLogEventStartIndex: tooNew, TooOldLogEventEndIndex: tooOld}
	}
	writeJSON(w, out)
}
