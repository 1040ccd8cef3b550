package logs

import (
	"container/heap"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

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
