package sandbox

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/lambdaops/lambdaops/internal/lazyre"
)

// One world per (account, region), as AWS keeps them apart: the region
// comes from the request's SigV4 credential scope, the account from the
// access key id (a 12-digit key id is that account, as LocalStack does; any
// other key is the default account). The primary server owns the listener
// and routes every signed request to the world it names; worlds named by
// Options.Regions × Options.Accounts are seeded with a demo fleet at start,
// any other pair a client names is created empty on first use, up to
// MaxWorlds.

// MaxWorlds bounds how many (account, region) worlds one sandbox keeps.
const MaxWorlds = 32

// worldKey names one world.
type worldKey struct{ account, region string }

func (k worldKey) String() string { return k.account + "/" + k.region }

// worlds is the primary server's table of the others.
type worlds struct {
	ctx     context.Context
	base    Options // the primary's options, the template for the others
	primary *Server

	mu   sync.Mutex
	m    map[worldKey]*Server
	keys []worldKey // creation order, the primary first
}

var regionRe = lazyre.New(`^[a-z]{2}(-[a-z0-9]+)+-[0-9]{1,2}$`)

// ValidRegion reports whether r has the shape of an AWS region name.
func ValidRegion(r string) bool { return regionRe.MatchString(r) }

// validAccount reports whether a is a 12-digit account id.
func validAccount(a string) bool {
	return len(a) == 12 && strings.Trim(a, "0123456789") == ""
}

// worldSeed derives a world's seed from the sandbox seed, so each world's
// fleet differs; the primary world keeps the seed itself.
func worldSeed(seed int64, k worldKey) int64 {
	h := fnv.New64a()
	h.Write([]byte(k.String()))
	return seed ^ int64(h.Sum64()>>1)
}

// credentialScope returns the access key id and region a request is signed
// with (Authorization header or presigned X-Amz-Credential); ok is false
// for an unsigned request.
func credentialScope(r *http.Request) (akid, region string, ok bool) {
	cred := ""
	if a := r.Header.Get("Authorization"); a != "" {
		if i := strings.Index(a, "Credential="); i >= 0 {
			cred = a[i+len("Credential="):]
			if j := strings.IndexAny(cred, ", "); j >= 0 {
				cred = cred[:j]
			}
		}
	} else if q := r.URL.Query().Get("X-Amz-Credential"); q != "" {
		if u, err := url.QueryUnescape(q); err == nil {
			cred = u
		} else {
			cred = q
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) < 3 || parts[0] == "" {
		return "", "", false
	}
	return parts[0], parts[2], true
}

// keyFor is the world a request names; the zero key means the primary.
func (ws *worlds) keyFor(r *http.Request) worldKey {
	akid, region, ok := credentialScope(r)
	if !ok {
		return ws.primary.key
	}
	k := worldKey{account: ws.base.Account, region: ws.base.Region}
	if validAccount(akid) {
		k.account = akid
	}
	if ValidRegion(region) {
		k.region = region
	}
	return k
}

// route returns the server for a request, creating an empty world the
// first time a pair is named.
func (ws *worlds) route(r *http.Request) (*Server, error) {
	k := ws.keyFor(r)
	if k == ws.primary.key {
		return ws.primary, nil
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if s, ok := ws.m[k]; ok {
		return s, nil
	}
	if len(ws.keys) >= MaxWorlds {
		return nil, fmt.Errorf("the sandbox keeps at most %d account/region worlds; %s was not created", MaxWorlds, k)
	}
	s, err := ws.startLocked(k, false)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// startLocked builds a world that shares the primary's listener and clock.
func (ws *worlds) startLocked(k worldKey, seeded bool) (*Server, error) {
	o := ws.base
	o.Region, o.Account = k.region, k.account
	o.Regions, o.Accounts = nil, nil
	o.Seed = worldSeed(ws.base.Seed, k)
	o.internal = true
	if seeded {
		o.logBytes = ws.base.logBytes
	} else {
		o.Empty = true
		o.Traffic = false
		o.logBytes = 8 << 20
	}
	s, err := Start(ws.ctx, o)
	if err != nil {
		return nil, err
	}
	s.url = ws.primary.url
	if f := ws.primary.faultsPtr.Load(); f != nil {
		s.SetFaults(*f)
	}
	ws.m[k] = s
	ws.keys = append(ws.keys, k)
	return s, nil
}

// all returns every world, the primary first.
func (ws *worlds) all() []*Server {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	out := []*Server{ws.primary}
	for _, k := range ws.keys[1:] {
		out = append(out, ws.m[k])
	}
	return out
}

// WorldInfo describes one world of a running sandbox.
type WorldInfo struct {
	Account, Region string
	Functions       int
	Seeded          bool
}

// Worlds lists the sandbox's (account, region) worlds, the primary first,
// then in the order they were created.
func (s *Server) Worlds() []WorldInfo {
	if s.multi == nil {
		return []WorldInfo{{Account: s.opts.Account, Region: s.opts.Region, Functions: s.world.FunctionCount(), Seeded: !s.opts.Empty}}
	}
	var out []WorldInfo
	for _, w := range s.multi.all() {
		out = append(out, WorldInfo{Account: w.opts.Account, Region: w.opts.Region, Functions: w.world.FunctionCount(), Seeded: !w.opts.Empty})
	}
	return out
}

// In returns the world of one account and region (nil when the sandbox has
// none yet), for in-process tests: In(account, region).World().
func (s *Server) In(account, region string) *Server {
	k := worldKey{account: account, region: region}
	if k == s.key || s.multi == nil {
		if k == s.key {
			return s
		}
		return nil
	}
	s.multi.mu.Lock()
	defer s.multi.mu.Unlock()
	return s.multi.m[k]
}

// seedWorlds starts the worlds Options.Regions × Options.Accounts names
// besides the primary.
func (s *Server) seedWorlds(ctx context.Context) error {
	ws := &worlds{ctx: ctx, base: s.opts, primary: s, m: map[worldKey]*Server{s.key: s}, keys: []worldKey{s.key}}
	s.multi = ws
	regions, accounts := worldLists(s.opts)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, a := range accounts {
		for _, r := range regions {
			k := worldKey{account: a, region: r}
			if _, ok := ws.m[k]; ok {
				continue
			}
			if _, err := ws.startLocked(k, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// worldLists is the seeded regions and accounts, the primary's first.
func worldLists(o Options) (regions, accounts []string) {
	regions = uniq(append([]string{o.Region}, o.Regions...))
	accounts = uniq(append([]string{o.Account}, o.Accounts...))
	return regions, accounts
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range in {
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// checkWorlds validates Options.Regions and Options.Accounts.
func checkWorlds(o Options) error {
	for _, r := range o.Regions {
		if !ValidRegion(r) {
			return fmt.Errorf("sandbox: %q is not a region name (e.g. us-east-1, eu-west-1)", r)
		}
	}
	for _, a := range o.Accounts {
		if !validAccount(a) {
			return fmt.Errorf("sandbox: account id %q must be 12 digits", a)
		}
	}
	regions, accounts := worldLists(o)
	if n := len(regions) * len(accounts); n > MaxWorlds {
		return fmt.Errorf("sandbox: %d regions × %d accounts is %d worlds; at most %d", len(regions), len(accounts), n, MaxWorlds)
	}
	return nil
}

// sortedWorlds is a stable listing for messages.
func sortedWorlds(in []WorldInfo) []WorldInfo {
	out := append([]WorldInfo(nil), in...)
	sort.SliceStable(out[1:], func(i, j int) bool {
		a, b := out[1+i], out[1+j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	return out
}
