package sandbox

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/lambdaops/lambdaops/sandbox/codedeploy"
	"github.com/lambdaops/lambdaops/sandbox/lambda"
	"github.com/lambdaops/lambdaops/sandbox/tagging"
)

type service int

const (
	svcLambda service = iota
	svcLogs
	svcMetricsCBOR
	svcMetricsJSON
	svcMetricsQuery
	svcSTS
	svcUnknownQuery
	svcCodeDeploy
	svcTagging
)

const (
	logsPrefix    = "Logs_20140328."
	metricsPrefix = "GraniteServiceVersion20100801."
	metricsPath   = "/service/GraniteServiceVersion20100801/operation/"
	maxFormBody   = 1 << 20
)

// classified is a request's service and operation.
type classified struct {
	svc   service
	op    string
	route lambda.Route
	form  url.Values // query protocol requests
}

// classify finds the service and operation; a form-encoded POST body is
// read (bounded) and restored for the handler.
func classify(r *http.Request) (classified, error) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		switch {
		case strings.HasPrefix(t, logsPrefix):
			return classified{svc: svcLogs, op: t[len(logsPrefix):]}, nil
		case strings.HasPrefix(t, metricsPrefix):
			return classified{svc: svcMetricsJSON, op: t[len(metricsPrefix):]}, nil
		case strings.HasPrefix(t, codedeploy.TargetPrefix):
			return classified{svc: svcCodeDeploy, op: orUnknown(t[len(codedeploy.TargetPrefix):])}, nil
		case strings.HasPrefix(t, tagging.TargetPrefix):
			return classified{svc: svcTagging, op: t[len(tagging.TargetPrefix):]}, nil
		}
	}
	if strings.HasPrefix(r.URL.Path, metricsPath) {
		return classified{svc: svcMetricsCBOR, op: strings.Trim(r.URL.Path[len(metricsPath):], "/")}, nil
	}
	if r.Method == http.MethodPost && (r.URL.Path == "/" || r.URL.Path == "") {
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "application/x-www-form-urlencoded") || r.URL.RawQuery != "" && strings.Contains(r.URL.RawQuery, "Action=") {
			var body []byte
			if r.Body != nil {
				b, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
				if err != nil {
					return classified{svc: svcUnknownQuery, op: "Unknown"}, err
				}
				if len(b) > maxFormBody {
					return classified{svc: svcUnknownQuery, op: "Unknown"}, errTooLarge
				}
				body = b
				r.Body = io.NopCloser(bytes.NewReader(b))
				r.ContentLength = int64(len(b))
			}
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return classified{svc: svcUnknownQuery, op: "Unknown"}, err
			}
			for k, v := range r.URL.Query() {
				if _, ok := form[k]; !ok {
					form[k] = v
				}
			}
			action := form.Get("Action")
			switch {
			case form.Get("Version") == "2010-08-01":
				return classified{svc: svcMetricsQuery, op: action, form: form}, nil
			case action == "GetCallerIdentity" || form.Get("Version") == "2011-06-15":
				return classified{svc: svcSTS, op: action, form: form}, nil
			}
			return classified{svc: svcUnknownQuery, op: orUnknown(action), form: form}, nil
		}
	}
	rt := lambda.Match(r.Method, r.URL.EscapedPath(), r.URL.RawQuery)
	op := rt.Op
	if op == "" {
		op = "Unknown"
	}
	return classified{svc: svcLambda, op: op, route: rt}, nil
}

type tooLargeErr struct{}

func (tooLargeErr) Error() string { return "request body too large" }

var errTooLarge error = tooLargeErr{}

func orUnknown(s string) string {
	if s == "" {
		return "Unknown"
	}
	return s
}

// statusWriter records the status code and passes Flush through (Live Tail).
// statusWriter records the response status in the stats as the status is
// decided, before anything reaches the client, so a client that reads the
// stats right after its response always finds its request counted.
type statusWriter struct {
	http.ResponseWriter
	code int
	ctr  *opCounter // counts the status (a method value would allocate per request)
}

func (s *statusWriter) decide(code int) {
	if s.code == 0 {
		s.code = code
		if s.ctr != nil {
			s.ctr.status(code)
		}
	}
}

// finish records a request that wrote nothing (a dropped connection records
// nothing at all, as before).
func (s *statusWriter) finish() {
	if s.code == 0 && s.ctr != nil {
		s.ctr.status(0)
	}
}

func (s *statusWriter) WriteHeader(code int) {
	s.decide(code)
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.decide(http.StatusOK)
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		s.decide(http.StatusOK)
		f.Flush()
	}
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// ServeHTTP is the one handler: classification, faults and quotas, then the
// service front-end.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil { // a bug must not take the sandbox down
			http.Error(w, `{"__type":"ServiceException","message":"internal error"}`, http.StatusInternalServerError)
		}
	}()
	if strings.HasPrefix(r.URL.Path, debugPrefix) {
		s.serveDebug(w, r)
		return
	}
	if s.multi != nil {
		t, err := s.multi.route(r)
		if err != nil {
			http.Error(w, `{"__type":"ServiceException","message":"`+err.Error()+`"}`, http.StatusServiceUnavailable)
			return
		}
		if t != s {
			t.ServeHTTP(w, r)
			return
		}
	}
	s.stats.total.Add(1)
	c, err := classify(r)
	ctr := s.stats.op(c.op)
	ctr.requests.Add(1)
	sw := &statusWriter{ResponseWriter: w, ctr: ctr}
	defer sw.finish()
	if err != nil {
		status := http.StatusBadRequest
		if err == errTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		writeQueryError(sw, status, "MalformedQueryString", err.Error(), "https://sts.amazonaws.com/doc/2011-06-15/")
		return
	}

	// Faults.
	var (
		delay  time.Duration
		act    faultAction
		status int
	)
	if f := s.faultsPtr.Load(); f != nil && f.matches(c.op) {
		s.faultMu.Lock()
		delay, act, status = f.decide(s.faultRng)
		s.faultMu.Unlock()
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch act {
	case faultDrop:
		ctr.dropped.Add(1)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case faultThrottle:
		ctr.throttled.Add(1)
		writeThrottle(sw, c, time.Second)
		return
	case faultError:
		writeServiceError(sw, c, status)
		return
	}
	if s.quotas != nil {
		if ok, wait := s.quotas.allow(c.svc, c.op); !ok {
			ctr.throttled.Add(1)
			ctr.quota.Add(1)
			writeThrottle(sw, c, wait)
			return
		}
	}

	switch c.svc {
	case svcLambda:
		s.lambdaAPI.Serve(sw, r, c.route)
	case svcLogs:
		s.logsH.ServeHTTP(sw, r)
	case svcMetricsCBOR, svcMetricsJSON, svcMetricsQuery:
		s.metricsH.ServeHTTP(sw, r)
	case svcSTS:
		s.serveSTS(sw, c)
	case svcCodeDeploy:
		s.codedeployH.ServeHTTP(sw, r)
	case svcTagging:
		s.taggingH.ServeHTTP(sw, r)
	default:
		writeQueryError(sw, http.StatusBadRequest, "InvalidAction", "The action "+clip(c.op, 100)+" is not valid for this web service.", "https://sts.amazonaws.com/doc/2011-06-15/")
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

var cborEnc, _ = cbor.EncOptions{}.EncMode()

// writeThrottle writes the protocol's throttling error.
func writeThrottle(w http.ResponseWriter, c classified, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	switch c.svc {
	case svcLambda:
		e := lambda.ErrThrottled("CallerRateLimitExceeded", "Rate exceeded", secs)
		e.RetryAfterMs = int(wait / time.Millisecond)
		if e.RetryAfterMs < 1 {
			e.RetryAfterMs = 1
		}
		lambda.WriteError(w, e)
	case svcLogs, svcCodeDeploy:
		writeJSONError(w, 400, "ThrottlingException", "Rate exceeded", "application/x-amz-json-1.1", "")
	case svcTagging:
		tagging.WriteThrottle(w)
	case svcMetricsJSON:
		writeJSONError(w, 400, "ThrottlingException", "Rate exceeded", "application/x-amz-json-1.0", "Throttling;Sender")
	case svcMetricsCBOR:
		writeCBORError(w, 400, "ThrottlingException", "Rate exceeded", "Throttling;Sender")
	case svcMetricsQuery:
		writeQueryError(w, 400, "Throttling", "Rate exceeded", "http://monitoring.amazonaws.com/doc/2010-08-01/")
	default:
		writeQueryError(w, 400, "Throttling", "Rate exceeded", "https://sts.amazonaws.com/doc/2011-06-15/")
	}
}

func writeServiceError(w http.ResponseWriter, c classified, status int) {
	switch c.svc {
	case svcLambda:
		typ := "ServiceException"
		if status == 503 {
			typ = "ServiceUnavailableException"
		}
		lambda.WriteError(w, &lambda.Error{Status: status, Type: typ, Message: "The service is temporarily unavailable (injected fault)."})
	case svcCodeDeploy:
		writeJSONError(w, status, "InternalFailure", "The service is temporarily unavailable (injected fault).", "application/x-amz-json-1.1", "")
	case svcLogs:
		writeJSONError(w, status, "ServiceUnavailableException", "The service is temporarily unavailable (injected fault).", "application/x-amz-json-1.1", "")
	case svcMetricsJSON:
		writeJSONError(w, status, "InternalServiceFault", "The service is temporarily unavailable (injected fault).", "application/x-amz-json-1.0", "InternalServiceError;Receiver")
	case svcMetricsCBOR:
		writeCBORError(w, status, "InternalServiceFault", "The service is temporarily unavailable (injected fault).", "InternalServiceError;Receiver")
	case svcMetricsQuery:
		writeQueryError(w, status, "InternalServiceError", "The service is temporarily unavailable (injected fault).", "http://monitoring.amazonaws.com/doc/2010-08-01/")
	default:
		writeQueryError(w, status, "InternalFailure", "The service is temporarily unavailable (injected fault).", "https://sts.amazonaws.com/doc/2011-06-15/")
	}
}

func writeJSONError(w http.ResponseWriter, status int, typ, msg, ct, queryErr string) {
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Amzn-ErrorType", typ)
	if queryErr != "" {
		h.Set("X-Amzn-Query-Error", queryErr)
	}
	w.WriteHeader(status)
	b, _ := jsonMarshal(map[string]string{"__type": typ, "message": msg})
	_, _ = w.Write(b)
}

func writeCBORError(w http.ResponseWriter, status int, typ, msg, queryErr string) {
	h := w.Header()
	h.Set("Content-Type", "application/cbor")
	h.Set("Smithy-Protocol", "rpc-v2-cbor")
	if queryErr != "" {
		h.Set("X-Amzn-Query-Error", queryErr)
	}
	w.WriteHeader(status)
	b, _ := cborEnc.Marshal(map[string]string{"__type": typ, "message": msg})
	_, _ = w.Write(b)
}

type queryErrorXML struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func writeQueryError(w http.ResponseWriter, status int, code, msg, ns string) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	b, _ := xml.Marshal(queryErrorXML{Xmlns: ns, Type: typ, Code: code, Message: msg, RequestID: requestID()})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
