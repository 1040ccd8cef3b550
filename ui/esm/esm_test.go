package esm

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

type update struct {
	uuid    string
	enabled *bool
	batch   *int
	reason  string
}

// session is the counting fake with mappings that pass through a
// transient state for one read after each change.
type session struct {
	*fake.Session
	mu      sync.Mutex
	maps    []model.ESM
	updates []update
	// sweepWithoutTags makes the region-wide listing carry no tags, as the
	// aws layer's sweep does.
	sweepWithoutTags bool
}

func newSession(n int) *session {
	s := &session{Session: fake.New("us-east-1", 4)}
	fn := s.Fns[0]
	s.maps = []model.ESM{
		{UUID: "aaaaaaaa-1", Function: fn.Name, FunctionARN: fn.ARN, SourceARN: "arn:aws:sqs:us-east-1:123456789012:orders-queue", SourceType: "SQS", State: "Enabled", BatchSize: 10, LastProcessingResult: "OK"},
		{UUID: "bbbbbbbb-2", Function: fn.Name, FunctionARN: fn.ARN, SourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks", SourceType: "Kinesis", State: "Enabled", BatchSize: 100, BatchWindowSec: 1, LastProcessingResult: "PROBLEM: Function call failed",
			Tags: map[string]string{CFNTag: "clicks-stack"}},
		{UUID: "cccccccc-3", Function: fn.Name, FunctionARN: fn.ARN, SourceARN: "arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/2026-01-01T00:00:00.000", SourceType: "DynamoDB", State: "Disabled", BatchSize: 100},
	}
	for i := 3; i < n; i++ {
		f := s.Fns[i%len(s.Fns)]
		s.maps = append(s.maps, model.ESM{UUID: fmt.Sprintf("gen-%04d", i), Function: fmt.Sprintf("%s-%d", f.Name, i), SourceARN: fmt.Sprintf("arn:aws:kinesis:us-east-1:123456789012:stream/s%d", i), SourceType: "Kinesis", State: "Enabled", BatchSize: 100})
	}
	retries, age := 1, 3600
	s.Details[fn.Name] = model.FunctionDetail{Function: fn, EventInvoke: &model.EventInvokeConfig{MaxRetryAttempts: &retries, MaxEventAgeSec: &age, OnFailure: "arn:aws:sqs:us-east-1:123456789012:failures"},
		Triggers: []model.Trigger{{Principal: "s3.amazonaws.com", SourceARN: "arn:aws:s3:::uploads"}}}
	s.Series = func(q model.MetricQuery) []float64 { return []float64{1000, 5000, 90000} }
	return s
}

func (s *session) ListMappings(ctx context.Context, fn string) ([]model.ESM, error) {
	s.Session.ListMappings(ctx, fn)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.ESM
	for i := range s.maps {
		m := &s.maps[i]
		switch m.State {
		case "Disabling":
			defer func() { m.State = "Disabled" }()
		case "Enabling":
			defer func() { m.State = "Enabled" }()
		}
		if fn == "" || m.Function == fn {
			x := *m
			if fn == "" && s.sweepWithoutTags {
				x.Tags = nil
			}
			out = append(out, x)
		}
	}
	return out, nil
}

func (s *session) UpdateMapping(ctx context.Context, uuid string, enabled *bool, batch *int, reason string) (model.ESM, error) {
	if _, err := s.Session.UpdateMapping(ctx, uuid, enabled, batch, reason); err != nil {
		return model.ESM{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, update{uuid, enabled, batch, reason})
	for i := range s.maps {
		m := &s.maps[i]
		if m.UUID != uuid {
			continue
		}
		if enabled != nil {
			m.State = map[bool]string{true: "Enabling", false: "Disabling"}[*enabled]
		}
		if batch != nil {
			m.BatchSize = *batch
		}
		out := *m
		out.Tags = nil // as the real API: no tags on the update response
		return out, nil
	}
	return model.ESM{}, fmt.Errorf("ResourceNotFoundException: %s", uuid)
}

func newPane(t *testing.T, s *session, fn string) (*Model, *panetest.Harness) {
	t.Helper()
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
	m := New(deps, styles.NewPlain(), keymap.Default(), fn, Options{After: func(d time.Duration, f func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return f(time.Time{}) }
	}})
	m.SetSize(120, 30)
	h := panetest.New(t, m)
	// settle ticks are held; tests deliver them by hand
	h.Hold = func(msg tea.Msg) bool { _, ok := msg.(settleMsg); return ok }
	h.Run(m.Init())
	return m, h
}

func TestDisableWithReasonAndFollowUntilSettled(t *testing.T) {
	s := newSession(3)
	m, h := newPane(t, s, s.Fns[0].Name)
	if len(m.Items()) != 3 {
		t.Fatalf("items %d", len(m.Items()))
	}
	// rows sort by source: dynamodb, kinesis, sqs; the SQS mapping is last
	h.Press("G")
	before := s.Calls("")
	cmd := m.Update(panetest.Key("e"))
	if s.Calls("") != before {
		t.Fatal("Update called AWS")
	}
	h.Run(cmd)
	if !strings.Contains(h.DialogView(), "Why disable it? (journaled)") {
		t.Fatalf("no reason prompt: %q", h.DialogView())
	}
	h.Press("enter") // empty reason refused
	if len(h.Dialogs) != 1 {
		t.Fatal("empty reason accepted")
	}
	h.TypeText("poison messages INC-7\n")
	if v := h.DialogView(); !strings.Contains(v, "Disable mapping?") || !strings.Contains(v, "reason   poison messages INC-7") {
		t.Fatalf("confirm %q", v)
	}
	if len(s.updates) != 0 {
		t.Fatal("sent before y")
	}
	h.Press("y")
	if len(s.updates) != 1 || s.updates[0].uuid != "aaaaaaaa-1" || s.updates[0].enabled == nil || *s.updates[0].enabled || s.updates[0].reason != "poison messages INC-7" {
		t.Fatalf("updates %+v", s.updates)
	}
	it, _ := m.find("aaaaaaaa-1")
	if it.State != "Disabling" || !m.settling || !strings.Contains(ansi.Strip(m.View()), "following a state change") {
		t.Fatalf("state %s settling %v", it.State, m.settling)
	}
	if len(h.Held) != 1 {
		t.Fatalf("no settle tick held: %d", len(h.Held))
	}
	h.Hold = nil
	h.Deliver(h.Held[0])
	it, _ = m.find("aaaaaaaa-1")
	if it.State != "Disabled" || m.settling {
		t.Fatalf("not settled: %s %v", it.State, m.settling)
	}
}

func TestCloudFormationDriftWarningFirst(t *testing.T) {
	s := newSession(3)
	m, h := newPane(t, s, s.Fns[0].Name)
	h.Press("j") // kinesis, tagged
	h.Press("b")
	if v := h.DialogView(); !strings.Contains(v, "CloudFormation") || !strings.Contains(v, "clicks-stack") {
		t.Fatalf("no drift warning: %q", v)
	}
	h.Press("n")
	if len(h.Dialogs) != 0 || s.Calls("UpdateMapping") != 0 {
		t.Fatal("refusing the warning did not stop")
	}
	h.Press("b", "y")
	if !strings.Contains(h.DialogView(), "New batch size (now 100)") {
		t.Fatalf("no batch prompt after the warning: %q", h.DialogView())
	}
	for range "100" {
		h.Press("backspace")
	}
	h.TypeText("50\n")
	if !strings.Contains(h.DialogView(), "batch    100 → 50") {
		t.Fatalf("confirm %q", h.DialogView())
	}
	h.Press("y")
	if len(s.updates) != 1 || s.updates[0].batch == nil || *s.updates[0].batch != 50 || s.updates[0].enabled != nil {
		t.Fatalf("updates %+v", s.updates)
	}
	it, _ := m.find("bbbbbbbb-2")
	if it.BatchSize != 50 || it.Tags[CFNTag] == "" {
		t.Fatalf("item after update %+v", it)
	}
}

func TestRegionListReadsTagsBeforeChanging(t *testing.T) {
	s := newSession(3)
	s.sweepWithoutTags = true
	m, h := newPane(t, s, "")
	for i := 0; i < 3; i++ {
		if it, ok := m.selected(); ok && it.UUID == "bbbbbbbb-2" {
			break
		}
		h.Press("j")
	}
	if it, _ := m.selected(); it.UUID != "bbbbbbbb-2" || it.Tags != nil {
		t.Fatalf("selected %+v", it)
	}
	before := s.Calls("ListMappings")
	h.Press("e")
	if s.Calls("ListMappings") != before+1 {
		t.Fatal("the function's mappings were not read for their tags")
	}
	if v := h.DialogView(); !strings.Contains(v, "CloudFormation") || !strings.Contains(v, "clicks-stack") {
		t.Fatalf("no drift warning from the region list: %q", v)
	}
	h.Press("n")
	if s.Calls("UpdateMapping") != 0 {
		t.Fatal("refusing the warning did not stop")
	}
	h.Press("e") // tags are known now: no second lookup
	if s.Calls("ListMappings") != before+1 || !strings.Contains(h.DialogView(), "CloudFormation") {
		t.Fatalf("second press: lookups %d, dialog %q", s.Calls("ListMappings")-before, h.DialogView())
	}
}

func TestReadOnlyRefusesWithoutRequest(t *testing.T) {
	s := newSession(3)
	s.T.Protection = model.ReadOnly
	m, h := newPane(t, s, "")
	h.Press("e", "b")
	h.Deliver(askMsg{uuid: "aaaaaaaa-1", reason: "x", batch: new(int)})
	h.Deliver(stepMsg{uuid: "aaaaaaaa-1", step: "toggle"})
	if len(h.Dialogs) != 0 || s.Calls("UpdateMapping") != 0 {
		t.Fatalf("read-only: %s", s.CallLog())
	}
	if !strings.Contains(m.Notice(), "read-only mode") {
		t.Fatalf("notice %q", m.Notice())
	}
}

func TestTransientMappingIsNotChanged(t *testing.T) {
	s := newSession(3)
	s.maps[0].State = "Updating"
	m, h := newPane(t, s, s.Fns[0].Name)
	h.Run(m.load())
	h.Press("G", "e")
	if len(h.Dialogs) != 0 || !strings.Contains(m.Notice(), "wait until it settles") {
		t.Fatalf("notice %q", m.Notice())
	}
}

func TestStaleLoadDropped(t *testing.T) {
	s := newSession(3)
	m, h := newPane(t, s, "")
	h.Deliver(loadedMsg{gen: m.req.Gen(kindLoad) - 1, items: nil})
	if len(m.Items()) != 3 {
		t.Fatal("stale load applied")
	}
}

func TestIteratorAgeOnlyForVisibleRows(t *testing.T) {
	s := newSession(2000)
	m, h := newPane(t, s, "")
	m.SetSize(160, 20)
	if n := s.Calls("GetMetrics"); n != 1 {
		t.Fatalf("GetMetrics calls %d", n)
	}
	asked := len(m.asked)
	if asked == 0 || asked > 30 {
		t.Fatalf("asked for %d functions", asked)
	}
	h.Press("ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d")
	if len(m.asked) <= asked || len(m.asked) > asked+60 {
		t.Fatalf("after a page: %d", len(m.asked))
	}
	if !strings.Contains(ansi.Strip(m.View()), "1.5m") {
		t.Fatalf("iterator age missing:\n%s", ansi.Strip(m.View()))
	}
}

func TestGoldenViews(t *testing.T) {
	t.Run("tab-80x24", func(t *testing.T) {
		s := newSession(3)
		m, _ := newPane(t, s, s.Fns[0].Name)
		m.SetSize(80, 24)
		golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
	})
	t.Run("region-160x45", func(t *testing.T) {
		s := newSession(60)
		m, _ := newPane(t, s, "")
		m.SetSize(160, 45)
		golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
	})
}

func TestShortSource(t *testing.T) {
	if shortSource("arn:aws:dynamodb:us-east-1:1:table/users/stream/2026") != "users stream" {
		t.Fatal(shortSource("arn:aws:dynamodb:us-east-1:1:table/users/stream/2026"))
	}
}

// Defect 2: in :esm, "/kinesis" filters; its "e" never opens the disable
// dialog, and the filter shows in the title.
func TestSlashFiltersAndNeverToggles(t *testing.T) {
	s := newSession(10)
	m, h := newPane(t, s, "")
	h.TypeText("/kinesis\n")
	if len(h.Dialogs) != 0 {
		t.Fatalf("typing a filter opened a dialog:\n%s", h.DialogView())
	}
	if m.t.Len() == 0 || m.t.Len() == len(m.Items()) {
		t.Fatalf("filter shows %d of %d", m.t.Len(), len(m.Items()))
	}
	for i := 0; i < m.t.Len(); i++ {
		if m.t.At(i).SourceType != "Kinesis" {
			t.Fatalf("row %d is %s", i, m.t.At(i).SourceType)
		}
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "/kinesis") || !strings.Contains(v, fmt.Sprintf("(%d/%d)", m.t.Len(), len(m.Items()))) {
		t.Fatalf("filter not shown:\n%s", v)
	}
	m.SetFilter("state:disabled")
	if m.t.Len() != 1 || m.t.At(0).State != "Disabled" {
		t.Fatalf("state:disabled shows %d", m.t.Len())
	}
	h.Press("z")
	if !strings.Contains(h.LastStatus(), "does nothing here") {
		t.Fatalf("z said %q", h.LastStatus())
	}
}

// Defect 3: at 160x45 FUNCTION and SOURCE are not cut while width is spare.
func TestRegionColumnsUseTheWidth(t *testing.T) {
	s := newSession(5)
	s.maps[0].SourceARN = "arn:aws:sqs:us-east-1:123456789012:catalog-authorizer-staging-orders-dead-letter"
	m, _ := newPane(t, s, "")
	m.SetSize(160, 45)
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "catalog-authorizer-staging-orders-dead-letter") {
		t.Fatalf("source cut at 160 wide:\n%s", v)
	}
}
