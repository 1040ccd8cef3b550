// Package hostile holds no code: its tests feed lambdaops a hostile
// environment and check it holds. Terminals shrunk to 20×5 and resize
// storms, pasted 10 MB payloads, ANSI escapes and control characters inside
// function names, tags, environment values and log lines (rendered inert),
// config files with errors (a message naming the line), and secrets (access
// keys, session tokens, environment values) kept out of debug logs, the
// journal, crash reports and the screen unless revealed.
//
// It lives under ui/ only so that it may use ui/internal/fake.
package hostile
