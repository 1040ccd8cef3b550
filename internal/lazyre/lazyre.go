// Package lazyre is a regular expression compiled on first use instead of
// at package initialisation: every package's init runs before main, on
// the way to the first frame, and a pattern such as `[a-z]{1,512}`
// compiles into a program of thousands of instructions (about a
// millisecond) whether or not the program ever matches it.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp compiles its pattern the first time it is used. Safe for
// concurrent use, like *regexp.Regexp.
type Regexp struct {
	pattern string
	once    sync.Once
	re      *regexp.Regexp
}

// New returns the lazily compiled pattern; an invalid pattern panics on
// first use, as regexp.MustCompile would at init (tests cover each one).
func New(pattern string) *Regexp { return &Regexp{pattern: pattern} }

// Get returns the compiled expression.
func (r *Regexp) Get() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.pattern) })
	return r.re
}

// MatchString reports whether s matches.
func (r *Regexp) MatchString(s string) bool { return r.Get().MatchString(s) }

// ReplaceAllString is regexp.Regexp.ReplaceAllString.
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.Get().ReplaceAllString(src, repl)
}
