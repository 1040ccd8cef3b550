package dialog

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/styles"
)

type yesMsg struct{}
type noMsg struct{}

func k(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

func confirm(protected bool) *ConfirmDialog {
	return Confirm(styles.NewPlain(), keymap.Default().Confirm, ConfirmOptions{
		Title: "Shift traffic", Body: "payments:live 10% → v8", Protected: protected, Name: "payments:live",
		Yes: func() tea.Msg { return yesMsg{} }, No: func() tea.Msg { return noMsg{} },
	})
}

func ran(t *testing.T, a common.Action) tea.Msg {
	t.Helper()
	r, ok := a.(common.ActionRun)
	if !ok {
		t.Fatalf("action %T, want ActionRun", a)
	}
	return r.Cmd()
}

func TestConfirmYesNoEsc(t *testing.T) {
	a, _ := confirm(false).Update(k("y"))
	if _, ok := ran(t, a).(yesMsg); !ok {
		t.Fatal("y did not accept")
	}
	for _, key := range []string{"n", "esc"} {
		a, _ = confirm(false).Update(k(key))
		if _, ok := ran(t, a).(noMsg); !ok {
			t.Fatalf("%s did not refuse", key)
		}
	}
	a, _ = confirm(false).Update(k("x"))
	if _, ok := a.(common.ActionNone); !ok {
		t.Fatal("other keys must do nothing")
	}
}

func TestProtectedNeedsTheName(t *testing.T) {
	d := confirm(true)
	if a, _ := d.Update(k("y")); !isNone(a) {
		t.Fatal("y accepted on a protected target")
	}
	if a, _ := d.Update(k("enter")); !isNone(a) {
		t.Fatal("a wrong name was accepted")
	}
	if !strings.Contains(ansi.Strip(d.View(80, 24)), "not the name") {
		t.Fatal("no message for a wrong name")
	}
	d = confirm(true)
	for _, r := range "payments:live" {
		d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	a, _ := d.Update(k("enter"))
	if _, ok := ran(t, a).(yesMsg); !ok {
		t.Fatal("the typed name was not accepted")
	}
	d = confirm(true)
	a, _ = d.Update(k("esc"))
	if _, ok := ran(t, a).(noMsg); !ok {
		t.Fatal("esc did not refuse")
	}
}

func isNone(a common.Action) bool { _, ok := a.(common.ActionNone); return ok }

func TestPromptValidates(t *testing.T) {
	var got string
	p := Prompt(styles.NewPlain(), keymap.Default().Confirm, PromptOptions{
		Title: "Reserved concurrency",
		Validate: func(s string) error {
			if s == "" {
				return errors.New("a number, please")
			}
			return nil
		},
		Submit: func(s string) tea.Cmd { got = s; return func() tea.Msg { return yesMsg{} } },
	})
	if a, _ := p.Update(k("enter")); !isNone(a) || !strings.Contains(ansi.Strip(p.View(80, 24)), "a number, please") {
		t.Fatal("empty value accepted")
	}
	p.Update(k("4"))
	p.Update(k("2"))
	a, _ := p.Update(k("enter"))
	if _, ok := ran(t, a).(yesMsg); !ok || got != "42" {
		t.Fatalf("submit got %q", got)
	}
	if a, _ := Prompt(styles.NewPlain(), keymap.Default().Confirm, PromptOptions{}).Update(k("esc")); a != (common.ActionClose{}) {
		t.Fatal("esc did not close the prompt")
	}
}

func TestConfirmForProtectedTarget(t *testing.T) {
	d := ConfirmFor(styles.NewPlain(), keymap.Default().Confirm, model.Target{Protection: model.Protected}, ConfirmOptions{Name: "f:live"})
	if !d.opt.Protected {
		t.Fatal("protected target without typed confirmation")
	}
	d = ConfirmFor(styles.NewPlain(), keymap.Default().Confirm, model.Target{Protection: model.Writable}, ConfirmOptions{Name: "f:live"})
	if d.opt.Protected {
		t.Fatal("writable target asks for the name")
	}
}

func TestValidators(t *testing.T) {
	if err := Required("a reason")("  "); err == nil || err.Error() != "a reason is required" {
		t.Fatalf("%v", err)
	}
	if Required("a reason")(" INC-1 ") != nil {
		t.Fatal("a reason refused")
	}
	in := IntIn(1, 10)
	for _, ok := range []string{"1", " 10 ", "5"} {
		if in(ok) != nil {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "0", "11", "x", "1.5"} {
		if err := in(bad); err == nil || err.Error() != "a whole number from 1 to 10" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
