package ui

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// MaxFileLines is the most lines a non-test Go file under ui/ may have. A
// file that grows past it is split along its sections (model, update,
// keys, actions, view), not trimmed.
const MaxFileLines = 700

// TestNoLargeFiles keeps every non-test Go file under ui/ (this package's
// directory and below) at MaxFileLines or fewer, naming each one over.
func TestNoLargeFiles(t *testing.T) {
	var over []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := bytes.Count(b, []byte("\n"))
		if len(b) > 0 && b[len(b)-1] != '\n' {
			n++
		}
		if n > MaxFileLines {
			over = append(over, fmt.Sprintf("ui/%s (%d lines)", filepath.ToSlash(path), n))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(over) > 0 {
		t.Errorf("non-test Go files over %d lines (split them along their sections):\n  %s", MaxFileLines, strings.Join(over, "\n  "))
	}
}
