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
	"fmt"
	"sort"
	"strconv"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/scroll"
	"github.com/lambdaops/lambdaops/ui/internal/table"
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

	hist    []Entry              // the function's results, oldest first
	ht      *table.Model[*Entry] // the history table (history.go); rows point into hist
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
		if deps.Fleet != nil {
			opt.Prices = model.PricesFor(deps.Fleet.Target().Region) // the session's region
		}
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
	m.ht = table.New(m.historyTable(), st, km.List)
	m.hist = opt.History.List(fn.Name)
	if n := len(m.hist); n > 0 {
		m.setHistory(m.hist[n-1].id)
	}
	return m
}

// Screen returns the ScreenMaker for ":invoke" (and the i key): it opens on
// the palette argument's function, else the selected or open one.
func Screen(opt Options) common.ScreenMaker {
	if opt.History == nil {
		opt.History = NewHistory()
	}
	return func(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
		fn, err := sc.FunctionArg(sc.Args, "invoke")
		if err != nil {
			return nil, err
		}
		return New(deps, st, km, fn, opt), nil
	}
}

// Init loads the qualifiers and the saved event names.
func (m *Model) Init() tea.Cmd {
	fleet, fn, ev := m.deps.Fleet, m.fn.Name, m.opt.Events
	ctx, gen := m.req.Start(kindQuals)
	return tea.Batch(m.loadKept(), func() tea.Msg {
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

// CapturesInput implements common.InputCapturer: the editor takes keys,
// and so do the history's filter and column chooser.
func (m *Model) CapturesInput() bool { return m.editing || m.ht.CapturesInput() }

// Back implements common.BackHandler: esc leaves the editor first, then
// clears the history's filter.
func (m *Model) Back() bool {
	if m.ht.Back() {
		return true
	}
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
			return m.say(common.FailLine("qualifiers", msg.err), true)
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
		e := m.opt.History.Add(msg.entry)
		m.hist = m.opt.History.List(m.fn.Name)
		m.ht.SetFilter("") // the new result is shown, whatever the filter was
		m.setHistory(e.id)
		m.blur()
		return tea.Batch(m.resultStatus(msg.entry), m.saveKept())
	case keptMsg:
		return m.handleKept(msg)
	case keptSavedMsg:
		if msg.err != nil {
			return common.Status("this invocation is not kept for the next run: "+msg.err.Error(), true)
		}
		return nil
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
		m.scrollBy(scroll.Wheel(msg))
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
	if m.ht.CapturesInput() { // typing the history's filter, choosing its columns
		cmd, _ := m.ht.Update(msg)
		m.scroll = 0
		return cmd
	}
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
		return m.step(-1)
	case key.Matches(msg, k.Newer):
		return m.step(1)
	default:
		if d, ok := scroll.Key(msg, l, m.resultH()); ok { // the result scrolls
			m.scrollBy(d)
			return nil
		}
		// the history's filter, sort and columns
		sel, _ := m.shown()
		cmd, used := m.ht.Update(msg)
		if !used {
			return table.NoAction(msg)
		}
		if now, _ := m.shown(); now != sel {
			m.scroll = 0
		}
		return cmd
	}
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
