// Package invoke is the invoke pane: a JSON payload editor (validation
// that points at the line and column, pretty-printing, event templates,
// test events saved per function in the XDG config dir, loading a file), a
// qualifier and invocation-type picker, and the result of each invocation:
// status, executed version, function error with its stack trace, the
// response pretty-printed, the decoded log tail and its REPORT line parsed
// into duration, billed duration, memory, init duration and cost. Earlier
// results stay in a per-function history.
//
// Nothing is sent before the payload is valid JSON, within the size limit
// of its invocation type (6 MB sync, 1 MB async) and confirmed; read-only
// mode refuses with no request. AWS is reached only from tea.Cmd closures
// that capture locals; results carry a generation; Close cancels.
package invoke

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/textfit"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Types are the invocation types ctrl+y cycles through.
var Types = []model.InvocationType{model.RequestResponse, model.Event, model.DryRun}

// editLimit is the largest payload kept in the editor; bigger ones (loaded
// from a file) are held as they are and shown as a summary.
const editLimit = 256 << 10

// Options tune the pane.
type Options struct {
	Events  Events   // where test events live (default: the XDG config dir)
	History *History // shared history (default: a new one)
	Prices  model.Prices
}

// Model is the invoke pane.
type Model struct {
	deps common.Deps
	st   *styles.Styles
	km   keymap.KeyMap
	fn   model.Function
	opt  Options

	editor  textarea.Model
	editing bool
	big     []byte // payload too large for the editor (from a file)
	bigName string
	jsonErr *JSONError
	lastVal string

	quals []string
	qi    int
	ti    int
	tmpl  int // last template applied, -1 none
	saved []string

	hist    []Entry
	hi      int // shown entry (index into hist)
	scroll  int
	notice  string
	noticeE bool

	inflight bool
	req      request.Tracker // kinds: kindQuals, kindLoad, kindInvoke

	w, h  int
	cache struct {
		key   string
		lines []string
	}
}

// Messages.
type (
	qualsMsg struct {
		gen   uint64
		quals []string
		err   error
	}
	savedListMsg struct{ names []string }
	savedMsg     struct {
		name string
		err  error
	}
	// loadMsg asks the pane to load a saved event or a file (the load
	// dialog's submit); the pane starts the request, so it can supersede it.
	loadMsg   struct{ path string }
	loadedMsg struct {
		gen  uint64
		name string
		data []byte
		err  error
	}
	confirmedMsg struct{ req model.InvokeRequest }
	invokedMsg   struct {
		gen   uint64
		entry Entry
	}
)

// New builds the invoke pane for fn.
func New(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function, opt Options) *Model {
	if opt.Events.Dir == "" {
		opt.Events = DefaultEvents()
	}
	if opt.History == nil {
		opt.History = NewHistory()
	}
	if opt.Prices == (model.Prices{}) {
		opt.Prices = model.DefaultPrices
	}
	m := &Model{deps: deps, st: st, km: km, fn: fn, opt: opt, tmpl: -1, quals: []string{"$LATEST"}}
	ta := textarea.New()
	ta.ShowLineNumbers = true
	ta.Prompt = ""
	ta.MaxHeight = 0
	ta.MaxContentHeight = 100000
	ta.CharLimit = 0
	ta.SetVirtualCursor(true)
	s := textarea.DefaultStyles(st.IsDark)
	s.Focused.CursorLine = lipgloss.NewStyle()
	s.Focused.LineNumber = st.Muted
	s.Focused.CursorLineNumber = st.Accent
	s.Blurred.LineNumber = st.Muted
	s.Blurred.CursorLineNumber = st.Muted
	s.Cursor.Blink = false // a static cursor: no blink ticks, stable renders
	ta.SetStyles(s)
	ta.Placeholder = "{ }  — type a JSON payload, or ctrl+t for a template"
	m.editor = ta
	m.editing = true
	m.editor.Focus()
	m.hist = opt.History.List(fn.Name)
	m.hi = len(m.hist) - 1
	return m
}

// Screen returns the ScreenMaker for ":invoke" (and the i key): it opens on
// the palette argument's function, else the selected or open one.
func Screen(opt Options) common.ScreenMaker {
	if opt.History == nil {
		opt.History = NewHistory()
	}
	return func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
		var fn model.Function
		switch {
		case len(sc.Args) > 0:
			fn = model.Function{Name: sc.Args[0]}
			if sc.Function != nil && sc.Function.Name == sc.Args[0] {
				fn = *sc.Function
			}
		case sc.Function != nil:
			fn = *sc.Function
		default:
			return nil, errors.New("select a function first (or :invoke <function>)")
		}
		return New(deps, st, km, fn, opt), nil
	}
}

// Init loads the qualifiers and the saved event names.
func (m *Model) Init() tea.Cmd {
	fleet, fn, ev := m.deps.Fleet, m.fn.Name, m.opt.Events
	ctx, gen := m.req.Start(kindQuals)
	return tea.Batch(func() tea.Msg {
		vs, err := fleet.ListVersions(ctx, fn)
		if err != nil {
			return qualsMsg{gen: gen, err: err}
		}
		as, err := fleet.ListAliases(ctx, fn)
		if err != nil {
			return qualsMsg{gen: gen, err: err}
		}
		return qualsMsg{gen: gen, quals: Qualifiers(vs, as)}
	}, func() tea.Msg {
		names, _ := ev.List(fn)
		return savedListMsg{names: names}
	})
}

// Qualifiers orders the qualifier choices: $LATEST, aliases by name,
// versions newest first.
func Qualifiers(vs []model.Version, as []model.Alias) []string {
	out := []string{"$LATEST"}
	names := make([]string, 0, len(as))
	for _, a := range as {
		names = append(names, a.Name)
	}
	sort.Strings(names)
	out = append(out, names...)
	var nums []int
	for _, v := range vs {
		if n, err := strconv.Atoi(v.Version); err == nil {
			nums = append(nums, n)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	for _, n := range nums {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// The pane's request kinds.
const (
	kindQuals  request.Kind = "qualifiers"
	kindLoad   request.Kind = "load"
	kindInvoke request.Kind = "invoke"
)

// Title implements common.Titled.
func (m *Model) Title() string { return "invoke " + m.fn.Name }

// CapturesInput implements common.InputCapturer: the editor takes keys.
func (m *Model) CapturesInput() bool { return m.editing }

// Back implements common.BackHandler: esc leaves the editor first.
func (m *Model) Back() bool {
	if m.editing {
		m.blur()
		return true
	}
	return false
}

func (m *Model) blur() {
	m.editing = false
	m.editor.Blur()
}

// Function is the function invoked.
func (m *Model) Function() model.Function { return m.fn }

// Qualifier is the selected qualifier.
func (m *Model) Qualifier() string { return m.quals[m.qi] }

// Type is the selected invocation type.
func (m *Model) Type() model.InvocationType { return Types[m.ti] }

// SetType selects an invocation type.
func (m *Model) SetType(t model.InvocationType) {
	for i, x := range Types {
		if x == t {
			m.ti = i
		}
	}
}

// Payload is what would be sent.
func (m *Model) Payload() []byte {
	if m.big != nil {
		return m.big
	}
	return []byte(m.editor.Value())
}

// SetPayload replaces the payload (large payloads are held outside the editor).
func (m *Model) SetPayload(name string, b []byte) {
	if len(b) > editLimit {
		m.big, m.bigName = b, name
		m.editor.SetValue("")
	} else {
		m.big, m.bigName = nil, ""
		m.editor.SetValue(string(b))
		m.editor.MoveToBegin()
	}
	m.revalidate()
}

// JSONError is the current payload's JSON error, if any.
func (m *Model) JSONError() *JSONError { return m.jsonErr }

// History is the function's results, oldest first.
func (m *Model) History() []Entry { return m.hist }

// Notice is the pane's last message (refusals, errors).
func (m *Model) Notice() string { return m.notice }

func (m *Model) revalidate() {
	if m.big != nil {
		m.jsonErr = Validate(m.big)
		return
	}
	v := m.editor.Value()
	if v == m.lastVal && m.lastVal != "" {
		return
	}
	m.lastVal = v
	m.jsonErr = Validate([]byte(v))
}

func (m *Model) say(text string, isErr bool) tea.Cmd {
	m.notice, m.noticeE = text, isErr
	return common.Status(text, isErr)
}

// Update implements common.Pane. While a file load is in flight, anything
// that changes the payload (typing, a paste, a template) supersedes it: the
// load's result is then dropped instead of overwriting what the user typed.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if !m.req.InFlight(kindLoad) {
		return m.update(msg)
	}
	if _, ok := msg.(loadedMsg); ok {
		return m.update(msg)
	}
	before, big := m.editor.Value(), m.big
	cmd := m.update(msg)
	if m.editor.Value() != before || len(m.big) != len(big) {
		m.req.Cancel(kindLoad)
		return tea.Batch(cmd, m.say("the load was cancelled: the payload changed while it ran", false))
	}
	return cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case qualsMsg:
		if !m.req.Done(kindQuals, msg.gen) {
			return nil
		}
		if msg.err != nil {
			return m.say("qualifiers: "+msg.err.Error(), true)
		}
		cur := m.quals[m.qi]
		m.quals, m.qi = msg.quals, 0
		for i, q := range m.quals {
			if q == cur {
				m.qi = i
			}
		}
		return nil
	case savedListMsg:
		m.saved = msg.names
		return nil
	case savedMsg:
		if msg.err != nil {
			return tea.Batch(common.Resolve(msg.err), m.say("saving the event: "+msg.err.Error(), true))
		}
		if !contains(m.saved, msg.name) {
			m.saved = append(m.saved, msg.name)
			sort.Strings(m.saved)
		}
		return tea.Batch(common.Resolve(nil), m.say("saved test event "+msg.name, false))
	case loadMsg:
		return m.load(msg.path)
	case loadedMsg:
		if !m.req.Done(kindLoad, msg.gen) {
			return nil // superseded by an edit or a newer load, or the pane closed
		}
		if msg.err != nil {
			return tea.Batch(common.Resolve(msg.err), m.say("loading "+msg.name+": "+msg.err.Error(), true))
		}
		m.SetPayload(msg.name, msg.data)
		m.tmpl = -1
		return tea.Batch(common.Resolve(nil), m.say(fmt.Sprintf("loaded %s (%s)", msg.name, size(len(msg.data))), false))
	case confirmedMsg:
		return m.send(msg.req)
	case qualMsg:
		for i, q := range m.quals {
			if q == msg.q {
				m.qi = i
			}
		}
		return nil
	case invokedMsg:
		if !m.req.Done(kindInvoke, msg.gen) {
			return nil
		}
		m.inflight = false
		m.opt.History.Add(msg.entry)
		m.hist = append(m.hist, msg.entry)
		if len(m.hist) > 20 {
			m.hist = m.hist[len(m.hist)-20:]
		}
		m.hi, m.scroll = len(m.hist)-1, 0
		m.blur()
		return m.resultStatus(msg.entry)
	case tea.PasteMsg:
		if m.editing && m.big == nil && len(msg.Content) > editLimit {
			// The textarea is far too slow for megabytes (a 10 MB paste hung
			// the UI): keep a large paste as the payload, unedited, like a file.
			m.SetPayload("pasted text", []byte(msg.Content))
			m.tmpl = -1
			return m.say(fmt.Sprintf("pasted %s: too large to edit here, kept as the payload", size(len(msg.Content))), false)
		}
		if m.editing && m.big == nil {
			var cmd tea.Cmd
			m.editor, cmd = m.editor.Update(msg)
			m.revalidate()
			return cmd
		}
		return nil
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			m.scrollBy(-3)
		} else if msg.Button == tea.MouseWheelDown {
			m.scrollBy(3)
		}
		return nil
	}
	if m.editing {
		var cmd tea.Cmd
		m.editor, cmd = m.editor.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) resultStatus(e Entry) tea.Cmd {
	switch {
	case e.Err != nil:
		return m.say("invoke failed: "+e.Err.Error(), true)
	case e.Result.FunctionError != "":
		return m.say(fmt.Sprintf("%s returned a function error (%s)", target(e.Function, e.Qualifier), e.Result.FunctionError), true)
	}
	return m.say(fmt.Sprintf("%s: %d, executed %s", target(e.Function, e.Qualifier), e.Result.StatusCode, orDash(e.Result.ExecutedVersion)), false)
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.km.Invoke
	switch {
	case key.Matches(msg, k.Send):
		return m.requestSend()
	case key.Matches(msg, k.Format):
		if m.big != nil {
			return m.say("the payload is too large to edit here", true)
		}
		if e := Validate([]byte(m.editor.Value())); e != nil {
			m.jsonErr = e
			return m.say("cannot pretty-print: "+e.Error(), true)
		}
		m.editor.SetValue(string(Pretty([]byte(m.editor.Value()))))
		m.revalidate()
		return nil
	case key.Matches(msg, k.Template):
		m.tmpl = (m.tmpl + 1) % len(Templates)
		t := Templates[m.tmpl]
		m.SetPayload(t.Name, []byte(t.Body))
		m.notice = ""
		return m.say("template: "+t.Name, false)
	case key.Matches(msg, k.Qualifier):
		m.qi = (m.qi + 1) % len(m.quals)
		return nil
	case key.Matches(msg, k.PickQual):
		return m.promptQualifier()
	case key.Matches(msg, k.Type):
		m.ti = (m.ti + 1) % len(Types)
		return nil
	case key.Matches(msg, k.Save):
		return m.promptSave()
	case key.Matches(msg, k.Load):
		return m.promptLoad()
	}
	if m.editing {
		if msg.String() == "esc" {
			m.blur()
			return nil
		}
		if m.big != nil {
			return nil
		}
		var cmd tea.Cmd
		m.editor, cmd = m.editor.Update(msg)
		m.notice = ""
		m.revalidate()
		return cmd
	}
	l := m.km.List
	switch {
	case key.Matches(msg, k.Edit), key.Matches(msg, l.Open):
		m.editing = true
		return m.editor.Focus()
	case key.Matches(msg, k.Older):
		if m.hi > 0 {
			m.hi--
			m.scroll = 0
		}
	case key.Matches(msg, k.Newer):
		if m.hi < len(m.hist)-1 {
			m.hi++
			m.scroll = 0
		}
	case key.Matches(msg, l.Down):
		m.scrollBy(1)
	case key.Matches(msg, l.Up):
		m.scrollBy(-1)
	case key.Matches(msg, l.PageDown):
		m.scrollBy(max(1, m.resultH()/2))
	case key.Matches(msg, l.PageUp):
		m.scrollBy(-max(1, m.resultH()/2))
	case key.Matches(msg, l.Top):
		m.scroll = 0
	case key.Matches(msg, l.Bottom):
		m.scrollBy(1 << 20)
	}
	return nil
}

func (m *Model) scrollBy(d int) {
	n := len(m.resultLines())
	m.scroll = max(0, min(m.scroll+d, n-m.resultH()))
}

// Check returns why the current payload may not be sent ("" when it may).
func Check(payload []byte, typ model.InvocationType) string {
	if e := Validate(payload); e != nil {
		return "not sent: the payload is not valid JSON at " + e.Error()
	}
	limit, kind := model.MaxSyncPayload, "synchronous (RequestResponse)"
	if typ == model.Event {
		limit, kind = model.MaxAsyncPayload, "asynchronous (Event)"
	}
	if len(payload) > limit {
		return fmt.Sprintf("not sent: the payload is %s (%d bytes); %s invocations take at most %s (%d bytes)",
			size(len(payload)), len(payload), kind, size(limit), limit)
	}
	return ""
}

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

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.editor.SetWidth(max(10, w))
	m.editor.SetHeight(m.editorH())
}

func (m *Model) editorH() int { return max(3, (m.h-4)*2/5) }

func (m *Model) resultH() int { return max(1, m.h-m.editorH()-3) }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	k := m.km.Invoke
	if m.editing {
		return []key.Binding{k.Send, k.Template, k.Qualifier, k.Type, k.Format, k.Save, k.Load, m.km.Global.Back}
	}
	return []key.Binding{k.Send, k.Edit, k.Older, k.Newer, k.Qualifier, k.Type, k.Template, k.Load}
}

// View implements common.Pane.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var b strings.Builder
	head := m.st.Title.Render("Invoke "+m.fn.Name) + "  " +
		m.st.Muted.Render("qualifier ") + m.st.Accent.Render(m.Qualifier()) + m.st.Muted.Render(fmt.Sprintf(" %d/%d", m.qi+1, len(m.quals))) + "  " +
		m.st.Muted.Render("type ") + m.st.Accent.Render(string(m.Type()))
	if m.tmpl >= 0 {
		head += "  " + m.st.Muted.Render("template "+Templates[m.tmpl].Name)
	}
	if len(m.saved) > 0 {
		head += "  " + m.st.Muted.Render(fmt.Sprintf("%d saved", len(m.saved)))
	}
	b.WriteString(ansi.Truncate(head, m.w, "…"))
	b.WriteString("\n")
	eh := m.editorH()
	if m.big != nil {
		lines := []string{
			m.st.Warn.Render(fmt.Sprintf("payload from %s: %s — too large to edit here", m.bigName, size(len(m.big)))),
			m.st.Muted.Render("alt+o loads another, ctrl+t a template"),
		}
		b.WriteString(textfit.Text(strings.Join(lines, "\n"), m.w, eh))
	} else {
		b.WriteString(textfit.Text(m.editor.View(), m.w, eh))
	}
	b.WriteString("\n")
	b.WriteString(ansi.Truncate(m.validationLine(), m.w, "…"))
	b.WriteString("\n")
	b.WriteString(m.ruler())
	b.WriteString("\n")
	lines := m.resultLines()
	rh := m.resultH()
	end := min(len(lines), m.scroll+rh)
	vis := lines[min(m.scroll, end):end]
	b.WriteString(textfit.Text(strings.Join(vis, "\n"), m.w, rh))
	return b.String()
}

func (m *Model) validationLine() string {
	p := m.Payload()
	if m.notice != "" && m.noticeE {
		return m.st.Error.Render("✗ " + m.notice)
	}
	if m.jsonErr != nil {
		return m.st.Error.Render("✗ invalid JSON at " + m.jsonErr.Error())
	}
	limit := model.MaxSyncPayload
	if m.Type() == model.Event {
		limit = model.MaxAsyncPayload
	}
	if len(p) > limit {
		return m.st.Error.Render(fmt.Sprintf("✗ %s is over the %s limit for %s", size(len(p)), size(limit), m.Type()))
	}
	s := "✓ valid JSON"
	if len(strings.TrimSpace(string(p))) == 0 {
		s = "✓ empty payload"
	}
	out := m.st.OK.Render(s) + m.st.Muted.Render(fmt.Sprintf(" · %s of %s", size(len(p)), size(limit)))
	if m.inflight {
		out += "  " + m.st.Accent.Render("invoking…")
	}
	return out
}

func (m *Model) ruler() string {
	label := " Result "
	if len(m.hist) > 0 {
		label = fmt.Sprintf(" Result %d/%d ", m.hi+1, len(m.hist))
	}
	rest := max(0, m.w-ansi.StringWidth(label)-2)
	return m.st.Muted.Render("──" + label + strings.Repeat("─", rest))
}

// resultLines renders the shown history entry, cached by entry and width.
func (m *Model) resultLines() []string {
	if len(m.hist) == 0 {
		return []string{m.st.Muted.Render("No result yet: ctrl+s sends (after a confirmation).")}
	}
	e := m.hist[m.hi]
	k := fmt.Sprintf("%d|%d|%p|%v", m.hi, m.w, m.st, e.At)
	if m.cache.key == k {
		return m.cache.lines
	}
	m.cache.key = k
	m.cache.lines = renderEntry(m.st, e, m.fn, m.opt.Prices, m.w)
	return m.cache.lines
}

// ErrorPayload is the body Lambda returns with a function error.
type ErrorPayload struct {
	Type    string
	Message string
	Trace   []string
}

// ParseErrorPayload reads errorType, errorMessage and stackTrace.
func ParseErrorPayload(b []byte) (ErrorPayload, bool) {
	var raw struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
		StackTrace   any    `json:"stackTrace"`
		Trace        any    `json:"trace"`
	}
	if err := jsonUnmarshal(b, &raw); err != nil || (raw.ErrorType == "" && raw.ErrorMessage == "") {
		return ErrorPayload{}, false
	}
	ep := ErrorPayload{Type: raw.ErrorType, Message: raw.ErrorMessage}
	st := raw.StackTrace
	if st == nil {
		st = raw.Trace
	}
	switch v := st.(type) {
	case []any:
		for _, x := range v {
			switch y := x.(type) {
			case string:
				ep.Trace = append(ep.Trace, y)
			case []any: // python: [file, line, func, code]
				parts := make([]string, 0, len(y))
				for _, p := range y {
					parts = append(parts, fmt.Sprint(p))
				}
				ep.Trace = append(ep.Trace, strings.Join(parts, ", "))
			default:
				ep.Trace = append(ep.Trace, fmt.Sprint(y))
			}
		}
	case string:
		ep.Trace = strings.Split(v, "\n")
	}
	return ep, true
}

// FormatCost renders a tiny dollar amount with three significant digits.
func FormatCost(v float64) string {
	if v <= 0 {
		return "$0"
	}
	if v >= 0.01 {
		return model.FormatDollars(v)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	// keep three significant digits
	i := strings.IndexFunc(s[2:], func(r rune) bool { return r != '0' })
	if i < 0 {
		return "$" + s
	}
	end := min(len(s), 2+i+3)
	return "$" + strings.TrimRight(s[:end], "0")
}

func renderEntry(st *styles.Styles, e Entry, fn model.Function, prices model.Prices, w int) []string {
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, w, "…")) }
	wrap := func(prefix, s string) {
		for _, l := range strings.Split(s, "\n") {
			for _, p := range strings.Split(ansi.Hardwrap(prefix+l, max(10, w), true), "\n") {
				out = append(out, p)
			}
		}
	}
	when := e.At.UTC().Format("15:04:05")
	add(st.Muted.Render(fmt.Sprintf("%s  %s  %s  %s payload", when, target(e.Function, e.Qualifier), e.Type, size(e.Size))))
	if e.Err != nil {
		var tooLarge *awsapi.PayloadTooLargeError
		msg := e.Err.Error()
		if errors.As(e.Err, &tooLarge) {
			msg = "refused before sending: " + msg
		}
		wrap("", st.Error.Render("✗ "+msg))
		return out
	}
	r := e.Result
	status := st.OK.Render(fmt.Sprintf("status %d", r.StatusCode))
	if r.StatusCode >= 300 || r.FunctionError != "" {
		status = st.Error.Render(fmt.Sprintf("status %d", r.StatusCode))
	}
	line := status + "  " + st.Muted.Render("executed ") + orDash(r.ExecutedVersion)
	if r.RequestID != "" {
		line += "  " + st.Muted.Render("request "+r.RequestID)
	}
	if r.Elapsed > 0 {
		line += "  " + st.Muted.Render(fmt.Sprintf("round trip %d ms", r.Elapsed.Milliseconds()))
	}
	add(line)
	if rep := r.Report; rep != nil {
		mem := fmt.Sprintf("memory %d/%d MB (%d%%)", rep.MaxMemoryUsedMB, rep.MemorySizeMB, int(rep.MemoryUse()*100+0.5))
		add(st.Bold.Render("REPORT ") + fmt.Sprintf("duration %s · billed %d ms · %s", ms(rep.Duration), rep.BilledDuration.Milliseconds(), mem))
		s := "warm start"
		if rep.InitDuration > 0 {
			s = st.Warn.Render("init " + ms(rep.InitDuration) + " (cold start)")
		}
		memMB := rep.MemorySizeMB
		if memMB == 0 {
			memMB = fn.MemoryMB
		}
		arch := fn.Architecture
		if arch == "" {
			arch = "x86_64"
		}
		cost := model.InvocationCost(rep.BilledDuration, memMB, arch, prices)
		add("       " + s + " · " + st.Accent.Render("cost "+FormatCost(cost)) + st.Muted.Render(" ("+arch+", compute + request)"))
	} else if e.Type == model.RequestResponse {
		add(st.Muted.Render("no REPORT line in the log tail"))
	}
	if r.FunctionError != "" {
		add("")
		if ep, ok := ParseErrorPayload(r.Payload); ok {
			add(st.Error.Render(fmt.Sprintf("function error (%s): %s", r.FunctionError, ep.Type)))
			wrap("  ", ep.Message)
			for _, t := range ep.Trace {
				wrap("    ", st.Muted.Render(t))
			}
		} else {
			add(st.Error.Render("function error (" + r.FunctionError + ")"))
		}
	}
	if e.Type == model.RequestResponse {
		add("")
		add(st.Header.Render("Response"))
		body := r.Payload
		if len(body) == 0 {
			add(st.Muted.Render("  (empty)"))
		} else {
			if len(body) > 1<<20 {
				body = body[:1<<20]
			}
			wrap("  ", string(Pretty(body)))
		}
	} else if e.Type == model.Event {
		add(st.Muted.Render("queued for asynchronous execution (202): the result goes to the function's destinations"))
	} else {
		add(st.Muted.Render("dry run: the function would run with this input and these permissions"))
	}
	if r.LogTail != "" {
		add("")
		add(st.Header.Render("Log tail (last 4 KB)"))
		for _, l := range strings.Split(strings.TrimRight(r.LogTail, "\n"), "\n") {
			l = strings.ReplaceAll(l, "\t", "  ")
			if strings.HasPrefix(l, "REPORT ") {
				l = st.Accent.Render(l)
			}
			wrap("  ", l)
		}
	}
	return out
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func target(fn, q string) string {
	if q == "" || q == "$LATEST" {
		return fn + ":$LATEST"
	}
	return fn + ":" + q
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
