package triage

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/format"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// The board's columns, in display order. Sorting by the marker column is
// the board's rank (tier, then score).
const (
	ColRank = iota
	ColFunction
	ColErrors
	ColThrottles
	ColP99
	ColCost
	ColWhy
)

// listKeys are the list keys with the board's own sort bindings.
func (m *Model) listKeys() keymap.List {
	l := m.km.List
	l.SortNext, l.SortReverse = m.km.Triage.Sort, m.km.Triage.Reverse
	return l
}

// tableConfig is the board: ranked by default, worst first for every
// metric column, the reason taking the spare width; tier: filters by tier
// (tier:alarm, tier:warn) and why: by the reason.
func (m *Model) tableConfig() table.Config[*row] {
	worse := func(f func(r *row) float64) func(a, b *row) bool {
		return func(a, b *row) bool {
			if x, y := f(a), f(b); x != y {
				return x > y
			}
			return rank(a, b)
		}
	}
	cols := []table.Column[*row]{
		ColRank: {Title: "", Width: 1, Priority: 0, Cell: marker, Less: rank, SortName: "rank"},
		ColFunction: {Title: "FUNCTION", Width: 18, Max: 48, Priority: 0, Cell: func(r *row) string { return r.fn.Name },
			Less: func(a, b *row) bool { return a.fn.Name < b.fn.Name }, SortName: "name"},
		ColErrors: {Title: "ERR%", Width: 5, Priority: 1, Right: true, Cell: errCell,
			Less: worse(func(r *row) float64 { return r.h.ErrorRate }), SortName: "error %"},
		ColThrottles: {Title: "THR", Width: 7, Priority: 3, Right: true, Cell: func(r *row) string {
			if !r.have {
				return format.Loading
			}
			return format.Float(r.h.Throttles)
		}, Less: worse(func(r *row) float64 { return r.h.Throttles }), SortName: "throttles"},
		ColP99: {Title: "P99/TO", Width: 10, Priority: 4, Right: true, Cell: p99Cell,
			Less: worse(p99Ratio), SortName: "p99/timeout"},
		ColCost: {Title: "EST $/MO", Width: 9, Priority: 5, Right: true, Cell: func(r *row) string {
			if !r.have {
				return format.Loading
			}
			return model.FormatDollars(r.h.Cost.Monthly)
		}, Less: worse(func(r *row) float64 { return r.h.Cost.Monthly }), SortName: "cost"},
		ColWhy: {Title: "WHY", Width: 12, Max: 400, Priority: 2, Cut: table.CutEnd, Cell: m.whyCell, Field: "why"},
	}
	return m.withPairs(table.Config[*row]{
		Columns: cols,
		Key:     func(r *row) string { return m.key(r.fn) },
		Style:   m.rowStyle,
		Fields: []table.Field[*row]{{Name: "tier", Column: ColRank, Match: func(r *row, arg string) bool {
			return strings.HasPrefix(tierName(r.h.Tier), strings.ToLower(arg))
		}}},
		Empty: "no functions in this region",
	})
}

func rank(a, b *row) bool {
	if (a.h.Alarms > 0) != (b.h.Alarms > 0) { // CloudWatch alarms in ALARM first
		return a.h.Alarms > 0
	}
	if a.have != b.have {
		return a.have
	}
	if a.h.Tier != b.h.Tier {
		return a.h.Tier > b.h.Tier
	}
	if a.h.Score != b.h.Score {
		return a.h.Score > b.h.Score
	}
	return a.fn.Name < b.fn.Name
}

func tierName(t model.Tier) string {
	switch t {
	case model.TierAlarm:
		return "alarm"
	case model.TierWarn:
		return "warn"
	case model.TierHint:
		return "hint"
	}
	return "ok"
}

func marker(r *row) string {
	switch r.h.Tier {
	case model.TierAlarm:
		return "●"
	case model.TierWarn:
		return "▲"
	case model.TierHint:
		return "◆"
	}
	return " "
}

func errCell(r *row) string {
	switch {
	case !r.have:
		return format.Loading
	case r.h.Invocations == 0:
		return format.NoData
	}
	return fmt.Sprintf("%.1f", r.h.ErrorRate*100)
}

func p99Ratio(r *row) float64 {
	if r.fn.TimeoutSec == 0 {
		return 0
	}
	return r.h.P99.Seconds() / float64(r.fn.TimeoutSec)
}

func p99Cell(r *row) string {
	switch {
	case !r.have:
		return format.Loading
	case r.h.P99 <= 0:
		return format.NoData
	}
	return model.ShortDuration(r.h.P99) + "/" + fmt.Sprint(r.fn.TimeoutSec) + "s"
}

func why(r *row) string {
	if !r.have {
		if r.h.Alarms > 0 {
			return r.h.Reason() // the CloudWatch alarms, before the metrics
		}
		return ""
	}
	h := r.h
	s := h.Reason()
	if hints := h.Cost.Hints; len(hints) > 0 && !h.Has("memory") {
		if s != "" {
			s += "; "
		}
		s += strings.Join(hints, "; ")
	}
	if s == "" {
		s = "healthy"
		if h.Invocations == 0 && h.Throttles == 0 {
			s = "no invocations"
		}
	}
	return s
}

// whyCell is the reason, after the note of a running CodeDeploy deployment
// of the function (codedeploy.go), if any.
func (m *Model) whyCell(r *row) string {
	w := why(r)
	if d := m.deployNote(r.fn); d != "" {
		if w == "" {
			return d
		}
		return d + "; " + w
	}
	return w
}

func (m *Model) rowStyle(r *row) *lipgloss.Style {
	switch {
	case r.h.Tier == model.TierAlarm:
		return &m.st.Error
	case r.h.Tier == model.TierWarn:
		return &m.st.Warn
	case !r.have:
		return &m.st.Muted
	}
	if w := m.whyCell(r); w == "healthy" || w == "no invocations" {
		return &m.st.Muted
	}
	return &m.st.Text
}

// resort re-ranks the rows; until the user moves, the cursor stays on the
// top row (the worst), after that on its function.
func (m *Model) resort() {
	m.t.Resort()
	if !m.moved {
		m.t.SetCursor(0)
	}
}

// onKey: every key goes to the filter or the chooser while one is open;
// then the board's keys, then the table's; a key nobody uses says so.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.t.CapturesInput() {
		cmd, _ := m.t.Update(msg)
		return tea.Batch(cmd, m.fetchNext())
	}
	t := m.km.Triage
	switch {
	case key.Matches(msg, t.Open), key.Matches(msg, t.Logs):
		r, ok := m.t.Selected()
		if !ok {
			return nil
		}
		fn := r.fn
		tab := 0
		if key.Matches(msg, t.Logs) {
			tab = 3
		}
		return func() tea.Msg { return common.OpenFunctionMsg{Function: fn, Tab: tab} }
	}
	cur := m.t.Cursor()
	cmd, used := m.t.Update(msg)
	if !used {
		return table.NoAction(msg)
	}
	if m.t.Cursor() != cur {
		m.moved = true
	}
	// rows scrolled into view get their metrics next
	return tea.Batch(cmd, m.fetchNext())
}

// move moves the cursor (tests).
func (m *Model) move(d int) tea.Cmd {
	m.moved = true
	m.t.Move(d)
	return m.fetchNext()
}

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	if m.t.CapturesInput() {
		return m.t.HelpKeys()
	}
	t := m.km.Triage
	return append([]key.Binding{t.Open, t.Logs}, m.t.HelpKeys()...)
}

// CapturesInput implements common.InputCapturer: the filter and the
// column chooser take every key.
func (m *Model) CapturesInput() bool { return m.t.CapturesInput() }

// Back implements common.BackHandler: esc clears the filter first.
func (m *Model) Back() bool { return m.t.Back() }

// SetFilter applies a filter as if typed.
func (m *Model) SetFilter(s string) { m.t.SetFilter(s) }

var (
	_ common.InputCapturer = (*Model)(nil)
	_ common.BackHandler   = (*Model)(nil)
)
