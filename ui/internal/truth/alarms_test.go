package truth_test

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	sbalarms "github.com/lambdaops/lambdaops/sandbox/alarms"
	"github.com/lambdaops/lambdaops/ui/alarms"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/truth"
)

// alarmTruth is how one seeded alarm's datapoint is computed from the
// records: the value of the period [t, t+period), ok false without data.
type alarmTruth struct {
	name   string
	period time.Duration
	op     string // ">" or ">="
	value  func(w *world, t time.Time, p time.Duration) (float64, bool)
	tol    func(want float64) float64
}

func sumOf(f truth.Filter, pick func(truth.Figures) float64) func(*world, time.Time, time.Duration) (float64, bool) {
	return func(w *world, t time.Time, p time.Duration) (float64, bool) {
		return pick(w.rec.Window(f, t, t.Add(p))), true
	}
}

var exact = func(float64) float64 { return 0.5 }

var seededAlarms = []alarmTruth{
	{sbalarms.SeedPaymentsErrorRate, time.Minute, ">", func(w *world, t time.Time, p time.Duration) (float64, bool) {
		f := w.rec.Window(truth.Filter{Function: "payments-webhook"}, t, t.Add(p))
		return 100 * f.ErrorRate(), f.Invocations > 0
	}, func(want float64) float64 { return 1e-6 * math.Abs(want) }},
	{sbalarms.SeedPaymentsErrors, time.Minute, ">=", sumOf(truth.Filter{Function: "payments-webhook"}, func(f truth.Figures) float64 { return f.Errors }), exact},
	{sbalarms.SeedOrdersThrottles, time.Minute, ">", sumOf(truth.Filter{Function: "orders-api"}, func(f truth.Figures) float64 { return f.Throttles }), exact},
	{sbalarms.SeedCheckoutCanary, time.Minute, ">", sumOf(truth.Filter{Function: "checkout-api", Resource: "live", ExecutedVersion: "8"}, func(f truth.Figures) float64 { return f.Errors }), exact},
	{sbalarms.SeedCheckoutErrors, time.Minute, ">", sumOf(truth.Filter{Function: "checkout-api", Resource: "live"}, func(f truth.Figures) float64 { return f.Errors }), exact},
	{sbalarms.SeedReportP99, 5 * time.Minute, ">=", func(w *world, t time.Time, p time.Duration) (float64, bool) {
		f := w.rec.Window(truth.Filter{Function: "report-generator"}, t, t.Add(p))
		return f.P99, !math.IsNaN(f.P99)
	}, func(want float64) float64 { return HistogramError * want }},
	{sbalarms.SeedClickstreamAge, 5 * time.Minute, ">", func(w *world, t time.Time, p time.Duration) (float64, bool) {
		return w.rec.IteratorAgeMax("clickstream-processor", t, t.Add(p))
	}, func(want float64) float64 { return 1e-6 * want }},
	{sbalarms.SeedImageDuration, 5 * time.Minute, ">", func(w *world, t time.Time, p time.Duration) (float64, bool) {
		f := w.rec.Window(truth.Filter{Function: "image-resizer"}, t, t.Add(p))
		return f.MeanMs, !math.IsNaN(f.MeanMs)
	}, func(want float64) float64 { return 1e-3 * want }},
}

// "16.134453781512605 (26/11/26 13:37:00)"
var reasonPoint = regexp.MustCompile(`(-?[0-9.]+(?:E-?[0-9]+)?) \((\d\d/\d\d/\d\d \d\d:\d\d:\d\d)\)`)

// :alarms all: for each seeded alarm on a Lambda metric, the state, every
// datapoint its reason lists (value and period) and the chart's newest
// datapoint, against the same periods computed from the records; and the
// state agrees with those datapoints and the threshold.
func TestAlarmsMatchRecords(t *testing.T) {
	w := start(t, window)
	p, err := alarms.Screen(w.deps, w.st, w.km, common.ScreenContext{Args: []string{"all"}, Target: w.client.Target()})
	if err != nil {
		t.Fatal(err)
	}
	d := drive(t, p, 1000, 60)
	m := p.(*alarms.Model)
	d.until("the alarms listed", func(v string) bool { return len(m.Rows()) > 0 })
	now := w.srv.Clock().Now().Truncate(time.Minute)
	for _, at := range seededAlarms {
		// select it (j until the detail names it), then wait for its chart
		d.run(p.Update(tea.KeyPressMsg{Code: 'g', Text: "g"}))
		found := false
		for range len(m.Rows()) + 1 {
			if detailNames(frame(d), at.name) {
				found = true
				break
			}
			d.run(p.Update(tea.KeyPressMsg{Code: 'j', Text: "j"}))
		}
		if !found {
			t.Errorf("%s is not listed: %v", at.name, m.Rows())
			continue
		}
		var v string
		v = d.until(at.name+"'s chart", func(v string) bool {
			return detailNames(v, at.name) && strings.Contains(v, " · threshold ")
		})
		c := check{t, "alarm " + at.name}
		reason, _ := line(v, "reason: ")
		head := detailHead(v)
		state := strings.Fields(head)[0]
		if !strings.HasPrefix(reason, "reason: Threshold Crossed") {
			t.Logf("%s: %s (%s)", at.name, state, reason)
			continue
		}
		cond, _ := line(v, "condition: ")
		th := threshold(t, cond)
		pts := reasonPoint.FindAllStringSubmatch(reason, -1)
		if len(pts) == 0 && !strings.Contains(reason, "no datapoints") {
			t.Errorf("%s: no datapoints in %q", at.name, reason)
		}
		for _, pt := range pts {
			shown, _ := strconv.ParseFloat(pt[1], 64)
			ts, err := time.Parse("02/01/06 15:04:05", pt[2])
			if err != nil {
				t.Fatal(err)
			}
			want, ok := at.value(w, ts, at.period)
			if !ok {
				t.Errorf("%s: the reason lists %v at %s; the records have no data then", at.name, shown, pt[2])
				continue
			}
			c.near("datapoint "+pt[2], shown, at.tol(want), want)
			breach := want > th || at.op == ">=" && want >= th
			if breach != (state == "ALARM") {
				t.Errorf("%s in %s: the records' %v at %s %s the threshold %v", at.name, state, want, pt[2],
					map[bool]string{true: "crosses", false: "does not cross"}[breach], th)
			}
		}
		// the chart's newest datapoint is the last whole period before now
		cap, _ := line(v, " · threshold ")
		if !strings.Contains(cap, "per "+model.ShortDuration(at.period)+", last ") {
			t.Errorf("%s: the chart does not name its period and window: %q", at.name, cap)
		}
		i := strings.Index(cap, "latest ")
		cell := strings.Fields(cap[i+len("latest "):])[0]
		want, ok := at.value(w, now.Add(-at.period), at.period)
		switch {
		case !ok || at.name == sbalarms.SeedPaymentsErrorRate && math.IsNaN(want):
			if cell != noData {
				t.Errorf("%s: chart latest %q, the records have no data", at.name, cell)
			}
		default:
			shown, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				t.Errorf("%s: chart latest %q", at.name, cell)
				continue
			}
			c.near("chart latest", shown, at.tol(want)+halfULP(cell)*relIfRounded(cell), want)
		}
	}
}

func frame(d *driver) string {
	return d.until("a frame", func(string) bool { return true })
}

// detailHead is the detail's first line: "ALARM  name  since 12m".
func detailHead(v string) string {
	ls := strings.Split(v, "\n")
	for i, l := range ls {
		if strings.HasPrefix(l, "─────") && i+1 < len(ls) {
			return ls[i+1]
		}
	}
	return ""
}

func detailNames(v, name string) bool {
	f := strings.Fields(detailHead(v))
	return len(f) > 1 && (f[1] == name || len(f) > 2 && f[0] == "NO" && f[2] == name)
}

// threshold reads "condition: Errors Sum > 25 for 3/5 × 1m".
func threshold(t *testing.T, cond string) float64 {
	f := strings.Fields(cond)
	for i, x := range f {
		if (x == ">" || x == ">=" || x == "<" || x == "<=") && i+1 < len(f) {
			v, err := strconv.ParseFloat(f[i+1], 64)
			if err != nil {
				t.Fatalf("threshold in %q", cond)
			}
			return v
		}
	}
	t.Fatalf("no threshold in %q", cond)
	return 0
}

// relIfRounded: a cell written with 4 significant digits is exact to half
// its last digit; an integer cell is exact.
func relIfRounded(cell string) float64 {
	if strings.Contains(cell, ".") {
		return 1
	}
	return 0
}
