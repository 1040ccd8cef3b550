package invoke

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lambdaops/lambdaops/internal/lazyre"
	"github.com/lambdaops/lambdaops/model"
)

// Events stores test events per function as
// <dir>/lambdaops/events/<function>/<name>.json, dir being the XDG config
// dir. Only tea.Cmd closures call it.
type Events struct{ Dir string }

// DefaultEvents uses the XDG config dir (XDG_CONFIG_HOME, else ~/.config).
func DefaultEvents() Events {
	d, err := os.UserConfigDir()
	if err != nil {
		d = "."
	}
	return Events{Dir: d}
}

var nameRE = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidName checks a test event's name.
func ValidName(name string) error {
	if !nameRE.MatchString(name) || strings.Contains(name, "..") {
		return errors.New("use letters, digits, '.', '_' or '-' (up to 64)")
	}
	return nil
}

func (e Events) fnDir(function string) string {
	return filepath.Join(e.Dir, "lambdaops", "events", strings.ReplaceAll(function, "/", "_"))
}

// List returns the function's saved event names, sorted.
func (e Events) List(function string) ([]string, error) {
	ents, err := os.ReadDir(e.fnDir(function))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range ents {
		if n, ok := strings.CutSuffix(d.Name(), ".json"); ok && !d.IsDir() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Save writes a test event.
func (e Events) Save(function, name string, payload []byte) error {
	if err := ValidName(name); err != nil {
		return fmt.Errorf("event name %q: %w", name, err)
	}
	d := e.fnDir(function)
	if err := os.MkdirAll(d, 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(d, "."+name+".tmp")
	if err := os.WriteFile(tmp, payload, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(d, name+".json"))
}

// Load reads a saved event.
func (e Events) Load(function, name string) ([]byte, error) {
	if err := ValidName(name); err != nil {
		return nil, fmt.Errorf("event name %q: %w", name, err)
	}
	return os.ReadFile(filepath.Join(e.fnDir(function), name+".json"))
}

// maxFile bounds what load-from-file reads: anything larger cannot be sent anyway.
const maxFile = 64 << 20

// ReadFile reads a payload file (at most 64 MB).
func ReadFile(path string) ([]byte, error) {
	if strings.HasPrefix(path, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(h, path[2:])
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	if fi.Size() > maxFile {
		return nil, fmt.Errorf("%s is %s: far over the %s limit", path, size(int(fi.Size())), size(model.MaxSyncPayload))
	}
	return os.ReadFile(path)
}

// Entry is one invocation in the history.
type Entry struct {
	At        time.Time
	Function  string
	Qualifier string
	Type      model.InvocationType
	Size      int // payload bytes sent
	// Payload is what was sent, kept in memory only (power tuning offers
	// the last one the editor sent); the kept history never has it.
	Payload []byte
	Result  model.InvokeResult
	Err     error

	id uint64 // the history's number for it (the table's key)
}

// History keeps the latest results per function for the life of the
// program (shared by every invoke pane the root opens); the pane also
// keeps them on disk through awsapi.InvokeHistory and merges what a
// previous run kept (Merge). It is only touched from Update, but is safe
// for concurrent use anyway.
type History struct {
	mu     sync.Mutex
	byFn   map[string][]Entry
	loaded map[string]bool
	max    int
	next   uint64
}

// NewHistory returns a history keeping up to 20 results per function.
func NewHistory() *History {
	return &History{byFn: map[string][]Entry{}, loaded: map[string]bool{}, max: model.MaxKeptInvocations}
}

// Add appends an entry for its function and returns it numbered.
func (h *History) Add(e Entry) Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.next++
	e.id = h.next
	l := append(h.byFn[e.Function], e)
	if len(l) > h.max {
		l = l[len(l)-h.max:]
	}
	h.byFn[e.Function] = l
	return e
}

// List returns the function's entries, oldest first.
func (h *History) List(function string) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Entry(nil), h.byFn[function]...)
}

// Loaded reports whether the function's kept history was merged already.
func (h *History) Loaded(function string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.loaded[function]
}

// Merge puts what a previous run kept before this run's entries (once per
// function) and returns the function's entries.
func (h *History) Merge(function string, kept []model.Invocation) []Entry {
	h.mu.Lock()
	if !h.loaded[function] {
		h.loaded[function] = true
		var l []Entry
		for _, inv := range kept {
			h.next++
			e := entryOf(inv)
			e.id = h.next
			l = append(l, e)
		}
		l = append(l, h.byFn[function]...)
		if len(l) > h.max {
			l = l[len(l)-h.max:]
		}
		h.byFn[function] = l
	}
	h.mu.Unlock()
	return h.List(function)
}

// invocation is e as the kept history stores it: without the payload sent.
func (e Entry) invocation() model.Invocation {
	inv := model.Invocation{At: e.At, Function: e.Function, Qualifier: e.Qualifier, Type: e.Type, Size: e.Size, Result: e.Result}
	if e.Err != nil {
		inv.Err = e.Err.Error()
	}
	return inv.Trimmed()
}

func entryOf(inv model.Invocation) Entry {
	e := Entry{At: inv.At, Function: inv.Function, Qualifier: inv.Qualifier, Type: inv.Type, Size: inv.Size, Result: inv.Result}
	if inv.Err != "" {
		e.Err = errors.New(inv.Err)
	}
	return e
}

// size renders a byte count: 512 B, 1.5 KB, 6.0 MB.
func size(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}
