// Command bench is lambdaops's one benchmark harness: it runs every figure
// the issues promise, each next to its baseline in the same run, prints one
// table (figure, baseline, ratio, target, pass/fail) and writes it as JSON
// and Markdown under bench/results/ together with the machine it ran on.
//
//	go run ./bench                         # everything (a few minutes on 2 cores)
//	go run ./bench -only listing,render    # a subset: first warm lookup listing refresh metrics tail render logs sandbox memory
//	go run ./bench -out ""                 # print only
//
// Baselines: the AWS CLI v2 (-cli, default /usr/bin/aws) on the same
// sandbox endpoint for listing and tail latency; bubbles/v2's table for
// rendering; one GetMetricStatistics call per function and statistic for
// metrics. A missing CLI skips its baseline with a note. Go micro-benchmarks
// stay in the packages' _test.go files (compare them with benchstat).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Row is one figure of the table.
type Row struct {
	Group    string  `json:"group"`
	Name     string  `json:"name"`
	Figure   float64 `json:"figure"`
	Baseline float64 `json:"baseline"` // NaN (null in JSON): none
	Unit     string  `json:"unit"`
	Target   string  `json:"target"` // e.g. "≤ 1 ms", "≥ 50000 events/s", "= 0"
	Pass     bool    `json:"pass"`
	Note     string  `json:"note,omitempty"`
}

// Ratio is figure / baseline (NaN without a baseline).
func (r Row) Ratio() float64 {
	if math.IsNaN(r.Baseline) || r.Baseline == 0 {
		return math.NaN()
	}
	return r.Figure / r.Baseline
}

// MarshalJSON writes NaN as null and adds the ratio.
func (r Row) MarshalJSON() ([]byte, error) {
	num := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	}
	return json.Marshal(map[string]any{"group": r.Group, "name": r.Name, "figure": num(r.Figure), "baseline": num(r.Baseline),
		"ratio": num(r.Ratio()), "unit": r.Unit, "target": r.Target, "pass": r.Pass, "note": r.Note})
}

// atMost and atLeast build rows against a bound.
func atMost(group, name string, fig, base, goal float64, unit, note string) Row {
	return Row{group, name, fig, base, unit, "≤ " + fmtNum(goal) + " " + unit, fig <= goal, note}
}

func atLeast(group, name string, fig, base, goal float64, unit, note string) Row {
	return Row{group, name, fig, base, unit, "≥ " + fmtNum(goal) + " " + unit, fig >= goal, note}
}

var nan = math.NaN()

func fmtNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v == math.Trunc(v) && math.Abs(v) < 1e9:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// Machine is where the run happened.
type Machine struct {
	CPU      string `json:"cpu"`
	Cores    int    `json:"cores"`
	MemoryMB int    `json:"memoryMB"`
	Go       string `json:"go"`
	OS       string `json:"os"`
	Commit   string `json:"commit"`
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, CPU: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					m.CPU = strings.TrimSpace(v)
					break
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				fmt.Sscanf(strings.TrimPrefix(l, "MemTotal:"), "%d", &kb)
			}
		}
		m.MemoryMB = kb / 1024
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

// env is what every benchmark gets.
type env struct {
	ctx     context.Context
	dir     string // scratch
	cli     string // AWS CLI v2, "" = skip its baselines
	root    string // module root
	quick   bool
	verbose bool

	warmBefore string // -warm-before: a binary timed beside this one (warm)
}

func (e *env) logf(f string, a ...any) {
	if e.verbose {
		fmt.Fprintf(os.Stderr, f+"\n", a...)
	}
}

type bench struct {
	name string
	run  func(*env) ([]Row, error)
}

var benches = []bench{
	{"first", benchFirst},
	{"warm", benchWarm},
	{"lookup", benchLookup},
	{"listing", benchListing},
	{"refresh", benchRefresh},
	{"metrics", benchMetrics},
	{"tail", benchTail},
	{"render", benchRender},
	{"logs", benchLogs},
	{"sandbox", benchSandbox},
	{"memory", benchMemory},
	{"alarms", benchAlarms},
}

func main() {
	only := flag.String("only", "", "comma-separated subset: first,warm,lookup,listing,refresh,metrics,tail,render,logs,sandbox,memory,alarms")
	cli := flag.String("cli", "/usr/bin/aws", "AWS CLI v2 for the listing and tail baselines (\"\" to skip)")
	out := flag.String("out", "bench/results", "directory for latest.json and latest.md (\"\" to write nothing)")
	quick := flag.Bool("quick", false, "shorter measurements (noisier)")
	verbose := flag.Bool("v", false, "log progress")
	warmBefore := flag.String("warm-before", "", "warm: another build of lambdaops (an earlier commit) timed interleaved with this one, as the before of a before/after")
	flag.Parse()

	e := &env{ctx: context.Background(), cli: *cli, quick: *quick, verbose: *verbose, warmBefore: *warmBefore}
	if e.cli != "" {
		if _, err := os.Stat(e.cli); err != nil {
			fmt.Fprintf(os.Stderr, "bench: AWS CLI v2 not found at %s: its baselines are skipped\n", e.cli)
			e.cli = ""
		}
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: run it from the lambdaops module: go run ./bench")
		os.Exit(2)
	}
	e.root = strings.TrimSpace(string(root))
	e.dir, err = os.MkdirTemp("", "lambdaops-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(e.dir)

	want := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(strings.ToLower(s)); s != "" {
			want[s] = true
		}
	}
	for k := range want {
		found := false
		for _, b := range benches {
			found = found || b.name == k
		}
		if !found {
			fmt.Fprintf(os.Stderr, "bench: unknown benchmark %q in -only\n", k)
			os.Exit(2)
		}
	}
	start := time.Now()
	var rows []Row
	var errs []string
	for _, b := range benches {
		if len(want) > 0 && !want[b.name] {
			continue
		}
		t0 := time.Now()
		fmt.Fprintf(os.Stderr, "bench: %s ...\n", b.name)
		rs, err := b.run(e)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", b.name, err)
			errs = append(errs, b.name+": "+err.Error())
		}
		rows = append(rows, rs...)
		fmt.Fprintf(os.Stderr, "bench: %s done in %s\n", b.name, time.Since(t0).Round(time.Second))
	}
	rep := report{Machine: machine(), Started: start.UTC(), Seconds: time.Since(start).Seconds(), Rows: rows, Errors: errs}
	rep.Pass = len(errs) == 0
	for _, r := range rows {
		rep.Pass = rep.Pass && r.Pass
	}
	printTable(os.Stdout, rep)
	if *out != "" {
		if err := rep.write(filepath.Join(e.root, *out)); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
	if !rep.Pass {
		os.Exit(1)
	}
}

type report struct {
	Machine Machine   `json:"machine"`
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
	Pass    bool      `json:"pass"`
	Rows    []Row     `json:"rows"`
	Errors  []string  `json:"errors,omitempty"`
}

func status(p bool) string {
	if p {
		return "pass"
	}
	return "FAIL"
}

func printTable(w *os.File, rep report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BENCHMARK\tFIGURE\tBASELINE\tRATIO\tTARGET\t\tNOTE")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s/%s\t%s %s\t%s\t%s\t%s\t%s\t%s\n", r.Group, r.Name, fmtNum(r.Figure), r.Unit, fmtBase(r), fmtRatio(r), r.Target, status(r.Pass), r.Note)
	}
	tw.Flush()
	for _, e := range rep.Errors {
		fmt.Fprintln(w, "error:", e)
	}
	m := rep.Machine
	fmt.Fprintf(w, "\n%s, %d cores, %d MB, %s, %s; %.0f s; overall %s\n", m.CPU, m.Cores, m.MemoryMB, m.Go, m.OS, rep.Seconds, status(rep.Pass))
}

func fmtBase(r Row) string {
	if math.IsNaN(r.Baseline) {
		return "-"
	}
	return fmtNum(r.Baseline) + " " + r.Unit
}

func fmtRatio(r Row) string {
	if v := r.Ratio(); !math.IsNaN(v) {
		return fmt.Sprintf("%.2f×", v)
	}
	return "-"
}

func (rep report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "latest.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var sb strings.Builder
	m := rep.Machine
	fmt.Fprintf(&sb, "# Benchmarks\n\n`go run ./bench` on %s UTC, commit %s, %.0f s.\n\n", rep.Started.Format("2006-01-02 15:04"), m.Commit, rep.Seconds)
	fmt.Fprintf(&sb, "Machine: %s, %d cores, %d MB memory, %s, %s.\n\n", m.CPU, m.Cores, m.MemoryMB, m.Go, m.OS)
	sb.WriteString("| benchmark | figure | baseline | ratio | target | result | note |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rep.Rows {
		fmt.Fprintf(&sb, "| %s/%s | %s %s | %s | %s | %s | %s | %s |\n", r.Group, r.Name, fmtNum(r.Figure), r.Unit, fmtBase(r), fmtRatio(r), r.Target, status(r.Pass), strings.ReplaceAll(r.Note, "|", "/"))
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(&sb, "\nerror: %s\n", e)
	}
	fmt.Fprintf(&sb, "\nOverall: %s.\n", status(rep.Pass))
	return os.WriteFile(filepath.Join(dir, "latest.md"), []byte(sb.String()), 0o644)
}
