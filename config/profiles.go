package config

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// AWSProfiles lists the profile names in the AWS CLI config file
// (AWS_CONFIG_FILE, else ~/.aws/config) for the palette's :profile
// completion. Only section headers are read; the credentials file is never
// opened.
func AWSProfiles() []string {
	path := os.Getenv("AWS_CONFIG_FILE")
	if path == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		path = filepath.Join(h, ".aws", "config")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "]") {
			continue
		}
		sec := strings.TrimSpace(line[1 : len(line)-1])
		switch {
		case sec == "default":
			seen["default"] = true
		case strings.HasPrefix(sec, "profile "):
			if n := strings.TrimSpace(sec[len("profile "):]); n != "" {
				seen[n] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
