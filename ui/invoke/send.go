package invoke

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
)

func (m *Model) readOnly() bool {
	return m.deps.Fleet == nil || m.deps.Fleet.Target().Protection == model.ReadOnly
}

func (m *Model) requestSend() tea.Cmd {
	if m.readOnly() {
		return m.say("read-only mode: invoking is refused; nothing was sent", true)
	}
	if m.inflight {
		return m.say("an invocation is already running", true)
	}
	payload := m.Payload()
	m.revalidate()
	if why := Check(payload, m.Type()); why != "" {
		return m.say(why, true)
	}
	req := model.InvokeRequest{Function: m.fn.Name, Type: m.Type(), Payload: append([]byte(nil), payload...)}
	if q := m.Qualifier(); q != "$LATEST" {
		req.Qualifier = q
	}
	yes := func() tea.Msg { return confirmedMsg{req: req} }
	if req.Type == model.DryRun {
		return m.send(req) // checks permissions and input, runs nothing
	}
	t := target(m.fn.Name, m.Qualifier())
	body := fmt.Sprintf("%s, %s payload\nThe function runs for real: its side effects happen.", req.Type, size(len(req.Payload)))
	if req.Type == model.Event {
		body += "\nAsynchronous: retries and destinations apply."
	}
	return common.OpenDialog(dialog.Confirm(m.st, m.km.Confirm, dialog.ConfirmOptions{
		Title:     "Invoke " + t + "?",
		Body:      body,
		Protected: m.deps.Fleet.Target().Protection == model.Protected,
		Name:      m.fn.Name,
		Yes:       yes,
	}))
}

func (m *Model) send(req model.InvokeRequest) tea.Cmd {
	if m.readOnly() {
		return m.say("read-only mode: invoking is refused; nothing was sent", true)
	}
	if why := Check(req.Payload, req.Type); why != "" {
		return m.say(why, true)
	}
	ctx, gen := m.req.Start(kindInvoke)
	m.inflight = true
	m.notice = ""
	fleet, now := m.deps.Fleet, m.deps.Now
	if now == nil {
		now = time.Now
	}
	q := req.Qualifier
	if q == "" {
		q = "$LATEST"
	}
	return tea.Batch(common.Status("invoking "+target(req.Function, q)+"…", false), func() tea.Msg {
		c, cancel := context.WithTimeout(ctx, 16*time.Minute)
		defer cancel()
		res, err := fleet.Invoke(c, req)
		return invokedMsg{gen: gen, entry: Entry{At: now(), Function: req.Function, Qualifier: q,
			Type: req.Type, Size: len(req.Payload), Payload: req.Payload, Result: res, Err: err}}
	})
}

type qualMsg struct{ q string }

func (m *Model) promptQualifier() tea.Cmd {
	quals := append([]string(nil), m.quals...)
	ph := strings.Join(quals[:min(len(quals), 6)], ", ")
	if len(quals) > 6 {
		ph += ", …"
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       "Qualifier",
		Placeholder: ph,
		Validate: func(s string) error {
			if !contains(quals, strings.TrimSpace(s)) {
				return fmt.Errorf("not a version or alias of %s", m.fn.Name)
			}
			return nil
		},
		Submit: func(s string) tea.Cmd {
			q := strings.TrimSpace(s)
			return func() tea.Msg { return qualMsg{q: q} }
		},
	}))
}

func (m *Model) promptSave() tea.Cmd {
	if m.big != nil {
		return m.say("the payload is too large to save as a test event", true)
	}
	if e := Validate(m.Payload()); e != nil {
		return m.say("not saved: the payload is not valid JSON at "+e.Error(), true)
	}
	ev, fn, payload := m.opt.Events, m.fn.Name, m.Payload()
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       "Save test event for " + fn,
		Placeholder: "event name",
		Validate:    ValidName,
		Await:       true, // writing the file may fail: the prompt shows why
		Submit: func(name string) tea.Cmd {
			return func() tea.Msg { return savedMsg{name: name, err: ev.Save(fn, name, payload)} }
		},
	}))
}

func (m *Model) promptLoad() tea.Cmd {
	title := "Load a test event or a file"
	ph := "file path"
	if len(m.saved) > 0 {
		ph = "saved: " + strings.Join(m.saved, ", ") + " — or a file path"
	}
	return common.OpenDialog(dialog.Prompt(m.st, m.km.Confirm, dialog.PromptOptions{
		Title:       title,
		Placeholder: ph,
		Validate: func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New("type a saved event's name or a file path")
			}
			return nil
		},
		Await: true, // reading the file may fail: the prompt shows why and stays
		Submit: func(s string) tea.Cmd {
			path := strings.TrimSpace(s)
			return func() tea.Msg { return loadMsg{path: path} }
		},
	}))
}

// load reads a saved event or a file in a command; its result is dropped if
// the payload changes first (see Update).
func (m *Model) load(s string) tea.Cmd {
	ev, fn := m.opt.Events, m.fn.Name
	_, gen := m.req.Start(kindLoad)
	return tea.Batch(common.Status("loading "+s+"…", false), func() tea.Msg {
		if ValidName(s) == nil && !strings.ContainsAny(s, `/\`) {
			if b, err := ev.Load(fn, s); err == nil {
				return loadedMsg{gen: gen, name: s, data: b}
			}
		}
		b, err := ReadFile(s)
		return loadedMsg{gen: gen, name: filepath.Base(s), data: b, err: err}
	})
}
