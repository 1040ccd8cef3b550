// Package codedeploy is the sandbox's AWS CodeDeploy for the Lambda compute
// platform: applications, deployment groups, deployment configs and
// deployments that really shift an alias in the Lambda world, step by step,
// in simulated time (the sandbox clock), with alarm rollback, conflicts
// when the alias is changed by hand, and one active deployment per group.
// The awsJson1.1 front-end (X-Amz-Target CodeDeploy_20141006.<Op>) is in
// handler.go; nothing here knows about HTTP.
package codedeploy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/lambda"
)

// World is what a deployment needs from the Lambda world (a Go call, not HTTP).
type World interface {
	AliasState(function, alias string) (lambda.AliasState, bool)
	HasVersion(function, version string) bool
	ShiftAlias(function, alias, version, routeVersion string, weight float64) (lambda.AliasState, error)
}

// AlarmStates gives a CloudWatch alarm's state ("OK", "ALARM",
// "INSUFFICIENT_DATA"); ok false when there is no such alarm.
type AlarmStates interface {
	State(account, region, name string) (state string, ok bool)
}

// Limits.
const (
	maxAlarms        = 10 // alarms per deployment group
	maxBatchDeploys  = 25
	maxBatchGroups   = 100
	maxBatchTargets  = 25
	listPage         = 100
	maxLambdaRuntime = 50 * time.Hour
)

// Deployment statuses.
const (
	StatusCreated    = "Created"
	StatusInProgress = "InProgress"
	StatusSucceeded  = "Succeeded"
	StatusFailed     = "Failed"
	StatusStopped    = "Stopped"
)

var allStatuses = []string{"Created", "Queued", "InProgress", "Baking", "Succeeded", "Failed", "Stopped", "Ready"}

func active(status string) bool {
	switch status {
	case "Created", "Queued", "InProgress", "Baking", "Ready":
		return true
	}
	return false
}

// Lifecycle events of a Lambda deployment, in order.
var lifecycleNames = []string{"Start", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic", "End"}

// Routing is a deployment config's traffic routing.
type Routing struct {
	Type     string // TimeBasedCanary | TimeBasedLinear | AllAtOnce
	Percent  int
	Interval int // minutes
}

type config struct {
	id, name, platform string
	created            time.Time
	routing            Routing
	minHealthy         *minHealthy // Server configs
	predefined         bool
}

type minHealthy struct {
	Type  string `json:"type"`
	Value int    `json:"value"`
}

type application struct {
	id, name, platform string
	created            time.Time
	groups             map[string]*group
	groupOrder         []string
}

type group struct {
	id, name, app, config, role string
	alarms                      []string
	alarmsEnabled               bool
	ignorePollFailure           bool
	rollbackEnabled             bool
	rollbackEvents              []string
	lastAttempted, lastSuccess  string // deployment ids
}

type event struct {
	name       string
	status     string // Pending | InProgress | Succeeded | Failed | Skipped
	start, end time.Time
	errCode    string
	errMsg     string
}

type deployment struct {
	id, app, group, config string
	description, creator   string
	status                 string
	fn, alias, cur, target string
	revType                string // AppSpecContent | String
	content, sha           string
	created, started, done time.Time

	steps   []step
	next    int     // index of the next step to apply
	weight  float64 // target version's weight now, percent
	lastSet lambda.AliasState

	rollbackEnabled bool
	rollbackEvents  []string
	alarms          []string
	alarmsEnabled   bool
	ignorePoll      bool

	errCode, errMsg              string
	rollbackID, rollbackTrigger  string
	rollbackMsg                  string
	targetStatus                 string
	targetUpdated                time.Time
	events                       []event
	statusMessages               []string
	previousContent, previousSHA string
}

type step struct {
	at     time.Duration // after start
	weight float64       // percent of traffic on the target version
}

// Store is the CodeDeploy state of one account and region.
type Store struct {
	mu      sync.Mutex
	clk     clock.Clock
	region  string
	account string
	world   World
	alarms  AlarmStates
	rng     *rand.Rand

	apps     map[string]*application
	appOrder []string
	configs  map[string]*config
	cfgOrder []string
	deps     map[string]*deployment
	depOrder []string // creation order
}

// New returns a store with the predefined deployment configs.
func New(clk clock.Clock, region, account string, w World, seed int64) *Store {
	if clk == nil {
		clk = clock.Real{}
	}
	s := &Store{clk: clk, region: region, account: account, world: w,
		rng:  rand.New(rand.NewPCG(uint64(seed), 0xc0de)),
		apps: map[string]*application{}, configs: map[string]*config{}, deps: map[string]*deployment{}}
	for _, p := range predefined {
		c := p
		c.id = s.uuid()
		c.created = time.Date(2017, 11, 28, 0, 0, 0, 0, time.UTC)
		c.predefined = true
		s.configs[c.name] = &c
		s.cfgOrder = append(s.cfgOrder, c.name)
	}
	return s
}

// SetAlarmStates installs the source of alarm states (nil: alarms are never
// in ALARM, as when the alarms cannot be read and ignorePollAlarmFailure is on).
func (s *Store) SetAlarmStates(a AlarmStates) {
	s.mu.Lock()
	s.alarms = a
	s.mu.Unlock()
}

var predefined = []config{
	{name: "CodeDeployDefault.LambdaCanary10Percent5Minutes", platform: "Lambda", routing: Routing{"TimeBasedCanary", 10, 5}},
	{name: "CodeDeployDefault.LambdaCanary10Percent10Minutes", platform: "Lambda", routing: Routing{"TimeBasedCanary", 10, 10}},
	{name: "CodeDeployDefault.LambdaCanary10Percent15Minutes", platform: "Lambda", routing: Routing{"TimeBasedCanary", 10, 15}},
	{name: "CodeDeployDefault.LambdaCanary10Percent30Minutes", platform: "Lambda", routing: Routing{"TimeBasedCanary", 10, 30}},
	{name: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute", platform: "Lambda", routing: Routing{"TimeBasedLinear", 10, 1}},
	{name: "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes", platform: "Lambda", routing: Routing{"TimeBasedLinear", 10, 2}},
	{name: "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes", platform: "Lambda", routing: Routing{"TimeBasedLinear", 10, 3}},
	{name: "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", platform: "Lambda", routing: Routing{"TimeBasedLinear", 10, 10}},
	{name: "CodeDeployDefault.LambdaAllAtOnce", platform: "Lambda", routing: Routing{Type: "AllAtOnce"}},
	{name: "CodeDeployDefault.OneAtATime", platform: "Server", minHealthy: &minHealthy{"FLEET_PERCENT", 100}},
	{name: "CodeDeployDefault.HalfAtATime", platform: "Server", minHealthy: &minHealthy{"FLEET_PERCENT", 50}},
	{name: "CodeDeployDefault.AllAtOnce", platform: "Server", minHealthy: &minHealthy{"HOST_COUNT", 0}},
	{name: "CodeDeployDefault.ECSAllAtOnce", platform: "ECS", routing: Routing{Type: "AllAtOnce"}},
	{name: "CodeDeployDefault.ECSCanary10Percent5Minutes", platform: "ECS", routing: Routing{"TimeBasedCanary", 10, 5}},
	{name: "CodeDeployDefault.ECSCanary10Percent15Minutes", platform: "ECS", routing: Routing{"TimeBasedCanary", 10, 15}},
	{name: "CodeDeployDefault.ECSLinear10PercentEvery1Minutes", platform: "ECS", routing: Routing{"TimeBasedLinear", 10, 1}},
	{name: "CodeDeployDefault.ECSLinear10PercentEvery3Minutes", platform: "ECS", routing: Routing{"TimeBasedLinear", 10, 3}},
}

// steps expands a routing into the weights applied over time.
func (r Routing) steps() []step {
	iv := time.Duration(r.Interval) * time.Minute
	switch r.Type {
	case "TimeBasedCanary":
		return []step{{0, float64(r.Percent)}, {iv, 100}}
	case "TimeBasedLinear":
		var out []step
		for i := 0; ; i++ {
			w := float64(r.Percent * (i + 1))
			if w >= 100 || i > 100 {
				return append(out, step{time.Duration(i) * iv, 100})
			}
			out = append(out, step{time.Duration(i) * iv, w})
		}
	}
	return []step{{0, 100}}
}

func (s *Store) uuid() string {
	a, b := s.rng.Uint64(), s.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0x0fff|0x4000, b>>48&0x3fff|0x8000, b&0xffffffffffff)
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (s *Store) newDeploymentID() string {
	for {
		var b [9]byte
		for i := range b {
			b[i] = idChars[s.rng.IntN(len(idChars))]
		}
		id := "d-" + string(b[:])
		if s.deps[id] == nil {
			return id
		}
	}
}

func validDeploymentID(id string) bool {
	if len(id) != 11 || !strings.HasPrefix(id, "d-") {
		return false
	}
	for _, c := range id[2:] {
		if !strings.ContainsRune(idChars, c) {
			return false
		}
	}
	return true
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// ---- the engine ----

// Tick runs every active deployment up to now: due steps are applied, the
// alias is checked for changes made outside CodeDeploy, the group's alarms
// are polled, and finished deployments complete.
func (s *Store) Tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick(s.clk.Now())
}

func (s *Store) tick(now time.Time) {
	for i := 0; i < len(s.depOrder); i++ { // rollbacks are appended while iterating
		d := s.deps[s.depOrder[i]]
		if !active(d.status) {
			continue
		}
		s.run(d, now)
	}
}

func (s *Store) setEvent(d *deployment, name, status string, now time.Time) {
	for i := range d.events {
		if d.events[i].name != name {
			continue
		}
		e := &d.events[i]
		if e.start.IsZero() && status != "Pending" && status != "Skipped" {
			e.start = now
		}
		if status == "Succeeded" || status == "Failed" {
			e.end = now
		}
		e.status = status
	}
	d.targetUpdated = now
}

func (s *Store) run(d *deployment, now time.Time) {
	if d.status == StatusCreated {
		if now.Before(d.created) {
			return
		}
		d.status, d.started, d.targetStatus = StatusInProgress, now, "InProgress"
		s.setEvent(d, "Start", "Succeeded", now)
		st, ok := s.world.AliasState(d.fn, d.alias)
		switch {
		case !ok:
			s.fail(d, now, "INVALID_LAMBDA_FUNCTION", fmt.Sprintf("The Lambda function %s or its alias %s could not be found.", d.fn, d.alias), "BeforeAllowTraffic")
			return
		case st.Version != d.cur:
			s.fail(d, now, "INVALID_LAMBDA_CONFIGURATION", fmt.Sprintf("The deployment failed because the current version (%s) of the Lambda function %s alias %s does not match the current version in AppSpec (%s).", st.Version, d.fn, d.alias, d.cur), "BeforeAllowTraffic")
			return
		case !s.world.HasVersion(d.fn, d.target):
			s.fail(d, now, "INVALID_LAMBDA_CONFIGURATION", fmt.Sprintf("The target version %s of the Lambda function %s does not exist.", d.target, d.fn), "BeforeAllowTraffic")
			return
		}
		d.lastSet = st
		s.setEvent(d, "BeforeAllowTraffic", "Succeeded", now)
		s.setEvent(d, "AllowTraffic", "InProgress", now)
	}
	if d.status != StatusInProgress {
		return
	}
	for d.next < len(d.steps) {
		// A change made outside CodeDeploy breaks the deployment.
		if st, ok := s.world.AliasState(d.fn, d.alias); !ok || st.Revision != d.lastSet.Revision {
			got := "deleted"
			if ok {
				got = describe(st)
			}
			s.fail(d, now, "INVALID_LAMBDA_CONFIGURATION", fmt.Sprintf("The alias %s of the Lambda function %s was modified outside CodeDeploy during the deployment (it now routes %s, CodeDeploy set %s): alias version does not match the current version in AppSpec.", d.alias, d.fn, got, describe(d.lastSet)), "AllowTraffic")
			return
		}
		if names := s.firing(d); len(names) > 0 {
			s.failAlarm(d, now, names)
			return
		}
		at := d.started.Add(d.steps[d.next].at)
		if now.Before(at) {
			return
		}
		if now.Sub(d.started) > maxLambdaRuntime {
			s.fail(d, now, "TIMEOUT", "The deployment exceeded the maximum time of 50 hours for a Lambda deployment.", "AllowTraffic")
			return
		}
		w := d.steps[d.next].weight
		var st lambda.AliasState
		var err error
		if w >= 100 {
			st, err = s.world.ShiftAlias(d.fn, d.alias, d.target, "", 0)
		} else {
			st, err = s.world.ShiftAlias(d.fn, d.alias, d.cur, d.target, w/100)
		}
		if err != nil {
			s.fail(d, now, "INVALID_LAMBDA_CONFIGURATION", "CodeDeploy could not update the alias: "+err.Error(), "AllowTraffic")
			return
		}
		d.lastSet, d.weight = st, w
		d.next++
		d.targetUpdated = now
	}
	// All traffic is on the target.
	s.setEvent(d, "AllowTraffic", "Succeeded", now)
	s.setEvent(d, "AfterAllowTraffic", "Succeeded", now)
	s.setEvent(d, "End", "Succeeded", now)
	d.status, d.targetStatus, d.done = StatusSucceeded, "Succeeded", now
	if g := s.groupOf(d); g != nil {
		g.lastSuccess = d.id
	}
}

func describe(st lambda.AliasState) string {
	if st.RouteVersion == "" {
		return "100% to version " + st.Version
	}
	return fmt.Sprintf("version %s with %g%% to version %s", st.Version, st.RouteWeight*100, st.RouteVersion)
}

func (s *Store) firing(d *deployment) []string {
	if !d.alarmsEnabled || s.alarms == nil {
		return nil
	}
	var out []string
	for _, a := range d.alarms {
		if st, ok := s.alarms.State(s.account, s.region, a); ok && st == "ALARM" {
			out = append(out, a)
		}
	}
	return out
}

func (s *Store) groupOf(d *deployment) *group {
	a := s.apps[d.app]
	if a == nil {
		return nil
	}
	return a.groups[d.group]
}

func (s *Store) finish(d *deployment, now time.Time, status, code, msg, phase string) {
	d.status, d.done, d.errCode, d.errMsg = status, now, code, msg
	d.targetStatus = "Failed"
	for i := range d.events {
		e := &d.events[i]
		switch {
		case e.name == phase:
			if e.start.IsZero() {
				e.start = now
			}
			e.end, e.status = now, "Failed"
			if status == StatusStopped {
				e.status = "Skipped"
			}
			e.errCode, e.errMsg = code, msg
		case e.status == "Pending" || e.status == "InProgress":
			e.status = "Skipped"
		}
	}
	d.targetUpdated = now
}

func (s *Store) fail(d *deployment, now time.Time, code, msg, phase string) {
	s.finish(d, now, StatusFailed, code, msg, phase)
	if d.rollbackEnabled && has(d.rollbackEvents, "DEPLOYMENT_FAILURE") {
		s.rollback(d, now, fmt.Sprintf("Deployment %s failed (%s); CodeDeploy rolled it back.", d.id, code))
	}
}

func (s *Store) failAlarm(d *deployment, now time.Time, names []string) {
	msg := "One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <" + strings.Join(names, ", ") + ">"
	s.finish(d, now, StatusFailed, "ALARM_ACTIVE", msg, "AllowTraffic")
	if d.rollbackEnabled && (has(d.rollbackEvents, "DEPLOYMENT_STOP_ON_ALARM") || has(d.rollbackEvents, "DEPLOYMENT_FAILURE")) {
		s.rollback(d, now, fmt.Sprintf("Deployment %s was rolled back because alarm(s) %s went into ALARM.", d.id, strings.Join(names, ", ")))
	}
}

func has(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// rollback creates the rollback deployment (creator codeDeployRollback):
// all traffic back to the current version at once.
func (s *Store) rollback(d *deployment, now time.Time, msg string) {
	r := &deployment{id: s.newDeploymentID(), app: d.app, group: d.group, config: "CodeDeployDefault.LambdaAllAtOnce",
		creator: "codeDeployRollback", description: "Rollback of " + d.id, status: StatusInProgress,
		fn: d.fn, alias: d.alias, cur: d.target, target: d.cur, revType: d.revType,
		content: appSpec(d.fn, d.alias, d.target, d.cur), created: now, started: now,
		rollbackTrigger: d.id, rollbackMsg: msg, targetStatus: "InProgress",
		previousContent: d.content, previousSHA: d.sha}
	r.sha = sha256Hex(r.content)
	r.events = newEvents()
	s.setEvent(r, "Start", "Succeeded", now)
	s.setEvent(r, "BeforeAllowTraffic", "Succeeded", now)
	s.setEvent(r, "AllowTraffic", "InProgress", now)
	d.rollbackID, d.rollbackMsg = r.id, msg
	s.deps[r.id] = r
	s.depOrder = append(s.depOrder, r.id)
	if g := s.groupOf(r); g != nil {
		g.lastAttempted = r.id
	}
	if _, err := s.world.ShiftAlias(d.fn, d.alias, d.cur, "", 0); err != nil {
		s.finish(r, now, StatusFailed, "INVALID_LAMBDA_CONFIGURATION", "CodeDeploy could not roll the alias back: "+err.Error(), "AllowTraffic")
		return
	}
	r.weight = 100
	s.setEvent(r, "AllowTraffic", "Succeeded", now)
	s.setEvent(r, "AfterAllowTraffic", "Succeeded", now)
	s.setEvent(r, "End", "Succeeded", now)
	r.status, r.targetStatus, r.done = StatusSucceeded, "Succeeded", now
}

func newEvents() []event {
	ev := make([]event, len(lifecycleNames))
	for i, n := range lifecycleNames {
		ev[i] = event{name: n, status: "Pending"}
	}
	return ev
}

// appSpec is the AppSpec (YAML) of a Lambda deployment.
func appSpec(fn, alias, cur, target string) string {
	return fmt.Sprintf("version: 0.0\nResources:\n  - %s:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: %s\n        Alias: %s\n        CurrentVersion: \"%s\"\n        TargetVersion: \"%s\"\n", resName(fn), fn, alias, cur, target)
}

func resName(fn string) string {
	var b strings.Builder
	up := true
	for _, c := range fn {
		if c == '-' || c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String() + "Function"
}

// sortedIDs lists deployment ids newest first.
func (s *Store) newestFirst(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.SliceStable(out, func(i, j int) bool { return s.deps[out[i]].created.After(s.deps[out[j]].created) })
	return out
}
