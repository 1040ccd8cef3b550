package aws

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/lambdaops/lambdaops/sandbox"
)

// GetFunction reads the function URL when there is one, and leaves it out
// quietly when there is none.
func TestGetFunctionReadsURL(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 20, Seed: 1})
	c := openSandbox(t, s, Config{})
	ctx := context.Background()
	d, err := c.GetFunction(ctx, "orders-api")
	if err != nil || d.URL != nil {
		t.Fatalf("without a URL: %v %+v", err, d.URL)
	}
	req, _ := http.NewRequest("POST", s.URL()+"/2021-10-31/functions/orders-api/url", bytes.NewReader([]byte(`{"AuthType":"AWS_IAM"}`)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("CreateFunctionUrlConfig: %v %v", err, resp)
	}
	resp.Body.Close()
	d, err = c.GetFunction(ctx, "orders-api")
	if err != nil || d.URL == nil || d.URL.AuthType != "AWS_IAM" || d.URL.URL == "" {
		t.Fatalf("with a URL: %v %+v", err, d.URL)
	}
}
