package sandbox

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/sandbox/sim"
)

// A synchronous Invoke answers when its simulated run ends, so a serial
// client (power tuning, a user invoking again and again) finds the
// environment free and reuses it warm: one cold start, then warm ones. The
// manual clock stands in for the wall clock here: it advances by the time
// the answer waited (AdvanceOnSleep), as the real one would have.
func TestSerialInvokesReuseAWarmEnvironment(t *testing.T) {
	s, m := start(t, Options{Seed: 1})
	s.SetBehaviour("image-resizer", sim.Behaviour{MeanDuration: 120 * time.Millisecond, MemoryUsedMB: 120})
	m.AdvanceOnSleep(true)
	c := lambdaClient(s.URL())
	cold := 0
	var took time.Duration
	for i := 0; i < 10; i++ {
		before := m.Now()
		out, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer"), LogType: ltypes.LogTypeTail, Payload: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
		rep, ok := model.ParseReportFromTail(string(tail))
		if !ok {
			t.Fatalf("no REPORT in %q", tail)
		}
		if strings.Contains(string(tail), "Init Duration") {
			cold++
		}
		// The answer left when the run ended: Init Duration + Duration later.
		took = m.Now().Sub(before)
		if want := rep.Duration + rep.InitDuration; took < want-time.Millisecond || took > want+time.Millisecond {
			t.Fatalf("invoke %d answered %v after it started; it ran %v", i, took, want)
		}
	}
	if cold != 1 {
		t.Fatalf("%d cold starts in 10 serial invokes, want 1", cold)
	}
	// Without AdvanceOnSleep the manual clock never moves: tests do not wait.
	m.AdvanceOnSleep(false)
	before := m.Now()
	if _, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("image-resizer"), Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if !m.Now().Equal(before) {
		t.Fatal("the manual clock moved on an invoke")
	}
}

// Async invokes are accepted at once: nothing waits for the run.
func TestEventInvokeDoesNotWait(t *testing.T) {
	s, m := start(t, Options{Seed: 1})
	m.AdvanceOnSleep(true)
	c := lambdaClient(s.URL())
	before := m.Now()
	if _, err := c.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("email-sender"), InvocationType: ltypes.InvocationTypeEvent, Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if !m.Now().Equal(before) {
		t.Fatalf("an Event invoke waited %v", m.Now().Sub(before))
	}
}
