package sandbox

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/lambdaops/lambdaops/internal/peers"
)

// clientsFor returns Lambda and STS clients signing for one access key and region.
func clientsFor(endpoint, akid, region string) (*awslambda.Client, *sts.Client) {
	cfg := awsConfig(region)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(akid, "sandbox", "")
	l := awslambda.NewFromConfig(cfg, func(o *awslambda.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
	s := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
	return l, s
}

func listNames(t *testing.T, c *awslambda.Client) (names map[string]string) {
	t.Helper()
	names = map[string]string{}
	p := awslambda.NewListFunctionsPaginator(c, &awslambda.ListFunctionsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range out.Functions {
			names[aws.ToString(f.FunctionName)] = aws.ToString(f.FunctionArn)
		}
	}
	return names
}

func TestWorldsPerRegionAndAccount(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{Seed: 3, Functions: 30,
		Regions: []string{"us-east-1", "eu-west-1"}, Accounts: []string{"123456789012", "210987654321"}})
	if n := len(s.Worlds()); n != 4 {
		t.Fatalf("%d worlds, want 4: %+v", n, s.Worlds())
	}
	type world struct{ akid, region, account string }
	for _, w := range []world{
		{"sandbox", "us-east-1", "123456789012"},
		{"sandbox", "eu-west-1", "123456789012"},
		{"210987654321", "us-east-1", "210987654321"},
		{"210987654321", "eu-west-1", "210987654321"},
	} {
		l, st := clientsFor(s.URL(), w.akid, w.region)
		id, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(id.Account) != w.account {
			t.Errorf("%s in %s: GetCallerIdentity account %s, want %s", w.akid, w.region, aws.ToString(id.Account), w.account)
		}
		names := listNames(t, l)
		if len(names) != 30 {
			t.Errorf("%s/%s: %d functions, want 30", w.account, w.region, len(names))
		}
		for n, arn := range names {
			if want := "arn:aws:lambda:" + w.region + ":" + w.account + ":function:" + n; arn != want {
				t.Errorf("ARN %s, want %s", arn, want)
				break
			}
		}
		// a seeded world has the incidents, so a combined board has something to rank
		if _, ok := names["payments-webhook"]; !ok {
			t.Errorf("%s/%s: no payments-webhook", w.account, w.region)
		}
	}
	// the fleets differ: each world's generated functions come from its own seed
	a := listNames(t, must(clientsFor(s.URL(), "sandbox", "us-east-1")))
	b := listNames(t, must(clientsFor(s.URL(), "sandbox", "eu-west-1")))
	same := 0
	for n := range a {
		if _, ok := b[n]; ok {
			same++
		}
	}
	if same == len(a) {
		t.Errorf("us-east-1 and eu-west-1 have the same %d functions", same)
	}
}

func must(l *awslambda.Client, _ *sts.Client) *awslambda.Client { return l }

func TestWorldsIsolation(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{Empty: true})
	east, _ := clientsFor(s.URL(), "sandbox", "us-east-1")
	west, _ := clientsFor(s.URL(), "sandbox", "eu-west-1")
	other, _ := clientsFor(s.URL(), "111122223333", "us-east-1")
	create := func(c *awslambda.Client, name, account string) string {
		t.Helper()
		out, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{
			FunctionName: aws.String(name),
			Runtime:      ltypes.RuntimePython313,
			Handler:      aws.String("app.handler"),
			Role:         aws.String("arn:aws:iam::" + account + ":role/lambda-exec"),
			Code:         &ltypes.FunctionCode{ZipFile: fakeZip(name)},
		})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return aws.ToString(out.FunctionArn)
	}
	arn := create(west, "only-in-west", "123456789012")
	if !strings.HasPrefix(arn, "arn:aws:lambda:eu-west-1:123456789012:") {
		t.Errorf("ARN %s", arn)
	}
	if _, err := east.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("only-in-west")}); err == nil {
		t.Error("a function created in eu-west-1 is visible from us-east-1")
	} else if code, _ := apiErr(t, err); code != "ResourceNotFoundException" {
		t.Errorf("from us-east-1: %s", code)
	}
	arn = create(other, "only-in-other", "111122223333")
	if !strings.HasPrefix(arn, "arn:aws:lambda:us-east-1:111122223333:") {
		t.Errorf("ARN %s", arn)
	}
	if _, err := east.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("only-in-other")}); err == nil {
		t.Error("a function created in account 111122223333 is visible from 123456789012")
	}
	// the same name in two worlds is two functions
	create(east, "only-in-west", "123456789012")
	if n := len(s.Worlds()); n != 3 {
		t.Errorf("%d worlds, want 3 (two made on first use)", n)
	}
	if w := s.In("123456789012", "eu-west-1"); w == nil || w.World().FunctionCount() != 1 {
		t.Errorf("eu-west-1 world: %+v", w)
	}
}

func TestWorldsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Regions: []string{"mars-1"}},
		{Accounts: []string{"12345"}},
		{Regions: []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"},
			Accounts: []string{"111111111111", "222222222222", "333333333333", "444444444444", "555555555555", "666666666666"}},
	} {
		if s, err := Start(context.Background(), o); err == nil {
			s.Close()
			t.Errorf("%+v accepted", o)
		}
	}
	if err := Main(context.Background(), []string{"--regions", "us-east-1,nowhere"}, &strings.Builder{}, &strings.Builder{}); err == nil ||
		!strings.Contains(err.Error(), "not a region") {
		t.Errorf("bad --regions: %v", err)
	}
}

func TestWorldsManualClockAdvancesEveryWorld(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{Seed: 2, Functions: 20, Traffic: true, Backfill: -1, Regions: []string{"us-east-1", "ap-southeast-2"}})
	before := s.In("123456789012", "ap-southeast-2").MetricsStore()
	_ = before
	s.Advance(3 * time.Minute)
	w := s.In("123456789012", "ap-southeast-2")
	if w == nil || w.traffic == nil {
		t.Fatal("no traffic in the second region")
	}
	if w.Engine() == s.Engine() {
		t.Fatal("the worlds share one engine")
	}
}

// TestPeerWorldsCLIAndBoto3: the AWS CLI v2 and boto3 see per-region ARNs
// and per-account worlds.
func TestPeerWorldsCLIAndBoto3(t *testing.T) {
	t.Parallel()
	cli := peers.AWSCLIv2(t)
	py := peers.Python(t)
	s, _ := start(t, Options{Seed: 5, Functions: 12, Regions: []string{"us-east-1", "eu-west-1"}, Accounts: []string{"123456789012", "210987654321"}})
	run := func(env []string, name string, args ...string) string {
		t.Helper()
		cctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(cctx, name, args...)
		cmd.Env = env
		cmd.Dir = t.TempDir()
		out, err := cmd.Output()
		if err != nil {
			msg := ""
			if ee, ok := err.(*exec.ExitError); ok {
				msg = string(ee.Stderr)
			}
			t.Fatalf("%s %v: %v %s", name, args, err, msg)
		}
		return string(out)
	}
	env := func(akid, region string) []string {
		e := peers.CLIEnv(s.URL(), region)
		return append(e, "AWS_ACCESS_KEY_ID="+akid)
	}
	out := run(env("sandbox", "eu-west-1"), cli, "lambda", "get-function", "--function-name", "payments-webhook", "--endpoint-url", s.URL(), "--output", "json")
	if !strings.Contains(out, `"arn:aws:lambda:eu-west-1:123456789012:function:payments-webhook"`) {
		t.Errorf("CLI v2 in eu-west-1: %s", out)
	}
	out = run(env("210987654321", "us-east-1"), cli, "sts", "get-caller-identity", "--endpoint-url", s.URL(), "--output", "json")
	if !strings.Contains(out, `"210987654321"`) {
		t.Errorf("CLI v2 caller identity: %s", out)
	}
	script := `
import boto3, json
lam = boto3.client("lambda", region_name="eu-west-1")
lam.create_function(FunctionName="boto-west", Runtime="python3.13", Role="arn:aws:iam::210987654321:role/r",
    Handler="a.h", Code={"ZipFile": b"PK\x05\x06" + b"\x00"*18})
east = boto3.client("lambda", region_name="us-east-1")
try:
    east.get_function(FunctionName="boto-west")
    seen = True
except east.exceptions.ResourceNotFoundException:
    seen = False
arn = lam.get_function(FunctionName="boto-west")["Configuration"]["FunctionArn"]
acct = boto3.client("sts", region_name="eu-west-1").get_caller_identity()["Account"]
print(json.dumps({"arn": arn, "seenFromEast": seen, "account": acct}))
`
	var res struct {
		ARN          string
		SeenFromEast bool
		Account      string
	}
	if err := json.Unmarshal([]byte(run(env("210987654321", "eu-west-1"), py, "-c", script)), &res); err != nil {
		t.Fatal(err)
	}
	if res.ARN != "arn:aws:lambda:eu-west-1:210987654321:function:boto-west" || res.SeenFromEast || res.Account != "210987654321" {
		t.Errorf("boto3: %+v", res)
	}
}
