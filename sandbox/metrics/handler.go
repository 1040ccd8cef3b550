package metrics

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
)

// Wire identifiers.
const (
	serviceName  = "GraniteServiceVersion20100801"
	cborPathPart = "/service/" + serviceName + "/operation/"
	apiVersion   = "2010-08-01"
	xmlNS        = "http://monitoring.amazonaws.com/doc/2010-08-01/"
	maxBody      = 8 << 20
)

// Handler serves the CloudWatch operations in the three encodings.
type Handler struct {
	s   *Store
	ops map[string]Op
	seq atomic.Uint64
}

// NewHandler returns the CloudWatch front-ends over s: RPC v2 CBOR at
// POST /service/GraniteServiceVersion20100801/operation/<Op>, awsJson1.0
// with X-Amz-Target: GraniteServiceVersion20100801.<Op>, and awsQuery form
// posts (Action=<Op>&Version=2010-08-01) answered in XML. Operations:
// GetMetricData, GetMetricStatistics, ListMetrics and PutMetricData.
func NewHandler(s *Store) http.Handler { return NewHandlerWith(s, nil) }

// Op is an operation another package serves on the CloudWatch front-ends
// (the alarms): NewInput returns a pointer to the input shape (json member
// names, as every shape here), Run runs it. An output that is an empty
// struct is answered with no Result element in awsQuery.
type Op struct {
	NewInput func() any
	Run      func(in any) (any, error)
}

// OpOf is the Op of a typed operation: NewInput makes a new In, Run calls
// run with it.
func OpOf[In, Out any](run func(*In) (Out, error)) Op {
	return Op{
		NewInput: func() any { return new(In) },
		Run:      func(in any) (any, error) { return run(in.(*In)) },
	}
}

// NewHandlerWith is NewHandler with extra operations served in the same
// three encodings (they never replace the metrics operations).
func NewHandlerWith(s *Store, extra map[string]Op) http.Handler {
	h := &Handler{s: s}
	h.ops = map[string]Op{
		"GetMetricData":       OpOf(s.GetMetricData),
		"GetMetricStatistics": OpOf(s.GetMetricStatistics),
		"ListMetrics":         OpOf(s.ListMetrics),
		"PutMetricData":       OpOf(s.PutMetricData),
	}
	for name, op := range extra {
		if _, taken := h.ops[name]; !taken && op.NewInput != nil && op.Run != nil {
			h.ops[name] = op
		}
	}
	return h
}

func (h *Handler) requestID() string {
	n := h.seq.Add(1)
	return fmt.Sprintf("6d657472-6963-7300-0000-%012x", n)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil { // never take the server down
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	reqID := h.requestID()
	w.Header().Set("X-Amzn-Requestid", reqID)
	body, err := readBody(w, r)
	if i := strings.Index(r.URL.Path, cborPathPart); i >= 0 {
		op := strings.Trim(r.URL.Path[i+len(cborPathPart):], "/")
		if err != nil {
			h.writeCBORError(w, errSerialization(err))
			return
		}
		h.serveCBOR(w, op, body)
		return
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		op, ok := strings.CutPrefix(t, serviceName+".")
		if err != nil {
			h.writeJSONError(w, errSerialization(err))
			return
		}
		if !ok {
			h.writeJSONError(w, errUnknownOp(t))
			return
		}
		h.serveJSON(w, op, body)
		return
	}
	if err != nil {
		h.writeXMLError(w, reqID, errSerialization(err))
		return
	}
	h.serveQuery(w, r, reqID, body)
}

// readBody reads a bounded body, inflating Content-Encoding: gzip (the SDKs
// compress PutMetricData).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var rd io.Reader = http.MaxBytesReader(w, r.Body, maxBody)
	if strings.EqualFold(strings.TrimSpace(r.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		rd = io.LimitReader(zr, maxBody+1)
	}
	b, err := io.ReadAll(rd)
	if err == nil && len(b) > maxBody {
		err = fmt.Errorf("request body larger than %d bytes", maxBody)
	}
	return b, err
}

// ---- RPC v2 CBOR ----

func (h *Handler) serveCBOR(w http.ResponseWriter, opName string, body []byte) {
	op, ok := h.ops[opName]
	if !ok {
		e := errUnknownOp(opName)
		e.Status = http.StatusNotFound
		h.writeCBORError(w, e)
		return
	}
	in := op.NewInput()
	if len(body) > 0 {
		if err := cborDec.Unmarshal(body, in); err != nil {
			h.writeCBORError(w, errSerialization(err))
			return
		}
	}
	out, err := op.Run(in)
	if err != nil {
		h.writeCBORError(w, asAPIError(err))
		return
	}
	b, err := cborEnc.Marshal(out)
	if err != nil {
		h.writeCBORError(w, asAPIError(err))
		return
	}
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (h *Handler) writeCBORError(w http.ResponseWriter, e *APIError) {
	b, _ := cborEnc.Marshal(map[string]string{"__type": e.Shape, "message": e.Message})
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("X-Amzn-Query-Error", e.Code+";"+e.Fault())
	w.WriteHeader(e.Status)
	w.Write(b)
}

// ---- awsJson1.0 ----

func (h *Handler) serveJSON(w http.ResponseWriter, opName string, body []byte) {
	op, ok := h.ops[opName]
	if !ok {
		h.writeJSONError(w, errUnknownOp(opName))
		return
	}
	in := op.NewInput()
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, in); err != nil {
			h.writeJSONError(w, errSerialization(err))
			return
		}
	}
	out, err := op.Run(in)
	if err != nil {
		h.writeJSONError(w, asAPIError(err))
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		h.writeJSONError(w, asAPIError(err))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (h *Handler) writeJSONError(w http.ResponseWriter, e *APIError) {
	b, _ := json.Marshal(map[string]string{"__type": e.Shape, "message": e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Query-Error", e.Code+";"+e.Fault())
	w.WriteHeader(e.Status)
	w.Write(b)
}

// ---- awsQuery (form in, XML out) ----

func (h *Handler) serveQuery(w http.ResponseWriter, r *http.Request, reqID string, body []byte) {
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		h.writeXMLError(w, reqID, &APIError{"MalformedQueryString", "MalformedQueryString", http.StatusBadRequest, err.Error()})
		return
	}
	for k, v := range r.URL.Query() {
		if _, ok := vals[k]; !ok {
			vals[k] = v
		}
	}
	opName := vals.Get("Action")
	if opName == "" {
		h.writeXMLError(w, reqID, &APIError{"MissingAction", "MissingAction", http.StatusBadRequest, "Missing Action"})
		return
	}
	if v := vals.Get("Version"); v != "" && v != apiVersion {
		h.writeXMLError(w, reqID, errUnknownOp(opName))
		return
	}
	op, ok := h.ops[opName]
	if !ok {
		h.writeXMLError(w, reqID, errUnknownOp(opName))
		return
	}
	in := op.NewInput()
	if err := decodeForm(vals, in); err != nil {
		h.writeXMLError(w, reqID, errInvalidValue("%v", err))
		return
	}
	out, err := op.Run(in)
	if err != nil {
		h.writeXMLError(w, reqID, asAPIError(err))
		return
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<%sResponse xmlns="%s">`, opName, xmlNS)
	if !emptyStruct(out) {
		writeXMLValue(&b, opName+"Result", out)
	}
	fmt.Fprintf(&b, `<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`, reqID, opName)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

func (h *Handler) writeXMLError(w http.ResponseWriter, reqID string, e *APIError) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>`, xmlNS, e.Fault())
	xmlEscape(&b, e.Code)
	b.WriteString(`</Code><Message>`)
	xmlEscape(&b, e.Message)
	fmt.Fprintf(&b, `</Message></Error><RequestId>%s</RequestId></ErrorResponse>`, reqID)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	w.Write(b.Bytes())
}

// emptyStruct reports whether out is a (pointer to a) struct with no fields:
// its awsQuery response has no Result element.
func emptyStruct(out any) bool {
	t := reflect.TypeOf(out)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t == nil || t.Kind() == reflect.Struct && t.NumField() == 0
}
