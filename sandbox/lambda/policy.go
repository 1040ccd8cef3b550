package lambda

import (
	"encoding/json"
	"strings"
)

// Function resource policies: AddPermission, RemovePermission, GetPolicy.

const maxPolicyBytes = 20480

type policyDoc struct {
	Version   string           `json:"Version"`
	Id        string           `json:"Id"`
	Statement []map[string]any `json:"Statement"`
}

// AddPermissionInput is AddPermission's request body.
type addPermissionIn struct {
	StatementId         string `json:"StatementId"`
	Action              string `json:"Action"`
	Principal           string `json:"Principal"`
	SourceArn           string `json:"SourceArn"`
	SourceAccount       string `json:"SourceAccount"`
	EventSourceToken    string `json:"EventSourceToken"`
	RevisionId          string `json:"RevisionId"`
	PrincipalOrgID      string `json:"PrincipalOrgID"`
	FunctionUrlAuthType string `json:"FunctionUrlAuthType"`
}

// statementJSON renders a statement as AWS stores it.
func (w *World) statementJSON(f *function, s Statement) map[string]any {
	res := f.arn
	if s.Qualifier != "" {
		res += ":" + s.Qualifier
	}
	st := map[string]any{"Sid": s.Sid, "Effect": "Allow", "Action": orDefault(s.Action, "lambda:InvokeFunction"), "Resource": res}
	switch p := s.Principal; {
	case p == "*":
		st["Principal"] = "*"
	case len(p) == 12 && isDigits(p):
		st["Principal"] = map[string]string{"AWS": "arn:aws:iam::" + p + ":root"}
	case strings.HasPrefix(p, "arn:"):
		st["Principal"] = map[string]string{"AWS": p}
	default:
		st["Principal"] = map[string]string{"Service": p}
	}
	cond := map[string]map[string]string{}
	put := func(op, k, v string) {
		if v == "" {
			return
		}
		if cond[op] == nil {
			cond[op] = map[string]string{}
		}
		cond[op][k] = v
	}
	put("ArnLike", "AWS:SourceArn", s.SourceARN)
	put("StringEquals", "AWS:SourceAccount", s.SourceAccount)
	put("StringEquals", "aws:PrincipalOrgID", s.PrincipalOrgID)
	put("StringEquals", "lambda:EventSourceToken", s.EventSourceToken)
	put("StringEquals", "lambda:FunctionUrlAuthType", s.FunctionURLAuthType)
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	return st
}

func (f *function) policyRevision(q string) string {
	if q == "" {
		return f.policyRev
	}
	return f.policyRevs[q]
}

func (f *function) setPolicyRevision(q, rev string) {
	if q == "" {
		f.policyRev = rev
		return
	}
	if f.policyRevs == nil {
		f.policyRevs = map[string]string{}
	}
	f.policyRevs[q] = rev
}

// policyTarget resolves the function and qualifier a policy call names
// (caller holds mu): a qualifier must be an existing version or alias;
// "$LATEST" is the unqualified policy.
func (w *World) policyTarget(ref, qualifier string) (*function, string, *Error) {
	if qualifier != "" && !validPolicyQualifier(qualifier) {
		var v verrs
		v.pattern("qualifier", qualifier, `\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`)
		return nil, "", v.err()
	}
	f, _, q, _, err := w.resolve(ref, qualifier)
	if err != nil {
		return nil, "", err
	}
	if q == "$LATEST" {
		q = ""
	}
	return f, q, nil
}

func validPolicyQualifier(q string) bool {
	if len(q) > 128 {
		return false
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '$') {
			return false
		}
	}
	return q != ""
}

func validAction(a string) bool {
	if a == "*" || a == "lambda:*" {
		return true
	}
	rest, ok := strings.CutPrefix(a, "lambda:")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func validSourceARN(a string) bool {
	p := splitColon(a)
	return len(p) >= 6 && p[0] == "arn" && strings.HasPrefix(p[1], "aws") && p[2] != "" && (p[4] == "" || len(p[4]) == 12 && isDigits(p[4]))
}

func validToken(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// AddPermission adds a statement to the policy of the function, version or
// alias, and answers with the statement as stored.
func (w *World) AddPermission(ref string, s Statement) ([]byte, *Error) {
	return w.addPermission(ref, s, "")
}

func (w *World) addPermission(ref string, s Statement, revisionID string) ([]byte, *Error) {
	var v verrs
	if s.Sid == "" {
		v.null("statementId")
	} else if len(s.Sid) > 100 || !validStatementID(s.Sid, false) {
		v.pattern("statementId", s.Sid, "([a-zA-Z0-9-_]+)")
	}
	if s.Action == "" {
		v.null("action")
	} else if !validAction(s.Action) {
		v.pattern("action", s.Action, "(lambda:[*]|lambda:[a-zA-Z]+|[*])")
	}
	if s.Principal == "" {
		v.null("principal")
	} else if strings.ContainsAny(s.Principal, " \t\r\n") {
		v.pattern("principal", s.Principal, `[^\s]+`)
	}
	if s.SourceARN != "" && !validSourceARN(s.SourceARN) {
		v.pattern("sourceArn", s.SourceARN, `arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)`)
	}
	if s.SourceAccount != "" && !(len(s.SourceAccount) == 12 && isDigits(s.SourceAccount)) {
		v.pattern("sourceAccount", s.SourceAccount, `\d{12}`)
	}
	if s.EventSourceToken != "" && !validToken(s.EventSourceToken) {
		v.pattern("eventSourceToken", s.EventSourceToken, `[a-zA-Z0-9._\-]+`)
	}
	if s.PrincipalOrgID != "" && !validOrgID(s.PrincipalOrgID) {
		v.pattern("principalOrgID", s.PrincipalOrgID, "o-[a-z0-9]{10,32}")
	}
	if s.FunctionURLAuthType != "" && s.FunctionURLAuthType != "NONE" && s.FunctionURLAuthType != "AWS_IAM" {
		v.enum("functionUrlAuthType", s.FunctionURLAuthType, []string{"NONE", "AWS_IAM"})
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.policyTarget(ref, s.Qualifier)
	if err != nil {
		return nil, err
	}
	s.Qualifier = q
	if revisionID != "" && revisionID != f.policyRevision(q) {
		return nil, precondition("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	}
	for _, x := range f.policy {
		if x.Qualifier == q && x.Sid == s.Sid {
			return nil, conflict("The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", s.Sid)
		}
	}
	if n := len(w.policyJSON(f, q)) + len(mustJSON(w.statementJSON(f, s))); n > maxPolicyBytes {
		return nil, errf(400, "PolicyLengthExceededException", "The final policy size (%d) is bigger than the limit (%d).", n, maxPolicyBytes)
	}
	f.policy = append(f.policy, s)
	f.setPolicyRevision(q, w.uuid())
	b, _ := json.Marshal(map[string]string{"Statement": string(mustJSON(w.statementJSON(f, s)))})
	return b, nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// policyJSON is the policy document of one qualifier ("" when empty).
func (w *World) policyJSON(f *function, q string) []byte {
	doc := policyDoc{Version: "2012-10-17", Id: "default"}
	for _, s := range f.policy {
		if s.Qualifier == q {
			doc.Statement = append(doc.Statement, w.statementJSON(f, s))
		}
	}
	if len(doc.Statement) == 0 {
		return nil
	}
	return mustJSON(doc)
}

// GetPolicy returns {"Policy":"<json>","RevisionId":...} or 404.
func (w *World) GetPolicy(ref, qualifier string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, q, err := w.policyTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	pb := w.policyJSON(f, q)
	if pb == nil {
		return nil, notFound("The resource you requested does not exist.")
	}
	b, _ := json.Marshal(map[string]string{"Policy": string(pb), "RevisionId": f.policyRevision(q)})
	return b, nil
}

// RemovePermission removes a statement from the policy of the function,
// version or alias.
func (w *World) RemovePermission(ref, sid, qualifier, revisionID string) *Error {
	if sid == "" || len(sid) > 100 || !validStatementID(sid, true) {
		var v verrs
		v.pattern("statementId", sid, "([a-zA-Z0-9-_.]+)")
		return v.err()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.policyTarget(ref, qualifier)
	if err != nil {
		return err
	}
	if revisionID != "" && revisionID != f.policyRevision(q) {
		return precondition("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	}
	has := false
	for i, s := range f.policy {
		if s.Qualifier != q {
			continue
		}
		has = true
		if s.Sid == sid {
			f.policy = append(f.policy[:i], f.policy[i+1:]...)
			f.setPolicyRevision(q, w.uuid())
			return nil
		}
	}
	if !has {
		return notFound("No policy is associated with the given resource.")
	}
	return notFound("Statement %s is not found in resource policy.", clip(sid, 100))
}
