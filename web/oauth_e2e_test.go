package main

// OAuth 2.0 in a real browser: a page on one 127.0.0.1 origin (which also
// serves the app's client_id page) signs in with the fake instance on
// another through mk.signIn: the fake's consent page, its Allow or Deny
// button, the redirect back, and mk.completeSignIn on the callback page.
// An instance without OAuth (older than 2023.9) gets MiAuth from the same
// call, and the same callback page completes it.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// The app's page: the client_id page (its <link rel="redirect_uri"> and
// h-app), and the page that signs in and completes the sign-in on its
// callback (callback.html, the same page).
const oauthAppJS = `import { load } from "/dist/misskey.js";
load({ storage: "memory" }).then(async (mk) => {
  window.mk = mk;
  const out = document.getElementById("result");
  const q = new URLSearchParams(location.search);
  if (q.has("code") || q.has("session") || q.has("error")) {
    try {
      const a = await mk.completeSignIn();
      window.account = a;
      out.textContent = "signed in as @" + a.user.username;
    } catch (e) {
      window.signInError = { code: e.code, message: e.message };
      out.textContent = "failed: " + e.code;
    }
  } else out.textContent = "ready";
}, (e) => { document.getElementById("result").textContent = "load failed: " + e; });
`

func oauthApp(t *testing.T) string {
	var base string
	mux := http.NewServeMux()
	mux.Handle("/dist/", http.StripPrefix("/dist/", staticFiles(testDist)))
	page := func(w http.ResponseWriter, r *http.Request) {
		markup, err := misskey.OAuthClientPage(base+"/app/", base+"/app/callback.html", "OAuth test app", "")
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><meta charset="utf-8"><title>OAuth test app</title>
<script type="module" src="/app/app.js"></script></head><body>` + markup + `<p id="result">loading</p></body></html>`))
	}
	mux.HandleFunc("/app/{$}", page)
	mux.HandleFunc("/app/callback.html", page)
	mux.HandleFunc("/app/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(oauthAppJS))
	})
	base = serve(t, securityHeaders(mux))
	return base
}

func TestOAuthInChromium(t *testing.T) {
	fake := misskeytest.NewUnstartedServer()
	fake.AllowLoopbackClientID = true // the app's client_id page is on loopback
	fake.Start()
	defer fake.Close()
	old := misskeytest.NewUnstartedServer()
	old.DisableOAuth = true
	old.Start()
	defer old.Close()
	app := oauthApp(t)
	ctx := newBrowser(t)
	open := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Navigate(app+"/app/")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.getElementById("result").textContent === "ready"`, 30*time.Second)
	}
	signIn := func(origin string) {
		t.Helper()
		// signIn sends the browser away: do not wait for its Promise.
		eval[bool](t, ctx, `(mk.signIn({ origin: "`+origin+`", allowHttp: true, clientId: "`+app+`/app/", redirectUri: "`+app+`/app/callback.html",
			name: "OAuth test app", permission: ["read:account", "write:notes"] }).catch((e) => { window.signInError = e.code; }), true)`)
	}

	// OAuth: the consent page is the fake's authorization endpoint.
	open()
	signIn(fake.URL)
	waitFor(t, ctx, `location.href.startsWith("`+fake.URL+`/oauth/authorize?") && document.getElementById("allow")`, 30*time.Second)
	if u, _ := url.Parse(eval[string](t, ctx, `location.href`)); u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("client_id") != app+"/app/" {
		t.Fatalf("authorization URL %s", u)
	}
	fake.ResetRequests()
	clickNavigate(t, ctx, "#allow")
	waitFor(t, ctx, `location.origin === "`+app+`" && document.getElementById("result").textContent.startsWith("signed in")`, 30*time.Second)
	if got := eval[string](t, ctx, `document.getElementById("result").textContent`); got != "signed in as @alice" {
		t.Fatalf("callback page: %q", got)
	}
	// The callback's parameters left the address bar.
	if href := eval[string](t, ctx, `location.href`); href != app+"/app/callback.html" {
		t.Errorf("address bar %q", href)
	}
	token := eval[string](t, ctx, `window.account.token`)
	if v := wantOK(t, ctx, `mk.client({ origin: "`+fake.URL+`", token: window.account.token }).request("notes/create", { text: "posted after OAuth" }).then(r => r.createdNote.text)`); v != "posted after OAuth" {
		t.Fatalf("a call with the token: %v", v)
	}
	if n := eval[float64](t, ctx, `mk.accounts.list().length`); n != 1 {
		t.Errorf("%v accounts kept", n)
	}
	// The verifier went to the token endpoint only, the token to /api/ only.
	tokenRequests := 0
	for _, r := range fake.Requests() {
		switch {
		case r.Path == "/oauth/token" && r.Method == "POST":
			tokenRequests++
			if !strings.Contains(string(r.Body), "code_verifier=") || strings.Contains(string(r.Body), token) {
				t.Errorf("token request body %s", r.Body)
			}
		case strings.Contains(string(r.Body), "code_verifier"):
			t.Errorf("a verifier sent to %s", r.Path)
		case r.Token != "" && (r.Token != token || !strings.HasPrefix(r.Path, "/api/")):
			t.Errorf("token %q sent to %s", r.Token, r.Path)
		}
	}
	if tokenRequests != 1 {
		t.Errorf("%d token requests, want 1", tokenRequests)
	}

	// Deny: the callback page gets access_denied, and says so.
	open()
	signIn(fake.URL)
	waitFor(t, ctx, `location.href.startsWith("`+fake.URL+`/oauth/authorize?") && document.getElementById("deny")`, 30*time.Second)
	clickNavigate(t, ctx, "#deny")
	waitFor(t, ctx, `location.origin === "`+app+`" && document.getElementById("result").textContent.startsWith("failed")`, 30*time.Second)
	if code := eval[string](t, ctx, `window.signInError.code`); code != "access_denied" {
		t.Errorf("after Deny: %s", code)
	}

	// An instance without OAuth: the same call gives MiAuth's consent page,
	// and the same callback page completes it.
	open()
	signIn(old.URL)
	waitFor(t, ctx, `location.href.startsWith("`+old.URL+`/miauth/") && document.getElementById("allow")`, 30*time.Second)
	clickNavigate(t, ctx, "#allow")
	waitFor(t, ctx, `location.origin === "`+app+`" && document.getElementById("result").textContent.startsWith("signed in")`, 30*time.Second)
	if href := eval[string](t, ctx, `location.href`); href != app+"/app/callback.html" {
		t.Errorf("address bar after MiAuth %q", href)
	}
}
