package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// debugPrefix marks the sandbox's own endpoints, outside every AWS route:
//
//	GET  /_sandbox/stats   the request counters (Stats) as JSON
//	POST /_sandbox/faults  replace the injected faults: a JSON body such as
//	                       {"ErrorRate":0.05,"Jitter":"200ms"}; {} turns them off
//
// Fault drills and benchmarks use them to check for 429s and to stop the
// faults of a running `lambdaops sandbox`.
const debugPrefix = "/_sandbox/"

// faultsJSON is Faults with durations as Go duration strings.
type faultsJSON struct {
	APIs         []string
	Latency      string
	Jitter       string
	ThrottleRate float64
	ErrorRate    float64
	DropRate     float64
}

func (s *Server) serveDebug(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == debugPrefix+"stats" && r.Method == http.MethodGet:
		st := s.Stats()
		out := struct {
			Stats
			Throttles      int64
			QuotaThrottles int64
		}{st, st.Throttles(), st.QuotaThrottles()}
		_ = json.NewEncoder(w).Encode(out)
	case r.URL.Path == debugPrefix+"faults" && r.Method == http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		var fj faultsJSON
		if err == nil && len(body) > 0 {
			err = json.Unmarshal(body, &fj)
		}
		var f Faults
		if err == nil {
			f = Faults{APIs: fj.APIs, ThrottleRate: fj.ThrottleRate, ErrorRate: fj.ErrorRate, DropRate: fj.DropRate}
			f.Latency, err = parseDur(fj.Latency)
		}
		if err == nil {
			f.Jitter, err = parseDur(fj.Jitter)
		}
		if err == nil {
			err = checkFaults(f)
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"message": err.Error()})
			return
		}
		s.SetFaults(f)
		_, _ = io.WriteString(w, "{}\n")
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"unknown sandbox endpoint: GET /_sandbox/stats or POST /_sandbox/faults"}`+"\n")
	}
}

func parseDur(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	return time.ParseDuration(v)
}
