package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"sync/atomic"
)

var stsSeq atomic.Uint64

func requestID() string {
	return fmt.Sprintf("5a4e6b0c-%04x-4d1e-9c2a-%012x", stsSeq.Load()>>48&0xffff, stsSeq.Add(1))
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

type callerIdentityXML struct {
	XMLName   xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Arn       string   `xml:"GetCallerIdentityResult>Arn"`
	UserID    string   `xml:"GetCallerIdentityResult>UserId"`
	Account   string   `xml:"GetCallerIdentityResult>Account"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// serveSTS answers the STS query protocol (GetCallerIdentity only).
func (s *Server) serveSTS(w http.ResponseWriter, c classified) {
	const ns = "https://sts.amazonaws.com/doc/2011-06-15/"
	if c.op != "GetCallerIdentity" {
		writeQueryError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+clip(c.op, 100)+" for version 2011-06-15", ns)
		return
	}
	b, _ := xml.Marshal(callerIdentityXML{
		Xmlns:     ns,
		Arn:       "arn:aws:iam::" + s.opts.Account + ":user/sandbox-operator",
		UserID:    "AIDASANDBOX" + s.opts.Account[len(s.opts.Account)-6:] + "OPS",
		Account:   s.opts.Account,
		RequestID: requestID(),
	})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
