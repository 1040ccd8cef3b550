package functions

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Over two accounts × two regions of the sandbox the list fills RSV and
// TAGS in every pair: a reservation set in one pair shows on that pair's
// row only, and tag: filters match rows of every pair.
func TestSandboxPairsFillRSVAndTags(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the sandbox")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	regions, accounts := []string{"us-east-1", "eu-west-1"}, []string{"123456789012", "210987654321"}
	srv, err := sandbox.Start(ctx, sandbox.Options{Functions: 8, Seed: 3, Regions: regions, Accounts: accounts})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	d := t.TempDir()
	pairs, err := aws.Pairs(accounts, regions, true)
	if err != nil {
		t.Fatal(err)
	}
	base := aws.Config{Sandbox: true, EndpointURL: srv.URL(), Warm: true, Governor: aws.NewGovernor(),
		CacheDir: filepath.Join(d, "cache"), StateDir: filepath.Join(d, "state")}
	s, _, closeAll, err := aws.Combine(ctx, base, pairs)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	multi := s.(*awsapi.Multi)
	// a reservation only in 210987654321 / eu-west-1, on a name the other pairs may share
	b := multi.Sessions()[3]
	var name string
	_ = b.ListFunctions(ctx, func(p awsapi.Page) error {
		if name == "" && len(p.Functions) > 0 {
			name = p.Functions[0].Name
		}
		return nil
	})
	if err := b.PutReserved(ctx, name, 9); err != nil {
		t.Fatal(err)
	}

	deps := common.FromSession(multi, nil)
	m := New(deps, styles.NewPlain(), keymap.Default())
	m.SetSize(220, 60)
	// commands run concurrently, as in the program (a blocking wait for
	// enrichment results must not hold back the listing); Update runs
	// here, one message at a time, until nothing arrives for a while
	msgs := make(chan tea.Msg, 64)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			switch msg := c().(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			default:
				msgs <- msg
			}
		}()
	}
	// until done() holds (a deadline only against a hang: a loaded machine
	// may leave seconds between background answers)
	pump := func(cmd tea.Cmd, done func() bool) {
		run(cmd)
		deadline := time.After(2 * time.Minute)
		for !done() {
			select {
			case msg := <-msgs:
				run(m.Update(msg))
			case <-deadline:
				return
			}
		}
	}
	listed := func() bool { return len(m.rows) > 0 && !m.listing && !m.colst.tagsLoading }
	filled := func() bool {
		for _, r := range m.rows {
			if c := rsvCell(r); c == "…" || c == "?" {
				return false
			}
		}
		return listed()
	}
	pump(m.Init(), listed)
	if !m.multi || len(m.rows) == 0 {
		t.Fatalf("multi %v rows %d", m.multi, len(m.rows))
	}
	// every row: RSV from its own pair (enrichment of the rows on screen, then the rest)
	pump(m.queueAllForEnrichment(), filled)
	pairsSeen := map[string]bool{}
	for _, r := range m.rows {
		reg, acct := pairOf(r.fn)
		pairsSeen[acct+"/"+reg] = true
		if c := rsvCell(r); c == "…" || c == "?" {
			t.Errorf("%s RSV still %q", r.fn.ARN, c)
		}
		if c := tagsCell(r); c == "…" || c == "?" {
			t.Errorf("%s TAGS still %q", r.fn.ARN, c)
		}
		want := "-"
		if r.fn.Name == name && acct == "210987654321" && reg == "eu-west-1" {
			want = "9"
		}
		if c := rsvCell(r); (want == "9") != (c == "9") {
			t.Errorf("%s RSV %q", r.fn.ARN, c)
		}
	}
	if len(pairsSeen) != 4 {
		t.Fatalf("pairs listed: %v", pairsSeen)
	}
	// tag: matches rows of every pair
	var team string
	for _, r := range m.rows {
		if team = r.fn.Tags["team"]; team != "" {
			break
		}
	}
	if team == "" {
		t.Fatal("no row has a team tag")
	}
	m.SetFilter("tag:team=" + team)
	if sh, _ := m.Count(); sh == 0 {
		t.Fatal("tag filter matches nothing")
	}
	m.SetFilter("tag:team")
	matched := map[string]bool{}
	for _, r := range m.t.Items() {
		reg, acct := pairOf(r.fn)
		matched[acct+"/"+reg] = true
	}
	if len(matched) != 4 {
		t.Fatalf("tag: filter matched rows of %v only", matched)
	}
	if v := m.View(); !strings.Contains(v, "RSV") {
		t.Fatalf("no RSV column:\n%s", v)
	}
}

type checkedPair struct {
	*fake.Session
	err error
}

func (c checkedPair) Validated(context.Context) error { return c.err }

// The warm start's check over two pairs: the pair whose credentials now
// belong to another account loses its cached rows, the other keeps them;
// a pair that cannot be checked keeps its stale rows without making the
// whole view stale.
func TestPairsValidatedPerPair(t *testing.T) {
	a := fake.New("us-east-1", 3)
	b := fake.New("eu-west-1", 3)
	b.T.Account = "210987654321"
	for i := range b.Fns {
		b.Fns[i].ARN = strings.Replace(b.Fns[i].ARN, "123456789012", "210987654321", 1)
	}
	for _, tc := range []struct {
		name    string
		err     error
		rows    int
		verr    bool
		message string
	}{
		{"changed", &awsapi.AccountChangedError{Cached: "210987654321", Now: "999999999999"}, 3, false, "cached view was dropped"},
		{"down", &awsapi.NetworkError{Endpoint: "x", Reason: "connection refused"}, 6, false, "could not be checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			multi := awsapi.NewMulti(checkedPair{a, nil}, checkedPair{b, tc.err})
			m := New(common.FromSession(multi, nil), styles.NewPlain(), keymap.Default())
			m.SetSize(160, 20)
			m.Preload(append(append([]model.Function(nil), a.Fns...), b.Fns...), now)
			if len(m.rows) != 6 {
				t.Fatalf("preloaded %d", len(m.rows))
			}
			msgs := drive(t, m, m.validate())
			if len(m.rows) != tc.rows || (m.verr != nil) != tc.verr {
				t.Fatalf("rows %d verr %v", len(m.rows), m.verr)
			}
			found := false
			for _, msg := range msgs {
				if st, ok := msg.(common.StatusMsg); ok && strings.Contains(st.Text, tc.message) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no notice %q in %v", tc.message, msgs)
			}
		})
	}
}
