package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// two pairs: the default account in us-east-1 and a protected second
// account in eu-west-1 (its functions share names with the first's).
func newMultiRoot(t *testing.T) (*Model, *fake.Session, *fake.Session) {
	t.Helper()
	a := fake.New("us-east-1", 4)
	b := fake.New("eu-west-1", 4)
	b.T.Account, b.T.Profile, b.T.Protection = "210987654321", "prod", model.Protected
	for i := range b.Fns {
		b.Fns[i].ARN = strings.Replace(b.Fns[i].ARN, "123456789012", "210987654321", 1)
	}
	multi := awsapi.NewMulti(a, b)
	deps := common.FromSession(multi, &fake.Connector{N: 4})
	deps.Now = func() time.Time { return fixedNow }
	m := New(Options{Deps: deps, Config: config.Default(), Styles: styles.NewPlain(), Version: "test"})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 30})
	runCmds(t, m, m.Init())
	return m, a, b
}

func TestOneListOverTwoPairs(t *testing.T) {
	m, _, _ := newMultiRoot(t)
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "ACCOUNT") || !strings.Contains(out, "REGION") || !strings.Contains(out, "8/8") {
		t.Fatalf("combined list:\n%s", out)
	}
	if !strings.Contains(out, "prod 210987654321") || !strings.Contains(out, "eu-west-1") {
		t.Fatalf("no second pair's rows:\n%s", out)
	}
	runCmds(t, m, press(m, "/"))
	runCmds(t, m, typeText(m, "region:eu-west-1"))
	if out := ansi.Strip(m.render()); !strings.Contains(out, "4/8") || strings.Contains(out, " us-east-1 ") {
		t.Fatalf("region filter:\n%s", out)
	}
}

func TestFunctionOpensInItsOwnPair(t *testing.T) {
	m, a, b := newMultiRoot(t)
	runCmds(t, m, press(m, "/"))
	runCmds(t, m, typeText(m, "account:prod"))
	runCmds(t, m, press(m, "enter", "enter"))
	v, ok := m.Focused().(*fnview.Model)
	if !ok {
		t.Fatalf("focused %T\n%s", m.Focused(), ansi.Strip(m.render()))
	}
	if !strings.Contains(v.Function().ARN, "210987654321") {
		t.Fatalf("opened %s", v.Function().ARN)
	}
	if b.Calls("GetFunction") != 1 || a.Calls("GetFunction") != 0 {
		t.Fatalf("GetFunction went to a=%d b=%d", a.Calls("GetFunction"), b.Calls("GetFunction"))
	}
	h := ansi.Strip(m.headerView())
	if !strings.Contains(h, "210987654321") || !strings.Contains(h, "eu-west-1") || !strings.Contains(h, "PROTECTED") {
		t.Fatalf("header %q", h)
	}
	// a confirmation names the account and region it acts on
	runCmds(t, m, press(m, "2"))
	runCmds(t, m, press(m, "p"))
	if out := ansi.Strip(m.render()); m.Dialog() == nil || !strings.Contains(out, "in prod 210987654321 · eu-west-1 · protected") {
		t.Fatalf("dialog without its target:\n%s", out)
	}
	runCmds(t, m, press(m, "esc"))
	// its deps are the pair's: a change lands there and is journaled there
	d := m.depsFor(v.Function())
	if err := d.Fleet.PutReserved(t.Context(), v.Function().Name, 3); err != nil {
		t.Fatal(err)
	}
	if len(b.Journal) != 1 || len(a.Journal) != 0 {
		t.Fatalf("journal a=%d b=%d", len(a.Journal), len(b.Journal))
	}
}

func TestMultiPairFailureShownInline(t *testing.T) {
	a := fake.New("us-east-1", 3)
	multi := awsapi.NewMulti(a).WithFailed(awsapi.PairState{Label: "eu-west-1", Err: errString("api error AccessDeniedException")})
	deps := common.FromSession(multi, &fake.Connector{N: 3})
	deps.Now = func() time.Time { return fixedNow }
	m := New(Options{Deps: deps, Config: config.Default(), Styles: styles.NewPlain(), Version: "test"})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 30})
	runCmds(t, m, m.Init())
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "eu-west-1: AccessDenied") || !strings.Contains(out, "3/3") {
		t.Fatalf("inline error:\n%s", out)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

type pairConnector struct {
	fake.Connector
	profiles, regions []string
	s                 awsapi.Session
}

func (c *pairConnector) ConnectPairs(_ context.Context, profiles, regions []string) (awsapi.Session, error) {
	c.profiles, c.regions = profiles, regions
	return c.s, nil
}

func TestPaletteRegionsAndViews(t *testing.T) {
	a, b := fake.New("us-east-1", 2), fake.New("eu-west-1", 2)
	pc := &pairConnector{Connector: fake.Connector{N: 2}, s: awsapi.NewMulti(a, b)}
	deps := common.FromSession(a, pc)
	deps.Now = func() time.Time { return fixedNow }
	cfg, err := config.Parse("c.yaml", []byte("views:\n  oncall: {profiles: [prod-us, prod-eu], regions: [us-east-1, eu-west-1]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Deps: deps, Config: cfg, Styles: styles.NewPlain(), Version: "test"})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 30})
	runCmds(t, m, m.Init())
	runCmds(t, m, m.runCommand("region us-east-1,eu-west-1"))
	if strings.Join(pc.regions, ",") != "us-east-1,eu-west-1" || m.Target().Region != "us-east-1,eu-west-1" {
		t.Fatalf("regions %v, target %+v", pc.regions, m.Target())
	}
	runCmds(t, m, m.runCommand("view oncall"))
	if strings.Join(pc.profiles, ",") != "prod-us,prod-eu" {
		t.Fatalf("view profiles %v", pc.profiles)
	}
	runCmds(t, m, m.runCommand("region us-east-1,nowhere-9"))
	if !strings.Contains(ansi.Strip(m.render()), `unknown region "nowhere-9"`) {
		t.Fatal("no error for a bad region")
	}
	runCmds(t, m, m.runCommand("view nope"))
	if !strings.Contains(ansi.Strip(m.render()), `no view "nope" (known: oncall)`) {
		t.Fatalf("no error for a bad view:\n%s", ansi.Strip(m.render()))
	}
}
