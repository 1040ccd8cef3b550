package rawhttp

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadResponse(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("HTTP/1.1 429 Too Many Requests\r\nX-A: b\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"))
	if code, err := ReadResponse(br); code != 429 || err != nil {
		t.Fatalf("%d %v", code, err)
	}
	if code, err := ReadResponse(br); code != 200 || err != nil {
		t.Fatalf("%d %v", code, err)
	}
	for _, bad := range []string{"", "HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n\r\n"} {
		if _, err := ReadResponse(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}

func TestMarkers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("Marker") {
		case "":
			fmt.Fprint(w, `{"NextMarker":"a b"}`)
		case "a b":
			fmt.Fprint(w, `{"NextMarker":"c"}`)
		default:
			fmt.Fprint(w, `{}`)
		}
	}))
	defer srv.Close()
	ms, err := Markers(srv.Client(), srv.URL)
	if err != nil || strings.Join(ms, "|") != "|a b|c" {
		t.Fatalf("%q %v", ms, err)
	}
}
