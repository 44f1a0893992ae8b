//go:build !js

package misskey_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
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

// A hostile or broken server: each answer gives a clear error within the
// timeout, never a hang or a panic, and never an error that quotes the token.
func TestHostileServer(t *testing.T) {
	const token = "secret-token-0123456789abcdef"
	mux := http.NewServeMux()
	mux.HandleFunc("/api/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for range 100 {
			w.Write([]byte(" "))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	mux.HandleFunc("/api/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, _ := w.(http.Hijacker).Hijack()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"partial\":")
		buf.Flush()
		conn.Close()
	})
	mux.HandleFunc("/api/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(500)
		fmt.Fprintf(w, "<html>upstream said: %s</html>", body)
	})
	mux.HandleFunc("/api/echo-error", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":{"message":"you sent %s","code":"X","id":"1","kind":"client","info":{"body":%q}}}`, strings.ReplaceAll(string(body), `"`, `'`), body)
	})
	mux.HandleFunc("/api/wrong-type", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, token)
	c.Timeout = 400 * time.Millisecond

	for _, tc := range []struct{ endpoint, code string }{
		{"drip", misskey.CodeTimeout},
		{"reset", misskey.CodeNetworkError},
		{"echo", misskey.CodeInvalidResponse},
		{"echo-error", "X"},
		{"wrong-type", misskey.CodeInvalidResponse},
	} {
		start := time.Now()
		_, err := c.Request(context.Background(), tc.endpoint, []byte(`{"text":"hi"}`))
		e, ok := err.(*misskey.Error)
		if !ok || e.Code != tc.code {
			t.Errorf("%s: %v, want %s", tc.endpoint, err, tc.code)
			continue
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %v", tc.endpoint, d)
		}
		if strings.Contains(e.Error(), token) || strings.Contains(string(e.Info), token) {
			t.Errorf("%s: the error quotes the token: %v / %s", tc.endpoint, e, e.Info)
		}
	}
}

// 200 calls in flight against a server that answers in random order and
// fails 10% of them: every call returns once, with its own answer.
func TestConcurrentCalls(t *testing.T) {
	fake := misskeytest.NewServer()
	defer fake.Close()
	var failed atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/api/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		if rand.IntN(10) == 0 {
			failed.Add(1)
			w.WriteHeader(500)
			w.Write([]byte(`{"error":{"message":"Internal error occurred.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server"}}`))
			return
		}
		w.Write(body) // echo the params (with i)
	})
	mux.Handle("/", fake.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, fake.SignedIn().Token)

	var wg sync.WaitGroup
	var ok, bad atomic.Int32
	for n := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out struct{ N int }
			err := c.Call(context.Background(), "echo", map[string]int{"n": n}, &out)
			switch e, isErr := err.(*misskey.Error); {
			case err == nil && out.N == n:
				ok.Add(1)
			case isErr && e.Code == "INTERNAL_ERROR" && e.Status == 500:
				bad.Add(1)
			default:
				t.Errorf("call %d: %+v, %v", n, out, err)
			}
		}()
	}
	// A sign-in at the same time.
	wg.Add(1)
	go func() {
		defer wg.Done()
		auth, _ := misskey.StartMiAuth(srv.URL, misskey.MiAuthOptions{Permission: []string{"read:account"}})
		fake.Approve(auth.Session, fake.SignedIn(), "x", auth.Permission)
		if acct, err := c.CheckMiAuth(context.Background(), auth.Session); err != nil || acct.Username != "alice" {
			t.Errorf("sign-in during the load: %v", err)
		}
	}()
	wg.Wait()
	if ok.Load()+bad.Load() != 200 || bad.Load() != failed.Load() {
		t.Errorf("%d ok + %d failed of 200 (the server failed %d)", ok.Load(), bad.Load(), failed.Load())
	}
}
