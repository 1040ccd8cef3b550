package ui

import (
	"context"
	"time"

	"github.com/lambdaops/lambdaops/config"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/fnview"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// Options configure the root model.
type Options struct {
	Deps   common.Deps
	Target model.Target // defaults to Deps.Fleet.Target()
	// Styles, when nil, are built for a dark background and rebuilt when the
	// terminal reports its background (unless Config.Theme forces one).
	Styles *styles.Styles
	// KeyMap, when nil, is Config.KeyMap() (or the defaults).
	KeyMap  *keymap.KeyMap
	Config  config.Config
	Version string

	// Screens are full-screen panes opened from the palette (":triage",
	// ":esm", ":logs", ...), merged over DefaultScreens. A pane package
	// registers by exporting a common.ScreenMaker that main.go (or
	// DefaultScreens in this package) puts here under its command name.
	Screens map[string]common.ScreenMaker
	// Tabs are the function view's tab panes (index 1 Aliases … 4
	// Metrics; index 0 is the built-in Config tab), merged over DefaultTabs.
	Tabs [fnview.NumTabs]common.TabMaker

	// Regions and Profiles feed the palette's completion.
	Regions  []string
	Profiles []string

	// NoColor forces monochrome styles (NO_COLOR is also honoured by the
	// renderer's colour profile detection).
	NoColor bool
	// Now is the clock (tests); defaults to Deps.Now or time.Now.
	Now func() time.Time
	// Context bounds the program (Run); nil is context.Background.
	Context context.Context
	// FirstFrame, when set, is called once (on its own goroutine) after
	// the first frame has been rendered: start-up work held back until
	// then resumes there (main.go pauses the garbage collector).
	FirstFrame func()
}

// DefaultRegions are offered by :region completion when Options.Regions is empty.
// A :region outside these (and Options.Regions) is refused as a typo.
var DefaultRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
	"ap-south-1", "ap-south-2", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
	"sa-east-1", "mx-central-1", "me-south-1", "me-central-1", "il-central-1", "af-south-1",
	"us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
}

// knownRegion reports whether r is in Options.Regions or DefaultRegions.
func (m *Model) knownRegion(r string) bool {
	for _, l := range [][]string{m.opts.Regions, DefaultRegions} {
		for _, k := range l {
			if k == r {
				return true
			}
		}
	}
	return false
}
