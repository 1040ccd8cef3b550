package lambda

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
)

var (
	fuzzOnce sync.Once
	fuzzAPI  *API
)

// fuzzWorld is one small world shared by every fuzz iteration (it is safe
// for concurrent use; mutations simply accumulate).
func fuzzWorld() (*World, *API) {
	fuzzOnce.Do(func() {
		w := NewWorld(clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)), "us-east-1", "123456789012", 1)
		w.SeedFleet(20, 1)
		fuzzAPI = NewAPI(w)
	})
	return fuzzAPI.W, fuzzAPI
}

// FuzzParseFunctionName: any reference parses or fails cleanly, and a
// parsed name is valid.
func FuzzParseFunctionName(f *testing.F) {
	for _, s := range []string{"orders-api", "orders-api:live", "123456789012:function:x", "arn:aws:lambda:us-east-1:123456789012:function:x:7", "arn:aws:lambda:::function:", ":", "a:b:c:d:e:f:g:h:i", "$LATEST"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		name, q, err := ParseFunctionName(ref)
		if err != nil {
			if err.Status != 400 {
				t.Fatalf("status %d", err.Status)
			}
			return
		}
		if !validName(name) || (q != "" && !validQualifier(q)) {
			t.Fatalf("accepted %q → %q %q", ref, name, q)
		}
	})
}

// FuzzLambdaRequest drives the restJson1 front-end with arbitrary methods,
// paths, queries and bodies: never a panic, never a 5xx, always JSON errors.
func FuzzLambdaRequest(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"GET", "/2015-03-31/functions?MaxItems=3", ""},
		{"POST", "/2015-03-31/functions", `{"FunctionName":"x","Role":"arn:aws:iam::123456789012:role/r","Runtime":"python3.12","Handler":"a.b","Code":{"ZipFile":"UEsFBg=="}}`},
		{"PUT", "/2015-03-31/functions/checkout-api/configuration", `{"MemorySize":512,"Environment":{"Variables":{"A":"b"}}}`},
		{"POST", "/2015-03-31/functions/checkout-api/aliases", `{"Name":"x","FunctionVersion":"7","RoutingConfig":{"AdditionalVersionWeights":{"8":0.5}}}`},
		{"PUT", "/2015-03-31/functions/checkout-api/aliases/live", `{"RevisionId":"x","RoutingConfig":{"AdditionalVersionWeights":{"8":2}}}`},
		{"POST", "/2015-03-31/functions/checkout-api/versions", `{"Description":"d"}`},
		{"PUT", "/2017-10-31/functions/orders-api/concurrency", `{"ReservedConcurrentExecutions":5}`},
		{"PUT", "/2019-09-30/functions/search-api/provisioned-concurrency?Qualifier=prod", `{"ProvisionedConcurrentExecutions":3}`},
		{"GET", "/2019-09-30/functions/search-api/provisioned-concurrency?List=ALL", ""},
		{"PUT", "/2015-03-31/event-source-mappings/x", `{"Enabled":false,"BatchSize":10}`},
		{"POST", "/2015-03-31/event-source-mappings/", `{"EventSourceArn":"arn:aws:sqs:us-east-1:123456789012:q","FunctionName":"orders-api","BatchSize":5}`},
		{"PUT", "/2019-09-25/functions/email-sender/event-invoke-config", `{"MaximumRetryAttempts":1,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:123456789012:q"}}}`},
		{"POST", "/2017-03-31/tags/arn:aws:lambda:us-east-1:123456789012:function:orders-api", `{"Tags":{"a":"b"}}`},
		{"POST", "/2015-03-31/functions/orders-api/invocations", `{"x":1}`},
		{"POST", "/2015-03-31/functions/orders-api/policy", `{"StatementId":"s","Principal":"s3.amazonaws.com"}`},
		{"POST", "/2015-03-31/functions/orders-api/policy?Qualifier=1", `{"StatementId":"s2","Action":"lambda:InvokeFunction","Principal":"123456789012","SourceArn":"arn:aws:s3:::b","SourceAccount":"123456789012","PrincipalOrgID":"o-abcdefghij","EventSourceToken":"t"}`},
		{"DELETE", "/2015-03-31/functions/orders-api/policy/s?Qualifier=1&RevisionId=x", ""},
		{"PUT", "/2015-03-31/functions/orders-api/code", `{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==","Publish":true,"Architectures":["arm64"]}`},
		{"PUT", "/2015-03-31/functions/orders-api/code", `{"S3Bucket":"bkt","S3Key":"k.zip","DryRun":true}`},
		{"POST", "/2021-10-31/functions/orders-api/url?Qualifier=live", `{"AuthType":"NONE","Cors":{"AllowOrigins":["*"],"MaxAge":10},"InvokeMode":"BUFFERED"}`},
		{"PUT", "/2021-10-31/functions/orders-api/url", `{"AuthType":"AWS_IAM","Cors":{"AllowMethods":["GET"]}}`},
		{"GET", "/2021-10-31/functions/orders-api/urls?MaxItems=1", ""},
		{"POST", "/2018-10-31/layers/common/versions", `{"Content":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},"CompatibleRuntimes":["python3.14"],"CompatibleArchitectures":["arm64"]}`},
		{"GET", "/2018-10-31/layers?CompatibleRuntime=python3.14&MaxItems=2", ""},
		{"GET", "/2018-10-31/layers?find=LayerVersion&Arn=arn:aws:lambda:us-east-1:123456789012:layer:common:1", ""},
		{"GET", "/2018-10-31/layers/common/versions/1", ""},
		{"POST", "/2018-10-31/layers/common/versions/1/policy", `{"StatementId":"a","Action":"lambda:GetLayerVersion","Principal":"*","OrganizationId":"o-abcdefghij"}`},
		{"DELETE", "/2018-10-31/layers/common/versions/1/policy/a", ""},
		{"DELETE", "/2018-10-31/layers/common/versions/99", ""},
		{"GET", "/2020-06-30/functions/orders-api/code-signing-config", ""},
		{"GET", "/2020-04-22/code-signing-configs/arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdefg/functions", ""},
		{"GET", "/2019-09-25/functions/orders-api/event-invoke-config/list", ""},
		{"POST", "/2014-11-13/functions/orders-api/invoke-async/", `{"a":1}`},
		{"PUT", "/2024-08-31/functions/orders-api/recursion-config", `{"RecursiveLoop":"Allow"}`},
		{"PUT", "/2021-07-20/functions/orders-api/runtime-management-config", `{"UpdateRuntimeOn":"Manual","RuntimeVersionArn":"arn:aws:lambda:us-east-1::runtime:abc"}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		_, api := fuzzWorld()
		req, err := http.NewRequest(method, "http://sandbox"+path, bytes.NewReader([]byte(body)))
		if err != nil {
			return // not a request a client could send
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 && rec.Header().Get("X-Amzn-ErrorType") == "" {
			t.Fatalf("%s %s: error %d without X-Amzn-ErrorType", method, path, rec.Code)
		}
	})
}

// FuzzDecodeJSON: every input shape decodes or fails with a 400.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"MemorySize":1}`))
	f.Add([]byte(`{"MemorySize":"x"}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []any{&createFunctionIn{}, &updateConfigIn{}, &aliasIn{}, &esmUpdateIn{}, &eventInvokeIn{}, &provIn{}, &concurrencyIn{}, &tagsIn{}, &publishIn{}, &esmCreateIn{}} {
			if err := DecodeJSON(b, v); err != nil && err.Status != 400 {
				t.Fatalf("status %d", err.Status)
			}
		}
	})
}

// FuzzNewOperationBodies keeps the path of each new operation valid and
// fuzzes its body and query, so that the fuzzer spends its time in the new
// decoders and validators: never a panic, never a 5xx.
func FuzzNewOperationBodies(f *testing.F) {
	routes := []struct{ method, path string }{
		{"PUT", "/2015-03-31/functions/orders-api/code"},
		{"POST", "/2015-03-31/functions"},
		{"POST", "/2015-03-31/functions/orders-api/policy"},
		{"DELETE", "/2015-03-31/functions/orders-api/policy/s"},
		{"POST", "/2021-10-31/functions/orders-api/url"},
		{"PUT", "/2021-10-31/functions/orders-api/url"},
		{"POST", "/2018-10-31/layers/fz/versions"},
		{"POST", "/2018-10-31/layers/fz/versions/1/policy"},
		{"PUT", "/2024-08-31/functions/orders-api/recursion-config"},
		{"PUT", "/2021-07-20/functions/orders-api/runtime-management-config"},
		{"POST", "/2014-11-13/functions/orders-api/invoke-async/"},
		{"PUT", "/2015-03-31/functions/orders-api/configuration"},
	}
	for i, b := range []string{
		`{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==","Publish":true}`,
		`{"FunctionName":"fz","Role":"arn:aws:iam::123456789012:role/r","Runtime":"python3.14","Handler":"a.b","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},"Architectures":["foo"],"Layers":["arn:aws:lambda:us-east-1:123456789012:layer:fz:1"],"PackageType":"Image","ImageConfig":{"Command":["x"]}}`,
		`{"StatementId":"s","Action":"lambda:*","Principal":"123456789012","SourceAccount":"1","PrincipalOrgID":"o-x","EventSourceToken":"!","FunctionUrlAuthType":"X"}`,
		``,
		`{"AuthType":"NONE","Cors":{"AllowMethods":["GETTTTT"],"AllowOrigins":[""],"MaxAge":-1},"InvokeMode":"X"}`,
		`{"Cors":{"AllowCredentials":true}}`,
		`{"Content":{"S3Bucket":"b","S3Key":"k"},"CompatibleRuntimes":["x","python3.14"],"CompatibleArchitectures":["a","b","c"]}`,
		`{"StatementId":"a","Action":"lambda:GetLayerVersion","Principal":"*","OrganizationId":"o-abcdefghij"}`,
		`{"RecursiveLoop":"Allow"}`,
		`{"UpdateRuntimeOn":"Manual"}`,
		`{"a":1}`,
		`{"Layers":[],"Runtime":"go1.x","ImageConfig":{}}`,
	} {
		f.Add(i, b, "Qualifier=live")
	}
	f.Fuzz(func(t *testing.T, i int, body, query string) {
		_, api := fuzzWorld()
		rt := routes[uint(i)%uint(len(routes))]
		req, err := http.NewRequest(rt.method, "http://sandbox"+rt.path+"?"+query, bytes.NewReader([]byte(body)))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", rt.method, rt.path, rec.Code, rec.Body.String())
		}
	})
}
