package logs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// liveEvent is an event matched by a Live Tail subscription.
type liveEvent struct {
	groupID string // the identifier the client asked for
	stream  string
	e       event
}

// subscription receives events pushed by Store.Logs for its groups. It
// keeps at most max events per update window: beyond that it samples
// uniformly (reservoir sampling) and reports the window as sampled.
type subscription struct {
	groups   map[string]string // group name -> identifier as requested
	names    map[string]bool
	prefixes []string
	pat      *Pattern
	max      int

	mu   sync.Mutex
	buf  []liveEvent
	seen int
	rng  *rand.Rand
}

func newSubscription(max int) *subscription {
	return &subscription{
		groups: map[string]string{},
		max:    max,
		rng:    rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
	}
}

func (sub *subscription) wantsStream(name string) bool {
	if len(sub.names) > 0 && !sub.names[name] {
		return false
	}
	if len(sub.prefixes) > 0 {
		for _, p := range sub.prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
	return true
}

// offer is called by Store.Logs (outside the store lock) with new events.
func (sub *subscription) offer(group, stream string, evs []event) {
	if !sub.wantsStream(stream) {
		return
	}
	gid := sub.groups[group]
	var matched []event
	for _, e := range evs {
		if sub.pat.Match(e.msg) {
			matched = append(matched, e)
		}
	}
	if len(matched) == 0 {
		return
	}
	sub.mu.Lock()
	for _, e := range matched {
		sub.seen++
		le := liveEvent{groupID: gid, stream: stream, e: e}
		if len(sub.buf) < sub.max {
			sub.buf = append(sub.buf, le)
		} else if j := sub.rng.IntN(sub.seen); j < sub.max {
			sub.buf[j] = le
		}
	}
	sub.mu.Unlock()
}

// drain returns the window's events in (timestamp, id) order and whether
// more events matched than were kept.
func (sub *subscription) drain() ([]liveEvent, bool) {
	sub.mu.Lock()
	out, seen := sub.buf, sub.seen
	sub.buf, sub.seen = make([]liveEvent, 0, min(len(out), sub.max)), 0
	sub.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].e.before(out[j].e.ts, out[j].e.id) })
	return out, seen > len(out)
}

// liveTailHeaderDelay: see startLiveTail.
const liveTailHeaderDelay = 10 * time.Millisecond

var errTooManySessions = errors.New("too many live tail sessions")

// subscribe registers sub on its groups; the returned func removes it.
func (s *Store) subscribe(sub *subscription) (func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.MaxLiveTailSessions > 0 && s.sessions >= s.opts.MaxLiveTailSessions {
		return nil, errTooManySessions
	}
	s.sessions++
	for name := range sub.groups {
		list := s.subs[name]
		nl := make([]*subscription, len(list), len(list)+1)
		copy(nl, list)
		s.subs[name] = append(nl, sub)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.sessions--
			for name := range sub.groups {
				list := s.subs[name]
				nl := make([]*subscription, 0, len(list))
				for _, x := range list {
					if x != sub {
						nl = append(nl, x)
					}
				}
				if len(nl) == 0 {
					delete(s.subs, name)
				} else {
					s.subs[name] = nl
				}
			}
		})
	}, nil
}

// LiveTailSessions reports how many Live Tail sessions are open.
func (s *Store) LiveTailSessions() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.sessions
}

// ---- event stream framing (application/vnd.amazon.eventstream) ----

// encodeFrame writes one event-stream message: prelude (total length,
// headers length, CRC32), string headers, payload and the message CRC32.
func encodeFrame(w io.Writer, headers [][2]string, payload []byte) error {
	var hb bytes.Buffer
	for _, h := range headers {
		name, val := h[0], h[1]
		if len(name) > 255 || len(val) > 32767 {
			return errors.New("eventstream header too long")
		}
		hb.WriteByte(byte(len(name)))
		hb.WriteString(name)
		hb.WriteByte(7) // string
		var l [2]byte
		binary.BigEndian.PutUint16(l[:], uint16(len(val)))
		hb.Write(l[:])
		hb.WriteString(val)
	}
	total := 12 + hb.Len() + len(payload) + 4
	msg := make([]byte, 0, total)
	msg = binary.BigEndian.AppendUint32(msg, uint32(total))
	msg = binary.BigEndian.AppendUint32(msg, uint32(hb.Len()))
	msg = binary.BigEndian.AppendUint32(msg, crc32.ChecksumIEEE(msg[:8]))
	msg = append(msg, hb.Bytes()...)
	msg = append(msg, payload...)
	msg = binary.BigEndian.AppendUint32(msg, crc32.ChecksumIEEE(msg))
	_, err := w.Write(msg)
	return err
}

func eventHeaders(eventType string) [][2]string {
	return [][2]string{
		{":message-type", "event"},
		{":event-type", eventType},
		{":content-type", "application/json"},
	}
}

func exceptionHeaders(exceptionType string) [][2]string {
	return [][2]string{
		{":message-type", "exception"},
		{":exception-type", exceptionType},
		{":content-type", "application/json"},
	}
}

// ---- StartLiveTail ----

type startLiveTailInput struct {
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes"`
	LogEventFilterPattern *string  `json:"logEventFilterPattern"`
}

type sessionStart struct {
	RequestID             string   `json:"requestId"`
	SessionID             string   `json:"sessionId"`
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
	LogEventFilterPattern string   `json:"logEventFilterPattern,omitempty"`
}

type liveTailResult struct {
	LogStreamName      string `json:"logStreamName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	Message            string `json:"message"`
	Timestamp          int64  `json:"timestamp"`
	IngestionTime      int64  `json:"ingestionTime"`
}

type sessionUpdate struct {
	SessionMetadata struct {
		Sampled bool `json:"sampled"`
	} `json:"sessionMetadata"`
	SessionResults []liveTailResult `json:"sessionResults"`
}

func (h *handler) startLiveTail(w http.ResponseWriter, r *http.Request, body []byte) {
	var in startLiveTailInput
	if !decode(w, body, &in) {
		return
	}
	n := len(in.LogGroupIdentifiers)
	if n < 1 || n > 10 {
		writeError(w, 400, "InvalidParameterException", "logGroupIdentifiers must contain between 1 and 10 log groups.")
		return
	}
	if len(in.LogStreamNames) > 0 && len(in.LogStreamNamePrefixes) > 0 {
		writeError(w, 400, "InvalidParameterException", "You can specify logStreamNames or logStreamNamePrefixes, not both.")
		return
	}
	if (len(in.LogStreamNames) > 0 || len(in.LogStreamNamePrefixes) > 0) && n > 1 {
		writeError(w, 400, "InvalidParameterException", "logStreamNames and logStreamNamePrefixes can be used only with a single log group.")
		return
	}
	if len(in.LogStreamNames) > 100 || len(in.LogStreamNamePrefixes) > 100 {
		writeError(w, 400, "InvalidParameterException", "At most 100 logStreamNames or logStreamNamePrefixes are allowed.")
		return
	}
	if in.LogStreamNames != nil && len(in.LogStreamNames) == 0 || in.LogStreamNamePrefixes != nil && len(in.LogStreamNamePrefixes) == 0 {
		writeError(w, 400, "InvalidParameterException", "logStreamNames and logStreamNamePrefixes must not be empty when present.")
		return
	}
	sub := newSubscription(h.s.opts.MaxEventsPerUpdate)
	pattern := ""
	if in.LogEventFilterPattern != nil {
		pattern = *in.LogEventFilterPattern
		p, err := ParsePattern(pattern)
		if err != nil {
			writeError(w, 400, "InvalidParameterException", "Invalid filter pattern: "+err.Error())
			return
		}
		sub.pat = p
	}
	for _, id := range in.LogGroupIdentifiers {
		if strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, "*") {
			writeError(w, 400, "InvalidParameterException", "Log group ARNs in logGroupIdentifiers must not end with '*'.")
			return
		}
		name := h.s.resolveGroup(id)
		if !h.s.hasGroup(name) {
			writeError(w, 400, "ResourceNotFoundException", "The specified log group does not exist: "+id)
			return
		}
		sub.groups[name] = id
	}
	if len(in.LogStreamNames) > 0 {
		sub.names = map[string]bool{}
		for _, s := range in.LogStreamNames {
			sub.names[s] = true
		}
	}
	sub.prefixes = in.LogStreamNamePrefixes

	cancel, err := h.s.subscribe(sub)
	if err != nil {
		writeError(w, 400, "LimitExceededException", "You have reached the maximum number of concurrent Live Tail sessions.")
		return
	}
	defer cancel()

	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	// The Go SDK closes the request body as soon as response headers
	// arrive, racing its transport's final EOF read of that body; losing
	// the race closes the connection under the stream. Answering a few
	// milliseconds later lets that read finish first on loopback.
	select {
	case <-time.After(liveTailHeaderDelay):
	case <-r.Context().Done():
		return
	}
	start := h.clk.Now()
	reqID := newUUID()
	w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
	w.Header().Set("X-Amzn-RequestId", reqID)
	w.WriteHeader(http.StatusOK)
	if encodeFrame(w, eventHeaders("initial-response"), []byte("{}")) != nil {
		return
	}
	ss := sessionStart{
		RequestID:             reqID,
		SessionID:             newUUID(),
		LogGroupIdentifiers:   in.LogGroupIdentifiers,
		LogStreamNames:        in.LogStreamNames,
		LogStreamNamePrefixes: in.LogStreamNamePrefixes,
		LogEventFilterPattern: pattern,
	}
	payload, _ := json.Marshal(ss)
	if encodeFrame(w, eventHeaders("sessionStart"), payload) != nil {
		return
	}
	flush()

	ticker := time.NewTicker(h.s.opts.UpdateInterval)
	defer ticker.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.s.done:
			return
		case <-ticker.C:
		}
		if h.clk.Now().Sub(start) >= h.s.opts.SessionTimeout {
			msg, _ := json.Marshal(map[string]string{"message": "Live Tail session has timed out after " + h.s.opts.SessionTimeout.String() + "."})
			_ = encodeFrame(w, exceptionHeaders("SessionTimeoutException"), msg)
			flush()
			return
		}
		evs, sampled := sub.drain()
		var up sessionUpdate
		up.SessionMetadata.Sampled = sampled
		up.SessionResults = make([]liveTailResult, len(evs))
		for i, le := range evs {
			up.SessionResults[i] = liveTailResult{
				LogStreamName:      le.stream,
				LogGroupIdentifier: le.groupID,
				Message:            le.e.msg,
				Timestamp:          le.e.ts,
				IngestionTime:      le.e.ingest,
			}
		}
		payload, _ := json.Marshal(up)
		if encodeFrame(w, eventHeaders("sessionUpdate"), payload) != nil {
			return
		}
		flush()
	}
}
