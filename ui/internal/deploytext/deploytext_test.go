package deploytext

import "testing"

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"CodeDeployDefault.LambdaCanary10Percent5Minutes":       "Canary10%/5m",
		"CodeDeployDefault.LambdaLinear10PercentEvery10Minutes": "Linear10%/10m",
		"CodeDeployDefault.LambdaAllAtOnce":                     "AllAtOnce",
		"my-custom-config":                                      "my-custom-config",
	} {
		if got := ShortConfig(in); got != want {
			t.Errorf("ShortConfig(%q) = %q, want %q", in, got, want)
		}
	}
	if Config("CodeDeployDefault.LambdaAllAtOnce") != "LambdaAllAtOnce" {
		t.Error(Config("CodeDeployDefault.LambdaAllAtOnce"))
	}
	if Creator("codeDeployRollback") != "CodeDeploy (rollback)" || Creator("") != "unknown" || CreatorShort("CloudFormationRollback") != "CFN-rb" {
		t.Error("creator words")
	}
	if EventMark("Succeeded") != "✓" || EventMark("Pending") != "pending" {
		t.Error("event marks")
	}
}
