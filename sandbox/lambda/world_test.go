package lambda

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/sandbox/clock"
)

type page struct {
	Functions []struct {
		FunctionName     string
		MemorySize       int
		LastUpdateStatus string
	}
	NextMarker string
}

func listPage(t *testing.T, w *World, marker string) page {
	t.Helper()
	b, err := w.ListFunctions(marker, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	var p page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestListPageCacheFollowsMutations: cached pages never show stale state.
func TestListPageCacheFollowsMutations(t *testing.T) {
	m := clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	w := NewWorld(m, "us-east-1", "123456789012", 1)
	w.SeedFleet(120, 1)
	p1 := listPage(t, w, "")
	_ = listPage(t, w, "") // cached
	name := p1.Functions[3].FunctionName
	mem := 4096
	if _, err := w.UpdateFunctionConfiguration(name, &updateConfigIn{MemorySize: &mem}); err != nil {
		t.Fatal(err)
	}
	p2 := listPage(t, w, "")
	if f := p2.Functions[3]; f.MemorySize != 4096 || f.LastUpdateStatus != "InProgress" {
		t.Fatalf("after update: %+v", f)
	}
	m.Advance(UpdateDelay)
	p3 := listPage(t, w, "")
	if f := p3.Functions[3]; f.LastUpdateStatus != "Successful" {
		t.Fatalf("after the delay: %+v", f)
	}
	// A new function that sorts first shifts the page.
	if _, _, err := w.CreateFunction(&createFunctionIn{FunctionName: strp("aaa-first"), Role: strp("arn:aws:iam::123456789012:role/r"), Runtime: "python3.12", Handler: "a.b",
		Code: &codeIn{ZipFile: emptyZip}}); err != nil {
		t.Fatal(err)
	}
	if p := listPage(t, w, ""); p.Functions[0].FunctionName != "aaa-first" {
		t.Fatalf("new function missing from the cached first page: %s", p.Functions[0].FunctionName)
	}
	if err := w.DeleteFunction("aaa-first", ""); err != nil {
		t.Fatal(err)
	}
	if p := listPage(t, w, ""); p.Functions[0].FunctionName == "aaa-first" {
		t.Fatal("deleted function still listed")
	}
	// Paging covers everything exactly once.
	seen, marker := 0, ""
	for {
		p := listPage(t, w, marker)
		seen += len(p.Functions)
		if p.NextMarker == "" {
			break
		}
		marker = p.NextMarker
	}
	if seen != 120 {
		t.Fatalf("paged %d", seen)
	}
}

func strp(s string) *string { return &s }

// emptyZip is the smallest valid zip archive (an end-of-central-directory record).
var emptyZip = []byte{0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
