package codedeploy

import (
	"net/http"

	"github.com/lambdaops/lambdaops/sandbox/internal/awsjson"
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

// front is the awsJson1.1 plumbing (sandbox/internal/awsjson).
var front = awsjson.Service{
	Prefix:       TargetPrefix,
	Name:         "CodeDeploy",
	MaxBytes:     MaxRequestBytes,
	InternalType: "InternalFailure",
	TooLargeType: "SerializationException",
}

// call decodes the body into In and runs op with the store's lock held.
func call[In any](s *Store, body []byte, op func(*Store, In) (any, *Error)) (any, *Error) {
	var in In
	if err := awsjson.Unmarshal(body, &in); err != nil {
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
	defer front.Recover(w)
	op, body, ok := front.Read(w, r)
	if !ok {
		return
	}
	out, cerr := h.s.Do(op, body)
	if cerr != nil {
		awsjson.WriteError(w, 400, cerr.Type, cerr.Message)
		return
	}
	front.WriteJSON(w, out)
}
