//go:build !js

package main

// The harness of the bindings' tests under Node: it starts a misskeytest
// instance on 127.0.0.1 with a few control routes, then runs this package's
// js/wasm tests (bindings_js_test.go) with Go's go_js_wasm_exec wrapper.

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// controlHandler serves the fake instance plus /__test/ routes the wasm
// tests use to look at and steer it.
func controlHandler(fake *misskeytest.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", fake.Handler())
	mux.HandleFunc("GET /__test/requests", func(w http.ResponseWriter, r *http.Request) {
		type rec struct {
			Method, Path, Query, Endpoint, Token, Body, Authorization string
		}
		var out []rec
		for _, q := range fake.Requests() {
			out = append(out, rec{q.Method, q.Path, q.RawQuery, q.Endpoint, q.Token, string(q.Body), q.Header.Get("Authorization")})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("POST /__test/reset", func(w http.ResponseWriter, r *http.Request) {
		fake.ResetRequests()
		fake.ClearFaults()
	})
	mux.HandleFunc("POST /__test/fault", func(w http.ResponseWriter, r *http.Request) {
		var f struct {
			Endpoint                          string
			DelayMs, RetryAfterMs, Times      int
			Hang, BadGateway, Drop, RateLimit bool
			Status                            int
			Body, ContentType                 string
		}
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fake.SetFault(f.Endpoint, misskeytest.Fault{
			Delay: time.Duration(f.DelayMs) * time.Millisecond, Hang: f.Hang, BadGateway: f.BadGateway, Drop: f.Drop,
			RateLimit: f.RateLimit, RetryAfter: time.Duration(f.RetryAfterMs) * time.Millisecond, Times: f.Times,
			Status: f.Status, Body: []byte(f.Body), ContentType: f.ContentType,
		})
	})
	mux.HandleFunc("POST /__test/token", func(w http.ResponseWriter, r *http.Request) {
		perms := strings.Split(r.URL.Query().Get("permission"), ",")
		w.Write([]byte(fake.IssueToken(fake.SignedIn(), perms...)))
	})
	mux.HandleFunc("POST /__test/post", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(fake.PostNote(fake.SignedIn(), r.URL.Query().Get("text"))))
	})
	mux.HandleFunc("POST /__test/mention", func(w http.ResponseWriter, r *http.Request) {
		bob := fake.User("bob")
		if bob == nil {
			bob = fake.AddUser("bob", "Bob")
		}
		w.Write([]byte(fake.PostNote(bob, "@alice "+r.URL.Query().Get("text"))))
	})
	// The test app's OAuth client_id page, and the consent's Allow or Deny.
	mux.HandleFunc("GET /__test/app/", func(w http.ResponseWriter, r *http.Request) {
		page, _ := misskey.OAuthClientPage("http://"+r.Host+"/__test/app/", "http://"+r.Host+"/__test/app/callback", "Test app", "")
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html><title>Test app</title>" + page))
	})
	mux.HandleFunc("POST /__test/oauth", func(w http.ResponseWriter, r *http.Request) {
		decide := fake.ApproveOAuth
		if r.URL.Query().Get("deny") != "" {
			decide = fake.DenyOAuth
		}
		cb, err := decide(r.URL.Query().Get("url"))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		w.Write([]byte(cb))
	})
	// A server that takes the connection and never answers (a stuck upgrade).
	mux.HandleFunc("GET /__test/hang", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	mux.HandleFunc("POST /__test/drop", func(w http.ResponseWriter, r *http.Request) { fake.DropStreams() })
	mux.HandleFunc("POST /__test/approve", func(w http.ResponseWriter, r *http.Request) {
		perms := strings.Split(r.URL.Query().Get("permission"), ",")
		if _, err := fake.Approve(r.URL.Query().Get("session"), fake.SignedIn(), "test", perms); err != nil {
			http.Error(w, err.Error(), 400)
		}
	})
	return mux
}

func TestBindingsUnderNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the bindings' tests run under Node (apt-get install nodejs)")
	}
	goBin := filepath.Join(runtimeGOROOT(t), "bin", "go")
	fake := misskeytest.NewUnstartedServer()
	fake.AllowLoopbackClientID = true // the test app's client_id page is on loopback
	// An instance older than 2023.9, without OAuth.
	old := misskeytest.NewUnstartedServer()
	old.DisableOAuth = true
	old.Start()
	defer old.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: controlHandler(fake)}
	go srv.Serve(ln)
	defer srv.Close()
	defer fake.Close()

	trackSources(t)
	execDir := filepath.Join(runtimeGOROOT(t), "lib", "wasm")
	// -v always: the check below counts the tests that passed.
	args := []string{"test", "-count=1", "-v", "-timeout=240s"}
	if run := os.Getenv("MISSKEY_WASM_RUN"); run != "" {
		args = append(args, "-run", run)
	}
	cmd := exec.Command(goBin, append(args, ".")...)
	cmd.Env = append(os.Environ(),
		"GOOS=js", "GOARCH=wasm",
		"PATH="+execDir+string(os.PathListSeparator)+filepath.Dir(node)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"MISSKEY_TEST_ORIGIN=http://"+ln.Addr().String(),
		"MISSKEY_TEST_OLD_ORIGIN="+old.URL,
	)
	// Node 20 and 21 have a global WebSocket only behind a flag (22 has it by default).
	if v, err := exec.Command(node, "--version").Output(); err == nil && (strings.HasPrefix(string(v), "v20.") || strings.HasPrefix(string(v), "v21.")) {
		cmd.Env = append(cmd.Env, "NODE_OPTIONS=--experimental-websocket")
	}
	var out bytes.Buffer
	var w io.Writer = &out
	if testing.Verbose() {
		w = io.MultiWriter(&out, os.Stdout)
	}
	cmd.Stdout, cmd.Stderr = w, w
	err = cmd.Run()
	if !testing.Verbose() {
		t.Logf("GOOS=js GOARCH=wasm go test (under %s):\n%s", node, out.String())
	}
	if err != nil {
		t.Fatalf("the bindings' tests failed: %v", err)
	}
	// "ok" alone is also printed for "[no tests to run]": count the passes.
	passed := strings.Count(out.String(), "--- PASS: ")
	if strings.Contains(out.String(), "[no tests to run]") || strings.Contains(out.String(), "--- FAIL") || passed == 0 {
		t.Fatalf("the bindings' tests did not run and pass (%d passed)", passed)
	}
	if os.Getenv("MISSKEY_WASM_RUN") == "" && passed < minBindingTests {
		t.Fatalf("only %d of the bindings' tests passed, want at least %d", passed, minBindingTests)
	}
}

// trackSources reads the js/wasm-only sources the inner go test builds
// (this package and misskey/browser): go test caches this test's result by
// the files the test itself opens, and would not see a change to them.
func trackSources(t *testing.T) {
	for _, dir := range []string{".", "typetest", "../misskey/browser", "../misskey/browser/jsutil"} {
		files, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if !f.IsDir() {
				if _, err := os.ReadFile(filepath.Join(dir, f.Name())); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// minBindingTests is how many tests bindings_js_test.go has at least.
const minBindingTests = 20

func runtimeGOROOT(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out))
}
