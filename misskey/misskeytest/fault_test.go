//go:build !js

package misskeytest

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.SetFault("meta", Fault{Delay: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	ok(t, s, "meta", "", nil)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v", d)
	}
	start = time.Now()
	ok(t, s, "meta", "", nil)
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("second request delayed too (%v)", d)
	}
}

func TestFaultHang(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.SetFault("*", Fault{Hang: true})
	c := &http.Client{Timeout: 150 * time.Millisecond}
	_, err := c.Post(s.URL+"/api/meta", "application/json", strings.NewReader("{}"))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("want a timeout, got %v", err)
	}
	// Close releases hanging requests.
	done := make(chan error, 1)
	go func() {
		_, err := http.Post(s.URL+"/api/miauth/x/check", "", nil)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	s.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("hanging request got an answer")
		}
	case <-time.After(2 * time.Second):
		t.Errorf("Close did not release the hanging request")
	}
}

func TestFaultBadGateway(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.SetFault("notes/create", Fault{BadGateway: true})
	r := api(t, s, "notes/create", map[string]any{"i": s.User("alice").Token, "text": "x"})
	if r.StatusCode != 502 || r.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(r.body), "502 Bad Gateway") {
		t.Errorf("502: %d %q %s", r.StatusCode, r.Header.Get("Content-Type"), r.body)
	}
	// Other endpoints are not affected; ClearFaults clears.
	ok(t, s, "meta", "", nil)
	s.ClearFaults()
	ok(t, s, "notes/create", s.User("alice").Token, map[string]any{"text": "x"})
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.SetFault("meta", Fault{Drop: true, Times: 1})
	_, err := client.Post(s.URL+"/api/meta", "application/json", strings.NewReader("{}"))
	if err == nil {
		t.Errorf("dropped request got an answer")
	}
	ok(t, s, "meta", "", nil)
}

func TestFaultRateLimit(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.SetFault("meta", Fault{RateLimit: true, RetryAfter: 2500 * time.Millisecond, Times: 2})
	for range 2 {
		r := api(t, s, "meta", map[string]any{})
		e := wantError(t, r, 429, "RATE_LIMIT_EXCEEDED", "client")
		if r.Header.Get("Retry-After") != "3" || r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("headers %v", r.Header)
		}
		info, _ := e["info"].(map[string]any)
		if info["remaining"] != 0.0 || info["reset"] != 3.0 || info["resetMs"] != 2500.0 || info["total"] == nil {
			t.Errorf("info %v", info)
		}
	}
	ok(t, s, "meta", "", nil)

	s.SetFault("meta", Fault{RateLimit: true, Times: 1})
	if r := api(t, s, "meta", map[string]any{}); r.Header.Get("Retry-After") != "1" {
		t.Errorf("default Retry-After %q", r.Header.Get("Retry-After"))
	}
}

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.SetFault("miauth/check", Fault{Status: 200, Body: []byte(`{"ok":tr`), ContentType: "application/json"})
	r := api(t, s, "miauth/abc/check", nil)
	if r.StatusCode != 200 || string(r.body) != `{"ok":tr` || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("status fault: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.body)
	}
	s.SetFault("meta", Fault{Status: 503, Body: []byte("down")})
	r = api(t, s, "meta", map[string]any{})
	if r.StatusCode != 503 || string(r.body) != "down" || r.Header.Get("Content-Type") != "" {
		t.Errorf("503 fault: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.body)
	}
	// A specific fault wins over "*".
	s.SetFault("*", Fault{Status: 500, Body: []byte("all")})
	if r := api(t, s, "meta", map[string]any{}); string(r.body) != "down" {
		t.Errorf("specific fault not used: %s", r.body)
	}
	if r := api(t, s, "i", map[string]any{}); r.StatusCode != 500 {
		t.Errorf("* fault not used: %d", r.StatusCode)
	}
	// Preflights are never faulted.
	req, _ := http.NewRequest("OPTIONS", s.URL+"/api/i", nil)
	if r := do(t, req); r.StatusCode != 204 {
		t.Errorf("preflight faulted: %d", r.StatusCode)
	}
}
