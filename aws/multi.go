package aws

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/internal/lazyre"
)

// Pair is one (profile, region) the UI shows at once. In sandbox mode the
// profile may carry an account: "name:210987654321" or "210987654321"
// reaches that account of the embedded sandbox (sent as a 12-digit access
// key id).
type Pair struct {
	Profile string
	Region  string
	Account string // sandbox only: the account to ask for
}

func (p Pair) String() string {
	who := p.Profile
	if p.Account != "" && p.Account != p.Profile {
		who = strings.TrimPrefix(who+":"+p.Account, ":")
	}
	return strings.TrimPrefix(who+"/"+p.Region, "/")
}

var (
	regionRE  = lazyre.New(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	accountRE = lazyre.New(`^[0-9]{12}$`)
	profileRE = lazyre.New(`^[A-Za-z0-9_.@+\-/]+$`)
)

// SplitList splits "a, b,,c" into [a b c].
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Pairs is every (profile, region) of the lists, profiles outermost. An
// empty list means "the default" (one "" entry). Bad or repeated values
// are errors naming them.
func Pairs(profiles, regions []string, sandbox bool) ([]Pair, error) {
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	if len(regions) == 0 {
		regions = []string{""}
	}
	seen := map[string]bool{}
	for _, r := range regions {
		if r == "" {
			continue
		}
		if !regionRE.MatchString(r) {
			return nil, fmt.Errorf("%q is not a region (like us-east-1)", r)
		}
		if seen["r/"+r] {
			return nil, fmt.Errorf("region %s is given twice", r)
		}
		seen["r/"+r] = true
	}
	var out []Pair
	for _, p := range profiles {
		pair := Pair{Profile: p}
		if sandbox && p != "" {
			name, acct, ok := strings.Cut(p, ":")
			if !ok {
				name, acct = "", p
			}
			if !accountRE.MatchString(acct) {
				return nil, fmt.Errorf("with --sandbox a profile is an account: [name:]ACCOUNT with a 12-digit account id, got %q", p)
			}
			pair.Profile, pair.Account = name, acct
			if name == "" {
				pair.Profile = acct
			}
		} else if p != "" && !profileRE.MatchString(p) {
			return nil, fmt.Errorf("%q is not a profile name", p)
		}
		if seen["p/"+p] {
			return nil, fmt.Errorf("profile %s is given twice", p)
		}
		seen["p/"+p] = true
		for _, r := range regions {
			pair.Region = r
			out = append(out, pair)
		}
	}
	if len(out) > 64 {
		return nil, fmt.Errorf("%d profile×region pairs is too many (at most 64)", len(out))
	}
	return out, nil
}

// PartitionRegions is the commercial partition's public regions, the
// --all-regions list when the account's enabled regions cannot be asked
// (lambdaops links neither EC2 nor the Account API: a region the account
// has not enabled shows its error inline and the others list).
var PartitionRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
	"ap-south-1", "ap-south-2", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
	"sa-east-1", "mx-central-1", "me-south-1", "me-central-1", "il-central-1", "af-south-1",
}

// PairResult is one pair's outcome of OpenAll.
type PairResult struct {
	Pair   Pair
	Client *Client
	Err    error
	// SSOSession is the profile's sso-session (or start URL), "" if none.
	SSOSession string
}

// OpenAll opens one session per pair, in parallel, each with its own rate
// buckets (the governor keys by account and region). Pairs whose profiles
// share an sso-session are opened after the first of them: when that one
// finds the SSO session expired the others are not tried, and they share
// its one error (one login prompt per sso-session, not per profile).
func OpenAll(ctx context.Context, base Config, pairs []Pair) []PairResult {
	res := make([]PairResult, len(pairs))
	groups := map[string][]int{}
	var order []string
	for i, p := range pairs {
		res[i].Pair = p
		key := fmt.Sprintf("#%d", i)
		if !base.Sandbox && !base.StaticCredentials && p.Profile != "" {
			if s := ssoSessionOf(ctx, p.Profile); s != "" {
				res[i].SSOSession = s
				key = "sso:" + s
			}
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	open := func(i int) {
		cfg := base
		p := pairs[i]
		if p.Profile != "" && p.Account == "" {
			cfg.Profile = p.Profile
		}
		if p.Region != "" {
			cfg.Region = p.Region
		}
		cfg.SandboxAccount = p.Account
		c, err := Open(ctx, cfg)
		if err == nil && p.Account != "" {
			c.tmu.Lock() // a warm session's STS check may already be reading the target
			c.target.Profile = p.Profile
			c.tmu.Unlock()
		}
		res[i].Client, res[i].Err = c, err
	}
	var wg sync.WaitGroup
	for _, key := range order {
		idx := groups[key]
		wg.Add(1)
		go func() {
			defer wg.Done()
			open(idx[0])
			var sso *ErrSSOExpired
			if errors.As(res[idx[0]].Err, &sso) {
				for _, i := range idx[1:] {
					res[i].Err = res[idx[0]].Err
				}
				return
			}
			var inner sync.WaitGroup
			for _, i := range idx[1:] {
				inner.Add(1)
				go func() { defer inner.Done(); open(i) }()
			}
			inner.Wait()
		}()
	}
	wg.Wait()
	return res
}

func ssoSessionOf(ctx context.Context, profile string) string {
	sc, err := config.LoadSharedConfigProfile(ctx, profile)
	if err != nil {
		return ""
	}
	if sc.SSOSessionName != "" {
		return sc.SSOSessionName
	}
	return sc.SSOStartURL
}

// LoginHints is one line per expired sso-session (not per profile), naming
// the profiles that need it.
func LoginHints(rs []PairResult) []string {
	by := map[string][]string{}
	var keys []string
	for _, r := range rs {
		var sso *ErrSSOExpired
		if !errors.As(r.Err, &sso) {
			continue
		}
		key := r.SSOSession
		if key == "" {
			key = "profile " + r.Pair.Profile
		}
		if _, ok := by[key]; !ok {
			keys = append(keys, key)
		}
		by[key] = appendOnce(by[key], r.Pair.Profile)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		cmd := "aws sso login --profile " + by[k][0]
		if !strings.HasPrefix(k, "profile ") && !strings.Contains(k, "://") {
			cmd = "aws sso login --sso-session " + k
		}
		out = append(out, fmt.Sprintf("SSO session expired for %s: run `%s`", strings.Join(by[k], ", "), cmd))
	}
	return out
}

func appendOnce(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

// Sessions returns the opened clients as awsapi sessions, in pair order,
// and one error per pair that failed ("eu-west-1: AccessDenied").
func Sessions(rs []PairResult) ([]awsapi.Session, []*Client, []string) {
	var ss []awsapi.Session
	var cs []*Client
	var errs []string
	for _, r := range rs {
		if r.Err != nil {
			errs = append(errs, r.Pair.String()+": "+r.Err.Error())
			continue
		}
		ss = append(ss, r.Client)
		cs = append(cs, r.Client)
	}
	return ss, cs, errs
}

// Combine opens the pairs (OpenAll) and returns one session: the lone
// client for one pair, else a *awsapi.Multi whose failed pairs show their
// errors inline. It fails only when every pair fails (naming each, with
// one SSO login hint per sso-session). close releases every client.
func Combine(ctx context.Context, base Config, pairs []Pair) (s awsapi.Session, first *Client, close func(), err error) {
	rs := OpenAll(ctx, base, pairs)
	ss, cs, errs := Sessions(rs)
	close = func() {
		for _, c := range cs {
			c.Close()
		}
	}
	if len(ss) == 0 {
		msg := strings.Join(errs, "; ")
		if h := LoginHints(rs); len(h) > 0 {
			msg = strings.Join(h, "; ")
		}
		return nil, nil, close, errors.New(msg)
	}
	if len(pairs) == 1 {
		return cs[0], cs[0], close, nil
	}
	m := awsapi.NewMulti(ss...)
	var failed []awsapi.PairState
	for _, r := range rs {
		if r.Err != nil {
			failed = append(failed, awsapi.PairState{Label: r.Pair.String(), Err: r.Err})
		}
	}
	return m.WithFailed(failed...), cs[0], close, nil
}

// ConnectPairs implements awsapi.MultiConnector: the receiver's settings
// with these profiles and regions ("" lists keep the current one).
func (c *Client) ConnectPairs(ctx context.Context, profiles, regions []string) (awsapi.Session, error) {
	cfg := c.cfg
	cfg.ReadOnly = cfg.ReadOnly || c.ro.Load()
	if len(profiles) == 0 {
		if cfg.Sandbox {
			profiles = []string{c.target.Account}
		} else if c.cfg.Profile != "" {
			profiles = []string{c.cfg.Profile}
		}
	}
	if len(regions) == 0 {
		regions = []string{c.target.Region}
	}
	pairs, err := Pairs(profiles, regions, cfg.Sandbox)
	if err != nil {
		return nil, err
	}
	s, _, _, err := Combine(ctx, cfg, pairs)
	return s, err
}
