package config

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// View is a named set of profiles and regions shown as one list:
//
//	views:
//	  oncall: {profiles: [prod-us, prod-eu], regions: [us-east-1, eu-west-1]}
type View struct {
	Profiles []string
	Regions  []string
}

// ViewNamed returns the view, or an error listing the known ones.
func (c Config) ViewNamed(name string) (View, error) {
	if v, ok := c.Views[name]; ok {
		return v, nil
	}
	var known []string
	for k := range c.Views {
		known = append(known, k)
	}
	sort.Strings(known)
	if len(known) == 0 {
		return View{}, fmt.Errorf("no view %q: the config file names no views (views: {oncall: {profiles: [...], regions: [...]}})", name)
	}
	return View{}, fmt.Errorf("no view %q (known: %s)", name, strings.Join(known, ", "))
}

func (c *Config) parseViews(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return c.errAt(v, "views must map a name to {profiles: [...], regions: [...]}")
	}
	if c.Views == nil {
		c.Views = map[string]View{}
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if val.Kind != yaml.MappingNode {
			return c.errAt(val, "view %q must be a mapping {profiles: [...], regions: [...]}", k.Value)
		}
		var view View
		for j := 0; j+1 < len(val.Content); j += 2 {
			f, list := val.Content[j], val.Content[j+1]
			var out []string
			if list.Kind == yaml.ScalarNode {
				out = []string{list.Value}
			} else if list.Kind == yaml.SequenceNode {
				for _, e := range list.Content {
					out = append(out, e.Value)
				}
			} else {
				return c.errAt(list, "view %q: %s must be a list", k.Value, f.Value)
			}
			switch f.Value {
			case "profiles":
				view.Profiles = out
			case "regions":
				view.Regions = out
			default:
				return c.errAt(f, "view %q: unknown field %q (known: profiles, regions)", k.Value, f.Value)
			}
		}
		if len(view.Profiles) == 0 && len(view.Regions) == 0 {
			return c.errAt(val, "view %q names no profiles and no regions", k.Value)
		}
		c.Views[k.Value] = view
	}
	return nil
}
