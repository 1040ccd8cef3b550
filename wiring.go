package main

import (
	"context"
	"errors"
	"io"
)

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("sandbox: not wired yet")
}

func runTUI(ctx context.Context, o options, stderr io.Writer) error {
	return errors.New("the TUI is not wired yet")
}
