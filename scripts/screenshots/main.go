// Command screenshots renders the README's screenshots from real captures:
// it runs `lambdaops --sandbox` in tmux, visits the functions list, the
// canary cockpit (checkout-api's live alias), the logs of a busy function
// and the triage board, captures each with `tmux capture-pane -e -p`,
// converts the ANSI to HTML and renders it to docs/screenshots/<name>.png
// with headless Chromium.
//
//	go run ./scripts/screenshots [-chromium /usr/bin/chromium] [-out docs/screenshots]
package main

import (
	"flag"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const cols, rows = 160, 45

func main() {
	chromium := flag.String("chromium", "chromium", "headless Chromium binary")
	out := flag.String("out", "docs/screenshots", "output directory")
	keepHTML := flag.Bool("html", false, "keep the HTML next to the PNGs")
	flag.Parse()
	dir, err := os.MkdirTemp("", "lambdaops-shots-")
	check(err)
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "lambdaops")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fail("go build: %v\n%s", err, b)
	}
	session := fmt.Sprintf("lambdaops-shots-%d", os.Getpid())
	env := "XDG_STATE_HOME=" + dir + "/state XDG_CACHE_HOME=" + dir + "/cache XDG_CONFIG_HOME=" + dir + "/config TERM=xterm-256color COLORTERM=truecolor"
	tmux := func(args ...string) string {
		b, _ := exec.Command("tmux", append([]string{"-L", session}, args...)...).CombinedOutput()
		return string(b)
	}
	tmux("new-session", "-d", "-s", session, "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), "exec env "+env+" "+bin+" --sandbox --functions 150")
	defer tmux("kill-server")
	keys := func(ks ...string) {
		for _, k := range ks {
			tmux("send-keys", "-t", session, k)
			time.Sleep(300 * time.Millisecond)
		}
	}
	text := func(s string) { tmux("send-keys", "-t", session, "-l", s); time.Sleep(300 * time.Millisecond) }
	shot := func(name string, wait time.Duration) {
		time.Sleep(wait)
		ansi := tmux("capture-pane", "-e", "-p", "-t", session)
		page := toHTML(ansi)
		hf := filepath.Join(dir, name+".html")
		check(os.WriteFile(hf, []byte(page), 0o644))
		check(os.MkdirAll(*out, 0o755))
		png, _ := filepath.Abs(filepath.Join(*out, name+".png"))
		prof, _ := os.MkdirTemp(dir, "chrome-")
		cmd := exec.Command(*chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
			"--user-data-dir="+prof, "--screenshot="+png, fmt.Sprintf("--window-size=%d,%d", cols*9+24, rows*19+24), "file://"+hf)
		if b, err := cmd.CombinedOutput(); err != nil {
			fail("chromium: %v\n%s", err, b)
		}
		if *keepHTML {
			_ = os.WriteFile(strings.TrimSuffix(png, ".png")+".html", []byte(page), 0o644)
		}
		fmt.Println("wrote", png)
	}
	time.Sleep(8 * time.Second) // sandbox backfill, first listing and metrics
	shot("functions", 4*time.Second)

	keys("/")
	text("checkout-api")
	keys("Enter", "Enter", "2")
	shot("canary-cockpit", 6*time.Second)
	keys("Escape", "Escape", "Escape")

	keys("/")
	text("orders-api")
	keys("Enter", "Enter", "4")
	shot("logs", 8*time.Second)
	keys("Escape", "Escape", "Escape")

	keys(":")
	text("triage")
	keys("Enter")
	shot("triage", 25*time.Second)
}

// toHTML turns a tmux capture with SGR escapes into a dark-background page.
func toHTML(s string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#1e1e2e}
pre{margin:12px;font:15px/19px "DejaVu Sans Mono","Liberation Mono",monospace;color:#d4d4d4;white-space:pre}
span{white-space:pre}
</style></head><body><pre>`)
	st := style{}
	open := false
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				st.apply(s[i+2 : j])
				if open {
					b.WriteString("</span>")
				}
				b.WriteString("<span style=\"" + st.css() + "\">")
				open = true
			}
			i = j + 1
			continue
		}
		if s[i] == 0x1b { // other escapes (OSC hyperlinks, ...): skip to ST/BEL
			j := i + 1
			for j < len(s) && s[j] != 0x07 && !(s[j] == '\\' && s[j-1] == 0x1b) {
				j++
			}
			i = j + 1
			continue
		}
		j := i
		for j < len(s) && s[j] != 0x1b {
			j++
		}
		b.WriteString(html.EscapeString(s[i:j]))
		i = j
	}
	if open {
		b.WriteString("</span>")
	}
	b.WriteString("</pre></body></html>\n")
	return b.String()
}

type style struct {
	fg, bg                              string
	bold, faint, italic, under, reverse bool
}

var basic = []string{"#45475a", "#f38ba8", "#a6e3a1", "#f9e2af", "#89b4fa", "#f5c2e7", "#94e2d5", "#bac2de",
	"#585b70", "#f38ba8", "#a6e3a1", "#f9e2af", "#89b4fa", "#f5c2e7", "#94e2d5", "#a6adc8"}

func color256(n int) string {
	switch {
	case n < 16:
		return basic[n]
	case n < 232:
		n -= 16
		lv := []int{0, 95, 135, 175, 215, 255}
		return fmt.Sprintf("#%02x%02x%02x", lv[n/36], lv[(n/6)%6], lv[n%6])
	default:
		g := 8 + (n-232)*10
		return fmt.Sprintf("#%02x%02x%02x", g, g, g)
	}
}

func (st *style) apply(params string) {
	if params == "" {
		*st = style{}
		return
	}
	p := strings.Split(strings.ReplaceAll(params, ":", ";"), ";")
	num := func(i int) int {
		if i >= len(p) {
			return 0
		}
		v, _ := strconv.Atoi(p[i])
		return v
	}
	for i := 0; i < len(p); i++ {
		n := num(i)
		switch {
		case n == 0:
			*st = style{}
		case n == 1:
			st.bold = true
		case n == 2:
			st.faint = true
		case n == 3:
			st.italic = true
		case n == 4:
			st.under = true
		case n == 7:
			st.reverse = true
		case n == 22:
			st.bold, st.faint = false, false
		case n == 23:
			st.italic = false
		case n == 24:
			st.under = false
		case n == 27:
			st.reverse = false
		case n >= 30 && n <= 37:
			st.fg = basic[n-30]
		case n >= 90 && n <= 97:
			st.fg = basic[n-90+8]
		case n >= 40 && n <= 47:
			st.bg = basic[n-40]
		case n >= 100 && n <= 107:
			st.bg = basic[n-100+8]
		case n == 39:
			st.fg = ""
		case n == 49:
			st.bg = ""
		case n == 38 || n == 48:
			c := ""
			if num(i+1) == 5 {
				c = color256(num(i + 2))
				i += 2
			} else if num(i+1) == 2 {
				c = fmt.Sprintf("#%02x%02x%02x", num(i+2), num(i+3), num(i+4))
				i += 4
			}
			if n == 38 {
				st.fg = c
			} else {
				st.bg = c
			}
		}
	}
}

func (st style) css() string {
	fg, bg := st.fg, st.bg
	if st.reverse {
		if fg == "" {
			fg = "#d4d4d4"
		}
		if bg == "" {
			bg = "#1e1e2e"
		}
		fg, bg = bg, fg
	}
	var c []string
	if fg != "" {
		c = append(c, "color:"+fg)
	}
	if bg != "" {
		c = append(c, "background:"+bg)
	}
	if st.bold {
		c = append(c, "font-weight:bold")
	}
	if st.faint {
		c = append(c, "opacity:.6")
	}
	if st.italic {
		c = append(c, "font-style:italic")
	}
	if st.under {
		c = append(c, "text-decoration:underline")
	}
	return strings.Join(c, ";")
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "screenshots: "+f+"\n", a...)
	os.Exit(1)
}
