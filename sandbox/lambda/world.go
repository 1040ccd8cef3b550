package lambda

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox/clock"
)

// Timing of the state transitions the world simulates on its clock.
const (
	UpdateDelay      = 2 * time.Second  // LastUpdateStatus InProgress → Successful
	CreateDelay      = 1 * time.Second  // State Pending → Active
	ProvisionDelay   = 30 * time.Second // provisioned concurrency IN_PROGRESS → READY
	MappingDelay     = 5 * time.Second  // Enabling → Enabled, Disabling → Disabled
	AccountLimit     = 1000             // account concurrency limit
	MinUnreserved    = 100              // unreserved concurrency floor
	maxCodeSizeTotal = 80530636800
)

// Config is the versioned configuration of a function ($LATEST or a
// published version snapshot).
type Config struct {
	Runtime      string
	Handler      string
	Role         string
	Description  string
	Architecture string
	MemoryMB     int
	TimeoutSec   int
	EphemeralMB  int
	PackageType  string
	ImageURI     string
	CodeSize     int64
	CodeSHA256   string
	Layers       []model.Layer
	VPC          *model.VPCConfig
	Env          map[string]string
	DLQTarget    string
	TracingMode  string
	KMSKeyARN    string
	SnapStart    string
	Logging      model.LoggingConfig
	// Image is the container image's ImageConfig (image functions only).
	Image *ImageConfig
	// CodeSource records where code came from: "zip", or "s3://bucket/key[?versionId=v]".
	CodeSource string
}

// ImageConfig overrides a container image's entry point, command and
// working directory.
type ImageConfig struct {
	EntryPoint       []string
	Command          []string
	WorkingDirectory string
}

// sameConfig reports whether two configs are equal for PublishVersion.
func sameConfig(a, b *Config) bool {
	if a.Runtime != b.Runtime || a.Handler != b.Handler || a.Role != b.Role || a.Description != b.Description ||
		a.Architecture != b.Architecture || a.MemoryMB != b.MemoryMB || a.TimeoutSec != b.TimeoutSec ||
		a.EphemeralMB != b.EphemeralMB || a.PackageType != b.PackageType || a.ImageURI != b.ImageURI ||
		a.CodeSHA256 != b.CodeSHA256 || a.DLQTarget != b.DLQTarget || a.TracingMode != b.TracingMode ||
		a.KMSKeyARN != b.KMSKeyARN || a.SnapStart != b.SnapStart || a.Logging != b.Logging {
		return false
	}
	if (a.Image == nil) != (b.Image == nil) || a.Image != nil && fmt.Sprint(*a.Image) != fmt.Sprint(*b.Image) {
		return false
	}
	if len(a.Layers) != len(b.Layers) || len(a.Env) != len(b.Env) {
		return false
	}
	for i := range a.Layers {
		if a.Layers[i] != b.Layers[i] {
			return false
		}
	}
	for k, v := range a.Env {
		if bv, ok := b.Env[k]; !ok || bv != v {
			return false
		}
	}
	if (a.VPC == nil) != (b.VPC == nil) {
		return false
	}
	if a.VPC != nil && fmt.Sprint(*a.VPC) != fmt.Sprint(*b.VPC) {
		return false
	}
	return true
}

func (c Config) clone() Config {
	n := c
	n.Layers = append([]model.Layer(nil), c.Layers...)
	if c.VPC != nil {
		v := *c.VPC
		v.SubnetIDs = append([]string(nil), v.SubnetIDs...)
		v.SecurityGroupIDs = append([]string(nil), v.SecurityGroupIDs...)
		n.VPC = &v
	}
	if c.Image != nil {
		im := *c.Image
		im.EntryPoint = append([]string(nil), im.EntryPoint...)
		im.Command = append([]string(nil), im.Command...)
		n.Image = &im
	}
	if c.Env != nil {
		n.Env = make(map[string]string, len(c.Env))
		for k, v := range c.Env {
			n.Env[k] = v
		}
	}
	return n
}

// version is $LATEST or a published version.
type version struct {
	num          string // "$LATEST" or digits
	n            int    // 0 for $LATEST
	cfg          Config
	lastModified time.Time
	revision     string
	// cached FunctionConfiguration JSON: [0] unqualified ARN, [1] qualified ARN.
	cache [2]atomic.Pointer[[]byte]
}

func (v *version) invalidate() {
	v.cache[0].Store(nil)
	v.cache[1].Store(nil)
}

type alias struct {
	name        string
	version     string
	description string
	routeVer    string // additional version, "" for none
	routeWeight float64
	revision    string
}

type provConfig struct {
	requested    int
	lastModified time.Time
	readyAt      time.Time
}

type eventInvoke struct {
	retries      *int
	maxAge       *int
	onSuccess    string
	onFailure    string
	lastModified time.Time
}

// Statement is one resource-policy statement (a trigger).
type Statement struct {
	Sid       string
	Principal string // a service (s3.amazonaws.com), an account id, an ARN or "*"
	SourceARN string
	Action    string

	SourceAccount       string
	PrincipalOrgID      string
	EventSourceToken    string
	FunctionURLAuthType string
	// Qualifier is the version or alias whose policy holds the statement ("" = unqualified).
	Qualifier string
}

type function struct {
	name        string
	arn         string
	latest      *version
	versions    []*version // published, ascending
	nextVersion int
	aliases     map[string]*alias
	reserved    *int
	provisioned map[string]*provConfig // by qualifier
	tags        map[string]string
	policy      []Statement
	policyRev   string                // of the unqualified policy
	policyRevs  map[string]string     // of qualified policies
	urls        map[string]*urlConfig // function URLs by qualifier ("" = unqualified)
	recursion   string                // RecursiveLoop: "" = Terminate
	runtimeMgmt map[string]runtimeMgmt
	eventInvoke map[string]*eventInvoke // by qualifier ("$LATEST" for unqualified)
	pendingTil  time.Time               // State Pending until
	updateTil   time.Time               // LastUpdateStatus InProgress until
	// Hint names the demo-fleet behaviour profile for the simulation ("" = healthy default).
	hint string
}

func (f *function) version(q string) *version {
	if q == "" || q == "$LATEST" {
		return f.latest
	}
	n, err := strconv.Atoi(q)
	if err != nil || n <= 0 {
		return nil
	}
	i := sort.Search(len(f.versions), func(i int) bool { return f.versions[i].n >= n })
	if i < len(f.versions) && f.versions[i].n == n {
		return f.versions[i]
	}
	return nil
}

type mapping struct {
	uuid        string
	function    string // function name
	qualifier   string
	sourceARN   string
	sourceType  string
	batchSize   int
	window      int
	startPos    string
	enabled     bool      // target state
	transitTil  time.Time // in transit (transit) until
	transit     string    // Enabling | Disabling | Updating
	lastMod     time.Time
	lastResult  string
	stateReason string
	tags        map[string]string
}

func (m *mapping) state(now time.Time) string {
	if now.Before(m.transitTil) && m.transit != "" {
		return m.transit
	}
	if m.enabled {
		return "Enabled"
	}
	return "Disabled"
}

// World is the in-memory Lambda account and region.
type World struct {
	mu      sync.RWMutex
	clk     clock.Clock
	region  string
	account string
	rng     *rand.Rand // under mu (write)

	fns         map[string]*function
	names       []string    // sorted function names
	order       []*function // functions in names order
	bulk        bool        // seeding: append unsorted, sort once at the end
	reservedSum int
	codeSize    int64

	mappings map[string]*mapping
	mapIDs   []string // sorted mapping UUIDs

	routeMu  sync.Mutex
	routeRng *rand.Rand

	exec      Executor
	gen       atomic.Uint64 // functions or aliases added/removed
	mutations atomic.Uint64 // anything ListFunctions shows changed
	pageMu    sync.Mutex
	pages     map[pageKey]cachedPage
	hooks     Hooks

	execPtr  atomic.Pointer[Executor] // exec, read without the lock on every invoke
	layers   map[string]*layer        // by account + ":" + name
	lenience Lenience
}

// Lenience switches off AWS rules the sandbox enforces by default, and
// switches on the sandbox's deliberate differences from AWS
// (docs/sandbox-operations.md lists them). The zero value is as close to
// AWS as the sandbox goes, except where a field says otherwise.
type Lenience struct {
	// BlockedRuntimes accepts runtimes past their block dates.
	BlockedRuntimes bool
	// StrictRuntimeUpdates blocks every update of a function whose runtime
	// is past its update-block date, as AWS does. Off by default (a
	// deliberate difference): a long-lived fleet stays operable, and only
	// an update that sets such a runtime is refused.
	StrictRuntimeUpdates bool
	// CrossAccountRoles accepts an execution role from another account.
	CrossAccountRoles bool
	// AnyZip accepts ZipFile bytes that are not a zip archive.
	AnyZip bool
	// UnknownLayers accepts layer version ARNs that do not exist.
	UnknownLayers bool
}

// SetLenience installs l.
func (w *World) SetLenience(l Lenience) {
	w.mu.Lock()
	w.lenience = l
	w.mu.Unlock()
}

// Hooks tell the simulation about changes that matter to it. They are
// called with the world's lock held and must not call back into the world.
type Hooks struct {
	ReservedTotal func(total int) // the sum of reserved concurrency changed
	Changed       func(fn string) // configuration of $LATEST changed
	Created       func(fn, logGroup string)
	Deleted       func(fn string)
}

// SetHooks installs h.
func (w *World) SetHooks(h Hooks) {
	w.mu.Lock()
	w.hooks = h
	w.mu.Unlock()
}

// NewWorld returns an empty world.
func NewWorld(clk clock.Clock, region, account string, seed int64) *World {
	if clk == nil {
		clk = clock.Real{}
	}
	return &World{
		clk:      clk,
		region:   region,
		account:  account,
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x5eed)),
		routeRng: rand.New(rand.NewPCG(uint64(seed), 0xa11a5)),
		fns:      map[string]*function{},
		mappings: map[string]*mapping{},
		layers:   map[string]*layer{},
		exec:     echoExecutor{},
	}
}

// Region returns the world's region.
func (w *World) Region() string { return w.region }

// Account returns the world's account id.
func (w *World) Account() string { return w.account }

// Clock returns the world's clock.
func (w *World) Clock() clock.Clock { return w.clk }

// SetExecutor sets what runs invocations.
func (w *World) SetExecutor(e Executor) {
	w.mu.Lock()
	w.exec = e
	w.execPtr.Store(&e)
	w.mu.Unlock()
}

func (w *World) fnARN(name string) string {
	return "arn:aws:lambda:" + w.region + ":" + w.account + ":function:" + name
}

// uuid returns a deterministic UUID from the world's rng (caller holds mu).
func (w *World) uuid() string {
	a, b := w.rng.Uint64(), w.rng.Uint64()
	return formatUUID(a, b)
}

func formatUUID(a, b uint64) string {
	const hexd = "0123456789abcdef"
	var buf [36]byte
	a = a&^(0xf<<12) | 0x4<<12 // version 4
	b = b&^(0x3<<62) | 0x2<<62 // variant
	x := [2]uint64{a, b}
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			buf[j] = '-'
			j++
		}
		word := x[i/16]
		shift := uint(60 - 4*(i%16))
		buf[j] = hexd[(word>>shift)&0xf]
		j++
	}
	return string(buf[:])
}

func (w *World) insertFn(f *function) {
	if w.bulk {
		w.names = append(w.names, f.name)
		w.order = append(w.order, f)
		return
	}
	i := sort.SearchStrings(w.names, f.name)
	w.names = append(w.names, "")
	copy(w.names[i+1:], w.names[i:])
	w.names[i] = f.name
	w.order = append(w.order, nil)
	copy(w.order[i+1:], w.order[i:])
	w.order[i] = f
}

// sortFns restores name order after a bulk insert.
func (w *World) sortFns() {
	w.mutations.Add(1)
	sort.Slice(w.order, func(i, j int) bool { return w.order[i].name < w.order[j].name })
	for i, f := range w.order {
		w.names[i] = f.name
	}
}

func (w *World) removeName(name string) {
	i := sort.SearchStrings(w.names, name)
	if i < len(w.names) && w.names[i] == name {
		w.names = append(w.names[:i], w.names[i+1:]...)
		w.order = append(w.order[:i], w.order[i+1:]...)
	}
}

func (w *World) insertMapping(m *mapping) {
	w.mappings[m.uuid] = m
	i := sort.SearchStrings(w.mapIDs, m.uuid)
	w.mapIDs = append(w.mapIDs, "")
	copy(w.mapIDs[i+1:], w.mapIDs[i:])
	w.mapIDs[i] = m.uuid
}

// lookup resolves a function reference (caller holds mu).
func (w *World) lookup(ref string) (*function, string, *Error) {
	name, q, err := ParseFunctionName(ref)
	if err != nil {
		return nil, "", err
	}
	f := w.fns[name]
	if f == nil {
		return nil, q, fnNotFound(w.fnARN(name) + qualSuffix(q))
	}
	return f, q, nil
}

func qualSuffix(q string) string {
	if q == "" {
		return ""
	}
	return ":" + q
}

// mergeQualifier combines a qualifier from the name with one from ?Qualifier=.
func mergeQualifier(fromName, param string) (string, *Error) {
	if fromName != "" && param != "" && fromName != param {
		return "", invalidParam("The derived qualifier from the function name does not match the specified qualifier.")
	}
	if param != "" {
		return param, nil
	}
	return fromName, nil
}

const functionNamePattern = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`

// ParseFunctionName accepts a name, name:qualifier, a partial ARN
// (account:function:name[:qualifier]) or a full ARN.
func ParseFunctionName(ref string) (name, qualifier string, err *Error) {
	bad := func() (string, string, *Error) {
		return "", "", validation("1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", clip(ref, 200))
	}
	if ref == "" || len(ref) > 170 {
		return bad()
	}
	parts := splitColon(ref)
	hasQual := false
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		if len(parts) > 8 || !isDigits(parts[4]) || len(parts[4]) != 12 {
			return bad()
		}
		name = parts[6]
		if len(parts) == 8 {
			qualifier, hasQual = parts[7], true
		}
	case len(parts) >= 3 && isDigits(parts[0]) && parts[1] == "function":
		if len(parts) > 4 || len(parts[0]) != 12 {
			return bad()
		}
		name = parts[2]
		if len(parts) == 4 {
			qualifier, hasQual = parts[3], true
		}
	case len(parts) <= 2:
		name = parts[0]
		if len(parts) == 2 {
			qualifier, hasQual = parts[1], true
		}
	default:
		return bad()
	}
	if !validName(name) || (hasQual && !validQualifier(qualifier)) {
		return bad()
	}
	return name, qualifier, nil
}

func splitColon(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validName: [a-zA-Z0-9-_]+, 1..64.
func validName(s string) bool {
	return s != "" && len(s) <= 64 && nameChars(s)
}

// nameChars reports whether every byte of s is in [a-zA-Z0-9-_].
func nameChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func validQualifier(s string) bool {
	if s == "$LATEST" || isDigits(s) {
		return len(s) <= 20
	}
	return validAliasName(s)
}

// validAliasName: (?!^[0-9]+$)([a-zA-Z0-9-_]+), 1..128.
func validAliasName(s string) bool {
	return s != "" && len(s) <= 128 && !isDigits(s) && nameChars(s)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// FunctionCount returns the number of functions.
func (w *World) FunctionCount() int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return len(w.names)
}

// Generation changes whenever functions or aliases are added or removed.
func (w *World) Generation() uint64 { return w.gen.Load() }
