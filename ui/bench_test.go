package ui

// Benchmarks of the functions pane inside the root, each next to
// bubbles/v2's table doing the same work in the same run:
//
//	go test ./ui/ -run '^$' -bench . -benchmem
//
// Budgets (issue 5): a cursor move (Update plus View of the whole screen)
// ≤ 1 ms; a filter keystroke ≤ 2 ms at 10,000 rows and ≤ 5 ms at 100,000;
// ≤ 100 MB resident with 10,000 functions; first frame from a warm cache
// within 60 ms.

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/table"
	tea "charm.land/bubbletea/v2"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/functions"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var benchSizes = []int{10_000, 100_000}

var fleetCache = map[int][]model.Function{}

func fleet(n int) []model.Function {
	if f, ok := fleetCache[n]; ok {
		return f
	}
	f := fake.Functions(n, "us-east-1")
	fleetCache[n] = f
	return f
}

func benchRoot(b *testing.B, n int) *Model {
	s := fake.New("us-east-1", 0)
	m := New(Options{Deps: common.FromSession(s, nil), Config: config.Default(), Styles: styles.New(true)})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m.stack[0].pane.(*functions.Model).SetFunctions(fleet(n))
	m.render()
	return m
}

func bubblesRows(fns []model.Function) []table.Row {
	rows := make([]table.Row, len(fns))
	for i, f := range fns {
		rows[i] = table.Row{f.Name, f.Runtime, strconv.Itoa(f.MemoryMB), strconv.Itoa(f.TimeoutSec) + "s", f.State,
			f.Architecture, f.LastUpdateStatus, f.PackageType, f.LastModified.Format("2006-01-02 15:04")}
	}
	return rows
}

func bubblesTable(n int) table.Model {
	cols := []table.Column{{Title: "NAME", Width: 60}, {Title: "RUNTIME", Width: 15}, {Title: "MEM", Width: 6}, {Title: "TIMEOUT", Width: 7},
		{Title: "STATE", Width: 8}, {Title: "ARCH", Width: 6}, {Title: "UPDATE", Width: 10}, {Title: "PKG", Width: 5}, {Title: "MODIFIED", Width: 16}}
	t := table.New(table.WithColumns(cols), table.WithRows(bubblesRows(fleet(n))), table.WithHeight(58), table.WithWidth(200), table.WithFocused(true))
	return t
}

func BenchmarkCursorMove(b *testing.B) {
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	up := tea.KeyPressMsg{Code: tea.KeyUp}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("ours/%d", n), func(b *testing.B) {
			m := benchRoot(b, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := down
				if (i/100)%2 == 1 {
					k = up
				}
				m.Update(k)
				_ = m.View()
			}
		})
		b.Run(fmt.Sprintf("bubbles/%d", n), func(b *testing.B) {
			t := bubblesTable(n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := down
				if (i/100)%2 == 1 {
					k = up
				}
				t, _ = t.Update(k)
				_ = t.View()
			}
		})
	}
}

// BenchmarkFilter measures one keystroke of a fuzzy filter ("pay" then
// backspace, alternately), including the View of the whole screen.
func BenchmarkFilter(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("ours/%d", n), func(b *testing.B) {
			m := benchRoot(b, n)
			m.Update(tea.KeyPressMsg{Code: '/', Text: "/"})
			m.Update(tea.KeyPressMsg{Code: 'p', Text: "p"})
			m.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%2 == 0 {
					m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
				} else {
					m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
				}
				_ = m.View()
			}
		})
		b.Run(fmt.Sprintf("ours-cold/%d", n), func(b *testing.B) {
			// no remembered results: every keystroke filters for real
			m := benchRoot(b, n)
			f := m.stack[0].pane.(*functions.Model)
			m.Update(tea.KeyPressMsg{Code: '/', Text: "/"})
			m.Update(tea.KeyPressMsg{Code: 'p', Text: "p"})
			m.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f.ForgetFilterResults()
				if i%2 == 0 {
					m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
				} else {
					m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
				}
				_ = m.View()
			}
		})
		b.Run(fmt.Sprintf("bubbles/%d", n), func(b *testing.B) {
			t := bubblesTable(n)
			all := fleet(n)
			lower := make([]string, len(all))
			for i, f := range all {
				lower[i] = strings.ToLower(f.Name)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := "pay"
				if i%2 == 0 {
					q = "pay"[:2] + "y"
				}
				var fns []model.Function
				for j, f := range all {
					if subseq(lower[j], q) {
						fns = append(fns, f)
					}
				}
				t.SetRows(bubblesRows(fns))
				_ = t.View()
			}
		})
	}
}

func subseq(h, n string) bool {
	j := 0
	for i := 0; i < len(h) && j < len(n); i++ {
		if h[i] == n[j] {
			j++
		}
	}
	return j == len(n)
}

// BenchmarkMemory10k reports the live heap holding 10,000 functions in the
// root (after a full render and scrolling through the list).
func BenchmarkMemory10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		fns := fake.Functions(10_000, "us-east-1")
		m := benchRoot(b, 0)
		m.stack[0].pane.(*functions.Model).SetFunctions(fns)
		fns = nil
		for j := 0; j < 300; j++ {
			m.Update(tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl})
			_ = m.View()
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-min(after.HeapInuse, before.HeapInuse))/(1<<20), "MB-heap")
		b.ReportMetric(float64(after.Sys)/(1<<20), "MB-sys")
		runtime.KeepAlive(m)
	}
}

// BenchmarkFirstFrame is start to first frame with a warm snapshot of
// 5,000 functions: New, the snapshot read, the first render.
func BenchmarkFirstFrame(b *testing.B) {
	s := fake.New("us-east-1", 0)
	s.Snap, s.SnapAt, s.SnapOK = fleet(10_000)[:5000], time.Now(), true
	for i := 0; i < b.N; i++ {
		m := New(Options{Deps: common.FromSession(s, nil), Config: config.Default(), Styles: styles.New(true)})
		m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
		f := m.stack[0].pane.(*functions.Model)
		snap := f.SnapshotCmd()
		m.Update(common.PaneMsg{Pane: m.stack[0].id, Msg: snap()})
		if !strings.Contains(m.View().Content, "5,000") {
			b.Fatal("snapshot not drawn")
		}
	}
}
