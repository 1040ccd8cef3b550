package logs

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

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
