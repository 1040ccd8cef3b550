package fake

import (
	"context"
	"errors"
	"testing"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/model"
)

// Multi reads every pair's alarms into one index and routes an alarm's
// history and changes to its own pair; a pair without alarms is skipped.
func TestMultiAlarms(t *testing.T) {
	a, b, c := New("us-east-1", 1), New("eu-west-1", 1), New("ap-south-1", 1)
	a.AlarmList = []model.Alarm{{Name: "a-errors", ARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a-errors", State: model.AlarmAlarm}}
	b.AlarmList = []model.Alarm{{Name: "b-errors", ARN: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:b-errors", State: model.AlarmOK}}
	c.AlarmErr = awsapi.ErrUnsupported
	m := awsapi.NewMulti(a, b, c)
	ix, err := m.Alarms(context.Background(), false)
	if err != nil || ix.Len() != 2 {
		t.Fatalf("%v %d", err, ix.Len())
	}
	if err := m.SetAlarmState(context.Background(), "b-errors", model.AlarmAlarm, "test"); err != nil {
		t.Fatal(err)
	}
	if a.Calls("SetAlarmState") != 0 || b.Calls("SetAlarmState") != 1 {
		t.Errorf("routed to a %d, b %d", a.Calls("SetAlarmState"), b.Calls("SetAlarmState"))
	}
	if err := m.SetAlarmActions(context.Background(), []string{"a-errors", "b-errors"}, false, "x"); err == nil {
		t.Error("actions across pairs accepted")
	}
	only := awsapi.NewMulti(c)
	if _, err := only.Alarms(context.Background(), false); !errors.Is(err, awsapi.ErrUnsupported) {
		t.Errorf("no pair with alarms: %v", err)
	}
}
