// Package flowtest holds the end-to-end flow of the canary cockpit through
// the whole program (function list → function view → Aliases tab) against
// the sandbox. It is a separate package so the pane's own tests do not
// depend on every other pane the root links in.
package flowtest
