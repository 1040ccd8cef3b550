package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// sandboxPairsRoot is a root over two accounts × two regions of one
// sandbox; pair B is the last (210987654321 / eu-west-1).
func sandboxPairsRoot(t *testing.T) (*Model, *awsapi.Multi) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the sandbox")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	regions, accounts := []string{"us-east-1", "eu-west-1"}, []string{"123456789012", "210987654321"}
	srv, err := sandbox.Start(ctx, sandbox.Options{Functions: 12, Seed: 1, Regions: regions, Accounts: accounts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	d := t.TempDir()
	pairs, err := aws.Pairs(accounts, regions, true)
	if err != nil {
		t.Fatal(err)
	}
	s, first, closeAll, err := aws.Combine(ctx, aws.Config{Sandbox: true, EndpointURL: srv.URL(), Governor: aws.NewGovernor(),
		CacheDir: filepath.Join(d, "cache"), StateDir: filepath.Join(d, "state")}, pairs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeAll)
	multi := s.(*awsapi.Multi)
	deps := common.FromSession(multi, first)
	m := New(Options{Deps: deps, Target: multi.Target(), Config: config.Default(), Styles: styles.NewPlain(), Version: "test"})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	runCmds(t, m, m.Init())
	return m, multi
}

// canaryIn finds a function of the pair with a weighted alias.
func canaryIn(t *testing.T, s awsapi.Session) (model.Function, model.Alias) {
	t.Helper()
	ctx := context.Background()
	var fns []model.Function
	if err := s.ListFunctions(ctx, func(p awsapi.Page) error { fns = append(fns, p.Functions...); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, f := range fns {
		as, _ := s.ListAliases(ctx, f.Name)
		for _, a := range as {
			if a.Routing.Active() {
				return f, a
			}
		}
	}
	t.Fatalf("no weighted alias in %+v", s.Target())
	return model.Function{}, model.Alias{}
}

// A function of pair B opened from the combined list: the header names
// pair B, the cockpit's weight shift is sent to pair B's world only, and
// after :readonly the same key sends nothing.
func TestSandboxShiftInPairB(t *testing.T) {
	m, multi := sandboxPairsRoot(t)
	ss := multi.Sessions()
	b := ss[3]
	if tg := b.Target(); tg.Account != "210987654321" || tg.Region != "eu-west-1" {
		t.Fatalf("pair B is %+v", tg)
	}
	fn, alias := canaryIn(t, b)
	ctx := context.Background()
	// the same function in pair A (123456789012 / eu-west-1), untouched throughout
	aBefore, aErr := ss[1].GetAlias(ctx, fn.Name, alias.Name)

	// the cockpit's reads go to the sandbox: a longer quiet period than runCmds'
	panetest.PumpWith(t, panetest.PumpOptions{Wait: time.Second}, panetest.Root(m), m.openFunction(fn, 1))
	h := ansi.Strip(m.headerView())
	if !strings.Contains(h, "210987654321") || !strings.Contains(h, "eu-west-1") || strings.Contains(h, "us-east-1") {
		t.Fatalf("header %q", h)
	}
	out := ansi.Strip(m.render())
	if !strings.Contains(out, alias.Name) {
		t.Fatalf("cockpit without %s:\n%s", alias.Name, out)
	}
	// select the weighted alias, then +
	for i := 0; i < 10 && !strings.Contains(ansi.Strip(m.render()), "Cockpit · "+alias.Name+" "); i++ {
		runCmds(t, m, press(m, "j"))
	}
	runCmds(t, m, press(m, "+"))
	if m.Dialog() == nil {
		t.Fatalf("+ proposed nothing:\n%s", ansi.Strip(m.render()))
	}
	if out := ansi.Strip(m.render()); !strings.Contains(out, "in 210987654321 · eu-west-1") {
		t.Fatalf("the confirmation does not name pair B:\n%s", out)
	}
	sent := func() int { return b.(*aws.Client).Stats().Sent["UpdateAlias"] }
	runCmds(t, m, press(m, "y"))
	after, err := b.GetAlias(ctx, fn.Name, alias.Name)
	if err != nil || sent() != 1 || after.Routing.Weight <= alias.Routing.Weight {
		t.Fatalf("pair B's alias %+v → %+v (%v), UpdateAlias sent %d\n%s", alias.Routing, after.Routing, err, sent(), ansi.Strip(m.render()))
	}
	for i, s := range ss[:3] {
		if n := s.(*aws.Client).Stats().Sent["UpdateAlias"]; n != 0 {
			t.Fatalf("pair %d got %d UpdateAlias", i, n)
		}
	}
	if aErr == nil {
		if aAfter, _ := ss[1].GetAlias(ctx, fn.Name, alias.Name); aAfter.Routing != aBefore.Routing {
			t.Fatalf("pair A's alias moved: %+v → %+v", aBefore.Routing, aAfter.Routing)
		}
	}
	e, ok := b.Last(fn.Name + ":" + alias.Name)
	if !ok || e.Account != "210987654321" || e.Region != "eu-west-1" {
		t.Fatalf("journal %+v %v", e, ok)
	}

	// read-only: the same shift is refused and nothing is sent
	runCmds(t, m, press(m, ":"))
	runCmds(t, m, typeText(m, "readonly"))
	runCmds(t, m, press(m, "enter"))
	if h := ansi.Strip(m.headerView()); !strings.Contains(h, "READ-ONLY") {
		t.Fatalf("header after :readonly %q", h)
	}
	runCmds(t, m, press(m, "+"))
	if m.Dialog() != nil {
		runCmds(t, m, press(m, "y"))
	}
	if sent() != 1 {
		t.Fatalf("UpdateAlias sent %d times, read-only", sent())
	}
	if now, _ := b.GetAlias(ctx, fn.Name, alias.Name); now.Routing != after.Routing {
		t.Fatalf("read-only moved the alias: %+v → %+v", after.Routing, now.Routing)
	}
}

// :invoke and :logs opened from the combined list over a row of pair B
// show pair B in the header, not the combined target.
func TestSandboxScreenHeadersNameThePair(t *testing.T) {
	m, multi := sandboxPairsRoot(t)
	b := multi.Sessions()[3]
	for _, screen := range []string{"invoke", "logs"} {
		// select a row of pair B
		runCmds(t, m, press(m, "esc", "esc"))
		runCmds(t, m, press(m, "/"))
		runCmds(t, m, typeText(m, "region:eu-west-1 account:210987654321"))
		runCmds(t, m, press(m, "enter"))
		if f, ok := m.contextFunction(); !ok || !strings.Contains(f.ARN, ":eu-west-1:210987654321:") {
			t.Fatalf("selected %+v\n%s", f, ansi.Strip(m.render()))
		}
		runCmds(t, m, press(m, ":"))
		runCmds(t, m, typeText(m, screen))
		runCmds(t, m, press(m, "enter"))
		h := ansi.Strip(m.headerView())
		if !strings.Contains(h, b.Target().Account) || !strings.Contains(h, "eu-west-1") || strings.Contains(h, "us-east-1") {
			t.Fatalf(":%s header %q", screen, h)
		}
		runCmds(t, m, press(m, "esc"))
	}
}

// :esm over two accounts × two regions: every row says its account and
// region, a change of a mapping of pair B asks pair B (its confirmation
// names it) and is sent to pair B only.
func TestSandboxESMAcrossPairs(t *testing.T) {
	m, multi := sandboxPairsRoot(t)
	ss := multi.Sessions()
	runCmds(t, m, press(m, ":"))
	runCmds(t, m, typeText(m, "esm"))
	panetest.PumpWith(t, panetest.PumpOptions{Wait: time.Second}, panetest.Root(m), press(m, "enter"))
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "ACCOUNT") || !strings.Contains(out, "REGION") || !strings.Contains(out, "eu-west-1") || !strings.Contains(out, "210987654321") {
		t.Fatalf(":esm without its pairs:\n%s", out)
	}
	runCmds(t, m, press(m, "/"))
	runCmds(t, m, typeText(m, "account:210987654321 region:eu-west-1"))
	runCmds(t, m, press(m, "enter"))
	out = ansi.Strip(m.render())
	if strings.Contains(out, "us-east-1 ") || strings.Contains(out, "123456789012 ") {
		t.Fatalf("filtered :esm shows another pair:\n%s", out)
	}
	runCmds(t, m, press(m, "e"))
	if d := m.Dialog(); d != nil && strings.Contains(ansi.Strip(m.render()), "CloudFormation") {
		runCmds(t, m, press(m, "y"))
	}
	runCmds(t, m, typeText(m, "INC-7 across pairs"))
	runCmds(t, m, press(m, "enter"))
	if out := ansi.Strip(m.render()); !strings.Contains(out, "pair     210987654321 · eu-west-1") {
		t.Fatalf("the confirmation does not name the pair:\n%s", out)
	}
	runCmds(t, m, press(m, "y"))
	for i, s := range ss {
		n := s.(*aws.Client).Stats().Sent["UpdateEventSourceMapping"]
		if (i == 3) != (n == 1) || n > 1 {
			t.Fatalf("pair %d got %d UpdateEventSourceMapping\n%s", i, n, ansi.Strip(m.render()))
		}
	}
}

// :triage over the pairs: one row per function of every pair (the demo
// fleets share names), ACCOUNT and REGION on each, metrics filled per
// pair, and enter opens the row's function in its own pair.
func TestSandboxTriageAcrossPairs(t *testing.T) {
	m, multi := sandboxPairsRoot(t)
	total := 0
	for _, s := range multi.Sessions() {
		_ = s.ListFunctions(context.Background(), func(p awsapi.Page) error { total += len(p.Functions); return nil })
	}
	runCmds(t, m, press(m, ":"))
	runCmds(t, m, typeText(m, "triage"))
	panetest.PumpWith(t, panetest.PumpOptions{Wait: time.Second}, panetest.Root(m), press(m, "enter"))
	tr, ok := m.Focused().(interface{ Rows() []model.Health })
	if !ok {
		t.Fatalf("focused %T", m.Focused())
	}
	if n := len(tr.Rows()); n != total {
		t.Fatalf("triage rows %d, functions in the pairs %d", n, total)
	}
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "ACCOUNT") || !strings.Contains(out, "REGION") {
		t.Fatalf("triage without pair columns:\n%s", out)
	}
	runCmds(t, m, press(m, "/"))
	runCmds(t, m, typeText(m, "account:210987654321 region:eu-west-1"))
	runCmds(t, m, press(m, "enter"))
	panetest.PumpWith(t, panetest.PumpOptions{Wait: time.Second}, panetest.Root(m), press(m, "enter"))
	v, ok := m.Focused().(*fnview.Model)
	if !ok || !strings.Contains(v.Function().ARN, ":eu-west-1:210987654321:") {
		t.Fatalf("enter on a row of pair B: %T\n%s", m.Focused(), ansi.Strip(m.render()))
	}
	if h := ansi.Strip(m.headerView()); !strings.Contains(h, "210987654321") || strings.Contains(h, "us-east-1") {
		t.Fatalf("header %q", h)
	}
}

// :alarms all over the pairs: the same demo alarm in each pair is its own
// row with its account and region; enter opens the watched function of
// that account and region.
func TestSandboxAlarmsAcrossPairs(t *testing.T) {
	m, multi := sandboxPairsRoot(t)
	total := 0
	for _, s := range multi.Sessions() {
		ix, err := s.Alarms(context.Background(), true)
		if err != nil {
			t.Fatal(err)
		}
		total += len(ix.Alarms)
	}
	if total == 0 {
		t.Skip("no demo alarms")
	}
	runCmds(t, m, press(m, ":"))
	runCmds(t, m, typeText(m, "alarms all"))
	panetest.PumpWith(t, panetest.PumpOptions{Wait: time.Second}, panetest.Root(m), press(m, "enter"))
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "ACCOUNT") || !strings.Contains(out, "210987654321") {
		t.Fatalf(":alarms without pairs:\n%s", out)
	}
	if !strings.Contains(out, fmt.Sprintf("%d", total)) {
		t.Logf("alarms total %d not in the title:\n%s", total, out)
	}
	runCmds(t, m, press(m, "/"))
	runCmds(t, m, typeText(m, "account:210987654321 region:eu-west-1"))
	runCmds(t, m, press(m, "enter"))
	// the first alarm of pair B that watches a function
	for i := 0; i < 20; i++ {
		panetest.PumpWith(t, panetest.PumpOptions{Wait: time.Second}, panetest.Root(m), press(m, "enter"))
		if v, ok := m.Focused().(*fnview.Model); ok {
			f := v.Function()
			if !strings.Contains(f.ARN, ":eu-west-1:210987654321:") {
				t.Fatalf("opened %s", f.ARN)
			}
			if h := ansi.Strip(m.headerView()); !strings.Contains(h, "210987654321") || strings.Contains(h, "us-east-1") {
				t.Fatalf("header %q", h)
			}
			return
		}
		runCmds(t, m, press(m, "j"))
	}
	t.Fatalf("no alarm of pair B opened a function:\n%s", ansi.Strip(m.render()))
}
