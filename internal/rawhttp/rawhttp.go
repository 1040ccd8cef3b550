// Package rawhttp is the minimal HTTP/1.1 client side the sandbox
// benchmarks (go run ./bench and the sandbox's go test -bench) share: a
// keep-alive connection written to by hand and read with ReadResponse, so
// that a figure measures the server rather than net/http's client.
package rawhttp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ReadResponse reads one HTTP/1.1 response with a Content-Length (the
// status line, the headers, of which only Content-Length matters, and the
// body, skipped) and returns its status code.
func ReadResponse(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil || len(line) < 12 {
		return 0, fmt.Errorf("bad status line %q: %v", line, err)
	}
	code, _ := strconv.Atoi(string(line[9:12]))
	clen := -1
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(h) <= 2 {
			break
		}
		if len(h) > 15 && strings.EqualFold(string(h[:15]), "content-length:") {
			clen, _ = strconv.Atoi(strings.TrimSpace(string(h[15:])))
		}
	}
	if clen < 0 {
		return 0, fmt.Errorf("response without Content-Length")
	}
	_, err = br.Discard(clen)
	return code, err
}

// Markers walks every ListFunctions page of the Lambda endpoint at base
// once and returns their markers, "" (the first page) first.
func Markers(c *http.Client, base string) ([]string, error) {
	ms := []string{""}
	for {
		resp, err := c.Get(base + "/2015-03-31/functions?Marker=" + url.QueryEscape(ms[len(ms)-1]))
		if err != nil {
			return nil, err
		}
		var out struct{ NextMarker string }
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if out.NextMarker == "" {
			return ms, nil
		}
		ms = append(ms, out.NextMarker)
	}
}
