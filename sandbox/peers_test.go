package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/internal/peers"
	"github.com/lambdaops/lambdaops/model"
)

// runPeer runs (AWS CLI v2.9 predates AWS_ENDPOINT_URL, so CLI calls also pass --endpoint-url) a peer command against the sandbox and returns stdout,
// stderr and whether it succeeded.
func runPeer(t *testing.T, s *Server, name string, args ...string) (string, string, bool) {
	t.Helper()
	cctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, name, args...)
	cmd.Env = peers.CLIEnv(s.URL(), "us-east-1")
	cmd.Dir = t.TempDir()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err == nil
}

func TestPeerAWSCLIv2(t *testing.T) {
	t.Parallel()
	aws := peers.AWSCLIv2(t)
	s, _ := start(t, Options{Seed: 1})
	cli := func(args ...string) map[string]any {
		t.Helper()
		out, errs, ok := runPeer(t, s, aws, append(args, "--output", "json", "--endpoint-url", s.URL())...)
		if !ok {
			t.Errorf("aws %v: %s", args, errs)
			runtime.Goexit()
		}
		var v map[string]any
		if strings.TrimSpace(out) != "" {
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("aws %v: %v in %q", args, err, out)
				runtime.Goexit()
			}
		}
		return v
	}
	// Independent groups run concurrently (each CLI start costs a second or more).
	var wg sync.WaitGroup
	group := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	// Listing across pages (the CLI follows NextMarker).
	group(func() {
		l := cli("lambda", "list-functions")
		if n := len(l["Functions"].([]any)); n != 150 {
			t.Errorf("listed %d functions", n)
		}
		if s.Stats().Count("ListFunctions") < 3 {
			t.Errorf("the CLI made %d ListFunctions calls, want ≥3 pages", s.Stats().Count("ListFunctions"))
		}
	})
	// Alias routing: read, update with the RevisionId, conflict on a stale one.
	group(func() {
		a := cli("lambda", "get-alias", "--function-name", "checkout-api", "--name", "live")
		weights := a["RoutingConfig"].(map[string]any)["AdditionalVersionWeights"].(map[string]any)
		if weights["8"] != 0.1 {
			t.Errorf("routing %v", weights)
			return
		}
		rev := a["RevisionId"].(string)
		u := cli("lambda", "update-alias", "--function-name", "checkout-api", "--name", "live", "--revision-id", rev, "--routing-config", "AdditionalVersionWeights={8=0.25}")
		if u["RoutingConfig"].(map[string]any)["AdditionalVersionWeights"].(map[string]any)["8"] != 0.25 {
			t.Errorf("update-alias: %v", u)
		}
		_, errs, ok := runPeer(t, s, aws, "lambda", "update-alias", "--function-name", "checkout-api", "--name", "live", "--revision-id", rev, "--routing-config", "AdditionalVersionWeights={8=0.5}", "--endpoint-url", s.URL())
		if ok || !strings.Contains(errs, "PreconditionFailedException") {
			t.Errorf("stale revision: ok=%v %s", ok, errs)
		}
	})
	// Concurrency.
	group(func() {
		cli("lambda", "put-function-concurrency", "--function-name", "image-resizer", "--reserved-concurrent-executions", "42")
		g := cli("lambda", "get-function-concurrency", "--function-name", "image-resizer")
		if g["ReservedConcurrentExecutions"] != 42.0 {
			t.Errorf("get-function-concurrency: %v", g)
		}
	})
	// Invoke with the log tail.
	group(func() {
		out, errs, ok := runPeer(t, s, aws, "lambda", "invoke", "--function-name", "report-generator", "--log-type", "Tail",
			"--cli-binary-format", "raw-in-base64-out", "--payload", `{"key":"a.jpg"}`, "--output", "json", "--endpoint-url", s.URL(), filepath.Join(t.TempDir(), "out.json"))
		if !ok {
			t.Errorf("invoke: %s", errs)
			return
		}
		var inv struct {
			StatusCode      int
			LogResult       string
			ExecutedVersion string
		}
		if err := json.Unmarshal([]byte(out), &inv); err != nil {
			t.Error(err)
			return
		}
		tail, _ := base64.StdEncoding.DecodeString(inv.LogResult)
		if r, ok := model.ParseReportFromTail(string(tail)); inv.StatusCode != 200 || !ok || r.MemorySizeMB != 2048 {
			t.Errorf("invoke: %+v tail %q", inv, tail)
		}
	})
	wg.Wait()
}

const boto3Script = `
import base64, json, sys
import boto3, botocore
c = boto3.client("lambda")
res = {}
names = []
for page in c.get_paginator("list_functions").paginate():
    names += [f["FunctionName"] for f in page["Functions"]]
res["functions"] = len(names)
a = c.get_alias(FunctionName="checkout-api", Name="live")
res["weights"] = a["RoutingConfig"]["AdditionalVersionWeights"]
u = c.update_alias(FunctionName="checkout-api", Name="live", RevisionId=a["RevisionId"], RoutingConfig={"AdditionalVersionWeights": {"8": 0.3}})
res["updated"] = u["RoutingConfig"]["AdditionalVersionWeights"]
try:
    c.update_alias(FunctionName="checkout-api", Name="live", RevisionId=a["RevisionId"], Description="stale")
    res["conflict"] = None
except botocore.exceptions.ClientError as e:
    res["conflict"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
c.put_function_concurrency(FunctionName="orders-api", ReservedConcurrentExecutions=12)
res["reserved"] = c.get_function_concurrency(FunctionName="orders-api")["ReservedConcurrentExecutions"]
try:
    c.put_function_concurrency(FunctionName="image-resizer", ReservedConcurrentExecutions=950)
    res["floor"] = None
except botocore.exceptions.ClientError as e:
    res["floor"] = e.response["Error"]["Code"]
r = c.invoke(FunctionName="checkout-api", Qualifier="live", LogType="Tail", Payload=b"{}")
res["invoke"] = {"status": r["StatusCode"], "version": r["ExecutedVersion"], "tail": base64.b64decode(r["LogResult"]).decode()}
res["account"] = boto3.client("sts").get_caller_identity()["Account"]
json.dump(res, sys.stdout)
`

func TestPeerBoto3(t *testing.T) {
	t.Parallel()
	py := peers.Python(t)
	s, _ := start(t, Options{Seed: 1})
	out, errs, ok := runPeer(t, s, py, "-c", boto3Script)
	if !ok {
		t.Fatalf("boto3: %s", errs)
	}
	var res struct {
		Functions int
		Weights   map[string]float64
		Updated   map[string]float64
		Conflict  []any
		Reserved  int
		Floor     string
		Account   string
		Invoke    struct {
			Status  int
			Version string
			Tail    string
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if res.Functions != 150 || res.Weights["8"] != 0.1 || res.Updated["8"] != 0.3 || res.Reserved != 12 || res.Floor != "InvalidParameterValueException" || res.Account != "123456789012" {
		t.Fatalf("boto3 results: %+v", res)
	}
	if len(res.Conflict) != 2 || res.Conflict[0] != "PreconditionFailedException" || res.Conflict[1] != 412.0 {
		t.Fatalf("conflict: %v", res.Conflict)
	}
	if _, ok := model.ParseReportFromTail(res.Invoke.Tail); res.Invoke.Status != 200 || !ok || (res.Invoke.Version != "7" && res.Invoke.Version != "8") {
		t.Fatalf("invoke: %+v", res.Invoke)
	}
}

// TestPeerAWSCLIv2Fidelity: UpdateFunctionCode, layers, permissions and
// function URLs end to end through the AWS CLI v2.
func TestPeerAWSCLIv2Fidelity(t *testing.T) {
	t.Parallel()
	aws := peers.AWSCLIv2(t)
	s, m := start(t, Options{Empty: true})
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "code.zip")
	if err := os.WriteFile(zipPath, fakeZip("cli"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) map[string]any {
		t.Helper()
		out, errs, ok := runPeer(t, s, aws, append(args, "--output", "json", "--endpoint-url", s.URL())...)
		if !ok {
			t.Fatalf("aws %v: %s", args, errs)
		}
		var v map[string]any
		if strings.TrimSpace(out) != "" {
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("aws %v: %v in %q", args, err, out)
			}
		}
		return v
	}
	l := cli("lambda", "publish-layer-version", "--layer-name", "cli-layer", "--zip-file", "fileb://"+zipPath, "--compatible-runtimes", "python3.14")
	lv := l["LayerVersionArn"].(string)
	c := cli("lambda", "create-function", "--function-name", "cli-fn", "--runtime", "python3.14", "--role", testRole, "--handler", "app.handler",
		"--zip-file", "fileb://"+zipPath, "--layers", lv, "--publish")
	if c["Version"] != "1" || strings.HasSuffix(c["FunctionArn"].(string), ":1") {
		t.Fatalf("create --publish: %v", c)
	}
	m.Advance(2 * time.Second)
	if err := os.WriteFile(zipPath, fakeZip("cli-v2"), 0o600); err != nil {
		t.Fatal(err)
	}
	u := cli("lambda", "update-function-code", "--function-name", "cli-fn", "--zip-file", "fileb://"+zipPath)
	if u["CodeSha256"] == c["CodeSha256"] || u["LastUpdateStatus"] != "InProgress" {
		t.Fatalf("update-function-code: %v", u)
	}
	m.Advance(3 * time.Second)
	p := cli("lambda", "add-permission", "--function-name", "cli-fn", "--statement-id", "acct", "--action", "lambda:InvokeFunction", "--principal", "210987654321", "--source-account", "123456789012")
	if !strings.Contains(p["Statement"].(string), `"AWS":"arn:aws:iam::210987654321:root"`) {
		t.Fatalf("add-permission: %v", p)
	}
	cli("lambda", "remove-permission", "--function-name", "cli-fn", "--statement-id", "acct")
	if _, errs, ok := runPeer(t, s, aws, "lambda", "get-policy", "--function-name", "cli-fn", "--endpoint-url", s.URL()); ok || !strings.Contains(errs, "ResourceNotFoundException") {
		t.Fatalf("get-policy after remove: ok=%v %s", ok, errs)
	}
	fu := cli("lambda", "create-function-url-config", "--function-name", "cli-fn", "--auth-type", "NONE", "--cors", "AllowOrigins=*")
	if !strings.Contains(fu["FunctionUrl"].(string), ".lambda-url.us-east-1.on.aws") {
		t.Fatalf("create-function-url-config: %v", fu)
	}
	if g := cli("lambda", "get-function-url-config", "--function-name", "cli-fn"); g["AuthType"] != "NONE" {
		t.Fatalf("get-function-url-config: %v", g)
	}
	if ls := cli("lambda", "list-layers"); len(ls["Layers"].([]any)) != 1 {
		t.Fatalf("list-layers: %v", ls)
	}
	cli("lambda", "delete-function-url-config", "--function-name", "cli-fn")
}

const boto3FidelityScript = `
import json, sys, io, zipfile
import boto3, botocore
def z(s):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as f:
        f.writestr("app.py", s)
    return b.getvalue()
c = boto3.client("lambda")
res = {}
role = "arn:aws:iam::123456789012:role/lambda-test"
l = c.publish_layer_version(LayerName="py-layer", Content={"ZipFile": z("layer")}, CompatibleRuntimes=["python3.14"])
res["layer"] = l["Version"]
c.create_function(FunctionName="py-fn", Runtime="python3.14", Role=role, Handler="app.handler", Code={"ZipFile": z("v1")}, Layers=[l["LayerVersionArn"]])
try:
    c.create_function(FunctionName="py-bad", Runtime="python3.14", Role=role, Handler="app.handler", Code={"ZipFile": z("v1")}, Layers=[l["LayerVersionArn"][:-1] + "9"])
    res["badlayer"] = None
except botocore.exceptions.ClientError as e:
    res["badlayer"] = e.response["Error"]["Code"]
json.dump(res, sys.stdout)
`

const boto3FidelityScript2 = `
import json, sys, io, zipfile
import boto3, botocore
def z(s):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as f:
        f.writestr("app.py", s)
    return b.getvalue()
c = boto3.client("lambda")
res = {}
u = c.update_function_code(FunctionName="py-fn", ZipFile=z("v2"), Publish=True)
res["code"] = [u["Version"], u["LastUpdateStatus"]]
p = c.add_permission(FunctionName="py-fn", StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::bkt", SourceAccount="123456789012", Qualifier="1")
res["statement"] = json.loads(p["Statement"])
c.remove_permission(FunctionName="py-fn", StatementId="s3", Qualifier="1")
f = c.create_function_url_config(FunctionName="py-fn", AuthType="AWS_IAM", InvokeMode="RESPONSE_STREAM")
res["url"] = [f["AuthType"], f["InvokeMode"]]
res["urls"] = len(c.list_function_url_configs(FunctionName="py-fn")["FunctionUrlConfigs"])
json.dump(res, sys.stdout)
`

// TestPeerBoto3Fidelity: the same operations through boto3, with real zip
// archives made by Python's zipfile.
func TestPeerBoto3Fidelity(t *testing.T) {
	t.Parallel()
	py := peers.Python(t)
	s, m := start(t, Options{Empty: true})
	out, errs, ok := runPeer(t, s, py, "-c", boto3FidelityScript)
	if !ok {
		t.Fatalf("boto3: %s", errs)
	}
	var res1 struct {
		Layer    int
		Badlayer string
	}
	if err := json.Unmarshal([]byte(out), &res1); err != nil || res1.Layer != 1 || res1.Badlayer != "InvalidParameterValueException" {
		t.Fatalf("boto3 layers: %v %s", err, out)
	}
	m.Advance(2 * time.Second)
	out, errs, ok = runPeer(t, s, py, "-c", boto3FidelityScript2)
	if !ok {
		t.Fatalf("boto3: %s", errs)
	}
	var res struct {
		Code      []string
		Statement map[string]any
		URL       []string
		URLs      int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if len(res.Code) != 2 || res.Code[0] != "1" || res.Code[1] != "InProgress" {
		t.Fatalf("update_function_code: %v", res.Code)
	}
	cond, _ := res.Statement["Condition"].(map[string]any)
	if res.Statement["Resource"] != "arn:aws:lambda:us-east-1:123456789012:function:py-fn:1" || cond["StringEquals"] == nil || cond["ArnLike"] == nil {
		t.Fatalf("statement: %v", res.Statement)
	}
	if len(res.URL) != 2 || res.URL[0] != "AWS_IAM" || res.URL[1] != "RESPONSE_STREAM" || res.URLs != 1 {
		t.Fatalf("urls: %v %d", res.URL, res.URLs)
	}
}
