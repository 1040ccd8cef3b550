package fnview

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/request"
	"github.com/lambdaops/lambdaops/ui/internal/scroll"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// VPCNote is shown under a VPC-attached function's configuration.
const VPCNote = "VPC-attached: ENIs are set up when the function is created or its VPC config changes (state Pending meanwhile), " +
	"cold starts can add up to 1–2 s, and internet access needs a NAT gateway or VPC endpoints."

// configTab is tab 1: everything GetFunction and its companions return.
type configTab struct {
	deps   common.Deps
	st     *styles.Styles
	km     keymap.KeyMap
	fn     model.Function
	detail *model.FunctionDetail
	err    error

	req    request.Tracker // one kind: kindDetail
	reveal bool
	stick  bool // G was pressed: stay at the bottom as content arrives
	offset int
	w, h   int
	lines  []string // rendered at width w; nil when stale
	linesW int
}

type detailMsg struct {
	gen    uint64
	detail model.FunctionDetail
	err    error
}

func newConfig(deps common.Deps, st *styles.Styles, km keymap.KeyMap, fn model.Function) *configTab {
	return &configTab{deps: deps, st: st, km: km, fn: fn}
}

func (c *configTab) Init() tea.Cmd { return c.load() }

// kindDetail is the tab's one request: GetFunction.
const kindDetail request.Kind = "detail"

func (c *configTab) load() tea.Cmd {
	if c.deps.Fleet == nil {
		return nil
	}
	parent, gen := c.req.Start(kindDetail)
	fleet, name := c.deps.Fleet, c.fn.Name
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		d, err := fleet.GetFunction(ctx, name)
		return detailMsg{gen: gen, detail: d, err: err}
	}
}

func (c *configTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case detailMsg:
		if !c.req.Done(kindDetail, msg.gen) {
			return nil
		}
		if msg.err != nil {
			c.err = msg.err
			c.lines = nil
			return common.Status(common.FailLine("GetFunction "+c.fn.Name, msg.err), true)
		}
		d := msg.detail
		c.detail, c.err = &d, nil
		c.fn = d.Function
		c.lines = nil
	case common.RefreshMsg:
		return c.load()
	case tea.KeyPressMsg:
		l := c.km.List
		switch {
		case key.Matches(msg, c.km.FnView.Reveal):
			c.reveal = !c.reveal
			c.lines = nil
		default:
			if d, ok := scroll.Key(msg, l, c.h); ok {
				c.scroll(d)
				c.stick = key.Matches(msg, l.Bottom) // stay at the bottom as content arrives
			}
		}
	case tea.MouseWheelMsg:
		if d := scroll.Wheel(msg); d != 0 {
			c.scroll(d)
		}
	}
	return nil
}

func (c *configTab) scroll(d int) {
	c.stick = false
	c.offset += d
	c.offset = min(c.offset, max(0, len(c.render())-c.h))
	c.offset = max(0, c.offset)
}

func (c *configTab) SetSize(w, h int) {
	c.w, c.h = w, h
	if c.linesW != w {
		c.lines = nil
	}
}

func (c *configTab) HelpKeys() []key.Binding {
	return []key.Binding{c.km.List.Down, c.km.List.Up, c.km.FnView.Reveal, c.km.Global.Refresh}
}

// Close implements common.Closer.
func (c *configTab) Close() { c.req.Close() }

func (c *configTab) View() string {
	lines := c.render()
	if c.stick {
		c.offset = max(0, len(lines)-c.h)
	}
	c.offset = min(c.offset, max(0, len(lines)-c.h))
	end := min(len(lines), c.offset+c.h)
	out := make([]string, 0, c.h)
	out = append(out, lines[c.offset:end]...)
	for len(out) < c.h {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// render builds every line of the tab at the current width (cached).
func (c *configTab) render() []string {
	if c.lines != nil && c.linesW == c.w {
		return c.lines
	}
	c.linesW = c.w
	var b cfgBuilder
	b.st, b.w = c.st, c.w
	f := c.fn
	if c.req.InFlight(kindDetail) && c.detail == nil {
		b.note(c.st.Muted.Render("loading configuration…"))
	}
	if c.err != nil {
		b.note(c.st.Error.Render("could not read the configuration: " + common.Clean(c.err.Error())))
	}
	b.section("Function")
	b.kv("Name", f.Name)
	b.kv("ARN", f.ARN)
	if f.Description != "" {
		b.kv("Description", f.Description)
	}
	b.kv("State", joinNonEmpty(" — ", f.State, f.StateReason))
	b.kv("Last update", f.LastUpdateStatus)
	b.kv("Last modified", fmtTime(f.LastModified))
	b.kv("Version", f.Version)
	if c.detail != nil && c.detail.URL != nil {
		b.kv("Function URL", c.detail.URL.URL)
		b.kv("URL auth", joinNonEmpty(" · ", c.detail.URL.AuthType, c.detail.URL.InvokeMode))
	}

	b.section("Runtime")
	rt := f.Runtime
	if rt == "" {
		rt = "(container image)"
	}
	b.kv("Runtime", rt)
	if note := model.RuntimeNote(f.Runtime, c.deps.Time()); note != "" {
		b.kvStyled("Deprecation", c.st.Warn.Render(common.Clean(note)))
	}
	b.kv("Handler", orDash(f.Handler))
	b.kv("Architecture", orDash(f.Architecture))
	b.kv("Package type", orDash(f.PackageType))
	b.kv("Code size", bytesHuman(f.CodeSize))
	if f.CodeSHA256 != "" {
		b.kv("Code SHA-256", f.CodeSHA256)
	}
	b.kv("Role", orDash(f.Role))

	b.section("Resources")
	b.kv("Memory", fmt.Sprintf("%d MB", f.MemoryMB))
	b.kv("Timeout", fmt.Sprintf("%d s", f.TimeoutSec))
	b.kv("Ephemeral storage", fmt.Sprintf("%d MB", f.EphemeralMB))
	reserved := f.Reserved
	if c.detail != nil && c.detail.Reserved != nil {
		reserved = c.detail.Reserved
	}
	if reserved != nil {
		b.kv("Reserved concurrency", strconv.Itoa(*reserved))
	} else {
		b.kv("Reserved concurrency", "none (uses the unreserved pool)")
	}
	b.kv("SnapStart", orDash(f.SnapStart))
	b.kv("Tracing", orDash(f.TracingMode))
	if f.KMSKeyARN != "" {
		b.kv("KMS key", f.KMSKeyARN)
	}

	b.section(fmt.Sprintf("Layers (%d)", len(f.Layers)))
	if len(f.Layers) == 0 {
		b.note(c.st.Muted.Render("none"))
	}
	for _, l := range f.Layers {
		b.note(fmt.Sprintf("%s  %s", common.Clean(l.ARN), c.st.Muted.Render(bytesHuman(l.CodeSize))))
	}

	b.section("VPC")
	if f.VPC == nil || f.VPC.VPCID == "" {
		b.note(c.st.Muted.Render("not attached to a VPC"))
	} else {
		b.kv("VPC", f.VPC.VPCID)
		b.kv("Subnets", strings.Join(f.VPC.SubnetIDs, ", "))
		b.kv("Security groups", strings.Join(f.VPC.SecurityGroupIDs, ", "))
		b.wrap(c.st.Warn.Render("⚠ ") + c.st.Warn.Render(VPCNote))
	}

	keys := sortedKeys(f.Env)
	title := fmt.Sprintf("Environment (%d)", len(keys))
	if len(keys) > 0 && !c.reveal {
		title += "  " + c.st.Muted.Render("values hidden: "+c.km.FnView.Reveal.Help().Key+" reveals")
	}
	b.section(title)
	if len(keys) == 0 {
		b.note(c.st.Muted.Render("none"))
	}
	for _, k := range keys {
		v := "••••••••"
		if c.reveal {
			v = f.Env[k]
		}
		b.kv(k, v)
	}

	b.section("Logging")
	b.kv("Log group", f.LogGroupName())
	b.kv("Format", orDash(f.Logging.LogFormat))
	if f.Logging.ApplicationLogLevel != "" || f.Logging.SystemLogLevel != "" {
		b.kv("Levels", fmt.Sprintf("application %s, system %s", orDash(f.Logging.ApplicationLogLevel), orDash(f.Logging.SystemLogLevel)))
	}

	b.section("Asynchronous invocation")
	b.kv("Dead-letter queue", orDash(f.DLQTarget))
	if c.detail != nil && c.detail.EventInvoke != nil {
		e := c.detail.EventInvoke
		b.kv("Retry attempts", intPtr(e.MaxRetryAttempts, "2 (default)"))
		b.kv("Maximum event age", secPtr(e.MaxEventAgeSec, "6 h (default)"))
		b.kv("On success", orDash(e.OnSuccess))
		b.kv("On failure", orDash(e.OnFailure))
	} else if c.detail != nil {
		b.note(c.st.Muted.Render("defaults: 2 retries, events kept up to 6 h, no destinations"))
	}

	if c.detail != nil {
		d := c.detail
		b.section(fmt.Sprintf("Triggers (%d)", len(d.Mappings)+len(d.Triggers)))
		if len(d.Mappings)+len(d.Triggers) == 0 {
			b.note(c.st.Muted.Render("none"))
		}
		for _, e := range d.Mappings {
			st := e.State
			style := c.st.OK
			if st != "Enabled" {
				style = c.st.Warn
			}
			b.note(fmt.Sprintf("%-8s %s  %s  batch %d", common.Clean(e.SourceType), common.Clean(e.SourceARN), style.Render(common.Clean(st)), e.BatchSize))
		}
		for _, t := range d.Triggers {
			src := t.SourceARN
			if src == "" {
				src = "(any source)"
			}
			b.note(fmt.Sprintf("%-8s %s  %s", "policy", common.Clean(t.Principal), c.st.Muted.Render(common.Clean(src))))
		}
	}

	tags := f.Tags
	if c.detail != nil && len(c.detail.Tags) > 0 {
		tags = c.detail.Tags
	}
	tk := sortedKeys(tags)
	b.section(fmt.Sprintf("Tags (%d)", len(tk)))
	if len(tk) == 0 {
		b.note(c.st.Muted.Render("none"))
	}
	for _, k := range tk {
		b.kv(k, tags[k])
	}
	c.lines = b.lines
	return c.lines
}

type cfgBuilder struct {
	st    *styles.Styles
	w     int
	lines []string
}

const labelW = 22

func (b *cfgBuilder) section(t string) {
	if len(b.lines) > 0 {
		b.lines = append(b.lines, "")
	}
	b.lines = append(b.lines, ansi.Truncate(b.st.Title.Render(t), b.w, "…"))
}

// kv adds "label value"; both may come from AWS (tag and variable names
// and values) and are made inert first.
func (b *cfgBuilder) kv(k, v string) { b.kvStyled(k, common.Clean(v)) }

// kvStyled is kv for a value already made inert and styled by the caller
// (kv would make the style's escape sequences visible).
func (b *cfgBuilder) kvStyled(k, v string) {
	k = common.Clean(k)
	label := b.st.Muted.Render(fmt.Sprintf("  %-*s", labelW, ansi.Truncate(k, labelW, "…")))
	b.lines = append(b.lines, ansi.Truncate(label+" "+v, b.w, "…"))
}

func (b *cfgBuilder) note(s string) {
	b.lines = append(b.lines, ansi.Truncate("  "+s, b.w, "…"))
}

func (b *cfgBuilder) wrap(s string) {
	w := max(10, b.w-2)
	for _, l := range strings.Split(ansi.Wordwrap(s, w, " "), "\n") {
		b.lines = append(b.lines, ansi.Truncate("  "+l, b.w, "…"))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, sep)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func bytesHuman(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func intPtr(p *int, def string) string {
	if p == nil {
		return def
	}
	return strconv.Itoa(*p)
}

func secPtr(p *int, def string) string {
	if p == nil {
		return def
	}
	return (time.Duration(*p) * time.Second).String()
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
