package misskey

import (
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

	mu      sync.Mutex
	queue   []func()
	wake    chan struct{}
	conns   map[string]*serverChannel // server-side id → connection
	handles map[string]*serverChannel // local id (given by Connect) → its connection
	order   []string                  // server-side ids in connect order
	notes   map[string]int            // subNote ids, with how many asked for each
	subs    map[int]*StreamHandler    // Subscribe's listeners
	nextSub int
	nextID  int
	state   StreamState
	sock    Socket
	gen     int   // socket generation: events of older sockets are dropped
	opened  int64 // Unix ns
	// Timers are kept as their Stop functions: a *time.Timer field keeps
	// Go's time formatting in the wasm build.
	failures    int
	stopRetry   func() bool
	stopKeep    func() bool
	stopOpening func() bool // bounds the wait for the socket to open
	lastSend    int64       // Unix ns
	closed      bool
}

// serverChannel is one channel connection on the socket. A channel whose
// server class shares (sharedChannels) has one connection however often it
// is connected; each Connect gets its own local id (a handle) on it.
type serverChannel struct {
	id, name  string
	frame     string   // the connect frame
	handles   []string // local ids, in connect order; the first is id
	confirmed bool     // the server answered "connected"
}

// sharedChannels are the channels whose server class sets shouldShare
// (Misskey 2025.11.1, packages/backend/src/server/api/stream/channels):
// the server ignores a second connect of one of them on the same socket.
var sharedChannels = map[string]bool{
	"main": true, "drive": true, "admin": true, "queueStats": true, "serverStats": true, "reversi": true,
}

// DefaultDialer is the Dialer streams use when StreamOptions has none:
// WebSocketDialer in native builds; importing misskey/browser sets the
// browser's WebSocket.
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
		wake:    make(chan struct{}, 1),
		conns:   map[string]*serverChannel{},
		handles: map[string]*serverChannel{},
		notes:   map[string]int{},
		subs:    map[int]*StreamHandler{},
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
	s.each(func(h *StreamHandler) {
		if h.State != nil {
			h.State(st)
		}
	})
}

// each calls f for the StreamHandler and then every subscriber's.
func (s *Stream) each(f func(h *StreamHandler)) {
	f(&s.handler)
	for _, h := range s.subs { // only changed on this goroutine
		f(h)
	}
}

// Subscribe adds a listener of the stream's news besides its
// StreamHandler (a Timeline is one); stop removes it. Its functions are
// called like the StreamHandler's, after it, on the stream's goroutine.
func (s *Stream) Subscribe(h StreamHandler) (stop func()) {
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.mu.Unlock()
	s.do(func() { s.subs[id] = &h })
	return func() { s.do(func() { delete(s.subs, id) }) }
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
			// Not kept as Err: its text may quote the URL, token and all;
			// the message is redacted by fail.
			e = &Error{Code: CodeNetworkError, Message: "cannot open a WebSocket: " + err.Error()}
		}
		if e.Origin == "" {
			e.Origin = s.client.Origin
		}
		s.fail(s.client.fail("streaming", e))
		return
	}
	s.sock = sock
	gen := s.gen
	stop(s.stopOpening)
	s.stopOpening = time.AfterFunc(s.opts.OpenTimeout, func() {
		s.do(func() {
			if gen == s.gen && s.sock != nil && s.state != StateOpen && !s.closed {
				s.onClosed(gen, false) // closes the socket; its own Closed is then dropped
			}
		})
	}).Stop
}

// stop stops a timer kept as its Stop function, if any.
func stop(f func() bool) {
	if f != nil {
		f()
	}
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
	stop(s.stopOpening)
	s.setState(StateOpen)
	for _, id := range s.order {
		s.conns[id].confirmed = false
		s.send(s.conns[id].frame)
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
	stop(s.stopKeep)
	gen := s.gen
	s.stopKeep = time.AfterFunc(s.opts.Keepalive, func() {
		s.do(func() {
			if gen != s.gen || s.state != StateOpen {
				return
			}
			if time.Now().UnixNano()-s.lastSend >= int64(s.opts.Keepalive/2) {
				s.send("h")
			}
			s.armKeepalive()
		})
	}).Stop
}

func (s *Stream) onMessage(gen int, text string) {
	if gen != s.gen || s.closed {
		return
	}
	f, err := parseFrame([]byte(text))
	if err != nil {
		e := s.client.fail("streaming", err)
		s.each(func(h *StreamHandler) {
			if h.Error != nil {
				h.Error(e)
			}
		})
		return
	}
	switch f.typ {
	case "channel":
		if c := s.conns[f.id]; c != nil {
			for _, id := range c.handles {
				s.each(func(h *StreamHandler) {
					if h.Channel != nil {
						h.Channel(id, f.ctype, f.body)
					}
				})
			}
		}
		return
	case "connected":
		// The pong of a connect: told for every handle of the connection.
		if c := s.conns[f.id]; c != nil {
			c.confirmed = true
			for _, h := range c.handles {
				s.message("connected", idBody(h))
			}
			return
		}
	}
	s.message(f.typ, f.body)
}

func (s *Stream) message(typ string, body []byte) {
	s.each(func(h *StreamHandler) {
		if h.Message != nil {
			h.Message(typ, body)
		}
	})
}

func idBody(id string) []byte {
	return append(appendJSONString([]byte(`{"id":`), id), '}')
}

// frame is a server frame: {"type": typ, "body": body}; for a channel
// message, body is {"id": id, "type": ctype, "body": body}; for
// "connected", {"id": id}.
type frame struct {
	typ, id, ctype string
	body           []byte
}

// parseFrame reads a server frame, walking the frame once and a channel
// message's body once more.
func parseFrame(b []byte) (frame, error) {
	bad := func(why string) error {
		return &Error{Code: CodeInvalidResponse, Message: "malformed streaming frame (" + why + "): " + excerpt(b)}
	}
	outer, err := jsonObject(b)
	if err != nil {
		return frame{}, bad("not a JSON object")
	}
	f := frame{body: outer["body"]}
	if f.typ, _ = jsonString(outer["type"]); f.typ == "" {
		return frame{}, bad("no type")
	}
	if f.body == nil {
		f.body = []byte("null")
	}
	switch f.typ {
	case "channel":
		inner, err := jsonObject(f.body)
		if err != nil {
			return frame{}, bad("channel message without a body object")
		}
		if f.id, _ = jsonString(inner["id"]); f.id == "" {
			return frame{}, bad("channel message without an id")
		}
		if f.ctype, _ = jsonString(inner["type"]); f.ctype == "" {
			return frame{}, bad("channel message without a type")
		}
		if f.body = inner["body"]; f.body == nil {
			f.body = []byte("null")
		}
	case "connected":
		if inner, err := jsonObject(f.body); err == nil {
			f.id, _ = jsonString(inner["id"])
		}
	}
	return f, nil
}

func (s *Stream) onClosed(gen int, opened bool) {
	if gen != s.gen || s.closed {
		return
	}
	s.gen++ // whatever the closed socket still says is dropped
	if s.sock != nil {
		s.sock.Close()
		s.sock = nil
	}
	stop(s.stopKeep)
	stop(s.stopOpening)
	if opened && time.Now().UnixNano()-s.opened > int64(5*time.Second) {
		s.failures = 0 // it had been working: start the backoff over
	}
	s.setState(StateReconnecting)
	if !opened && s.client.Token != "" {
		// Refused or unreachable: a browser cannot tell. Ask the REST API
		// whether the token is still good.
		gen := s.gen
		go func() {
			out := Outcome{Err: &Error{Code: CodeInvalidArgument}}
			if k, err := s.client.NewCall("i", nil); err == nil {
				k.Timeout = 15 * time.Second
				out = k.Send(nil)
			}
			s.do(func() {
				if gen != s.gen || s.closed {
					return
				}
				if e, ok := out.Err.(*Error); ok && (e.Code == "AUTHENTICATION_FAILED" || e.Code == "CREDENTIAL_REQUIRED" || e.Code == "PERMISSION_DENIED") {
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
	// The jitter: a few bits of the clock (math/rand would cost the wasm
	// build 2 KB), mixed so that streams started together spread out.
	x := uint64(time.Now().UnixNano()) * 0x9E3779B97F4A7C15
	return bound/2 + time.Duration((x>>33)%uint64(bound/2+1))
}

func (s *Stream) scheduleReconnect() {
	if s.closed {
		return
	}
	s.setState(StateReconnecting)
	d := s.backoff()
	s.failures++
	stop(s.stopRetry)
	gen := s.gen
	s.stopRetry = time.AfterFunc(d, func() {
		s.do(func() {
			if gen == s.gen && s.sock == nil && !s.closed {
				s.dial()
			}
		})
	}).Stop
}

// fail closes the stream for good with err.
func (s *Stream) fail(err *Error) {
	s.shutdown()
	s.each(func(h *StreamHandler) {
		if h.Error != nil {
			h.Error(err)
		}
	})
	s.setState(StateClosed)
}

func (s *Stream) shutdown() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.gen++
	stop(s.stopRetry)
	stop(s.stopKeep)
	stop(s.stopOpening)
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
//
// A channel the server shares per socket ("main", "drive", …: the server
// ignores a second connect of one) is connected once: a second Connect gets
// its own id on the same server connection, whose messages come to every id
// of it, and the server is told to disconnect when the last id is.
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
	s.do(func() {
		if s.closed {
			return
		}
		if sharedChannels[channel] {
			for _, sid := range s.order {
				if c := s.conns[sid]; c.name == channel {
					c.handles = append(c.handles, id)
					s.handles[id] = c
					if c.confirmed {
						s.message("connected", idBody(id))
					}
					return
				}
			}
		}
		// "pong":true asks the server to confirm with {"type":"connected","body":{"id":…}}:
		// the only sign that a channel was accepted (a refused one is ignored silently).
		c := &serverChannel{id: id, name: channel, handles: []string{id},
			frame: `{"type":"connect","body":{"channel":"` + channel + `","id":"` + id + `","params":` + string(params) + `,"pong":true}}`}
		s.conns[id] = c
		s.handles[id] = c
		s.order = append(s.order, id)
		s.send(c.frame)
	})
	return id, nil
}

// Disconnect disconnects the channel with id (a shared channel's server
// connection ends with its last id).
func (s *Stream) Disconnect(id string) {
	s.do(func() {
		c := s.handles[id]
		if c == nil {
			return
		}
		delete(s.handles, id)
		c.handles = without(c.handles, id)
		if len(c.handles) > 0 {
			return
		}
		delete(s.conns, c.id)
		s.order = without(s.order, c.id)
		s.send(`{"type":"disconnect","body":{"id":"` + c.id + `"}}`)
	})
}

// without is list without the items equal to x, in place.
func without(list []string, x string) []string {
	out := list[:0]
	for _, v := range list {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

func noteFrame(typ, id string) string {
	return string(appendJSONString([]byte(`{"type":"`+typ+`","body":{"id":`), id)) + `}}`
}

// SubNote asks for updates to a note (reactions, deletion), delivered as
// top-level "noteUpdated" messages; it is sent again after a reconnect.
// Subscriptions are counted: the server is told to stop when as many
// UnsubNote calls as SubNote calls were made for the note (two timelines
// may show one note).
func (s *Stream) SubNote(noteID string) error {
	if !validSession(noteID) { // the same alphabet as note ids
		return invalidArgument("note id %q is not a note id", noteID)
	}
	s.do(func() { s.subNote(noteID) })
	return nil
}

func (s *Stream) subNote(noteID string) {
	if s.closed {
		return
	}
	s.notes[noteID]++
	if s.notes[noteID] == 1 {
		s.send(noteFrame("subNote", noteID))
	}
}

// UnsubNote undoes one SubNote of a note.
func (s *Stream) UnsubNote(noteID string) {
	s.do(func() { s.unsubNote(noteID) })
}

func (s *Stream) unsubNote(noteID string) {
	if s.notes[noteID] == 0 {
		return
	}
	s.notes[noteID]--
	if s.notes[noteID] == 0 {
		delete(s.notes, noteID)
		s.send(noteFrame("unsubNote", noteID))
	}
}

// Reconnect skips the wait before the next attempt when the stream is
// reconnecting (the page came back online or to the foreground).
func (s *Stream) Reconnect() {
	s.do(func() {
		if s.closed || s.state != StateReconnecting || s.sock != nil {
			return
		}
		stop(s.stopRetry)
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
