package codedeploy

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/lambda"
)

// stubWorld is a one-alias world.
type stubWorld struct{ st lambda.AliasState }

func (w *stubWorld) AliasState(fn, alias string) (lambda.AliasState, bool) {
	return w.st, fn == "fn" && alias == "live"
}
func (w *stubWorld) HasVersion(fn, v string) bool { return fn == "fn" && (v == "1" || v == "2") }
func (w *stubWorld) ShiftAlias(fn, alias, v, rv string, wt float64) (lambda.AliasState, error) {
	w.st = lambda.AliasState{Version: v, RouteVersion: rv, RouteWeight: wt, Revision: w.st.Revision + "x"}
	return w.st, nil
}
func (w *stubWorld) EnsureAlias(string, string, string, string) error { return nil }

// FuzzCodeDeploy throws arbitrary operations and bodies at the front-end:
// it must answer every one (never panic) with JSON and a 200 or a 4xx.
func FuzzCodeDeploy(f *testing.F) {
	for _, op := range Operations {
		f.Add(op, `{}`)
	}
	f.Add("CreateApplication", `{"applicationName":"a","computePlatform":"Lambda"}`)
	f.Add("CreateDeploymentGroup", `{"applicationName":"a","deploymentGroupName":"g","serviceRoleArn":"arn:aws:iam::123456789012:role/x","alarmConfiguration":{"enabled":true,"alarms":[{"name":"x"}]}}`)
	f.Add("CreateDeployment", `{"applicationName":"a","deploymentGroupName":"g","revision":{"revisionType":"AppSpecContent","appSpecContent":{"content":"Resources:\n - f:\n    Type: AWS::Lambda::Function\n    Properties:\n      Name: fn\n      Alias: live\n      CurrentVersion: 1\n      TargetVersion: 2\n"}}}`)
	f.Add("CreateDeployment", `{"applicationName":"a","deploymentGroupName":"g","revision":{"revisionType":"String","string":{"content":"{\"Resources\":[{\"f\":{\"Type\":\"AWS::Lambda::Function\",\"Properties\":{\"Name\":\"fn\",\"Alias\":\"live\",\"CurrentVersion\":1,\"TargetVersion\":2}}}]}"}}}`)
	f.Add("ListDeployments", `{"createTimeRange":{"start":1e300,"end":-1},"nextToken":"Y2Q6OTk"}`)
	f.Add("StopDeployment", `{"deploymentId":"d-AAAAAAAAA","autoRollbackEnabled":true}`)
	f.Add("CreateDeploymentConfig", `{"deploymentConfigName":"c","computePlatform":"Lambda","trafficRoutingConfig":{"type":"TimeBasedLinear","timeBasedLinear":{"linearPercentage":1,"linearInterval":2880}}}`)
	f.Add("BatchGetDeploymentTargets", `{"deploymentId":"d-AAAAAAAAA","targetIds":["fn:live"]}`)
	f.Add("Nope", `[`)
	f.Fuzz(func(t *testing.T, op, body string) {
		m := clock.NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		w := &stubWorld{st: lambda.AliasState{Version: "1", Revision: "r"}}
		s := New(m, "us-east-1", "123456789012", w, 1)
		h := NewHandler(s)
		pre := []string{
			`{"applicationName":"a","computePlatform":"Lambda"}`,
		}
		for _, b := range pre {
			_, _ = s.Do("CreateApplication", []byte(b))
		}
		_, _ = s.Do("CreateDeploymentGroup", []byte(`{"applicationName":"a","deploymentGroupName":"g","serviceRoleArn":"arn:aws:iam::123456789012:role/x","deploymentConfigName":"CodeDeployDefault.LambdaLinear10PercentEvery1Minute"}`))
		for i := 0; i < 2; i++ {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.Header.Set("X-Amz-Target", TargetPrefix+op)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 && (rec.Code < 400 || rec.Code >= 500) {
				t.Fatalf("%s %q: status %d %s", op, body, rec.Code, rec.Body.String())
			}
			if !strings.HasPrefix(rec.Body.String(), "{") {
				t.Fatalf("%s: not JSON: %q", op, rec.Body.String())
			}
			m.Advance(3 * time.Minute)
			s.Tick()
		}
	})
}

func TestParseAppSpec(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"version: 0.0\nResources:\n  - F:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: fn\n        Alias: live\n        CurrentVersion: \"1\"\n        TargetVersion: '2'\n", "fn live 1 2"},
		{`{"Resources":[{"F":{"Type":"AWS::Lambda::Function","Properties":{"Name":"fn","Alias":"live","CurrentVersion":3,"TargetVersion":"4"}}}]}`, "fn live 3 4"},
		{"Resources:\n - F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Name: fn\n      Alias: live\n      CurrentVersion: 1\n      TargetVersion: 1\n", "error"},
		{"hello", "error"},
	} {
		got, err := ParseAppSpec(c.in)
		s := got.Name + " " + got.Alias + " " + got.CurrentVersion + " " + got.TargetVersion
		if err != nil {
			s = "error"
		}
		if s != c.want {
			t.Errorf("%q: got %q (%v), want %q", c.in, s, err, c.want)
		}
	}
}
