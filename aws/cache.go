package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// snapshotFile is the on-disk form of one fleet listing.
type snapshotFile struct {
	Version   int              `json:"version"`
	Account   string           `json:"account"`
	Region    string           `json:"region"`
	Endpoint  string           `json:"endpoint,omitempty"`
	Taken     time.Time        `json:"taken"`
	Functions []model.Function `json:"functions"`
}

const snapshotVersion = 1

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// snapshotPath is <cache>/snapshots/<account>-<region>[-<endpoint hash>].json.
// The endpoint hash keeps a local emulator's fleet apart from the real account.
func snapshotPath(dir string, t model.Target) string {
	name := unsafeName.ReplaceAllString(t.Account, "_") + "-" + unsafeName.ReplaceAllString(t.Region, "_")
	if t.Endpoint != "" {
		h := sha256.Sum256([]byte(t.Endpoint))
		name += "-" + hex.EncodeToString(h[:4])
	}
	return filepath.Join(dir, "snapshots", name+".json")
}

// saveSnapshot writes the listing atomically (temp file + rename), with
// secrets (environment variable values) stripped.
func (c *Client) saveSnapshot(fns []model.Function) error {
	if c.cfg.CacheDir == "" {
		return nil
	}
	clean := make([]model.Function, len(fns))
	for i, f := range fns {
		f.Env = redactEnv(f.Env)
		clean[i] = f
	}
	return writeSnapshot(snapshotPath(c.cfg.CacheDir, c.target), snapshotFile{
		Version: snapshotVersion, Account: c.target.Account, Region: c.target.Region,
		Endpoint: c.target.Endpoint, Taken: c.cfg.Now().UTC(), Functions: clean,
	})
}

// redactEnv keeps variable names but never writes their values to disk.
func redactEnv(env map[string]string) map[string]string {
	if len(env) == 0 {
		return nil
	}
	out := make(map[string]string, len(env))
	for k := range env {
		out[k] = ""
	}
	return out
}

func writeSnapshot(path string, s snapshotFile) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".snapshot-*")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(tmp)
	if err := enc.Encode(s); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("replacing snapshot: %w", err)
	}
	return nil
}

func readSnapshot(path string) (snapshotFile, error) {
	var s snapshotFile
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, err
	}
	if s.Version != snapshotVersion {
		return s, fmt.Errorf("snapshot version %d, want %d", s.Version, snapshotVersion)
	}
	return s, nil
}

// Snapshot is the last full listing cached on disk for this account,
// region and endpoint; ok is false when there is none (or it is unreadable).
func (c *Client) Snapshot() ([]model.Function, time.Time, bool) {
	if c.cfg.CacheDir == "" {
		return nil, time.Time{}, false
	}
	c.snapWG.Wait() // a listing this session just finished is being written
	s, err := readSnapshot(snapshotPath(c.cfg.CacheDir, c.target))
	if err != nil || s.Account != c.target.Account || s.Region != c.target.Region {
		return nil, time.Time{}, false
	}
	return s.Functions, s.Taken, true
}
