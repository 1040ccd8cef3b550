package functions

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/internal/table"
)

// Column indices (display order).
const (
	colName = iota
	colRuntime
	colMem
	colTimeout
	colState
	colInvoc
	colErr
	colP99
	colThr
	colRsv
	colArch
	colUpdate
	colPkg
	colModified
	colTags
	colAlarm
)

// columns are the functions table's columns. Priorities put what an
// operator looks at first (the metrics, then the runtime) last to go when
// the pane narrows; the name takes spare width up to Lambda's 64.
func (m *Model) columns() []table.Column[*row] {
	return []table.Column[*row]{
		colName: {Title: "NAME", Width: 24, Max: 64, Priority: 0, Cell: func(r *row) string { return r.fn.Name },
			Less: func(a, b *row) bool { return a.fn.Name < b.fn.Name }},
		colRuntime: {Title: "RUNTIME", Width: 15, Priority: 6, Field: "runtime", Cell: func(r *row) string { return orDash(runtime(r.fn)) },
			Less: func(a, b *row) bool { return runtime(a.fn) < runtime(b.fn) }},
		colMem: {Title: "MEM", Width: 6, Priority: 7, Right: true, Cell: func(r *row) string { return strconv.Itoa(r.fn.MemoryMB) },
			Less: func(a, b *row) bool { return a.fn.MemoryMB < b.fn.MemoryMB }},
		colTimeout: {Title: "TIMEOUT", Width: 7, Priority: 8, Right: true, Cell: func(r *row) string { return strconv.Itoa(r.fn.TimeoutSec) + "s" },
			Less: func(a, b *row) bool { return a.fn.TimeoutSec < b.fn.TimeoutSec }},
		colState: {Title: "STATE", Width: 8, Priority: 9, Field: "state", Cell: func(r *row) string { return orDash(r.fn.State) },
			Less: func(a, b *row) bool { return a.fn.State < b.fn.State }},
		colInvoc: {Title: "INVOC", Width: 7, Priority: 1, Right: true, Cell: func(r *row) string { return r.metricCell(mInvocations) },
			Less: func(a, b *row) bool { return a.metric(mInvocations) < b.metric(mInvocations) }},
		colErr: {Title: "ERR%", Width: 6, Priority: 2, Right: true, Cell: func(r *row) string { return r.errPctCell() },
			Less: func(a, b *row) bool { return a.errPct() < b.errPct() }, SortName: "err%"},
		colP99: {Title: "P99/TO", Width: 7, Priority: 3, Right: true, Cell: func(r *row) string { return r.p99Cell() },
			Less: func(a, b *row) bool { return a.p99Ratio() < b.p99Ratio() }, SortName: "p99/to"},
		colThr: {Title: "THR", Width: 5, Priority: 4, Right: true, Cell: func(r *row) string { return r.metricCell(mThrottles) },
			Less: func(a, b *row) bool { return a.metric(mThrottles) < b.metric(mThrottles) }},
		colRsv: {Title: "RSV", Width: 4, Priority: 5, Right: true, Cell: rsvCell,
			Less: func(a, b *row) bool { return reservedSort(a.fn) < reservedSort(b.fn) }},
		colArch: {Title: "ARCH", Width: 6, Priority: 10, Field: "arch", Cell: func(r *row) string { return orDash(r.fn.Architecture) },
			Less: func(a, b *row) bool { return a.fn.Architecture < b.fn.Architecture }},
		colUpdate: {Title: "UPDATE", Width: 10, Priority: 11, Cell: func(r *row) string { return orDash(r.fn.LastUpdateStatus) },
			Less: func(a, b *row) bool { return a.fn.LastUpdateStatus < b.fn.LastUpdateStatus }},
		colPkg: {Title: "PKG", Width: 5, Priority: 12, Cell: func(r *row) string { return orDash(r.fn.PackageType) },
			Less: func(a, b *row) bool { return a.fn.PackageType < b.fn.PackageType }},
		colModified: {Title: "MODIFIED", Width: 16, Priority: 13, Cell: func(r *row) string { return modified(r.fn.LastModified) },
			Less: func(a, b *row) bool { return a.fn.LastModified.Before(b.fn.LastModified) }},
		colTags: {Title: "TAGS", Width: 24, Priority: 14, Cell: tagsCell, Less: tagsLess},
		colAlarm: {Title: "ALARM", Width: 5, Priority: 5, Right: true, Cell: m.alarmCell,
			Less: func(a, b *row) bool { return a.inAlarm < b.inAlarm }, SortName: "alarms in ALARM"},
	}
}

// metricColumn reports whether sorting by c depends on the metrics.
func metricColumn(c int) bool { return c == colInvoc || c == colErr || c == colP99 || c == colThr }

// tableConfig is the functions table: keyed by name, fuzzy on the
// lower-cased name, re-rendered when a row's version changes, coloured
// by health, with the tag: field.
func (m *Model) tableConfig() table.Config[*row] {
	return table.Config[*row]{
		Columns: m.columns(),
		Key:     func(r *row) string { return r.fn.Name },
		Text:    func(r *row) string { return r.lower },
		Version: func(r *row) uint64 { return uint64(m.colst.gen)<<32 | uint64(r.ver) },
		Style:   m.rowStyle,
		Fields: []table.Field[*row]{{Name: "tag", Column: -1, Match: func(r *row, arg string) bool {
			k, v, hasV := table.KV(arg)
			got, has := r.fn.Tags[k]
			return has && (!hasV || strings.EqualFold(got, v))
		}}, m.alarmField()},
		Empty: "no functions in this region",
	}
}

// rowStyle colours failing rows (or about to time out) as errors and
// degraded ones as warnings.
func (m *Model) rowStyle(r *row) *lipgloss.Style {
	switch {
	case r.inAlarm > 0:
		return &m.st.Alarm
	case r.fn.State == "Failed" || r.fn.LastUpdateStatus == "Failed":
		return &m.st.Error
	case r.errPct() >= 5 || r.p99Ratio() >= 0.9:
		return &m.st.Error
	case r.fn.State == "Pending" || r.fn.LastUpdateStatus == "InProgress" ||
		r.errPct() >= 1 || r.p99Ratio() >= 0.5 || r.metric(mThrottles) > 0:
		return &m.st.Warn
	}
	return nil
}

func runtime(f model.Function) string {
	if f.Runtime == "" && f.PackageType == "Image" {
		return "image"
	}
	return f.Runtime
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func reserved(f model.Function) string {
	if f.Reserved == nil {
		return "-"
	}
	return strconv.Itoa(*f.Reserved)
}

func reservedN(f model.Function) int {
	if f.Reserved == nil {
		return -1
	}
	return *f.Reserved
}

func modified(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// thousands formats n with commas: 5000 → "5,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func compact(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0fk", v/1e3)
	}
	return strconv.Itoa(int(v))
}
