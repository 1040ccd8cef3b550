package aliases

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
)

// deployedFake: checkout-api with a third alias, preview, that a CodeDeploy
// deployment is shifting from 7 to 8 (linear 10% every 10 minutes, started
// two minutes before t0, at 10%).
func deployedFake() *canaryFake {
	f := newCanaryFake()
	f.aliases = append(f.aliases, model.Alias{Function: f.fn.Name, Name: "preview", Version: "7",
		Routing: model.Routing{AdditionalVersion: "8", Weight: 0.1}, RevisionID: "p-1"})
	f.Session.Deploys = []model.Deployment{
		previewDeployment(),
		{ID: "d-OLDROLLED", Application: "checkout-service", Group: "checkout-api-live", Config: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
			Status: "Failed", Creator: "user", Function: "checkout-api", Alias: "live", CurrentVersion: "6", TargetVersion: "7",
			Created: t0.Add(-9 * 24 * time.Hour), ErrorCode: "ALARM_ACTIVE", RollbackID: "d-ROLLBACK1",
			ErrorMessage: "One or more alarms have been activated … Activated alarms: <checkout-api-errors>"},
	}
	return f
}

func previewDeployment() model.Deployment {
	return model.Deployment{ID: "d-PREVIEW01", Application: "checkout-service", Group: "checkout-api-preview",
		Config: "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", Routing: model.DeployRouting{Type: "TimeBasedLinear", Percent: 10, Interval: 10},
		Status: "InProgress", Creator: "user", Function: "checkout-api", Alias: "preview", CurrentVersion: "7", TargetVersion: "8",
		TargetWeight: 10, Created: t0.Add(-2 * time.Minute), Started: t0.Add(-2 * time.Minute),
		Alarms: []string{"checkout-api-preview-errors"}, AlarmsEnabled: true, AutoRollback: true,
		RollbackEvents: []string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}}
}

func toPreview(t *testing.T, h *harness) {
	t.Helper()
	for i := 0; i < 3; i++ {
		if a, ok := h.m.selected(); ok && a.Name == "preview" {
			return
		}
		h.press("j")
	}
	t.Fatalf("preview not selected")
}

func TestCodeDeployBannerAndWeightKeysRefused(t *testing.T) {
	f := deployedFake()
	h := newHarness(t, f, model.Writable)
	if strings.Contains(h.view(), "CodeDeploy · ") {
		t.Fatal("live is not owned: no banner")
	}
	toPreview(t, h)
	v := h.view()
	for _, want := range []string{"CodeDeploy · d-PREVIEW01", "InProgress", "LambdaLinear10PercentEvery10Minutes", "7 → 8", "10% on 8 (target)",
		"next 20% at 12:08:00 (in 8m0s)", "all on 8 by 13:28", "alarms: checkout-api-preview-errors", "S stop · R stop and roll back"} {
		if !strings.Contains(v, want) {
			t.Errorf("banner lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(v, "CODEDEPLOY") || !regexp.MustCompile(`(?m)^\S*preview .*d-PREVIEW01`).MatchString(v) {
		t.Errorf("the alias list should mark preview as owned:\n%s", v)
	}
	for _, k := range []string{"+", "-", "=", "P", "A", "L", "u"} {
		h.press(k)
		if len(h.Dialogs) != 0 {
			t.Fatalf("%s opened a dialog on an owned alias", k)
		}
		if st := h.lastStatus(); !st.Err || !strings.Contains(st.Text, "refused, nothing was sent: CodeDeploy deployment d-PREVIEW01 owns checkout-api:preview") {
			t.Fatalf("%s: status %+v", k, st)
		}
	}
	if n := f.Calls("UpdateAlias"); n != 0 {
		t.Fatalf("%d UpdateAlias sent", n)
	}
	if !h.m.ClaimsKey(panetest.Key("R")) || !h.m.ClaimsKey(panetest.Key("S")) || h.m.ClaimsKey(panetest.Key("+")) {
		t.Fatal("the cockpit claims S and R while a deployment owns the alias")
	}
	// Back on live the keys work again.
	h.press("k")
	h.press("+")
	if len(h.Dialogs) != 1 {
		t.Fatalf("+ on live should open the confirmation: %v", h.Statuses)
	}
	if h.m.ClaimsKey(panetest.Key("R")) {
		t.Fatal("R belongs to the host (reserved concurrency) on an alias nobody deploys")
	}
}

func TestCodeDeployStopNeedsTypedName(t *testing.T) {
	for _, rollback := range []bool{false, true} {
		f := deployedFake()
		h := newHarness(t, f, model.Writable)
		toPreview(t, h)
		k, action := "S", "StopDeployment"
		if rollback {
			k, action = "R", "StopDeployment+rollback"
		}
		h.press(k)
		d := h.dialogView()
		if !strings.Contains(d, "type preview to confirm") || !strings.Contains(d, "d-PREVIEW01") {
			t.Fatalf("confirmation:\n%s", d)
		}
		if rollback != strings.Contains(d, "CodeDeploy rolls back: all traffic to version 7") {
			t.Fatalf("rollback %v:\n%s", rollback, d)
		}
		h.press("y", "enter") // not the name: nothing sent
		if f.Calls(action) != 0 {
			t.Fatal("stopped without the typed name")
		}
		h.clearInput()
		h.typeText("preview")
		h.press("enter")
		if f.Calls(action) != 1 || len(f.Session.Journal) != 1 || f.Session.Journal[0].Action != action || f.Session.Journal[0].Target != "checkout-api:preview" {
			t.Fatalf("%s: calls %d journal %+v", action, f.Calls(action), f.Session.Journal)
		}
		if _, owned := h.m.Owner(); owned {
			t.Fatal("still owned after the stop")
		}
		if !strings.Contains(h.lastStatus().Text, "stopped CodeDeploy deployment d-PREVIEW01") {
			t.Fatalf("status %+v", h.lastStatus())
		}
	}
}

func TestCodeDeployStopRefusedReadOnly(t *testing.T) {
	f := deployedFake()
	h := newHarness(t, f, model.ReadOnly)
	toPreview(t, h)
	for _, k := range []string{"S", "R", "+"} {
		h.press(k)
		if len(h.Dialogs) != 0 {
			t.Fatalf("%s opened a dialog in read-only mode", k)
		}
	}
	if f.Calls("StopDeployment")+f.Calls("StopDeployment+rollback")+f.Calls("UpdateAlias") != 0 {
		t.Fatal("sent in read-only mode")
	}
}

func TestCodeDeployUnsupportedIsOneQuietLine(t *testing.T) {
	f := deployedFake()
	f.Session.DeployErr = awsapi.ErrUnsupported
	h := newHarness(t, f, model.Writable)
	v := h.view()
	if n := strings.Count(v, "CodeDeploy is not available on this endpoint"); n != 1 {
		t.Fatalf("%d notices:\n%s", n, v)
	}
	before := f.Calls("ActiveDeployments")
	h.deliverTicks()
	if f.Calls("ActiveDeployments") != before {
		t.Fatal("asked again after unsupported")
	}
	toPreview(t, h) // unknown owner: the keys are not locked
	h.press("+")
	if len(h.Dialogs) != 1 {
		t.Fatal("+ should work when CodeDeploy cannot be read")
	}
}

func TestCodeDeployTracksTheDeployment(t *testing.T) {
	f := deployedFake()
	h := newHarness(t, f, model.Writable)
	toPreview(t, h)
	// CodeDeploy moves the alias: the poll sees the new weight and reloads.
	f.mu.Lock()
	f.Session.Deploys[0].TargetWeight = 20
	f.mu.Unlock()
	f.set("preview", "7", model.Routing{AdditionalVersion: "8", Weight: 0.2})
	h.clock.Advance(8 * time.Minute)
	loads := f.Calls("ListAliases")
	h.deliverTicks()
	if f.Calls("ListAliases") <= loads {
		t.Fatal("the cockpit did not reload the alias after the deployment moved it")
	}
	if v := h.view(); !strings.Contains(v, "20% on 8 (target)") || !strings.Contains(v, "next 30% at 12:18:00") {
		t.Fatalf("banner after a step:\n%s", v)
	}
}

func TestGoldenCodeDeployBanner(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"160x45", 160, 45}} {
		t.Run(size.name, func(t *testing.T) {
			f := deployedFake()
			h := newHarness(t, f, model.Writable)
			toPreview(t, h)
			h.m.SetSize(size.w, size.h)
			out := ascii(h.m.View())
			for i, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > size.w {
					t.Fatalf("line %d is %d wide", i, w)
				}
			}
			if n := strings.Count(out, "\n") + 1; n > size.h {
				t.Fatalf("%d lines", n)
			}
			if !strings.Contains(out, "CodeDeploy · d-PREVIEW01") {
				t.Fatalf("no banner:\n%s", out)
			}
			golden.RequireEqual(t, out)
		})
	}
}

// TestAliasThrottlesFromResource: a throttled alias reads its throttles from
// the Resource dimension, not "0" from the per-version series.
func TestAliasThrottlesFromResource(t *testing.T) {
	f := newCanaryFake()
	inner := f.series
	f.series = func(q model.MetricQuery, start, end time.Time) model.MetricSeries {
		if q.Metric == "Throttles" && q.ExecutedVersion == "" {
			return genSeries(q, start, end, func(int) float64 { return 5 })
		}
		return inner(q, start, end)
	}
	h := newHarness(t, f, model.Writable)
	h.m.SetSize(160, 45)
	v := h.view()
	// 5 a minute over the 15m window
	if !strings.Contains(v, "✗ 75 on the alias") || !strings.Contains(v, "throttled requests have no executed version") {
		t.Fatalf("throttles:\n%s", v)
	}
}

// TestConfirmationWarnsTowardWorseVersion: + on a canary judged worse says
// so at the top of the confirmation; - (away from it) does not.
func TestConfirmationWarnsTowardWorseVersion(t *testing.T) {
	f := newCanaryFake()
	h := newHarness(t, f, model.Writable)
	for _, k := range []string{"+", "P"} {
		h.press(k)
		d := h.dialogView()
		if !strings.Contains(d, "WARNING: version 8 is judged WORSE than 7") || !strings.Contains(d, "errors 7.3% vs 0.1%") ||
			!strings.Contains(d, "TOWARD it") {
			t.Fatalf("%s: no warning:\n%s", k, d)
		}
		h.press("n")
	}
	h.press("-")
	if d := h.dialogView(); strings.Contains(d, "WARNING") {
		t.Fatalf("- moves traffic away from the worse version:\n%s", d)
	}
	h.press("n")
}

// TestVersionPicker: + on an alias without routing lists every other
// published version; the choice (here an older one) is what is confirmed.
func TestVersionPicker(t *testing.T) {
	f := newCanaryFake()
	f.aliases[1] = model.Alias{Function: "checkout-api", Name: "live", Version: "8", RevisionID: "r-1"} // nothing newer than 8
	h := newHarness(t, f, model.Writable)
	h.press("+")
	v := h.dialogView()
	if !strings.Contains(v, "Start a canary on beta") || !strings.Contains(v, "7     2026-11-24 12:00  stable: retry budget") || strings.Contains(v, "$LATEST") {
		t.Fatalf("picker:\n%s", v)
	}
	h.press("down", "enter") // 7 → 6
	if got := afterLine(h.dialogView()); got != "90% → 8, 10% → 6" {
		t.Fatalf("after = %q", got)
	}
	h.press("n")
	if f.Calls("UpdateAlias") != 0 {
		t.Fatal("sent without confirmation")
	}
	h.press("+", "esc")
	if len(h.Dialogs) != 0 || f.Calls("UpdateAlias") != 0 {
		t.Fatal("esc should close the picker and send nothing")
	}
}
