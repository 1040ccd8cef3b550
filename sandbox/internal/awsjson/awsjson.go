// Package awsjson is the awsJson1.1 front-end plumbing that the sandbox's
// JSON services (CloudWatch Logs, CodeDeploy) share: reading a request by
// its X-Amz-Target, writing a result or an error with a request id, and
// answering a panic with a 500 instead of dropping the connection.
package awsjson

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// ContentType is the awsJson1.1 media type.
const ContentType = "application/x-amz-json-1.1"

// Service is one awsJson1.1 service's front-end: what its requests are
// addressed by, how large they may be, and the error types it answers with
// where services differ.
type Service struct {
	Prefix       string // X-Amz-Target prefix, "Logs_20140328."
	Name         string // the service in messages, "CloudWatch Logs"
	MaxBytes     int64  // request body limit
	InternalType string // error type of a 500 (a panic, an unencodable response)
	TooLargeType string // error type of a body over MaxBytes (413)
}

// Read checks the target and the method and reads the body (at most
// MaxBytes). On failure it has written the error and ok is false.
func (s Service) Read(w http.ResponseWriter, r *http.Request) (op string, body []byte, ok bool) {
	target := r.Header.Get("X-Amz-Target")
	if !strings.HasPrefix(target, s.Prefix) {
		WriteError(w, 400, "UnknownOperationException", "Missing or unknown X-Amz-Target header; expected "+s.Prefix+"<Operation>.")
		return "", nil, false
	}
	if r.Method != http.MethodPost {
		WriteError(w, 405, "InvalidAction", "Use POST for "+s.Name+" operations.")
		return "", nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			WriteError(w, 413, s.TooLargeType, fmt.Sprintf("Request body larger than %d bytes.", s.MaxBytes))
			return "", nil, false
		}
		WriteError(w, 400, "SerializationException", "Could not read the request body.")
		return "", nil, false
	}
	return strings.TrimPrefix(target, s.Prefix), body, true
}

// Recover answers a panic of the handler with a 500. Defer it directly:
// defer svc.Recover(w).
func (s Service) Recover(w http.ResponseWriter) {
	if v := recover(); v != nil {
		WriteError(w, 500, s.InternalType, "internal error")
	}
}

// WriteJSON writes v as a 200 response.
func (s Service) WriteJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		WriteError(w, 500, s.InternalType, "internal error encoding the response")
		return
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Amzn-RequestId", NewUUID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// WriteError writes an awsJson1.1 error: {"__type", "message"} and the
// X-Amzn-ErrorType header.
func WriteError(w http.ResponseWriter, status int, typ, msg string) {
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": msg})
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Amzn-ErrorType", typ)
	h.Set("X-Amzn-RequestId", NewUUID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Unmarshal decodes a request body into v; an empty body is {}.
func Unmarshal(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	return json.Unmarshal(body, v)
}

// NewUUID is a random (version 4) UUID, the request id of a response.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
