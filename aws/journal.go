package aws

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/lambdaops/lambdaops/model"
)

// Journal defaults: rotate at 8 MiB, keep 9 rotated files (journal.jsonl.1
// is the newest of them).
const (
	DefaultJournalMaxSize = 8 << 20
	DefaultJournalKeep    = 9
)

// journalFile is an append-only JSONL file of mutations, shared by every
// lambdaops process of a user. Each entry is one write(2) on an O_APPEND
// descriptor, synced before append returns, under an exclusive file lock
// (journal.jsonl.lock) that also serialises rotation between processes.
type journalFile struct {
	mu      sync.Mutex
	path    string
	maxSize int64
	keep    int
}

// journals are shared per path so that sessions of one process serialise.
var (
	journalsMu sync.Mutex
	journals   = map[string]*journalFile{}
)

// testHookJournal, when set (tests only), is called with each entry just
// after an intent is synced and just before an outcome is written: the
// kill -9 tests stop the process there.
var testHookJournal func(e model.JournalEntry)

func openJournal(path string) *journalFile {
	return openJournalSized(path, DefaultJournalMaxSize, DefaultJournalKeep)
}

func openJournalSized(path string, maxSize int64, keep int) *journalFile {
	journalsMu.Lock()
	defer journalsMu.Unlock()
	if j := journals[path]; j != nil {
		if maxSize > 0 {
			j.mu.Lock()
			j.maxSize, j.keep = maxSize, keep
			j.mu.Unlock()
		}
		return j
	}
	if maxSize <= 0 {
		maxSize = DefaultJournalMaxSize
	}
	if keep <= 0 {
		keep = DefaultJournalKeep
	}
	j := &journalFile{path: path, maxSize: maxSize, keep: keep}
	journals[path] = j
	return j
}

func (j *journalFile) rotated(i int) string { return j.path + "." + strconv.Itoa(i) }

// files lists the journal's files, oldest first.
func (j *journalFile) files() []string {
	var out []string
	for i := j.keep; i >= 1; i-- {
		if _, err := os.Stat(j.rotated(i)); err == nil {
			out = append(out, j.rotated(i))
		}
	}
	return append(out, j.path)
}

func (j *journalFile) append(e model.JournalEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
		return err
	}
	unlock, err := lockFile(j.path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	if st, err := os.Stat(j.path); err == nil && st.Size() > 0 && st.Size()+int64(len(b)) > j.maxSize {
		if err := j.rotate(); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	return errors.Join(werr, serr, cerr)
}

// rotate shifts journal.jsonl.N-1 → .N … journal.jsonl → .1 (the lock is held).
func (j *journalFile) rotate() error {
	_ = os.Remove(j.rotated(j.keep))
	for i := j.keep - 1; i >= 1; i-- {
		if _, err := os.Stat(j.rotated(i)); err == nil {
			if err := os.Rename(j.rotated(i), j.rotated(i+1)); err != nil {
				return err
			}
		}
	}
	if err := os.Rename(j.path, j.rotated(1)); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(j.path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// entries reads the journal across its rotations, oldest first; malformed
// lines (a torn write) are skipped.
func (j *journalFile) entries() ([]model.JournalEntry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []model.JournalEntry
	for _, p := range j.files() {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			var e model.JournalEntry
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Action != "" {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// Last returns the newest successful journal entry for target in this
// session's account and region.
func (c *Client) Last(target string) (model.JournalEntry, bool) {
	return c.LastAction(target, "")
}

// LastAction is Last restricted to one action ("" = any), e.g.
// LastAction("checkout-api:live", "UpdateAlias"). Additive to Journal.
// Intents are skipped: only what happened counts.
func (c *Client) LastAction(target, action string) (model.JournalEntry, bool) {
	if c.journal == nil {
		return model.JournalEntry{}, false
	}
	es, err := c.journal.entries()
	if err != nil {
		return model.JournalEntry{}, false
	}
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if e.Phase == model.PhaseIntent || e.Target != target || e.Result != "ok" || (action != "" && e.Action != action) {
			continue
		}
		if e.Account != c.Target().Account || e.Region != c.Target().Region {
			continue
		}
		return e, true
	}
	return model.JournalEntry{}, false
}

// JournalEntries returns this account and region's entries, oldest first,
// across rotations.
func (c *Client) JournalEntries() ([]model.JournalEntry, error) {
	if c.journal == nil {
		return nil, nil
	}
	es, err := c.journal.entries()
	if err != nil {
		return nil, err
	}
	out := es[:0]
	for _, e := range es {
		if e.Account == c.Target().Account && e.Region == c.Target().Region {
			out = append(out, e)
		}
	}
	return out, nil
}

// JournalPath is where mutations are recorded.
func (c *Client) JournalPath() string {
	if c.journal == nil {
		return ""
	}
	return c.journal.path
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (c *Client) stamp(e *model.JournalEntry) {
	e.Time = c.cfg.Now().UTC()
	e.Profile = c.Target().Profile
	e.Account = c.Target().Account
	e.Region = c.Target().Region
}

// intent writes e as a write-ahead intent, synced, before the change is
// sent. A change whose intent cannot be written is not sent. The returned
// entry carries the ID its outcome (record) repeats.
func (c *Client) intent(e model.JournalEntry) (model.JournalEntry, error) {
	if c.journal == nil {
		return e, nil
	}
	owner, err := processOwner(filepath.Dir(c.journal.path))
	if err != nil {
		return e, fmt.Errorf("journal: %w (the change was not sent)", err)
	}
	e.ID = newID()
	e.Owner = owner
	in := e
	in.Phase = model.PhaseIntent
	in.After = nil
	in.Result = "pending"
	c.stamp(&in)
	if err := c.journal.append(in); err != nil {
		return e, fmt.Errorf("journal: %w (the change was not sent)", err)
	}
	if testHookJournal != nil {
		testHookJournal(in)
	}
	return e, nil
}

// record appends one entry (the outcome of an intent when e.ID is set),
// filling in time, profile, account and region. A journal write failure is
// logged, never turned into a failed mutation (the change has happened).
func (c *Client) record(e model.JournalEntry, err error) {
	c.stamp(&e)
	if err != nil {
		e.Result = err.Error()
		if e.RequestID == "" {
			e.RequestID = requestIDOf(err)
		}
	} else {
		e.Result = "ok"
	}
	if e.ID != "" {
		e.Phase = model.PhaseOutcome
	}
	if c.journal == nil {
		return
	}
	if e.ID != "" && testHookJournal != nil {
		testHookJournal(e)
	}
	if jerr := c.journal.append(e); jerr != nil {
		c.logf("journal write failed: %v", jerr)
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
