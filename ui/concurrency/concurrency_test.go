package concurrency

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/aws"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/dialog"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// session is the counting fake with a concurrency world: reserved values,
// provisioned configs that become READY after two reads, the floor rule.
type session struct {
	*fake.Session
	mu       sync.Mutex
	settings model.AccountSettings
	reserved map[string]*int
	prov     map[string][]model.ProvisionedConfig
	aliases  []model.Alias
	puts     []int
	fail     bool
}

func newSession() *session {
	s := &session{Session: fake.New("us-east-1", 2), reserved: map[string]*int{}, prov: map[string][]model.ProvisionedConfig{}}
	s.settings = model.AccountSettings{ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 900}
	fn := s.Fns[0].Name
	ten := 10
	s.reserved[fn] = &ten
	s.aliases = []model.Alias{{Function: fn, Name: "live", Version: "5"}, {Function: fn, Name: "canary", Version: "5", Routing: model.Routing{AdditionalVersion: "6", Weight: 0.1}}}
	s.prov[fn] = []model.ProvisionedConfig{
		{Function: fn, Qualifier: "live", Requested: 5, Allocated: 5, Available: 5, Status: "READY"},
		{Function: fn, Qualifier: "3", Requested: 2, Allocated: 2, Available: 2, Status: "READY"},
	}
	return s
}

func (s *session) AccountSettings(ctx context.Context) (model.AccountSettings, error) {
	s.Session.AccountSettings(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings, nil
}

func (s *session) GetReserved(ctx context.Context, fn string) (*int, error) {
	s.Session.GetReserved(ctx, fn)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reserved[fn], nil
}

func (s *session) ListAliases(ctx context.Context, fn string) ([]model.Alias, error) {
	s.Session.ListAliases(ctx, fn)
	return s.aliases, nil
}

func (s *session) ListProvisioned(ctx context.Context, fn string) ([]model.ProvisionedConfig, error) {
	s.Session.ListProvisioned(ctx, fn)
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.prov[fn]
	for i := range l {
		if l[i].Status == "IN_PROGRESS" {
			l[i].Allocated = min(l[i].Requested, l[i].Allocated+l[i].Requested/2+1)
			if l[i].Allocated == l[i].Requested {
				l[i].Status = "READY"
				if s.fail {
					l[i].Status, l[i].StatusReason = "FAILED", "not enough capacity"
				}
			}
		}
	}
	return append([]model.ProvisionedConfig(nil), l...), nil
}

func (s *session) PutReserved(ctx context.Context, fn string, n int) error {
	if err := s.Session.PutReserved(ctx, fn, n); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := 0
	if r := s.reserved[fn]; r != nil {
		cur = *r
	}
	if s.settings.UnreservedConcurrentExecutions+cur-n < aws.MinUnreserved {
		return &aws.FloorError{Limit: 1000, Unreserved: s.settings.UnreservedConcurrentExecutions, CurrentReserved: cur, Requested: n}
	}
	s.settings.UnreservedConcurrentExecutions += cur - n
	s.reserved[fn] = &n
	s.puts = append(s.puts, n)
	return nil
}

func (s *session) DeleteReserved(ctx context.Context, fn string) error {
	if err := s.Session.DeleteReserved(ctx, fn); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.reserved[fn]; r != nil {
		s.settings.UnreservedConcurrentExecutions += *r
	}
	s.reserved[fn] = nil
	return nil
}

func (s *session) PutProvisioned(ctx context.Context, fn, q string, n int) (model.ProvisionedConfig, error) {
	if _, err := s.Session.PutProvisioned(ctx, fn, q, n); err != nil {
		return model.ProvisionedConfig{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := model.ProvisionedConfig{Function: fn, Qualifier: q, Requested: n, Status: "IN_PROGRESS"}
	s.prov[fn] = append(s.prov[fn], c)
	return c, nil
}

func now() <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Time{}
	return c
}

func newPane(t *testing.T, s *session, open string) (*Model, *panetest.Harness) {
	t.Helper()
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
	m := New(deps, styles.NewPlain(), keymap.Default(), s.Fns[0], Options{Open: open, Wait: func(time.Duration) <-chan time.Time { return now() }})
	m.SetSize(120, 30)
	h := panetest.New(t, m)
	h.Run(m.Init())
	return m, h
}

func TestReservedFlow(t *testing.T) {
	s := newSession()
	m, h := newPane(t, s, ArgReserved)
	if len(h.Dialogs) != 1 || !strings.Contains(h.DialogView(), "Reserved concurrency for") {
		t.Fatalf("R did not open the prompt: %q", h.DialogView())
	}
	h.Press("backspace", "backspace") // the prompt holds the current value, 10
	h.TypeText("5\n")
	if len(h.Dialogs) != 1 || !strings.Contains(h.DialogView(), "reserved  10 → 5") || !strings.Contains(h.DialogView(), "unreserved 900 → 905") {
		t.Fatalf("confirmation: %q", h.DialogView())
	}
	before := s.Calls("")
	cmd := h.Pane.Update(panetest.Key("R"))
	if s.Calls("") != before {
		t.Fatal("Update called AWS")
	}
	_ = cmd
	if s.Calls("PutReserved") != 0 {
		t.Fatal("sent before y")
	}
	h.Press("y")
	if len(s.puts) != 1 || s.puts[0] != 5 {
		t.Fatalf("puts %v (%s)", s.puts, s.CallLog())
	}
	l, _ := m.Ledger()
	if l.Reserved == nil || *l.Reserved != 5 || !strings.Contains(m.Notice(), "now 5") {
		t.Fatalf("ledger %+v notice %q", l.Reserved, m.Notice())
	}
}

func TestFloorRefusalShowsArithmetic(t *testing.T) {
	s := newSession()
	s.settings.UnreservedConcurrentExecutions = 150
	m, h := newPane(t, s, "")
	h.Press("R")
	h.Press("backspace", "backspace")
	h.TypeText("80\n")
	want := "refused: reserving 80 leaves 80 unreserved = 150 unreserved now + 10 this function holds − 80 requested; Lambda keeps at least 100 (the most you can reserve is 60)"
	// the dialog contract: the refusal shows in the prompt, which stays open
	if len(h.Dialogs) != 1 || s.Calls("PutReserved") != 0 {
		t.Fatalf("refused value closed the prompt or reached AWS: %s", s.CallLog())
	}
	if d := h.Dialogs[0].(*dialog.PromptDialog); d.Err() == nil || d.Err().Error() != want {
		t.Fatalf("inline error\n%v\nwant\n%q", d.Err(), want)
	}
	h.Press("esc")
	// a refusal that reaches the pane (a confirm opened before the ledger
	// changed) is shown there
	h.Run(m.confirmReserved(func() *int { v := 80; return &v }()))
	if m.Notice() != want {
		t.Fatalf("notice\n%q\nwant\n%q", m.Notice(), want)
	}
	if !strings.Contains(ansi.Strip(m.View()), "the most you can reserve is 60") {
		t.Fatalf("view:\n%s", m.View())
	}
	// the aws layer's refusal (ledger not yet loaded) is explained the same way
	h.Deliver(reservedDoneMsg{err: &aws.FloorError{Limit: 1000, Unreserved: 150, CurrentReserved: 10, Requested: 80}})
	if m.Notice() != want {
		t.Fatalf("aws refusal notice %q", m.Notice())
	}
}

func TestZeroAsksForTheName(t *testing.T) {
	s := newSession()
	fn := s.Fns[0].Name
	m, h := newPane(t, s, ArgReserved)
	h.Press("backspace", "backspace")
	h.TypeText("0\n")
	v := h.DialogView()
	if !strings.Contains(v, "STOPS EVERY INVOCATION") || !strings.Contains(v, "type "+fn) {
		t.Fatalf("zero confirmation: %q", v)
	}
	// the profile is not protected: the line says why the name is asked for
	if strings.Contains(v, "PROTECTED") || !strings.Contains(v, "THIS STOPS EVERY INVOCATION: type "+fn) {
		t.Fatalf("the name prompt should say why, not PROTECTED: %q", v)
	}
	h.Press("y")
	if s.Calls("PutReserved") != 0 || len(h.Dialogs) != 1 {
		t.Fatal("y accepted for 0")
	}
	h.TypeText("wrong-name\n")
	if s.Calls("PutReserved") != 0 || len(h.Dialogs) != 1 {
		t.Fatal("a wrong name accepted")
	}
	for range "ywrong-name" {
		h.Press("backspace")
	}
	h.TypeText(fn + "\n")
	if len(s.puts) != 1 || s.puts[0] != 0 {
		t.Fatalf("puts %v", s.puts)
	}
	if !strings.Contains(m.Notice(), "every invocation is throttled") {
		t.Fatalf("notice %q", m.Notice())
	}
}

func TestReadOnlyRefusesWithoutRequest(t *testing.T) {
	s := newSession()
	s.T.Protection = model.ReadOnly
	m, h := newPane(t, s, ArgReserved)
	h.Press("R", "C")
	if len(h.Dialogs) != 0 {
		t.Fatal("a dialog opened in read-only mode")
	}
	h.Deliver(reservedAskMsg{})
	h.Deliver(provAskMsg{q: "live", n: 3})
	if n := s.Calls("PutReserved") + s.Calls("DeleteReserved") + s.Calls("PutProvisioned") + s.Calls("DeleteProvisioned"); n != 0 || len(h.Dialogs) != 0 {
		t.Fatalf("read-only mutations: %s", s.CallLog())
	}
	if !strings.Contains(m.Notice(), "read-only mode") || !strings.Contains(m.Notice(), "nothing was sent") {
		t.Fatalf("notice %q", m.Notice())
	}
}

func TestOrphanFlagged(t *testing.T) {
	s := newSession()
	m, _ := newPane(t, s, "")
	l, ok := m.Ledger()
	if !ok {
		t.Fatal("not loaded")
	}
	if o := l.Orphans(); len(o) != 1 || o[0] != "3" {
		t.Fatalf("orphans %v", o)
	}
	// version 6 is the canary's additional version: not an orphan
	l.Provisioned = append(l.Provisioned, model.ProvisionedConfig{Qualifier: "6", Requested: 1, Status: "READY"})
	if o := l.Orphans(); len(o) != 1 {
		t.Fatalf("orphans %v", o)
	}
	if !strings.Contains(ansi.Strip(m.View()), "1 orphaned: version 3 has provisioned concurrency") {
		t.Fatalf("view:\n%s", ansi.Strip(m.View()))
	}
}

func TestProvisionedAllocationIsAJob(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprint("fail=", fail), func(t *testing.T) {
			s := newSession()
			s.fail = fail
			m, h := newPane(t, s, "")
			h.Press("j", "j") // the canary alias row (live, 3, canary)
			h.Press("C")
			if len(h.Dialogs) != 1 {
				t.Fatal("no prompt")
			}
			h.TypeText("3\n") // 10 reserved, 7 provisioned elsewhere: 3 fits (4 would not, see TestProvisionedCheckedAgainstReserved)
			if !strings.Contains(h.DialogView(), "Provision 3 on") {
				t.Fatalf("confirm %q", h.DialogView())
			}
			h.Press("y")
			if s.Calls("PutProvisioned") != 1 {
				t.Fatalf("calls %s", s.CallLog())
			}
			if len(h.Jobs) < 3 {
				t.Fatalf("jobs %+v", h.Jobs)
			}
			first, last := h.Jobs[0], h.Jobs[len(h.Jobs)-1]
			if first.Done || !last.Done || first.ID != last.ID || !strings.Contains(first.Label, ":canary") {
				t.Fatalf("jobs %+v", h.Jobs)
			}
			if fail {
				if last.Err == nil || !strings.Contains(m.Notice(), "FAILED: not enough capacity") {
					t.Fatalf("failure not shown: %q %+v", m.Notice(), last)
				}
				return
			}
			if last.Err != nil || !strings.Contains(m.Notice(), "READY (3)") {
				t.Fatalf("notice %q last %+v", m.Notice(), last)
			}
		})
	}
}

func TestParseProvisioned(t *testing.T) {
	if q, n, err := ParseProvisioned(" live  10 "); err != nil || q != "live" || n != 10 {
		t.Fatal(q, n, err)
	}
	for _, bad := range []string{"", "live", "live x", "$LATEST 3", "live -1"} {
		if _, _, err := ParseProvisioned(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestGoldenLedger(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			s := newSession()
			m, _ := newPane(t, s, "")
			m.SetSize(sz[0], sz[1])
			golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
		})
	}
}

// TestProvisionedCheckedAgainstReserved: asking for more provisioned
// concurrency than the reservation leaves is refused in the prompt (nothing
// sent); an accepted request's confirmation shows the monthly cost.
func TestProvisionedCheckedAgainstReserved(t *testing.T) {
	s := newSession()
	_, h := newPane(t, s, "")
	h.Press("j", "j")
	h.Press("C")
	if !strings.Contains(ansi.Strip(h.DialogView()), "type alias count") {
		t.Fatalf("the prompt should say what to type:\n%s", h.DialogView())
	}
	h.TypeText("4\n")
	v := strings.Join(strings.Fields(ansi.Strip(h.DialogView())), " ")
	if !strings.Contains(v, "10 reserved executions") || !strings.Contains(v, "at most 3 fits") {
		t.Fatalf("not refused:\n%s", h.DialogView())
	}
	h.Press("backspace")
	h.TypeText("2\n")
	v = ansi.Strip(h.DialogView())
	if !strings.Contains(v, "a month, always on") || !strings.Contains(v, "$") {
		t.Fatalf("no monthly cost:\n%s", v)
	}
	h.Press("n")
	if s.Calls("PutProvisioned") != 0 {
		t.Fatal("sent")
	}
}

func TestProvisionedMonthly(t *testing.T) {
	// 10 × 1 GB x86 for 730 h at $0.0000041667/GB-s = $109.50
	if got := ProvisionedMonthly(10, 1024, "x86_64"); got < 109.4 || got > 109.6 {
		t.Fatalf("%v", got)
	}
}
