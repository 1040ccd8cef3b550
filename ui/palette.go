package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/functions"
)

// command is one palette command.
type command struct {
	name string
	args string // argument hint
	desc string
}

var commands = []command{
	{"fn", "[name]", "functions list (filtered to name)"},
	{"alias", "", "aliases of the selected function"},
	{"esm", "", "event source mappings"},
	{"logs", "", "logs of the selected function"},
	{"metrics", "", "metrics of the selected function"},
	{"triage", "", "triage the region"},
	{"alarms", "[all|name|ARN]", "CloudWatch alarms in ALARM (all, or one by name or ARN)"},
	{"canaries", "", "what is shifting right now: every canary and deployment"},
	{"region", "<region>", "switch region"},
	{"profile", "<profile>", "switch profile"},
	{"view", "<name>", "one list over a config view's profiles and regions"},
	{"ctx", "[name]", "pick a view or profile"},
	{"invoke", "", "invoke the selected function"},
	{"concurrency", "", "account and function concurrency"},
	{"tune", "[function]", "power-tune memory (sizes, cost, chart)"},
	{"readonly", "", "refuse every change for the rest of the session"},
	{"q", "", "quit"},
}

// palette is the ":" command line with completion.
type palette struct {
	root  *Model
	input textinput.Model
}

func newPalette(root *Model) *palette {
	in := textinput.New()
	in.Prompt = ":"
	in.Placeholder = "command (tab completes)"
	in.SetVirtualCursor(true)
	return &palette{root: root, input: in}
}

func (p *palette) focus() tea.Cmd { return p.input.Focus() }

// Value is what has been typed.
func (p *palette) Value() string { return p.input.Value() }

// candidates returns completions for what has been typed.
func (p *palette) candidates() []string {
	v := p.input.Value()
	name, rest, hasArg := strings.Cut(v, " ")
	if !hasArg {
		var out []string
		for _, c := range commands {
			if strings.HasPrefix(c.name, name) && (p.root.scrns[c.name] != nil || !screenOnly[c.name]) {
				out = append(out, c.name)
			}
		}
		for n := range p.root.scrns {
			if strings.HasPrefix(n, name) && !known(n) {
				out = append(out, n)
			}
		}
		return out
	}
	rest = strings.TrimLeft(rest, " ")
	var pool []string
	switch name {
	case "region":
		pool = p.root.opts.Regions
		if len(pool) == 0 {
			pool = DefaultRegions
		}
	case "profile":
		pool = p.root.opts.Profiles
	case "fn":
		if f, ok := p.root.stack[0].pane.(*functions.Model); ok {
			return f.Names(rest, 8)
		}
	}
	var out []string
	for _, s := range pool {
		if strings.HasPrefix(s, rest) {
			out = append(out, s)
		}
	}
	return out
}

// screenOnly are commands that exist only when their screen is registered.
var screenOnly = map[string]bool{"invoke": true, "concurrency": true}

func known(n string) bool {
	for _, c := range commands {
		if c.name == n {
			return true
		}
	}
	return false
}

func (p *palette) complete() {
	cands := p.candidates()
	if len(cands) == 0 {
		return
	}
	v := p.input.Value()
	name, _, hasArg := strings.Cut(v, " ")
	pick := cands[0]
	if len(cands) > 1 {
		pick = commonPrefix(cands)
		cur := v
		if hasArg {
			_, cur, _ = strings.Cut(v, " ")
		}
		if len(pick) <= len(strings.TrimSpace(cur)) {
			pick = cands[0]
		}
	}
	if hasArg {
		p.input.SetValue(name + " " + pick)
	} else {
		p.input.SetValue(pick)
		if len(cands) == 1 {
			for _, c := range commands {
				if c.name == pick && c.args != "" {
					p.input.SetValue(pick + " ")
				}
			}
		}
	}
	p.input.CursorEnd()
}

func commonPrefix(ss []string) string {
	pre := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, pre) {
			pre = pre[:len(pre)-1]
		}
	}
	return pre
}

func (p *palette) update(msg tea.Msg) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch kp.String() {
		case "esc", "ctrl+c":
			p.root.pal = nil
			return nil
		case "tab":
			p.complete()
			return nil
		case "enter":
			p.root.pal = nil
			return p.root.runCommand(p.input.Value())
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (p *palette) view(w int) string {
	p.input.SetWidth(max(10, w-2))
	return ansi.Truncate(p.input.View(), w, "")
}

// completionView lists the candidates above the command line.
func (p *palette) completionView() string {
	cands := p.candidates()
	if len(cands) == 0 {
		return ""
	}
	st := p.root.st
	var lines []string
	_, _, hasArg := strings.Cut(p.input.Value(), " ")
	limit := max(4, p.root.h/2-2) // 10 at 24 rows, 28 at 60
	for i, c := range cands {
		if i == limit {
			lines = append(lines, st.Muted.Render("…"))
			break
		}
		line := " " + common.Clean(c)
		if !hasArg {
			for _, k := range commands {
				if k.name == c {
					line = " " + c + " " + k.args
					line += strings.Repeat(" ", max(1, 20-ansi.StringWidth(line))) + st.Muted.Render(k.desc)
				}
			}
		}
		lines = append(lines, ansi.Truncate(line+" ", p.root.w-2, "…"))
	}
	return st.Dialog.Padding(0).Render(strings.Join(lines, "\n"))
}

// runCommand executes a palette line such as "region eu-west-1".
func (m *Model) runCommand(line string) tea.Cmd {
	fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), ":"))
	if len(fields) == 0 {
		return nil
	}
	name, args := fields[0], fields[1:]
	if cmd, ok := m.runPairCommand(name, args); ok {
		return cmd // :region a,b  :profile p1,p2  :view  :ctx (pairs.go)
	}
	switch name {
	case "q", "quit":
		return m.quit(false)
	case "fn", "functions":
		return m.guardClose(1, "Back to the functions list anyway?", func() tea.Cmd {
			cmd := m.popTo(1)
			f, ok := m.stack[0].pane.(*functions.Model)
			if !ok {
				return cmd
			}
			q := strings.Join(args, " ")
			f.SetFilter(q)
			if fn, ok := f.Lookup(q); ok && len(args) == 1 {
				return tea.Batch(cmd, m.openFunction(fn, 0)) // an exact name opens it
			}
			return cmd
		})
	case "region":
		if len(args) != 1 {
			return m.setStatus("usage: :region <region>, e.g. :region eu-west-1", true)
		}
		if !m.knownRegion(args[0]) {
			return m.setStatus(fmt.Sprintf("unknown region %q (tab after :region completes the known ones)", args[0]), true)
		}
		return m.switchTo("", args[0])
	case "profile":
		if len(args) != 1 {
			return m.setStatus("usage: :profile <profile>", true)
		}
		if m.target.Sandbox {
			// the sandbox takes any credentials: a profile would change
			// nothing, so say so instead of claiming a switch
			return m.setStatus("not switched: the sandbox has no AWS profiles (:region works)", true)
		}
		return m.switchTo(args[0], "")
	case "readonly", "read-only":
		return m.setReadOnly()
	}
	if name == "alias" {
		name = "aliases"
	}
	return m.openScreen(name, args, true)
}
