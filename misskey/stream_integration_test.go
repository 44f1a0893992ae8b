//go:build !js

package misskey_test

import (
	"strings"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// The stream against the fake instance over real WebSockets.
func TestStreamWithFake(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	alice := srv.SignedIn()
	bob := srv.AddUser("bob", "Bob")
	srv.Follow(alice, bob)
	c, _ := misskey.NewClient(srv.URL, srv.IssueToken(alice, "read:account"))

	states := make(chan misskey.StreamState, 100)
	notes := make(chan string, 2000)
	errs := make(chan error, 10)
	s, err := c.Stream(misskey.StreamOptions{MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}, misskey.StreamHandler{
		State:   func(st misskey.StreamState) { states <- st },
		Channel: func(id, typ string, body []byte) { notes <- string(body) },
		Error:   func(err error) { errs <- err },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Connect("homeTimeline", nil); err != nil {
		t.Fatal(err)
	}
	wait := func(want misskey.StreamState) {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case st := <-states:
				if st == want {
					return
				}
			case <-timeout:
				t.Fatalf("no %s state", want)
			}
		}
	}
	wait(misskey.StateOpen)
	got := func(text string) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			srv.PostNote(bob, text)
			select {
			case n := <-notes:
				if strings.Contains(n, text) {
					return
				}
			case <-time.After(100 * time.Millisecond):
			case <-deadline:
				t.Fatalf("note %q never arrived", text)
			}
		}
	}
	got("first")
	srv.DropStreams()
	wait(misskey.StateReconnecting)
	wait(misskey.StateOpen)
	got("after reconnect")

	// A revoked token: refused upgrade, the REST probe says 401, the stream ends.
	srv.RevokeToken(c.Token)
	before := srv.StreamUpgrades()
	srv.DropStreams()
	select {
	case err := <-errs:
		if e, ok := err.(*misskey.Error); !ok || e.Code != "AUTHENTICATION_FAILED" {
			t.Fatalf("error %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no error for a revoked token")
	}
	wait(misskey.StateClosed)
	time.Sleep(500 * time.Millisecond)
	if n := srv.StreamUpgrades() - before; n > 1 {
		t.Errorf("%d upgrades with a revoked token", n)
	}
}
