package awsjson

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var svc = Service{Prefix: "Svc_1.", Name: "Svc", MaxBytes: 16, InternalType: "InternalFailure", TooLargeType: "TooLarge"}

func serve(h func(w http.ResponseWriter, r *http.Request), method, target, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/", strings.NewReader(body))
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	w := httptest.NewRecorder()
	h(w, r)
	return w
}

func errorOf(t *testing.T, w *httptest.ResponseRecorder) (typ, msg string) {
	t.Helper()
	var e map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	if w.Header().Get("X-Amzn-ErrorType") != e["__type"] || w.Header().Get("Content-Type") != ContentType {
		t.Fatalf("headers %v for %v", w.Header(), e)
	}
	return e["__type"], e["message"]
}

func TestRead(t *testing.T) {
	var gotOp, gotBody string
	h := func(w http.ResponseWriter, r *http.Request) {
		defer svc.Recover(w)
		op, body, ok := svc.Read(w, r)
		if !ok {
			return
		}
		gotOp, gotBody = op, string(body)
		if op == "Panic" {
			panic("boom")
		}
		svc.WriteJSON(w, map[string]string{"op": op})
	}
	for _, c := range []struct {
		method, target, body string
		status               int
		typ, msg             string
	}{
		{"POST", "", "{}", 400, "UnknownOperationException", "Missing or unknown X-Amz-Target header; expected Svc_1.<Operation>."},
		{"POST", "Other_2.Op", "{}", 400, "UnknownOperationException", ""},
		{"GET", "Svc_1.Op", "", 405, "InvalidAction", "Use POST for Svc operations."},
		{"POST", "Svc_1.Op", strings.Repeat("x", 17), 413, "TooLarge", "Request body larger than 16 bytes."},
		{"POST", "Svc_1.Panic", "{}", 500, "InternalFailure", "internal error"},
	} {
		w := serve(h, c.method, c.target, c.body)
		typ, msg := errorOf(t, w)
		if w.Code != c.status || typ != c.typ || (c.msg != "" && msg != c.msg) {
			t.Errorf("%s %q: %d %s %q", c.method, c.target, w.Code, typ, msg)
		}
	}
	w := serve(h, "POST", "Svc_1.Op", `{"a":1}`)
	if w.Code != 200 || gotOp != "Op" || gotBody != `{"a":1}` || w.Body.String() != `{"op":"Op"}` {
		t.Fatalf("%d %q %q %q", w.Code, gotOp, gotBody, w.Body)
	}
	if w.Header().Get("X-Amzn-RequestId") == "" || w.Header().Get("Content-Length") != "11" {
		t.Fatalf("headers %v", w.Header())
	}
}

func TestUnmarshalEmptyBody(t *testing.T) {
	var v struct{ A *int }
	if err := Unmarshal([]byte(" \n"), &v); err != nil || v.A != nil {
		t.Fatal(err)
	}
	if err := Unmarshal([]byte("{"), &v); err == nil {
		t.Fatal("no error for a broken body")
	}
}

func TestWriteJSONUnencodable(t *testing.T) {
	w := httptest.NewRecorder()
	svc.WriteJSON(w, map[string]any{"f": func() {}})
	if typ, _ := errorOf(t, w); w.Code != 500 || typ != "InternalFailure" {
		t.Fatalf("%d %s", w.Code, typ)
	}
}
