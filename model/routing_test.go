package model

import (
	"strings"
	"testing"
)

func vers(nums ...string) []Version {
	var out []Version
	for _, n := range nums {
		out = append(out, Version{Version: n, Role: "arn:aws:iam::1:role/r", DLQTarget: "arn:aws:sqs:us-east-1:1:dlq"})
	}
	return out
}

func TestRoundAndFormatWeight(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want float64
		str  string
	}{
		{0.1 + 0.2, 0.3, "30%"},
		{0.12345, 0.123, "12.3%"},
		{-0.5, 0, "0%"},
		{1.7, 1, "100%"},
		{0.0004, 0, "0%"},
		{0.9999, 1, "100%"},
		{0.125, 0.125, "12.5%"},
	} {
		if got := RoundWeight(tc.in); got != tc.want {
			t.Errorf("RoundWeight(%v) = %v, want %v", tc.in, got, tc.want)
		}
		if got := FormatWeight(RoundWeight(tc.in)); got != tc.str {
			t.Errorf("FormatWeight(%v) = %q, want %q", tc.in, got, tc.str)
		}
	}
}

func TestParseWeight(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    float64
		wantErr string
	}{
		{"10", 0.1, ""},
		{"10%", 0.1, ""},
		{" 12.5 % ", 0.125, ""},
		{"0.1", 0.1, ""},
		{"0.5%", 0.005, ""},
		{"100", 1, ""},
		{"0", 0, ""},
		{"", 0, "type a weight"},
		{"abc", 0, "not a weight"},
		{"150", 0, "outside"},
		{"-5", 0, "outside"},
	} {
		got, err := ParseWeight(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseWeight(%q) err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseWeight(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestShiftCanary(t *testing.T) {
	canary := Alias{Name: "live", Version: "7", Routing: Routing{AdditionalVersion: "8", Weight: 0.1}, RevisionID: "r1"}
	plain := Alias{Name: "live", Version: "7", RevisionID: "r1"}
	for _, tc := range []struct {
		name     string
		a        Alias
		versions []Version
		delta    float64
		kind     ChangeKind
		version  string
		routing  Routing
		wantErr  string
	}{
		{"up by step", canary, vers("6", "7", "8"), 0.1, ChangeShift, "7", Routing{"8", 0.2}, ""},
		{"down by step", canary, vers("6", "7", "8"), -0.1, ChangeAbort, "7", Routing{}, ""},
		{"float noise rounded", Alias{Name: "live", Version: "7", Routing: Routing{"8", 0.7}}, vers("7", "8"), 0.1, ChangeShift, "7", Routing{"8", 0.8}, ""},
		{"up to 100 promotes", Alias{Name: "live", Version: "7", Routing: Routing{"8", 0.95}}, vers("7", "8"), 0.1, ChangePromote, "8", Routing{}, ""},
		{"small step", canary, vers("7", "8"), 0.01, ChangeShift, "7", Routing{"8", 0.11}, ""},
		{"start on newest above primary", plain, vers("5", "7", "8", "9"), 0.1, ChangeStart, "7", Routing{"9", 0.1}, ""},
		{"start ignores $LATEST and older", plain, vers("$LATEST", "3", "7"), 0.1, "", "", Routing{}, "no published version newer than 7"},
		{"down without routing", plain, vers("7", "8"), -0.1, "", "", Routing{}, "no canary to shift down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ShiftCanary(tc.a, tc.versions, tc.delta)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind != tc.kind || c.Version != tc.version || c.Routing != tc.routing {
				t.Fatalf("got %s %s %+v, want %s %s %+v", c.Kind, c.Version, c.Routing, tc.kind, tc.version, tc.routing)
			}
			if c.Before.RevisionID != tc.a.RevisionID {
				t.Fatalf("change lost the on-screen revision")
			}
		})
	}
}

func TestSetPromoteAbort(t *testing.T) {
	canary := Alias{Name: "live", Version: "7", Routing: Routing{AdditionalVersion: "8", Weight: 0.1}}
	plain := Alias{Name: "live", Version: "7"}
	c, err := SetCanaryWeight(canary, vers("7", "8"), 0.333333)
	if err != nil || c.Routing.Weight != 0.333 {
		t.Fatalf("set: %+v %v", c, err)
	}
	if c, _ := SetCanaryWeight(canary, nil, 1); c.Kind != ChangePromote || c.Version != "8" || c.Routing.Active() {
		t.Fatalf("set 100%%: %+v", c)
	}
	if c, _ := SetCanaryWeight(canary, nil, 0); c.Kind != ChangeAbort || c.Version != "7" || c.Routing.Active() {
		t.Fatalf("set 0%%: %+v", c)
	}
	if c, _ := Promote(canary); c.Version != "8" || c.Routing.Active() {
		t.Fatalf("promote: %+v", c)
	}
	if c, _ := Abort(canary); c.Version != "7" || c.Routing.Active() {
		t.Fatalf("abort: %+v", c)
	}
	if _, err := Promote(plain); err == nil {
		t.Fatal("promote without routing accepted")
	}
	if _, err := Abort(plain); err == nil {
		t.Fatal("abort without routing accepted")
	}
	if _, err := StartCanary(canary, vers("9"), 0.1); err == nil {
		t.Fatal("start over a running canary accepted")
	}
	if ab, _ := Abort(canary); ab.Summary() != "live: 90% → 7, 10% → 8  ⇒  100% → 7" {
		t.Fatalf("summary = %q", ab.Summary())
	}
	if got := c.Summary(); got != "live: 90% → 7, 10% → 8  ⇒  66.7% → 7, 33.3% → 8" {
		t.Fatalf("summary = %q", got)
	}
}

func TestPreflight(t *testing.T) {
	fn := Function{Name: "checkout-api", State: "Active", LastUpdateStatus: "Successful"}
	good := vers("7", "8")
	otherRole := append(vers("7"), Version{Version: "8", Role: "arn:aws:iam::1:role/other", DLQTarget: good[0].DLQTarget})
	otherDLQ := append(vers("7"), Version{Version: "8", Role: good[0].Role})
	base := Alias{Name: "live", Version: "7"}
	start := AliasChange{Kind: ChangeStart, Before: base, Version: "7", Routing: Routing{"8", 0.1}}
	for _, tc := range []struct {
		name     string
		fn       Function
		versions []Version
		change   AliasChange
		checks   []string
		msg      string
	}{
		{"all good", fn, good, start, nil, ""},
		{"unpublished additional", fn, vers("7"), start, []string{"published"}, "publish it with p"},
		{"latest additional", fn, good, AliasChange{Before: base, Version: "7", Routing: Routing{"$LATEST", 0.1}}, []string{"latest"}, "$LATEST"},
		{"latest primary", fn, good, AliasChange{Before: base, Version: "$LATEST", Routing: Routing{"8", 0.1}}, []string{"latest"}, "publish it"},
		{"same version twice", fn, good, AliasChange{Before: base, Version: "8", Routing: Routing{"8", 0.1}}, []string{"routing"}, "different version"},
		{"role differs", fn, otherRole, start, []string{"role"}, "same role"},
		{"dlq differs", fn, otherDLQ, start, []string{"dlq"}, "same DLQ"},
		{"mid update", Function{Name: "checkout-api", State: "Active", LastUpdateStatus: "InProgress"}, good, start, []string{"updating"}, "wait until the update finishes"},
		{"pending", Function{Name: "checkout-api", State: "Pending"}, good, start, []string{"updating"}, "wait"},
		{"promote needs published target", fn, vers("7"), AliasChange{Kind: ChangePromote, Before: base, Version: "8"}, []string{"published"}, "not a published version"},
		{"abort to primary fine", fn, good, AliasChange{Kind: ChangeAbort, Before: base, Version: "7"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Preflight(tc.fn, tc.versions, tc.change)
			var checks []string
			for _, p := range got {
				checks = append(checks, p.Check)
			}
			if strings.Join(checks, ",") != strings.Join(tc.checks, ",") {
				t.Fatalf("checks = %v, want %v (%v)", checks, tc.checks, got)
			}
			if tc.msg != "" && !strings.Contains(got[0].Message, tc.msg) {
				t.Fatalf("message %q lacks %q", got[0].Message, tc.msg)
			}
		})
	}
	if err := CheckAdditionalVersions(map[string]float64{"8": 0.1, "9": 0.1}); err == nil || !strings.Contains(err.Error(), "allows one") {
		t.Fatalf("two additional versions: %v", err)
	}
	if err := CheckAdditionalVersions(map[string]float64{"8": 0.1}); err != nil {
		t.Fatal(err)
	}
}

func TestUndoChange(t *testing.T) {
	now := Alias{Name: "live", Version: "7", Routing: Routing{"8", 0.2}, RevisionID: "r2"}
	entry := JournalEntry{
		Action: "UpdateAlias", Target: "checkout-api:live", Result: "ok",
		Before:         map[string]any{"version": "7", "routing": map[string]any{"additionalVersion": "8", "weight": 0.1}},
		After:          map[string]any{"version": "7", "routing": map[string]any{"additionalVersion": "8", "weight": 0.2}},
		RevisionBefore: "r1", RevisionAfter: "r2",
	}
	for _, tc := range []struct {
		name    string
		cur     Alias
		e       JournalEntry
		version string
		routing Routing
		wantErr string
	}{
		{"restores before", now, entry, "7", Routing{"8", 0.1}, ""},
		{"aws-style keys", now, JournalEntry{Result: "ok", Before: map[string]any{"FunctionVersion": "7", "AdditionalVersionWeights": map[string]any{"8": 0.05}}}, "7", Routing{"8", 0.05}, ""},
		{"before without routing", now, JournalEntry{Result: "ok", Before: map[string]any{"version": "7"}}, "7", Routing{}, ""},
		{"changed since (revision)", Alias{Name: "live", Version: "7", Routing: Routing{"8", 0.2}, RevisionID: "r3"}, entry, "", Routing{}, "changed after"},
		{"changed since (routing)", Alias{Name: "live", Version: "8"}, JournalEntry{Result: "ok", Before: entry.Before, After: entry.After}, "", Routing{}, "decide again"},
		{"failed entry", now, JournalEntry{Result: "boom", Before: entry.Before}, "", Routing{}, "failed"},
		{"no before", now, JournalEntry{Result: "ok", Action: "UpdateAlias"}, "", Routing{}, "does not record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := UndoChange(tc.cur, tc.e)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Version != tc.version || c.Routing != tc.routing || c.Kind != ChangeUndo {
				t.Fatalf("got %+v", c)
			}
		})
	}
}

func TestSortAndNewest(t *testing.T) {
	vs := vers("3", "$LATEST", "10", "9")
	SortVersions(vs)
	var got []string
	for _, v := range vs {
		got = append(got, v.Version)
	}
	if strings.Join(got, ",") != "$LATEST,10,9,3" {
		t.Fatalf("sorted = %v", got)
	}
	if v, ok := NewestAbove("9", vs); !ok || v != "10" {
		t.Fatalf("newest above 9 = %v %v", v, ok)
	}
	if DescribeRouting("", Routing{}) != "(none)" {
		t.Fatal("empty routing")
	}
}
