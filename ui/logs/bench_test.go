package logs

import (
	"fmt"
	"testing"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// fullPane returns a 200×60 pane holding a full 50,000-line buffer.
func fullPane(b *testing.B) *Model {
	fn := model.Function{Name: "orders-api", Architecture: "x86_64", MemoryMB: 512}
	m := NewMulti(common.Deps{}, styles.New(true), keymap.Default(), []model.Function{fn}, Options{Heartbeat: -1})
	m.SetSize(200, 60)
	var evs []model.LogEvent
	for i := 0; m.ring.Len()+len(evs) < model.DefaultRingLines; i++ {
		evs = append(evs, invocation(i, []string{stream7, stream8}[i%2], i%10 == 0, i%17 == 0)...)
		if len(evs) >= 5000 {
			m.ingest(evs)
			evs = evs[:0]
		}
	}
	m.ingest(evs)
	if m.ring.Len() != model.DefaultRingLines {
		b.Fatalf("buffer %d", m.ring.Len())
	}
	return m
}

// BenchmarkViewFullBuffer renders one frame (200×60) with 50,000 lines
// buffered; the budget is 2 ms.
func BenchmarkViewFullBuffer(b *testing.B) {
	for _, mode := range []string{"follow", "follow-uncached", "paused-search", "json", "split"} {
		b.Run(mode, func(b *testing.B) {
			m := fullPane(b)
			switch mode {
			case "paused-search":
				m.Update(panetest.Key("space"))
				for range 500 {
					m.Update(panetest.Key("up"))
				}
				m.search = "declined"
			case "json":
				m.json = true
			case "split":
				m.split, m.splitW = []string{"7", "8"}, []float64{0.9, 0.1}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if mode == "follow-uncached" {
					m.cache = nil // every row rendered: a screenful of new lines
				}
				_ = m.View()
			}
		})
	}
}

// BenchmarkPaneIngest parses and buffers events through the pane (the
// work done per arriving batch, before the frame).
func BenchmarkPaneIngest(b *testing.B) {
	fn := model.Function{Name: "orders-api"}
	m := NewMulti(common.Deps{}, styles.New(true), keymap.Default(), []model.Function{fn}, Options{Heartbeat: -1})
	var evs []model.LogEvent
	for i := 0; len(evs) < 100_000; i++ {
		evs = append(evs, invocation(i, stream7, false, false)...)
	}
	for i := range evs {
		evs[i].EventID = fmt.Sprint("b", i)
	}
	b.ResetTimer()
	for done := 0; done < b.N; {
		lo := done % len(evs)
		hi := min(lo+500, len(evs), lo+b.N-done)
		if lo == 0 {
			m.ring.Reset()
		}
		m.ingest(evs[lo:hi])
		done += hi - lo
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
