package aws

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

var (
	_ awsapi.Tuner     = (*Client)(nil)
	_ awsapi.Recoverer = (*Client)(nil)
)

// tuneDir is where runs of a function are saved:
// <state>/tune/<account>/<region>/<function>/.
func (c *Client) tuneDir(function string) string {
	safe := strings.NewReplacer("/", "_", "..", "_").Replace(function)
	return filepath.Join(c.cfg.StateDir, "tune", c.target.Account, c.target.Region, safe)
}

// SaveTuneRun writes <run>.json and <run>.csv (atomically, by rename).
func (c *Client) SaveTuneRun(run model.TuneRun) ([]string, error) {
	if run.Run == "" || strings.ContainsAny(run.Run, `/\.`) {
		return nil, errors.New("the run has no usable id")
	}
	dir := c.tuneDir(run.Function)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	js, err := run.JSON()
	if err != nil {
		return nil, err
	}
	var paths []string
	for ext, b := range map[string][]byte{".json": js, ".csv": run.CSV()} {
		p := filepath.Join(dir, run.Run+ext)
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, p); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths, nil
}

// TuneRuns reads the saved runs of function, newest first.
func (c *Client) TuneRuns(function string) ([]model.TuneRun, error) {
	ents, err := os.ReadDir(c.tuneDir(function))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []model.TuneRun
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(c.tuneDir(function), e.Name()))
		if err != nil {
			continue
		}
		var r model.TuneRun
		if json.Unmarshal(b, &r) == nil && r.Run != "" {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.After(out[j].Started) })
	return out, nil
}
