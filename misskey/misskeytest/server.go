//go:build !js

package misskeytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a fake Misskey instance. Create one with NewServer (started) or
// NewUnstartedServer (set Addr or Listener, then Start). All methods are
// safe for concurrent use.
type Server struct {
	// URL is the base URL of the instance, "http://" plus the address
	// served on (e.g. "http://127.0.0.1:port"), without a trailing slash.
	// It is set by Start.
	URL string
	// Addr is the address to listen on. It defaults to "127.0.0.1:0" (a
	// random port) and may be changed before Start. Start sets it to the
	// address actually served on.
	Addr string
	// Listener, like httptest.Server's, is the listener the server serves
	// on. If it is set before Start, Start serves on it instead of
	// listening on Addr, and sets Addr and URL from its address: this lets
	// the caller listen itself (and handle a busy port) with no window in
	// which another process could take the address. Otherwise Start sets it
	// to the listener it opened on Addr. Close closes it, even when the
	// server was never started.
	Listener net.Listener
	// StreamPingInterval is how often the server sends a WebSocket ping on
	// each streaming socket (default 60 s, as the real server); a socket
	// that has not answered a ping within twice this is dropped. Zero or
	// less disables pings. Set it before Start.
	StreamPingInterval time.Duration
	// AllowLoopbackClientID makes the OAuth 2.0 authorization endpoint
	// accept client_id pages over http and on loopback or private
	// addresses, as Misskey's test environment does, for tests on
	// loopback. Without it, as a production server, the client_id must
	// be https on a host that resolves to a unicast address, and the page
	// is not fetched from any other address. Set it before Start.
	AllowLoopbackClientID bool
	// DisableOAuth makes the server a Misskey older than 2023.9.0, which
	// is no OAuth 2.0 provider: /.well-known/oauth-authorization-server
	// and everything under /oauth/ answer 404. Set it before Start.
	DisableOAuth bool

	mu       sync.Mutex
	st       *state
	faults   map[string]*faultState
	requests []Request
	streams  *streamHub
	oauth    oauthState // OAuth 2.0 transactions and codes (oauth.go)

	handler http.Handler
	mux     *http.ServeMux
	srv     *http.Server
	started bool
	// closeCtx is cancelled by Close; closed is its Done channel, which
	// releases hanging and delayed requests.
	closeCtx    context.Context
	cancelClose context.CancelFunc
	closed      <-chan struct{}
	closeOnce   sync.Once

	// Goroutines running the fake's code (handlers, whether on the
	// server's own http.Server or on a caller's one, the streaming
	// sockets' writers and pingers, the Serve loop), which Close waits
	// for. Guarded by hmu, not mu, so that it never waits behind a
	// handler.
	hmu    sync.Mutex
	active int
	idle   chan struct{} // closed when active drops to 0; set by Close
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
func NewUnstartedServer() *Server { return NewUnstartedServerAt(nil) }

// NewUnstartedServerAt is NewUnstartedServer with the clock set (see
// SetClock) before the seeded user alice is created, so that a test or a
// demo can date everything, alice included, in the past; nil is time.Now.
// Set the clock back with SetClock(nil) once the past is written: ids
// never go backwards, so what is created later is dated later.
func NewUnstartedServerAt(now func() time.Time) *Server {
	s := &Server{
		Addr:               "127.0.0.1:0",
		StreamPingInterval: defaultStreamPingInterval,
		st:                 newState(),
		faults:             map[string]*faultState{},
	}
	s.closeCtx, s.cancelClose = context.WithCancel(context.Background())
	s.closed = s.closeCtx.Done()
	s.st.clock = now
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
	s.mux.HandleFunc("GET /emoji/{file}", s.serveEmoji)
	s.mux.HandleFunc("GET /streaming", s.serveStreaming)
	s.mux.HandleFunc("GET /{page}", s.serveUserPage)
	s.mux.HandleFunc("GET /notes/{id}", s.serveNotePage)
	s.mux.HandleFunc("GET /tags/{tag}", s.serveTagPage)
	s.mux.HandleFunc("/.well-known/", s.serveWellKnown)
	s.mux.HandleFunc("/oauth/", s.serveOAuth)
	s.handler = http.HandlerFunc(s.serveTracked)
	return s
}

// Start starts serving on Listener if it is set, else on a new listener on
// Addr, and sets Listener, Addr and URL. It panics if the server was
// already started or cannot listen, like httptest.Server.Start.
func (s *Server) Start() {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		panic("misskeytest: Server already started")
	}
	s.started = true
	ln := s.Listener
	addr := s.Addr
	s.mu.Unlock()
	if ln == nil {
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		var err error
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			panic(fmt.Sprintf("misskeytest: failed to listen on %s: %v", addr, err))
		}
	}
	s.mu.Lock()
	s.Listener = ln
	s.Addr = ln.Addr().String()
	s.URL = "http://" + s.Addr
	s.srv = &http.Server{Handler: s.handler}
	srv := s.srv
	s.mu.Unlock()
	s.goTracked(func() { _ = srv.Serve(ln) })
}

// Close shuts the server down: it stops listening, closes every connection
// and every streaming socket, releases every hanging or delayed request,
// and, like httptest.Server.Close, blocks until every request in flight has
// completed: when it returns, none of the server's handlers (nor the
// goroutines of its streaming sockets) is running any more.
//
// That includes requests that a server of the caller's own is serving
// through Handler: Close cannot close that server's connections, but it
// releases hanging and delayed requests, and cuts short (with read and
// write deadlines in the past) those blocked reading a request or writing
// an answer, then waits for them. Requests that such a server hands to the
// handler after Close are still served. It is safe to call Close more than
// once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.cancelClose()
		s.mu.Lock()
		srv, ln := s.srv, s.Listener
		s.mu.Unlock()
		if srv != nil {
			_ = srv.Close()
		}
		if ln != nil {
			// Serve closes it too; this is for a Listener never started.
			_ = ln.Close()
		}
		// Hijacked (streaming) connections are not the http.Server's.
		s.DropStreams()
		s.waitIdle()
	})
}

// enter and leave count a goroutine running the fake's code.
func (s *Server) enter() {
	s.hmu.Lock()
	s.active++
	s.hmu.Unlock()
}

func (s *Server) leave() {
	s.hmu.Lock()
	s.active--
	if s.active == 0 && s.idle != nil {
		close(s.idle)
		s.idle = nil
	}
	s.hmu.Unlock()
}

// goTracked runs f in a new goroutine that Close waits for.
func (s *Server) goTracked(f func()) {
	s.enter()
	go func() {
		defer s.leave()
		f()
	}()
}

// waitIdle waits until no goroutine counted by enter is running. Like
// httptest, it says so in the log when that takes more than 5 seconds.
func (s *Server) waitIdle() {
	s.hmu.Lock()
	if s.active == 0 {
		s.hmu.Unlock()
		return
	}
	idle := make(chan struct{})
	s.idle = idle
	s.hmu.Unlock()
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-idle:
		return
	case <-t.C:
		log.Printf("misskeytest: Server blocked in Close after 5 seconds, waiting for its requests to complete")
	}
	<-idle
}

// serveTracked is the server's handler: serveHTTP, counted for Close. A
// request in flight when Close runs gets read and write deadlines in the
// past, so that it cannot keep Close waiting on a slow client when it is
// served by a server of the caller's own (Close closes the connections of
// its own server anyway).
func (s *Server) serveTracked(w http.ResponseWriter, r *http.Request) {
	s.enter()
	defer s.leave()
	if s.closeCtx.Err() == nil {
		rc := http.NewResponseController(w)
		cut := make(chan struct{})
		stop := context.AfterFunc(s.closeCtx, func() {
			defer close(cut)
			past := time.Unix(1, 0)
			_ = rc.SetReadDeadline(past)
			_ = rc.SetWriteDeadline(past)
		})
		defer func() {
			if !stop() {
				<-cut // rc may not be used after the handler returns
			}
		}()
	}
	s.serveHTTP(w, r)
}

// Handler returns the server's http.Handler, so that a caller can serve the
// fake instance from a server or listener of its own. Close waits for the
// requests in flight through it too (see Close).
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
