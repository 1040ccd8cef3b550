package alarms

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	sbalarms "github.com/lambdaops/lambdaops/sandbox/alarms"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// :alarms over the seeded sandbox: the alarms in ALARM, enter opens the
// watched function on the Alarms tab; the tab shows payments-webhook's
// alarms, the composite including them, and the history with reasons.
func TestScreenAndTabOnSandbox(t *testing.T) {
	srv, c := panetest.StartSandbox(t, sandbox.Options{Functions: 30, Seed: 1, Traffic: true, Clock: clock.NewManual(t0)}, false)
	deps := common.FromSession(c, nil)
	deps.Now = srv.Clock().Now
	st, km := styles.NewPlain(), keymap.Default()
	p, err := Screen(deps, st, km, common.ScreenContext{Target: c.Target()})
	if err != nil {
		t.Fatal(err)
	}
	h := panetest.New(t, p)
	p.SetSize(160, 50)
	h.Run(p.Init())
	m := p.(*Model)
	rows := strings.Join(m.Rows(), ",")
	for _, want := range []string{sbalarms.SeedPaymentsErrorRate, sbalarms.SeedOrdersThrottles, sbalarms.SeedCheckoutDegraded} {
		if !strings.Contains(rows, want) {
			t.Errorf("in ALARM: %s lacks %s", rows, want)
		}
	}
	if strings.Contains(rows, sbalarms.SeedImageDuration) {
		t.Errorf("OK alarm listed: %s", rows)
	}
	// Move to payments-webhook-error-rate and open it.
	for i := 0; i < len(m.Rows()) && !strings.HasPrefix(m.selectedName(), "payments-webhook-error-rate"); i++ {
		h.Press("j")
	}
	cmd := m.Update(panetest.Key("enter"))
	var open common.OpenFunctionMsg
	for _, msg := range panetest.Messages(cmd) {
		if o, ok := msg.(common.OpenFunctionMsg); ok {
			open = o
		}
	}
	if open.Function.Name != "payments-webhook" || open.Tab != Tab {
		t.Fatalf("enter opened %+v", open)
	}
	if v := p.View(); !strings.Contains(v, "Threshold Crossed") || !strings.Contains(v, "Alarm updated from OK to ALARM") {
		t.Errorf("detail lacks the reason or the history:\n%s", v)
	}
	h.Press("a")
	if len(m.Rows()) <= len(strings.Split(rows, ",")) {
		t.Errorf("all: %d rows", len(m.Rows()))
	}
	h.Press("x")
	if !strings.Contains(h.LastStatus(), "x does nothing here") {
		t.Errorf("an unused key: %q", h.LastStatus())
	}

	tab := NewTab(deps, st, km, model.Function{Name: "payments-webhook"})
	th := panetest.New(t, tab)
	tab.SetSize(160, 50)
	th.Run(tab.Init())
	got := strings.Join(tab.(*Model).Rows(), ",")
	if !strings.Contains(got, sbalarms.SeedPaymentsErrors) || !strings.Contains(got, sbalarms.SeedCheckoutDegraded) {
		t.Errorf("tab rows %s", got)
	}
	v := tab.View()
	for _, want := range []string{"history", "in composites: checkout degraded (ALARM)", "threshold"} {
		if !strings.Contains(v, want) {
			t.Errorf("tab lacks %q:\n%s", want, v)
		}
	}

	// A pasted ARN finds the alarm.
	arn := "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + sbalarms.SeedClickstreamAge
	q, _ := Screen(deps, st, km, common.ScreenContext{Args: []string{arn}, Target: c.Target()})
	qh := panetest.New(t, q)
	q.SetSize(120, 40)
	qh.Run(q.Init())
	if r := q.(*Model).Rows(); len(r) != 1 || r[0] != sbalarms.SeedClickstreamAge {
		t.Errorf("by ARN: %v", r)
	}
}

func (m *Model) selectedName() string {
	if r, ok := m.tbl.Selected(); ok {
		return r.a.Name
	}
	return ""
}

// Muting asks for a reason and a confirmation; a protected profile types
// the alarm's name; read-only refuses before any dialog.
func TestActionsConfirmed(t *testing.T) {
	f := fake.New("us-east-1", 3)
	f.T.Protection = model.Protected
	f.AlarmList = []model.Alarm{{Name: "fn-errors", State: model.AlarmAlarm, ActionsEnabled: true, Namespace: "AWS/Lambda",
		Dimensions: []model.AlarmDim{{Name: "FunctionName", Value: "fn"}}, Reason: "Threshold Crossed"}}
	deps := common.FromSession(f, nil)
	deps.Now = func() time.Time { return t0 }
	p := NewTab(deps, styles.NewPlain(), keymap.Default(), model.Function{Name: "fn"})
	h := panetest.New(t, p)
	p.SetSize(120, 40)
	h.Run(p.Init())
	h.Press("m")
	if len(h.Dialogs) != 1 {
		t.Fatal("no reason prompt")
	}
	h.Press("enter") // empty reason refused
	if len(h.Dialogs) != 1 {
		t.Fatal("empty reason accepted")
	}
	h.TypeText("maintenance\n")
	if len(h.Dialogs) != 1 || !strings.Contains(h.DialogView(), "DisableAlarmActions") {
		t.Fatalf("confirm: %q", h.DialogView())
	}
	if !strings.Contains(h.DialogView(), "type") {
		t.Errorf("protected confirm does not ask for the name: %q", h.DialogView())
	}
	h.TypeText("fn-errors\n")
	if f.Calls("DisableAlarmActions") != 1 {
		t.Fatalf("calls %d, dialogs %d", f.Calls("DisableAlarmActions"), len(h.Dialogs))
	}
	// SetAlarmState: prompt, then confirm.
	h.Press("t")
	h.Press("enter")
	h.TypeText("fn-errors\n")
	if f.Calls("SetAlarmState") != 1 {
		t.Fatalf("SetAlarmState calls %d", f.Calls("SetAlarmState"))
	}
	f.T.Protection = model.ReadOnly
	ro := NewTab(common.FromSession(f, nil), styles.NewPlain(), keymap.Default(), model.Function{Name: "fn"})
	rh := panetest.New(t, ro)
	ro.SetSize(120, 40)
	rh.Run(ro.Init())
	rh.Press("t")
	if len(rh.Dialogs) != 0 || !strings.Contains(rh.LastStatus(), "read-only") {
		t.Errorf("read-only: %d dialogs, %q", len(rh.Dialogs), rh.LastStatus())
	}
}

// Without alarms on the endpoint the pane says so in one line.
func TestUnsupported(t *testing.T) {
	f := fake.New("us-east-1", 1)
	f.AlarmErr = errors.Join(awsapi.ErrUnsupported)
	p := NewTab(common.FromSession(f, nil), styles.NewPlain(), keymap.Default(), model.Function{Name: "fn"})
	h := panetest.New(t, p)
	p.SetSize(100, 10)
	h.Run(p.Init())
	if v := p.View(); !strings.Contains(v, "not available on this endpoint") {
		t.Errorf("view %q", v)
	}
	var _ tea.Msg
}

func TestChart(t *testing.T) {
	ls := Chart([]float64{0, 1, 10, 2}, 5, true, 10, 2)
	if len(ls) != 2 {
		t.Fatal(len(ls))
	}
	top, bottom := string(ls[0].Cells), string(ls[1].Cells)
	if top != "──█─" && top != "  █ " || !ls[1].Over[2] || ls[1].Over[3] {
		t.Errorf("chart %q / %q %v", top, bottom, ls[1].Over)
	}
}

// A composite alarm shows what it watches (its child alarms, the one in
// ALARM first) and a readable rule; the detail has the rule and the
// children in full at 80×24.
func TestCompositeWatchesAndCondition(t *testing.T) {
	srv, c := panetest.StartSandbox(t, sandbox.Options{Functions: 30, Seed: 1, Traffic: true, Clock: clock.NewManual(t0)}, false)
	deps := common.FromSession(c, nil)
	deps.Now = srv.Clock().Now
	p, err := Screen(deps, styles.NewPlain(), keymap.Default(), common.ScreenContext{Target: c.Target()})
	if err != nil {
		t.Fatal(err)
	}
	h := panetest.New(t, p)
	p.SetSize(80, 22)
	h.Run(p.Init())
	m := p.(*Model)
	for i := 0; i < len(m.Rows()) && m.selectedName() != sbalarms.SeedCheckoutDegraded; i++ {
		h.Press("j")
	}
	if m.selectedName() != sbalarms.SeedCheckoutDegraded {
		t.Fatalf("no %s in %v", sbalarms.SeedCheckoutDegraded, m.Rows())
	}
	view := ansi.Strip(p.View())
	var row string
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, sbalarms.SeedCheckoutDegraded) {
			row = l
			break
		}
	}
	// at 80 columns the child's name may be trimmed in the middle (the
	// alarm names take the room); wider, it is whole
	if !strings.Contains(row, "-error-rate +2") || strings.Contains(row, "payments-webhook ") {
		t.Errorf("WATCHES of the composite should name its children:\n%s\n%s", row, view)
	}
	p.SetSize(160, 22)
	if v := ansi.Strip(p.View()); !strings.Contains(v, sbalarms.SeedPaymentsErrorRate+" +2") {
		t.Errorf("160 wide: WATCHES of the composite lacks its child:\n%s", v)
	}
	flat := strings.Join(strings.Fields(view), " ")
	for _, want := range []string{
		"condition: " + sbalarms.SeedPaymentsErrorRate + " OR (" + sbalarms.SeedCheckoutCanary + " AND NOT OK " + sbalarms.SeedCheckoutErrors + ")",
		"watches: " + sbalarms.SeedPaymentsErrorRate + " (ALARM)",
		sbalarms.SeedCheckoutErrors + " (",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("detail lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "arn:aws:cloudwatch") {
		t.Errorf("the reason shows raw ARNs:\n%s", view)
	}
	for _, l := range strings.Split(view, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("wider than 80: %q", l)
		}
	}
}
