package logs

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/lambdaops/lambdaops/internal/lazyre"
	"github.com/lambdaops/lambdaops/sandbox/clock"
	"github.com/lambdaops/lambdaops/sandbox/internal/awsjson"
)

// MaxRequestBytes bounds a request body (PutLogEvents allows 1 MiB of
// events; JSON framing adds some).
const MaxRequestBytes = 2 << 20

// maxResponseBytes bounds the events of one GetLogEvents/FilterLogEvents
// page, as AWS does (1 MB).
const maxResponseBytes = 1 << 20

// filterScanBudget bounds how many stored events one FilterLogEvents call
// examines; past it the page comes back (possibly empty) with a nextToken,
// as AWS's partial pages do.
const filterScanBudget = 200_000

const targetPrefix = "Logs_20140328."

type handler struct {
	s   *Store
	clk clock.Clock
}

// NewHandler serves the CloudWatch Logs awsJson1.1 protocol over s.
// Requests are dispatched on X-Amz-Target "Logs_20140328.<Operation>".
func NewHandler(s *Store, clk clock.Clock) http.Handler {
	if clk == nil {
		clk = s.clk
	}
	return &handler{s: s, clk: clk}
}

// front is the awsJson1.1 plumbing (sandbox/internal/awsjson).
var front = awsjson.Service{
	Prefix:       targetPrefix,
	Name:         "CloudWatch Logs",
	MaxBytes:     MaxRequestBytes,
	InternalType: "ServiceUnavailableException",
	TooLargeType: "RequestEntityTooLargeException",
}

func writeJSON(w http.ResponseWriter, v any) { front.WriteJSON(w, v) }

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	awsjson.WriteError(w, status, typ, msg)
}

// decode parses body into v, answering SerializationException on failure.
func decode(w http.ResponseWriter, body []byte, v any) bool {
	if err := awsjson.Unmarshal(body, v); err != nil {
		writeError(w, 400, "SerializationException", "Could not parse the request body as JSON: "+err.Error())
		return false
	}
	return true
}

func newUUID() string { return awsjson.NewUUID() }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer front.Recover(w)
	op, body, ok := front.Read(w, r)
	if !ok {
		return
	}
	switch op {
	case "CreateLogGroup":
		h.createLogGroup(w, body)
	case "CreateLogStream":
		h.createLogStream(w, body)
	case "DeleteLogGroup":
		h.deleteLogGroup(w, body)
	case "DeleteLogStream":
		h.deleteLogStream(w, body)
	case "PutRetentionPolicy":
		h.putRetentionPolicy(w, body)
	case "PutLogEvents":
		h.putLogEvents(w, body)
	case "DescribeLogGroups":
		h.describeLogGroups(w, body)
	case "DescribeLogStreams":
		h.describeLogStreams(w, body)
	case "GetLogEvents":
		h.getLogEvents(w, body)
	case "FilterLogEvents":
		h.filterLogEvents(w, body)
	case "StartLiveTail":
		h.startLiveTail(w, r, body)
	default:
		writeError(w, 400, "UnknownOperationException", "The sandbox does not implement "+op+".")
	}
}

// ---- helpers ----

var groupNameRE = lazyre.New(`^[\.\-_/#A-Za-z0-9]{1,512}$`)

func validStreamName(n string) bool {
	return n != "" && len(n) <= 512 && !strings.ContainsAny(n, ":*")
}

func (s *Store) hasGroup(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.groups[name] != nil
}

// groupRef names one log group, by logGroupName or by logGroupIdentifier
// (a name or an ARN); pickGroup resolves it.
type groupRef struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
}

// pageIn is the paging input of the listing operations.
type pageIn struct {
	NextToken *string `json:"nextToken"`
	Limit     *int    `json:"limit"`
}

// pickGroup resolves logGroupName / logGroupIdentifier.
func (h *handler) pickGroup(w http.ResponseWriter, ref groupRef) (string, bool) {
	name, ident := ref.LogGroupName, ref.LogGroupIdentifier
	switch {
	case name != nil && ident != nil:
		writeError(w, 400, "InvalidParameterException", "Specify either logGroupName or logGroupIdentifier, not both.")
		return "", false
	case name != nil:
		return *name, true
	case ident != nil:
		return h.s.resolveGroup(*ident), true
	}
	writeError(w, 400, "InvalidParameterException", "Either logGroupName or logGroupIdentifier is required.")
	return "", false
}

func errNoGroup(w http.ResponseWriter) {
	writeError(w, 400, "ResourceNotFoundException", "The specified log group does not exist.")
}

func errNoStream(w http.ResponseWriter) {
	writeError(w, 400, "ResourceNotFoundException", "The specified log stream does not exist.")
}

func errBadToken(w http.ResponseWriter) {
	writeError(w, 400, "InvalidParameterException", "The specified nextToken is invalid.")
}

// checkLimit validates an optional limit in [1, max] and returns it or def.
func checkLimit(w http.ResponseWriter, l *int, max, def int) (int, bool) {
	if l == nil {
		return def, true
	}
	if *l < 1 || *l > max {
		writeError(w, 400, "InvalidParameterException", fmt.Sprintf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *l, max))
		return 0, false
	}
	return *l, true
}

// writePage writes resp with "nextToken" added when next is set.
func writePage(w http.ResponseWriter, resp map[string]any, next *string) {
	if next != nil {
		resp["nextToken"] = *next
	}
	writeJSON(w, resp)
}

func encodeToken(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

func decodeToken(tok string, n int) ([]string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != n {
		return nil, false
	}
	return parts, true
}
