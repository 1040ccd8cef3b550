package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

func TestParseFull(t *testing.T) {
	c, err := Parse("config.yaml", []byte(`
theme: dark
keys:
  list.filter: "f"
  global.quit: [q, f10]
refresh:
  functions: 5m
  metrics: 2m
protection:
  prod: protected
  "123456789012": read-only
canary:
  step: 5%
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Theme != "dark" || c.RefreshFunctions != 5*time.Minute || c.RefreshMetrics != 2*time.Minute || c.CanaryStep != 5 {
		t.Fatalf("parsed %+v", c)
	}
	if c.ProtectionFor("prod", "999") != model.Protected || c.ProtectionFor("x", "123456789012") != model.ReadOnly || c.ProtectionFor("dev", "1") != model.Writable {
		t.Fatal("protection lookup")
	}
	km, err := c.KeyMap()
	if err != nil {
		t.Fatal(err)
	}
	if km.List.Filter.Keys()[0] != "f" || len(km.Global.Quit.Keys()) != 2 {
		t.Fatal("overrides not applied")
	}
}

func TestErrorsNameTheLine(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"conflict":      {"keys:\n  list.filter: q\n", "config.yaml:2: key \"q\" is bound to both global.quit and list.filter"},
		"unknown key":   {"theme: auto\nkeys:\n  list.fitler: x\n", "config.yaml:3: unknown key binding \"list.fitler\""},
		"bad theme":     {"theme: purple\n", "config.yaml:1: theme must be"},
		"bad duration":  {"refresh:\n  metrics: soon\n", "config.yaml:2: \"soon\" is not a duration"},
		"bad level":     {"protection:\n  prod: maybe\n", "config.yaml:2: protection for \"prod\""},
		"unknown top":   {"colour: red\n", "config.yaml:1: unknown setting \"colour\""},
		"bad yaml":      {"keys: [\n", "config.yaml"},
		"canary range":  {"canary:\n  step: 90\n", "config.yaml:2: canary step"},
		"tiny interval": {"refresh:\n  metrics: 1s\n", "config.yaml:2: metrics refresh below 10s"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadMissingDefaultIsFine(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	c, err := Load("")
	if err != nil || c.Theme != "auto" {
		t.Fatalf("c=%+v err=%v", c, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nope.yaml")); err == nil {
		t.Fatal("missing explicit file accepted")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	os.MkdirAll(filepath.Join(dir, "lambdaops"), 0o755)
	os.WriteFile(filepath.Join(dir, "lambdaops", "config.yaml"), []byte("theme: light\n"), 0o644)
	c, err = Load("")
	if err != nil || c.Theme != "light" {
		t.Fatalf("c=%+v err=%v", c, err)
	}
}

func TestAWSProfiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config")
	os.WriteFile(p, []byte("[default]\nregion = us-east-1\n[profile prod]\nrole_arn = x\n[sso-session corp]\n[profile dev ]\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", p)
	got := strings.Join(AWSProfiles(), ",")
	if got != "default,dev,prod" {
		t.Fatalf("profiles %q", got)
	}
}

func TestWindow(t *testing.T) {
	c, err := Parse("c.yaml", []byte("window: 30m\n"))
	if err != nil || c.Window != 30*time.Minute {
		t.Fatalf("window: %v %v", c.Window, err)
	}
	if c := Default(); c.Window != 15*time.Minute {
		t.Fatalf("default window %v, want 15m", c.Window)
	}
	for _, bad := range []string{"30s", "90s", "25h", "soon"} {
		if _, err := Parse("c.yaml", []byte("window: "+bad+"\n")); err == nil || !strings.Contains(err.Error(), "c.yaml:1") {
			t.Errorf("window %s: %v, want an error naming the line", bad, err)
		}
	}
}

func TestQuotaShare(t *testing.T) {
	for in, want := range map[string]float64{"0.5": 0.5, "1": 1, "2/3": 2.0 / 3, "25%": 0.25} {
		c, err := Parse("c.yaml", []byte("quota_share: "+in+"\n"))
		if err != nil || c.QuotaShare != want {
			t.Fatalf("%s: %v %v", in, c.QuotaShare, err)
		}
	}
	for _, bad := range []string{"0", "1.5", "-1", "lots", "1/0"} {
		if _, err := Parse("c.yaml", []byte("quota_share: "+bad+"\n")); err == nil || !strings.Contains(err.Error(), "c.yaml:1") {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	if Default().QuotaShare != 2.0/3 {
		t.Fatal("default share")
	}
}

func TestViews(t *testing.T) {
	c, err := Parse("c.yaml", []byte("views:\n  oncall: {profiles: [prod-us, prod-eu], regions: [us-east-1, eu-west-1]}\n  eu: {regions: eu-west-1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.ViewNamed("oncall")
	if err != nil || len(v.Profiles) != 2 || v.Regions[1] != "eu-west-1" {
		t.Fatalf("oncall = %+v, %v", v, err)
	}
	if _, err := c.ViewNamed("nope"); err == nil || !strings.Contains(err.Error(), "known: eu, oncall") {
		t.Errorf("unknown view: %v", err)
	}
	if _, err := Parse("c.yaml", []byte("views:\n  x: {profile: [a]}\n")); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("bad field: %v", err)
	}
}
