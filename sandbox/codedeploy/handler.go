package codedeploy

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

// TargetPrefix is the X-Amz-Target prefix of CodeDeploy operations.
const TargetPrefix = "CodeDeploy_20141006."

// MaxRequestBytes bounds a request body.
const MaxRequestBytes = 1 << 20

// Operations lists every operation the front-end serves.
var Operations = []string{
	"CreateApplication", "GetApplication", "ListApplications",
	"CreateDeploymentGroup", "GetDeploymentGroup", "ListDeploymentGroups", "BatchGetDeploymentGroups",
	"CreateDeployment", "GetDeployment", "BatchGetDeployments", "ListDeployments",
	"ListDeploymentTargets", "GetDeploymentTarget", "BatchGetDeploymentTargets",
	"StopDeployment", "GetDeploymentConfig", "ListDeploymentConfigs", "CreateDeploymentConfig",
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, 500, "InternalFailure", "internal error encoding the response")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-RequestId", newUUID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": msg})
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-ErrorType", typ)
	h.Set("X-Amzn-RequestId", newUUID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// call decodes the body into In and runs op with the store's lock held.
func call[In any](s *Store, body []byte, op func(*Store, In) (any, *Error)) (any, *Error) {
	var in In
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &Error{Type: "SerializationException", Message: "Could not parse the request body: " + clip(err.Error(), 200)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick(s.clk.Now())
	return op(s, in)
}

// Do runs one operation on a JSON body (the front-end without HTTP; the
// fuzz target drives it directly).
func (s *Store) Do(op string, body []byte) (any, *Error) {
	switch op {
	case "CreateApplication":
		return call(s, body, (*Store).createApplication)
	case "GetApplication":
		return call(s, body, (*Store).getApplication)
	case "ListApplications":
		return call(s, body, (*Store).listApplications)
	case "CreateDeploymentGroup":
		return call(s, body, (*Store).createDeploymentGroup)
	case "GetDeploymentGroup":
		return call(s, body, (*Store).getDeploymentGroup)
	case "ListDeploymentGroups":
		return call(s, body, (*Store).listDeploymentGroups)
	case "BatchGetDeploymentGroups":
		return call(s, body, (*Store).batchGetDeploymentGroups)
	case "CreateDeployment":
		return call(s, body, (*Store).createDeployment)
	case "GetDeployment":
		return call(s, body, (*Store).getDeployment)
	case "BatchGetDeployments":
		return call(s, body, (*Store).batchGetDeployments)
	case "ListDeployments":
		return call(s, body, (*Store).listDeployments)
	case "ListDeploymentTargets":
		return call(s, body, (*Store).listDeploymentTargets)
	case "GetDeploymentTarget":
		return call(s, body, (*Store).getDeploymentTarget)
	case "BatchGetDeploymentTargets":
		return call(s, body, (*Store).batchGetDeploymentTargets)
	case "StopDeployment":
		return call(s, body, (*Store).stopDeployment)
	case "GetDeploymentConfig":
		return call(s, body, (*Store).getDeploymentConfig)
	case "ListDeploymentConfigs":
		return call(s, body, (*Store).listDeploymentConfigs)
	case "CreateDeploymentConfig":
		return call(s, body, (*Store).createDeploymentConfig)
	}
	return nil, &Error{Type: "UnknownOperationException", Message: "The operation " + clip(op, 100) + " is not supported by the sandbox's CodeDeploy."}
}

type handler struct{ s *Store }

// NewHandler serves CodeDeploy's awsJson1.1 protocol over s.
func NewHandler(s *Store) http.Handler { return handler{s} }

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			writeError(w, 500, "InternalFailure", "internal error")
		}
	}()
	target := r.Header.Get("X-Amz-Target")
	if !strings.HasPrefix(target, TargetPrefix) {
		writeError(w, 400, "UnknownOperationException", "Missing or unknown X-Amz-Target header; expected CodeDeploy_20141006.<Operation>.")
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, 405, "InvalidAction", "Use POST for CodeDeploy operations.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, 413, "SerializationException", fmt.Sprintf("Request body larger than %d bytes.", MaxRequestBytes))
			return
		}
		writeError(w, 400, "SerializationException", "Could not read the request body.")
		return
	}
	out, cerr := h.s.Do(strings.TrimPrefix(target, TargetPrefix), body)
	if cerr != nil {
		writeError(w, 400, cerr.Type, cerr.Message)
		return
	}
	writeJSON(w, out)
}
