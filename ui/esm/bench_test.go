package esm

import (
	"fmt"
	"testing"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

func benchPane(b *testing.B, n int) *Model {
	b.Helper()
	m := New(common.Deps{}, styles.New(true), keymap.Default(), "", Options{})
	items := make([]model.ESM, n)
	ages := map[string][]float64{}
	for i := range items {
		fn := fmt.Sprintf("team-%02d-stream-handler-%05d", i%40, i)
		items[i] = model.ESM{UUID: fmt.Sprint(i), Function: fn, SourceARN: fmt.Sprintf("arn:aws:kinesis:us-east-1:1:stream/s%d", i),
			SourceType: "Kinesis", State: "Enabled", BatchSize: 100, BatchWindowSec: 1, LastProcessingResult: "OK"}
		ages[fn] = []float64{1, 5, 20, 400, 9000, 120000}
	}
	m.loaded, m.ages = true, ages
	m.setItems(items)
	m.SetSize(200, 60)
	return m
}

// BenchmarkRegionCursorMove is a cursor move (Update) plus View of the
// region-wide list; only visible rows are rendered, so it does not grow
// with the number of mappings.
func BenchmarkRegionCursorMove(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m := benchPane(b, n)
			down := panetest.Key("j")
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%(n-1) == n-2 {
					m.t.SetCursor(0)
				}
				m.Update(down)
				_ = m.View()
			}
		})
	}
}
