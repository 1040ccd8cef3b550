package alarms

import (
	"encoding/json"
	"math"

	"github.com/lambdaops/lambdaops/model"
)

// ChartLine is one line of a chart: its cells, and which are bars above
// the threshold.
type ChartLine struct {
	Cells []rune
	Over  []bool
}

var blocks = []rune(" ▁▂▃▄▅▆▇█")

// Chart draws values (the newest last, the last width of them) as bars of
// height rows, scaled from 0 to the larger of the maximum and the
// threshold, with the threshold as a line of ─ where no bar reaches it.
// Bars at or above the threshold are marked Over when markOver.
func Chart(values []float64, threshold float64, markOver bool, width, height int) []ChartLine {
	if width <= 0 || height <= 0 || len(values) == 0 {
		return nil
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	top := threshold
	for _, v := range values {
		if !math.IsNaN(v) && v > top {
			top = v
		}
	}
	if top <= 0 {
		top = 1
	}
	levels := height * 8
	thrLevel := int(math.Round(threshold / top * float64(levels)))
	thrRow := min(height-1, max(0, (thrLevel-1)/8)) // from the bottom
	out := make([]ChartLine, height)
	for r := range out {
		out[r] = ChartLine{Cells: make([]rune, len(values)), Over: make([]bool, len(values))}
	}
	for i, v := range values {
		lv := 0
		if !math.IsNaN(v) && v > 0 {
			lv = max(1, int(math.Round(v/top*float64(levels))))
		}
		over := markOver && v >= threshold && v > 0
		for r := 0; r < height; r++ { // r from the bottom
			line := &out[height-1-r]
			fill := lv - r*8
			switch {
			case fill >= 8:
				line.Cells[i] = blocks[8]
			case fill > 0:
				line.Cells[i] = blocks[fill]
			case r == thrRow && threshold > 0:
				line.Cells[i] = '─'
			default:
				line.Cells[i] = ' '
			}
			line.Over[i] = over && fill > 0
		}
	}
	return out
}

// historyReason is the new state's reason of a StateUpdate entry.
func historyReason(h model.AlarmHistory) string {
	if h.Type != "StateUpdate" || h.Data == "" {
		return ""
	}
	var d struct {
		NewState struct {
			StateReason string `json:"stateReason"`
		} `json:"newState"`
	}
	if json.Unmarshal([]byte(h.Data), &d) != nil {
		return ""
	}
	return d.NewState.StateReason
}
