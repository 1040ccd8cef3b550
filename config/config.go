// Package config reads the user's configuration file
// ($XDG_CONFIG_HOME/lambdaops/config.yaml, else ~/.config/lambdaops/config.yaml):
// key overrides (checked for conflicts at start), the theme, refresh
// intervals, the protection level per profile or account id, and the
// canary step. Every error names the file and line.
//
//	theme: auto            # auto | dark | light
//	keys:
//	  list.filter: "/"     # binding name → key or list of keys
//	  global.quit: [q, ctrl+q]
//	refresh:
//	  functions: 5m        # relist the fleet (0 or absent: only on r)
//	  metrics: 1m          # visible rows' metrics
//	  aliases: 30s
//	protection:
//	  prod: protected      # profile name or 12-digit account id
//	  "123456789012": read-only
//	canary:
//	  step: 10             # percent of traffic per canary step
//	quota_share: 2/3       # share of each AWS request quota lambdaops uses
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
)

// Config is the parsed configuration file.
type Config struct {
	Path  string
	Theme string // auto | dark | light

	// Keys maps binding names ("list.filter") to keys.
	Keys map[string][]string

	RefreshFunctions time.Duration
	RefreshMetrics   time.Duration
	RefreshAliases   time.Duration

	// Protection maps a profile name or account id to a level.
	Protection map[string]model.Protection

	// CanaryStep is the traffic shifted per canary step, in percent.
	CanaryStep float64

	// Window is what every rate and percentile on screen is computed over
	// (err% 15m, p99 15m): whole minutes, 1m to 24h.
	Window time.Duration
	// QuotaShare is the share of each AWS request quota lambdaops budgets
	// for itself (0 < share <= 1; default 2/3, leaving the rest to CI,
	// the console and colleagues).
	QuotaShare float64

	// Views are named sets of profiles and regions (--view, :view).
	Views map[string]View

	keyLines map[string]int
}

// Default is the configuration used when there is no file.
func Default() Config {
	return Config{
		Theme:          "auto",
		Keys:           map[string][]string{},
		RefreshMetrics: time.Minute,
		RefreshAliases: 30 * time.Second,
		Protection:     map[string]model.Protection{},
		CanaryStep:     10,
		Window:         model.DefaultWindow,
		QuotaShare:     2.0 / 3.0,
		keyLines:       map[string]int{},
	}
}

// Dir returns the lambdaops config directory.
func Dir() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "lambdaops"), nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no config directory: %w", err)
	}
	return filepath.Join(h, ".config", "lambdaops"), nil
}

// StateDir returns the lambdaops state directory (crash reports, journal).
func StateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "lambdaops"), nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no state directory: %w", err)
	}
	return filepath.Join(h, ".local", "state", "lambdaops"), nil
}

// DefaultPath is config.yaml in Dir.
func DefaultPath() (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "config.yaml"), nil
}

// Load reads path ("" = DefaultPath). A missing default file is not an
// error; a missing explicitly named file is.
func Load(path string) (Config, error) {
	explicit := path != ""
	if !explicit {
		p, err := DefaultPath()
		if err != nil {
			return Default(), nil
		}
		path = p
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !explicit {
			c := Default()
			return c, nil
		}
		return Default(), fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a config file's contents; name is used in error messages.
func Parse(name string, data []byte) (Config, error) {
	c := Default()
	c.Path = name
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return c, fmt.Errorf("%s: %v", name, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return c, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return c, c.errAt(root, "the file must be a mapping (key: value lines)")
	}
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "theme":
			err = c.parseTheme(v)
		case "keys":
			err = c.parseKeys(v)
		case "refresh":
			err = c.parseRefresh(v)
		case "protection":
			err = c.parseProtection(v)
		case "canary":
			err = c.parseCanary(v)
		case "window":
			err = c.parseWindow(v)
		case "quota_share":
			err = c.parseQuotaShare(v)
		case "views":
			err = c.parseViews(v)
		default:
			err = c.errAt(k, "unknown setting %q (known: theme, keys, refresh, protection, canary, window, quota_share, views)", k.Value)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		if _, err := c.KeyMap(); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}

func (c *Config) errAt(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", c.Path, n.Line, fmt.Sprintf(format, args...))
}

func (c *Config) parseTheme(v *yaml.Node) error {
	switch s := strings.ToLower(v.Value); s {
	case "auto", "dark", "light":
		c.Theme = s
		return nil
	}
	return c.errAt(v, "theme must be auto, dark or light, not %q", v.Value)
}

func (c *Config) parseKeys(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return c.errAt(v, "keys must be a mapping of binding name to key(s)")
	}
	names := map[string]bool{}
	for _, n := range keymap.Default().Names() {
		names[n] = true
	}
	var errs []error
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		name := strings.ToLower(k.Value)
		if !names[name] {
			errs = append(errs, c.errAt(k, "unknown key binding %q", k.Value))
			continue
		}
		var keys []string
		switch val.Kind {
		case yaml.ScalarNode:
			keys = []string{val.Value}
		case yaml.SequenceNode:
			for _, e := range val.Content {
				if e.Kind != yaml.ScalarNode || e.Value == "" {
					errs = append(errs, c.errAt(e, "keys for %s must be strings", name))
					continue
				}
				keys = append(keys, e.Value)
			}
		default:
			errs = append(errs, c.errAt(val, "keys for %s must be a key or a list of keys", name))
			continue
		}
		if len(keys) == 0 || keys[0] == "" {
			errs = append(errs, c.errAt(val, "no key given for %s", name))
			continue
		}
		c.Keys[name] = keys
		c.keyLines[name] = k.Line
	}
	return errors.Join(errs...)
}

func (c *Config) duration(v *yaml.Node) (time.Duration, error) {
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		if n, e2 := strconv.Atoi(v.Value); e2 == nil {
			return time.Duration(n) * time.Second, nil
		}
		return 0, c.errAt(v, "%q is not a duration (like 30s, 5m)", v.Value)
	}
	if d < 0 {
		return 0, c.errAt(v, "durations cannot be negative")
	}
	return d, nil
}

func (c *Config) parseRefresh(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return c.errAt(v, "refresh must be a mapping (functions, metrics, aliases)")
	}
	var errs []error
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		d, err := c.duration(val)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch k.Value {
		case "functions":
			c.RefreshFunctions = d
		case "metrics":
			if d > 0 && d < 10*time.Second {
				errs = append(errs, c.errAt(val, "metrics refresh below 10s would cost money for nothing (CloudWatch has 1-minute resolution)"))
				continue
			}
			c.RefreshMetrics = d
		case "aliases":
			c.RefreshAliases = d
		default:
			errs = append(errs, c.errAt(k, "unknown refresh interval %q (known: functions, metrics, aliases)", k.Value))
		}
	}
	return errors.Join(errs...)
}

func (c *Config) parseProtection(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return c.errAt(v, "protection must map a profile or account id to writable, protected or read-only")
	}
	var errs []error
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		p := model.Protection(strings.ToLower(val.Value))
		switch p {
		case model.Writable, model.Protected, model.ReadOnly:
			c.Protection[k.Value] = p
		case "readonly":
			c.Protection[k.Value] = model.ReadOnly
		default:
			errs = append(errs, c.errAt(val, "protection for %q must be writable, protected or read-only, not %q", k.Value, val.Value))
		}
	}
	return errors.Join(errs...)
}

// parseQuotaShare reads quota_share: a fraction (0.5, 2/3) or a percentage (50%).
func (c *Config) parseQuotaShare(v *yaml.Node) error {
	raw := strings.TrimSpace(v.Value)
	var f float64
	var err error
	switch {
	case strings.HasSuffix(raw, "%"):
		f, err = strconv.ParseFloat(strings.TrimSuffix(raw, "%"), 64)
		f /= 100
	case strings.Contains(raw, "/"):
		a, b, _ := strings.Cut(raw, "/")
		var x, y float64
		x, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
		if err == nil {
			y, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
		}
		if err == nil && y != 0 {
			f = x / y
		}
	default:
		f, err = strconv.ParseFloat(raw, 64)
	}
	if v.Kind != yaml.ScalarNode || err != nil || f <= 0 || f > 1 {
		return c.errAt(v, "quota_share must be a share above 0 and at most 1 (e.g. 0.5, 2/3 or 50%%), not %q", v.Value)
	}
	c.QuotaShare = f
	return nil
}

func (c *Config) parseCanary(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return c.errAt(v, "canary must be a mapping (step)")
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if k.Value != "step" {
			return c.errAt(k, "unknown canary setting %q (known: step)", k.Value)
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(val.Value, "%"), 64)
		if err != nil || f <= 0 || f > 50 {
			return c.errAt(val, "canary step must be a percentage above 0 and at most 50, not %q", val.Value)
		}
		c.CanaryStep = f
	}
	return nil
}

// KeyMap returns the default key map with the overrides applied, or an
// error naming the line of each override that conflicts with another binding.
func (c Config) KeyMap() (keymap.KeyMap, error) {
	km := keymap.Default()
	for name, keys := range c.Keys {
		if err := km.Rebind(name, keys...); err != nil {
			return keymap.Default(), fmt.Errorf("%s:%d: %v", c.Path, c.keyLines[name], err)
		}
	}
	var errs []error
	for _, cf := range km.Conflicts() {
		line := c.keyLines[cf.A]
		if l := c.keyLines[cf.B]; l > line {
			line = l
		}
		where := c.Path
		if line > 0 {
			where = fmt.Sprintf("%s:%d", c.Path, line)
		}
		errs = append(errs, fmt.Errorf("%s: %s; rebind one of them", where, cf.Error()))
	}
	if len(errs) > 0 {
		return keymap.Default(), errors.Join(errs...)
	}
	return km, nil
}

// ProtectionFor returns the level for a profile and account (an account
// entry wins); writable when neither is listed.
func (c Config) ProtectionFor(profile, account string) model.Protection {
	if p, ok := c.Protection[account]; ok && account != "" {
		return p
	}
	if p, ok := c.Protection[profile]; ok && profile != "" {
		return p
	}
	return model.Writable
}

func (c *Config) parseWindow(v *yaml.Node) error {
	d, err := c.duration(v)
	if err != nil {
		return err
	}
	if d < time.Minute || d > 24*time.Hour || d%time.Minute != 0 {
		return c.errAt(v, "window must be whole minutes from 1m to 24h (CloudWatch periods are minutes), not %q", v.Value)
	}
	c.Window = d
	return nil
}
