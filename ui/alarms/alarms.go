// Package alarms is the CloudWatch alarms pane: the function view's Alarms
// tab (the function's alarms, those on its aliases and executed versions,
// and the composites that include them) and the :alarms screen (every alarm
// in ALARM, or all; a pasted alarm name or ARN finds it). The selected
// alarm shows its state, threshold, its metric as a chart with the
// threshold line, the composites including it and its history. Actions:
// SetAlarmState (t) and muting its actions (m), confirmed and journaled by
// the aws layer.
package alarms

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/table"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Tab is the index of the Alarms tab in the function view (0-based).
const Tab = 5

// HistoryShown is how many history entries the detail shows.
const HistoryShown = 50

const (
	kindLoad    request.Kind = "alarms"
	kindHistory request.Kind = "history"
	kindSeries  request.Kind = "series"
	kindAction  request.Kind = "action"
)

type (
	loadedMsg struct {
		gen uint64
		ix  *model.AlarmIndex
		err error
	}
	historyMsg struct {
		gen  uint64
		name string
		h    []model.AlarmHistory
		err  error
	}
	seriesMsg struct {
		gen    uint64
		name   string
		values []float64
		label  string
		period time.Duration // one datapoint's period
		span   time.Duration // the chart's window
		err    error
	}
	actionMsg struct {
		gen  uint64
		what string
		err  error
	}
	confirmMsg struct{ run func() tea.Cmd }
)

// row is one alarm of the list.
type row struct {
	a      *model.Alarm
	target model.AlarmTarget
	via    string // composite: the child alarm watching the function
	// children is a composite's child alarms, those in ALARM first, and
	// their states.
	children, states []string
}

// Model is the alarms tab or screen.
type Model struct {
	deps common.Deps
	// acting is the pair session of the alarm a change is being asked
	// about, over several pairs (pairs.go); nil otherwise.
	acting awsapi.Session
	st     *styles.Styles
	km     keymap.KeyMap
	req    request.Tracker

	fn     *model.Function // tab: the function; nil on the screen
	all    bool            // screen: every alarm, not only ALARM
	query  string          // screen: a pasted alarm name or ARN
	target model.Target

	ix          *model.AlarmIndex
	loaded      bool
	err         error
	unsupported bool
	tbl         *table.Model[*row]

	histFor  string
	hist     []model.AlarmHistory
	histErr  error
	seriesOf string
	series   *chartData
	status   string
	w, h     int
}

// NewTab builds the function view's Alarms tab.
func NewTab(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
	m := newModel(deps, st, km)
	m.fn = &fn
	return m
}

// Screen builds :alarms (in ALARM), ":alarms all", or ":alarms <name|ARN>".
func Screen(deps common.Deps, st *styles.Styles, km keymap.KeyMap, sc common.ScreenContext) (common.Pane, error) {
	if deps.Alarms == nil {
		return nil, errors.New("CloudWatch alarms are not available with this session")
	}
	m := newModel(deps, st, km)
	m.target = sc.Target
	switch {
	case len(sc.Args) == 1 && sc.Args[0] == "all":
		m.all = true
	case len(sc.Args) > 0:
		m.query = strings.Join(sc.Args, " ")
		m.all = true
	}
	return m, nil
}

func newModel(deps common.Deps, st *styles.Styles, km keymap.KeyMap) *Model {
	m := &Model{deps: deps, st: st, km: km}
	if deps.Fleet != nil {
		m.target = deps.Fleet.Target()
	}
	cols := []table.Column[*row]{
		{Title: "STATE", Width: 9, Priority: 0, Cell: func(r *row) string { return stateLabel(r.a.State) },
			Less: func(a, b *row) bool {
				if x, y := stateRank(a.a.State), stateRank(b.a.State); x != y {
					return x < y
				}
				return !a.a.Composite && b.a.Composite // metric alarms before the composites including them
			}, Field: "state"},
		{Title: "ALARM", Width: 24, Max: 48, Priority: 0, Cell: func(r *row) string { return r.a.Name },
			Less: func(a, b *row) bool { return a.a.Name < b.a.Name }},
		{Title: "SINCE", Width: 8, Priority: 2, Right: true, Cell: func(r *row) string { return m.since(r.a) },
			Less: func(a, b *row) bool { return a.a.Since().Before(b.a.Since()) }},
		{Title: "WATCHES", Width: 18, Max: 34, Priority: 1, Cell: watches},
		{Title: "CONDITION", Width: 22, Max: 40, Priority: 3, Cell: condition},
		{Title: "ACTIONS", Width: 7, Priority: 4, Cell: func(r *row) string {
			if r.a.ActionsEnabled {
				return "on"
			}
			return "muted"
		}},
	}
	m.tbl = table.New(m.withPairs(table.Config[*row]{
		Columns: cols,
		Key:     func(r *row) string { return m.rowKey(r) },
		Text:    func(r *row) string { return r.a.Name + " " + r.target.Function },
		Style: func(r *row) *lipgloss.Style {
			switch r.a.State {
			case model.AlarmAlarm:
				return &m.st.Alarm
			case model.AlarmInsufficient:
				return &m.st.Muted
			}
			return nil
		},
		Fields: []table.Field[*row]{{Name: "fn", Column: 3, Match: func(r *row, arg string) bool { return strings.HasPrefix(r.target.Function, arg) }}},
		Sort:   0,
		Empty:  "no alarms",
	}), st, km.List)
	return m
}

// Title implements common.Titled.
func (m *Model) Title() string {
	switch {
	case m.fn != nil:
		return "alarms"
	case m.query != "":
		return "alarm " + common.Clean(m.query)
	case m.all:
		return "alarms (all)"
	}
	return "alarms in ALARM"
}

// Close implements common.Closer.
func (m *Model) Close() { m.req.Close() }

// Init implements common.Pane.
func (m *Model) Init() tea.Cmd { return m.load(false) }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.tbl.SetSize(w, m.tableHeight())
}

func (m *Model) tableHeight() int {
	if m.h < 16 {
		return max(2, m.h-2)
	}
	return max(4, (m.h-1)*2/5)
}

// CapturesInput implements common.InputCapturer.
func (m *Model) CapturesInput() bool { return m.tbl.CapturesInput() }

// Back implements common.BackHandler.
func (m *Model) Back() bool { return m.tbl.Back() }

// HelpKeys implements common.Pane.
func (m *Model) HelpKeys() []key.Binding {
	a := m.km.Alarms
	keys := []key.Binding{m.km.List.Open, a.SetState, a.Actions}
	if m.fn == nil && m.query == "" {
		keys = append(keys, a.All)
	}
	return append(keys, m.tbl.HelpKeys()...)
}

// Rows returns the listed alarm names in display order (tests).
func (m *Model) Rows() []string {
	var out []string
	for i := 0; i < m.tbl.Len(); i++ {
		out = append(out, m.tbl.At(i).a.Name)
	}
	return out
}

// History returns the history shown (tests).
func (m *Model) History() []model.AlarmHistory { return m.hist }
