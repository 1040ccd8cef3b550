// Package fake is a hand-written, counting fake of the aws seam (Fleet,
// Metrics, Logs, Journal and Connector) for UI tests. Every method counts
// its calls so tests can assert that Update and View never reach AWS;
// data is canned model values. Safe for concurrent use.
package fake

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

// Session is a fake awsapi.Session.
type Session struct {
	mu sync.Mutex

	T        model.Target
	Fns      []model.Function
	PageSize int // ListFunctions page size (default 50)
	// Snap is returned by Snapshot when SnapOK.
	Snap    []model.Function
	SnapAt  time.Time
	SnapOK  bool
	Details map[string]model.FunctionDetail
	Aliases map[string][]model.Alias
	// Versions, when it has the function, is what ListVersions returns
	// (default: $LATEST only).
	Versions map[string][]model.Version
	// Series returns values for one metric query (default: zeros).
	Series func(q model.MetricQuery) []float64
	// Err, when set, is returned by every read.
	Err error
	// Block, when non-nil, makes ListFunctions wait on it between pages.
	Block chan struct{}

	calls   map[string]int
	ro      atomic.Bool
	Journal []model.JournalEntry

	// Deploys are the CodeDeploy deployments (deployments.go); DeployErr,
	// when set, is returned by every CodeDeploy read (e.g. ErrUnsupported).
	Deploys   []model.Deployment
	DeployErr error
	// AlarmList is what Alarms returns (indexed); AlarmHist the history
	// per alarm; AlarmErr, when set, is returned by Alarms (ErrUnsupported
	// to play moto).
	AlarmList []model.Alarm
	AlarmHist map[string][]model.AlarmHistory
	AlarmErr  error
}

// New returns a fake session with n generated functions in region.
func New(region string, n int) *Session {
	s := &Session{
		T:        model.Target{Profile: "test", Region: region, Account: "123456789012"},
		PageSize: 50,
		Details:  map[string]model.FunctionDetail{},
		Aliases:  map[string][]model.Alias{},
		calls:    map[string]int{},
	}
	s.Fns = Functions(n, region)
	return s
}

var runtimes = []string{"python3.12", "nodejs20.x", "java21", "provided.al2023", "go1.x", ""}
var teams = []string{"payments", "search", "identity", "growth"}

// Functions generates n deterministic functions.
func Functions(n int, region string) []model.Function {
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	out := make([]model.Function, n)
	for i := range out {
		name := fmt.Sprintf("%s-%s-%04d", teams[i%len(teams)], []string{"api", "worker", "cron", "ingest", "resize"}[i%5], i)
		rt := runtimes[i%len(runtimes)]
		pkg := "Zip"
		if rt == "" {
			pkg = "Image"
		}
		arch := "x86_64"
		if i%3 == 0 {
			arch = "arm64"
		}
		f := model.Function{
			Name:             name,
			ARN:              "arn:aws:lambda:" + region + ":123456789012:function:" + name,
			Runtime:          rt,
			Handler:          "index.handler",
			Role:             "arn:aws:iam::123456789012:role/" + name,
			Architecture:     arch,
			MemoryMB:         128 << (i % 4),
			TimeoutSec:       3 + i%60,
			EphemeralMB:      512,
			PackageType:      pkg,
			CodeSize:         int64(1000 + i*17),
			LastModified:     base.Add(-time.Duration(i) * time.Hour),
			Version:          "$LATEST",
			State:            "Active",
			LastUpdateStatus: "Successful",
			Tags:             map[string]string{"team": teams[i%len(teams)]},
			Env:              map[string]string{"TABLE": "t-" + name, "SECRET_TOKEN": "s3cr3t-" + name},
		}
		if i%7 == 0 {
			r := i % 50
			f.Reserved = &r
		}
		out[i] = f
	}
	return out
}

func (s *Session) count(op string) {
	s.mu.Lock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[op]++
	s.mu.Unlock()
}

// Calls returns how many times op was called ("" for all operations).
func (s *Session) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if op == "" {
		n := 0
		for _, c := range s.calls {
			n += c
		}
		return n
	}
	return s.calls[op]
}

// CallLog returns "op=n" pairs, sorted, for failure messages.
func (s *Session) CallLog() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parts []string
	for k, v := range s.calls {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func (s *Session) Target() model.Target {
	t := s.T
	if s.ro.Load() {
		t.Protection = model.ReadOnly
	}
	return t
}

// SetReadOnly implements awsapi.ReadOnlySetter, as the aws layer does:
// mutations are refused from now on.
func (s *Session) SetReadOnly() { s.ro.Store(true) }

func (s *Session) Identity(ctx context.Context) (model.Identity, error) {
	s.count("Identity")
	return model.Identity{Account: s.T.Account, ARN: "arn:aws:iam::" + s.T.Account + ":user/test"}, s.Err
}

func (s *Session) Snapshot() ([]model.Function, time.Time, bool) {
	s.count("Snapshot")
	return s.Snap, s.SnapAt, s.SnapOK
}

func (s *Session) ListFunctions(ctx context.Context, fn func(awsapi.Page) error) error {
	s.count("ListFunctions")
	if s.Err != nil {
		return s.Err
	}
	ps := s.PageSize
	if ps <= 0 {
		ps = 50
	}
	for i := 0; ; i++ {
		lo, hi := i*ps, min((i+1)*ps, len(s.Fns))
		if lo > len(s.Fns) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		page := awsapi.Page{Functions: append([]model.Function(nil), s.Fns[lo:hi]...), Index: i, Loaded: hi, Last: hi >= len(s.Fns)}
		if err := fn(page); err != nil {
			return err
		}
		if page.Last {
			return nil
		}
		if s.Block != nil {
			select {
			case <-s.Block:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

func (s *Session) find(name string) (model.Function, bool) {
	for _, f := range s.Fns {
		if f.Name == name {
			return f, true
		}
	}
	return model.Function{}, false
}

func (s *Session) GetFunction(ctx context.Context, name string) (model.FunctionDetail, error) {
	s.count("GetFunction")
	if s.Err != nil {
		return model.FunctionDetail{}, s.Err
	}
	if d, ok := s.Details[name]; ok {
		return d, nil
	}
	f, ok := s.find(name)
	if !ok {
		return model.FunctionDetail{}, fmt.Errorf("ResourceNotFoundException: Function not found: %s", name)
	}
	f.Enriched = true
	return model.FunctionDetail{Function: f, Reserved: f.Reserved, Tags: f.Tags}, nil
}

func (s *Session) ListVersions(ctx context.Context, function string) ([]model.Version, error) {
	s.count("ListVersions")
	if vs, ok := s.Versions[function]; ok {
		return vs, s.Err
	}
	return []model.Version{{Function: function, Version: "$LATEST"}}, s.Err
}

func (s *Session) ListAliases(ctx context.Context, function string) ([]model.Alias, error) {
	s.count("ListAliases")
	return s.Aliases[function], s.Err
}

func (s *Session) GetAlias(ctx context.Context, function, alias string) (model.Alias, error) {
	s.count("GetAlias")
	for _, a := range s.Aliases[function] {
		if a.Name == alias {
			return a, nil
		}
	}
	return model.Alias{}, fmt.Errorf("ResourceNotFoundException: alias %s:%s", function, alias)
}

func (s *Session) ListMappings(ctx context.Context, function string) ([]model.ESM, error) {
	s.count("ListMappings")
	return nil, s.Err
}

func (s *Session) AccountSettings(ctx context.Context) (model.AccountSettings, error) {
	s.count("AccountSettings")
	return model.AccountSettings{ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 900}, s.Err
}

func (s *Session) GetReserved(ctx context.Context, function string) (*int, error) {
	s.count("GetReserved")
	f, _ := s.find(function)
	return f.Reserved, s.Err
}

func (s *Session) ListProvisioned(ctx context.Context, function string) ([]model.ProvisionedConfig, error) {
	s.count("ListProvisioned")
	return nil, s.Err
}

func (s *Session) mutate(op, target string) error {
	s.count(op)
	if s.Target().Protection == model.ReadOnly {
		return awsapi.ErrReadOnly
	}
	s.mu.Lock()
	s.Journal = append(s.Journal, model.JournalEntry{Action: op, Target: target, Result: "ok"})
	s.mu.Unlock()
	return nil
}

func (s *Session) PublishVersion(ctx context.Context, function, description string) (model.Version, error) {
	return model.Version{Function: function, Version: "2", Description: description}, s.mutate("PublishVersion", function)
}

func (s *Session) CreateAlias(ctx context.Context, a model.Alias) (model.Alias, error) {
	return a, s.mutate("CreateAlias", a.Function+":"+a.Name)
}

func (s *Session) UpdateAlias(ctx context.Context, current model.Alias, version string, routing model.Routing) (model.Alias, error) {
	current.Version, current.Routing = version, routing
	return current, s.mutate("UpdateAlias", current.Function+":"+current.Name)
}

func (s *Session) PutReserved(ctx context.Context, function string, n int) error {
	return s.mutate("PutReserved", function)
}

func (s *Session) DeleteReserved(ctx context.Context, function string) error {
	return s.mutate("DeleteReserved", function)
}

func (s *Session) PutProvisioned(ctx context.Context, function, qualifier string, n int) (model.ProvisionedConfig, error) {
	return model.ProvisionedConfig{Function: function, Qualifier: qualifier, Requested: n}, s.mutate("PutProvisioned", function+":"+qualifier)
}

func (s *Session) DeleteProvisioned(ctx context.Context, function, qualifier string) error {
	return s.mutate("DeleteProvisioned", function+":"+qualifier)
}

func (s *Session) UpdateMapping(ctx context.Context, uuid string, enabled *bool, batchSize *int, reason string) (model.ESM, error) {
	return model.ESM{UUID: uuid}, s.mutate("UpdateMapping", uuid)
}

func (s *Session) Invoke(ctx context.Context, req model.InvokeRequest) (model.InvokeResult, error) {
	return model.InvokeResult{StatusCode: 200, Payload: []byte(`{"ok":true}`)}, s.mutate("Invoke", req.Function)
}

func (s *Session) GetMetrics(ctx context.Context, queries []model.MetricQuery, start, end time.Time) ([]model.MetricSeries, error) {
	s.count("GetMetrics")
	if s.Err != nil {
		return nil, s.Err
	}
	out := make([]model.MetricSeries, len(queries))
	for i, q := range queries {
		out[i].Query = q
		out[i].Timestamps = []time.Time{end}
		if s.Series != nil {
			out[i].Values = s.Series(q)
		} else {
			out[i].Values = []float64{0}
		}
	}
	return out, nil
}

func (s *Session) QueryCost() float64 { return 0 }

func (s *Session) Tail(ctx context.Context, req awsapi.TailRequest) <-chan awsapi.TailBatch {
	s.count("Tail")
	ch := make(chan awsapi.TailBatch)
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch
}

func (s *Session) Last(target string) (model.JournalEntry, bool) {
	s.count("JournalLast")
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.Journal) - 1; i >= 0; i-- {
		if s.Journal[i].Target == target {
			return s.Journal[i], true
		}
	}
	return model.JournalEntry{}, false
}

// Connector is a fake awsapi.Connector that builds a fresh fake session per
// region with the same number of functions.
type Connector struct {
	mu    sync.Mutex
	N     int
	Err   error
	calls int
	// Sessions records every session handed out.
	Sessions []*Session
}

func (c *Connector) Connect(ctx context.Context, profile, region string) (awsapi.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.Err != nil {
		return nil, c.Err
	}
	s := New(region, c.N)
	s.T.Profile = profile
	c.Sessions = append(c.Sessions, s)
	return s, nil
}

// Calls returns how many times Connect was called.
func (c *Connector) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

var (
	_ awsapi.Session   = (*Session)(nil)
	_ awsapi.Connector = (*Connector)(nil)
)
