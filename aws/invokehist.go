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

var _ awsapi.InvokeHistory = (*Client)(nil)

// maxInvokeFile bounds what Invocations reads (20 entries of at most 16 KB
// of response and 4 KB of log tail fit many times over).
const maxInvokeFile = 4 << 20

// invokeFile is where a function's invocations are kept:
// <state>/invoke/<account>/<region>/<function>.json.
func (c *Client) invokeFile(function string) string {
	t := c.Target()
	safe := strings.NewReplacer("/", "_", "..", "_", `\`, "_").Replace(function)
	return filepath.Join(c.cfg.StateDir, "invoke", orUnknown(t.Account), orUnknown(t.Region), safe+".json")
}

func orUnknown(s string) string {
	if s == "" || strings.ContainsAny(s, `/\`) || s == "." || s == ".." {
		return "unknown"
	}
	return s
}

// SaveInvocations writes the newest invocations (atomically, by rename,
// readable by the user only).
func (c *Client) SaveInvocations(function string, list []model.Invocation) error {
	if function == "" {
		return errors.New("no function")
	}
	if len(list) > model.MaxKeptInvocations {
		list = list[len(list)-model.MaxKeptInvocations:]
	}
	kept := make([]model.Invocation, len(list))
	for i, inv := range list {
		kept[i] = inv.Trimmed()
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	p := c.invokeFile(function)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Invocations reads the kept invocations, oldest first.
func (c *Client) Invocations(function string) ([]model.Invocation, error) {
	p := c.invokeFile(function)
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxInvokeFile {
		return nil, errors.New("the kept invocation history is too large to read: " + p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var out []model.Invocation
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	if len(out) > model.MaxKeptInvocations {
		out = out[len(out)-model.MaxKeptInvocations:]
	}
	return out, nil
}
