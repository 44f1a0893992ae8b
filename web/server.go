package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// csp is the demo's Content-Security-Policy, also set as a <meta> tag in
// index.html: no inline script or style, no eval (wasm needs only
// 'wasm-unsafe-eval'); calls, sockets and images may go to any instance.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' http: https: data: blob:; media-src 'self' http: https: blob:; connect-src 'self' http: https: ws: wss:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

var mimeTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json",
	".ts":   "text/plain; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

// newHandler serves webDir at / and distDir at /dist/, and /config.json
// naming the fake instance (a static host has no config.json; the demo
// then starts with an empty instance field).
func newHandler(webDir, distDir, fakeURL string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/dist/", http.StripPrefix("/dist/", staticFiles(distDir)))
	mux.Handle("/", staticFiles(webDir))
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(map[string]string{"defaultInstance": fakeURL})
	})
	return securityHeaders(mux)
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// moduleRoot is the folder of go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the module")
	}
	return filepath.Dir(mod), nil
}

// startFake starts the demo's fake instance on addr (":0" ports pick a free
// one), seeded with @alice (who approves on the consent page), @bob and a
// few notes. It serves on the listener it opened itself, so that no other
// process can take the address in between; an error names the address and
// the -fake-addr flag.
func startFake(addr string) (*misskeytest.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, listenError(addr, "fake-addr", err)
	}
	fake := misskeytest.NewUnstartedServer()
	fake.Listener = ln
	fake.Start()
	seedFake(fake)
	return fake, nil
}

func seedFake(fake *misskeytest.Server) {
	alice := fake.SignedIn()
	bob := fake.AddUser("bob", "Bob")
	fake.Follow(alice, bob)
	fake.PostNote(bob, "Hello from the fake instance! Everything here runs on your machine.")
	fake.PostNote(alice, "My first note on misskey-wasm.")
	fake.PostNote(bob, "Misskey's MiAuth sign-in, API calls and timelines all work offline in this demo.")
}

// keepPosting makes @bob post now and then, so the timeline has news.
func keepPosting(ctx context.Context, fake *misskeytest.Server, every time.Duration) {
	bob := fake.User("bob")
	t := time.NewTicker(every)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			fake.PostNote(bob, fmt.Sprintf("Note #%d from Bob, at %s.", n, now.Format("15:04:05")))
		}
	}
}
