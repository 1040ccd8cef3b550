package aws

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"

	"github.com/lambdaops/lambdaops/model"
)

// journalFile is an append-only JSONL file of mutations. Each entry is
// written with one write(2) on an O_APPEND descriptor, so concurrent
// lambdaops processes interleave whole lines.
type journalFile struct {
	mu   sync.Mutex
	path string
}

// journals are shared per path so that sessions of one process serialise.
var (
	journalsMu sync.Mutex
	journals   = map[string]*journalFile{}
)

func openJournal(path string) *journalFile {
	journalsMu.Lock()
	defer journalsMu.Unlock()
	if j := journals[path]; j != nil {
		return j
	}
	j := &journalFile{path: path}
	journals[path] = j
	return j
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
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil {
		return werr
	}
	return cerr
}

// entries reads the journal; malformed lines (a torn write) are skipped.
func (j *journalFile) entries() ([]model.JournalEntry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	b, err := os.ReadFile(j.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []model.JournalEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var e model.JournalEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Action != "" {
			out = append(out, e)
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
		if e.Target != target || e.Result != "ok" || (action != "" && e.Action != action) {
			continue
		}
		if e.Account != c.Target().Account || e.Region != c.Target().Region {
			continue
		}
		return e, true
	}
	return model.JournalEntry{}, false
}

// JournalPath is where mutations are recorded.
func (c *Client) JournalPath() string {
	if c.journal == nil {
		return ""
	}
	return c.journal.path
}

// record appends one entry, filling in time, profile, account and region.
// A journal write failure is logged, never turned into a failed mutation
// (the change has already happened).
func (c *Client) record(e model.JournalEntry, err error) {
	e.Time = c.cfg.Now().UTC()
	e.Profile = c.Target().Profile
	e.Account = c.Target().Account
	e.Region = c.Target().Region
	if err != nil {
		e.Result = err.Error()
		if e.RequestID == "" {
			e.RequestID = requestIDOf(err)
		}
	} else {
		e.Result = "ok"
	}
	if c.journal == nil {
		return
	}
	if jerr := c.journal.append(e); jerr != nil {
		c.logf("journal write failed: %v", jerr)
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
