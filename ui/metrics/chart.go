package metrics

import "strings"

// blocks are the partial cells of a vertical bar, in eighths.
var blocks = []rune(" ▁▂▃▄▅▆▇█")

// Bars draws the newest width values as vertical bars height rows tall,
// scaled so that ceiling reaches the top (values above it are clipped and
// flagged by the caller). Rows are returned top first.
func Bars(values []float64, width, height int, ceiling float64) []string {
	if width <= 0 || height <= 0 {
		return nil
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	rows := make([][]rune, height)
	for r := range rows {
		rows[r] = []rune(strings.Repeat(" ", len(values)))
	}
	for c, v := range values {
		if ceiling <= 0 || v <= 0 {
			continue
		}
		eighths := int(min(v/ceiling, 1)*float64(height*8) + 0.5)
		eighths = max(eighths, 1)
		for r := 0; r < height; r++ {
			fill := min(max(eighths-r*8, 0), 8) // rows from the bottom
			rows[height-1-r][c] = blocks[fill]
		}
	}
	out := make([]string, height)
	for i, r := range rows {
		out[i] = string(r)
	}
	return out
}
