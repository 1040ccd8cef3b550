package model

import "testing"

func TestRuleText(t *testing.T) {
	for in, want := range map[string]string{
		`ALARM("payments-webhook-error-rate") OR (ALARM("checkout-api-live-canary") AND NOT OK("checkout-errors"))`: "payments-webhook-error-rate OR (checkout-api-live-canary AND NOT OK checkout-errors)",
		`ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:a-b)  AND  INSUFFICIENT_DATA( "c d" )`:               "a-b AND NO DATA c d",
		`TRUE`:                    "TRUE",
		`ALARM(x`:                 "ALARM(x",
		`NOT (OK(a) OR ALARM(b))`: "NOT (OK a OR b)",
		`MYALARM(a)`:              "MYALARM(a)",
		"ALARM(a)\n\tOR ALARM(b)": "a OR b",
		``:                        "",
	} {
		if got := RuleText(in); got != want {
			t.Errorf("RuleText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRuleText(f *testing.F) {
	f.Add(`ALARM("a") OR (OK(b) AND NOT INSUFFICIENT_DATA("c"))`)
	f.Add(`ALARM(`)
	f.Fuzz(func(t *testing.T, s string) { _ = RuleText(s) })
}

func TestShortAlarmARNs(t *testing.T) {
	in := "arn:aws:cloudwatch:us-east-1:123456789012:alarm:payments-webhook-error-rate transitioned to ALARM at Thursday (arn:aws:sns:x) arn:x y:alarm:z"
	want := "payments-webhook-error-rate transitioned to ALARM at Thursday (arn:aws:sns:x) arn:x y:alarm:z"
	if got := ShortAlarmARNs(in); got != want {
		t.Fatalf("%q", got)
	}
}
