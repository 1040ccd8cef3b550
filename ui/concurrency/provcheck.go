package concurrency

import (
	"fmt"

	"github.com/lambdaops/lambdaops/model"
)

// ProvisionedPrompt says what to type in the provisioned-concurrency prompt.
const ProvisionedPrompt = "Provisioned concurrency: type alias count, e.g. live 10 (0 removes)"

// CheckProvisioned checks a request for n provisioned executions on
// qualifier q against the function's reserved concurrency before anything
// is sent: Lambda refuses provisioned concurrency above the reservation
// (summed over the function's qualifiers).
func CheckProvisioned(l Ledger, fn, q string, n int) error {
	if l.Reserved == nil || n == 0 {
		return nil
	}
	others := 0
	for _, c := range l.Provisioned {
		if c.Qualifier != q {
			others += c.Requested
		}
	}
	if others+n > *l.Reserved {
		room := max(0, *l.Reserved-others)
		if others > 0 {
			return fmt.Errorf("%s has %d reserved executions and %d already provisioned on other qualifiers: at most %d fits on %s; raise the reservation first (R)",
				fn, *l.Reserved, others, room, q)
		}
		return fmt.Errorf("%s has %d reserved executions: provisioned concurrency cannot exceed them (at most %d on %s); raise the reservation first (R)",
			fn, *l.Reserved, room, q)
	}
	return nil
}

// ProvisionedMonthly is the always-on monthly charge of n provisioned
// executions of memMB on arch (before the invocations they serve).
func ProvisionedMonthly(n, memMB int, arch string) float64 {
	price := model.DefaultPrices.PCGBSecondX86
	if arch == "arm64" {
		price = model.DefaultPrices.PCGBSecondARM
	}
	return float64(n) * float64(memMB) / 1024 * model.HoursPerMonth * 3600 * price
}

func (m *Model) provisionedCost(n int) string {
	mem, arch := m.fn.MemoryMB, m.fn.Architecture
	if arch == "" {
		arch = "x86_64"
	}
	if mem <= 0 {
		return "monthly cost unknown (memory not known)"
	}
	return fmt.Sprintf("≈ $%.2f a month, always on: %d × %d MB %s at $%.10f per GB-second (us-east-1), before the invocations it serves",
		ProvisionedMonthly(n, mem, arch), n, mem, arch, map[bool]float64{true: model.DefaultPrices.PCGBSecondARM, false: model.DefaultPrices.PCGBSecondX86}[arch == "arm64"])
}
