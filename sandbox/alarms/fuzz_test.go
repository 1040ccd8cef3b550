package alarms_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/sandbox/alarms"
	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// The composite rule parser never panics, and what it accepts evaluates.
func FuzzRule(f *testing.F) {
	for _, s := range []string{
		`ALARM(a) AND NOT OK(b)`, `(ALARM("x y") OR INSUFFICIENT_DATA(z)) AND TRUE`, `NOT NOT FALSE`,
		`ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:a)`, `ALARM(`, `((((`, `ALARM("a) OR OK(b)`, `ALARMS(a)`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := alarms.ParseRule(s)
		if err != nil {
			return
		}
		_ = r.Eval(func(string) string { return "ALARM" })
		for _, ref := range r.Refs() {
			if ref == "" {
				t.Fatalf("empty ref from %q", s)
			}
		}
	})
}

func fuzzHandler(t testing.TB) http.Handler {
	w := newWorld(t)
	for i := 0; i < 5; i++ {
		w.minute("fn", 20, i, 0)
	}
	return metrics.NewHandlerWith(w.met, w.al.Ops())
}

var fuzzOps = []string{"PutMetricAlarm", "PutCompositeAlarm", "DescribeAlarms", "DescribeAlarmsForMetric", "DescribeAlarmHistory", "DeleteAlarms", "SetAlarmState", "EnableAlarmActions", "DisableAlarmActions"}

func serve(t *testing.T, h http.Handler, r *http.Request) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code >= 500 {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
}

// The alarm operations' three decoders (CBOR, JSON 1.0, query) never fail
// the server (the handler turns a panic into a 500, which fails here).
func FuzzAlarmOpsJSON(f *testing.F) {
	h := fuzzHandler(f)
	f.Add(uint8(0), []byte(`{"AlarmName":"a","Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn"}],"Statistic":"Sum","Period":60,"EvaluationPeriods":2,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold"}`))
	f.Add(uint8(0), []byte(`{"AlarmName":"m","EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"LessThanThreshold","Metrics":[{"Id":"e","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Errors"},"Period":60,"Stat":"p99"},"ReturnData":false},{"Id":"x","Expression":"e*2"}]}`))
	f.Add(uint8(1), []byte(`{"AlarmName":"c","AlarmRule":"ALARM(a) AND NOT OK(m)"}`))
	f.Add(uint8(2), []byte(`{"AlarmTypes":["CompositeAlarm","MetricAlarm"],"MaxRecords":1,"NextToken":"ZDox"}`))
	f.Add(uint8(4), []byte(`{"AlarmName":"a","ScanBy":"TimestampAscending","StartDate":0,"EndDate":1e10}`))
	f.Add(uint8(6), []byte(`{"AlarmName":"a","StateValue":"ALARM","StateReason":"x","StateReasonData":"{}"}`))
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801."+fuzzOps[int(op)%len(fuzzOps)])
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		serve(t, h, r)
	})
}

func FuzzAlarmOpsCBOR(f *testing.F) {
	h := fuzzHandler(f)
	f.Add(uint8(2), []byte{0xa0})
	f.Add(uint8(0), []byte{0xbf, 0x69, 'A', 'l', 'a', 'r', 'm', 'N', 'a', 'm', 'e', 0x61, 'a', 0xff})
	f.Add(uint8(4), []byte{0xa1, 0x69, 'S', 't', 'a', 'r', 't', 'D', 'a', 't', 'e', 0xc1, 0x1a, 0x69, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/service/GraniteServiceVersion20100801/operation/"+fuzzOps[int(op)%len(fuzzOps)], bytes.NewReader(body))
		r.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
		r.Header.Set("Content-Type", "application/cbor")
		serve(t, h, r)
	})
}

func FuzzAlarmOpsQuery(f *testing.F) {
	h := fuzzHandler(f)
	f.Add([]byte("Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a&Namespace=AWS/Lambda&MetricName=Errors&Statistic=Sum&Period=60&EvaluationPeriods=1&Threshold=0&ComparisonOperator=GreaterThanThreshold&Dimensions.member.1.Name=FunctionName&Dimensions.member.1.Value=fn"))
	f.Add([]byte("Action=DescribeAlarms&Version=2010-08-01&AlarmTypes.member.1=CompositeAlarm&StateValue=ALARM&MaxRecords=5"))
	f.Add([]byte("Action=PutCompositeAlarm&Version=2010-08-01&AlarmName=c&AlarmRule=ALARM(a)%20OR%20OK(a)"))
	f.Add([]byte("Action=DescribeAlarmHistory&Version=2010-08-01&HistoryItemType=StateUpdate&ScanBy=TimestampAscending"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		if !strings.Contains(w.Body.String(), "</") {
			t.Fatalf("no XML in %q", w.Body.String())
		}
	})
}
