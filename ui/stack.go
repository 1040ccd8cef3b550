package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/functions"
)

// ---- stack: the screens, opening and closing them, : commands that replace the top-level view ----

// back lets the focused pane use esc, else closes it (never the last
// one), asking first when that would stop a running blocking job.
func (m *Model) back() tea.Cmd {
	if bh, ok := m.Focused().(common.BackHandler); ok && bh.Back() {
		return nil
	}
	if len(m.stack) <= 1 {
		return nil
	}
	top := len(m.stack) - 1
	id := m.stack[top].id
	return m.guardClose(top, "Close "+m.screenTitle(top)+" anyway?", func() tea.Cmd {
		if m.stack[len(m.stack)-1].id != id {
			return nil // something else closed it meanwhile
		}
		return m.pop()
	})
}

// pop closes the top screen (never the last one).
func (m *Model) pop() tea.Cmd {
	if len(m.stack) <= 1 {
		return nil
	}
	top := m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
	return m.stopped(m.closeScreen(top))
}

// popTo closes screens until n remain.
func (m *Model) popTo(n int) tea.Cmd {
	var stopped []string
	for len(m.stack) > max(1, n) {
		top := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		stopped = append(stopped, m.closeScreen(top)...)
	}
	return m.stopped(stopped)
}

// closeScreen stops s's in-flight work and drops the jobs it owned (they
// stopped with it); it returns the labels of blocking jobs that stopped.
func (m *Model) closeScreen(s screen) []string {
	if c, ok := s.pane.(common.Closer); ok {
		c.Close()
	}
	var stopped []string
	kept := m.jobs[:0]
	for _, j := range m.jobs {
		if j.owner == s.id {
			if j.Blocking && !j.Done {
				stopped = append(stopped, j.Label)
			}
			continue
		}
		kept = append(kept, j)
	}
	m.jobs = kept
	return stopped
}

func (m *Model) stopped(labels []string) tea.Cmd {
	if len(labels) == 0 {
		return nil
	}
	return m.setStatus("stopped: "+strings.Join(labels, "; "), true)
}

// screenIndex is the stack index of id, or -1.
func (m *Model) screenIndex(id common.PaneID) int {
	for i, s := range m.stack {
		if s.id == id {
			return i
		}
	}
	return -1
}

func (m *Model) screenTitle(i int) string {
	if t, ok := m.stack[i].pane.(common.Titled); ok && t.Title() != "" {
		return t.Title()
	}
	return "this view"
}

// guardClose runs then at once unless closing the screens from stack
// index from upwards would stop a running blocking job (a canary plan):
// then it asks first, the way q does, and runs then only on y.
func (m *Model) guardClose(from int, title string, then func() tea.Cmd) tea.Cmd {
	running := m.blockingJobs(from)
	if len(running) == 0 {
		return then()
	}
	m.dialogs = append(m.dialogs, openDialog{d: dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title: title,
		Body:  "This stops:\n  " + strings.Join(running, "\n  ") + "\nA stopped canary plan leaves traffic where it is now.",
		Yes:   func() tea.Msg { return confirmedMsg{run: then} },
	})})
	return nil
}

func (m *Model) push(id common.PaneID, p common.Pane) tea.Cmd {
	bw, bh := m.bodySize()
	p.SetSize(bw, bh)
	m.stack = append(m.stack, screen{id: id, pane: p})
	return common.Wrap(id, p.Init())
}

func (m *Model) newID(prefix string) common.PaneID {
	m.nextID++
	return common.PaneID(fmt.Sprintf("%s#%d", prefix, m.nextID))
}

func (m *Model) openFunction(fn model.Function, tab int) tea.Cmd {
	// reuse an open view of the same function
	for i := len(m.stack) - 1; i >= 1; i-- {
		if v, ok := m.stack[i].pane.(*fnview.Model); ok && sameFunction(v.Function(), fn) {
			id := m.stack[i].id
			return m.guardClose(i+1, "Close "+m.screenTitle(len(m.stack)-1)+" anyway?", func() tea.Cmd {
				if i = m.screenIndex(id); i < 0 {
					return nil
				}
				return tea.Batch(m.popTo(i+1), common.Wrap(id, v.Show(tab)))
			})
		}
	}
	v := fnview.New(m.depsFor(fn), m.st, m.km, fn, m.tabs)
	id := m.newID("fn")
	cmd := m.push(id, v)
	if tab > 0 {
		cmd = tea.Batch(cmd, common.Wrap(id, v.Show(tab)))
	}
	return cmd
}

// context function: the open function view's, else the selected row's.
func (m *Model) contextFunction() (model.Function, bool) {
	for i := len(m.stack) - 1; i >= 0; i-- {
		switch p := m.stack[i].pane.(type) {
		case *fnview.Model:
			return p.Function(), true
		case *functions.Model:
			return p.Selected()
		}
	}
	return model.Function{}, false
}

var screenTabs = map[string]int{"config": 0, "alias": 1, "aliases": 1, "esm": 2, "logs": 3, "metrics": 4}

// openScreen opens a registered screen, or the function view's tab of that
// name. From the palette (replace) it replaces the top-level view, as in
// k9s; from a pane's key (i, R, C in the function view) it stacks on it, so
// esc returns to where the key was pressed.
func (m *Model) openScreen(name string, args []string, replace bool) tea.Cmd {
	sc := common.ScreenContext{Args: args, Target: m.target}
	for _, j := range m.jobs {
		if !j.Done {
			sc.Jobs = append(sc.Jobs, j.ID)
		}
	}
	fn, hasFn := m.contextFunction()
	if hasFn {
		sc.Function = &fn
	}
	if mk, ok := m.scrns[name]; ok {
		p, err := mk(m.screenDeps(name, &sc), m.st, m.km, sc)
		if err != nil {
			return m.setStatus(":"+name+": "+err.Error(), true)
		}
		pair := m.screenPair(name, sc)
		if !replace {
			cmd := m.push(m.newID(name), p)
			m.markPair(pair)
			return cmd
		}
		// as in k9s, a : command replaces the top-level view instead of
		// stacking on it: esc from it goes home, to the functions list
		return m.guardClose(1, "Open :"+name+" anyway?", func() tea.Cmd {
			pop := m.popTo(1)
			cmd := m.push(m.newID(name), p)
			m.markPair(pair)
			return tea.Batch(pop, cmd)
		})
	}
	if tab, ok := screenTabs[name]; ok {
		if !hasFn {
			return m.setStatus(":"+name+": select a function first", true)
		}
		if !replace {
			return m.openFunction(fn, tab)
		}
		for i := 1; i < len(m.stack); i++ {
			if v, ok := m.stack[i].pane.(*fnview.Model); ok && v.Function().Name == fn.Name {
				return m.openFunction(fn, tab) // that function's view is open: go back to it
			}
		}
		return m.guardClose(1, "Open :"+name+" anyway?", func() tea.Cmd {
			return tea.Batch(m.popTo(1), m.openFunction(fn, tab))
		})
	}
	if known(name) {
		return m.setStatus(":"+name+" is not available in this build", true)
	}
	return m.setStatus(fmt.Sprintf(":%s is not a command (: then tab lists them)", name), true)
}
