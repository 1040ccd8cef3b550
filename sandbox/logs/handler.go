package logs

import (
	"bytes"
	"container/heap"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/record"
)

// MaxRequestBytes bounds a request body (PutLogEvents allows 1 MiB of
// events; JSON framing adds some).
const MaxRequestBytes = 2 << 20

// maxResponseBytes bounds the events of one GetLogEvents/FilterLogEvents
// page, as AWS does (1 MB).
const maxResponseBytes = 1 << 20

// filterScanBudget bounds how many stored events one FilterLogEvents call
// examines; past it the page comes back (possibly empty) with a nextToken,
// as AWS's partial pages do.
const filterScanBudget = 200_000

const targetPrefix = "Logs_20140328."

type handler struct {
	s   *Store
	clk clock.Clock
}

// NewHandler serves the CloudWatch Logs awsJson1.1 protocol over s.
// Requests are dispatched on X-Amz-Target "Logs_20140328.<Operation>".
func NewHandler(s *Store, clk clock.Clock) http.Handler {
	if clk == nil {
		clk = s.clk
	}
	return &handler{s: s, clk: clk}
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, 500, "ServiceUnavailableException", "internal error encoding the response")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", newUUID())
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": msg})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.Header().Set("X-Amzn-RequestId", newUUID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// decode parses body into v, answering SerializationException on failure.
func decode(w http.ResponseWriter, body []byte, v any) bool {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, 400, "SerializationException", "Could not parse the request body as JSON: "+err.Error())
		return false
	}
	return true
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			writeError(w, 500, "ServiceUnavailableException", "internal error")
		}
	}()
	target := r.Header.Get("X-Amz-Target")
	if !strings.HasPrefix(target, targetPrefix) {
		writeError(w, 400, "UnknownOperationException", "Missing or unknown X-Amz-Target header; expected Logs_20140328.<Operation>.")
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, 405, "InvalidAction", "Use POST for CloudWatch Logs operations.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, 413, "RequestEntityTooLargeException", fmt.Sprintf("Request body larger than %d bytes.", MaxRequestBytes))
			return
		}
		writeError(w, 400, "SerializationException", "Could not read the request body.")
		return
	}
	op := strings.TrimPrefix(target, targetPrefix)
	switch op {
	case "CreateLogGroup":
		h.createLogGroup(w, body)
	case "CreateLogStream":
		h.createLogStream(w, body)
	case "DeleteLogGroup":
		h.deleteLogGroup(w, body)
	case "DeleteLogStream":
		h.deleteLogStream(w, body)
	case "PutRetentionPolicy":
		h.putRetentionPolicy(w, body)
	case "PutLogEvents":
		h.putLogEvents(w, body)
	case "DescribeLogGroups":
		h.describeLogGroups(w, body)
	case "DescribeLogStreams":
		h.describeLogStreams(w, body)
	case "GetLogEvents":
		h.getLogEvents(w, body)
	case "FilterLogEvents":
		h.filterLogEvents(w, body)
	case "StartLiveTail":
		h.startLiveTail(w, r, body)
	default:
		writeError(w, 400, "UnknownOperationException", "The sandbox does not implement "+op+".")
	}
}

// ---- helpers ----

var groupNameRE = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)

func validStreamName(n string) bool {
	return n != "" && len(n) <= 512 && !strings.ContainsAny(n, ":*")
}

func (s *Store) hasGroup(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.groups[name] != nil
}

// groupRef names one log group, by logGroupName or by logGroupIdentifier
// (a name or an ARN); pickGroup resolves it.
type groupRef struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
}

// pageIn is the paging input of the listing operations.
type pageIn struct {
	NextToken *string `json:"nextToken"`
	Limit     *int    `json:"limit"`
}

// pickGroup resolves logGroupName / logGroupIdentifier.
func (h *handler) pickGroup(w http.ResponseWriter, ref groupRef) (string, bool) {
	name, ident := ref.LogGroupName, ref.LogGroupIdentifier
	switch {
	case name != nil && ident != nil:
		writeError(w, 400, "InvalidParameterException", "Specify either logGroupName or logGroupIdentifier, not both.")
		return "", false
	case name != nil:
		return *name, true
	case ident != nil:
		return h.s.resolveGroup(*ident), true
	}
	writeError(w, 400, "InvalidParameterException", "Either logGroupName or logGroupIdentifier is required.")
	return "", false
}

func errNoGroup(w http.ResponseWriter) {
	writeError(w, 400, "ResourceNotFoundException", "The specified log group does not exist.")
}

func errNoStream(w http.ResponseWriter) {
	writeError(w, 400, "ResourceNotFoundException", "The specified log stream does not exist.")
}

func errBadToken(w http.ResponseWriter) {
	writeError(w, 400, "InvalidParameterException", "The specified nextToken is invalid.")
}

// checkLimit validates an optional limit in [1, max] and returns it or def.
func checkLimit(w http.ResponseWriter, l *int, max, def int) (int, bool) {
	if l == nil {
		return def, true
	}
	if *l < 1 || *l > max {
		writeError(w, 400, "InvalidParameterException", fmt.Sprintf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *l, max))
		return 0, false
	}
	return *l, true
}

// writePage writes resp with "nextToken" added when next is set.
func writePage(w http.ResponseWriter, resp map[string]any, next *string) {
	if next != nil {
		resp["nextToken"] = *next
	}
	writeJSON(w, resp)
}

func encodeToken(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

func decodeToken(tok string, n int) ([]string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != n {
		return nil, false
	}
	return parts, true
}

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

// ---- DescribeLogGroups ----

type describeLogGroupsInput struct {
	pageIn
	LogGroupNamePrefix  *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string  `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
}

type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int   `json:"retentionInDays,omitempty"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

func (h *handler) describeLogGroups(w http.ResponseWriter, body []byte) {
	var in describeLogGroupsInput
	if !decode(w, body, &in) {
		return
	}
	limit, ok := checkLimit(w, in.Limit, 50, 50)
	if !ok {
		return
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		writeError(w, 400, "InvalidParameterException", "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive. Only one of these parameters can be passed.")
		return
	}
	after := ""
	if in.NextToken != nil {
		parts, ok := decodeToken(*in.NextToken, 2)
		if !ok || parts[0] != "g" {
			errBadToken(w)
			return
		}
		after = parts[1]
	}
	var want map[string]bool
	if len(in.LogGroupIdentifiers) > 0 {
		want = map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			want[h.s.resolveGroup(id)] = true
		}
	}
	s := h.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := 0
	if in.NextToken != nil {
		i = sort.Search(len(s.names), func(i int) bool { return s.names[i] > after })
	} else if in.LogGroupNamePrefix != nil {
		i = sort.SearchStrings(s.names, *in.LogGroupNamePrefix)
	}
	out := []logGroupOut{}
	var next *string
	pattern := ""
	if in.LogGroupNamePattern != nil {
		pattern = strings.ToLower(*in.LogGroupNamePattern)
	}
	for ; i < len(s.names); i++ {
		name := s.names[i]
		if in.LogGroupNamePrefix != nil && !strings.HasPrefix(name, *in.LogGroupNamePrefix) {
			if name > *in.LogGroupNamePrefix {
				break
			}
			continue
		}
		if pattern != "" && !strings.Contains(strings.ToLower(name), pattern) {
			continue
		}
		if want != nil && !want[name] {
			continue
		}
		if len(out) == limit {
			t := encodeToken("g", out[len(out)-1].LogGroupName)
			next = &t
			break
		}
		g := s.groups[name]
		o := logGroupOut{
			LogGroupName:  name,
			CreationTime:  g.created,
			Arn:           s.groupARN(name) + ":*",
			LogGroupArn:   s.groupARN(name),
			StoredBytes:   g.bytes,
			LogGroupClass: "STANDARD",
		}
		if g.retentionDays > 0 {
			d := g.retentionDays
			o.RetentionInDays = &d
		}
		out = append(out, o)
	}
	writePage(w, map[string]any{"logGroups": out}, next)
}

// ---- DescribeLogStreams ----

type describeLogStreamsInput struct {
	groupRef
	pageIn
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          *bool   `json:"descending"`
}

type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

type streamRow struct {
	name    string
	lastTs  int64
	hasLast bool
	out     logStreamOut
}

func (h *handler) describeLogStreams(w http.ResponseWriter, body []byte) {
	var in describeLogStreamsInput
	if !decode(w, body, &in) {
		return
	}
	name, ok := h.pickGroup(w, in.groupRef)
	if !ok {
		return
	}
	limit, ok := checkLimit(w, in.Limit, 50, 50)
	if !ok {
		return
	}
	orderBy := "LogStreamName"
	if in.OrderBy != nil {
		orderBy = *in.OrderBy
	}
	if orderBy != "LogStreamName" && orderBy != "LastEventTime" {
		writeError(w, 400, "InvalidParameterException", "orderBy must be LogStreamName or LastEventTime.")
		return
	}
	if orderBy == "LastEventTime" && in.LogStreamNamePrefix != nil {
		writeError(w, 400, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
		return
	}
	desc := in.Descending != nil && *in.Descending
	var afterKey string
	if in.NextToken != nil {
		parts, ok := decodeToken(*in.NextToken, 2)
		if !ok || parts[0] != "s"+orderBy+strconv.FormatBool(desc) {
			errBadToken(w)
			return
		}
		afterKey = parts[1]
	}
	s := h.s
	s.mu.RLock()
	g := s.groups[name]
	if g == nil {
		s.mu.RUnlock()
		errNoGroup(w)
		return
	}
	rows := make([]streamRow, 0, len(g.streams))
	arnBase := "arn:aws:logs:" + s.opts.Region + ":" + s.opts.Account + ":log-group:" + name + ":log-stream:"
	for _, st := range g.streams {
		if in.LogStreamNamePrefix != nil && !strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
			continue
		}
		r := streamRow{name: st.name, lastTs: st.lastTs, hasLast: st.hasEvents}
		r.out = logStreamOut{
			LogStreamName:       st.name,
			CreationTime:        st.created,
			UploadSequenceToken: "1",
			Arn:                 arnBase + st.name,
			StoredBytes:         st.bytes,
		}
		if live := st.live(); len(live) > 0 {
			f := live[0].ts
			r.out.FirstEventTimestamp = &f
		}
		if st.hasEvents {
			l, li := st.lastTs, st.lastIngest
			r.out.LastEventTimestamp = &l
			r.out.LastIngestionTime = &li
		}
		rows = append(rows, r)
	}
	s.mu.RUnlock()

	key := func(r streamRow) string {
		if orderBy == "LogStreamName" {
			return r.name
		}
		ts := int64(-1)
		if r.hasLast {
			ts = r.lastTs
		}
		// fixed-width so string order is numeric order; negative sorts first
		return fmt.Sprintf("%020d", ts+1) + "\x01" + r.name
	}
	keys := make([]string, len(rows))
	for i := range rows {
		keys[i] = key(rows[i])
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		if desc {
			return keys[idx[a]] > keys[idx[b]]
		}
		return keys[idx[a]] < keys[idx[b]]
	})
	out := []logStreamOut{}
	var next *string
	lastKey := ""
	for _, i := range idx {
		k := keys[i]
		if in.NextToken != nil && ((!desc && k <= afterKey) || (desc && k >= afterKey)) {
			continue
		}
		if len(out) == limit {
			t := encodeToken("s"+orderBy+strconv.FormatBool(desc), lastKey)
			next = &t
			break
		}
		out = append(out, rows[i].out)
		lastKey = k
	}
	writePage(w, map[string]any{"logStreams": out}, next)
}

// ---- GetLogEvents ----

type getLogEventsInput struct {
	groupRef
	pageIn
	LogStreamName *string `json:"logStreamName"`
	StartTime     *int64  `json:"startTime"`
	EndTime       *int64  `json:"endTime"`
	StartFromHead *bool   `json:"startFromHead"`
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// stream tokens: "f/<ts>/<id>/s" (events after key) and "b/<ts>/<id>/s"
// (events before key).
func streamToken(dir byte, ts int64, id uint64) string {
	return fmt.Sprintf("%c/%d/%d/s", dir, ts, id)
}

func parseStreamToken(tok string) (dir byte, ts int64, id uint64, ok bool) {
	parts := strings.Split(tok, "/")
	if len(parts) != 4 || (parts[0] != "f" && parts[0] != "b") || parts[3] != "s" {
		return 0, 0, 0, false
	}
	ts, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseUint(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, 0, false
	}
	return parts[0][0], ts, id, true
}

func (h *handler) getLogEvents(w http.ResponseWriter, body []byte) {
	var in getLogEventsInput
	if !decode(w, body, &in) {
		return
	}
	name, ok := h.pickGroup(w, in.groupRef)
	if !ok {
		return
	}
	if in.LogStreamName == nil {
		writeError(w, 400, "InvalidParameterException", "logStreamName is required.")
		return
	}
	limit, ok := checkLimit(w, in.Limit, 10000, 10000)
	if !ok {
		return
	}
	var dir byte
	var kts int64
	var kid uint64
	if in.NextToken != nil {
		dir, kts, kid, ok = parseStreamToken(*in.NextToken)
		if !ok {
			errBadToken(w)
			return
		}
	}
	s := h.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.groups[name]
	if g == nil {
		errNoGroup(w)
		return
	}
	st := g.streams[*in.LogStreamName]
	if st == nil {
		errNoStream(w)
		return
	}
	live := st.live()
	// Window [lo, hi) of events inside the time range: startTime inclusive,
	// endTime exclusive.
	lo, hi := 0, len(live)
	if in.StartTime != nil {
		lo = sort.Search(len(live), func(i int) bool { return live[i].ts >= *in.StartTime })
	}
	if in.EndTime != nil {
		hi = sort.Search(len(live), func(i int) bool { return live[i].ts >= *in.EndTime })
	}
	if hi < lo {
		hi = lo
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	switch dir {
	case 'f':
		forward = true
		k := sort.Search(len(live), func(i int) bool { return !live[i].before(kts, kid+1) }) // first event after key
		lo = max(lo, k)
	case 'b':
		forward = false
		k := sort.Search(len(live), func(i int) bool { return !live[i].before(kts, kid) }) // first event at/after key
		hi = min(hi, k)
	}
	if hi < lo {
		hi = lo
	}
	// Pick up to limit events (and ≤1 MB) from the head or the tail.
	var a, b int
	size := 0
	if forward {
		a, b = lo, lo
		for b < hi && b-a < limit && size+len(live[b].msg)+26 <= maxResponseBytes {
			size += len(live[b].msg) + 26
			b++
		}
	} else {
		a, b = hi, hi
		for a > lo && b-a < limit && size+len(live[a-1].msg)+26 <= maxResponseBytes {
			size += len(live[a-1].msg) + 26
			a--
		}
	}
	events := make([]outputLogEvent, 0, b-a)
	for _, e := range live[a:b] {
		events = append(events, outputLogEvent{Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest})
	}
	var fwd, back string
	if b > a {
		first, last := live[a], live[b-1]
		fwd = streamToken('f', last.ts, last.id)
		back = streamToken('b', first.ts, first.id)
	} else {
		// Nothing returned: at the end of the stream AWS hands back the very
		// token it was given, so a caller following nextForwardToken sees
		// the same token and knows it has caught up.
		switch {
		case dir == 'f':
			fwd = *in.NextToken
			back = streamToken('b', kts, kid+1)
		case dir == 'b':
			back = *in.NextToken
			fwd = streamToken('f', kts, kid-min(kid, 1))
		default:
			// Empty window: point both tokens at its position.
			pos := lo
			if !forward {
				pos = hi
			}
			if pos > 0 {
				p := live[pos-1]
				fwd = streamToken('f', p.ts, p.id)
			} else {
				start := int64(0)
				if in.StartTime != nil {
					start = *in.StartTime
				}
				fwd = streamToken('f', start, 0)
			}
			_, pts, pid, _ := parseStreamToken(fwd)
			back = streamToken('b', pts, pid+1)
		}
	}
	writeJSON(w, map[string]any{"events": events, "nextForwardToken": fwd, "nextBackwardToken": back})
}

// ---- FilterLogEvents ----

type filterLogEventsInput struct {
	groupRef
	pageIn
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

// cursor walks one stream's events inside the time range.
type cursor struct {
	st   *stream
	evs  []event
	next int
}

type cursorHeap []*cursor

func (c cursorHeap) Len() int { return len(c) }
func (c cursorHeap) Less(i, j int) bool {
	a, b := &c[i].evs[c[i].next], &c[j].evs[c[j].next]
	return a.before(b.ts, b.id)
}
func (c cursorHeap) Swap(i, j int) { c[i], c[j] = c[j], c[i] }
func (c *cursorHeap) Push(x any)   { *c = append(*c, x.(*cursor)) }
func (c *cursorHeap) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}

func eventID(id uint64) string { return fmt.Sprintf("%056d", id) }

func (h *handler) filterLogEvents(w http.ResponseWriter, body []byte) {
	var in filterLogEventsInput
	if !decode(w, body, &in) {
		return
	}
	name, ok := h.pickGroup(w, in.groupRef)
	if !ok {
		return
	}
	limit, ok := checkLimit(w, in.Limit, 10000, 10000)
	if !ok {
		return
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		writeError(w, 400, "InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive.")
		return
	}
	if len(in.LogStreamNames) > 100 {
		writeError(w, 400, "InvalidParameterException", "At most 100 logStreamNames are allowed.")
		return
	}
	var pat *Pattern
	if in.FilterPattern != nil {
		p, err := ParsePattern(*in.FilterPattern)
		if err != nil {
			writeError(w, 400, "InvalidParameterException", "Invalid filter pattern: "+err.Error())
			return
		}
		pat = p
	}
	// Resume strictly after (ts, id).
	var rts int64
	var rid uint64
	resume := false
	if in.NextToken != nil {
		parts, ok := decodeToken(*in.NextToken, 3)
		if !ok || parts[0] != "e" {
			errBadToken(w)
			return
		}
		var err1, err2 error
		rts, err1 = strconv.ParseInt(parts[1], 10, 64)
		rid, err2 = strconv.ParseUint(parts[2], 10, 64)
		if err1 != nil || err2 != nil {
			errBadToken(w)
			return
		}
		resume = true
	}
	s := h.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.groups[name]
	if g == nil {
		errNoGroup(w)
		return
	}
	var streams []*stream
	if len(in.LogStreamNames) > 0 {
		for _, n := range in.LogStreamNames {
			if st := g.streams[n]; st != nil {
				streams = append(streams, st)
			}
		}
	} else {
		for _, st := range g.streams {
			if in.LogStreamNamePrefix == nil || strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
				streams = append(streams, st)
			}
		}
	}
	sort.Slice(streams, func(i, j int) bool { return streams[i].name < streams[j].name })
	h2 := cursorHeap{}
	searched := make([]searchedStream, 0, len(streams))
	for _, st := range streams {
		live := st.live()
		lo, hi := 0, len(live)
		if in.StartTime != nil {
			lo = sort.Search(len(live), func(i int) bool { return live[i].ts >= *in.StartTime })
		}
		if in.EndTime != nil {
			hi = sort.Search(len(live), func(i int) bool { return live[i].ts > *in.EndTime })
		}
		if resume {
			k := sort.Search(len(live), func(i int) bool { return !live[i].before(rts, rid+1) })
			lo = max(lo, k)
		}
		searched = append(searched, searchedStream{LogStreamName: st.name, SearchedCompletely: true})
		if lo < hi {
			h2 = append(h2, &cursor{st: st, evs: live[lo:hi]})
		}
	}
	heap.Init(&h2)
	out := []filteredEvent{}
	size, scanned := 0, 0
	var next *string
	var lastTs int64
	var lastID uint64
	for h2.Len() > 0 {
		c := h2[0]
		e := &c.evs[c.next]
		if len(out) == limit || size+len(e.msg)+26 > maxResponseBytes || scanned >= filterScanBudget {
			t := encodeToken("e", strconv.FormatInt(lastTs, 10), strconv.FormatUint(lastID, 10))
			next = &t
			break
		}
		scanned++
		if pat.Match(e.msg) {
			out = append(out, filteredEvent{LogStreamName: c.st.name, Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest, EventID: eventID(e.id)})
			size += len(e.msg) + 26
		}
		lastTs, lastID = e.ts, e.id
		c.next++
		if c.next == len(c.evs) {
			heap.Pop(&h2)
		} else {
			heap.Fix(&h2, 0)
		}
	}
	writePage(w, map[string]any{"events": out, "searchedLogStreams": searched}, next)
}
