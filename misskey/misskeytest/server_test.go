//go:build !js

package misskeytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// goroutineLabel is the pprof label that ties goroutines to one test: the
// goroutines a labelled goroutine starts inherit its labels, so starting a
// server inside pprof.Do labels its Serve loop, its connections, its
// handlers and the streaming sockets' goroutines, and nothing else.
const goroutineLabel = "misskeytest-test"

// labelled runs f (which starts a server) with the goroutine label value.
func labelled(value string, f func()) {
	pprof.Do(context.Background(), pprof.Labels(goroutineLabel, value), func(context.Context) { f() })
}

const fakePkg = "github.com/misskey-wasm/misskey-wasm/misskey/misskeytest."

// countingWrappers are the frames that may still be on a goroutine's stack
// after it has told Close that it is done (by calling leave): whatever ran
// inside them has returned.
var countingWrappers = map[string]bool{
	fakePkg + "(*Server).serveTracked":            true,
	fakePkg + "(*Server).leave":                   true,
	fakePkg + "(*Server).goTracked.func1":         true,
	fakePkg + "(*Server).serveTracked.deferwrap1": true,
}

// fakeGoroutines returns the stacks of the goroutines labelled value that
// are running the fake's code: with a frame named fn, or, if fn is "", any
// frame of this package other than the counting wrappers. The frames under
// a runtime.gopanic frame do not count: they belong to functions being
// unwound, whose deferred calls have run (a handler that aborts with
// panic(http.ErrAbortHandler) stays on the stack, dead, while net/http's
// deferred recover closes the connection).
func fakeGoroutines(t *testing.T, value, fn string) []string {
	t.Helper()
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, 1); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("# labels: {%q:%q}", goroutineLabel, value)
	var out []string
	for _, rec := range strings.Split(b.String(), "\n\n") {
		if !strings.Contains(rec, want) {
			continue
		}
		for _, line := range strings.Split(rec, "\n") {
			f := strings.Split(line, "\t")
			if len(f) < 3 || f[0] != "#" {
				continue
			}
			name, _, _ := strings.Cut(f[2], "+0x")
			if name == "runtime.gopanic" {
				break
			}
			if fn != "" && name == fakePkg+fn || fn == "" && strings.HasPrefix(name, fakePkg) && !countingWrappers[name] {
				out = append(out, rec)
				break
			}
		}
	}
	return out
}

// wantNoFakeGoroutines fails if a goroutine labelled value still runs the
// fake's code.
//
// A handler that aborts its request (hang's panic(http.ErrAbortHandler))
// has left the fake (its deferred leave ran, so Close returned) while its
// frames are still on the stack for the moment net/http takes to recover
// the panic: the stacks are read again for up to a second before failing.
func wantNoFakeGoroutines(t *testing.T, value string) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		g := fakeGoroutines(t, value, "")
		if len(g) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutine stack(s) still running the fake after Close:\n%s", len(g), strings.Join(g, "\n\n"))
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func activeGoroutines(s *Server) int {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	return s.active
}

// postMeta posts {} to url+"/api/meta" in the background and sends the
// outcome: an error for no answer, nil for an answer.
func postMeta(url string) <-chan error {
	errc := make(chan error, 1)
	go func() {
		res, err := client.Post(url+"/api/meta", "application/json", strings.NewReader("{}"))
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	return errc
}

// wantAborted checks that a hanging request ended without an answer, and
// not because the client gave up.
func wantAborted(t *testing.T, errc <-chan error) {
	t.Helper()
	err := <-errc
	var ne net.Error
	switch {
	case err == nil:
		t.Errorf("the hanging request was answered")
	case errors.As(err, &ne) && ne.Timeout():
		t.Errorf("the hanging request was not released: %v", err)
	}
}

func TestListener(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewUnstartedServer()
	s.Addr = "192.0.2.1:1" // not used: Listener wins
	s.Listener = ln
	s.Start()
	if s.Listener != ln || s.Addr != ln.Addr().String() || s.URL != "http://"+ln.Addr().String() {
		t.Errorf("Listener %v, Addr %q, URL %q; want the listener's address %s", s.Listener, s.Addr, s.URL, ln.Addr())
	}
	if m := ok(t, s, "meta", "", nil).json(t); m["uri"] != s.URL {
		t.Errorf("meta uri %v, want %s", m["uri"], s.URL)
	}
	s.Close()
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}

	// Without a Listener, Start listens on Addr and sets Listener.
	s2 := newTestServer(t)
	if s2.Listener == nil || s2.Listener.Addr().String() != s2.Addr || !strings.HasPrefix(s2.Addr, "127.0.0.1:") {
		t.Errorf("Listener %v, Addr %q", s2.Listener, s2.Addr)
	}

	// Close closes a Listener that was never started.
	ln3, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s3 := NewUnstartedServer()
	s3.Listener = ln3
	s3.Close()
	if _, err := ln3.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close of an unstarted server: %v, want net.ErrClosed", err)
	}
}

func TestCloseWaitsForHangingRequest(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	labelled(t.Name(), s.Start)
	defer s.Close()
	s.SetFault("meta", Fault{Hang: true})
	errc := postMeta(s.URL)
	waitFor(t, "the request to hang", func() bool { return len(fakeGoroutines(t, t.Name(), "(*Server).hang")) == 1 })
	s.Close()
	wantNoFakeGoroutines(t, t.Name())
	if n := activeGoroutines(s); n != 0 {
		t.Errorf("%d goroutines counted after Close", n)
	}
	wantAborted(t, errc)
}

func TestCloseWaitsForMountedHandler(t *testing.T) {
	t.Parallel()
	// Never started: the fake is only mounted on the caller's server.
	s := NewUnstartedServer()
	var foreign *httptest.Server
	labelled(t.Name(), func() { foreign = httptest.NewServer(s.Handler()) })
	defer foreign.Close()
	s.SetFault("meta", Fault{Hang: true})
	errc := postMeta(foreign.URL)

	// A client that sends half a body keeps its handler reading.
	conn, err := net.Dial("tcp", foreign.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /api/i HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")

	waitFor(t, "the request to hang", func() bool { return len(fakeGoroutines(t, t.Name(), "(*Server).hang")) == 1 })
	waitFor(t, "both handlers", func() bool { return activeGoroutines(s) == 2 })
	done := make(chan struct{})
	go func() {
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("Close blocked; goroutines:\n%s", strings.Join(fakeGoroutines(t, t.Name(), ""), "\n\n"))
	}
	wantNoFakeGoroutines(t, t.Name())
	if n := activeGoroutines(s); n != 0 {
		t.Errorf("%d goroutines counted after Close", n)
	}
	wantAborted(t, errc)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := io.ReadAll(conn); len(b) != 0 || err != nil && !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "reset") {
		t.Errorf("half-sent request: %q, %v; want the connection closed without an answer", b, err)
	}

	// The caller's server goes on serving the fake after Close.
	s.ClearFaults()
	if r := raw(t, "POST", foreign.URL+"/api/meta", "application/json", []byte(`{}`)); r.StatusCode != 200 {
		t.Errorf("meta after Close: %d %s", r.StatusCode, r.body)
	}
}

func TestCloseNeverStarted(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	go func() {
		s := NewUnstartedServer()
		_ = s.Handler() // mounted nowhere
		s.Close()
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close of a server that never served blocked")
	}
}

func TestCloseEndsStreams(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	labelled(t.Name(), s.Start)
	defer s.Close()
	w := dialStream(t, s, s.User("alice").Token)
	for _, fn := range []string{"(*streamConn).readLoop", "(*streamConn).writeLoop", "(*streamConn).pingLoop"} {
		waitFor(t, fn, func() bool { return len(fakeGoroutines(t, t.Name(), fn)) == 1 })
	}
	s.Close()
	wantNoFakeGoroutines(t, t.Name())
	if n := activeGoroutines(s); n != 0 {
		t.Errorf("%d goroutines counted after Close", n)
	}
	if n := s.OpenStreams(); n != 0 {
		t.Errorf("OpenStreams = %d after Close", n)
	}
	select {
	case <-w.err:
	case <-time.After(5 * time.Second):
		t.Fatal("socket still open after Close")
	}
}

func TestCloseMountedStreams(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	var foreign *httptest.Server
	labelled(t.Name(), func() { foreign = httptest.NewServer(s.Handler()) })
	defer foreign.Close()
	c, _, err := dialRaw(t, "ws"+strings.TrimPrefix(foreign.URL, "http")+"/streaming", nil)
	if err != nil {
		t.Fatal(err)
	}
	w := startClient(t, c)
	waitFor(t, "the socket", func() bool { return len(fakeGoroutines(t, t.Name(), "(*streamConn).writeLoop")) == 1 })
	s.Close()
	wantNoFakeGoroutines(t, t.Name())
	select {
	case <-w.err:
	case <-time.After(5 * time.Second):
		t.Fatal("socket still open after Close")
	}
}
