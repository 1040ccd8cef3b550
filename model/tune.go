package model

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Power tuning: the pure parts (plan, statistics, cost, recommendation).

// TuneStrategy chooses the recommended size.
type TuneStrategy string

const (
	TuneCost     TuneStrategy = "cost"
	TuneSpeed    TuneStrategy = "speed"
	TuneBalanced TuneStrategy = "balanced"
)

// DefaultTuneSizes are the memory sizes tried unless others are chosen.
var DefaultTuneSizes = []int{128, 256, 512, 1024, 1536, 2048, 3008}

// DefaultTunePerSize is how many invocations each size gets.
const DefaultTunePerSize = 10

// TuneTrim is the share dropped from each end before the mean (20%).
const TuneTrim = 0.2

// TuneAliasPrefix starts every temporary alias: lambdaops-tune-<run>-<mb>.
const TuneAliasPrefix = "lambdaops-tune-"

// TuneAlias is the temporary alias for one size of a run.
func TuneAlias(run string, mb int) string { return TuneAliasPrefix + run + "-" + strconv.Itoa(mb) }

// TuneVersionDescription marks the versions a run publishes, so that a
// cleanup (even after a crash) finds exactly those.
func TuneVersionDescription(run string, mb int) string {
	return "lambdaops-tune " + run + " " + strconv.Itoa(mb) + " MB"
}

// TuneVersionOfRun reports whether a version description marks run's version.
func TuneVersionOfRun(description, run string) bool {
	return strings.HasPrefix(description, "lambdaops-tune "+run+" ")
}

// TuneOptions are what the user chose.
type TuneOptions struct {
	Function    string       `json:"function"`
	Sizes       []int        `json:"sizes"`
	PerSize     int          `json:"perSize"`
	Payload     []byte       `json:"-"`
	PayloadFrom string       `json:"payloadFrom,omitempty"` // editor | event:<name> | template:<name>
	Parallelism int          `json:"parallelism"`
	AlsoARM     bool         `json:"alsoArm64"`
	Strategy    TuneStrategy `json:"strategy"`
	Weight      float64      `json:"weight"` // balanced: the weight of cost (0..1), speed gets 1-Weight
}

// Normalize fills defaults, sorts and de-duplicates sizes, and checks the
// options against Lambda's limits.
func (o TuneOptions) Normalize() (TuneOptions, error) {
	if o.Function == "" {
		return o, fmt.Errorf("no function to tune")
	}
	if len(o.Sizes) == 0 {
		o.Sizes = append([]int(nil), DefaultTuneSizes...)
	}
	seen := map[int]bool{}
	var sizes []int
	for _, s := range o.Sizes {
		if s < 128 || s > 10240 {
			return o, fmt.Errorf("memory %d MB is outside Lambda's 128–10240 MB", s)
		}
		if !seen[s] {
			seen[s] = true
			sizes = append(sizes, s)
		}
	}
	sort.Ints(sizes)
	o.Sizes = sizes
	if o.PerSize <= 0 {
		o.PerSize = DefaultTunePerSize
	}
	if o.PerSize > 1000 {
		return o, fmt.Errorf("%d invocations per size is too many (at most 1000)", o.PerSize)
	}
	if o.Parallelism <= 0 {
		o.Parallelism = 1
	}
	if o.Strategy == "" {
		o.Strategy = TuneBalanced
	}
	switch o.Strategy {
	case TuneCost, TuneSpeed, TuneBalanced:
	default:
		return o, fmt.Errorf("unknown strategy %q (cost, speed or balanced)", o.Strategy)
	}
	if o.Weight <= 0 || o.Weight > 1 {
		o.Weight = 0.5
	}
	return o, nil
}

// ParseSizes reads "128,256, 512".
func ParseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("memory size %q is not a number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// MaxTuneParallelism caps parallelism by the function's reserved
// concurrency (nil: none) and the account's unreserved headroom.
func MaxTuneParallelism(reserved *int, unreserved int) int {
	limit := 1000
	if reserved != nil {
		limit = *reserved
	} else if unreserved > 0 {
		// Leave the 100 Lambda keeps unreserved for everyone else alone.
		limit = max(1, unreserved-100)
	}
	return max(0, limit)
}

// TunePlan is what a run will do, shown before it starts.
type TunePlan struct {
	Run         string      `json:"run"`
	Options     TuneOptions `json:"options"`
	BaseMemory  int         `json:"baseMemory"`
	Arch        string      `json:"architecture"`
	EphemeralMB int         `json:"ephemeralMB,omitempty"` // the function's ephemeral storage (> 512: charged)
	Region      string      `json:"region,omitempty"`      // whose prices the costs are at
	Invocations int         `json:"invocations"`
	EstCost     float64     `json:"estimatedCost"` // USD, the run's own invocations
	Creates     []string    `json:"creates"`
	Removes     []string    `json:"removes"`
	Changes     []string    `json:"changes"`
}

// PlanTune builds the plan. est is the function's typical duration at its
// current memory (0 = unknown: 1 s is assumed for the estimate, which
// scales it as CPU-bound work would, so it errs on the high side below the
// current size).
func PlanTune(run string, o TuneOptions, current Function, est time.Duration, p Prices) TunePlan {
	if est <= 0 {
		est = time.Second
	}
	pl := TunePlan{Run: run, Options: o, BaseMemory: current.MemoryMB, Arch: current.Architecture, EphemeralMB: current.EphemeralMB, Region: p.Region}
	if pl.Arch == "" {
		pl.Arch = "x86_64"
	}
	base := max(current.MemoryMB, 128)
	for _, mb := range o.Sizes {
		pl.Invocations += o.PerSize
		d := est
		if mb < base {
			d = time.Duration(float64(est) * float64(base) / float64(mb))
		}
		pl.EstCost += float64(o.PerSize) * (InvocationCost(d, mb, pl.Arch, p) + StorageCost(d, current.EphemeralMB, p))
		pl.Creates = append(pl.Creates, fmt.Sprintf("version of $LATEST at %d MB, alias %s", mb, TuneAlias(run, mb)))
	}
	pl.Changes = []string{fmt.Sprintf("$LATEST memory is set to each size in turn, then back to %d MB", current.MemoryMB)}
	pl.Removes = []string{"every alias " + TuneAliasPrefix + run + "-<mb> (first)",
		"then every version the run published (one another alias uses is kept)"}
	return pl
}

// TuneSample is one invocation of a run.
type TuneSample struct {
	MemoryMB      int           `json:"memoryMB"`
	Duration      time.Duration `json:"duration"`
	Billed        time.Duration `json:"billed"`
	Init          time.Duration `json:"init,omitempty"`
	MaxMemoryMB   int           `json:"maxMemoryMB"`
	FunctionError string        `json:"functionError,omitempty"`
	ErrorType     string        `json:"errorType,omitempty"` // from the payload, e.g. Runtime.OutOfMemory
	Throttled     bool          `json:"throttled,omitempty"`
}

// OOM reports an out-of-memory failure as AWS shows it: the error type, or
// a failure whose Max Memory Used reached the memory size.
func (s TuneSample) OOM() bool {
	return s.ErrorType == "Runtime.OutOfMemory" || (s.FunctionError != "" && s.MaxMemoryMB > 0 && s.MaxMemoryMB >= s.MemoryMB)
}

// SizeResult summarises one size.
type SizeResult struct {
	MemoryMB        int     `json:"memoryMB"`
	N               int     `json:"invocations"`
	Errors          int     `json:"errors"`
	OOM             int     `json:"outOfMemory"`
	Throttled       int     `json:"throttled"`
	MeanMs          float64 `json:"trimmedMeanMs"` // trimmed mean duration
	P90Ms           float64 `json:"p90Ms"`
	BilledMs        float64 `json:"billedMs"` // trimmed mean billed duration
	ColdShare       float64 `json:"coldStartShare"`
	MaxMemoryMB     int     `json:"maxMemoryUsedMB"`
	CostPerInvoke   float64 `json:"costPerInvocation"`
	CostPerMillion  float64 `json:"costPerMillion"`
	ARMCostPerInvok float64 `json:"arm64CostPerInvocation,omitempty"` // estimate: arm64 price at these durations
}

// Usable reports whether the size ran without failures.
func (r SizeResult) Usable() bool { return r.N > 0 && r.Errors == 0 }

// TrimmedMean drops frac of the values from each end (rounded down), then
// averages the rest.
func TrimmedMean(xs []float64, frac float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	k := int(float64(len(s)) * frac)
	if 2*k >= len(s) {
		k = (len(s) - 1) / 2
	}
	s = s[k : len(s)-k]
	sum := 0.0
	for _, v := range s {
		sum += v
	}
	return sum / float64(len(s))
}

// Percentile is the nearest-rank percentile (p in 0..100).
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}

// SummarizeSize computes one size's row from its samples.
func SummarizeSize(mb int, arch string, alsoARM bool, samples []TuneSample, p Prices) SizeResult {
	return SummarizeSizeAt(mb, arch, 0, alsoARM, samples, p)
}

// SummarizeSizeAt is SummarizeSize for a function with ephemeralMB of
// ephemeral storage (charged above 512 MB, as every invocation pays it).
func SummarizeSizeAt(mb int, arch string, ephemeralMB int, alsoARM bool, samples []TuneSample, p Prices) SizeResult {
	r := SizeResult{MemoryMB: mb}
	var dur, billed []float64
	cold := 0
	for _, s := range samples {
		if s.Throttled {
			r.Throttled++
			continue
		}
		r.N++
		if s.FunctionError != "" {
			r.Errors++
			if s.OOM() {
				r.OOM++
			}
		}
		if s.Init > 0 {
			cold++
		}
		r.MaxMemoryMB = max(r.MaxMemoryMB, s.MaxMemoryMB)
		dur = append(dur, float64(s.Duration)/float64(time.Millisecond))
		billed = append(billed, float64(s.Billed)/float64(time.Millisecond))
	}
	if r.N == 0 {
		return r
	}
	r.MeanMs = TrimmedMean(dur, TuneTrim)
	r.P90Ms = Percentile(dur, 90)
	r.BilledMs = TrimmedMean(billed, TuneTrim)
	r.ColdShare = float64(cold) / float64(r.N)
	b := time.Duration(r.BilledMs * float64(time.Millisecond))
	r.CostPerInvoke = InvocationCost(b, mb, arch, p) + StorageCost(b, ephemeralMB, p)
	r.CostPerMillion = r.CostPerInvoke * 1e6
	if alsoARM && arch != "arm64" {
		r.ARMCostPerInvok = InvocationCost(b, mb, "arm64", p) + StorageCost(b, ephemeralMB, p)
	}
	return r
}

// Recommend returns the index of the best usable size for the strategy
// (-1 when none ran cleanly). Ties go to the smaller size.
func Recommend(rs []SizeResult, s TuneStrategy, weight float64) int {
	maxCost, maxDur := 0.0, 0.0
	for _, r := range rs {
		if r.Usable() {
			maxCost = math.Max(maxCost, r.CostPerInvoke)
			maxDur = math.Max(maxDur, r.MeanMs)
		}
	}
	if weight <= 0 || weight > 1 {
		weight = 0.5
	}
	best, bestScore := -1, math.Inf(1)
	for i, r := range rs {
		if !r.Usable() {
			continue
		}
		var score float64
		switch s {
		case TuneCost:
			score = r.CostPerInvoke
		case TuneSpeed:
			score = r.MeanMs
		default:
			if maxCost > 0 && maxDur > 0 {
				score = weight*r.CostPerInvoke/maxCost + (1-weight)*r.MeanMs/maxDur
			}
		}
		if score < bestScore-1e-15 {
			best, bestScore = i, score
		}
	}
	return best
}

// TuneRun is a finished (or stopped) run, as saved and listed.
type TuneRun struct {
	Run          string       `json:"run"`
	Function     string       `json:"function"`
	Profile      string       `json:"profile,omitempty"`
	Account      string       `json:"account,omitempty"`
	Region       string       `json:"region,omitempty"`
	Started      time.Time    `json:"started"`
	Finished     time.Time    `json:"finished"`
	Status       string       `json:"status"` // done | cancelled | failed: …
	Options      TuneOptions  `json:"options"`
	BaseMemory   int          `json:"baseMemory"`
	Arch         string       `json:"architecture"`
	EphemeralMB  int          `json:"ephemeralMB,omitempty"`
	Results      []SizeResult `json:"results"`
	Recommended  int          `json:"recommendedMB"` // 0: none
	MonthlyCalls float64      `json:"monthlyInvocations"`
	// MonthlyDelta is the monthly cost at the recommended size minus at the
	// current one, at the observed traffic (negative saves money).
	MonthlyDelta float64 `json:"monthlyDifference"`
	// BaseMeasured is false when the current size was not among those
	// tried: MonthlyDelta is then unknown (0).
	BaseMeasured bool     `json:"baseMeasured"`
	Cleanup      []string `json:"cleanup,omitempty"`
}

// Finish computes the recommendation and the monthly difference.
func (r *TuneRun) Finish(monthlyCalls float64) {
	r.MonthlyCalls = monthlyCalls
	i := Recommend(r.Results, r.Options.Strategy, r.Options.Weight)
	r.Recommended, r.MonthlyDelta, r.BaseMeasured = 0, 0, false
	if i < 0 {
		return
	}
	r.Recommended = r.Results[i].MemoryMB
	for _, c := range r.Results {
		if c.MemoryMB == r.BaseMemory && c.N > 0 {
			r.MonthlyDelta = (r.Results[i].CostPerInvoke - c.CostPerInvoke) * monthlyCalls
			r.BaseMeasured = true
			return
		}
	}
}

// Result returns the row for mb.
func (r *TuneRun) Result(mb int) (SizeResult, bool) {
	for _, x := range r.Results {
		if x.MemoryMB == mb {
			return x, true
		}
	}
	return SizeResult{}, false
}

// JSON is the saved form of the run.
func (r TuneRun) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// CSV is one row per size.
func (r TuneRun) CSV() []byte {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"memory_mb", "invocations", "errors", "out_of_memory", "trimmed_mean_ms", "p90_ms", "billed_ms",
		"cold_start_share", "max_memory_used_mb", "cost_per_invocation_usd", "cost_per_million_usd", "recommended"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, x := range r.Results {
		_ = w.Write([]string{strconv.Itoa(x.MemoryMB), strconv.Itoa(x.N), strconv.Itoa(x.Errors), strconv.Itoa(x.OOM),
			f(math.Round(x.MeanMs*100) / 100), f(x.P90Ms), f(math.Round(x.BilledMs*100) / 100), f(x.ColdShare),
			strconv.Itoa(x.MaxMemoryMB), f(x.CostPerInvoke), f(math.Round(x.CostPerMillion*10000) / 10000),
			strconv.FormatBool(x.MemoryMB == r.Recommended)})
	}
	w.Flush()
	return []byte(b.String())
}

// TuneProgress is one step of a running tuning job.
type TuneProgress struct {
	Stage    string // configure | invoke | size done | cleanup
	MemoryMB int
	Done     int // invocations done
	Total    int
	Sample   *TuneSample
	Result   *SizeResult // when a size is finished
	Message  string
}

// InterruptedTune is a run a crashed lambdaops left behind: its changes
// are undone at the next start once the user confirms.
type InterruptedTune struct {
	Run        string    `json:"run"`
	Function   string    `json:"function"`
	Started    time.Time `json:"started"`
	BaseMemory int       `json:"baseMemory"`
	Intent     JournalEntry
}
