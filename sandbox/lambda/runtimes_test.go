package lambda

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/lambdaops/lambdaops/model"
)

// The generated table is the SDK's Runtime enum: re-run `go generate
// ./sandbox/lambda` after an SDK upgrade when this fails.
func TestRuntimeTableMatchesSDK(t *testing.T) {
	want := types.Runtime("").Values()
	if len(want) != len(sdkRuntimes) {
		t.Fatalf("runtimes_gen.go has %d runtimes, the SDK %d: run go generate ./sandbox/lambda", len(sdkRuntimes), len(want))
	}
	for i, r := range want {
		if sdkRuntimes[i] != string(r) {
			t.Fatalf("runtime %d: table %q, SDK %q: run go generate ./sandbox/lambda", i, sdkRuntimes[i], r)
		}
	}
	// Every runtime with a lifecycle entry is one the SDK knows.
	for _, r := range model.KnownRuntimes() {
		if !runtimeSet[r] {
			t.Errorf("model lifecycle entry %q is not in the SDK's enum", r)
		}
	}
}
