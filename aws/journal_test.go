package aws

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lambdaops/lambdaops/model"
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
