// Package tagging is the sandbox's Resource Groups Tagging API: GetResources
// over awsJson1.1 (X-Amz-Target ResourceGroupsTaggingAPI_20170126.GetResources),
// with AWS's paging (at most 100 resources a page, an opaque
// PaginationToken, "" on the last page), ResourceTypeFilters and TagFilters.
// Like AWS it returns only resources that carry at least one tag.
package tagging

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// TargetPrefix is the X-Amz-Target prefix of this API.
const TargetPrefix = "ResourceGroupsTaggingAPI_20170126."

// MaxRequestBytes bounds a request body.
const MaxRequestBytes = 1 << 20

// MaxPerPage is GetResources' largest ResourcesPerPage.
const MaxPerPage = 100

// Resource is one taggable resource: its ARN and its tags.
type Resource struct {
	ARN  string
	Type string // "lambda:function"
	Tags map[string]string
}

// Source calls fn for each resource whose ARN sorts after `after`, in ARN
// order, until fn returns false. fn must not keep res.Tags.
type Source func(after string, fn func(res Resource) bool)

type handler struct{ src Source }

// NewHandler serves the API over src.
func NewHandler(src Source) http.Handler { return &handler{src: src} }

type tagFilter struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

type getResourcesIn struct {
	PaginationToken     string      `json:"PaginationToken"`
	ResourcesPerPage    *int        `json:"ResourcesPerPage"`
	TagsPerPage         *int        `json:"TagsPerPage"`
	ResourceTypeFilters []string    `json:"ResourceTypeFilters"`
	TagFilters          []tagFilter `json:"TagFilters"`
	ResourceARNList     []string    `json:"ResourceARNList"`
}

type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type mappingOut struct {
	ResourceARN string   `json:"ResourceARN"`
	Tags        []tagOut `json:"Tags"`
}

type getResourcesOut struct {
	PaginationToken        string       `json:"PaginationToken"`
	ResourceTagMappingList []mappingOut `json:"ResourceTagMappingList"`
}

// Error is an API error as the protocol carries it.
type Error struct {
	Status int
	Type   string
	Msg    string
}

func (e *Error) Error() string { return e.Type + ": " + e.Msg }

func invalid(f string, a ...any) *Error {
	return &Error{Status: 400, Type: "InvalidParameterException", Msg: fmt.Sprintf(f, a...)}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	if r.Method != http.MethodPost {
		writeError(w, &Error{Status: 400, Type: "InvalidParameterException", Msg: "the Tagging API takes POST requests"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil {
		writeError(w, invalid("could not read the request body"))
		return
	}
	if len(body) > MaxRequestBytes {
		writeError(w, &Error{Status: 413, Type: "InvalidParameterException", Msg: "request body too large"})
		return
	}
	switch op {
	case "GetResources":
		out, e := GetResources(h.src, body)
		if e != nil {
			writeError(w, e)
			return
		}
		writeJSON(w, out)
	default:
		writeError(w, &Error{Status: 400, Type: "UnknownOperationException", Msg: "the operation " + clip(op, 100) + " is not supported by the sandbox"})
	}
}

// GetResources decodes a request body and answers it from src.
func GetResources(src Source, body []byte) ([]byte, *Error) {
	var in getResourcesIn
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &Error{Status: 400, Type: "SerializationException", Msg: "could not decode the request: " + clip(err.Error(), 200)}
	}
	per := MaxPerPage
	if in.ResourcesPerPage != nil {
		per = *in.ResourcesPerPage
		if per < 1 || per > MaxPerPage {
			return nil, invalid("ResourcesPerPage must be between 1 and %d, got %d", MaxPerPage, per)
		}
	}
	if in.TagsPerPage != nil && (*in.TagsPerPage < 100 || *in.TagsPerPage > 500) {
		return nil, invalid("TagsPerPage must be between 100 and 500, got %d", *in.TagsPerPage)
	}
	if len(in.TagFilters) > 50 {
		return nil, invalid("at most 50 TagFilters, got %d", len(in.TagFilters))
	}
	for _, f := range in.TagFilters {
		if f.Key == "" || len(f.Key) > 128 {
			return nil, invalid("a TagFilter needs a Key of 1 to 128 characters")
		}
		if len(f.Values) > 20 {
			return nil, invalid("a TagFilter takes at most 20 Values, got %d", len(f.Values))
		}
	}
	if len(in.ResourceARNList) > 100 {
		return nil, invalid("ResourceARNList takes at most 100 ARNs, got %d", len(in.ResourceARNList))
	}
	if len(in.ResourceARNList) > 0 && (len(in.TagFilters) > 0 || len(in.ResourceTypeFilters) > 0) {
		return nil, invalid("ResourceARNList cannot be combined with TagFilters or ResourceTypeFilters")
	}
	after := ""
	if in.PaginationToken != "" {
		a, ok := decodeToken(in.PaginationToken)
		if !ok {
			return nil, invalid("the PaginationToken is not valid")
		}
		after = a
	}
	var arns map[string]bool
	if len(in.ResourceARNList) > 0 {
		arns = map[string]bool{}
		for _, a := range in.ResourceARNList {
			arns[a] = true
		}
	}
	out := getResourcesOut{ResourceTagMappingList: []mappingOut{}}
	src(after, func(res Resource) bool {
		if len(res.Tags) == 0 || !typeMatches(res.Type, in.ResourceTypeFilters) || !tagsMatch(res.Tags, in.TagFilters) {
			return true
		}
		if arns != nil && !arns[res.ARN] {
			return true
		}
		if len(out.ResourceTagMappingList) == per {
			out.PaginationToken = encodeToken(out.ResourceTagMappingList[per-1].ResourceARN)
			return false
		}
		m := mappingOut{ResourceARN: res.ARN, Tags: make([]tagOut, 0, len(res.Tags))}
		for k, v := range res.Tags {
			m.Tags = append(m.Tags, tagOut{Key: k, Value: v})
		}
		sort.Slice(m.Tags, func(i, j int) bool { return m.Tags[i].Key < m.Tags[j].Key })
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, m)
		return true
	})
	b, err := json.Marshal(out)
	if err != nil {
		return nil, &Error{Status: 500, Type: "InternalServiceException", Msg: "could not encode the response"}
	}
	return b, nil
}

// typeMatches: a filter is "service" or "service:type"; none means all.
func typeMatches(typ string, filters []string) bool {
	if len(filters) == 0 {
		return true
	}
	svc, _, _ := strings.Cut(typ, ":")
	for _, f := range filters {
		if f == typ || f == svc {
			return true
		}
	}
	return false
}

// tagsMatch: every filter must match (AND); within one, any value (OR);
// a filter without values matches any value of its key.
func tagsMatch(tags map[string]string, filters []tagFilter) bool {
	for _, f := range filters {
		v, ok := tags[f.Key]
		if !ok {
			return false
		}
		if len(f.Values) == 0 {
			continue
		}
		hit := false
		for _, want := range f.Values {
			if want == v {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

const tokenPrefix = "v1."

func encodeToken(after string) string {
	return tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(after))
}

func decodeToken(t string) (string, bool) {
	if !strings.HasPrefix(t, tokenPrefix) || len(t) > 4096 {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(t[len(tokenPrefix):])
	if err != nil || len(b) == 0 {
		return "", false
	}
	return string(b), true
}

func writeJSON(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *Error) {
	b, _ := json.Marshal(map[string]string{"__type": e.Type, "Message": e.Msg})
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-ErrorType", e.Type)
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}

// WriteThrottle writes the API's throttling error (ThrottledException).
func WriteThrottle(w http.ResponseWriter) {
	writeError(w, &Error{Status: 400, Type: "ThrottledException", Msg: "Rate exceeded"})
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
