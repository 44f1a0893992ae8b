package misskey

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDialer is an in-memory Dialer: the test opens, feeds and drops its sockets.
type fakeDialer struct {
	mu    sync.Mutex
	socks []*fakeSocket
	dials chan *fakeSocket
}

type fakeSocket struct {
	url    string
	ev     SocketEvents
	mu     sync.Mutex
	sent   []string
	closed bool
}

func newFakeDialer() *fakeDialer { return &fakeDialer{dials: make(chan *fakeSocket, 100)} }

func (d *fakeDialer) Dial(url string, ev SocketEvents) (Socket, error) {
	s := &fakeSocket{url: url, ev: ev}
	d.mu.Lock()
	d.socks = append(d.socks, s)
	d.mu.Unlock()
	d.dials <- s
	return s, nil
}

func (s *fakeSocket) Send(text string) error {
	s.mu.Lock()
	s.sent = append(s.sent, text)
	s.mu.Unlock()
	return nil
}

func (s *fakeSocket) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
}

func (s *fakeSocket) frames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

func (d *fakeDialer) next(t *testing.T, within time.Duration) *fakeSocket {
	t.Helper()
	select {
	case s := <-d.dials:
		return s
	case <-time.After(within):
		t.Fatalf("no dial within %v", within)
		return nil
	}
}

// recorder collects a stream's news.
type recorder struct {
	mu     sync.Mutex
	states []StreamState
	msgs   []string
	errs   []error
	ch     chan string
}

func newRecorder() *recorder { return &recorder{ch: make(chan string, 10000)} }

func (r *recorder) handler() StreamHandler {
	return StreamHandler{
		State: func(s StreamState) {
			r.mu.Lock()
			r.states = append(r.states, s)
			r.mu.Unlock()
			r.ch <- "state:" + string(s)
		},
		Channel: func(id, typ string, body []byte) {
			m := id + "/" + typ + "/" + string(body)
			r.mu.Lock()
			r.msgs = append(r.msgs, m)
			r.mu.Unlock()
			r.ch <- "msg:" + m
		},
		Message: func(typ string, body []byte) { r.ch <- "top:" + typ + "/" + string(body) },
		Error: func(err error) {
			r.mu.Lock()
			r.errs = append(r.errs, err)
			r.mu.Unlock()
			r.ch <- "err:" + err.(*Error).Code
		},
	}
}

func (r *recorder) want(t *testing.T, event string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-r.ch:
			if e == event {
				return
			}
		case <-timeout:
			t.Fatalf("no %q", event)
		}
	}
}

// waitFor polls cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited for %s", what)
}

type transportFunc func(req *Request) (*Response, error)

func (f transportFunc) Do(req *Request) (*Response, error) { return f(req) }

func TestStreamURL(t *testing.T) {
	for _, tc := range []struct{ origin, token, want string }{
		{"https://misskey.example", "", "wss://misskey.example/streaming"},
		{"https://misskey.example:8443", "a b&c", "wss://misskey.example:8443/streaming?i=a+b%26c"},
		{"http://127.0.0.1:3000", "tok", "ws://127.0.0.1:3000/streaming?i=tok"},
	} {
		if got := StreamURL(tc.origin, tc.token); got != tc.want {
			t.Errorf("StreamURL(%q, %q) = %q, want %q", tc.origin, tc.token, got, tc.want)
		}
	}
}

func TestStreamProtocolAndReconnect(t *testing.T) {
	d := newFakeDialer()
	rec := newRecorder()
	c := &Client{Origin: "https://misskey.example", Token: "tok"}
	s, err := c.Stream(StreamOptions{Dialer: d, MinBackoff: 40 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Keepalive: -1}, rec.handler())
	if err != nil {
		t.Fatal(err)
	}
	home, _ := s.Connect("homeTimeline", nil)
	local, _ := s.Connect("localTimeline", []byte(`{"withFiles":true}`))
	if _, err := s.Connect("bad channel", nil); err == nil {
		t.Error("a bad channel name was taken")
	}
	if _, err := s.Connect("main", []byte(`[1]`)); err == nil {
		t.Error("params that are not an object were taken")
	}
	sock := d.next(t, time.Second)
	if sock.url != "wss://misskey.example/streaming?i=tok" {
		t.Errorf("url %q", sock.url)
	}
	rec.want(t, "state:connecting")
	sock.ev.Opened()
	rec.want(t, "state:open")
	waitFor(t, "connects", func() bool { return len(sock.frames()) == 2 })
	want := []string{
		`{"type":"connect","body":{"channel":"homeTimeline","id":"` + home + `","params":{},"pong":true}}`,
		`{"type":"connect","body":{"channel":"localTimeline","id":"` + local + `","params":{"withFiles":true},"pong":true}}`,
	}
	if got := sock.frames(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sent\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := s.SubNote("9abc"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "subNote", func() bool { return len(sock.frames()) == 3 })

	// Messages in order; unknown channel ids and malformed frames do not stop it.
	sock.ev.Message(`{"type":"channel","body":{"id":"` + home + `","type":"note","body":{"id":"n1"}}}`)
	sock.ev.Message(`{"type":"channel","body":{"id":"nobody","type":"note","body":{}}}`)
	sock.ev.Message(`not json`)
	sock.ev.Message(`{"type":"channel","body":{"type":"note"}}`)
	sock.ev.Message(`{"type":"noteUpdated","body":{"id":"9abc","type":"reacted","body":{"reaction":"👍"}}}`)
	rec.want(t, `msg:`+home+`/note/{"id":"n1"}`)
	rec.want(t, "err:INVALID_RESPONSE")
	rec.want(t, "err:INVALID_RESPONSE")
	rec.want(t, `top:noteUpdated/{"id":"9abc","type":"reacted","body":{"reaction":"👍"}}`)

	// A drop: reconnect after a backoff, re-send every open channel with its id.
	s.Disconnect(local)
	waitFor(t, "disconnect", func() bool { return len(sock.frames()) == 4 })
	if f := sock.frames()[3]; f != `{"type":"disconnect","body":{"id":"`+local+`"}}` {
		t.Errorf("disconnect frame %s", f)
	}
	start := time.Now()
	sock.ev.Closed(true)
	rec.want(t, "state:reconnecting")
	sock2 := d.next(t, time.Second)
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("first retry after %v", d)
	}
	// Events of the old socket are ignored.
	sock.ev.Message(`{"type":"channel","body":{"id":"` + home + `","type":"note","body":{"id":"stale"}}}`)
	sock2.ev.Opened()
	rec.want(t, "state:open")
	waitFor(t, "re-sent connects", func() bool { return len(sock2.frames()) == 2 })
	if got := sock2.frames(); got[0] != want[0] || got[1] != `{"type":"subNote","body":{"id":"9abc"}}` {
		t.Errorf("after reconnect sent %q", got)
	}
	sock2.ev.Message(`{"type":"channel","body":{"id":"` + home + `","type":"note","body":{"id":"n2"}}}`)
	rec.want(t, `msg:`+home+`/note/{"id":"n2"}`)
	rec.mu.Lock()
	for _, m := range rec.msgs {
		if strings.Contains(m, "stale") {
			t.Error("a message of the old socket was delivered")
		}
	}
	rec.mu.Unlock()

	// Close: the socket is closed, the state is closed, nothing more is dialled.
	s.Close()
	rec.want(t, "state:closed")
	waitFor(t, "socket closed", func() bool { sock2.mu.Lock(); defer sock2.mu.Unlock(); return sock2.closed })
	sock2.ev.Closed(true)
	time.Sleep(300 * time.Millisecond)
	if n := len(d.dials); n != 0 {
		t.Errorf("%d dials after Close", n)
	}
	if _, err := s.Connect("main", nil); err == nil {
		t.Error("Connect after Close worked")
	}
}

// Backoff grows, with jitter, up to the cap; the count of attempts is bounded.
func TestStreamBackoff(t *testing.T) {
	s := &Stream{opts: StreamOptions{MinBackoff: time.Second, MaxBackoff: 30 * time.Second}}
	for i, bound := range []time.Duration{1, 2, 4, 8, 16, 30, 30, 30} {
		s.failures = i
		for range 50 {
			d := s.backoff()
			if d < bound*time.Second/2 || d > bound*time.Second {
				t.Fatalf("failure %d: delay %v outside [%v, %v]", i, d, bound*time.Second/2, bound*time.Second)
			}
		}
	}
}

// A refused upgrade with a bad token ends the stream with the REST API's
// error, after one probe; a network failure keeps retrying.
func TestStreamRefusedToken(t *testing.T) {
	d := newFakeDialer()
	rec := newRecorder()
	var mu sync.Mutex
	status := 401
	probes := 0
	c := &Client{Origin: "https://misskey.example", Token: "revoked", Transport: transportFunc(func(req *Request) (*Response, error) {
		mu.Lock()
		defer mu.Unlock()
		probes++
		if status == 0 {
			return nil, context.DeadlineExceeded
		}
		return &Response{Status: status, Header: map[string]string{"content-type": "application/json"},
			Body: []byte(`{"error":{"message":"Authentication failed.","code":"AUTHENTICATION_FAILED","id":"b0a7f5f8-dc2f-4171-b91f-de88ad238e14","kind":"client"}}`)}, nil
	})}
	mu.Lock()
	status = 0 // first: the network is down
	mu.Unlock()
	s, _ := c.Stream(StreamOptions{Dialer: d, MinBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Keepalive: -1}, rec.handler())
	s.Connect("main", nil)
	d.next(t, time.Second).ev.Closed(false)
	sock := d.next(t, 2*time.Second) // retried
	mu.Lock()
	status = 401 // now the server answers: the token is bad
	mu.Unlock()
	sock.ev.Closed(false)
	rec.want(t, "err:AUTHENTICATION_FAILED")
	rec.want(t, "state:closed")
	time.Sleep(200 * time.Millisecond)
	if n := len(d.dials); n != 0 {
		t.Errorf("%d more dials after the token was refused", n)
	}
	mu.Lock()
	if probes != 2 {
		t.Errorf("%d probes, want 2", probes)
	}
	mu.Unlock()
	if s.State() != StateClosed {
		t.Errorf("state %s", s.State())
	}
}

func TestStreamReconnectNow(t *testing.T) {
	d := newFakeDialer()
	rec := newRecorder()
	c := &Client{Origin: "https://misskey.example"}
	s, _ := c.Stream(StreamOptions{Dialer: d, MinBackoff: time.Hour, MaxBackoff: time.Hour, Keepalive: -1}, rec.handler())
	sock := d.next(t, time.Second)
	sock.ev.Opened()
	rec.want(t, "state:open")
	sock.ev.Closed(true)
	rec.want(t, "state:reconnecting")
	s.Reconnect() // the page came back online: no hour-long wait
	d.next(t, time.Second)
	s.Close()
}

func TestStreamKeepalive(t *testing.T) {
	d := newFakeDialer()
	rec := newRecorder()
	c := &Client{Origin: "https://misskey.example"}
	s, _ := c.Stream(StreamOptions{Dialer: d, Keepalive: 30 * time.Millisecond}, rec.handler())
	sock := d.next(t, time.Second)
	sock.ev.Opened()
	waitFor(t, "keepalive frames", func() bool {
		n := 0
		for _, f := range sock.frames() {
			if f == "h" {
				n++
			}
		}
		return n >= 2
	})
	s.Close()
	rec.want(t, "state:closed")
	n := len(sock.frames())
	time.Sleep(100 * time.Millisecond)
	if len(sock.frames()) != n {
		t.Error("keepalive went on after Close")
	}
}

func FuzzParseFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"channel","body":{"id":"ch1","type":"note","body":{"id":"x"}}}`,
		`{"type":"noteUpdated","body":{"id":"x","type":"reacted","body":{}}}`,
		`{"type":"channel","body":{"id":1}}`, `{"type":""}`, `[]`, `h`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		f, err := parseFrame(b)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Code != CodeInvalidResponse {
				t.Fatalf("parseFrame(%q): %v", b, err)
			}
			return
		}
		if f.typ == "" || !validJSON(f.body) || (f.typ == "channel" && (f.id == "" || f.ctype == "")) {
			t.Fatalf("parseFrame(%q) = %+v", b, f)
		}
	})
}

type failingDialer struct{}

func (failingDialer) Dial(string, SocketEvents) (Socket, error) {
	return nil, &Error{Code: CodeNetworkError, Message: "this environment has no WebSocket"}
}

// A dialer that cannot try ends the stream at once, with its error.
func TestStreamDialError(t *testing.T) {
	rec := newRecorder()
	c := &Client{Origin: "https://misskey.example"}
	s, _ := c.Stream(StreamOptions{Dialer: failingDialer{}, Keepalive: -1}, rec.handler())
	rec.want(t, "err:NETWORK_ERROR")
	rec.want(t, "state:closed")
	if s.State() != StateClosed {
		t.Errorf("state %s", s.State())
	}
}

// A socket that never opens is given up on after OpenTimeout, then retried.
func TestStreamOpenTimeout(t *testing.T) {
	d := newFakeDialer()
	rec := newRecorder()
	c := &Client{Origin: "https://misskey.example"}
	s, _ := c.Stream(StreamOptions{Dialer: d, OpenTimeout: 50 * time.Millisecond, MinBackoff: 20 * time.Millisecond, Keepalive: -1}, rec.handler())
	first := d.next(t, time.Second) // never opens
	rec.want(t, "state:reconnecting")
	waitFor(t, "the stuck socket closed", func() bool { first.mu.Lock(); defer first.mu.Unlock(); return first.closed })
	second := d.next(t, time.Second)
	second.ev.Opened()
	rec.want(t, "state:open")
	first.ev.Opened() // too late: ignored
	s.Close()
	rec.want(t, "state:closed")
}

// Misskey ignores a second connect of a channel it shares per socket
// ("main"): the stream connects it once, gives each Connect its own id, and
// disconnects it when the last id is.
func TestStreamSharedChannels(t *testing.T) {
	d := newFakeDialer()
	rec := newRecorder()
	c := &Client{Origin: "https://misskey.example", Token: "t"}
	s, _ := c.Stream(StreamOptions{Dialer: d, Keepalive: -1}, rec.handler())
	defer s.Close()
	a, _ := s.Connect("main", nil)
	b, _ := s.Connect("main", nil)
	tl1, _ := s.Connect("homeTimeline", nil)
	tl2, _ := s.Connect("homeTimeline", nil) // not shared: two connections
	sock := d.next(t, time.Second)
	sock.ev.Opened()
	rec.want(t, "state:open")
	count := func(substr string) int {
		n := 0
		for _, f := range sock.frames() {
			if strings.Contains(f, substr) {
				n++
			}
		}
		return n
	}
	waitFor(t, "the connects", func() bool { return count(`"type":"connect"`) == 3 })
	if count(`"channel":"main"`) != 1 || count(`"channel":"homeTimeline"`) != 2 {
		t.Fatalf("connect frames %v", sock.frames())
	}
	// The server confirms the one main connection: both ids hear it.
	sock.ev.Message(`{"type":"connected","body":{"id":"` + a + `"}}`)
	rec.want(t, `top:connected/{"id":"`+a+`"}`)
	rec.want(t, `top:connected/{"id":"`+b+`"}`)
	// A message on main reaches both ids.
	sock.ev.Message(`{"type":"channel","body":{"id":"` + a + `","type":"notification","body":{"n":1}}}`)
	rec.want(t, "msg:"+a+`/notification/{"n":1}`)
	rec.want(t, "msg:"+b+`/notification/{"n":1}`)
	// A third main joins the confirmed connection and is told at once.
	c3, _ := s.Connect("main", nil)
	rec.want(t, `top:connected/{"id":"`+c3+`"}`)
	s.Disconnect(a)
	s.Disconnect(c3)
	sock.ev.Message(`{"type":"channel","body":{"id":"` + a + `","type":"notification","body":{"n":2}}}`)
	rec.want(t, "msg:"+b+`/notification/{"n":2}`)
	if count(`"type":"disconnect"`) != 0 {
		t.Fatal("main was disconnected while an id still used it")
	}
	s.Disconnect(b)
	waitFor(t, "main's disconnect", func() bool { return count(`"type":"disconnect","body":{"id":"`+a+`"}`) == 1 })
	s.Disconnect(tl1)
	waitFor(t, "a timeline's disconnect", func() bool { return count(`"type":"disconnect"`) == 2 })
	// After a reconnect, only what is still connected is sent again, once.
	sock.ev.Closed(true)
	sock2 := d.next(t, 3*time.Second)
	sock2.ev.Opened()
	waitFor(t, "the reconnect's connects", func() bool { return len(sock2.frames()) > 0 })
	time.Sleep(50 * time.Millisecond)
	if f := sock2.frames(); len(f) != 1 || !strings.Contains(f[0], `"id":"`+tl2+`"`) {
		t.Errorf("after the reconnect: %v", f)
	}
}
