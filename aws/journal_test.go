package aws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox"
)

// TestJournalRotatesAndUndoReadsAcross: a small size limit rotates the
// journal; entries from every file are still read (undo works across
// rotations), and concurrent appends stay whole lines.
func TestJournalRotatesAndUndoReadsAcross(t *testing.T) {
	dir := t.TempDir()
	j := openJournalSized(filepath.Join(dir, "journal.jsonl"), 2048, 50)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := j.append(model.JournalEntry{Action: "UpdateAlias", Target: fmt.Sprintf("f%d:a%d", g, i), Result: "ok", Account: "1", Region: "r"}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if _, err := os.Stat(j.rotated(1)); err != nil {
		t.Fatalf("no rotation: %v", err)
	}
	es, err := j.entries()
	if err != nil || len(es) != 100 {
		t.Fatalf("%d entries across %d files, %v", len(es), len(j.files()), err)
	}
	c := &Client{journal: j, target: model.Target{Account: "1", Region: "r"}}
	if _, ok := c.Last("f0:a0"); !ok {
		t.Fatal("undo cannot see an entry in a rotated file")
	}
	other := &Client{journal: j, target: model.Target{Account: "2", Region: "r"}}
	if _, ok := other.Last("f0:a0"); ok {
		t.Fatal("undo read another account's entry")
	}
	if es, _ := other.JournalEntries(); len(es) != 0 {
		t.Fatal("another account's entries listed")
	}
}

// TestMappingJournalRecordsWhatHappened: a batch-size change (no enable or
// disable sent) is journaled with the mapping as read back: still enabled,
// named by its function.
func TestMappingJournalRecordsWhatHappened(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, sandbox.Options{Functions: 20, Seed: 3})
	c := openSandbox(t, s, Config{})
	ctx := context.Background()
	ms, err := c.ListMappings(ctx, "clickstream-processor")
	if err != nil || len(ms) == 0 {
		t.Fatal(ms, err)
	}
	n := 50
	if _, err := c.UpdateMapping(ctx, ms[0].UUID, nil, &n, "smaller batches"); err != nil {
		t.Fatal(err)
	}
	e, ok := c.Last("clickstream-processor/esm/" + ms[0].UUID)
	if !ok || e.After["enabled"] != true || num(e.After["batchSize"]) != 50 || e.Function != "clickstream-processor" ||
		e.Account == "" || e.Region == "" || e.Phase != model.PhaseOutcome {
		t.Fatalf("entry %+v", e)
	}
	es, _ := c.JournalEntries()
	var intents int
	for _, x := range es {
		if x.ID == e.ID && x.Phase == model.PhaseIntent {
			intents++
			if x.Request["batchSize"] == nil || x.Before["enabled"] != true {
				t.Fatalf("intent %+v", x)
			}
		}
	}
	if intents != 1 {
		t.Fatalf("%d intents for the change", intents)
	}
}
