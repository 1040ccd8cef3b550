package model

import "time"

// Invocation is one invocation as the invoke history keeps it across runs
// of the program: what was asked and what came back, never the payload
// sent (it may hold secrets; the editor's saved test events are where a
// payload is kept on purpose).
type Invocation struct {
	At        time.Time
	Function  string
	Qualifier string
	Type      InvocationType
	Size      int // payload bytes sent
	Result    InvokeResult
	Err       string `json:",omitempty"` // the call's error, if it failed
}

// Limits of the kept invocation history.
const (
	MaxKeptInvocations = 20       // per function
	MaxKeptResponse    = 16 << 10 // bytes of each response payload
)

// Trimmed is inv as kept: the response cut to MaxKeptResponse.
func (inv Invocation) Trimmed() Invocation {
	if len(inv.Result.Payload) > MaxKeptResponse {
		inv.Result.Payload = append([]byte(nil), inv.Result.Payload[:MaxKeptResponse]...)
	}
	return inv
}
