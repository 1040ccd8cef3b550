package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	cases := []struct {
		args    []string
		wantErr string
	}{
		{nil, ""},
		{[]string{"--sandbox", "--read-only"}, ""},
		{[]string{"--profile", "prod", "--region", "eu-west-1"}, ""},
		{[]string{"--endpoint-url", "http://127.0.0.1:4566"}, ""},
		{[]string{"--bogus"}, "flag provided but not defined"},
		{[]string{"stray"}, `unexpected argument "stray"`},
		{[]string{"--sandbox", "--endpoint-url", "http://x"}, "cannot be used together"},
		{[]string{"--sandbox", "--profile", "p"}, "12-digit account"},
		{[]string{"--sandbox", "--profile", "sandbox:210987654321", "--region", "us-east-1,eu-west-1"}, ""},
		{[]string{"--region", "us-east-1,nowhere"}, "not a region"},
		{[]string{"--region", "us-east-1", "--all-regions"}, "cannot be used together"},
		{[]string{"--profile", "a,a"}, "given twice"},
		{[]string{"--endpoint-url", "localhost:4566"}, "must start with http"},
		{[]string{"--functions", "0"}, "between 1 and 100000"},
		{[]string{"--functions", "many"}, "invalid value"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		_, err := parseFlags(c.args, &stderr)
		if c.wantErr == "" {
			if err != nil {
				t.Errorf("%v: unexpected error %v", c.args, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%v: error %v, want it to contain %q", c.args, err, c.wantErr)
		}
	}
}

func TestVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"--version"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "lambdaops dev") {
		t.Fatalf("version output %q", out.String())
	}
}
