package functions

import (
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/model"
)

// The ALARM column counts each function's alarms in ALARM from one
// DescribeAlarms read, sorts, colours, and alarm: filters.
func TestAlarmColumnAndFilter(t *testing.T) {
	m, s := newPane(t, 20)
	a, b := s.Fns[3].Name, s.Fns[7].Name
	lam := func(fn string) []model.AlarmDim { return []model.AlarmDim{{Name: "FunctionName", Value: fn}} }
	s.AlarmList = []model.Alarm{
		{Name: "pay-errors", State: model.AlarmAlarm, Namespace: "AWS/Lambda", Dimensions: lam(a)},
		{Name: "pay-throttles", State: model.AlarmAlarm, Namespace: "AWS/Lambda", Dimensions: lam(a)},
		{Name: "other-p99", State: model.AlarmOK, Namespace: "AWS/Lambda", Dimensions: lam(b)},
	}
	drive(t, m, m.Init())
	if s.Calls("Alarms") != 1 {
		t.Fatalf("Alarms called %d times", s.Calls("Alarms"))
	}
	if m.rows[a].inAlarm != 2 || m.rows[b].inAlarm != 0 {
		t.Fatalf("counts %d %d", m.rows[a].inAlarm, m.rows[b].inAlarm)
	}
	if c := m.alarmCell(m.rows[b]); c != "0" {
		t.Errorf("b cell %q", c)
	}
	if c := m.alarmCell(m.rows[s.Fns[0].Name]); c != "-" {
		t.Errorf("no-alarm cell %q", c)
	}
	m.t.SortBy(colAlarm, true)
	if r, _ := m.t.Selected(); m.t.At(0).fn.Name != a {
		t.Errorf("sorted by ALARM: first %s (selected %s)", m.t.At(0).fn.Name, r.fn.Name)
	}
	for q, want := range map[string][]string{"alarm:ALARM": {a}, "alarm:ok": {b}, "alarm:pay-": {a}, "alarm:other": {b}, "!alarm:ALARM": nil} {
		m.SetFilter(q)
		var got []string
		for i := 0; i < m.t.Len(); i++ {
			got = append(got, m.t.At(i).fn.Name)
		}
		if want == nil {
			if len(got) != 19 {
				t.Errorf("%s: %d rows", q, len(got))
			}
			continue
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
}
