package logs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

// ---- keys: moving, searching, filtering at the source, split by version, backfill, save ----

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.imode != inputNone {
		return m.onInputKey(msg)
	}
	l, nav := m.km.Logs, m.km.List
	switch {
	case key.Matches(msg, l.Follow):
		if m.follow {
			m.follow = false
			m.bottom = m.newest()
			m.cursor = m.bottom
		} else {
			m.follow = true
			m.cursor = m.newest()
		}
	case key.Matches(msg, nav.Up):
		m.moveCursor(-1)
	case key.Matches(msg, nav.Down):
		m.moveCursor(1)
	case key.Matches(msg, nav.PageUp):
		m.moveCursor(-m.bodyHeight())
	case key.Matches(msg, nav.PageDown):
		m.moveCursor(m.bodyHeight())
	case key.Matches(msg, nav.Top):
		m.follow = false
		m.cursor = m.ring.First()
		m.bottom = m.cursor + uint64(m.bodyHeight()-1)
		m.bottom = min(m.bottom, m.newest())
	case key.Matches(msg, nav.Bottom):
		m.follow = true
		m.cursor = m.newest()
	case key.Matches(msg, l.Search):
		m.openInput(inputSearch, "/", m.search)
	case key.Matches(msg, l.Filter):
		m.openInput(inputFilter, "filter pattern: ", m.filter)
	case key.Matches(msg, l.Next):
		return m.findNext(false)
	case key.Matches(msg, l.Prev):
		return m.findNext(true)
	case key.Matches(msg, l.JSON):
		m.json = !m.json
	case key.Matches(msg, l.Request):
		if m.request != "" {
			m.request, m.reqSeqs = "", nil
			return nil
		}
		ln := m.ring.Seq(m.cursor)
		if ln == nil || ln.RequestID == "" {
			return common.Status("this line names no request", false)
		}
		m.request = ln.RequestID
		m.reqSeqs = m.ring.Request(ln.RequestID)
	case key.Matches(msg, l.Split):
		return m.toggleSplit()
	case key.Matches(msg, l.Backfill):
		return m.doBackfill()
	case key.Matches(msg, l.Save):
		return m.save()
	}
	return nil
}

func (m *Model) openInput(mode inputMode, prompt, value string) {
	m.imode = mode
	m.input.Prompt = prompt
	m.input.SetValue(value)
	m.input.CursorEnd()
	m.input.Focus()
}

func (m *Model) onInputKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.imode = inputNone
		m.input.Blur()
		return nil
	case "enter":
		v := strings.TrimSpace(m.input.Value())
		mode := m.imode
		m.imode = inputNone
		m.input.Blur()
		if mode == inputSearch {
			m.search = v
			if v == "" {
				return nil
			}
			from := m.cursor
			if m.follow {
				from = m.newest()
			}
			return m.jumpTo(m.ring.Find(from, v, false))
		}
		if v == m.filter {
			return nil
		}
		m.filter = v
		// The buffer held lines the new pattern would not have let
		// through: start over, with the last five minutes backfilled.
		m.ring.Reset()
		m.resetRollup()
		m.follow = true
		m.cursor = m.newest()
		m.request, m.reqSeqs = "", nil
		return m.start(5 * time.Minute)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

func (m *Model) resetRollup() {
	m.vstats, m.perFn = nil, nil
	m.invocations, m.cold, m.errors, m.durTotal, m.maxMem, m.memSize, m.costTotal = 0, 0, 0, 0, 0, 0, 0
}

func (m *Model) jumpTo(seq uint64, ok bool) tea.Cmd {
	if !ok {
		return common.Status(fmt.Sprintf("no line matches %q", m.search), false)
	}
	m.follow = false
	m.cursor = seq
	m.bottom = max(m.bottom, seq)
	m.ensureVisible()
	return nil
}

// findNext moves to the next match: older (n) or newer (N).
func (m *Model) findNext(newer bool) tea.Cmd {
	if m.search == "" {
		return nil
	}
	if newer {
		return m.jumpTo(m.ring.Find(m.cursor+1, m.search, true))
	}
	if m.cursor == 0 || m.cursor <= m.ring.First() {
		return m.jumpTo(0, false)
	}
	return m.jumpTo(m.ring.Find(m.cursor-1, m.search, false))
}

// moveCursor moves the selection by d lines (negative is older).
func (m *Model) moveCursor(d int) {
	if m.ring.Len() == 0 {
		return
	}
	if m.request != "" {
		// In the request view the cursor walks the request's lines.
		i := 0
		for i < len(m.reqSeqs) && m.reqSeqs[i] < m.cursor {
			i++
		}
		i = min(max(i+d, 0), len(m.reqSeqs)-1)
		if i >= 0 && i < len(m.reqSeqs) {
			m.cursor = m.reqSeqs[i]
		}
		return
	}
	if m.follow {
		if d >= 0 {
			return
		}
		m.follow = false
		m.bottom = m.newest()
	}
	first, last := int64(m.ring.First()), int64(m.newest())
	c := min(max(int64(m.cursor)+int64(d), first), last)
	m.cursor = uint64(c)
	if m.cursor == m.newest() && d > 0 {
		m.follow = true
		return
	}
	m.ensureVisible()
}

// ensureVisible scrolls so the cursor is on screen.
func (m *Model) ensureVisible() {
	if m.cursor > m.bottom {
		m.bottom = m.cursor
		return
	}
	rows := 0
	h := m.bodyHeight()
	for s := m.bottom; ; s-- {
		rows += m.lineHeight(s)
		if s == m.cursor {
			break
		}
		if s == 0 {
			break
		}
	}
	for rows > h && m.bottom > m.cursor {
		rows -= m.lineHeight(m.bottom)
		m.bottom--
	}
}

func (m *Model) toggleSplit() tea.Cmd {
	if len(m.split) > 0 {
		m.split, m.splitW = nil, nil
		return tea.Batch(m.start(5*time.Minute), common.Status("split off", false))
	}
	if len(m.fns) != 1 {
		return common.Status("split by version needs a single function's tail", false)
	}
	if m.deps.Fleet == nil {
		return nil
	}
	fleet, fn, pane := m.deps.Fleet, m.fns[0].Name, m.id
	parent, gen := m.req.Start(kindAliases)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		as, err := fleet.ListAliases(ctx, fn)
		return aliasesMsg{pane: pane, gen: gen, aliases: as, err: err}
	}
}

// doBackfill fetches the last 5, then 15, then 60 minutes. The buffer is
// refilled in time order from the start of the window.
func (m *Model) doBackfill() tea.Cmd {
	d := backfillSteps[m.backfill%len(backfillSteps)]
	m.backfill++
	if m.ring.Len() > 0 {
		if oldest := m.ring.At(0).Time; !oldest.IsZero() && m.deps.Now().Sub(oldest) >= d {
			return common.Status(fmt.Sprintf("the buffer already covers the last %s", model.ShortDuration(d)), false)
		}
	}
	m.ring.Reset()
	m.resetRollup()
	m.follow = true
	m.request, m.reqSeqs = "", nil
	return tea.Batch(m.start(d), common.Status("backfilling the last "+model.ShortDuration(d), false))
}

// save writes the buffer to a file; the lines are copied here, written in
// the command.
func (m *Model) save() tea.Cmd {
	n := m.ring.Len()
	lines := make([]string, 0, n)
	for i := 0; i < n; i++ {
		l := m.ring.At(i)
		lines = append(lines, l.Time.UTC().Format("2006-01-02T15:04:05.000Z")+"\t"+l.Stream+"\t"+l.Message)
	}
	name := "lambdaops"
	if len(m.fns) == 1 {
		name += "-" + strings.ReplaceAll(m.fns[0].Name, "/", "_")
	}
	path := filepath.Join(m.opts.SaveDir, fmt.Sprintf("%s-%s.log", name, m.deps.Now().UTC().Format("20060102-150405")))
	return func() tea.Msg {
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			return common.StatusMsg{Text: "save: " + err.Error(), Err: true}
		}
		return common.StatusMsg{Text: fmt.Sprintf("saved %d lines to %s", len(lines), path)}
	}
}
