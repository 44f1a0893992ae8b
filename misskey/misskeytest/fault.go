//go:build !js

package misskeytest

import (
	"fmt"
	"net/http"
	"time"
)

// Fault makes an endpoint misbehave. Set it with SetFault. Delay may be
// combined with any one of the other behaviours (Hang, Drop, BadGateway,
// RateLimit, Status), which are tried in that order; a Fault with only a
// Delay slows the request down and then answers it normally.
//
// Fault answers (except Drop and Hang) carry Access-Control-Allow-Origin: *
// like every other /api/ answer, so that page JavaScript on another origin
// can see them. CORS preflight requests (OPTIONS) are never faulted.
type Fault struct {
	Delay      time.Duration // wait before answering
	Hang       bool          // never answer (until the client gives up or the server closes)
	BadGateway bool          // answer 502 with an HTML page (text/html), like a proxy
	Drop       bool          // hijack and close the connection without answering
	// RateLimit answers 429 RATE_LIMIT_EXCEEDED with a Retry-After header
	// and info {remaining:0, reset, resetMs, total}.
	RateLimit  bool
	RetryAfter time.Duration // for RateLimit; default 1s
	// Times is how many requests the fault affects; 0 means every request
	// until ClearFaults (or another SetFault for the same endpoint).
	Times int
	// Status, if non-zero, answers exactly this status, Body and
	// ContentType (no Content-Type header if ContentType is ""): for
	// truncated JSON, wrong shapes, 503s and so on.
	Status      int
	Body        []byte
	ContentType string
}

type faultState struct {
	f         Fault
	remaining int // for Times > 0
}

// SetFault makes requests to endpoint misbehave as f says. endpoint is an
// API endpoint name such as "notes/create" or "meta", "miauth/check" for
// POST /api/miauth/{session}/check, or "*" for every /api/ request. A fault
// for a specific name is used before the "*" one. Setting a fault replaces
// the previous one for the same name.
func (s *Server) SetFault(endpoint string, f Fault) {
	s.mu.Lock()
	s.faults[endpoint] = &faultState{f: f, remaining: f.Times}
	s.mu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = map[string]*faultState{}
	s.mu.Unlock()
}

func (s *Server) takeFault(name string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range []string{name, "*"} {
		fs := s.faults[k]
		if fs == nil {
			continue
		}
		if fs.f.Times > 0 {
			fs.remaining--
			if fs.remaining <= 0 {
				delete(s.faults, k)
			}
		}
		return fs.f, true
	}
	return Fault{}, false
}

const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// applyFault serves the fault for name, if any, and reports whether the
// request has been answered.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, name string) bool {
	f, ok := s.takeFault(name)
	if !ok {
		return false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			panic(http.ErrAbortHandler)
		case <-s.closed:
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}
	switch {
	case f.Hang:
		s.hang(r)
	case f.Drop:
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		conn.Close()
	case f.BadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte(badGatewayPage))
	case f.RateLimit:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		secs := int((ra + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		writeAPIError(w, errRateLimit.withInfo(map[string]any{
			"remaining": 0,
			"reset":     secs,
			"resetMs":   ra.Milliseconds(),
			"total":     300,
		}))
	case f.Status != 0:
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing either
		}
		w.WriteHeader(f.Status)
		w.Write(f.Body)
	default:
		return false
	}
	return true
}
