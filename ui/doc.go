// Package ui is the Bubble Tea v2 program: the root model routes input by
// mode (dialog, text input, global keys, focused pane) and delivers async
// results only to the pane they are addressed to. Each pane lives in its own
// sub-package; dialogs return typed actions; styles come from ui/styles.
package ui
