package aliases

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// sandboxRig is the pane driven against a real aws client talking to an
// in-process sandbox with the demo fleet, on a manual clock.
type sandboxRig struct {
	*harness
	srv    *sandbox.Server
	client *aws.Client
	clk    *clock.Manual
}

func openClient(t *testing.T, srv *sandbox.Server, clk *clock.Manual) *aws.Client {
	t.Helper()
	d := t.TempDir()
	c, err := aws.Open(context.Background(), aws.Config{
		Sandbox: true, EndpointURL: srv.URL(),
		CacheDir: filepath.Join(d, "cache"), StateDir: filepath.Join(d, "state"),
		Governor: aws.NewGovernor(), Now: clk.Now,
	})
	if err != nil {
		t.Fatalf("aws.Open: %v", err)
	}
	return c
}

func startRig(t *testing.T) *sandboxRig {
	t.Helper()
	if testing.Short() {
		t.Skip("sandbox integration test")
	}
	clk := clock.NewManual(t0)
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := sandbox.Start(ctx, sandbox.Options{Clock: clk, Traffic: true, Functions: 12, Seed: 1})
	if err != nil {
		cancel()
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close(); cancel() })
	c := openClient(t, srv, clk)
	total := func() int { return c.Stats().Total(c.Stats().Sent) }
	deps := common.FromSession(c, c)
	deps.Now = clk.Now
	h := &harness{t: t, fleet: c, metrics: c, total: total}
	h.m = New(deps, styles.New(true), keymap.Default(), model.Function{Name: "checkout-api"})
	h.m.after = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return heldTick{msg: fn(time.Time{})} }
	}
	h.attach()
	h.m.SetSize(120, 40)
	h.run(h.m.Init())
	t.Cleanup(h.m.Close)
	if a, ok := h.m.selected(); !ok || a.Name != "live" {
		t.Fatalf("pane opened on %+v; status %+v", a, h.Statuses)
	}
	return &sandboxRig{harness: h, srv: srv, client: c, clk: clk}
}

func (r *sandboxRig) live() model.Alias {
	r.t.Helper()
	a, err := r.client.GetAlias(context.Background(), "checkout-api", "live")
	if err != nil {
		r.t.Fatalf("GetAlias: %v", err)
	}
	return a
}

func TestSandboxShiftWeight(t *testing.T) {
	r := startRig(t)
	if a := r.live(); a.Version != "7" || a.Routing != (model.Routing{AdditionalVersion: "8", Weight: 0.1}) {
		t.Fatalf("demo alias %+v", a)
	}
	r.press("+")
	shown := afterLine(r.dialogView())
	r.press("y")
	a := r.live()
	if a.Routing != (model.Routing{AdditionalVersion: "8", Weight: 0.2}) || DescribeAlias(a) != shown {
		t.Fatalf("GetAlias %+v, confirmation showed %q", a, shown)
	}
	// undo from the aws layer's journal
	r.press("u")
	if got := afterLine(r.dialogView()); got != "90% → 7, 10% → 8" {
		t.Fatalf("undo shows %q", got)
	}
	r.press("y")
	if a := r.live(); a.Routing.Weight != 0.1 {
		t.Fatalf("after undo %+v; status %+v", a, r.lastStatus())
	}
}

func TestSandboxConflictDetected(t *testing.T) {
	r := startRig(t)
	r.press("+") // the pane read revision R; the confirmation is open
	// another operator promotes in between
	other := openClient(t, r.srv, r.clk)
	cur, err := other.GetAlias(context.Background(), "checkout-api", "live")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.UpdateAlias(context.Background(), cur, "8", model.Routing{}); err != nil {
		t.Fatal(err)
	}
	r.press("y")
	if a := r.live(); a.Version != "8" || a.Routing.Active() {
		t.Fatalf("the other change was overwritten: %+v", a)
	}
	if st := r.lastStatus(); !st.Err || !strings.Contains(st.Text, "changed by someone else") || !strings.Contains(st.Text, "100% → 8") {
		t.Fatalf("status %+v", st)
	}
	// the operator decides again: the new dialog is based on their revision
	if v := r.dialogView(); !strings.Contains(v, "before  100% → 8") {
		t.Fatalf("decide-again dialog:\n%s", v)
	}
	r.press("n")
	if a := r.live(); a.Version != "8" || a.Routing.Active() {
		t.Fatalf("refusing changed the alias: %+v", a)
	}
}

func TestSandboxPlanAbortsFailingCanary(t *testing.T) {
	r := startRig(t)
	startPlan(t, r.harness, "10,25,50,100 every 5m; errors>5 min=20 !") // overridden: the canary is already failing
	for i := 0; i < 10 && r.m.PlanRunning(); i++ {
		r.srv.Advance(time.Minute)
		r.deliverTicks()
	}
	if r.m.PlanRunning() {
		t.Fatalf("plan still running; jobs %+v", r.Jobs[len(r.Jobs)-1])
	}
	a := r.live()
	if a.Version != "7" || a.Routing.Active() {
		t.Fatalf("alias after the plan: %+v", a)
	}
	j := r.Jobs[len(r.Jobs)-1]
	if !j.Done || j.Err == nil || !strings.Contains(j.Label, "aborted") || !strings.Contains(j.Label, "error rate") {
		t.Fatalf("final job %+v", j)
	}
	t.Log(j.Label)
	e, ok := r.client.Last("checkout-api:live")
	if !ok || e.Action != "UpdateAlias" || e.Result != "ok" {
		t.Fatalf("journal %+v %v", e, ok)
	}
}

// TestSandboxConflictFromAWSCLI: the other change is made with the AWS CLI
// v2 (another operator's terminal) between the pane's read and its write.
func TestSandboxConflictFromAWSCLI(t *testing.T) {
	cli := peers.AWSCLIv2(t)
	r := startRig(t)
	r.press("+")
	cmd := exec.Command(cli, "--endpoint-url", r.srv.URL(), "lambda", "update-alias", "--function-name", "checkout-api", "--name", "live",
		"--routing-config", `{"AdditionalVersionWeights":{"8":0.05}}`, "--output", "json")
	cmd.Env = peers.CLIEnv(r.srv.URL(), "us-east-1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("aws lambda update-alias: %v\n%s", err, out)
	}
	r.press("y")
	if a := r.live(); a.Routing != (model.Routing{AdditionalVersion: "8", Weight: 0.05}) {
		t.Fatalf("the CLI's change was overwritten: %+v", a)
	}
	if st := r.lastStatus(); !st.Err || !strings.Contains(st.Text, "95% → 7, 5% → 8") {
		t.Fatalf("status %+v", st)
	}
}

// TestSandboxPreflightMessages makes the sandbox's checkout-api fail each
// pre-flight check it can be brought into with the AWS CLI, and checks the
// pane refuses with the message that says what to do.
func TestSandboxPreflightMessages(t *testing.T) {
	cli := peers.AWSCLIv2(t)
	r := startRig(t)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, append([]string{"--endpoint-url", r.srv.URL(), "--output", "text"}, args...)...)
		cmd.Env = peers.CLIEnv(r.srv.URL(), "us-east-1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	refused := func(what, msg string) {
		t.Helper()
		if len(r.Dialogs) != 0 {
			t.Fatalf("%s: a confirmation opened:\n%s", what, r.dialogView())
		}
		if st := r.lastStatus(); !st.Err || !strings.Contains(st.Text, msg) {
			t.Fatalf("%s: status %+v, want %q", what, st, msg)
		}
	}
	role := run("lambda", "get-function-configuration", "--function-name", "checkout-api", "--qualifier", "7", "--query", "Role")

	// mid-update: $LATEST's configuration is changing
	run("lambda", "update-function-configuration", "--function-name", "checkout-api", "--role", role+"-v2", "--query", "LastUpdateStatus")
	r.send(common.RefreshMsg{})
	r.press("+")
	refused("mid-update", "wait until the update finishes")
	r.srv.Advance(5 * time.Second)

	// a version with another role: publish it from the pane, abort the canary, start one on it
	r.send(common.RefreshMsg{})
	r.press("p")
	r.typeText("new role")
	r.press("enter")
	if st := r.lastStatus(); st.Err || !strings.Contains(st.Text, "published version 9") {
		t.Fatalf("publish: %+v", st)
	}
	r.press("A", "y")
	if a := r.live(); a.Routing.Active() {
		t.Fatalf("abort: %+v", a)
	}
	r.press("+", "enter") // the version picker, preselected on the newest
	refused("role", "same role")

	// a version with another DLQ
	run("lambda", "update-function-configuration", "--function-name", "checkout-api", "--role", role,
		"--dead-letter-config", "TargetArn=arn:aws:sqs:us-east-1:123456789012:checkout-dlq", "--query", "LastUpdateStatus")
	r.srv.Advance(5 * time.Second)
	r.press("p")
	r.typeText("with a DLQ")
	r.press("enter")
	r.press("+", "enter") // the version picker, preselected on the newest
	refused("dlq", "same DLQ")
	if a := r.live(); a.Version != "7" || a.Routing.Active() {
		t.Fatalf("a refused change reached AWS: %+v", a)
	}
}
