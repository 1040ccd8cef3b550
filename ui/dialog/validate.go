package dialog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Validators for PromptOptions.Validate, so every prompt words the same
// mistake the same way.

// Required refuses an empty (or blank) answer: "a reason is required".
func Required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what + " is required")
		}
		return nil
	}
}

// IntIn accepts a whole number from lo to hi (spaces around it allowed).
func IntIn(lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("a whole number from %d to %d", lo, hi)
		}
		return nil
	}
}
