package tune

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/internal/truth"
	"github.com/lambdaops/lambdaops/ui/invoke"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// The ground-truth harness for power tuning: the result table's MEAN ms,
// P90 ms and $/1M per size against the sandbox's records of the run's own
// invocations (through each size's temporary alias): the trimmed mean and
// nearest-rank p90 of their durations, and the cost of the trimmed mean
// billed duration (Lambda bills whole milliseconds) at the region's
// prices.
func TestTuneResultsMatchRecords(t *testing.T) {
	rec := &truth.Recorder{}
	_, c := panetest.StartSandbox(t, sandbox.Options{Functions: 20, Seed: 3, Record: rec}, false)
	deps := common.FromSession(c, nil)
	fn := model.Function{Name: "checksum-worker"}
	m := New(deps, styles.NewPlain(), keymap.Default(), fn, c.Target(), c, Options{Events: invoke.Events{Dir: t.TempDir()}})
	m.SetSize(200, 60)
	h := panetest.New(t, m)
	h.Run(m.Init())
	m.setField(fieldSizes, "256, 1024")
	m.setField(fieldPerSize, "12")
	h.Press("p")
	h.Press("y")
	if m.run == nil || m.run.Status != "done" {
		t.Fatalf("run %+v err %v", m.run, m.runErr)
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "trimmed mean and p90 of this run's 12 invocations") || !strings.Contains(v, "excl. free tier") {
		t.Errorf("the results do not say what they are:\n%s", v)
	}
	prices := model.PricesFor(c.Target().Region)
	for _, mb := range []int{256, 1024} {
		durs, _ := rec.Durations(truth.Filter{Function: fn.Name, Resource: model.TuneAlias(m.run.Run, mb)}, time.Time{}, time.Now().Add(24*time.Hour*365*10))
		if len(durs) != 12 {
			t.Fatalf("%d MB: %d invocations in the records, want 12", mb, len(durs))
		}
		var row []string
		for _, l := range strings.Split(v, "\n") {
			if f := strings.Fields(l); len(f) > 2 && (f[0] == strconv.Itoa(mb) || f[0] == "▸" && f[1] == strconv.Itoa(mb)) {
				row = f
				if f[0] == "▸" {
					row = f[1:]
				}
				break
			}
		}
		if row == nil {
			t.Fatalf("no row for %d MB:\n%s", mb, v)
		}
		billed := make([]float64, len(durs))
		for i, d := range durs {
			billed[i] = math.Ceil(d)
		}
		wantMean := model.TrimmedMean(durs, model.TuneTrim)
		wantP90 := model.Percentile(durs, 90)
		b := time.Duration(model.TrimmedMean(billed, model.TuneTrim) * float64(time.Millisecond))
		wantPerM := (model.InvocationCost(b, mb, m.run.Arch, prices) + model.StorageCost(b, m.cfg.EphemeralMB, prices)) * 1e6
		// row: 256 MB <mean> <p90> <cold%> <max> MB <errors> <$/inv>µ <$/1M> …
		near := func(what, cell string, want float64) {
			t.Helper()
			got, err := strconv.ParseFloat(strings.TrimPrefix(cell, "$"), 64)
			tol := 0.5
			if i := strings.IndexByte(cell, '.'); i >= 0 {
				tol = 0.5 * math.Pow(10, -float64(len(cell)-i-1))
			}
			t.Logf("%d MB %s: screen %s, records %.4g", mb, what, cell, want)
			if err != nil || math.Abs(got-want) > tol+1e-9 {
				t.Errorf("%d MB %s: screen %q, records %v (±%v)", mb, what, cell, want, tol)
			}
		}
		near("mean ms", row[2], wantMean)
		near("p90 ms", row[3], wantP90)
		near("$/1M", row[9], wantPerM)
	}
}
