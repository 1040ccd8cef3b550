package tune

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/styles"
)

func TestChartLabelsEverySize(t *testing.T) {
	var rs []model.SizeResult
	for i, mb := range model.DefaultTuneSizes {
		rs = append(rs, model.SizeResult{MemoryMB: mb, N: 10, MeanMs: 3000 / float64(i+1), CostPerMillion: float64(5 + i)})
	}
	for _, w := range []int{60, 72, 100} {
		out := ansi.Strip(Chart(styles.New(true), rs, w, 14, 1024))
		lines := strings.Split(out, "\n")
		if len(lines) != 14 {
			t.Errorf("width %d: %d lines", w, len(lines))
		}
		last := lines[len(lines)-1]
		for _, mb := range []string{"128", "1024", "3008"} {
			if !strings.Contains(last, mb) {
				t.Errorf("width %d: x labels %q lack %s", w, last, mb)
			}
		}
		if !strings.Contains(out, "★") {
			t.Errorf("width %d: recommended size not marked", w)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Errorf("width %d: line %q too wide", w, l)
			}
		}
	}
}
