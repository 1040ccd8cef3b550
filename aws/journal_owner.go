package aws

import (
	"os"
	"path/filepath"
	"sync"
)

// Each process that writes intents holds an exclusive lock on
// owners/<id>.lock next to the journal for as long as it lives. The kernel
// drops the lock when the process dies, even under kill -9, so a later
// start can tell an intent left by a dead process (lock free) from one a
// running process is still carrying out (lock held).
var (
	ownerMu   sync.Mutex
	ownerIDs  = map[string]string{} // journal dir → this process's owner id
	ownerKeep []func()              // held for the life of the process
)

func ownersDir(dir string) string { return filepath.Join(dir, "owners") }

func processOwner(dir string) (string, error) {
	ownerMu.Lock()
	defer ownerMu.Unlock()
	if id := ownerIDs[dir]; id != "" {
		return id, nil
	}
	if err := os.MkdirAll(ownersDir(dir), 0o700); err != nil {
		return "", err
	}
	id := newID()
	release, err := lockFile(filepath.Join(ownersDir(dir), id+".lock"))
	if err != nil {
		return "", err
	}
	ownerKeep = append(ownerKeep, release)
	ownerIDs[dir] = id
	return id, nil
}

// isOwnProcess says whether owner is this process.
func isOwnProcess(dir, owner string) bool {
	ownerMu.Lock()
	defer ownerMu.Unlock()
	return ownerIDs[dir] == owner
}

// claimDeadOwner locks a dead owner's file, so that only one reconciling
// process handles its intents. ok is false while the owner lives or when
// another process has claimed it. done releases the claim; with remove it
// also deletes the file (every intent of the owner is settled). A missing
// file means the owner was settled before, or, without flock, is dead.
func claimDeadOwner(dir, owner string) (done func(remove bool), ok bool) {
	if owner == "" || isOwnProcess(dir, owner) {
		return nil, false
	}
	p := filepath.Join(ownersDir(dir), owner+".lock")
	if _, err := os.Stat(p); os.IsNotExist(err) {
		return func(bool) {}, true
	}
	release, ok := tryLockFile(p)
	if !ok {
		return nil, false
	}
	return func(remove bool) {
		if remove {
			_ = os.Remove(p)
		}
		release()
	}, true
}
