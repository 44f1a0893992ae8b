//go:build !js

package misskeytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

const (
	// defaultStreamPingInterval is the real server's ping interval.
	defaultStreamPingInterval = 60 * time.Second
	// maxStreamChannels is how many channels one socket may have open.
	maxStreamChannels = 32
	// maxStreamQueue is how many messages may wait for a slow socket
	// before it is dropped.
	maxStreamQueue = 10000
	// maxStreamFrame caps the size of one client message.
	maxStreamFrame = 1 << 20
)

// streamChannelSpec is what the real server declares for a channel class.
type streamChannelSpec struct {
	requireCredential bool
	kind              string // permission app tokens need
	shared            bool   // only one per socket (shouldShare)
}

// streamChannelSpecs lists the channels the fake serves. The real server
// also has userList, antenna, channel, roleTimeline and more; the fake has
// no lists, antennas, channels or roles, so a connect to them is refused
// (ignored) as for a bad listId.
var streamChannelSpecs = map[string]streamChannelSpec{
	"main":           {requireCredential: true, kind: "read:account", shared: true},
	"homeTimeline":   {requireCredential: true, kind: "read:account"},
	"hybridTimeline": {requireCredential: true, kind: "read:account"},
	"localTimeline":  {},
	"globalTimeline": {},
	"hashtag":        {},
}

// streamHub holds the open streaming sockets. Every field is guarded by
// Server.mu.
type streamHub struct {
	s        *Server
	conns    map[*streamConn]struct{}
	upgrades int
	refuse   bool
}

func newStreamHub(s *Server) *streamHub {
	return &streamHub{s: s, conns: map[*streamConn]struct{}{}}
}

// streamConn is one open streaming socket.
type streamConn struct {
	ws     *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc
	origin string
	user   *userRec  // nil: anonymous
	token  *tokenRec // nil: anonymous

	// Guarded by Server.mu.
	channels []*streamChannel
	subs     map[string]int // note id -> subNote count

	qmu   sync.Mutex
	queue [][]byte
	dead  bool
	wake  chan struct{} // capacity 1
	once  sync.Once
}

type streamChannel struct {
	id, name                            string
	withRenotes, withFiles, withReplies bool
	tags                                [][]string // hashtag: any group whose tags all match
	disabled                            bool       // the policies did not allow its timeline when connected
}

type streamMsg struct {
	Type string `json:"type"`
	Body any    `json:"body"`
}

type streamChannelMsg struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Body any    `json:"body"`
}

func encodeStream(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("misskeytest: encoding a stream message: %v", err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// StreamUpgrades counts the requests to /streaming since the server
// started, refused ones (401, 503) included.
func (s *Server) StreamUpgrades() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streams.upgrades
}

// OpenStreams counts the streaming sockets open now.
func (s *Server) OpenStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.streams.conns)
}

// RefuseStreams makes every later upgrade on /streaming fail with HTTP 503
// (true) until it is set back (false). Sockets already open stay open.
func (s *Server) RefuseStreams(refuse bool) {
	s.mu.Lock()
	s.streams.refuse = refuse
	s.mu.Unlock()
}

// DropStreams closes every open streaming socket abruptly, without a close
// frame, as a network cut would. OpenStreams is 0 when it returns.
func (s *Server) DropStreams() {
	s.mu.Lock()
	conns := make([]*streamConn, 0, len(s.streams.conns))
	for c := range s.streams.conns {
		conns = append(conns, c)
	}
	clear(s.streams.conns)
	s.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
}

// React makes u react to the note noteID with reaction, with the effects of
// notes/reactions/create: the reaction is normalized (":name:" of a
// custom emoji the fake has stays, see AddEmoji), replaces an earlier
// different reaction of u, counts, notifies the author (unless u is the
// author) and reaches subNote subscribers as noteUpdated "reacted" (after
// "unreacted" for a replaced one). It fails for an unknown user or note, a
// note u cannot see, a pure renote, or the same reaction twice.
func (s *Server) React(u *User, noteID, reaction string) error {
	if u == nil {
		return errors.New("misskeytest: React: nil user")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.st.byID[u.ID]
	if rec == nil {
		return fmt.Errorf("misskeytest: React: unknown user %q", u.Username)
	}
	n := s.st.noteByID[noteID]
	if n == nil || !s.st.canSee(n, rec) {
		return fmt.Errorf("misskeytest: React: no such note %q (NO_SUCH_NOTE)", noteID)
	}
	if isPureRenote(n) {
		return fmt.Errorf("misskeytest: React: %s is a pure renote (CANNOT_REACT_TO_RENOTE)", noteID)
	}
	if !s.st.react(rec, n, reaction) {
		return fmt.Errorf("misskeytest: React: %s already reacted to %s with that reaction (ALREADY_REACTED)", u.Username, noteID)
	}
	return nil
}

// streamToken finds the token of a streaming request as the real server
// does: an Authorization Bearer header, else the "i" query parameter
// (present, even empty). ok is false when there is neither.
func streamToken(r *http.Request) (token string, ok bool) {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t, true
	}
	q := r.URL.Query()
	if _, ok := q["i"]; ok {
		return q.Get("i"), true
	}
	return "", false
}

// serveStreaming serves GET /streaming.
func (s *Server) serveStreaming(w http.ResponseWriter, r *http.Request) {
	tokStr, hasTok := streamToken(r)
	s.mu.Lock()
	s.streams.upgrades++
	refuse := s.streams.refuse
	var tok *tokenRec
	if hasTok {
		tok = s.st.tokens[tokStr]
	}
	interval := s.StreamPingInterval
	s.mu.Unlock()
	if refuse {
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	if hasTok && (tok == nil || !tok.has("read:account")) {
		// The real server writes this bare answer on the socket and
		// destroys it.
		w.Header().Set("WWW-Authenticate", errAuthFailed.wwwAuth)
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept has answered.
	}
	ws.SetReadLimit(maxStreamFrame)
	ctx, cancel := context.WithCancel(context.Background())
	c := &streamConn{
		ws: ws, ctx: ctx, cancel: cancel, origin: origin(r),
		subs: map[string]int{}, wake: make(chan struct{}, 1),
	}
	if tok != nil {
		c.token, c.user = tok, tok.user
	}
	s.mu.Lock()
	s.streams.conns[c] = struct{}{}
	s.mu.Unlock()
	select {
	case <-s.closed:
		// Close ran while this socket was being accepted.
		s.dropStream(c)
		return
	default:
	}
	s.goTracked(func() { c.writeLoop(s) })
	if interval > 0 {
		s.goTracked(func() { c.pingLoop(s, interval) })
	}
	c.readLoop(s)
	s.dropStream(c)
}

// dropStream forgets c and closes it abruptly.
func (s *Server) dropStream(c *streamConn) {
	s.mu.Lock()
	delete(s.streams.conns, c)
	s.mu.Unlock()
	c.kill()
}

// kill closes c without a close frame. It is safe to call more than once.
func (c *streamConn) kill() {
	c.once.Do(func() {
		c.qmu.Lock()
		c.dead = true
		c.queue = nil
		c.qmu.Unlock()
		c.cancel()
		_ = c.ws.CloseNow()
	})
}

// enqueue queues msg for c's writer. It reports false when c is dead or its
// queue is full (the caller then drops it).
func (c *streamConn) enqueue(msg []byte) bool {
	c.qmu.Lock()
	if c.dead || len(c.queue) >= maxStreamQueue {
		c.qmu.Unlock()
		return false
	}
	c.queue = append(c.queue, msg)
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

func (c *streamConn) writeLoop(s *Server) {
	for {
		select {
		case <-c.wake:
		case <-c.ctx.Done():
			return
		}
		for {
			c.qmu.Lock()
			batch := c.queue
			c.queue = nil
			c.qmu.Unlock()
			if len(batch) == 0 {
				break
			}
			for _, msg := range batch {
				if err := c.ws.Write(c.ctx, websocket.MessageText, msg); err != nil {
					s.dropStream(c)
					return
				}
			}
		}
	}
}

// pingLoop pings every interval and drops c when a ping is not answered
// within twice the interval.
func (c *streamConn) pingLoop(s *Server, interval time.Duration) {
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-c.ctx.Done():
			return
		}
		ctx, cancel := context.WithTimeout(c.ctx, 2*interval)
		err := c.ws.Ping(ctx)
		cancel()
		if err != nil {
			s.dropStream(c)
			return
		}
		t.Reset(interval)
	}
}

func (c *streamConn) readLoop(s *Server) {
	for {
		_, data, err := c.ws.Read(c.ctx)
		if err != nil {
			return
		}
		var m struct {
			Type string         `json:"type"`
			Body map[string]any `json:"body"`
		}
		if json.Unmarshal(data, &m) != nil {
			continue // "ping", "h", garbage: no answer
		}
		s.mu.Lock()
		c.handle(s.streams, m.Type, m.Body)
		s.mu.Unlock()
	}
}

// handle runs one client message, with Server.mu held.
func (c *streamConn) handle(h *streamHub, typ string, body map[string]any) {
	id, _ := body["id"].(string)
	switch typ {
	case "connect":
		name, _ := body["channel"].(string)
		params, _ := body["params"].(map[string]any)
		if params == nil && body["params"] != nil {
			return
		}
		if c.connect(h.s.st, name, id, params) && truthy(body["pong"]) {
			h.send(c, streamMsg{Type: "connected", Body: map[string]any{"id": id}})
		}
	case "disconnect":
		c.channels = slices.DeleteFunc(c.channels, func(ch *streamChannel) bool { return ch.id == id })
	case "subNote", "s", "sr":
		if id != "" {
			c.subs[id]++
		}
	case "unsubNote", "un":
		if c.subs[id] > 0 {
			c.subs[id]--
			if c.subs[id] == 0 {
				delete(c.subs, id)
			}
		}
	case "readNotification":
		if c.user != nil {
			h.s.st.readAll(c.user, false)
		}
	}
}

// connect opens a channel as the real Connection.connectChannel does,
// and reports whether it was accepted; refusals are silent.
func (c *streamConn) connect(st *state, name, id string, params map[string]any) bool {
	spec, ok := streamChannelSpecs[name]
	if !ok || id == "" {
		return false
	}
	if spec.requireCredential && c.user == nil {
		return false
	}
	if c.token != nil && !c.token.native && ((spec.kind != "" && !c.token.has(spec.kind)) || (spec.kind == "" && spec.requireCredential)) {
		return false
	}
	if len(c.channels) >= maxStreamChannels {
		return false
	}
	for _, ch := range c.channels {
		if ch.id == id || (spec.shared && ch.name == name) {
			return false
		}
	}
	ch := &streamChannel{
		id: id, name: name,
		withRenotes: truthyOr(params, "withRenotes", true),
		withFiles:   truthyOr(params, "withFiles", false),
		withReplies: truthyOr(params, "withReplies", false),
		disabled:    !st.channelAllowed(name),
	}
	if name == "hashtag" {
		groups, _ := params["q"].([]any)
		for _, g := range groups {
			tags, _ := g.([]any)
			var group []string
			for _, t := range tags {
				s, ok := t.(string)
				if !ok {
					return false
				}
				group = append(group, strings.ToLower(s))
			}
			if len(group) == 0 {
				return false
			}
			ch.tags = append(ch.tags, group)
		}
		if len(ch.tags) == 0 {
			return false
		}
	}
	c.channels = append(c.channels, ch)
	return true
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	default:
		return true
	}
}

func truthyOr(m map[string]any, key string, def bool) bool {
	v, ok := m[key]
	if !ok || v == nil {
		return def
	}
	return truthy(v)
}

// send queues msg for c; a socket whose queue is full is dropped.
// Server.mu is held.
func (h *streamHub) send(c *streamConn, msg any) {
	if !c.enqueue(encodeStream(msg)) {
		if _, open := h.conns[c]; open {
			delete(h.conns, c)
			h.s.goTracked(c.kill)
		}
	}
}

func (h *streamHub) sendChannels(c *streamConn, name, typ string, body any) {
	for _, ch := range c.channels {
		if ch.name == name {
			h.send(c, streamMsg{Type: "channel", Body: streamChannelMsg{ID: ch.id, Type: typ, Body: body}})
		}
	}
}

func (h *streamHub) hasChannel(c *streamConn, name string) bool {
	return slices.ContainsFunc(c.channels, func(ch *streamChannel) bool { return ch.name == name })
}

func (h *streamHub) call(c *streamConn) *call {
	return &call{s: h.s, origin: c.origin, user: c.user, token: c.token}
}

var hashtagRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_])#([^\s#.,!?'"()\[\]{}<>「」（）、。:;]+)`)

// noteMatches reports whether channel ch of c receives n, following the
// real channel classes.
func (h *streamHub) noteMatches(c *streamConn, ch *streamChannel, n *noteRec) bool {
	st := h.s.st
	me := c.user
	if ch.disabled {
		return false
	}
	home := func() bool {
		return me != nil && (n.user == me || (me.following[n.user.id] && st.canSee(n, me)))
	}
	switch ch.name {
	case "homeTimeline":
		if !home() {
			return false
		}
	case "hybridTimeline":
		if !home() && n.visibility != "public" {
			return false
		}
	case "localTimeline", "globalTimeline":
		if n.visibility != "public" {
			return false
		}
	case "hashtag":
		if n.visibility != "public" {
			return false
		}
		tags := n.tags
		if !slices.ContainsFunc(ch.tags, func(group []string) bool {
			for _, t := range group {
				if !slices.Contains(tags, t) {
					return false
				}
			}
			return true
		}) {
			return false
		}
		return true
	default:
		return false
	}
	if ch.withFiles && len(n.fileIDs) == 0 {
		return false
	}
	if !ch.withRenotes && isPureRenote(n) {
		return false
	}
	if me != nil && !ch.withReplies && n.replyID != nil {
		// Replies unrelated to the viewer are left out: only replies to
		// the viewer, by the viewer, or of the author to themself pass.
		if p := st.noteByID[*n.replyID]; p != nil && p.user != me && n.user != me && p.user != n.user {
			return false
		}
	}
	return true
}

// noteCreated delivers a new note to the timeline channels that take
// it, packed as the real server streams notes (streamNote), with the
// viewer's myReaction on the renoted note of a pure renote. Server.mu is
// held.
func (h *streamHub) noteCreated(n *noteRec) {
	if h == nil || len(h.conns) == 0 {
		return
	}
	st := h.s.st
	packed := map[string]map[string]any{} // by origin
	for c := range h.conns {
		var body map[string]any
		for _, ch := range c.channels {
			if !h.noteMatches(c, ch, n) {
				continue
			}
			if body == nil {
				body = packed[c.origin]
				if body == nil {
					body = h.call(c).streamNote(n)
					packed[c.origin] = body
				}
				if inner, _ := body["renote"].(map[string]any); c.user != nil && isPureRenote(n) && inner != nil {
					if p := st.noteByID[*n.renoteID]; p != nil && len(inner["reactions"].(map[string]any)) > 0 {
						inner = maps.Clone(inner)
						delete(inner, "myReaction")
						if r, ok := p.reactedBy[c.user.id]; ok {
							inner["myReaction"] = decodeReaction(r)
						}
						body = maps.Clone(body)
						body["renote"] = inner
					}
				}
			}
			h.send(c, streamMsg{Type: "channel", Body: streamChannelMsg{ID: ch.id, Type: "note", Body: body}})
		}
	}
}

// mainEvent sends an event to the main channels of u: body(call) is its
// body, packed for the socket; nil sends none. Server.mu is held.
func (h *streamHub) mainEvent(u *userRec, typ string, body func(*call) any) {
	if h == nil || len(h.conns) == 0 || u == nil {
		return
	}
	for c := range h.conns {
		if c.user != u || !h.hasChannel(c, "main") {
			continue
		}
		if body == nil {
			for _, ch := range c.channels {
				if ch.name == "main" {
					h.send(c, streamMsg{Type: "channel", Body: map[string]any{"id": ch.id, "type": typ}})
				}
			}
			continue
		}
		h.sendChannels(c, "main", typ, body(h.call(c)))
	}
}

// notified delivers a new notification to its user's main channels (and,
// for a follow, the "followed" and "follow" events). Server.mu is held.
func (h *streamHub) notified(nf *notifRec) {
	if h == nil || len(h.conns) == 0 {
		return
	}
	for c := range h.conns {
		if c.user == nil || !h.hasChannel(c, "main") {
			continue
		}
		if nf.typ == "follow" && nf.from != nil {
			switch c.user {
			case nf.from:
				h.sendChannels(c, "main", "follow", h.call(c).userDetailed(nf.to))
			case nf.to:
				h.sendChannels(c, "main", "followed", h.call(c).userLite(nf.from))
			}
		}
		if c.user == nf.to {
			if p := h.call(c).notification(nf); p != nil {
				h.sendChannels(c, "main", "notification", p)
			}
		}
	}
}

// noteUpdated sends a noteUpdated message {id, type, body} to every
// socket subscribed to n (subNote): as on the real server, whether the
// socket's user may see n is not checked. body(origin) is the body for a
// socket that connected to origin. Server.mu is held.
func (h *streamHub) noteUpdated(n *noteRec, typ string, body func(origin string) any) {
	if h == nil || len(h.conns) == 0 {
		return
	}
	for c := range h.conns {
		if c.subs[n.id] > 0 {
			h.send(c, streamMsg{Type: "noteUpdated", Body: streamChannelMsg{ID: n.id, Type: typ, Body: body(c.origin)}})
		}
	}
}
