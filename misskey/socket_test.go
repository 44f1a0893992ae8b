//go:build !js

package misskey_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// hangingListener takes connections and never answers them; it returns
// its ws:// URL.
func hangingListener(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return "ws://" + ln.Addr().String() + "/streaming"
}

func TestNativeSocketContract(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	misskeytest.TestSocket(t, misskey.WebSocketDialer{}, misskey.StreamURL(srv.URL, srv.SignedIn().Token), hangingListener(t))
}

// A socket that never opens is given up on once per OpenTimeout: one probe
// of the token, one failure counted, one new dial (it was twice each).
func TestStreamOpenTimeoutOnce(t *testing.T) {
	var probes, upgrades atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/streaming" {
			upgrades.Add(1)
			<-r.Context().Done() // never answers the upgrade
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/i") {
			probes.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"x"}`))
	}))
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, "tok")
	var mu sync.Mutex
	var states []misskey.StreamState
	s, err := c.Stream(misskey.StreamOptions{OpenTimeout: 200 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Keepalive: -1},
		misskey.StreamHandler{State: func(st misskey.StreamState) { mu.Lock(); states = append(states, st); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	s.Close()
	time.Sleep(100 * time.Millisecond)
	p, u := probes.Load(), upgrades.Load()
	if u < 3 || p < u-1 || p > u {
		t.Errorf("%d upgrades tried, %d probes: want one probe per timed-out upgrade", u, p)
	}
	mu.Lock()
	defer mu.Unlock()
	reconnecting := 0
	for _, st := range states {
		if st == misskey.StateReconnecting {
			reconnecting++
		}
	}
	if reconnecting > int(u) {
		t.Errorf("%d reconnecting states for %d upgrades", reconnecting, u)
	}
}
