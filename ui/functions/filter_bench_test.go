package functions

import (
	"fmt"
	"testing"

	"github.com/lambdaops/lambdaops/ui/internal/fake"
)

// BenchmarkRefilter is the filter alone (no rendering) at 100,000 rows:
// "pa" and "pay" alternately with no remembered results, so every other
// step scans the whole list (backspace) and the others narrow the last
// result (typing one more character).
//
//	go test ./ui/functions -run '^$' -bench Refilter -benchmem
func BenchmarkRefilter(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m, _ := newPane(b, 0)
			m.SetFunctions(fake.Functions(n, "us-east-1"))
			m.SetFilter("pa")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.ForgetFilterResults()
				if i%2 == 0 {
					m.SetFilter("pay")
				} else {
					m.SetFilter("pa")
				}
			}
		})
	}
}

// BenchmarkRefilterFull is one whole-list scan per op.
func BenchmarkRefilterFull(b *testing.B) {
	m, _ := newPane(b, 0)
	m.SetFunctions(fake.Functions(100_000, "us-east-1"))
	for _, q := range []string{"pa", "pay", "ingest", "zz", "!api"} {
		b.Run(q, func(b *testing.B) {
			m.SetFilter("")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.ForgetFilterResults()
				m.SetFilter(q)
				m.SetFilter("")
			}
		})
	}
}
