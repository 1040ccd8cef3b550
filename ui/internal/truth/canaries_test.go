package truth_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/canaries"
	"github.com/lambdaops/lambdaops/ui/internal/truth"
)

// "v8 7.9% err of 1,322"
var versionFigures = regexp.MustCompile(`v(\S+) (\S+) err of ([0-9,.kM]+)`)

// :canaries: every weighted alias's routing is the alias's own (GetAlias
// as the sandbox holds it) and its verdict's figures — per version the
// error rate and invocations over the window it names — are the records'.
func TestCanariesMatchRecords(t *testing.T) {
	w := start(t, window)
	m := canaries.New(w.deps, w.st, w.km)
	d := drive(t, m, 400, 60)
	v := d.until("every function scanned", func(string) bool { return m.Done() })
	if !strings.Contains(v, "VERDICT 15m") {
		t.Errorf(":canaries does not name its window:\n%s", v)
	}
	judged := 0
	for _, r := range m.Rows() {
		if !r.Alias.Routing.Active() {
			continue
		}
		a, err := w.client.GetAlias(t.Context(), r.Function, r.Alias.Name)
		if err != nil {
			t.Fatal(err)
		}
		l, ok := line(v, r.Function+":"+r.Alias.Name+" ")
		if !ok {
			t.Errorf("no row for %s:%s", r.Function, r.Alias.Name)
			continue
		}
		routing := a.Version + " → " + a.Routing.AdditionalVersion + " " + model.FormatWeight(a.Routing.Weight)
		if !strings.Contains(l, routing) {
			t.Errorf("%s:%s: routing %q not in %q", r.Function, r.Alias.Name, routing, l)
		}
		for _, f := range versionFigures.FindAllStringSubmatch(l, -1) {
			want := w.truth(truth.Filter{Function: r.Function, Resource: r.Alias.Name, ExecutedVersion: f[1]})
			c := check{t, ":canaries " + r.Function + ":" + r.Alias.Name + " v" + f[1]}
			c.countCell("invocations", f[3], want.Invocations)
			c.rateCell("error %", f[2], want)
			judged++
		}
	}
	if judged == 0 {
		t.Fatalf("no canary figures on screen:\n%s", v)
	}
}
