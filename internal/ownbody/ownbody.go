// Package ownbody hands an HTTP transport its own copy of a request body.
//
// The AWS SDK closes the body it made as soon as the response headers
// arrive; on a fast (loopback) endpoint that can precede the transport's
// last read of it, which then fails and closes the connection under the
// response being read ("use of closed network connection"), a flaky
// failure once retries are off. A copy the SDK cannot close avoids it.
// Request bodies here are small (Invoke's is at most 6 MB and already in
// memory), so a copy is cheap.
package ownbody

import (
	"bytes"
	"io"
	"net/http"
)

// Copy returns req with its body read into memory: a body the caller's
// Close does not reach, GetBody set, ContentLength exact.
func Copy(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	r := req.WithContext(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	r.ContentLength = int64(len(data))
	return r, nil
}

// Transport is a RoundTripper that sends Copy of each request through RT
// (http.DefaultTransport when nil).
type Transport struct{ RT http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r, err := Copy(req)
	if err != nil {
		return nil, err
	}
	rt := t.RT
	if rt == nil {
		rt = http.DefaultTransport
	}
	return rt.RoundTrip(r)
}
