package sandbox

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Stats are per-operation request counts and status codes since Start.
type Stats struct {
	Requests int64              // every request, dropped ones included
	Ops      map[string]OpStats // by operation name (ListFunctions, GetMetricData, ...)
}

// OpStats counts one operation's requests.
type OpStats struct {
	Requests  int64
	Status    map[int]int64 // HTTP status → count
	Throttled int64         // answered with the protocol's throttling error
	Dropped   int64         // connection closed with no response
	// QuotaThrottled counts the throttles from --quotas alone (a subset of
	// Throttled, which also counts injected throttling faults).
	QuotaThrottled int64
}

// Count returns the requests made to op.
func (s Stats) Count(op string) int64 { return s.Ops[op].Requests }

// Throttles returns the throttled requests across all operations.
func (s Stats) Throttles() int64 {
	var n int64
	for _, o := range s.Ops {
		n += o.Throttled
	}
	return n
}

// Status returns the requests across all operations answered with code.
func (s Stats) Status(code int) int64 {
	var n int64
	for _, o := range s.Ops {
		n += o.Status[code]
	}
	return n
}

// QuotaThrottles returns the requests refused by --quotas across all operations.
func (s Stats) QuotaThrottles() int64 {
	var n int64
	for _, o := range s.Ops {
		n += o.QuotaThrottled
	}
	return n
}

// Mutations returns the requests to operations that change state
// (Create*, Update*, Delete*, Put*, Publish*, Tag*, Untag*, AddPermission),
// whatever their outcome.
func (s Stats) Mutations() int64 {
	var n int64
	for name, o := range s.Ops {
		if isMutation(name) {
			n += o.Requests
		}
	}
	return n
}

func isMutation(op string) bool {
	for _, p := range []string{"Create", "Update", "Delete", "Put", "Publish", "Tag", "Untag", "AddPermission", "RemovePermission"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// Operations returns the operation names seen, sorted.
func (s Stats) Operations() []string {
	out := make([]string, 0, len(s.Ops))
	for k := range s.Ops {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type opCounter struct {
	requests  atomic.Int64
	throttled atomic.Int64
	dropped   atomic.Int64
	quota     atomic.Int64
	codes     [500]atomic.Int64 // status 100..599
}

type statsTable struct {
	total atomic.Int64
	mu    sync.RWMutex
	ops   map[string]*opCounter
	fast  atomic.Pointer[map[string]*opCounter] // read-only copy of ops
}

func newStatsTable() *statsTable { return &statsTable{ops: map[string]*opCounter{}} }

func (t *statsTable) op(name string) *opCounter {
	// Lock-free on the hot path: a read-only copy of the map, replaced
	// (under mu) when an operation is seen for the first time. An RWMutex
	// here made every request of both cores write the same cache line.
	if m := t.fast.Load(); m != nil {
		if c := (*m)[name]; c != nil {
			return c
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.ops[name]
	if c == nil {
		c = &opCounter{}
		t.ops[name] = c
	}
	cp := make(map[string]*opCounter, len(t.ops))
	for k, v := range t.ops {
		cp[k] = v
	}
	t.fast.Store(&cp)
	return c
}

func (c *opCounter) status(code int) {
	if code >= 100 && code < 600 {
		c.codes[code-100].Add(1)
	}
}

func (t *statsTable) snapshot() Stats {
	t.mu.RLock()
	defer t.mu.RUnlock()
	s := Stats{Requests: t.total.Load(), Ops: make(map[string]OpStats, len(t.ops))}
	for name, c := range t.ops {
		o := OpStats{Requests: c.requests.Load(), Throttled: c.throttled.Load(), Dropped: c.dropped.Load(), QuotaThrottled: c.quota.Load(), Status: map[int]int64{}}
		for i := range c.codes {
			if n := c.codes[i].Load(); n > 0 {
				o.Status[i+100] = n
			}
		}
		s.Ops[name] = o
	}
	return s
}
