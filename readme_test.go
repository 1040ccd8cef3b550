package main

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/sandbox"
)

// readmeBlocks returns the fenced code blocks of README.md by language.
func readmeBlocks(t *testing.T) (string, map[string][]string) {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{}
	re := regexp.MustCompile("(?s)```([a-z]*)\n(.*?)```")
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		blocks[m[1]] = append(blocks[m[1]], m[2])
	}
	return string(b), blocks
}

// Every config example in the README starts: it parses, and its key
// bindings have no conflict (the example once bound ctrl+q twice).
func TestReadmeConfigExamples(t *testing.T) {
	_, blocks := readmeBlocks(t)
	if len(blocks["yaml"]) == 0 {
		t.Fatal("no yaml example found in README.md")
	}
	for _, y := range blocks["yaml"] {
		cfg, err := config.Parse("README.md", []byte(y))
		if err != nil {
			t.Errorf("README config example is refused: %v\n%s", err, y)
			continue
		}
		if _, err := cfg.KeyMap(); err != nil {
			t.Errorf("README config example's keys are refused: %v\n%s", err, y)
		}
	}
}

// Every command line in the README uses flags that exist, and the
// concrete lambdaops invocations parse.
func TestReadmeFlagExamples(t *testing.T) {
	_, blocks := readmeBlocks(t)
	var tuiHelp, sbHelp bytes.Buffer
	parseFlags([]string{"--help"}, &tuiHelp)
	if err := sandbox.Main(context.Background(), []string{"--help"}, &sbHelp, &sbHelp); err != nil {
		t.Fatal(err)
	}
	flagRe := regexp.MustCompile(`--([a-z][a-z-]*)`)
	lines := 0
	for _, lang := range []string{"sh", ""} {
		for _, blk := range blocks[lang] {
			for _, line := range strings.Split(blk, "\n") {
				line = strings.TrimSpace(line)
				if i := strings.Index(line, "#"); i >= 0 {
					line = strings.TrimSpace(line[:i])
				}
				line = strings.TrimSuffix(line, "&")
				var args []string
				switch {
				case strings.HasPrefix(line, "lambdaops "):
					args = strings.Fields(line)[1:]
				case strings.HasPrefix(line, "go run . "):
					args = strings.Fields(line)[3:]
				default:
					continue
				}
				lines++
				help := tuiHelp.String()
				if len(args) > 0 && args[0] == "sandbox" {
					help = sbHelp.String()
				}
				for _, f := range flagRe.FindAllStringSubmatch(line, -1) {
					if !strings.Contains(help, "-"+f[1]+" ") && !strings.Contains(help, "-"+f[1]+"\n") {
						t.Errorf("README line %q uses --%s, which does not exist", line, f[1])
					}
				}
				if strings.ContainsAny(line, "[]") || (len(args) > 0 && args[0] == "sandbox") {
					continue // a usage synopsis, or the sandbox server (not started here)
				}
				var stderr bytes.Buffer
				if _, err := parseFlags(args, &stderr); err != nil {
					t.Errorf("README line %q is refused: %v", line, err)
				}
			}
		}
	}
	if lines < 5 {
		t.Fatalf("found only %d command lines in README.md", lines)
	}
}

// Every key in the README's key table is bound by default.
func TestReadmeKeyTable(t *testing.T) {
	readme, _ := readmeBlocks(t)
	_, table, ok := strings.Cut(readme, "### Keys")
	if !ok {
		t.Fatal("no key table in README.md")
	}
	table, _, _ = strings.Cut(table, "\n\n\n")
	bound := map[string]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if b, ok := v.Interface().(key.Binding); ok {
			for _, k := range b.Keys() {
				bound[k] = true
			}
			return
		}
		if v.Kind() == reflect.Struct {
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(keymap.Default()))
	alias := map[string]string{"↑": "up", "↓": "down", "←": "left", "→": "right"}
	tick := regexp.MustCompile("`([^`]+)`")
	n := 0
	for _, row := range strings.Split(table, "\n") {
		if !strings.HasPrefix(row, "| `") {
			continue
		}
		first := strings.Split(row, "|")[1]
		for _, m := range tick.FindAllStringSubmatch(first, -1) {
			for _, k := range strings.Fields(m[1]) {
				if a, ok := alias[k]; ok {
					k = a
				}
				if k == "1–5" {
					k = "1"
				}
				n++
				if !bound[k] {
					t.Errorf("README key table lists %q, which nothing binds", k)
				}
			}
		}
	}
	if n < 10 {
		t.Fatalf("read only %d keys from the README's table", n)
	}
}
