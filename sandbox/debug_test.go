package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDebugEndpoints(t *testing.T) {
	s, err := Start(context.Background(), Options{Functions: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	post := func(body string) (int, string) {
		resp, err := http.Post(s.URL()+"/_sandbox/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(`{"ErrorRate":1}`); code != 200 {
		t.Fatalf("set faults: %d %s", code, body)
	}
	resp, err := http.Get(s.URL() + "/2015-03-31/functions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 500 {
		t.Fatalf("with ErrorRate 1 got %d", resp.StatusCode)
	}
	for _, bad := range []string{`{"ErrorRate":2}`, `{"Jitter":"soon"}`, `not json`} {
		if code, body := post(bad); code != 400 || !strings.Contains(body, "message") {
			t.Errorf("%s: %d %s", bad, code, body)
		}
	}
	if code, _ := post(`{}`); code != 200 {
		t.Fatal("clearing faults failed")
	}
	resp, err = http.Get(s.URL() + "/2015-03-31/functions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after clearing faults got %d", resp.StatusCode)
	}
	resp, err = http.Get(s.URL() + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Stats
		Throttles, QuotaThrottles int64
	}
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil || st.Count("ListFunctions") != 2 || st.Status(200) != 1 {
		t.Fatalf("stats %+v: %v", st, err)
	}
	resp, _ = http.Get(s.URL() + "/_sandbox/nope")
	if resp.StatusCode != 404 {
		t.Errorf("unknown debug path: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

func TestMainFaultFlags(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var out, errb bytes.Buffer
	err := Main(ctx, []string{"--addr", "127.0.0.1:0", "--functions", "3", "--traffic=false", "--fault-error-rate", "0.5", "--fault-jitter", "10ms", "--fault-apis", "ListFunctions, Invoke"}, &out, &errb)
	if err != nil {
		t.Fatalf("%v %s", err, errb.String())
	}
	if err := Main(ctx, []string{"--fault-error-rate", "0.7", "--fault-throttle-rate", "0.7"}, &out, &errb); err == nil || !strings.Contains(err.Error(), "more than 1") {
		t.Errorf("rates adding up over 1: %v", err)
	}
}
