package fnview

import (
	"github.com/lambdaops/lambdaops/ui/aliases"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbles/v2/key"
	bt "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/fake"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

var _ = tea.Binding{}

func detailed() (*fake.Session, model.Function) {
	s := fake.New("us-east-1", 3)
	f := s.Fns[0]
	f.VPC = &model.VPCConfig{VPCID: "vpc-0abc", SubnetIDs: []string{"subnet-1", "subnet-2"}, SecurityGroupIDs: []string{"sg-9"}}
	f.Layers = []model.Layer{{ARN: "arn:aws:lambda:us-east-1:123456789012:layer:otel:3", CodeSize: 3 << 20}}
	f.SnapStart = "PublishedVersions"
	f.Logging = model.LoggingConfig{LogFormat: "JSON", ApplicationLogLevel: "INFO", SystemLogLevel: "WARN"}
	f.DLQTarget = "arn:aws:sqs:us-east-1:123456789012:dlq"
	retries, age := 1, 3600
	s.Details[f.Name] = model.FunctionDetail{
		Function: f,
		Tags:     map[string]string{"team": "payments", "env": "prod"},
		EventInvoke: &model.EventInvokeConfig{MaxRetryAttempts: &retries, MaxEventAgeSec: &age,
			OnFailure: "arn:aws:sqs:us-east-1:123456789012:failures"},
		Triggers: []model.Trigger{{Sid: "s3", Principal: "s3.amazonaws.com", SourceARN: "arn:aws:s3:::uploads"}},
		Mappings: []model.ESM{{UUID: "u1", SourceType: "SQS", SourceARN: "arn:aws:sqs:us-east-1:123456789012:orders", State: "Enabled", BatchSize: 10}},
	}
	return s, f
}

// run runs cmd and feeds its messages back into the view (panetest.Pump;
// the root unwraps its own envelope, here the view is the root).
func run(t testing.TB, v *Model, cmd bt.Cmd) { panetest.Pump(t, v.Update, cmd) }

func newView(t *testing.T, w, h int) (*Model, *fake.Session) {
	s, f := detailed()
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC) }
	v := New(deps, styles.NewPlain(), keymap.Default(), f, [NumTabs]common.TabMaker{})
	v.SetSize(w, h)
	run(t, v, v.Init())
	return v, s
}

func TestConfigShowsEverything(t *testing.T) {
	v, s := newView(t, 120, 200)
	out := ansi.Strip(v.View())
	for _, want := range []string{
		"Runtime", "Handler", "Role", "Memory", "Timeout", "Ephemeral storage", "Architecture", "Package type",
		"layer:otel:3", "vpc-0abc", "subnet-1, subnet-2", "VPC-attached", "PublishedVersions", "JSON", "application INFO, system WARN",
		"arn:aws:sqs:us-east-1:123456789012:dlq", "Retry attempts", "1h0m0s", "failures",
		"SQS", "orders", "s3.amazonaws.com", "uploads", "payments", "Code size",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q", want)
		}
	}
	if strings.Contains(out, "s3cr3t") {
		t.Fatal("env values shown before reveal")
	}
	if s.Calls("GetFunction") != 1 {
		t.Fatalf("GetFunction %d", s.Calls("GetFunction"))
	}
	v.Update(bt.KeyPressMsg{Code: 'x', Text: "x"})
	if !strings.Contains(ansi.Strip(v.View()), "s3cr3t") {
		t.Fatal("x did not reveal env values")
	}
	v.Update(bt.KeyPressMsg{Code: 'x', Text: "x"})
	if strings.Contains(ansi.Strip(v.View()), "s3cr3t") {
		t.Fatal("x did not hide env values again")
	}
}

func TestStaleDetailDropped(t *testing.T) {
	v, _ := newView(t, 100, 40)
	c := v.tabs[0].(*configTab)
	old := c.req.Gen(kindDetail)
	c.load() // a refresh supersedes
	c.Update(detailMsg{gen: old, err: errString("stale")})
	if c.err != nil {
		t.Fatal("stale result applied")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestTabsSwitchAndPlaceholder(t *testing.T) {
	v, _ := newView(t, 100, 30)
	built := 0
	v.makers[1] = func(common.Deps, *styles.Styles, keymap.KeyMap, model.Function) common.Pane {
		built++
		return &placeholder{st: v.st, name: "fake aliases"}
	}
	v.Update(bt.KeyPressMsg{Code: bt.KeyTab})
	if v.Active() != 1 || built != 1 {
		t.Fatalf("tab: active %d built %d", v.Active(), built)
	}
	v.Update(bt.KeyPressMsg{Code: '1', Text: "1"})
	v.Update(bt.KeyPressMsg{Code: '2', Text: "2"})
	if built != 1 {
		t.Fatal("tab rebuilt instead of kept")
	}
	v.Update(bt.KeyPressMsg{Code: '4', Text: "4"})
	if !strings.Contains(ansi.Strip(v.View()), "Logs: not available") {
		t.Fatal("no placeholder for a tab without a pane")
	}
	v.Update(bt.KeyPressMsg{Code: bt.KeyTab, Mod: bt.ModShift})
	if v.Active() != 2 {
		t.Fatalf("shift+tab: %d", v.Active())
	}
	// results are addressed to the tab that asked
	cmd := v.Show(0)
	_ = cmd
	msg := common.Wrap(TabID(0), func() bt.Msg { return detailMsg{gen: 999} })()
	if pm, ok := msg.(common.PaneMsg); !ok || pm.Pane != TabID(0) {
		t.Fatalf("envelope %#v", msg)
	}
}

func TestGoldenConfig(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 60}} {
		t.Run(itoa(sz[0])+"x"+itoa(sz[1]), func(t *testing.T) {
			v, _ := newView(t, sz[0], sz[1])
			v.Update(bt.KeyPressMsg{Code: 'j', Text: "j"})
			out := ansi.Strip(v.View())
			for i, l := range strings.Split(out, "\n") {
				if ansi.StringWidth(l) > sz[0] {
					t.Fatalf("line %d too wide", i)
				}
			}
			golden.RequireEqual(t, []byte(out))
		})
	}
}

func itoa(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func TestConfigShowsDeprecationAndURL(t *testing.T) {
	s, f := detailed()
	f.Runtime = "nodejs16.x"
	d := s.Details[f.Name]
	d.Function = f
	d.URL = &model.FunctionURL{URL: "https://abc.lambda-url.us-east-1.on.aws/", AuthType: "AWS_IAM", InvokeMode: "BUFFERED"}
	s.Details[f.Name] = d
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC) }
	v := New(deps, styles.NewPlain(), keymap.Default(), f, [NumTabs]common.TabMaker{})
	v.SetSize(160, 200)
	run(t, v, v.Init())
	out := ansi.Strip(v.View())
	for _, want := range []string{"Deprecation", "deprecated since 2024-06-12", "nodejs24.x", "https://abc.lambda-url.us-east-1.on.aws/", "AWS_IAM · BUFFERED"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q", want)
		}
	}
}

// Defect 2: in the cockpit, "/live" filters the aliases; its "i" never
// opens the invoke screen (the view forwards every key while the tab's
// filter has them).
func TestCockpitSlashNeverOpensInvoke(t *testing.T) {
	v, _ := newView(t, 120, 40)
	v.makers[1] = func(d common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) common.Pane {
		return aliases.New(d, st, km, fn)
	}
	v.Show(1) // its load and ticks are not run: the list is empty, the filter still opens
	var msgs []bt.Msg
	for _, r := range "/live" {
		if cmd := v.Update(bt.KeyPressMsg{Code: r, Text: string(r)}); cmd != nil {
			msgs = append(msgs, cmd())
		}
	}
	for _, m := range msgs {
		if _, ok := m.(common.OpenScreenMsg); ok {
			t.Fatalf("typing /live opened a screen: %#v", m)
		}
	}
	if !v.CapturesInput() {
		t.Fatal("the cockpit's filter does not hold the keys")
	}
}

// TestConfigDeprecationStyledNotEscaped: the styled deprecation line is
// drawn in colour, not as visible escape sequences.
func TestConfigDeprecationStyledNotEscaped(t *testing.T) {
	s, f := detailed()
	f.Runtime = "nodejs16.x"
	d := s.Details[f.Name]
	d.Function = f
	s.Details[f.Name] = d
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC) }
	v := New(deps, styles.New(true), keymap.Default(), f, [NumTabs]common.TabMaker{})
	v.SetSize(160, 200)
	run(t, v, v.Init())
	out := ansi.Strip(v.View())
	if !strings.Contains(out, "deprecated since") || strings.Contains(out, "␛") {
		t.Errorf("deprecation line: %q", out)
	}
}

// At 60 columns every tab keeps a readable title (issue 18: "6 Alarms" and
// "7 Deployments" were cut); narrower, the bar scrolls and the active tab
// is always on it, whole.
func TestTabBarFitsNarrow(t *testing.T) {
	v, _ := newView(t, 60, 15)
	bar := ansi.Strip(strings.SplitN(v.View(), "\n", 2)[0])
	for _, want := range []string{"Config", "Aliases", "Sources", "Logs", "Metrics", "Alarms", "Deploys"} {
		if !strings.Contains(bar, want) {
			t.Errorf("60 wide: tab bar %q lacks %q", bar, want)
		}
	}
	if strings.Contains(bar, "…") || ansi.StringWidth(bar) > 60 {
		t.Errorf("60 wide: tab bar cut: %q", bar)
	}
	for _, w := range []int{59, 45, 30, 20} {
		for i := 0; i < NumTabs; i++ {
			v.SetSize(w, 15)
			run(t, v, v.Show(i))
			bar := ansi.Strip(strings.SplitN(v.View(), "\n", 2)[0])
			if !strings.Contains(bar, shortNames[i]) || strings.Contains(bar, "…") || ansi.StringWidth(bar) > w {
				t.Errorf("%d wide, tab %d: bar %q", w, i+1, bar)
			}
			if !strings.Contains(bar, "Config") && !strings.HasPrefix(bar, "‹") || !strings.Contains(bar, "Deploys") && !strings.HasSuffix(bar, "›") {
				t.Errorf("%d wide, tab %d: no marker for the hidden tabs: %q", w, i+1, bar)
			}
			// A click on the active title selects it.
			spans, _, _ := tabLayout(w, i)
			for _, s := range spans {
				if s.tab == i && v.tabAt(s.x0) != i {
					t.Errorf("%d wide: a click on tab %d's title selects %d", w, i+1, v.tabAt(s.x0))
				}
			}
		}
	}
}
