// Command drill is the fault drill: it drives the real lambdaops binary in
// tmux through every pane and action for N minutes against `lambdaops
// sandbox` with 5% server errors, 5% throttling, 200 ms jitter, 1% dropped
// connections and --quotas aws, then stops the faults and checks:
//
//   - no crash (the pane is alive, no crash report, no panic on screen);
//
//   - goroutines and memory flat (LAMBDAOPS_DEBUG_STATS samples and
//     /proc VmRSS: the last quarter against the second quarter);
//
//   - every mutation applied exactly once (the journal's successful
//     entries per action against the sandbox's 2xx answers per operation);
//
//   - no 429 from the quotas under the default budget (GET /_sandbox/stats);
//
//   - the screen recovering once the faults stop (a refresh shows the list
//     and no error).
//
//     go run ./scripts/drill              # 10 minutes
//     go run ./scripts/drill -short       # 1 minute
//     go run ./scripts/drill -out bench/results/drill-short
//
// It needs tmux.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type check struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

type sample struct {
	At         float64 `json:"t"`
	Goroutines int     `json:"goroutines"`
	HeapMB     float64 `json:"heapMB"`
	RSSMB      float64 `json:"rssMB"`
}

type report struct {
	Started   time.Time         `json:"started"`
	Minutes   float64           `json:"minutes"`
	Faults    string            `json:"faults"`
	Actions   int               `json:"actions"`
	Checks    []check           `json:"checks"`
	Samples   []sample          `json:"samples"`
	Mutations map[string][2]int `json:"mutations"` // action → [journal ok, sandbox 2xx]
	Pass      bool              `json:"pass"`
	Screen    string            `json:"finalScreen"`
}

func main() {
	short := flag.Bool("short", false, "run for 1 minute")
	minutes := flag.Float64("minutes", 10, "drill length in minutes")
	out := flag.String("out", "", "write <out>.json and <out>.md")
	functions := flag.Int("functions", 300, "sandbox fleet size")
	keep := flag.Bool("keep", false, "leave the tmux session and sandbox running at the end")
	flag.Parse()
	if *short {
		*minutes = 1
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		fail("tmux is needed: %v", err)
	}
	dir, err := os.MkdirTemp("", "lambdaops-drill-")
	if err != nil {
		fail("%v", err)
	}
	bin := filepath.Join(dir, "lambdaops")
	logf("building the binary")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fail("go build: %v\n%s", err, b)
	}

	faults := []string{"--fault-error-rate", "0.05", "--fault-throttle-rate", "0.05", "--fault-jitter", "200ms", "--fault-drop-rate", "0.01"}
	sb := exec.Command(bin, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--functions", strconv.Itoa(*functions), "--quotas", "aws"}, faults...)...)
	sbOut, _ := sb.StdoutPipe()
	sb.Stderr = os.Stderr
	if err := sb.Start(); err != nil {
		fail("start sandbox: %v", err)
	}
	defer func() {
		if !*keep {
			_ = sb.Process.Kill()
			_ = sb.Wait()
		}
	}()
	endpoint := ""
	sc := bufio.NewScanner(sbOut)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export AWS_ENDPOINT_URL="); ok {
			endpoint = v
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, sbOut) }()
	if endpoint == "" {
		fail("the sandbox printed no endpoint")
	}
	logf("sandbox at %s with faults %s and --quotas aws", endpoint, strings.Join(faults, " "))

	session := fmt.Sprintf("lambdaops-drill-%d", os.Getpid())
	stats := filepath.Join(dir, "stats.jsonl")
	state := filepath.Join(dir, "state")
	envs := []string{
		"AWS_ACCESS_KEY_ID=sandbox", "AWS_SECRET_ACCESS_KEY=sandbox", "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true",
		"XDG_STATE_HOME=" + state, "XDG_CACHE_HOME=" + filepath.Join(dir, "cache"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"LAMBDAOPS_DEBUG_STATS=" + stats, "TERM=xterm-256color",
	}
	cmdline := "exec env " + strings.Join(envs, " ") + " " + bin + " --endpoint-url " + endpoint + " --region us-east-1 2>" + filepath.Join(dir, "stderr.txt")
	// A private tmux server: other tmux users on the machine (and their
	// kill-server) cannot touch the drill's session.
	tmux := func(args ...string) (string, error) {
		b, err := exec.Command("tmux", append([]string{"-L", session}, args...)...).CombinedOutput()
		return string(b), err
	}
	if o, err := tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "45", cmdline); err != nil {
		fail("tmux: %v %s", err, o)
	}
	_, _ = tmux("set-option", "-t", session, "remain-on-exit", "on")
	defer func() {
		if !*keep {
			_, _ = tmux("kill-server")
		}
	}()
	pidS, _ := tmux("display-message", "-p", "-t", session, "#{pane_pid}")
	pid, _ := strconv.Atoi(strings.TrimSpace(pidS))
	send := func(keys ...string) {
		for _, k := range keys {
			_, _ = tmux("send-keys", "-t", session, k)
			time.Sleep(150 * time.Millisecond)
		}
	}
	typeText := func(s string) {
		_, _ = tmux("send-keys", "-t", session, "-l", s)
		time.Sleep(150 * time.Millisecond)
	}
	capture := func() string {
		s, _ := tmux("capture-pane", "-p", "-t", session)
		return s
	}
	// canary opens checkout-api's aliases (the demo fleet's canary) and
	// presses k, confirming with y.
	canary := func(k string) {
		send("Escape", "/")
		typeText("checkout-api")
		send("Enter", "Enter", "2")
		time.Sleep(time.Second)
		send(k, "y")
		time.Sleep(time.Second)
		send("Escape", "Escape", "Escape")
	}
	time.Sleep(5 * time.Second)

	rep := report{Started: time.Now().UTC(), Minutes: *minutes, Faults: strings.Join(faults, " ") + " --quotas aws", Mutations: map[string][2]int{}}
	// Every pane and action, as a user would press them; mutations answer
	// their confirmations with y.
	script := []func(){
		func() { send("j", "j", "j", "k") },
		func() { send("/"); typeText("api"); send("Down", "Escape") },
		func() { send("Enter", "1", "x", "x", "2", "3", "4", "5", "Escape") },
		func() { canary("+") },                                            // canary weight up, confirmed
		func() { canary("-") },                                            // and down
		func() { canary("p") },                                            // publish a version
		func() { send("R"); typeText("7"); send("Enter", "y", "Escape") }, // reserved concurrency
		func() { send(":"); typeText("triage"); send("Enter"); time.Sleep(time.Second); send("j", "Escape") },
		func() { send(":"); typeText("esm"); send("Enter"); time.Sleep(time.Second); send("j", "Escape") },
		func() { send(":"); typeText("concurrency"); send("Enter"); time.Sleep(time.Second); send("Escape") },
		func() { send("i", "Escape", "Escape") },
		func() { send("Enter", "4"); time.Sleep(2 * time.Second); send("Escape") }, // logs tab
		func() { send("r") },
		func() { send("?", "Escape") },
		func() { send("G", "g") },
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var samples []sample
	begin := time.Now()
	deadline := begin.Add(time.Duration(*minutes * float64(time.Minute)))
	nextSample := begin
	for time.Now().Before(deadline) {
		script[rng.IntN(len(script))]()
		rep.Actions++
		if time.Now().After(nextSample) {
			samples = append(samples, takeSample(begin, stats, pid))
			nextSample = time.Now().Add(5 * time.Second)
		}
		if dead(tmux, session) {
			break
		}
	}
	samples = append(samples, takeSample(begin, stats, pid))
	rep.Samples = samples

	// Faults off; the screen must recover.
	logf("stopping the faults")
	if resp, err := http.Post(endpoint+"/_sandbox/faults", "application/json", strings.NewReader("{}")); err == nil {
		resp.Body.Close()
	}
	send("Escape", "Escape", "Escape")
	time.Sleep(3 * time.Second)
	send("r")
	time.Sleep(8 * time.Second)
	screen := capture()
	rep.Screen = screen

	alive := !dead(tmux, session)
	stderr, _ := os.ReadFile(filepath.Join(dir, "stderr.txt"))
	crashed := strings.Contains(screen, "crash") || strings.Contains(string(stderr), "crash") || strings.Contains(string(stderr), "panic")
	rep.add("no crash", alive && !crashed, fmt.Sprintf("pane alive=%v; stderr %q", alive, clip(string(stderr), 300)))

	g2, g4, h2, h4, r2, r4 := quarters(samples)
	rep.add("goroutines flat", g4 <= g2*1.5+20, fmt.Sprintf("goroutines: 2nd quarter median %.0f, last quarter %.0f", g2, g4))
	rep.add("memory flat", h4 <= h2*1.5+20 && r4 <= r2*1.5+30, fmt.Sprintf("heap MB %.1f → %.1f, RSS MB %.1f → %.1f", h2, h4, r2, r4))

	st := sandboxStats(endpoint)
	rep.add("no 429 from --quotas aws under the default budget", st.QuotaThrottles == 0,
		fmt.Sprintf("quota throttles %d; injected throttles %d of %d requests", st.QuotaThrottles, st.Throttles-st.QuotaThrottles, st.Requests))

	journal := readJournal(state)
	okCount := map[string]int{}
	for _, e := range journal {
		if e.Result == "ok" {
			okCount[e.Action]++
		}
	}
	exact, total := true, 0
	var details []string
	for _, op := range []string{"UpdateAlias", "PublishVersion", "CreateAlias", "PutFunctionConcurrency", "DeleteFunctionConcurrency",
		"PutProvisionedConcurrencyConfig", "DeleteProvisionedConcurrencyConfig", "UpdateEventSourceMapping"} {
		var served int
		for code, n := range st.Ops[op].Status {
			if c, _ := strconv.Atoi(code); c >= 200 && c < 300 {
				served += int(n)
			}
		}
		if served == 0 && okCount[op] == 0 {
			continue
		}
		rep.Mutations[op] = [2]int{okCount[op], served}
		total += served
		details = append(details, fmt.Sprintf("%s journal %d / sandbox %d", op, okCount[op], served))
		exact = exact && okCount[op] == served
	}
	if total == 0 {
		details = append(details, "no mutation reached the sandbox")
	}
	rep.add("every mutation applied exactly once", exact && total > 0, strings.Join(details, "; "))

	lines := strings.Count(screen, "\n")
	recovered := alive && !strings.Contains(strings.ToLower(screen), "error") && !strings.Contains(strings.ToLower(screen), "throttl") && lines > 10
	rep.add("screen recovers once the faults stop", recovered, "final screen captured after faults off and a refresh (below)")

	rep.Pass = true
	for _, c := range rep.Checks {
		rep.Pass = rep.Pass && c.Pass
		fmt.Printf("%-4s %-50s %s\n", map[bool]string{true: "pass", false: "FAIL"}[c.Pass], c.Name, c.Detail)
	}
	fmt.Printf("%d actions in %.1f minutes; overall %s\n", rep.Actions, time.Since(begin).Minutes(), map[bool]string{true: "pass", false: "FAIL"}[rep.Pass])
	if *out != "" {
		if err := rep.write(*out); err != nil {
			fail("%v", err)
		}
	}
	if *keep {
		logf("kept: tmux -L %s attach; sandbox %s; files in %s", session, endpoint, dir)
	} else {
		_ = os.RemoveAll(dir)
	}
	if !rep.Pass {
		os.Exit(1)
	}
}

func (r *report) add(name string, pass bool, detail string) {
	r.Checks = append(r.Checks, check{name, pass, detail})
}

func dead(tmux func(...string) (string, error), session string) bool {
	s, err := tmux("list-panes", "-t", session, "-F", "#{pane_dead}")
	return err != nil || strings.TrimSpace(s) == "1"
}

func takeSample(begin time.Time, stats string, pid int) sample {
	s := sample{At: time.Since(begin).Seconds()}
	if b, err := os.ReadFile(stats); err == nil {
		lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
		var v struct {
			Goroutines int
			HeapMB     float64
		}
		if len(lines) > 0 && json.Unmarshal(lines[len(lines)-1], &v) == nil {
			s.Goroutines, s.HeapMB = v.Goroutines, v.HeapMB
		}
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				s.RSSMB = float64(kb) / 1024
			}
		}
	}
	return s
}

// quarters returns the medians of goroutines, heap and RSS over the second
// and the last quarter of the samples (the first quarter is warm-up).
func quarters(s []sample) (g2, g4, h2, h4, r2, r4 float64) {
	if len(s) < 4 {
		if len(s) == 0 {
			return
		}
		a, b := s[0], s[len(s)-1]
		return float64(a.Goroutines), float64(b.Goroutines), a.HeapMB, b.HeapMB, a.RSSMB, b.RSSMB
	}
	q := len(s) / 4
	med := func(part []sample, f func(sample) float64) float64 {
		v := make([]float64, len(part))
		for i, x := range part {
			v[i] = f(x)
		}
		for i := range v { // tiny insertion sort
			for j := i; j > 0 && v[j] < v[j-1]; j-- {
				v[j], v[j-1] = v[j-1], v[j]
			}
		}
		return v[len(v)/2]
	}
	second, last := s[q:2*q], s[len(s)-q:]
	g := func(x sample) float64 { return float64(x.Goroutines) }
	h := func(x sample) float64 { return x.HeapMB }
	r := func(x sample) float64 { return x.RSSMB }
	return med(second, g), med(last, g), med(second, h), med(last, h), med(second, r), med(last, r)
}

type sbStats struct {
	Requests       int64
	Throttles      int64
	QuotaThrottles int64
	Ops            map[string]struct {
		Requests int64
		Status   map[string]int64
	}
}

func sandboxStats(endpoint string) sbStats {
	var st sbStats
	resp, err := http.Get(endpoint + "/_sandbox/stats")
	if err != nil {
		return st
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(&st)
	return st
}

type journalEntry struct {
	Action string `json:"action"`
	Target string `json:"target"`
	Result string `json:"result"`
}

func readJournal(state string) []journalEntry {
	var out []journalEntry
	_ = filepath.WalkDir(state, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".jsonl") {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, l := range bytes.Split(b, []byte("\n")) {
			var e journalEntry
			if json.Unmarshal(l, &e) == nil && e.Action != "" {
				out = append(out, e)
			}
		}
		return nil
	})
	return out
}

func (r report) write(base string) error {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(base+".json", append(b, '\n'), 0o644); err != nil {
		return err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "# Fault drill\n\n`go run ./scripts/drill` for %.1f minutes from %s UTC: %d actions through every pane.\n\nFaults: `%s`.\n\n", r.Minutes, r.Started.Format("2006-01-02 15:04"), r.Actions, r.Faults)
	sb.WriteString("| check | result | detail |\n|---|---|---|\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&sb, "| %s | %s | %s |\n", c.Name, map[bool]string{true: "pass", false: "FAIL"}[c.Pass], strings.ReplaceAll(c.Detail, "|", "/"))
	}
	sb.WriteString("\nSamples (seconds, goroutines, heap MB, RSS MB):\n\n")
	for _, s := range r.Samples {
		fmt.Fprintf(&sb, "- %.0f s: %d goroutines, %.1f MB heap, %.1f MB RSS\n", s.At, s.Goroutines, s.HeapMB, s.RSSMB)
	}
	fmt.Fprintf(&sb, "\nFinal screen after the faults stopped:\n\n```\n%s```\n\nOverall: %s.\n", r.Screen, map[bool]string{true: "pass", false: "FAIL"}[r.Pass])
	return os.WriteFile(base+".md", []byte(sb.String()), 0o644)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func logf(f string, a ...any) { fmt.Fprintf(os.Stderr, "drill: "+f+"\n", a...) }

func fail(f string, a ...any) {
	logf(f, a...)
	os.Exit(1)
}
