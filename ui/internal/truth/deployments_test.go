package truth_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/deployments"
)

var runningWeight = regexp.MustCompile(`running ([0-9.]+)%`)

// The Deployments tab: a running CodeDeploy deployment's weight is the
// weight its alias routes now (GetAlias, as the sandbox holds it), also
// after the deployment has shifted a step.
func TestDeploymentsTabWeightMatchesAlias(t *testing.T) {
	w := start(t, window)
	const fn = "checkout-api"
	for step := 0; step < 2; step++ {
		p := deployments.Tab(w.deps, w.st, w.km, w.function(fn))
		d := drive(t, p, 160, 45)
		v := d.until("the deployments of "+fn, func(v string) bool { return strings.Contains(v, "CodeDeploy deployments of") })
		found := false
		for _, l := range strings.Split(v, "\n") {
			m := runningWeight.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "▸"))
			alias := ""
			for i, x := range f {
				if strings.HasPrefix(x, "d-") && i+1 < len(f) {
					alias = f[i+1]
				}
			}
			a, err := w.client.GetAlias(t.Context(), fn, alias)
			if err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			shown, _ := strconv.ParseFloat(m[1], 64)
			check{t, "deployments tab " + fn + ":" + alias}.near("weight %", shown, 0.05, 100*a.Routing.Weight)
			found = true
		}
		if !found {
			t.Fatalf("no running deployment on the tab:\n%s", v)
		}
		p.(common.Closer).Close()
		w.srv.Advance(10 * time.Minute) // a linear step
	}
}
