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

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// csp is the demo's Content-Security-Policy, sent as a header. index.html
// carries the same policy in a <meta> tag for static hosts that send none,
// without frame-ancestors, which browsers ignore (with a console warning)
// in a <meta>: no inline script or style, no eval (wasm needs only
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

// demoConfig is what /config.json tells the demo (a static host has no
// config.json: the demo then starts with an empty instance field).
type demoConfig struct {
	// DefaultInstance prefills the instance field: the fake instance.
	DefaultInstance string `json:"defaultInstance"`
	// OAuthOnLoopback makes the demo sign in with OAuth 2.0 on loopback
	// too, where it otherwise uses MiAuth (a real Misskey only fetches a
	// client_id page over https on a public domain): for an instance in
	// Misskey's test mode, such as the fake with AllowLoopbackClientID.
	OAuthOnLoopback bool `json:"oauthOnLoopback,omitempty"`
}

// newHandler serves webDir at / and distDir at /dist/, /config.json
// naming the fake instance, and /client.html, the demo's OAuth 2.0
// client_id page.
func newHandler(webDir, distDir, fakeURL string) http.Handler {
	return newHandlerWith(webDir, distDir, demoConfig{DefaultInstance: fakeURL})
}

func newHandlerWith(webDir, distDir string, cfg demoConfig) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/dist/", http.StripPrefix("/dist/", staticFiles(distDir)))
	mux.Handle("/", staticFiles(webDir))
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(cfg)
	})
	mux.HandleFunc("GET /client.html", serveClientPage)
	return securityHeaders(mux)
}

// serveClientPage serves the demo's OAuth 2.0 client_id page: the
// instance fetches it to learn the app's name, logo and redirect URI
// (the demo's page, /), with the markup mk.oauth.clientPage gives
// (misskey.OAuthClientPage). Its URLs are this request's: https when the
// request came over TLS or through a proxy that says so
// (X-Forwarded-Proto).
func serveClientPage(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	markup, err := misskey.OAuthClientPage(base+"/client.html", base+"/", appName, base+"/icon.svg")
	if err != nil {
		http.Error(w, "bad host: "+err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprintf(w, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n</head>\n<body>\n%s<p>This is the client page of the %s, which signs in to Misskey instances with OAuth 2.0. <a href=\"./\">Open the demo</a>.</p>\n</body>\n</html>\n",
		appName, markup, appName)
}

// appName is the demo's name on consent pages.
const appName = "misskey-wasm demo"

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
// one), seeded with @alice (who approves on the consent page), four more
// users and a day of notes (seedFake). It serves on the listener it opened itself, so that no other
// process can take the address in between; an error names the address and
// the -fake-addr flag.
func startFake(addr string, allowLoopbackClient bool) (*misskeytest.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, listenError(addr, "fake-addr", err)
	}
	fake := newFake()
	fake.Listener = ln
	fake.AllowLoopbackClientID = allowLoopbackClient
	fake.Start()
	seedFake(fake)
	return fake, nil
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
			fake.PostNote(bob, keepNote(n, now))
		}
	}
}
