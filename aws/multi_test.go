package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

func TestPairsParse(t *testing.T) {
	ps, err := Pairs([]string{"prod", "dev"}, []string{"us-east-1", "eu-west-1"}, false)
	if err != nil || len(ps) != 4 || ps[1] != (Pair{Profile: "prod", Region: "eu-west-1"}) {
		t.Fatalf("Pairs = %v, %v", ps, err)
	}
	ps, err = Pairs([]string{"sandbox:210987654321", "123456789012"}, []string{"us-east-1"}, true)
	if err != nil || ps[0].Account != "210987654321" || ps[0].Profile != "sandbox" || ps[1].Profile != "123456789012" {
		t.Fatalf("sandbox pairs = %v, %v", ps, err)
	}
	for _, bad := range []struct{ p, r []string }{
		{nil, []string{"us-east"}},
		{nil, []string{"us-east-1", "us-east-1"}},
		{[]string{"a", "a"}, nil},
		{[]string{"bad profile"}, nil},
	} {
		if _, err := Pairs(bad.p, bad.r, false); err == nil {
			t.Errorf("Pairs(%v, %v): no error", bad.p, bad.r)
		}
	}
	if _, err := Pairs([]string{"prod"}, nil, true); err == nil || !strings.Contains(err.Error(), "12-digit") {
		t.Errorf("sandbox profile without an account: %v", err)
	}
}

// Two regions × two accounts of one sandbox: four sessions opened in
// parallel, one combined listing with every function in its own account
// and region, and a change routed to the second account lands there and
// is journaled with that account and region.
func TestOpenAllSandboxTwoRegionsTwoAccounts(t *testing.T) {
	regions := []string{"us-east-1", "eu-west-1"}
	accounts := []string{"123456789012", "210987654321"}
	s := startSandbox(t, sandbox.Options{Functions: 12, Seed: 3, Regions: regions, Accounts: accounts})
	pairs, err := Pairs(accounts, regions, true)
	if err != nil {
		t.Fatal(err)
	}
	base := testDirs(t, Config{Sandbox: true, EndpointURL: s.URL()})
	rs := OpenAll(context.Background(), base, pairs)
	ss, cs, errs := Sessions(rs)
	if len(errs) > 0 || len(ss) != 4 {
		t.Fatalf("OpenAll: %v", errs)
	}
	for _, c := range cs {
		defer c.Close()
	}
	for i, c := range cs {
		tg := c.Target()
		if tg.Account != pairs[i].Account || tg.Region != pairs[i].Region {
			t.Fatalf("pair %v opened %+v", pairs[i], tg)
		}
	}
	m := awsapi.NewMulti(ss...)
	var all []model.Function
	err = m.ListFunctions(context.Background(), func(p awsapi.Page) error {
		all = append(all, p.Functions...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, f := range all {
		r, a := awsapi.ARNRegionAccount(f.ARN)
		per[a+"/"+r]++
	}
	if len(per) != 4 {
		t.Fatalf("functions per pair: %v", per)
	}
	for _, st := range m.PairStates() {
		if !st.Done || st.Err != nil || st.Loaded == 0 {
			t.Errorf("state %+v", st)
		}
	}
	// a function of the second account in eu-west-1
	var target model.Function
	for _, f := range all {
		if r, a := awsapi.ARNRegionAccount(f.ARN); a == "210987654321" && r == "eu-west-1" {
			target = f
			break
		}
	}
	sess, ok := m.SessionFor(target.ARN)
	if !ok || sess.Target().Account != "210987654321" || sess.Target().Region != "eu-west-1" {
		t.Fatalf("SessionFor(%s) = %v %v", target.ARN, sess, ok)
	}
	if err := sess.PutReserved(context.Background(), target.Name, 7); err != nil {
		t.Fatal(err)
	}
	n, err := sess.GetReserved(context.Background(), target.Name)
	if err != nil || n == nil || *n != 7 {
		t.Fatalf("reserved in its own pair = %v, %v", n, err)
	}
	// not in the other account's same region (unless that name exists there too and was untouched)
	if other, _ := m.SessionFor("arn:aws:lambda:eu-west-1:123456789012:function:" + target.Name); other != nil {
		if n, err := other.GetReserved(context.Background(), target.Name); err == nil && n != nil && *n == 7 {
			t.Errorf("the change leaked into account 123456789012")
		}
	}
	e, ok := sess.Last(target.Name)
	if !ok || e.Account != "210987654321" || e.Region != "eu-west-1" {
		t.Fatalf("journal entry %+v (ok %v)", e, ok)
	}
	if tg := m.Target(); tg.Region != "us-east-1,eu-west-1" || tg.Account != "123456789012,210987654321" {
		t.Errorf("combined target %+v", tg)
	}
	// the warm-start cache is per pair: reopened, the combined snapshot
	// has every pair's functions
	for _, c := range cs {
		c.Close()
	}
	ss2, cs2, errs2 := Sessions(OpenAll(context.Background(), base, pairs))
	if len(errs2) > 0 {
		t.Fatal(errs2)
	}
	for _, c := range cs2 {
		defer c.Close()
	}
	snap, _, ok := awsapi.NewMulti(ss2...).Snapshot()
	if !ok || len(snap) != len(all) {
		t.Fatalf("combined snapshot: %d functions (ok %v), listed %d", len(snap), ok, len(all))
	}
}

// A pair that fails never blanks the others: its error is in its state
// and in a *PartialError, the rest are listed.
func TestMultiPartialFailure(t *testing.T) {
	s := startSandbox(t, sandbox.Options{Functions: 5, Seed: 1})
	good := openSandbox(t, s, Config{})
	m := awsapi.NewMulti(good, failing{good})
	var n int
	err := m.ListFunctions(context.Background(), func(p awsapi.Page) error { n += len(p.Functions); return nil })
	var pe *awsapi.PartialError
	if !errors.As(err, &pe) || n != 5 {
		t.Fatalf("err %v, %d functions", err, n)
	}
	st := m.PairStates()
	if st[1].Err == nil || !strings.Contains(st[1].Short(), "AccessDenied") {
		t.Errorf("states %+v", st)
	}
}

type failing struct{ *Client }

func (failing) Target() model.Target {
	return model.Target{Account: "999999999999", Region: "eu-west-1"}
}

func (failing) ListFunctions(context.Context, func(awsapi.Page) error) error {
	return errors.New("api error AccessDeniedException: not authorized")
}

func TestLoginHintsOnePerSSOSession(t *testing.T) {
	exp := func(p string) error { return &ErrSSOExpired{Profile: p} }
	rs := []PairResult{
		{Pair: Pair{Profile: "prod-us", Region: "us-east-1"}, Err: exp("prod-us"), SSOSession: "corp"},
		{Pair: Pair{Profile: "prod-us", Region: "eu-west-1"}, Err: exp("prod-us"), SSOSession: "corp"},
		{Pair: Pair{Profile: "prod-eu", Region: "eu-west-1"}, Err: exp("prod-eu"), SSOSession: "corp"},
		{Pair: Pair{Profile: "dev", Region: "eu-west-1"}, Err: exp("dev")},
	}
	h := LoginHints(rs)
	if len(h) != 2 || !strings.Contains(h[0], "--sso-session corp") || !strings.Contains(h[0], "prod-us, prod-eu") {
		t.Fatalf("hints %q", h)
	}
}
