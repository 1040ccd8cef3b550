package concurrency

import (
	"fmt"
	"strconv"

	"github.com/lambdaops/lambdaops/model"
)

// Ledger is what the pane shows.
type Ledger struct {
	Settings    model.AccountSettings
	SettingsErr error // e.g. awsapi.ErrUnsupported
	Reserved    *int
	Provisioned []model.ProvisionedConfig
	Aliases     []model.Alias
	// Function is the function's configuration when the pane was opened
	// without it (":concurrency <name>"): the cost of provisioned
	// concurrency needs its memory and architecture.
	Function *model.Function
}

// Row is one line of the provisioned table.
type Row struct {
	Qualifier string
	Alias     bool
	Config    *model.ProvisionedConfig
	Orphan    bool
	Util      float64 // 0..1, <0 unknown
}

// Rows builds the provisioned table: every config, then aliases without one.
func (l Ledger) Rows() []Row {
	aliasNames := map[string]bool{}
	pointed := map[string]bool{}
	for _, a := range l.Aliases {
		aliasNames[a.Name] = true
		pointed[a.Version] = true
		if a.Routing.AdditionalVersion != "" {
			pointed[a.Routing.AdditionalVersion] = true
		}
	}
	var rows []Row
	seen := map[string]bool{}
	for i := range l.Provisioned {
		c := &l.Provisioned[i]
		r := Row{Qualifier: c.Qualifier, Alias: aliasNames[c.Qualifier], Config: c, Util: -1}
		if _, err := strconv.Atoi(c.Qualifier); err == nil && !pointed[c.Qualifier] {
			r.Orphan = true
		}
		seen[c.Qualifier] = true
		rows = append(rows, r)
	}
	for _, a := range l.Aliases {
		if !seen[a.Name] {
			rows = append(rows, Row{Qualifier: a.Name, Alias: true, Util: -1})
		}
	}
	return rows
}

// Orphans lists the qualifiers of orphaned provisioned configs.
func (l Ledger) Orphans() []string {
	var out []string
	for _, r := range l.Rows() {
		if r.Orphan {
			out = append(out, r.Qualifier)
		}
	}
	return out
}

// ProvisionedTotal is the provisioned concurrency requested over every
// qualifier of the function.
func (l Ledger) ProvisionedTotal() int {
	n := 0
	for _, c := range l.Provisioned {
		n += c.Requested
	}
	return n
}

// FloorCheck returns the refusal (with its arithmetic) when reserving n
// would leave fewer than MinUnreserved unreserved executions, else "".
func (l Ledger) FloorCheck(n int) string {
	if l.SettingsErr != nil || l.Settings.ConcurrentExecutions == 0 {
		return ""
	}
	cur := 0
	if l.Reserved != nil {
		cur = *l.Reserved
	}
	left := l.Settings.UnreservedConcurrentExecutions + cur - n
	if left >= MinUnreserved {
		return ""
	}
	return Arithmetic(l.Settings.UnreservedConcurrentExecutions, cur, n)
}

// Arithmetic explains a floor refusal.
func Arithmetic(unreserved, current, requested int) string {
	left := unreserved + current - requested
	return fmt.Sprintf("refused: reserving %d leaves %d unreserved = %d unreserved now + %d this function holds − %d requested; Lambda keeps at least %d (the most you can reserve is %d)",
		requested, left, unreserved, current, requested, MinUnreserved, max(0, unreserved+current-MinUnreserved))
}
