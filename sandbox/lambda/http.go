package lambda

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/lambdaops/lambdaops/model"
)

// Request body limits.
const (
	maxControlBody = 1 << 20  // JSON bodies of control-plane calls
	maxCreateBody  = 70 << 20 // CreateFunction with an inline zip (50 MB base64)
	maxSyncInvoke  = model.MaxSyncPayload
	maxAsyncInvoke = model.MaxAsyncPayload
	logTailBytes   = 4096
)

// Route is a matched Lambda request: the operation and its path labels.
type Route struct {
	Op  string // AWS operation name; "" when nothing matched
	Fn  string // FunctionName label (decoded)
	Sub string // alias name, mapping UUID, tagged resource ARN, statement id or layer version
	Err *Error // a label could not be decoded
	// Sub2 is a layer permission's statement id.
	Sub2 string
}

// Match maps method and path (escaped form; a trailing slash is accepted)
// to a Lambda operation.
func Match(method, escapedPath, rawQuery string) Route {
	p := strings.Trim(escapedPath, "/")
	var segs [7]string
	n := 0
	for n < len(segs) {
		i := strings.IndexByte(p, '/')
		if i < 0 {
			segs[n] = p
			n++
			p = ""
			break
		}
		segs[n] = p[:i]
		n++
		p = p[i+1:]
	}
	if p != "" || n < 2 {
		return Route{}
	}
	var rt Route
	if n >= 3 {
		s, err := url.PathUnescape(segs[2])
		if err != nil {
			return Route{Op: "Unknown", Err: validation("Invalid path label: %s", clip(segs[2], 100))}
		}
		rt.Fn = s
	}
	if n >= 5 {
		s, err := url.PathUnescape(segs[4])
		if err != nil {
			return Route{Op: "Unknown", Err: validation("Invalid path label: %s", clip(segs[4], 100))}
		}
		rt.Sub = s
	}
	if n >= 7 {
		s, err := url.PathUnescape(segs[6])
		if err != nil {
			return Route{Op: "Unknown", Err: validation("Invalid path label: %s", clip(segs[6], 100))}
		}
		rt.Sub2 = s
	}
	date, coll := segs[0], segs[1]
	sub := ""
	if n >= 4 {
		sub = segs[3]
	}
	op := ""
	switch {
	case date == "2015-03-31" && coll == "functions":
		switch {
		case n == 2:
			op = pick(method, "GET", "ListFunctions", "POST", "CreateFunction")
		case n == 3:
			op = pick(method, "GET", "GetFunction", "DELETE", "DeleteFunction")
		case n == 4 && sub == "configuration":
			op = pick(method, "GET", "GetFunctionConfiguration", "PUT", "UpdateFunctionConfiguration")
		case n == 4 && sub == "versions":
			op = pick(method, "GET", "ListVersionsByFunction", "POST", "PublishVersion")
		case n == 4 && sub == "aliases":
			op = pick(method, "GET", "ListAliases", "POST", "CreateAlias")
		case n == 5 && sub == "aliases":
			op = pick(method, "GET", "GetAlias", "PUT", "UpdateAlias", "DELETE", "DeleteAlias")
		case n == 4 && sub == "invocations":
			op = pick(method, "POST", "Invoke")
		case n == 4 && sub == "policy":
			op = pick(method, "GET", "GetPolicy", "POST", "AddPermission")
		case n == 5 && sub == "policy":
			op = pick(method, "DELETE", "RemovePermission")
		case n == 4 && sub == "code":
			op = pick(method, "PUT", "UpdateFunctionCode")
		}
	case date == "2021-10-31" && coll == "functions" && n == 4 && sub == "url":
		op = pick(method, "POST", "CreateFunctionUrlConfig", "GET", "GetFunctionUrlConfig", "PUT", "UpdateFunctionUrlConfig", "DELETE", "DeleteFunctionUrlConfig")
	case date == "2021-10-31" && coll == "functions" && n == 4 && sub == "urls":
		op = pick(method, "GET", "ListFunctionUrlConfigs")
	case date == "2018-10-31" && coll == "layers":
		switch {
		case n == 2 && method == "GET" && strings.Contains(rawQuery, "find=LayerVersion"):
			op = "GetLayerVersionByArn"
		case n == 2:
			op = pick(method, "GET", "ListLayers")
		case n == 4 && sub == "versions":
			op = pick(method, "GET", "ListLayerVersions", "POST", "PublishLayerVersion")
		case n == 5 && sub == "versions":
			op = pick(method, "GET", "GetLayerVersion", "DELETE", "DeleteLayerVersion")
		case n == 6 && sub == "versions" && segs[5] == "policy":
			op = pick(method, "GET", "GetLayerVersionPolicy", "POST", "AddLayerVersionPermission")
		case n == 7 && sub == "versions" && segs[5] == "policy":
			op = pick(method, "DELETE", "RemoveLayerVersionPermission")
		}
	case date == "2020-06-30" && coll == "functions" && n == 4 && sub == "code-signing-config":
		op = pick(method, "GET", "GetFunctionCodeSigningConfig")
	case date == "2020-04-22" && coll == "code-signing-configs" && n == 4 && sub == "functions":
		op = pick(method, "GET", "ListFunctionsByCodeSigningConfig")
	case date == "2019-09-25" && coll == "functions" && n == 5 && sub == "event-invoke-config" && rt.Sub == "list":
		op = pick(method, "GET", "ListFunctionEventInvokeConfigs")
	case date == "2014-11-13" && coll == "functions" && n == 4 && sub == "invoke-async":
		op = pick(method, "POST", "InvokeAsync")
	case date == "2024-08-31" && coll == "functions" && n == 4 && sub == "recursion-config":
		op = pick(method, "GET", "GetFunctionRecursionConfig", "PUT", "PutFunctionRecursionConfig")
	case date == "2021-07-20" && coll == "functions" && n == 4 && sub == "runtime-management-config":
		op = pick(method, "GET", "GetRuntimeManagementConfig", "PUT", "PutRuntimeManagementConfig")
	case date == "2017-10-31" && coll == "functions" && n == 4 && sub == "concurrency":
		op = pick(method, "PUT", "PutFunctionConcurrency", "DELETE", "DeleteFunctionConcurrency")
	case date == "2019-09-30" && coll == "functions" && n == 4 && sub == "concurrency":
		op = pick(method, "GET", "GetFunctionConcurrency")
	case date == "2019-09-30" && coll == "functions" && n == 4 && sub == "provisioned-concurrency":
		if method == "GET" && strings.Contains(rawQuery, "List=ALL") {
			op = "ListProvisionedConcurrencyConfigs"
		} else {
			op = pick(method, "GET", "GetProvisionedConcurrencyConfig", "PUT", "PutProvisionedConcurrencyConfig", "DELETE", "DeleteProvisionedConcurrencyConfig")
		}
	case date == "2015-03-31" && coll == "event-source-mappings":
		rt.Sub = rt.Fn
		rt.Fn = ""
		switch n {
		case 2:
			op = pick(method, "GET", "ListEventSourceMappings", "POST", "CreateEventSourceMapping")
		case 3:
			op = pick(method, "GET", "GetEventSourceMapping", "PUT", "UpdateEventSourceMapping", "DELETE", "DeleteEventSourceMapping")
		}
	case date == "2016-08-19" && coll == "account-settings" && n == 2:
		op = pick(method, "GET", "GetAccountSettings")
	case date == "2019-09-25" && coll == "functions" && n == 4 && sub == "event-invoke-config":
		op = pick(method, "GET", "GetFunctionEventInvokeConfig", "PUT", "PutFunctionEventInvokeConfig", "POST", "UpdateFunctionEventInvokeConfig", "DELETE", "DeleteFunctionEventInvokeConfig")
	case date == "2017-03-31" && coll == "tags" && n == 3:
		rt.Sub = rt.Fn
		rt.Fn = ""
		op = pick(method, "GET", "ListTags", "POST", "TagResource", "DELETE", "UntagResource")
	}
	rt.Op = op
	return rt
}

func pick(method string, pairs ...string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == method {
			return pairs[i+1]
		}
	}
	return ""
}

// API is the restJson1 front-end onto a World.
type API struct {
	W *World
}

// NewAPI returns the front-end for w.
func NewAPI(w *World) *API { return &API{W: w} }

// ServeHTTP matches and serves a Lambda request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.Serve(w, r, Match(r.Method, r.URL.EscapedPath(), r.URL.RawQuery))
}

var reqSeq atomic.Uint64
var reqPrefix = rand.Uint64()

func newRequestID() string {
	return formatUUID(reqPrefix, reqSeq.Add(1)*0x9E3779B97F4A7C15)
}

// WriteError writes an AWS restJson1 error.
func WriteError(w http.ResponseWriter, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", e.Type)
	if e.RequestID != "" {
		h.Set("X-Amzn-RequestId", e.RequestID)
	} else if h.Get("X-Amzn-RequestId") == "" {
		h.Set("X-Amzn-RequestId", newRequestID())
	}
	body := map[string]string{"__type": e.Type, "Type": "User", "Message": e.Message, "message": e.Message}
	if e.Status >= 500 {
		body["Type"] = "Service"
	}
	if e.Reason != "" {
		body["Reason"] = e.Reason
	}
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.RetryAfter))
		ms := e.RetryAfter * 1000
		if e.RetryAfterMs > 0 {
			ms = e.RetryAfterMs
		}
		h.Set("X-Amz-Retry-After", strconv.Itoa(ms))
	}
	b, _ := json.Marshal(body)
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h[hdrRequestID] = []string{newRequestID()}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeEmpty(w http.ResponseWriter, status int) {
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.WriteHeader(status)
}

// readBody reads at most limit bytes; larger bodies get 413.
func readBody(r *http.Request, limit int64, op string) ([]byte, *Error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, tooLarge(limit, op)
	}
	if r.ContentLength >= 0 {
		// Declared length (the usual case): one exact allocation.
		b := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, errf(400, "InvalidRequestContentException", "Could not read request body: %v", err)
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, errf(400, "InvalidRequestContentException", "Could not read request body: %v", err)
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(limit, op)
	}
	return b, nil
}

func tooLarge(limit int64, op string) *Error {
	return errf(http.StatusRequestEntityTooLarge, "RequestTooLargeException", "Request must be smaller than %d bytes for the %s operation", limit, op)
}

// DecodeJSON decodes a request body into v with AWS's errors for
// malformed JSON and wrong types. An empty body is an empty object.
func DecodeJSON(b []byte, v any) *Error {
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return errf(400, "InvalidRequestContentException", "Could not parse request body into json: Could not parse payload into json: Unexpected value for field %q: expected %s", te.Field, te.Type.String())
		}
		return errf(400, "InvalidRequestContentException", "Could not parse request body into json: %s", clip(err.Error(), 200))
	}
	return nil
}

func (a *API) body(r *http.Request, op string, v any) *Error {
	limit := int64(maxControlBody)
	if op == "CreateFunction" || op == "UpdateFunctionCode" || op == "PublishLayerVersion" {
		limit = maxCreateBody
	}
	b, err := readBody(r, limit, op)
	if err != nil {
		return err
	}
	return DecodeJSON(b, v)
}

func maxItems(q url.Values) (int, *Error) {
	s := q.Get("MaxItems")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, validation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", clip(s, 20))
	}
	return n, nil
}

// Serve serves a matched request.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, rt Route) {
	if rt.Err != nil {
		WriteError(w, rt.Err)
		return
	}
	if rt.Op == "" || rt.Op == "Unknown" {
		WriteError(w, errf(http.StatusNotFound, "UnknownOperationException", "Unknown operation %s %s", r.Method, clip(r.URL.Path, 200)))
		return
	}
	if rt.Op == "Invoke" {
		a.invoke(w, r, rt)
		return
	}
	q := r.URL.Query()
	var (
		out    []byte
		status = http.StatusOK
		err    *Error
	)
	W := a.W
	switch rt.Op {
	case "ListFunctions":
		var n int
		if n, err = maxItems(q); err == nil {
			fv := q.Get("FunctionVersion")
			if fv != "" && fv != "ALL" {
				err = validation("1 validation error detected: Value '%s' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]", clip(fv, 20))
			} else {
				out, err = W.ListFunctions(q.Get("Marker"), n, fv == "ALL")
			}
		}
	case "CreateFunction":
		var in createFunctionIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, status, err = W.CreateFunction(&in)
		}
	case "GetFunction":
		out, err = W.GetFunction(rt.Fn, q.Get("Qualifier"))
	case "DeleteFunction":
		if err = W.DeleteFunction(rt.Fn, q.Get("Qualifier")); err == nil {
			status = http.StatusNoContent
		}
	case "GetFunctionConfiguration":
		out, err = W.GetFunctionConfiguration(rt.Fn, q.Get("Qualifier"))
	case "UpdateFunctionConfiguration":
		var in updateConfigIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.UpdateFunctionConfiguration(rt.Fn, &in)
		}
	case "ListVersionsByFunction":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListVersionsByFunction(rt.Fn, q.Get("Marker"), n)
		}
	case "PublishVersion":
		var in publishIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.PublishVersion(rt.Fn, &in)
			status = http.StatusCreated
		}
	case "ListAliases":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListAliases(rt.Fn, q.Get("FunctionVersion"), q.Get("Marker"), n)
		}
	case "CreateAlias":
		var in aliasIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.CreateAlias(rt.Fn, &in)
			status = http.StatusCreated
		}
	case "GetAlias":
		out, err = W.GetAlias(rt.Fn, rt.Sub)
	case "UpdateAlias":
		var in aliasIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.UpdateAlias(rt.Fn, rt.Sub, &in)
		}
	case "DeleteAlias":
		if err = W.DeleteAlias(rt.Fn, rt.Sub); err == nil {
			status = http.StatusNoContent
		}
	case "GetPolicy":
		out, err = W.GetPolicy(rt.Fn, q.Get("Qualifier"))
	case "AddPermission":
		var in addPermissionIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.addPermission(rt.Fn, Statement{Sid: in.StatementId, Action: in.Action, Principal: in.Principal, SourceARN: in.SourceArn,
				SourceAccount: in.SourceAccount, PrincipalOrgID: in.PrincipalOrgID, EventSourceToken: in.EventSourceToken,
				FunctionURLAuthType: in.FunctionUrlAuthType, Qualifier: q.Get("Qualifier")}, in.RevisionId)
			status = http.StatusCreated
		}
	case "RemovePermission":
		if err = W.RemovePermission(rt.Fn, rt.Sub, q.Get("Qualifier"), q.Get("RevisionId")); err == nil {
			status = http.StatusNoContent
		}
	case "UpdateFunctionCode":
		var in updateCodeIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.UpdateFunctionCode(rt.Fn, &in)
		}
	case "CreateFunctionUrlConfig":
		var in urlIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.CreateFunctionUrlConfig(rt.Fn, q.Get("Qualifier"), &in)
			status = http.StatusCreated
		}
	case "GetFunctionUrlConfig":
		out, err = W.GetFunctionUrlConfig(rt.Fn, q.Get("Qualifier"))
	case "UpdateFunctionUrlConfig":
		var in urlIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.UpdateFunctionUrlConfig(rt.Fn, q.Get("Qualifier"), &in)
		}
	case "DeleteFunctionUrlConfig":
		if err = W.DeleteFunctionUrlConfig(rt.Fn, q.Get("Qualifier")); err == nil {
			status = http.StatusNoContent
		}
	case "ListFunctionUrlConfigs":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListFunctionUrlConfigs(rt.Fn, q.Get("Marker"), n)
		}
	case "PublishLayerVersion":
		var in publishLayerIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.PublishLayerVersion(rt.Fn, &in)
			status = http.StatusCreated
		}
	case "ListLayers":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListLayers(q.Get("CompatibleRuntime"), q.Get("CompatibleArchitecture"), q.Get("Marker"), n)
		}
	case "ListLayerVersions":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListLayerVersions(rt.Fn, q.Get("CompatibleRuntime"), q.Get("CompatibleArchitecture"), q.Get("Marker"), n)
		}
	case "GetLayerVersion":
		out, err = W.GetLayerVersion(rt.Fn, rt.Sub)
	case "GetLayerVersionByArn":
		out, err = W.GetLayerVersionByArn(q.Get("Arn"))
	case "DeleteLayerVersion":
		if err = W.DeleteLayerVersion(rt.Fn, rt.Sub); err == nil {
			status = http.StatusNoContent
		}
	case "AddLayerVersionPermission":
		var in layerPermissionIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.AddLayerVersionPermission(rt.Fn, rt.Sub, q.Get("RevisionId"), &in)
			status = http.StatusCreated
		}
	case "RemoveLayerVersionPermission":
		if err = W.RemoveLayerVersionPermission(rt.Fn, rt.Sub, rt.Sub2, q.Get("RevisionId")); err == nil {
			status = http.StatusNoContent
		}
	case "GetLayerVersionPolicy":
		out, err = W.GetLayerVersionPolicy(rt.Fn, rt.Sub)
	case "GetFunctionCodeSigningConfig":
		out, err = W.GetFunctionCodeSigningConfig(rt.Fn)
	case "ListFunctionsByCodeSigningConfig":
		out, err = W.ListFunctionsByCodeSigningConfig(rt.Fn)
	case "ListFunctionEventInvokeConfigs":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListFunctionEventInvokeConfigs(rt.Fn, q.Get("Marker"), n)
		}
	case "InvokeAsync":
		var payload []byte
		if payload, err = readBody(r, maxAsyncInvoke, rt.Op); err == nil {
			if _, o := W.Invoke(r.Context(), rt.Fn, "", model.Event, false, payload); o.Err != nil {
				err = o.Err
			} else {
				out, status = invokeAsyncBody, http.StatusAccepted
			}
		}
	case "GetFunctionRecursionConfig":
		out, err = W.GetFunctionRecursionConfig(rt.Fn)
	case "PutFunctionRecursionConfig":
		var in struct {
			RecursiveLoop *string `json:"RecursiveLoop"`
		}
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.PutFunctionRecursionConfig(rt.Fn, in.RecursiveLoop)
		}
	case "GetRuntimeManagementConfig":
		out, err = W.GetRuntimeManagementConfig(rt.Fn, q.Get("Qualifier"))
	case "PutRuntimeManagementConfig":
		var in runtimeMgmtIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.PutRuntimeManagementConfig(rt.Fn, q.Get("Qualifier"), &in)
		}
	case "PutFunctionConcurrency":
		var in concurrencyIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.PutFunctionConcurrency(rt.Fn, &in)
		}
	case "DeleteFunctionConcurrency":
		if err = W.DeleteFunctionConcurrency(rt.Fn); err == nil {
			status = http.StatusNoContent
		}
	case "GetFunctionConcurrency":
		out, err = W.GetFunctionConcurrency(rt.Fn)
	case "ListProvisionedConcurrencyConfigs":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListProvisionedConcurrencyConfigs(rt.Fn, q.Get("Marker"), n)
		}
	case "GetProvisionedConcurrencyConfig":
		out, err = W.GetProvisionedConcurrencyConfig(rt.Fn, q.Get("Qualifier"))
	case "PutProvisionedConcurrencyConfig":
		var in provIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.PutProvisionedConcurrencyConfig(rt.Fn, q.Get("Qualifier"), &in)
			status = http.StatusAccepted
		}
	case "DeleteProvisionedConcurrencyConfig":
		if err = W.DeleteProvisionedConcurrencyConfig(rt.Fn, q.Get("Qualifier")); err == nil {
			status = http.StatusNoContent
		}
	case "ListEventSourceMappings":
		var n int
		if n, err = maxItems(q); err == nil {
			out, err = W.ListEventSourceMappings(q.Get("FunctionName"), q.Get("EventSourceArn"), q.Get("Marker"), n)
		}
	case "GetEventSourceMapping":
		out, err = W.GetEventSourceMapping(rt.Sub)
	case "UpdateEventSourceMapping":
		var in esmUpdateIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.UpdateEventSourceMapping(rt.Sub, &in)
			status = http.StatusAccepted
		}
	case "CreateEventSourceMapping":
		var in esmCreateIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.CreateEventSourceMapping(&in)
			status = http.StatusAccepted
		}
	case "DeleteEventSourceMapping":
		out, err = W.DeleteEventSourceMapping(rt.Sub)
		status = http.StatusAccepted
	case "GetAccountSettings":
		out = W.GetAccountSettings()
	case "GetFunctionEventInvokeConfig":
		out, err = W.GetFunctionEventInvokeConfig(rt.Fn, q.Get("Qualifier"))
	case "PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig":
		var in eventInvokeIn
		if err = a.body(r, rt.Op, &in); err == nil {
			out, err = W.PutFunctionEventInvokeConfig(rt.Fn, q.Get("Qualifier"), &in, rt.Op == "UpdateFunctionEventInvokeConfig")
		}
	case "DeleteFunctionEventInvokeConfig":
		if err = W.DeleteFunctionEventInvokeConfig(rt.Fn, q.Get("Qualifier")); err == nil {
			status = http.StatusNoContent
		}
	case "ListTags":
		out, err = W.ListTags(rt.Sub)
	case "TagResource":
		var in tagsIn
		if err = a.body(r, rt.Op, &in); err == nil {
			if err = W.TagResource(rt.Sub, in.Tags); err == nil {
				status = http.StatusNoContent
			}
		}
	case "UntagResource":
		if err = W.UntagResource(rt.Sub, q["tagKeys"]); err == nil {
			status = http.StatusNoContent
		}
	default:
		err = errf(http.StatusNotFound, "UnknownOperationException", "Unknown operation %s", rt.Op)
	}
	if err != nil {
		WriteError(w, err)
		return
	}
	if out == nil {
		writeEmpty(w, status)
		return
	}
	writeJSON(w, status, out)
}

func (a *API) invoke(w http.ResponseWriter, r *http.Request, rt Route) {
	typ := model.InvocationType(r.Header.Get("X-Amz-Invocation-Type"))
	switch typ {
	case "":
		typ = model.RequestResponse
	case model.RequestResponse, model.Event, model.DryRun:
	default:
		WriteError(w, validation("1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", clip(string(typ), 40)))
		return
	}
	logType := r.Header.Get("X-Amz-Log-Type")
	if logType != "" && logType != "None" && logType != "Tail" {
		WriteError(w, validation("1 validation error detected: Value '%s' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]", clip(logType, 40)))
		return
	}
	limit := int64(maxSyncInvoke)
	opName := "Invoke"
	if typ == model.Event {
		limit = maxAsyncInvoke
		opName = "InvokeAsync"
	}
	payload, err := readBody(r, limit, opName)
	if err != nil {
		WriteError(w, err)
		return
	}
	if len(payload) > 0 && !json.Valid(payload) {
		WriteError(w, errf(400, "InvalidRequestContentException", "Could not parse request body into json: Could not parse payload into json: Unrecognized token: was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"))
		return
	}
	q := ""
	if r.URL.RawQuery != "" {
		q = r.URL.Query().Get("Qualifier")
	}
	if typ == model.DryRun {
		if _, err := a.W.ResolveInvoke(rt.Fn, q); err != nil {
			WriteError(w, err)
			return
		}
		writeEmpty(w, http.StatusNoContent)
		return
	}
	tail := logType == "Tail" && typ == model.RequestResponse
	in, out := a.W.invokePooled(r.Context(), rt.Fn, q, typ, tail, payload)
	if out.Err != nil {
		WriteError(w, out.Err)
		return
	}
	// Headers are set by their canonical keys directly (h.Set would
	// canonicalize each key on every call); constant values share one
	// read-only slice.
	h := w.Header()
	if out.RequestID == "" {
		out.RequestID = newRequestID()
	}
	h[hdrRequestID] = []string{out.RequestID}
	if in.Version == "$LATEST" {
		h[hdrExecutedVersion] = latestValue
	} else {
		h[hdrExecutedVersion] = []string{in.Version}
	}
	a.W.releaseInvoke(in)
	if out.FunctionError != "" {
		h["X-Amz-Function-Error"] = []string{out.FunctionError}
	}
	if tail {
		t := out.LogTail
		if len(t) > logTailBytes {
			t = t[len(t)-logTailBytes:]
		}
		h["X-Amz-Log-Result"] = []string{base64.StdEncoding.EncodeToString([]byte(t))}
	}
	status := out.StatusCode
	if status == 0 {
		status = http.StatusOK
		if typ == model.Event {
			status = http.StatusAccepted
		}
	}
	if typ == model.Event {
		w.WriteHeader(status)
		return
	}
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(out.Payload))}
	w.WriteHeader(status)
	_, _ = w.Write(out.Payload)
}

// Canonical header keys (textproto.CanonicalMIMEHeaderKey of AWS's names)
// and shared constant values.
const (
	hdrRequestID       = "X-Amzn-Requestid"
	hdrExecutedVersion = "X-Amz-Executed-Version"
)

var (
	jsonContentType = []string{"application/json"}
	latestValue     = []string{"$LATEST"}
)
