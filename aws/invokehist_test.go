package aws

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// The invoke history is kept per account, region and function, capped in
// entries and response size, readable by the user only, and never holds
// the payload sent.
func TestInvocationsKeptPerFunction(t *testing.T) {
	d := t.TempDir()
	c := &Client{cfg: Config{StateDir: d}, target: model.Target{Account: "123456789012", Region: "eu-west-1"}}
	if got, err := c.Invocations("orders"); err != nil || got != nil {
		t.Fatalf("nothing kept yet: %v %v", got, err)
	}
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var list []model.Invocation
	for i := range model.MaxKeptInvocations + 5 {
		list = append(list, model.Invocation{At: t0.Add(time.Duration(i) * time.Second), Function: "orders", Qualifier: "live",
			Type: model.RequestResponse, Size: 10, Result: model.InvokeResult{StatusCode: 200, Payload: bytes.Repeat([]byte("x"), 20<<10)}})
	}
	list[len(list)-1].Err = "boom"
	if err := c.SaveInvocations("orders", list); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d, "invoke", "123456789012", "eu-west-1", "orders.json")
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file %v %v", fi, err)
	}
	got, err := c.Invocations("orders")
	if err != nil || len(got) != model.MaxKeptInvocations {
		t.Fatalf("%d kept, %v", len(got), err)
	}
	if !got[0].At.Equal(t0.Add(5*time.Second)) || got[len(got)-1].Err != "boom" {
		t.Fatalf("first %v last %q", got[0].At, got[len(got)-1].Err)
	}
	if n := len(got[0].Result.Payload); n != model.MaxKeptResponse {
		t.Fatalf("response kept %d bytes", n)
	}
	// another region, another function: their own files
	c.target.Region = "us-east-1"
	if got, _ := c.Invocations("orders"); got != nil {
		t.Fatal("another region sees this region's history")
	}
	if err := c.SaveInvocations("../../etc/x", list[:1]); err != nil {
		t.Fatal(err)
	}
	filepath.Walk(d, func(path string, _ os.FileInfo, _ error) error {
		if !strings.HasPrefix(path, d) {
			t.Fatalf("wrote outside the state dir: %s", path)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(d, "invoke", "123456789012", "us-east-1", "____etc_x.json")); err != nil {
		entries, _ := os.ReadDir(filepath.Join(d, "invoke", "123456789012", "us-east-1"))
		t.Fatalf("the name was not made safe: %v", entries)
	}
}
