package canaries

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// The scan reads ListAliases only for functions with two published
// versions or more (one ListFunctions(FunctionVersion=ALL) sweep tells),
// finds the same canaries as reading every function, and a refresh reads
// again only the functions that had one. Counted at the sandbox.
func TestScanCountsRequests(t *testing.T) {
	m0 := clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	srv, _ := panetest.StartSandbox(t, sandbox.Options{Seed: 1, Clock: m0}, false)
	ctx := context.Background()
	d := t.TempDir()
	// no pacing: the test counts requests, it does not time them
	c, err := aws.Open(ctx, aws.Config{Sandbox: true, EndpointURL: srv.URL(), Governor: aws.NewGovernor(),
		Budgets:  aws.Budgets{aws.QuotaLambdaControl: -1},
		CacheDir: filepath.Join(d, "cache"), StateDir: filepath.Join(d, "state"), Now: srv.Clock().Now})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var all []string
	_ = c.ListFunctions(ctx, func(p awsapi.Page) error {
		for _, f := range p.Functions {
			all = append(all, f.Name)
		}
		return nil
	})
	// the baseline: ListAliases for every function
	before := srv.Stats().Count("ListAliases")
	var want []string
	for _, fn := range all {
		as, err := c.ListAliases(ctx, fn)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Routing.Active() {
				want = append(want, fn+":"+a.Name)
			}
		}
	}
	baseline := srv.Stats().Count("ListAliases") - before

	deps := common.FromSession(c, nil)
	deps.Now = srv.Clock().Now
	m := New(deps, styles.NewPlain(), keymap.Default())
	var refresh tea.Msg
	m.after = func(_ time.Duration, f func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { refresh = f(time.Time{}); return held{} }
	}
	h := panetest.New(t, m)
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(held); return ok }
	m.SetSize(160, 40)
	aliases0, lists0 := srv.Stats().Count("ListAliases"), srv.Stats().Count("ListFunctions")
	h.Run(m.Init())
	if !m.Done() {
		t.Fatal("scan not finished")
	}
	first := srv.Stats().Count("ListAliases") - aliases0
	sweeps := srv.Stats().Count("ListFunctions") - lists0
	var got []string
	for _, r := range m.Rows() {
		if r.Alias.Routing.Active() {
			got = append(got, r.Function+":"+r.Alias.Name)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("canaries %v, reading every function finds %v", got, want)
	}
	if first >= baseline || first == 0 {
		t.Fatalf("ListAliases: %d, against %d reading every function", first, baseline)
	}
	t.Logf("ListAliases %d (every function: %d), ListFunctions %d (the listing and the versions sweep)", first, baseline, sweeps)
	if !strings.Contains(m.View(), "fewer than two published versions") {
		t.Fatalf("the title does not say what was skipped:\n%s", m.View())
	}

	// the minute's refresh: only the functions that had a row are read again
	aliases1 := srv.Stats().Count("ListAliases")
	moving := map[string]bool{}
	for _, r := range m.Rows() {
		moving[r.Function] = true
	}
	if refresh == nil {
		t.Fatal("no refresh scheduled")
	}
	h.Deliver(refresh)
	if !m.Done() {
		t.Fatal("refresh not finished")
	}
	if again := srv.Stats().Count("ListAliases") - aliases1; again != int64(len(moving)) {
		t.Fatalf("refresh read %d functions' aliases, %d had a canary", again, len(moving))
	}
	// r reads everything afresh
	aliases2 := srv.Stats().Count("ListAliases")
	h.Run(m.Update(common.RefreshMsg{}))
	if n := srv.Stats().Count("ListAliases") - aliases2; n != first {
		t.Fatalf("r read %d, the first scan %d", n, first)
	}
}
