//go:build !js

package misskeytest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient is a streaming client whose messages are read by a goroutine
// (so that pings are answered and waiting never kills the socket).
type wsClient struct {
	t    *testing.T
	c    *websocket.Conn
	msgs chan map[string]any
	err  chan error // the read error, once
}

func streamURL(s *Server, query string) string {
	u := "ws://" + s.Addr + "/streaming"
	if query != "" {
		u += "?" + query
	}
	return u
}

// dialRaw dials /streaming and returns the socket, the HTTP answer and the
// error.
func dialRaw(t *testing.T, rawURL string, header http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, rawURL, &websocket.DialOptions{HTTPHeader: header})
	if c != nil {
		t.Cleanup(func() { c.CloseNow() })
	}
	return c, res, err
}

// dialStream opens a streaming socket with token ("" for none) in ?i=.
func dialStream(t *testing.T, s *Server, token string) *wsClient {
	t.Helper()
	q := ""
	if token != "" {
		q = "i=" + url.QueryEscape(token)
	}
	c, _, err := dialRaw(t, streamURL(s, q), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return startClient(t, c)
}

func startClient(t *testing.T, c *websocket.Conn) *wsClient {
	w := &wsClient{t: t, c: c, msgs: make(chan map[string]any, 100000), err: make(chan error, 1)}
	go func() {
		for {
			typ, b, err := c.Read(context.Background())
			if err != nil {
				w.err <- err
				close(w.msgs)
				return
			}
			var m map[string]any
			if typ != websocket.MessageText || json.Unmarshal(b, &m) != nil {
				m = map[string]any{"type": "<invalid>", "body": string(b)}
			}
			w.msgs <- m
		}
	}()
	return w
}

func (w *wsClient) send(v any) {
	w.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		w.t.Fatal(err)
	}
	w.sendRaw(websocket.MessageText, b)
}

func (w *wsClient) sendRaw(typ websocket.MessageType, b []byte) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, typ, b); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

func (w *wsClient) connect(channel, id string, params map[string]any, pong bool) {
	w.t.Helper()
	body := map[string]any{"channel": channel, "id": id}
	if params != nil {
		body["params"] = params
	}
	if pong {
		body["pong"] = true
	}
	w.send(map[string]any{"type": "connect", "body": body})
}

// next returns the next message, failing after a timeout.
func (w *wsClient) next() map[string]any {
	w.t.Helper()
	select {
	case m, ok := <-w.msgs:
		if !ok {
			w.t.Fatalf("socket closed: %v", <-w.err)
		}
		return m
	case <-time.After(5 * time.Second):
		w.t.Fatal("no message within 5s")
	}
	return nil
}

// barrier connects a throwaway channel (that receives nothing) with pong
// and checks that the "connected" answer is the next message: since the
// server handles one socket's frames in order and keeps the order of its
// messages, every earlier frame has been handled and nothing else was
// pending.
func (w *wsClient) barrier(id string) {
	w.t.Helper()
	w.connect("hashtag", id, map[string]any{"q": [][]string{{"misskeytest-barrier"}}}, true)
	wantConnected(w.t, w.next(), id)
	w.send(map[string]any{"type": "disconnect", "body": map[string]any{"id": id}})
}

func wantConnected(t *testing.T, m map[string]any, id string) {
	t.Helper()
	if m["type"] != "connected" || body(m)["id"] != id {
		t.Fatalf("got %v, want connected %s", m, id)
	}
}

func body(m map[string]any) map[string]any {
	b, _ := m["body"].(map[string]any)
	return b
}

// wantChannel checks a channel message and returns its inner body.
func wantChannel(t *testing.T, m map[string]any, id, typ string) map[string]any {
	t.Helper()
	b := body(m)
	if m["type"] != "channel" || b["id"] != id || b["type"] != typ {
		t.Fatalf("got %v, want channel %s %s", m, id, typ)
	}
	inner, _ := b["body"].(map[string]any)
	if inner == nil {
		t.Fatalf("no body in %v", m)
	}
	return inner
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestStreamHomeTimeline(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	tok := s.IssueToken(alice, "read:account", "write:notes")
	w := dialStream(t, s, tok)
	w.connect("homeTimeline", "h1", nil, true)
	wantConnected(t, w.next(), "h1")
	if n := s.OpenStreams(); n != 1 {
		t.Errorf("OpenStreams = %d, want 1", n)
	}

	r := ok(t, s, "notes/create", tok, map[string]any{"text": "hello stream"})
	created := r.json(t)["createdNote"].(map[string]any)
	note := wantChannel(t, w.next(), "h1", "note")
	if note["id"] != created["id"] || note["text"] != "hello stream" || note["userId"] != alice.ID {
		t.Errorf("note %v, want %v", note, created)
	}
	// Streamed notes are packed once, for no viewer, with the pair cache.
	if pc, ok := note["reactionAndUserPairCache"].([]any); !ok || len(pc) != 0 {
		t.Errorf("reactionAndUserPairCache %v, want []", note["reactionAndUserPairCache"])
	}
	if _, ok := note["myReaction"]; ok {
		t.Errorf("streamed note has myReaction: %v", note)
	}

	// Bob is not followed: nothing. Once followed, his notes arrive.
	s.PostNote(bob, "not followed yet")
	w.barrier("b1")
	s.Follow(alice, bob)
	id := s.PostNote(bob, "followed now")
	if n := wantChannel(t, w.next(), "h1", "note"); n["id"] != id {
		t.Errorf("got note %v, want %s", n["id"], id)
	}
	// A followers-only note of bob's reaches alice; a specified note not
	// addressed to her does not.
	ok(t, s, "notes/create", bob.Token, map[string]any{"text": "for followers", "visibility": "followers"})
	if n := wantChannel(t, w.next(), "h1", "note"); n["text"] != "for followers" {
		t.Errorf("got %v", n)
	}
	ok(t, s, "notes/create", bob.Token, map[string]any{"text": "secret", "visibility": "specified"})
	w.barrier("b2")
}

func TestStreamAnonymous(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	w := dialStream(t, s, "")
	// Channels that need a user are refused silently.
	w.connect("homeTimeline", "h", nil, true)
	w.connect("main", "m", nil, true)
	w.connect("hybridTimeline", "y", nil, true)
	w.connect("localTimeline", "l", nil, true)
	wantConnected(t, w.next(), "l")
	w.connect("hashtag", "t", map[string]any{"q": [][]string{{"go"}}}, true)
	wantConnected(t, w.next(), "t")

	id := s.PostNote(alice, "public #Go note")
	if n := wantChannel(t, w.next(), "l", "note"); n["id"] != id || n["text"] != "public #Go note" {
		t.Errorf("got %v", n)
	}
	if n := wantChannel(t, w.next(), "t", "note"); n["id"] != id {
		t.Errorf("got %v", n)
	}
	if _, has := wantChannel(t, nextAfter(t, w, s, alice), "l", "note")["myReaction"]; has {
		t.Error("anonymous note has myReaction")
	}
	// A home-visibility note is on no public channel.
	ok(t, s, "notes/create", alice.Token, map[string]any{"text": "home only", "visibility": "home"})
	w.barrier("b")
}

// nextAfter posts a public note without hashtags and returns the next
// message.
func nextAfter(t *testing.T, w *wsClient, s *Server, u *User) map[string]any {
	t.Helper()
	s.PostNote(u, "plain")
	return w.next()
}

func TestStreamRefusedUpgrades(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	noRead := s.IssueToken(alice, "write:notes", "read:notifications")
	for _, tc := range []struct {
		name, query string
		header      http.Header
	}{
		{"unknown token", "i=nope", nil},
		{"empty i", "i=", nil},
		{"i=null", "i=null", nil},
		{"no read:account", "i=" + noRead, nil},
		{"bad bearer", "", http.Header{"Authorization": {"Bearer nope"}}},
		{"bearer wins over a good i", "i=" + alice.Token, http.Header{"Authorization": {"Bearer nope"}}},
	} {
		_, res, err := dialRaw(t, streamURL(s, tc.query), tc.header)
		if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: err %v, response %v; want 401", tc.name, err, res)
			continue
		}
		if h := res.Header.Get("WWW-Authenticate"); !strings.Contains(h, "invalid_token") {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, h)
		}
		if res.Header.Get("Upgrade") != "" {
			t.Errorf("%s: upgrade headers on a refusal", tc.name)
		}
	}
	if n := s.StreamUpgrades(); n != 6 {
		t.Errorf("StreamUpgrades = %d, want 6", n)
	}
	if n := s.OpenStreams(); n != 0 {
		t.Errorf("OpenStreams = %d, want 0", n)
	}

	// A Bearer header works too, and the request record has the tokens.
	s.ResetRequests()
	c, _, err := dialRaw(t, streamURL(s, ""), http.Header{"Authorization": {"Bearer " + alice.Token}})
	if err != nil {
		t.Fatal(err)
	}
	w := startClient(t, c)
	w.connect("main", "m", nil, true)
	wantConnected(t, w.next(), "m")
	_, _, _ = dialRaw(t, streamURL(s, "i="+noRead), nil)
	var got []string
	for _, r := range s.Requests() {
		if r.Path == "/streaming" {
			got = append(got, r.Token)
		}
	}
	if want := []string{alice.Token, noRead}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("recorded streaming tokens %q, want %q", got, want)
	}
}

func TestStreamRevokedToken(t *testing.T) {
	s := newTestServer(t)
	tok := s.IssueToken(s.User("alice"), "read:account")
	w := dialStream(t, s, tok)
	w.connect("main", "m", nil, true)
	wantConnected(t, w.next(), "m")
	s.RevokeToken(tok)
	_, res, err := dialRaw(t, streamURL(s, "i="+tok), nil)
	if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after RevokeToken: err %v, response %v; want 401", err, res)
	}
	if n := s.StreamUpgrades(); n != 2 {
		t.Errorf("StreamUpgrades = %d, want 2", n)
	}
}

func TestStreamChannelRules(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	// An app token with read:account may open main and homeTimeline.
	w := dialStream(t, s, s.IssueToken(alice, "read:account"))
	w.connect("main", "m", nil, true)
	wantConnected(t, w.next(), "m")
	w.connect("main", "m2", nil, true)         // main is shared: refused
	w.connect("homeTimeline", "m", nil, true)  // duplicate id: refused
	w.connect("nosuchChannel", "x", nil, true) // unknown: refused
	w.connect("userList", "u", nil, true)      // no lists in the fake
	w.connect("hashtag", "t", nil, true)       // no q: refused
	w.connect("localTimeline", "", nil, true)  // no id: refused
	w.connect("homeTimeline", "h", nil, false) // accepted, no answer
	for i := 0; i < 29; i++ {                  // 31 open after this
		w.connect("localTimeline", fmt.Sprint("l", i), nil, i == 28)
	}
	wantConnected(t, w.next(), "l28")
	w.connect("globalTimeline", "g32", nil, true)
	wantConnected(t, w.next(), "g32")
	w.connect("globalTimeline", "g33", nil, true) // the 33rd: refused
	w.send(map[string]any{"type": "disconnect", "body": map[string]any{"id": "g32"}})
	w.connect("globalTimeline", "g32b", nil, true)
	wantConnected(t, w.next(), "g32b")
}

func TestStreamDisconnect(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	w := dialStream(t, s, alice.Token)
	w.connect("localTimeline", "a", nil, false)
	w.barrier("connected")
	id := s.PostNote(alice, "one")
	if n := wantChannel(t, w.next(), "a", "note"); n["id"] != id {
		t.Errorf("got %v", n)
	}
	w.send(map[string]any{"type": "disconnect", "body": map[string]any{"id": "a"}})
	w.barrier("sync") // the disconnect has been handled
	s.PostNote(alice, "two")
	w.barrier("after")
}

func TestStreamNoteUpdated(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	id := s.PostNote(alice, "react to me")
	w := dialStream(t, s, alice.Token)
	w.send(map[string]any{"type": "subNote", "body": map[string]any{"id": id}})
	w.connect("main", "m", nil, true)
	wantConnected(t, w.next(), "m")

	if err := s.React(bob, id, "like"); err != nil {
		t.Fatal(err)
	}
	m := w.next()
	b := body(m)
	inner, _ := b["body"].(map[string]any)
	if m["type"] != "noteUpdated" || b["id"] != id || b["type"] != "reacted" ||
		inner["reaction"] != "👍" || inner["userId"] != bob.ID {
		t.Fatalf("got %v", m)
	}
	if e, present := inner["emoji"]; !present || e != nil {
		t.Errorf("emoji %v, want null", e)
	}
	nf := wantChannel(t, w.next(), "m", "notification")
	if nf["type"] != "reaction" || nf["reaction"] != "👍" || nf["userId"] != bob.ID {
		t.Errorf("notification %v", nf)
	}
	if err := s.React(bob, id, "👍"); err == nil {
		t.Error("second identical reaction: no error")
	}
	if err := s.React(bob, "nosuchnote", "👍"); err == nil {
		t.Error("unknown note: no error")
	}
	r := api(t, s, "notes/show", map[string]any{"noteId": id})
	if rs := r.json(t)["reactions"].(map[string]any); rs["👍"] != float64(1) {
		t.Errorf("reactions %v", rs)
	}

	ok(t, s, "notes/reactions/delete", bob.Token, map[string]any{"noteId": id})
	m = w.next()
	if b := body(m); m["type"] != "noteUpdated" || b["type"] != "unreacted" || b["body"].(map[string]any)["reaction"] != "👍" {
		t.Fatalf("got %v", m)
	}
	ok(t, s, "notes/delete", alice.Token, map[string]any{"noteId": id})
	m = w.next()
	if b := body(m); m["type"] != "noteUpdated" || b["id"] != id || b["type"] != "deleted" || b["body"].(map[string]any)["deletedAt"] == nil {
		t.Fatalf("got %v", m)
	}

	// unsubNote stops the updates.
	id2 := s.PostNote(alice, "second")
	w.send(map[string]any{"type": "subNote", "body": map[string]any{"id": id2}})
	w.send(map[string]any{"type": "unsubNote", "body": map[string]any{"id": id2}})
	w.barrier("sync")
	if err := s.React(alice, id2, "⭐"); err != nil {
		t.Fatal(err)
	}
	w.barrier("after")
}

func TestStreamMainEvents(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	w := dialStream(t, s, alice.Token)
	w.connect("main", "m", nil, true)
	wantConnected(t, w.next(), "m")

	// MiAuth approval: createToken.
	if _, err := s.Approve("session-1", alice, "App", []string{"read:account"}); err != nil {
		t.Fatal(err)
	}
	if nf := wantChannel(t, w.next(), "m", "notification"); nf["type"] != "createToken" {
		t.Errorf("notification %v", nf)
	}
	// A mention: the mention event, then the notification.
	id := s.PostNote(bob, "hello @alice")
	if n := wantChannel(t, w.next(), "m", "mention"); n["id"] != id {
		t.Errorf("mention %v", n)
	}
	if nf := wantChannel(t, w.next(), "m", "notification"); nf["type"] != "mention" || nf["note"].(map[string]any)["id"] != id {
		t.Errorf("notification %v", nf)
	}
	// A follow.
	s.Follow(bob, alice)
	if u := wantChannel(t, w.next(), "m", "followed"); u["id"] != bob.ID {
		t.Errorf("followed %v", u)
	}
	if nf := wantChannel(t, w.next(), "m", "notification"); nf["type"] != "follow" {
		t.Errorf("notification %v", nf)
	}
	// Following someone: the follow event; their notification is not ours.
	s.Follow(alice, bob)
	if u := wantChannel(t, w.next(), "m", "follow"); u["id"] != bob.ID {
		t.Errorf("follow %v", u)
	}
	w.barrier("end")
}

func TestStreamOrder(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	w := dialStream(t, s, alice.Token)
	w.connect("homeTimeline", "h", nil, false)
	w.connect("localTimeline", "l", nil, true)
	wantConnected(t, w.next(), "l")
	const n = 1000
	start := time.Now()
	for i := range n {
		s.PostNote(alice, fmt.Sprint("note ", i))
	}
	for i := range n {
		for _, ch := range []string{"h", "l"} {
			if got := wantChannel(t, w.next(), ch, "note")["text"]; got != fmt.Sprint("note ", i) {
				t.Fatalf("message %d on %s: %v", i, ch, got)
			}
		}
	}
	t.Logf("%d notes on 2 channels in %v", n, time.Since(start))
}

func TestStreamDropStreams(t *testing.T) {
	s := newTestServer(t)
	a := dialStream(t, s, s.User("alice").Token)
	b := dialStream(t, s, "")
	waitFor(t, "2 open streams", func() bool { return s.OpenStreams() == 2 })
	s.DropStreams()
	if n := s.OpenStreams(); n != 0 {
		t.Errorf("OpenStreams = %d after DropStreams", n)
	}
	for _, w := range []*wsClient{a, b} {
		select {
		case err := <-w.err:
			if st := websocket.CloseStatus(err); st != -1 {
				t.Errorf("close status %v, want none (abrupt close)", st)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("client read did not fail after DropStreams")
		}
	}
	// Reconnecting works.
	c := dialStream(t, s, "")
	c.barrier("x")
	if n := s.OpenStreams(); n != 1 {
		t.Errorf("OpenStreams = %d, want 1", n)
	}
	// Closing the client side is noticed.
	c.c.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "0 open streams", func() bool { return s.OpenStreams() == 0 })
}

func TestStreamRefuse(t *testing.T) {
	s := newTestServer(t)
	s.RefuseStreams(true)
	_, res, err := dialRaw(t, streamURL(s, ""), nil)
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err %v, response %v; want 503", err, res)
	}
	s.RefuseStreams(false)
	dialStream(t, s, "").barrier("ok")
	if n := s.StreamUpgrades(); n != 2 {
		t.Errorf("StreamUpgrades = %d, want 2", n)
	}
}

func TestStreamGarbage(t *testing.T) {
	s := newTestServer(t)
	w := dialStream(t, s, s.User("alice").Token)
	for _, f := range []string{"ping", "h", "{", "[]", "null", `"x"`, `{"type":"connect"}`,
		`{"type":"connect","body":"x"}`, `{"type":"connect","body":{"channel":1,"id":{}}}`,
		`{"type":"subNote","body":{}}`, `{"type":"nonsense","body":{"id":"x"}}`} {
		w.sendRaw(websocket.MessageText, []byte(f))
	}
	w.sendRaw(websocket.MessageBinary, []byte{0xff, 0, 1})
	w.barrier("still-open")
	if n := s.OpenStreams(); n != 1 {
		t.Errorf("OpenStreams = %d, want 1", n)
	}
}

func TestStreamPing(t *testing.T) {
	s := NewUnstartedServer()
	s.StreamPingInterval = 20 * time.Millisecond
	s.Start()
	t.Cleanup(s.Close)
	// A client that reads answers pings and stays.
	w := dialStream(t, s, "")
	// A client that never reads never answers, and is dropped.
	if _, _, err := dialRaw(t, streamURL(s, ""), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the silent socket to be dropped", func() bool { return s.OpenStreams() == 1 })
	time.Sleep(100 * time.Millisecond)
	w.barrier("alive")
	if n := s.OpenStreams(); n != 1 {
		t.Errorf("OpenStreams = %d, want 1", n)
	}
}

func TestStreamCloseServer(t *testing.T) {
	s := NewServer()
	w := dialStream(t, s, "")
	s.Close()
	select {
	case <-w.err:
	case <-time.After(5 * time.Second):
		t.Fatal("socket still open after Close")
	}
}

func TestStreamNoteEvents(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	carol := s.AddUser("carol", "Carol")
	s.Follow(alice, bob)
	root := s.PostNote(alice, "root")
	if err := s.React(alice, root, "⭐"); err != nil {
		t.Fatal(err)
	}
	w := dialStream(t, s, alice.Token)
	w.connect("main", "m", nil, false)
	w.connect("homeTimeline", "h", nil, true)
	wantConnected(t, w.next(), "h")

	// A reply to alice that mentions carol: "mention" to alice (the
	// author replied to is mentioned), then "reply", then one
	// notification of type reply.
	reply := s.PostNoteWith(bob, NoteOptions{Text: "hi @carol", ReplyID: root})
	n := wantChannel(t, w.next(), "h", "note")
	if n["id"] != reply || n["reply"].(map[string]any)["id"] != root {
		t.Errorf("home note %v", n)
	}
	if m := wantChannel(t, w.next(), "m", "mention"); m["id"] != reply {
		t.Errorf("mention %v", m)
	}
	if m := wantChannel(t, w.next(), "m", "reply"); m["id"] != reply {
		t.Errorf("reply %v", m)
	}
	if nf := wantChannel(t, w.next(), "m", "notification"); nf["type"] != "reply" {
		t.Errorf("notification %v", nf)
	}
	// A pure renote of alice's reacted note: the streamed renote carries
	// alice's myReaction; "renote" then the notification.
	rn := s.PostNoteWith(bob, NoteOptions{RenoteID: root})
	n = wantChannel(t, w.next(), "h", "note")
	if inner := n["renote"].(map[string]any); n["id"] != rn || inner["myReaction"] != "⭐" {
		t.Errorf("renote %v", n)
	}
	if _, has := n["reactionAndUserPairCache"]; !has {
		t.Errorf("no reactionAndUserPairCache in %v", n)
	}
	if m := wantChannel(t, w.next(), "m", "renote"); m["id"] != rn {
		t.Errorf("renote event %v", m)
	}
	if nf := wantChannel(t, w.next(), "m", "notification"); nf["type"] != "renote" {
		t.Errorf("notification %v", nf)
	}
	// A quote: also "renote", and a quote notification.
	q := s.PostNoteWith(bob, NoteOptions{Text: "quoting", RenoteID: root})
	wantChannel(t, w.next(), "h", "note")
	if m := wantChannel(t, w.next(), "m", "renote"); m["id"] != q {
		t.Errorf("renote event %v", m)
	}
	if nf := wantChannel(t, w.next(), "m", "notification"); nf["type"] != "quote" {
		t.Errorf("notification %v", nf)
	}
	// alice replying to herself: "reply" on her own main, no notification.
	self := s.PostNoteWith(alice, NoteOptions{Text: "me again", ReplyID: root})
	wantChannel(t, w.next(), "h", "note")
	if m := wantChannel(t, w.next(), "m", "reply"); m["id"] != self {
		t.Errorf("reply event %v", m)
	}
	w.barrier("end")

	// noteUpdated reaches every subscriber, whether it may see the note
	// or not, as on the real server.
	secret := s.PostNoteWith(alice, NoteOptions{Text: "secret", Visibility: "specified"})
	c := dialStream(t, s, carol.Token)
	c.send(map[string]any{"type": "subNote", "body": map[string]any{"id": secret}})
	c.barrier("sub")
	if err := s.React(alice, secret, "👍"); err != nil {
		t.Fatal(err)
	}
	if m := c.next(); m["type"] != "noteUpdated" || body(m)["type"] != "reacted" {
		t.Errorf("got %v", m)
	}
}
