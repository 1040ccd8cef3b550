// Package dialog holds the shared modal dialogs: a confirmation that
// accepts y and refuses n or esc (and, on protected targets, asks for the
// target's name to be typed), and a one-line text prompt. Dialogs never
// perform their action: they return common.ActionRun with the command the
// opener gave them, and the root runs it (addressed back to the opener).
//
// The contract on errors: an error keeps the dialog open with the error
// inline, so the keys typed next still go to the dialog. A check that needs
// the opener's state goes in Accept (run in Update, before the dialog
// closes); a check that needs I/O uses Await: the dialog stays open until the
// opener answers with common.Resolve(err).
//
// Typical use from a pane:
//
//	return common.OpenDialog(dialog.Confirm(st, km.Confirm, dialog.ConfirmOptions{
//		Title: "Shift traffic", Body: "payments-api:live 10% → v8",
//		Protected: deps.Fleet.Target().Protection == model.Protected,
//		Name: "payments-api:live", Yes: doShiftCmd,
//	}))
package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// ConfirmOptions describe a confirmation.
type ConfirmOptions struct {
	Title string
	Body  string // may be several lines
	// Protected asks for Name to be typed instead of accepting y.
	Protected bool
	Name      string
	// Why says why the name must be typed (default "PROTECTED", the
	// profile's protection); a change dangerous on any profile says what
	// it does instead.
	Why string
	// Yes runs when the user accepts; No (optional) when they refuse.
	Yes tea.Cmd
	No  tea.Cmd
	// Accept (optional, instead of Yes) decides when the user accepts: an
	// error is shown in the dialog, which stays open.
	Accept func() (tea.Cmd, error)
}

// ConfirmFor builds a confirmation that asks for opt.Name to be typed when
// target is protected (the usual way panes confirm a change).
func ConfirmFor(st *styles.Styles, km keymap.Confirm, target model.Target, opt ConfirmOptions) *ConfirmDialog {
	if target.Protection == model.Protected && opt.Name != "" {
		opt.Protected = true
	}
	return Confirm(st, km, opt)
}

// ConfirmDialog is a yes/no (or type-the-name) confirmation.
type ConfirmDialog struct {
	st    *styles.Styles
	km    keymap.Confirm
	opt   ConfirmOptions
	input textinput.Model
	wrong bool
	err   error
}

// ShowError implements common.ErrorShower.
func (d *ConfirmDialog) ShowError(err error) { d.err = err }

// Err is the error shown in the dialog, if any.
func (d *ConfirmDialog) Err() error { return d.err }

func (d *ConfirmDialog) accept() (common.Action, tea.Cmd) {
	if d.opt.Accept == nil {
		return common.ActionRun{Cmd: d.opt.Yes}, nil
	}
	cmd, err := d.opt.Accept()
	if err != nil {
		d.err = err
		return common.ActionNone{}, nil
	}
	return common.ActionRun{Cmd: cmd}, nil
}

// Confirm builds a confirmation dialog.
func Confirm(st *styles.Styles, km keymap.Confirm, opt ConfirmOptions) *ConfirmDialog {
	d := &ConfirmDialog{st: st, km: km, opt: opt}
	if opt.Protected {
		d.input = textinput.New()
		d.input.Prompt = "> "
		d.input.Placeholder = "type the name"
		d.input.SetVirtualCursor(true)
		d.input.Focus()
	}
	return d
}

// ID implements common.Dialog.
func (d *ConfirmDialog) ID() string { return "confirm" }

func (d *ConfirmDialog) refuse() (common.Action, tea.Cmd) {
	if d.opt.No != nil {
		return common.ActionRun{Cmd: d.opt.No}, nil
	}
	return common.ActionClose{}, nil
}

// Update implements common.Dialog.
func (d *ConfirmDialog) Update(msg tea.Msg) (common.Action, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if d.opt.Protected {
			var cmd tea.Cmd
			d.input, cmd = d.input.Update(msg)
			return common.ActionNone{}, cmd
		}
		return common.ActionNone{}, nil
	}
	if key.Matches(kp, d.km.Cancel) {
		return d.refuse()
	}
	if !d.opt.Protected {
		switch {
		case key.Matches(kp, d.km.Yes):
			return d.accept()
		case key.Matches(kp, d.km.No):
			return d.refuse()
		}
		return common.ActionNone{}, nil
	}
	if key.Matches(kp, d.km.Submit) {
		if strings.TrimSpace(d.input.Value()) == d.opt.Name {
			return d.accept()
		}
		d.wrong = true
		return common.ActionNone{}, nil
	}
	d.wrong = false
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return common.ActionNone{}, cmd
}

// View implements common.Dialog.
func (d *ConfirmDialog) View(width, height int) string {
	// as wide as the longest line needs (up to 80 and the screen), then
	// long lines wrap; the body never runs off the screen
	frame := d.st.Dialog.GetHorizontalFrameSize()
	need := ansi.StringWidth(d.opt.Title)
	for _, line := range strings.Split(d.opt.Body, "\n") {
		need = max(need, ansi.StringWidth(line))
	}
	w := min(max(40, width*2/3, need+frame), width-4, 80)
	inner := w - frame
	var b strings.Builder
	b.WriteString(d.st.Title.Render(ansi.Truncate(d.opt.Title, inner, "…")))
	b.WriteString("\n\n")
	var body []string
	for _, line := range strings.Split(d.opt.Body, "\n") {
		body = append(body, strings.Split(ansi.Wrap(line, inner, " "), "\n")...)
	}
	if room := max(1, height-10); len(body) > room {
		body = append(body[:room-1], "…")
	}
	for _, line := range body {
		b.WriteString(line)
		b.WriteString("\n")
	}
	b.WriteString("\n")
	if d.err != nil {
		b.WriteString(d.st.Error.Render(ansi.Wrap(d.err.Error(), inner, " ")))
		b.WriteString("\n")
	}
	if d.opt.Protected {
		why := d.opt.Why
		if why == "" {
			why = "PROTECTED"
		}
		b.WriteString(d.st.Warn.Render(why + ": type " + d.opt.Name + " to confirm"))
		b.WriteString("\n")
		d.input.SetWidth(inner - 3)
		b.WriteString(d.input.View())
		b.WriteString("\n")
		if d.wrong {
			b.WriteString(d.st.Error.Render("that is not the name; nothing was changed"))
			b.WriteString("\n")
		}
		b.WriteString(d.st.Muted.Render("enter confirm • esc cancel"))
	} else {
		b.WriteString(d.st.Muted.Render("y confirm • n/esc cancel"))
	}
	return d.st.Dialog.Width(w).Render(b.String())
}

// HelpKeys implements common.Dialog.
func (d *ConfirmDialog) HelpKeys() []key.Binding {
	if d.opt.Protected {
		return []key.Binding{d.km.Submit, d.km.Cancel}
	}
	return []key.Binding{d.km.Yes, d.km.No, d.km.Cancel}
}

// PromptOptions describe a one-line text prompt.
type PromptOptions struct {
	Title       string
	Placeholder string
	Value       string
	// Validate returns an error shown under the input; nil accepts.
	Validate func(string) error
	// Submit builds the command to run with the accepted value.
	Submit func(string) tea.Cmd
	// Accept (optional, instead of Submit) decides in Update with the
	// opener's state: an error is shown under the input and the prompt stays.
	Accept func(string) (tea.Cmd, error)
	// Await keeps the prompt open after Submit until the opener answers
	// with common.Resolve (for checks that need I/O, such as reading a file).
	Await bool
}

// PromptDialog is a one-line text prompt.
type PromptDialog struct {
	st      *styles.Styles
	km      keymap.Confirm
	opt     PromptOptions
	input   textinput.Model
	err     error
	waiting bool // submitted with Await: the opener has not answered yet
}

// ShowError implements common.ErrorShower: the answer to an awaited submit.
func (d *PromptDialog) ShowError(err error) { d.err, d.waiting = err, false }

// Err is the error shown under the input, if any.
func (d *PromptDialog) Err() error { return d.err }

// Value is what has been typed.
func (d *PromptDialog) Value() string { return d.input.Value() }

// Prompt builds a prompt dialog.
func Prompt(st *styles.Styles, km keymap.Confirm, opt PromptOptions) *PromptDialog {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = opt.Placeholder
	in.SetValue(opt.Value)
	in.SetVirtualCursor(true)
	in.Focus()
	return &PromptDialog{st: st, km: km, opt: opt, input: in}
}

// ID implements common.Dialog.
func (d *PromptDialog) ID() string { return "prompt" }

// Update implements common.Dialog.
func (d *PromptDialog) Update(msg tea.Msg) (common.Action, tea.Cmd) {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, d.km.Cancel):
			return common.ActionClose{}, nil
		case d.waiting:
			return common.ActionNone{}, nil // the opener is checking the value
		case key.Matches(kp, d.km.Submit):
			v := d.input.Value()
			if d.opt.Validate != nil {
				if err := d.opt.Validate(v); err != nil {
					d.err = err
					return common.ActionNone{}, nil
				}
			}
			if d.opt.Accept != nil {
				cmd, err := d.opt.Accept(v)
				if err != nil {
					d.err = err
					return common.ActionNone{}, nil
				}
				return common.ActionRun{Cmd: cmd}, nil
			}
			if d.opt.Submit == nil {
				return common.ActionClose{}, nil
			}
			if d.opt.Await {
				d.waiting, d.err = true, nil
				return common.ActionAwait{Cmd: d.opt.Submit(v)}, nil
			}
			return common.ActionRun{Cmd: d.opt.Submit(v)}, nil
		}
		d.err = nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return common.ActionNone{}, cmd
}

// View implements common.Dialog.
func (d *PromptDialog) View(width, height int) string {
	w := min(max(40, width/2), width-4, 80)
	inner := w - d.st.Dialog.GetHorizontalFrameSize()
	d.input.SetWidth(inner - 3)
	parts := []string{d.st.Title.Render(ansi.Truncate(d.opt.Title, inner, "…")), "", d.input.View()}
	switch {
	case d.waiting:
		parts = append(parts, d.st.Muted.Render("checking…"))
	case d.err != nil:
		parts = append(parts, d.st.Error.Render(ansi.Wrap(d.err.Error(), inner, " ")))
	}
	parts = append(parts, d.st.Muted.Render("enter submit • esc cancel"))
	return d.st.Dialog.Width(w).Render(lipgloss.JoinVertical(lipgloss.Left, parts...))
}

// HelpKeys implements common.Dialog.
func (d *PromptDialog) HelpKeys() []key.Binding { return []key.Binding{d.km.Submit, d.km.Cancel} }

var (
	_ common.Dialog      = (*ConfirmDialog)(nil)
	_ common.Dialog      = (*PromptDialog)(nil)
	_ common.ErrorShower = (*ConfirmDialog)(nil)
	_ common.ErrorShower = (*PromptDialog)(nil)
)
