// Package ui is the Bubble Tea v2 program: the root model routes input by
// mode (dialog, text input, global keys, focused pane) and delivers async
// results only to the pane they are addressed to. Each pane lives in its own
// sub-package; dialogs return typed actions; styles come from ui/styles.
//
// # Routing
//
// Update is a short dispatcher:
//
//   - tea.WindowSizeMsg: the layout (header, body, footer) is recomputed and
//     every pane on the stack gets SetSize;
//   - tea.BackgroundColorMsg: the styles are rebuilt in place (unless the
//     config forces a theme or NO_COLOR is set);
//   - keys go to the open dialog, else the palette, else the help overlay,
//     else the focused pane when it captures input (a filter), else the
//     global keys (? : q ctrl+c esc r), else the focused pane;
//   - common.PaneMsg envelopes are unwrapped (they nest: the function view
//     wraps its tabs) and delivered to that pane only; a result for a pane
//     that has closed is dropped. Root-level messages (StatusMsg, JobMsg,
//     OpenDialogMsg, OpenFunctionMsg, OpenScreenMsg, BackMsg) are handled
//     here at any depth, and the opener's address is remembered so a
//     dialog's ActionRun command goes back to the pane that opened it.
//
// # Jobs
//
// A JobMsg belongs to the stack screen whose envelope carried it (a canary
// plan in the Aliases tab belongs to its function view). When that screen
// closes, its jobs stop with it: they leave the footer and q no longer
// asks about them, and a late report from the closed screen is dropped.
// Closing a screen that owns a running Blocking job (esc, :fn, :region,
// :profile, :readonly, reopening the function below it) asks first, as q
// does, and says which jobs would stop.
//
// # Plugging in a pane
//
// A function-view tab exports New(deps, st, km, fn) *Model implementing
// common.Pane; add it to DefaultTabs (or pass Options.Tabs). A full-screen
// pane opened from the palette (":triage", ":esm", ":logs", ":invoke",
// ":concurrency") exports a common.ScreenMaker; add it to DefaultScreens
// (or Options.Screens) under its command name. Panes may implement
// common.InputCapturer, BackHandler, Titled, Closer, Fitted and FullHelper,
// and call common.Clean on text from AWS before styling it. They reach
// AWS only through common.Deps inside tea.Cmd closures that capture locals,
// tag results with a generation and drop stale ones.
//
// Run wraps the program: a panic restores the terminal and writes a crash
// report under the XDG state directory (no credentials, no environment).
package ui
