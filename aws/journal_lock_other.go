//go:build !unix

package aws

// Without flock, appends rely on O_APPEND alone and a dead process's
// intents are recognised only after the owner file is gone.
func lockFile(path string) (func(), error) { return func() {}, nil }

func tryLockFile(path string) (func(), bool) { return nil, false }
