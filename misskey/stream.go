package misskey

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Streaming: one WebSocket to {origin}/streaming carries any number of
// channels. The protocol and the reconnect policy live here; the socket
// itself is the platform's (the browser's WebSocket in the wasm build).

// Socket is an open or opening WebSocket, as a Dialer made it.
type Socket interface {
	// Send sends one text frame.
	Send(text string) error
	// Close closes the socket; no SocketEvents follow.
	Close()
}

// SocketEvents receive what happens on a socket. Calls must come one at a
// time, in order; they must not block.
type SocketEvents interface {
	Opened()
	Message(text string)
	// Closed ends the socket. opened tells whether it had opened: a socket
	// that closes before opening was refused or could not connect (a
	// browser does not tell which, nor the HTTP status).
	Closed(opened bool)
}

// Dialer opens WebSockets. Dial returns at once; the socket's events follow.
type Dialer interface {
	Dial(url string, events SocketEvents) (Socket, error)
}

// StreamState is a stream's state.
type StreamState string

const (
	StateConnecting   StreamState = "connecting"
	StateOpen         StreamState = "open"
	StateReconnecting StreamState = "reconnecting"
	StateClosed       StreamState = "closed"
)

// StreamHandler receives a stream's news. Its functions are called one at a
// time, in the order of the messages, from the stream's own goroutine; any
// may be nil.
type StreamHandler struct {
	// State reports every change of state.
	State func(StreamState)
	// Channel delivers a channel's message: the id given by Stream.Connect,
	// the message type ("note", "notification", …) and its raw JSON body.
	Channel func(id, typ string, body []byte)
	// Message delivers a top-level message other than a channel's
	// ("noteUpdated", …) with its raw JSON body.
	Message func(typ string, body []byte)
	// Error reports a malformed frame (the stream goes on) and, last, the
	// error that closed the stream for good (an *Error with code
	// AUTHENTICATION_FAILED or PERMISSION_DENIED when the server refused the
	// token).
	Error func(err error)
}

// StreamOptions tune a stream.
type StreamOptions struct {
	// Dialer opens the sockets; nil means DefaultDialer.
	Dialer Dialer
	// MinBackoff is the first reconnect delay's upper bound (default 1 s);
	// each failure doubles it, up to MaxBackoff (default 30 s). Every delay
	// is drawn at random between half of its bound and the bound.
	MinBackoff, MaxBackoff time.Duration
	// Keepalive is how often an idle stream sends a frame ("h", which the
	// server ignores) so that idle proxies do not cut it (default 30 s; <0: never).
	Keepalive time.Duration
	// OpenTimeout bounds the wait for a socket to open (default 15 s): a
	// server that takes the connection but never answers the upgrade is
	// given up on, and the stream tries again later.
	OpenTimeout time.Duration
}

// Stream is a streaming connection with its channels. It reconnects by
// itself after a drop (with backoff and jitter) and connects every open
// channel again with the same ids. When the upgrade is refused it asks the
// REST API (POST i) whether the token is bad: then it closes for good with
// that error instead of retrying.
type Stream struct {
	client  *Client
	opts    StreamOptions
	handler StreamHandler

	mu       sync.Mutex
	queue    []func()
	wake     chan struct{}
	channels map[string]string // id → connect frame
	order    []string          // ids in connect order
	notes    map[string]bool   // subNote ids
	nextID   int
	state    StreamState
	sock     Socket
	gen      int   // socket generation: events of older sockets are dropped
	opened   int64 // Unix ns; int64, not time.Time, to keep time formatting out of the wasm build
	failures int
	retry    *time.Timer
	keep     *time.Timer
	opening  *time.Timer // bounds the wait for the socket to open
	lastSend int64       // Unix ns
	closed   bool
}

// DefaultDialer is the Dialer streams use when StreamOptions has none: the
// wasm build sets the browser's WebSocket; native builds set one in
// stream_native.go.
var DefaultDialer Dialer

// StreamURL is the streaming URL of origin for token: ws(s)://host/streaming,
// with ?i=token when there is one (browsers cannot set headers on a
// WebSocket, so the token has to go in the URL).
func StreamURL(origin, token string) string {
	u := "wss://" + strings.TrimPrefix(origin, "https://")
	if strings.HasPrefix(origin, "http://") {
		u = "ws://" + strings.TrimPrefix(origin, "http://")
	}
	u += "/streaming"
	if token != "" {
		u += "?i=" + queryEscape(token)
	}
	return u
}

// Stream opens the client's streaming connection. Channels may be connected
// at once; they are sent when the socket opens.
func (c *Client) Stream(opts StreamOptions, h StreamHandler) (*Stream, error) {
	if c.Origin == "" {
		return nil, &Error{Code: CodeInvalidArgument, Message: "client has no origin: make it with NewClient"}
	}
	if opts.Dialer == nil {
		opts.Dialer = DefaultDialer
	}
	if opts.Dialer == nil {
		return nil, &Error{Code: CodeNetworkError, Message: "no WebSocket dialer: set StreamOptions.Dialer"}
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.Keepalive == 0 {
		opts.Keepalive = 30 * time.Second
	}
	if opts.OpenTimeout <= 0 {
		opts.OpenTimeout = 15 * time.Second
	}
	s := &Stream{
		client: c, opts: opts, handler: h,
		wake:     make(chan struct{}, 1),
		channels: map[string]string{},
		notes:    map[string]bool{},
	}
	go s.run()
	s.do(func() {
		s.setState(StateConnecting)
		s.dial()
	})
	return s, nil
}

// do queues f to run on the stream's goroutine, in order.
func (s *Stream) do(f func()) {
	s.mu.Lock()
	s.queue = append(s.queue, f)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Stream) run() {
	for range s.wake {
		for {
			s.mu.Lock()
			if len(s.queue) == 0 {
				finished := s.closed && s.state == StateClosed
				s.mu.Unlock()
				if finished {
					return
				}
				break
			}
			f := s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
			s.mu.Unlock()
			f()
		}
	}
}

// The following run on the stream's goroutine only.

func (s *Stream) setState(st StreamState) {
	if s.state == st {
		return
	}
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	if s.handler.State != nil {
		s.handler.State(st)
	}
}

type socketEvents struct {
	s   *Stream
	gen int
}

func (e socketEvents) Opened()             { e.s.do(func() { e.s.onOpen(e.gen) }) }
func (e socketEvents) Message(text string) { e.s.do(func() { e.s.onMessage(e.gen, text) }) }
func (e socketEvents) Closed(opened bool)  { e.s.do(func() { e.s.onClosed(e.gen, opened) }) }

func (s *Stream) dial() {
	if s.closed {
		return
	}
	s.gen++
	sock, err := s.opts.Dialer.Dial(StreamURL(s.client.Origin, s.client.Token), socketEvents{s, s.gen})
	if err != nil {
		// A dialer that cannot even try (no WebSocket here, a URL the
		// platform refuses, such as ws: from an https page) will not do
		// better later: close for good. A failed connection comes as Closed.
		e, ok := err.(*Error)
		if !ok {
			e = &Error{Code: CodeNetworkError, Message: "cannot open a WebSocket: " + err.Error(), Err: err}
		}
		if e.Origin == "" {
			e.Origin = s.client.Origin
		}
		s.fail(Redact(e, s.client.Token).(*Error))
		return
	}
	s.sock = sock
	gen := s.gen
	if s.opening != nil {
		s.opening.Stop()
	}
	s.opening = time.AfterFunc(s.opts.OpenTimeout, func() {
		s.do(func() {
			if gen == s.gen && s.sock != nil && s.state != StateOpen && !s.closed {
				s.sock.Close()
				s.onClosed(gen, false)
			}
		})
	})
}

func (s *Stream) send(frame string) {
	if s.sock == nil || s.state != StateOpen {
		return
	}
	if err := s.sock.Send(frame); err == nil {
		s.lastSend = time.Now().UnixNano()
	}
}

func (s *Stream) onOpen(gen int) {
	if gen != s.gen || s.closed {
		return
	}
	s.opened = time.Now().UnixNano()
	if s.opening != nil {
		s.opening.Stop()
	}
	s.setState(StateOpen)
	for _, id := range s.order {
		s.send(s.channels[id])
	}
	for id := range s.notes {
		s.send(noteFrame("subNote", id))
	}
	s.armKeepalive()
}

func (s *Stream) armKeepalive() {
	if s.opts.Keepalive < 0 {
		return
	}
	if s.keep != nil {
		s.keep.Stop()
	}
	gen := s.gen
	s.keep = time.AfterFunc(s.opts.Keepalive, func() {
		s.do(func() {
			if gen != s.gen || s.state != StateOpen {
				return
			}
			if time.Now().UnixNano()-s.lastSend >= int64(s.opts.Keepalive/2) {
				s.send("h")
			}
			s.armKeepalive()
		})
	})
}

func (s *Stream) onMessage(gen int, text string) {
	if gen != s.gen || s.closed {
		return
	}
	typ, body, err := parseFrame([]byte(text))
	if err != nil {
		if s.handler.Error != nil {
			s.handler.Error(err)
		}
		return
	}
	if typ == "channel" {
		f, _ := jsonObject(body)
		id, _ := jsonString(f["id"])
		ct, _ := jsonString(f["type"])
		if _, ok := s.channels[id]; ok && s.handler.Channel != nil {
			s.handler.Channel(id, ct, f["body"])
		}
		return
	}
	if s.handler.Message != nil {
		s.handler.Message(typ, body)
	}
}

// parseFrame reads a server frame: {"type": "…", "body": …}. A channel
// frame's body must be {"id": "…", "type": "…", "body": …}.
func parseFrame(frame []byte) (typ string, body []byte, err error) {
	bad := func(why string) error {
		return &Error{Code: CodeInvalidResponse, Endpoint: "streaming", Message: "malformed streaming frame (" + why + "): " + excerpt(frame)}
	}
	f, jerr := jsonObject(frame)
	if jerr != nil {
		return "", nil, bad("not a JSON object")
	}
	typ, ok := jsonString(f["type"])
	if !ok || typ == "" {
		return "", nil, bad("no type")
	}
	body = f["body"]
	if typ == "channel" {
		cf, jerr := jsonObject(body)
		if jerr != nil {
			return "", nil, bad("channel message without a body object")
		}
		if id, ok := jsonString(cf["id"]); !ok || id == "" {
			return "", nil, bad("channel message without an id")
		}
		if t, ok := jsonString(cf["type"]); !ok || t == "" {
			return "", nil, bad("channel message without a type")
		}
	}
	if body == nil {
		body = []byte("null")
	}
	return typ, body, nil
}

func (s *Stream) onClosed(gen int, opened bool) {
	if gen != s.gen || s.closed {
		return
	}
	s.sock = nil
	if s.keep != nil {
		s.keep.Stop()
	}
	if opened && time.Now().UnixNano()-s.opened > int64(5*time.Second) {
		s.failures = 0 // it had been working: start the backoff over
	}
	s.setState(StateReconnecting)
	if !opened && s.client.Token != "" {
		// Refused or unreachable: a browser cannot tell. Ask the REST API
		// whether the token is still good.
		gen := s.gen
		go func() {
			ctx, cancel := withTimeout(context.Background(), 15*time.Second)
			defer cancel()
			_, err := s.client.Request(ctx, "i", nil)
			s.do(func() {
				if gen != s.gen || s.closed {
					return
				}
				var e *Error
				if errors.As(err, &e) && (e.Code == "AUTHENTICATION_FAILED" || e.Code == "CREDENTIAL_REQUIRED" || e.Code == "PERMISSION_DENIED") {
					s.fail(e)
					return
				}
				s.scheduleReconnect()
			})
		}()
		return
	}
	s.scheduleReconnect()
}

// backoff is the delay before the next attempt: a random duration between
// half the bound and the bound, the bound doubling with each failure.
func (s *Stream) backoff() time.Duration {
	bound := s.opts.MinBackoff << min(s.failures, 20)
	if bound > s.opts.MaxBackoff || bound <= 0 {
		bound = s.opts.MaxBackoff
	}
	return bound/2 + rand.N(bound/2+1)
}

func (s *Stream) scheduleReconnect() {
	if s.closed {
		return
	}
	s.setState(StateReconnecting)
	d := s.backoff()
	s.failures++
	if s.retry != nil {
		s.retry.Stop()
	}
	gen := s.gen
	s.retry = time.AfterFunc(d, func() {
		s.do(func() {
			if gen == s.gen && s.sock == nil && !s.closed {
				s.dial()
			}
		})
	})
}

// fail closes the stream for good with err.
func (s *Stream) fail(err *Error) {
	s.shutdown()
	if s.handler.Error != nil {
		s.handler.Error(err)
	}
	s.setState(StateClosed)
}

func (s *Stream) shutdown() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.gen++
	if s.retry != nil {
		s.retry.Stop()
	}
	for _, t := range []*time.Timer{s.keep, s.opening} {
		if t != nil {
			t.Stop()
		}
	}
	if s.sock != nil {
		s.sock.Close()
		s.sock = nil
	}
}

// Public methods: safe from any goroutine.

// State returns the stream's state.
func (s *Stream) State() StreamState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == "" {
		return StateConnecting
	}
	return s.state
}

// ValidChannel reports whether name can be a channel name ("homeTimeline").
func ValidChannel(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Connect connects a channel ("homeTimeline", "main", …) with params (a
// JSON object, nil for {}), and returns its id; the channel's messages
// come to StreamHandler.Channel with that id. It is connected again after
// every reconnect until Disconnect. When the server accepts it, a top-level
// "connected" message with body {"id": id} comes to StreamHandler.Message; a
// refused channel (a missing permission, bad params) gets no answer at all.
func (s *Stream) Connect(channel string, params []byte) (string, error) {
	if !ValidChannel(channel) {
		return "", invalidArgument("channel %q is not a channel name like \"homeTimeline\"", channel)
	}
	if len(params) == 0 {
		params = []byte("{}")
	}
	if !isJSONObject(params) {
		return "", &Error{Code: CodeInvalidArgument, Message: "channel params must be a JSON object"}
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return "", &Error{Code: CodeInvalidArgument, Message: "the stream is closed"}
	}
	s.nextID++
	id := "ch" + strconv.Itoa(s.nextID)
	s.mu.Unlock()
	// "pong":true asks the server to confirm with {"type":"connected","body":{"id":…}}:
	// the only sign that a channel was accepted (a refused one is ignored silently).
	frame := `{"type":"connect","body":{"channel":"` + channel + `","id":"` + id + `","params":` + string(params) + `,"pong":true}}`
	s.do(func() {
		if s.closed {
			return
		}
		s.channels[id] = frame
		s.order = append(s.order, id)
		s.send(frame)
	})
	return id, nil
}

// Disconnect disconnects the channel with id.
func (s *Stream) Disconnect(id string) {
	s.do(func() {
		if _, ok := s.channels[id]; !ok {
			return
		}
		delete(s.channels, id)
		for i, x := range s.order {
			if x == id {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
		s.send(`{"type":"disconnect","body":{"id":"` + id + `"}}`)
	})
}

func noteFrame(typ, id string) string {
	return string(appendJSONString([]byte(`{"type":"`+typ+`","body":{"id":`), id)) + `}}`
}

// SubNote asks for updates to a note (reactions, deletion), delivered as
// top-level "noteUpdated" messages; it is sent again after a reconnect.
func (s *Stream) SubNote(noteID string) error {
	if !validSession(noteID) { // the same alphabet as note ids
		return invalidArgument("note id %q is not a note id", noteID)
	}
	s.do(func() {
		if s.closed || s.notes[noteID] {
			return
		}
		s.notes[noteID] = true
		s.send(noteFrame("subNote", noteID))
	})
	return nil
}

// UnsubNote stops the updates of a note.
func (s *Stream) UnsubNote(noteID string) {
	s.do(func() {
		if !s.notes[noteID] {
			return
		}
		delete(s.notes, noteID)
		s.send(noteFrame("unsubNote", noteID))
	})
}

// Reconnect skips the wait before the next attempt when the stream is
// reconnecting (the page came back online or to the foreground).
func (s *Stream) Reconnect() {
	s.do(func() {
		if s.closed || s.state != StateReconnecting || s.sock != nil {
			return
		}
		if s.retry != nil {
			s.retry.Stop()
		}
		s.dial()
	})
}

// Close closes the stream for good; the handler hears StateClosed last.
func (s *Stream) Close() {
	s.do(func() {
		if s.closed {
			return
		}
		s.shutdown()
		s.setState(StateClosed)
	})
}
