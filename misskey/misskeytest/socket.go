package misskeytest

import (
	"sync"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// TestSocket holds a misskey.Dialer to the Socket contract, for every
// implementation (the native one, misskey/browser's): Close closes the
// socket, and no SocketEvents follow. openURL must be a streaming URL that
// opens (a fake's, say); hangURL one whose server takes the connection and
// never answers the upgrade. It builds for js/wasm too, so that a browser
// Dialer's test under Node can use it.
func TestSocket(t testing.TB, d misskey.Dialer, openURL, hangURL string) {
	t.Helper()
	// Closed while still opening: no event at all, ever.
	ev := &socketRecorder{}
	s, err := d.Dial(hangURL, ev)
	if err != nil {
		t.Fatalf("Dial(%s): %v", hangURL, err)
	}
	time.Sleep(100 * time.Millisecond)
	s.Close()
	after := ev.count()
	time.Sleep(300 * time.Millisecond)
	if n := ev.count(); n != after || ev.has("closed") {
		t.Errorf("closing an opening socket: events %v (%d before Close)", ev.list(), after)
	}
	// Open, then closed: nothing after Close.
	ev = &socketRecorder{}
	s, err = d.Dial(openURL, ev)
	if err != nil {
		t.Fatalf("Dial(%s): %v", openURL, err)
	}
	for deadline := time.Now().Add(5 * time.Second); !ev.has("opened"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the socket to %s did not open: %v", openURL, ev.list())
		}
	}
	if err := s.Send(`{"type":"connect","body":{"channel":"localTimeline","id":"a","params":{},"pong":true}}`); err != nil {
		t.Fatalf("Send: %v", err)
	}
	s.Close()
	after = ev.count()
	time.Sleep(300 * time.Millisecond)
	if n := ev.count(); n != after || ev.has("closed") {
		t.Errorf("closing an open socket: events %v (%d before Close)", ev.list(), after)
	}
	if err := s.Send("h"); err == nil {
		// A closed socket may refuse or drop a frame; it must not panic.
		_ = err
	}
	s.Close() // twice is fine
}

type socketRecorder struct {
	mu     sync.Mutex
	events []string
}

func (r *socketRecorder) add(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *socketRecorder) Opened()        { r.add("opened") }
func (r *socketRecorder) Message(string) { r.add("message") }
func (r *socketRecorder) Closed(bool)    { r.add("closed") }
func (r *socketRecorder) count() int     { r.mu.Lock(); defer r.mu.Unlock(); return len(r.events) }
func (r *socketRecorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}
func (r *socketRecorder) has(e string) bool {
	for _, x := range r.list() {
		if x == e {
			return true
		}
	}
	return false
}
