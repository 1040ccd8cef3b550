package truth_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/aliases"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/esm"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/internal/truth"
	"github.com/lambdaops/lambdaops/ui/logs"
	"github.com/lambdaops/lambdaops/ui/metrics"
	"github.com/lambdaops/lambdaops/ui/triage"
)

// The demo fleet's incidents (names short enough for every table's name
// column) and two healthy functions.
var watched = []string{"payments-webhook", "orders-api", "report-generator", "clickstream-processor",
	"checkout-api", "search-api", "email-sender", "image-resizer"}

const window = 15 * time.Minute

func (w *world) function(name string) model.Function {
	w.t.Helper()
	d, err := w.client.GetFunction(w.t.Context(), name)
	if err != nil {
		w.t.Fatal(err)
	}
	return d.Function
}

// The function list: INVOC, ERR%, P99/TO and THR of every watched
// function over the window the title names.
func TestFunctionListMatchesRecords(t *testing.T) {
	w := start(t, window)
	d := drive(t, functions.New(w.deps, w.st, w.km), 240, 200)
	v := d.until("list figures for the watched functions", func(v string) bool {
		idx := headerIndex(v, "NAME")
		if idx == nil {
			return false
		}
		for _, n := range watched {
			f := rowFields(v, n)
			if f == nil || len(f) <= idx["THR"] || f[idx["INVOC"]] == "·" || f[idx["THR"]] == "·" {
				return false
			}
		}
		return true
	})
	if !strings.Contains(v, "metrics 15m") {
		t.Errorf("the list does not name its window:\n%s", strings.SplitN(v, "\n", 2)[0])
	}
	idx := headerIndex(v, "NAME")
	for _, n := range watched {
		f := rowFields(v, n)
		want := w.truth(truth.Filter{Function: n})
		c := check{t, "list " + n}
		c.countCell("invocations", f[idx["INVOC"]], want.Invocations)
		c.countCell("throttles", f[idx["THR"]], want.Throttles)
		c.rateCell("error %", f[idx["ERR%"]], want)
		fn := w.function(n)
		if cell := f[idx["P99/TO"]]; math.IsNaN(want.P99) {
			if cell != noData {
				t.Errorf("list %s p99: %q without invocations", n, cell)
			}
		} else if pct, tol, err := percent(cell); err != nil {
			t.Errorf("list %s p99: %q", n, cell)
		} else {
			to := float64(fn.TimeoutSec) * 1000
			c.near("p99 % of timeout", pct, tol+100*HistogramError*want.P99/to, 100*want.P99/to)
		}
	}
}

// Triage: ERR%, THROTTLES, P99/TIMEOUT and the reasons' figures.
func TestTriageMatchesRecords(t *testing.T) {
	w := start(t, window)
	m := triage.NewWithOptions(w.deps, w.st, w.km, triage.Options{SampleMemory: -1})
	d := drive(t, m, 200, 200)
	v := d.until("the board complete, with what the metrics cannot say (reserved, provisioned)", func(v string) bool {
		if !m.Complete() {
			return false
		}
		// read off the rows' reasons, not the screen: an alarm in ALARM
		// leads a reason and pushes the rest past the column's width
		prov, res := false, false
		for _, h := range m.Rows() {
			r := h.Reason()
			prov = prov || h.Function == "search-api" && strings.Contains(r, "(provisioned ")
			res = res || strings.Contains(r, "(reserved ")
		}
		return prov && res
	})
	if !strings.Contains(v, "last 15m") {
		t.Errorf("triage does not name its window:\n%s", strings.SplitN(v, "\n", 2)[0])
	}
	if !strings.Contains(v, "est. $/mo: requests + duration") || !strings.Contains(v, "us-east-1; excl. free tier") {
		t.Errorf("triage does not say what its estimates include:\n%s", v[strings.LastIndex(v, "\n")+1:])
	}
	s, e := w.span()
	for _, n := range watched {
		f := rowFields(v, n)
		if len(f) < 5 {
			t.Errorf("triage: no row for %s", n)
			continue
		}
		want := w.truth(truth.Filter{Function: n})
		c := check{t, "triage " + n}
		c.rateCell("error %", f[1], want)
		c.countCell("throttles", f[2], want.Throttles)
		p99, _, _ := strings.Cut(f[3], "/")
		c.msCell("p99", p99, want.P99)
		// the estimate, from the records' traffic at the region's prices
		fn := w.function(n)
		prov := 0
		if pcs, err := w.client.ListProvisioned(t.Context(), n); err == nil {
			for _, p := range pcs {
				prov += p.Requested
			}
		}
		est := model.EstimateCost(model.CostInput{Architecture: fn.Architecture, MemoryMB: fn.MemoryMB, EphemeralMB: fn.EphemeralMB,
			Window: window, Invocations: want.Invocations, AvgDurationMs: want.MeanMs, Provisioned: prov}, model.PricesFor("us-east-1"))
		if cell := strings.ReplaceAll(strings.TrimPrefix(f[4], "$"), ",", ""); cell != "" {
			v, tol, err := count(cell)
			if err != nil {
				t.Errorf("triage %s cost: %q", n, f[4])
			} else {
				// the mean duration is CloudWatch's Average per minute,
				// weighted back by invocations: exact up to float sums
				c.near("est. $/month", v, tol+1e-6*est.Monthly, est.Monthly)
			}
		}
		for _, h := range m.Rows() {
			if h.Function != n {
				continue
			}
			if h.Has("iterator-age") {
				age, ok := w.rec.IteratorAge(n, s, e)
				r := h.Reason()
				i := strings.Index(r, "→ ")
				if !ok || i < 0 {
					t.Errorf("triage %s: %q, records have age %v (%v)", n, r, age, ok)
					continue
				}
				cell := strings.Fields(r[i+len("→ "):])[0]
				cell = strings.TrimRight(cell, ";")
				shown, tol, err := duration(cell)
				if err != nil {
					t.Errorf("triage %s iterator age: %v", n, err)
					continue
				}
				c.near("iterator age (latest)", shown, tol, age)
			}
		}
	}
}

// :esm and the Event sources tab show the same IteratorAge as the records
// (the newest reported one in the window), before and after a resize.
func TestIteratorAgeMatchesRecords(t *testing.T) {
	w := start(t, window)
	const fn = "clickstream-processor"
	s, e := w.span()
	want, ok := w.rec.IteratorAge(fn, s, e)
	if !ok {
		t.Fatal("the records have no IteratorAge for the lagging mapping")
	}
	region, err := esm.Screen(w.deps, w.st, w.km, common.ScreenContext{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name string
		pane common.Pane
	}{{":esm", region}, {"event sources tab", esm.Tab(w.deps, w.st, w.km, w.function(fn))}} {
		d := drive(t, p.pane, 160, 45)
		read := func(what string) {
			v := d.until(p.name+" iterator age", func(v string) bool {
				l, ok := line(v, "Kinesis", "clickstream")
				return ok && !strings.HasSuffix(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), "[cfn]")), "…")
			})
			if !strings.Contains(v, "ITERATOR AGE 15m") && !strings.Contains(v, "ITER AGE 15m") {
				t.Errorf("%s: the iterator age column does not name its window", p.name)
			}
			l, _ := line(v, "Kinesis", "clickstream")
			f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(l), "[cfn]"))
			shown, tol, err := duration(f[len(f)-1])
			if err != nil {
				t.Errorf("%s %s: %v in %q", p.name, what, err, l)
				return
			}
			check{t, p.name + " " + what}.near("iterator age", shown, tol, want)
		}
		read("at 160x45")
		p.pane.SetSize(80, 24)
		p.pane.SetSize(160, 45)
		d.run(p.pane.Update(common.RefreshMsg{}))
		read("after a resize and a refresh")
	}
}

// The Metrics tab: totals, error rate and the window's percentiles.
func TestMetricsTabMatchesRecords(t *testing.T) {
	w := start(t, window)
	for _, n := range []string{"payments-webhook", "report-generator", "orders-api"} {
		fn := w.function(n)
		d := drive(t, metrics.New(w.deps, w.st, w.km, fn), 160, 45)
		v := d.until("metrics for "+n, func(v string) bool { return strings.Contains(v, "updated ") })
		want := w.truth(truth.Filter{Function: n})
		c := check{t, "metrics tab " + n}
		read := func(label, after string) string {
			l, ok := line(v, label)
			if !ok {
				t.Errorf("%s: no %q line:\n%s", n, label, v)
				return ""
			}
			i := strings.Index(l, after)
			if i < 0 {
				t.Errorf("%s: %q lacks %q", n, l, after)
				return ""
			}
			return strings.Fields(l[i+len(after):])[0]
		}
		total := func(label string) string { // "… 12,000 in 15m · …"
			l, ok := line(v, label)
			i := strings.Index(l, " in 15m")
			if !ok || i < 0 {
				t.Errorf("%s: the %s line does not say its window: %q", n, label, l)
				return "?"
			}
			f := strings.Fields(l[:i])
			return f[len(f)-1]
		}
		c.countCell("invocations", total("Invocations"), want.Invocations)
		c.countCell("errors", total("Errors"), want.Errors)
		c.countCell("throttles", total("Throttles"), want.Throttles)
		if l, ok := line(v, "Errors"); ok {
			c.rateCell("error %", strings.TrimSpace(l[strings.LastIndex(l, "·")+len("·"):]), want)
		}
		c.msCell("p99", read("Duration p99", "p99 15m "), want.P99)
		c.msCell("p50", read("p50 15m", "p50 15m "), want.P50)
		if l, ok := line(v, "Concurrency"); ok {
			i := strings.Index(l, "max ")
			c.countCell("peak concurrency", strings.Fields(l[i+4:])[0], float64(want.Peak))
			if r, err := w.client.GetReserved(t.Context(), n); err != nil {
				t.Fatal(err)
			} else if r != nil {
				j := strings.Index(l, "reserved ")
				if j < 0 {
					t.Errorf("%s: reserved %d not shown: %q", n, *r, l)
				} else {
					c.countCell("reserved concurrency", strings.Fields(l[j+9:])[0], float64(*r))
				}
			}
		}
	}
}

// The cockpit of a weighted alias: per executed version, invocations,
// error rate, p50 and p99 over the window; throttles are the alias's.
func TestCockpitMatchesRecords(t *testing.T) {
	w := start(t, window)
	const fn = "checkout-api"
	// an incident of the harness's own: too little reserved concurrency,
	// so the alias is throttled (alias-level throttles, no version)
	if err := w.client.PutReserved(t.Context(), fn, 3); err != nil {
		t.Fatal(err)
	}
	w.srv.Advance(3 * time.Minute)
	m := aliases.NewWithOptions(w.deps, w.st, w.km, w.function(fn), aliases.Options{})
	d := drive(t, m, 200, 60)
	v := d.until("the cockpit's metrics", func(v string) bool {
		_, ok := line(v, "p99/timeout")
		return ok && strings.Contains(v, "(last 15m)")
	})
	a, err := w.client.GetAlias(t.Context(), fn, "live")
	if err != nil {
		t.Fatal(err)
	}
	versions := []string{a.Version, a.Routing.AdditionalVersion}
	vals := func(label string) [][]string {
		l, ok := line(v, label)
		if !ok {
			t.Fatalf("no %q row:\n%s", label, v)
		}
		var out [][]string
		for _, f := range strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), label)) {
			if strings.ContainsAny(f, "▁▂▃▄▅▆▇█") {
				continue
			}
			if f == "✗" {
				continue
			}
			if strings.HasPrefix(f, "(") || strings.HasSuffix(f, "%") && len(out) > 0 && label == "p99/timeout" && len(out[len(out)-1]) == 1 {
				out[len(out)-1] = append(out[len(out)-1], f)
				continue
			}
			out = append(out, []string{f})
		}
		return out
	}
	inv, errs, p50, p99 := vals("invocations"), vals("errors"), vals("p50"), vals("p99/timeout")
	for i, ver := range versions {
		want := w.truth(truth.Filter{Function: fn, Resource: "live", ExecutedVersion: ver})
		c := check{t, "cockpit v" + ver}
		if i < len(inv) {
			c.countCell("invocations", inv[i][0], want.Invocations)
		}
		if i < len(errs) {
			c.rateCell("error %", errs[i][0], want)
		}
		if i < len(p50) {
			c.msCell("p50", p50[i][0], want.P50)
		}
		if i < len(p99) {
			c.msCell("p99", p99[i][0], want.P99)
		}
	}
	alias := w.truth(truth.Filter{Function: fn, Resource: "live"})
	if alias.Throttles == 0 {
		t.Fatal("the harness's incident did not throttle the alias")
	}
	if l, ok := line(v, "throttles"); ok {
		// "throttles  ✗ 75 on the alias ▁▂█ by Resource …"
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "throttles"))
		if len(f) > 0 && f[0] == "✗" {
			f = f[1:]
		}
		if len(f) == 0 {
			t.Fatalf("no throttles figure:\n%s", l)
		}
		c := check{t, "cockpit alias live"}
		c.countCell("throttles", f[0], alias.Throttles)
	}
}

// :logs a b: one roll-up per function, each with its own memory size and
// the largest memory used in its REPORT lines.
func TestLogsHeaderPerFunction(t *testing.T) {
	w := start(t, window)
	a, b := w.function("orders-api"), w.function("image-resizer")
	p := logs.NewMulti(w.deps, w.st, w.km, []model.Function{a, b}, logs.Options{Heartbeat: -1, SaveDir: t.TempDir()})
	d := drive(t, p, 240, 30)
	d.until("the tail running", func(v string) bool { return strings.Contains(v, "LIVE TAIL") || strings.Contains(v, "POLL") })
	// the traffic goes on: both functions write REPORT lines
	for range 3 {
		w.srv.Advance(time.Minute)
	}
	v := d.until("REPORT lines of both functions", func(v string) bool {
		return strings.Contains(v, "orders-api ") && strings.Contains(v, "image-resizer ") && strings.Contains(v, " inv")
	})
	head := strings.SplitN(v, "\n", 2)[0]
	for _, fn := range []model.Function{a, b} {
		i := strings.Index(head, fn.Name+" ")
		if i < 0 {
			t.Errorf("header lacks %s: %q", fn.Name, head)
			continue
		}
		part, _, _ := strings.Cut(head[i:], ";")
		j := strings.Index(part, "mem ")
		if j < 0 {
			t.Errorf("%s: no memory figure in %q", fn.Name, part)
			continue
		}
		var used, size int
		if _, err := fmtSscanf(part[j:], "mem %d/%dMB", &used, &size); err != nil {
			t.Errorf("%s: %q: %v", fn.Name, part, err)
			continue
		}
		if size != fn.MemoryMB {
			t.Errorf("%s: header says %d MB, the function has %d MB", fn.Name, size, fn.MemoryMB)
		}
		// the tail's lines come from the last minutes: the largest
		// memory used must be one the records show in that span
		now := w.srv.Clock().Now()
		rec := w.rec.Window(truth.Filter{Function: fn.Name}, now.Add(-time.Hour), now.Add(time.Minute))
		if used <= 0 || used > rec.MaxMemoryUsedMB {
			t.Errorf("%s: header max memory used %d MB, records at most %d MB", fn.Name, used, rec.MaxMemoryUsedMB)
		}
	}
}

// The user-trial defect: on a function with a few invocations a minute the
// Metrics tab showed p50 = p90 = p99 (the newest minute's percentiles, of
// one or two invocations) while the cockpit (the window's own) differed.
// The tab now reads one period as long as the window for each percentile:
// all three must match the records' nearest-rank percentiles.
func TestMetricsTabPercentilesOnLowTraffic(t *testing.T) {
	w := start(t, window)
	s, e := w.span()
	checked := 0
	for _, n := range w.rec.Functions(s, e) {
		want := w.rec.Window(truth.Filter{Function: n}, s, e)
		// a few a minute, and percentiles the records tell apart
		if want.Invocations == 0 || want.Invocations > 3*window.Minutes() || want.P99-want.P50 < 0.1*want.P99 {
			continue
		}
		d := drive(t, metrics.New(w.deps, w.st, w.km, w.function(n)), 160, 45)
		v := d.until("metrics for "+n, func(v string) bool { return strings.Contains(v, "updated ") })
		c := check{t, "metrics tab (low traffic) " + n}
		cells := map[string]string{}
		for _, p := range []string{"p50", "p90", "p99"} {
			l, ok := line(v, p+" 15m ")
			if !ok {
				t.Fatalf("%s: no %s line:\n%s", n, p, v)
			}
			l = l[strings.Index(l, p+" 15m ")+len(p+" 15m "):]
			cells[p] = strings.Fields(l)[0]
		}
		c.msCell("p50", cells["p50"], want.P50)
		c.msCell("p90", cells["p90"], want.P90)
		c.msCell("p99", cells["p99"], want.P99)
		if cells["p50"] == cells["p99"] {
			t.Errorf("%s: p50 = p99 = %s on screen; the records have %.0fms and %.0fms", n, cells["p50"], want.P50, want.P99)
		}
		if checked++; checked == 4 {
			break
		}
	}
	if checked == 0 {
		t.Fatal("no low-traffic function in the demo fleet")
	}
}
