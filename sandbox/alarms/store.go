// Package alarms is the sandbox's CloudWatch alarms: metric alarms
// (single metric or metric math) and composite alarms, evaluated at each
// period boundary on the simulated metrics, with AWS's state reasons,
// bounded history and the alarm operations on the metrics front-ends.
package alarms

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// Options configures a Store.
type Options struct {
	Region, Account string
	// Delay is how long after a period boundary the period is evaluated,
	// so late points of the last minute count; 0 on a manual clock.
	Delay time.Duration
}

// Transition is a state change, as subscribers receive it.
type Transition struct {
	Account, Region string
	Alarm           string
	Composite       bool
	From, To        string
	Reason          string
	At              time.Time
}

type alarm struct {
	name, arn string
	composite bool

	cfg      PutMetricAlarmInput // metric alarms (normalized)
	rule     *Rule               // composite alarms
	ruleText string
	comp     PutCompositeAlarmInput

	actionsEnabled bool
	configured     time.Time

	state, reason string
	reasonData    *string
	updated       time.Time
	transitioned  time.Time

	next int64 // unix seconds of the next boundary to evaluate (metric alarms)
	hist []AlarmHistoryItem
}

// Store holds the alarms of one account and region. It is safe for
// concurrent use.
type Store struct {
	clk   clock.Clock
	met   *metrics.Store
	opts  Options
	ready <-chan struct{}

	mu     sync.Mutex
	alarms map[string]*alarm
	sorted []string // names, sorted; nil when stale
	lastAt int64    // unix seconds the store was last brought up to
	subs   map[int]func(Transition)
	subSeq int
}

// NewStore returns an empty store over the metrics store met.
func NewStore(clk clock.Clock, met *metrics.Store, o Options) *Store {
	if clk == nil {
		clk = clock.Real{}
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "123456789012"
	}
	return &Store{clk: clk, met: met, opts: o, alarms: map[string]*alarm{}, subs: map[int]func(Transition){}}
}

// SetReady holds evaluation back until ready is closed (the traffic
// history is still being simulated); alarms keep their state until then.
func (s *Store) SetReady(ready <-chan struct{}) {
	s.mu.Lock()
	s.ready = ready
	s.mu.Unlock()
}

// State returns an alarm's state value (OK, ALARM or INSUFFICIENT_DATA),
// evaluated up to the store's clock. ok is false when the account or
// region is not this store's or there is no such alarm (name or ARN).
func (s *Store) State(account, region, name string) (state string, ok bool) {
	if account != "" && account != s.opts.Account || region != "" && region != s.opts.Region {
		return "", false
	}
	var fire []Transition
	s.mu.Lock()
	fire = s.catchUp()
	a := s.alarms[s.resolve(name)]
	if a != nil {
		state, ok = a.state, true
	}
	s.mu.Unlock()
	s.notify(fire)
	return state, ok
}

// Subscribe calls f (outside the store's lock, in order) for every state
// transition from now on; cancel stops it. Transitions are found when the
// store is read or Poll is called, evaluated in simulated time.
func (s *Store) Subscribe(f func(Transition)) (cancel func()) {
	s.mu.Lock()
	s.subSeq++
	id := s.subSeq
	s.subs[id] = f
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

// Poll evaluates every alarm up to the clock (and notifies subscribers).
func (s *Store) Poll() {
	s.mu.Lock()
	fire := s.catchUp()
	s.mu.Unlock()
	s.notify(fire)
}

func (s *Store) notify(ts []Transition) {
	if len(ts) == 0 {
		return
	}
	s.mu.Lock()
	ids := make([]int, 0, len(s.subs))
	for id := range s.subs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	fs := make([]func(Transition), 0, len(ids))
	for _, id := range ids {
		fs = append(fs, s.subs[id])
	}
	s.mu.Unlock()
	for _, f := range fs {
		for _, t := range ts {
			f(t)
		}
	}
}

func (s *Store) arn(name string) string {
	return "arn:aws:cloudwatch:" + s.opts.Region + ":" + s.opts.Account + ":alarm:" + name
}

// resolve turns an alarm ARN into its name (names pass through).
func (s *Store) resolve(name string) string {
	if n, ok := strings.CutPrefix(name, "arn:aws:cloudwatch:"); ok {
		if i := strings.Index(n, ":alarm:"); i >= 0 {
			return n[i+len(":alarm:"):]
		}
	}
	return name
}

func (s *Store) names() []string {
	if s.sorted == nil {
		s.sorted = make([]string, 0, len(s.alarms))
		for n := range s.alarms {
			s.sorted = append(s.sorted, n)
		}
		sort.Strings(s.sorted)
	}
	return s.sorted
}

// Len is the number of alarms.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.alarms)
}

func (s *Store) isReady() bool {
	if s.ready == nil {
		return true
	}
	select {
	case <-s.ready:
		return true
	default:
		return false
	}
}

// addHistory appends an item, keeping the newest MaxHistoryPerItem.
func (a *alarm) addHistory(it AlarmHistoryItem) {
	if len(a.hist) >= MaxHistoryPerItem {
		copy(a.hist, a.hist[1:])
		a.hist = a.hist[:len(a.hist)-1]
	}
	a.hist = append(a.hist, it)
}

func (a *alarm) typ() string {
	if a.composite {
		return TypeComposite
	}
	return TypeMetric
}

func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return append([]string(nil), v...)
}

func (s *Store) metricOut(a *alarm) MetricAlarm {
	c := &a.cfg
	out := MetricAlarm{
		AlarmName: a.name, AlarmArn: a.arn, AlarmDescription: c.AlarmDescription,
		AlarmConfigurationUpdatedTimestamp: metrics.TS(a.configured),
		ActionsEnabled:                     a.actionsEnabled,
		OKActions:                          strs(c.OKActions), AlarmActions: strs(c.AlarmActions), InsufficientDataActions: strs(c.InsufficientDataActions),
		StateValue: a.state, StateReason: a.reason, StateReasonData: a.reasonData,
		StateUpdatedTimestamp: metrics.TS(a.updated), StateTransitionedTimestamp: metrics.TS(a.transitioned),
		MetricName: c.MetricName, Namespace: c.Namespace, Statistic: c.Statistic, ExtendedStatistic: c.ExtendedStatistic,
		Dimensions: append([]Dimension{}, c.Dimensions...), Period: c.Period, Unit: c.Unit,
		EvaluationPeriods: *c.EvaluationPeriods, DatapointsToAlarm: c.DatapointsToAlarm, Threshold: c.Threshold,
		ComparisonOperator: c.ComparisonOperator, TreatMissingData: c.TreatMissingData,
		EvaluateLowSampleCountPercentile: c.EvaluateLowSampleCountPercentile,
		Metrics:                          append([]MetricDataQuery(nil), c.Metrics...), ThresholdMetricId: c.ThresholdMetricId,
	}
	return out
}

func (s *Store) compositeOut(a *alarm) CompositeAlarm {
	c := &a.comp
	return CompositeAlarm{
		AlarmName: a.name, AlarmArn: a.arn, AlarmDescription: c.AlarmDescription, AlarmRule: a.ruleText,
		AlarmConfigurationUpdatedTimestamp: metrics.TS(a.configured), ActionsEnabled: a.actionsEnabled,
		OKActions: strs(c.OKActions), AlarmActions: strs(c.AlarmActions), InsufficientDataActions: strs(c.InsufficientDataActions),
		StateValue: a.state, StateReason: a.reason, StateReasonData: a.reasonData,
		StateUpdatedTimestamp: metrics.TS(a.updated), StateTransitionedTimestamp: metrics.TS(a.transitioned),
	}
}

func (a *alarm) actions(state string) []string {
	ok, alarm, insufficient := a.cfg.OKActions, a.cfg.AlarmActions, a.cfg.InsufficientDataActions
	if a.composite {
		ok, alarm, insufficient = a.comp.OKActions, a.comp.AlarmActions, a.comp.InsufficientDataActions
	}
	switch state {
	case StateOK:
		return ok
	case StateAlarm:
		return alarm
	}
	return insufficient
}
