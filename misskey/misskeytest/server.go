//go:build !js

package misskeytest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a fake Misskey instance. Create one with NewServer (started) or
// NewUnstartedServer (set Addr, then Start). All methods are safe for
// concurrent use.
type Server struct {
	// URL is the base URL of the instance, "http://127.0.0.1:port", without
	// a trailing slash. It is set by Start.
	URL string
	// Addr is the address to listen on. It defaults to "127.0.0.1:0" (a
	// random port) and may be changed before Start.
	Addr string
	// StreamPingInterval is how often the server sends a WebSocket ping on
	// each streaming socket (default 60 s, as the real server); a socket
	// that has not answered a ping within twice this is dropped. Zero or
	// less disables pings. Set it before Start.
	StreamPingInterval time.Duration

	mu       sync.Mutex
	st       *state
	faults   map[string]*faultState
	requests []Request
	streams  *streamHub

	handler   http.Handler
	mux       *http.ServeMux
	srv       *http.Server
	ln        net.Listener
	started   bool
	closed    chan struct{}
	closeOnce sync.Once
}

// Request is one request the server received, as recorded by Requests.
type Request struct {
	Method   string
	Path     string // URL path, e.g. "/api/notes/create"
	RawQuery string
	Header   http.Header
	Body     []byte
	// Endpoint is the API endpoint name for /api/... requests, e.g.
	// "notes/create"; "miauth/check" for POST /api/miauth/{session}/check;
	// "" for requests outside /api/.
	Endpoint string
	// Token is the token the request carried (the Authorization Bearer
	// header, else a string "i" in the JSON body or multipart form, or
	// the "i" query parameter for GET /streaming), "" if none.
	Token string
}

// maxStoredBody caps how much of any request body the server reads. Larger
// bodies are refused with 413 before anything else happens. JSON API bodies
// have their own, real, 1 MiB cap (see maxJSONBody).
const maxStoredBody = 64 << 20

// NewServer starts and returns a fake instance listening on 127.0.0.1 with a
// random port, seeded with the user "alice" (display name "Alice"), who is
// the user signed in to the fake web frontend. The caller must Close it.
func NewServer() *Server {
	s := NewUnstartedServer()
	s.Start()
	return s
}

// NewUnstartedServer returns a fake instance that is not yet listening. Set
// Addr if needed and call Start. Handler can be used without ever starting
// the server, e.g. to mount it on a listener of the caller's own.
func NewUnstartedServer() *Server {
	s := &Server{
		Addr:               "127.0.0.1:0",
		StreamPingInterval: defaultStreamPingInterval,
		st:                 newState(),
		faults:             map[string]*faultState{},
		closed:             make(chan struct{}),
	}
	s.streams = newStreamHub(s)
	s.st.streams = s.streams
	alice := s.st.addUser("alice", "Alice")
	s.st.signedIn = alice
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /{$}", s.serveIndex)
	s.mux.HandleFunc("GET /miauth/{session}", s.serveConsent)
	s.mux.HandleFunc("POST /miauth/{session}/allow", s.serveAllow)
	s.mux.HandleFunc("POST /miauth/{session}/deny", s.serveDeny)
	s.mux.HandleFunc("GET /files/{id}", s.serveFile)
	s.mux.HandleFunc("GET /identicon/{id}", s.serveIdenticon)
	s.mux.HandleFunc("GET /streaming", s.serveStreaming)
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// Start starts listening on Addr and sets URL. It panics if the server was
// already started or cannot listen, like httptest.Server.Start.
func (s *Server) Start() {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		panic("misskeytest: Server already started")
	}
	s.started = true
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.mu.Unlock()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		panic(fmt.Sprintf("misskeytest: failed to listen on %s: %v", addr, err))
	}
	s.mu.Lock()
	s.ln = ln
	s.Addr = ln.Addr().String()
	s.URL = "http://" + s.Addr
	s.srv = &http.Server{Handler: s.handler}
	srv := s.srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// Close shuts the server down: it stops listening, closes every connection
// and releases every hanging request. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.mu.Lock()
		srv := s.srv
		s.mu.Unlock()
		if srv != nil {
			_ = srv.Close()
		}
		// Hijacked (streaming) connections are not the http.Server's.
		s.DropStreams()
	})
}

// Handler returns the server's http.Handler, so that a caller can serve the
// fake instance from a server or listener of its own.
func (s *Server) Handler() http.Handler { return s.handler }

// Requests returns a copy of every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// ResetRequests forgets every recorded request.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxStoredBody+1))
	tooLarge := len(body) > maxStoredBody
	if tooLarge {
		body = body[:maxStoredBody]
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     bytes.Clone(body),
	}
	isAPI := r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
	if isAPI {
		rec.Endpoint = faultName(strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api"), "/"))
		rec.Token = requestToken(r, body)
	} else if r.URL.Path == "/streaming" {
		rec.Token, _ = streamToken(r)
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	if err != nil && !errors.Is(err, io.EOF) {
		// The client went away mid-body.
		panic(http.ErrAbortHandler)
	}
	if tooLarge {
		if isAPI {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		writeFastifyError(w, http.StatusRequestEntityTooLarge, "FST_ERR_CTP_BODY_TOO_LARGE", "Request body is too large")
		return
	}
	if isAPI {
		s.serveAPI(w, r, body)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// hang blocks until the client gives up or the server is closed, then
// aborts the connection without an answer.
func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closed:
	}
	panic(http.ErrAbortHandler)
}
