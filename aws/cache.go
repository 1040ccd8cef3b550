package aws

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
	"unsafe"

	"github.com/lambdaops/lambdaops/internal/lazyre"
	"github.com/lambdaops/lambdaops/model"
)

// snapshotFile is one fleet listing as cached on disk.
type snapshotFile struct {
	Version   int              `json:"version"`
	Account   string           `json:"account"`
	Region    string           `json:"region"`
	Endpoint  string           `json:"endpoint,omitempty"`
	Taken     time.Time        `json:"taken"`
	Functions []model.Function `json:"functions"`
}

// snapshotVersion 2 is the compact binary encoding below (version 1 was
// JSON: 10 MB and ~100 ms to decode at 10,000 functions, longer than the
// first network page, so the cache lost the race it exists to win).
const snapshotVersion = 3

// snapshotMagic opens every binary snapshot file.
const snapshotMagic = "LOPSNAP\x03"

// snapshotChunk is how many functions one index entry covers: the chunks
// decode in parallel.
const snapshotChunk = 1024

var unsafeName = lazyre.New(`[^A-Za-z0-9_.-]`)

// snapshotPath is <cache>/snapshots/<account>-<region>[-<endpoint hash>].snap.
// The endpoint hash keeps a local emulator's fleet apart from the real account.
func snapshotPath(dir string, t model.Target) string {
	name := unsafeName.ReplaceAllString(t.Account, "_") + "-" + unsafeName.ReplaceAllString(t.Region, "_")
	if t.Endpoint != "" {
		h := sha256.Sum256([]byte(t.Endpoint))
		name += "-" + hex.EncodeToString(h[:4])
	}
	return filepath.Join(dir, "snapshots", name+".snap")
}

// saveSnapshot writes the listing atomically (temp file + rename), with
// secrets (environment variable values) stripped and what this session
// learned beyond the listing (reserved concurrency, tags) merged in.
func (c *Client) saveSnapshot(fns []model.Function) error {
	if c.cfg.CacheDir == "" {
		return nil
	}
	t := c.Target()
	// Environment variables never reach the disk, not even their names:
	// the listing does not show them and the function view reads them
	// fresh (GetFunction). Functions are merged and encoded one at a time,
	// with no second copy of the fleet.
	c.pre.drop() // what is written now is newer
	s := snapshotFile{Version: snapshotVersion, Account: t.Account, Region: t.Region, Endpoint: t.Endpoint, Taken: c.cfg.Now().UTC()}
	e := newSnapshotEncoder(s, len(fns))
	for i := range fns {
		f := c.known.merge(fns[i])
		f.Env = nil
		e.function(&f)
	}
	return writeFileAtomic(snapshotPath(c.cfg.CacheDir, t), e.finish())
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

// writeFileAtomic writes data to a temp file beside path, syncs it and
// renames it over path, so a reader sees the old file or the new one.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("replacing %s: %w", filepath.Base(path), err)
	}
	return nil
}

func readSnapshot(path string) (snapshotFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return snapshotFile{}, err
	}
	// b is this function's own and never written again: the decoded
	// strings may alias it instead of a second 5 MB copy.
	return decodeSnapshotFrom(b, unsafe.String(unsafe.SliceData(b), len(b)))
}

// Snapshot is the last full listing cached on disk for this account,
// region and endpoint; ok is false when there is none (or it is unreadable).
func (c *Client) Snapshot() ([]model.Function, time.Time, bool) {
	if c.cfg.CacheDir == "" {
		return nil, time.Time{}, false
	}
	c.snapWG.Wait() // a listing this session just finished is being written
	t := c.Target()
	path := snapshotPath(c.cfg.CacheDir, t)
	s, err, ok := c.pre.take(path)
	if !ok {
		s, err = readSnapshot(path)
	}
	if err != nil || s.Account != t.Account || s.Region != t.Region {
		return nil, time.Time{}, false
	}
	// What the snapshot knew (reserved concurrency, tags) seeds the store
	// the next snapshot is written from, off the start-up path.
	c.known.seed(s.Functions)
	return s.Functions, s.Taken, true
}

// ---- the binary encoding ----
//
// magic, then uvarint-prefixed strings and varints, field by field, in the
// order of encodeFunction. Decoding slices every string out of one copy of
// the file (no allocation per string), so 10,000 functions decode in a few
// milliseconds. TestSnapshotCoversFunction fails when model.Function gains
// a field this encoding does not know about.

type encoder struct {
	b     []byte
	n     int   // functions written
	index []int // offset of every snapshotChunk-th function
}

// function writes one function, noting chunk starts for the index.
func (e *encoder) function(f *model.Function) {
	if e.n%snapshotChunk == 0 {
		e.index = append(e.index, len(e.b))
	}
	e.n++
	encodeFunction(e, f)
}

// finish appends the chunk index and the 8-byte offset of the index.
func (e *encoder) finish() []byte {
	at := len(e.b)
	e.uint(uint64(len(e.index)))
	for _, o := range e.index {
		e.uint(uint64(o))
	}
	return binary.LittleEndian.AppendUint64(e.b, uint64(at))
}

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// strs writes a string slice; nil and empty are kept apart (0 = nil).
func (e *encoder) strs(l []string) {
	if l == nil {
		e.uint(0)
		return
	}
	e.uint(uint64(len(l)) + 1)
	for _, s := range l {
		e.str(s)
	}
}

// smap writes a map in key order (0 = nil).
func (e *encoder) smap(m map[string]string) {
	if m == nil {
		e.uint(0)
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.uint(uint64(len(keys)) + 1)
	for _, k := range keys {
		e.str(k)
		e.str(m[k])
	}
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.bool(false)
		return
	}
	e.bool(true)
	e.int(t.UnixNano())
}

func encodeSnapshot(s snapshotFile) []byte {
	e := newSnapshotEncoder(s, len(s.Functions))
	for i := range s.Functions {
		e.function(&s.Functions[i])
	}
	return e.finish()
}

// newSnapshotEncoder writes the header of a snapshot of n functions.
func newSnapshotEncoder(s snapshotFile, n int) *encoder {
	e := &encoder{b: make([]byte, 0, 64+n*600)}
	e.b = append(e.b, snapshotMagic...)
	e.str(s.Account)
	e.str(s.Region)
	e.str(s.Endpoint)
	e.time(s.Taken)
	e.uint(uint64(n))
	return e
}

func encodeFunction(e *encoder, f *model.Function) {
	for _, s := range []string{f.Name, f.ARN, f.Runtime, f.Handler, f.Role, f.Description, f.Architecture,
		f.PackageType, f.CodeSHA256, f.Version, f.State, f.StateReason, f.LastUpdateStatus, f.RevisionID,
		f.DLQTarget, f.TracingMode, f.SnapStart, f.KMSKeyARN,
		f.Logging.LogFormat, f.Logging.LogGroup, f.Logging.ApplicationLogLevel, f.Logging.SystemLogLevel} {
		e.str(s)
	}
	e.int(int64(f.MemoryMB))
	e.int(int64(f.TimeoutSec))
	e.int(int64(f.EphemeralMB))
	e.int(f.CodeSize)
	e.time(f.LastModified)
	e.uint(uint64(len(f.Layers)))
	for _, l := range f.Layers {
		e.str(l.ARN)
		e.int(l.CodeSize)
	}
	e.bool(f.VPC != nil)
	if f.VPC != nil {
		e.str(f.VPC.VPCID)
		e.strs(f.VPC.SubnetIDs)
		e.strs(f.VPC.SecurityGroupIDs)
	}
	e.smap(f.Env)
	e.bool(f.Enriched)
	e.smap(f.Tags)
	e.bool(f.Reserved != nil)
	if f.Reserved != nil {
		e.int(int64(*f.Reserved))
	}
	e.bool(f.TagsKnown)
}

var errCorrupt = errors.New("snapshot: corrupt or truncated")

// decoder reads from s (one string holding the whole file); the first
// error sticks and every later read returns zero values.
type decoder struct {
	s   string
	off int
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for i := 0; ; i++ {
		if d.off >= len(d.s) || i == binary.MaxVarintLen64 {
			d.err = errCorrupt
			return 0
		}
		c := d.s[d.off]
		d.off++
		if c < 0x80 {
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
		shift += 7
	}
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// count reads a length and checks it against what is left (each element
// takes at least min bytes), so a corrupt length cannot allocate wildly.
func (d *decoder) count(min int) int {
	n := d.uint()
	if d.err == nil && n > uint64(len(d.s)-d.off)/uint64(max(min, 1)) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count(1)
	if d.err != nil {
		return ""
	}
	s := d.s[d.off : d.off+n]
	d.off += n
	return s
}

func (d *decoder) bool() bool {
	if d.err != nil {
		return false
	}
	if d.off >= len(d.s) {
		d.err = errCorrupt
		return false
	}
	c := d.s[d.off]
	d.off++
	return c != 0
}

func (d *decoder) strs() []string {
	n := d.count(1)
	if n == 0 || d.err != nil {
		return nil
	}
	out := make([]string, n-1)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) smap() map[string]string {
	n := d.count(2)
	if n == 0 || d.err != nil {
		return nil
	}
	m := make(map[string]string, n-1)
	for i := 0; i < n-1 && d.err == nil; i++ {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

func (d *decoder) time() time.Time {
	if !d.bool() {
		return time.Time{}
	}
	return time.Unix(0, d.int()).UTC()
}

func (d *decoder) small() int {
	v := d.int()
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.err = errCorrupt
		return 0
	}
	return int(v)
}

func decodeSnapshot(b []byte) (snapshotFile, error) {
	if len(b) < len(snapshotMagic)+8 {
		return snapshotFile{}, fmt.Errorf("snapshot: not a version %d snapshot", snapshotVersion)
	}
	return decodeSnapshotFrom(b, string(b)) // one copy; every string decoded is a slice of it
}

// decodeSnapshotFrom decodes b, whose bytes all holds as a string: every
// string decoded is a slice of all.
func decodeSnapshotFrom(b []byte, all string) (snapshotFile, error) {
	var s snapshotFile
	if len(b) < len(snapshotMagic)+8 || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return s, fmt.Errorf("snapshot: not a version %d snapshot", snapshotVersion)
	}
	at := binary.LittleEndian.Uint64(b[len(b)-8:])
	if at < uint64(len(snapshotMagic)) || at > uint64(len(b)-8) {
		return s, errCorrupt
	}
	end := int(at)
	d := &decoder{s: all[:end], off: len(snapshotMagic)}
	s.Version = snapshotVersion
	s.Account, s.Region, s.Endpoint = d.str(), d.str(), d.str()
	s.Taken = d.time()
	n := d.count(30) // a function takes at least 30 bytes
	if d.err != nil {
		return s, d.err
	}
	// the chunk index
	ix := &decoder{s: all[:len(all)-8], off: end}
	k := ix.count(1)
	if ix.err != nil || k != (n+snapshotChunk-1)/snapshotChunk {
		return snapshotFile{}, errCorrupt
	}
	offs := make([]int, k+1)
	for i := 0; i < k; i++ {
		o := ix.uint()
		if ix.err != nil || o < uint64(d.off) || o > at || i > 0 && int(o) < offs[i-1] || i == 0 && int(o) != d.off {
			return snapshotFile{}, errCorrupt
		}
		offs[i] = int(o)
	}
	offs[k] = end
	if ix.off != len(ix.s) {
		return snapshotFile{}, errCorrupt
	}
	s.Functions = make([]model.Function, n)
	// Chunks decode in parallel: 10,000 functions in a few milliseconds.
	errs := make([]error, k)
	var wg sync.WaitGroup
	for c := 0; c < k; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			cd := &decoder{s: all[:offs[c+1]], off: offs[c]}
			for i := c * snapshotChunk; i < min(n, (c+1)*snapshotChunk); i++ {
				decodeFunction(cd, &s.Functions[i])
				if cd.err != nil {
					errs[c] = cd.err
					return
				}
			}
			if cd.off != len(cd.s) {
				errs[c] = errCorrupt
			}
		}(c)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return snapshotFile{}, err
		}
	}
	return s, nil
}

func decodeFunction(d *decoder, f *model.Function) {
	for _, p := range []*string{&f.Name, &f.ARN, &f.Runtime, &f.Handler, &f.Role, &f.Description, &f.Architecture,
		&f.PackageType, &f.CodeSHA256, &f.Version, &f.State, &f.StateReason, &f.LastUpdateStatus, &f.RevisionID,
		&f.DLQTarget, &f.TracingMode, &f.SnapStart, &f.KMSKeyARN,
		&f.Logging.LogFormat, &f.Logging.LogGroup, &f.Logging.ApplicationLogLevel, &f.Logging.SystemLogLevel} {
		*p = d.str()
	}
	f.MemoryMB = d.small()
	f.TimeoutSec = d.small()
	f.EphemeralMB = d.small()
	f.CodeSize = d.int()
	f.LastModified = d.time()
	if n := d.count(2); n > 0 {
		f.Layers = make([]model.Layer, n)
		for i := range f.Layers {
			f.Layers[i] = model.Layer{ARN: d.str(), CodeSize: d.int()}
		}
	}
	if d.bool() {
		f.VPC = &model.VPCConfig{VPCID: d.str(), SubnetIDs: d.strs(), SecurityGroupIDs: d.strs()}
	}
	f.Env = d.smap()
	f.Enriched = d.bool()
	f.Tags = d.smap()
	if d.bool() {
		v := d.small()
		f.Reserved = &v
	}
	f.TagsKnown = d.bool()
}

// ---- the JSON encoding (version 1), kept as the benchmark's baseline ----

func encodeSnapshotJSON(s snapshotFile) ([]byte, error) { return json.Marshal(s) }

func decodeSnapshotJSON(b []byte) (snapshotFile, error) {
	var s snapshotFile
	err := json.Unmarshal(b, &s)
	return s, err
}

// ---- identities remembered per profile and endpoint ----

// identityFile maps "profile|region|endpoint" to the identity STS last
// returned for it, so the next start can show that account's cached fleet
// before any request has returned.
type identityFile map[string]identityEntry

type identityEntry struct {
	Account string    `json:"account"`
	ARN     string    `json:"arn,omitempty"`
	UserID  string    `json:"userId,omitempty"`
	Seen    time.Time `json:"seen"`
}

func identityKey(profile, region, endpoint string) string {
	if profile == "" {
		profile = "default"
	}
	return profile + "|" + region + "|" + endpoint
}

func identityPath(dir string) string { return filepath.Join(dir, "identities.json") }

func loadIdentity(dir, key string) (model.Identity, bool) {
	if dir == "" {
		return model.Identity{}, false
	}
	b, err := os.ReadFile(identityPath(dir))
	if err != nil {
		return model.Identity{}, false
	}
	var f identityFile
	if json.Unmarshal(b, &f) != nil {
		return model.Identity{}, false
	}
	e, ok := f[key]
	if !ok || len(e.Account) != 12 {
		return model.Identity{}, false
	}
	return model.Identity{Account: e.Account, ARN: e.ARN, UserID: e.UserID}, true
}

func saveIdentity(dir, key string, id model.Identity, now time.Time) error {
	if dir == "" {
		return nil
	}
	f := identityFile{}
	if b, err := os.ReadFile(identityPath(dir)); err == nil {
		_ = json.Unmarshal(b, &f)
	}
	if e, ok := f[key]; ok && e.Account == id.Account && e.ARN == id.ARN && now.Sub(e.Seen) < time.Hour {
		return nil
	}
	f[key] = identityEntry{Account: id.Account, ARN: id.ARN, UserID: id.UserID, Seen: now.UTC()}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(identityPath(dir), b)
}
