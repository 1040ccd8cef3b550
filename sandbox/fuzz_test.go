package sandbox

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

var (
	fuzzOnce sync.Once
	fuzzSrv  *Server
)

// FuzzDispatch sends arbitrary query-protocol bodies and targets through
// the top-level dispatcher: STS and unknown actions answer with XML 4xx,
// never a panic or a 5xx.
func FuzzDispatch(f *testing.F) {
	f.Add("Action=GetCallerIdentity&Version=2011-06-15", "")
	f.Add("Action=Nope&Version=2011-06-15", "")
	f.Add("Action=%zz", "")
	f.Add("Action=ListMetrics&Version=2010-08-01", "")
	f.Add("{}", "Logs_20140328.DescribeLogGroups")
	f.Fuzz(func(t *testing.T, body, target string) {
		fuzzOnce.Do(func() {
			s, err := Start(ctx, Options{Functions: 10, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			fuzzSrv = s
		})
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		rec := httptest.NewRecorder()
		fuzzSrv.ServeHTTP(rec, req)
		if target == "" && rec.Code >= 500 {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body.String())
		}
	})
}
