//go:build !js

package misskey_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// RFC 7636 appendix B, and base64url against the standard library's.
func TestPKCEChallengeRFC7636(t *testing.T) {
	for n := range 70 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		// The challenge of a verifier is base64url(SHA-256(verifier)).
		sum := sha256.Sum256(b)
		if got, want := misskey.PKCEChallenge(string(b)), base64.RawURLEncoding.EncodeToString(sum[:]); got != want {
			t.Fatalf("challenge of %x: %q, want %q", b, got, want)
		}
	}
	if got := misskey.PKCEChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Fatalf("challenge %q", got)
	}
	seen := map[string]bool{}
	for range 100 {
		v, err := misskey.NewPKCEVerifier()
		if err != nil {
			t.Fatal(err)
		}
		// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
		if len(v) != 43 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") != "" || seen[v] {
			t.Fatalf("verifier %q (len %d, seen %v)", v, len(v), seen[v])
		}
		seen[v] = true
	}
}

// oauthEnv is a fake instance that accepts a loopback client_id, and the
// app's client page declaring its redirect URI.
type oauthEnv struct {
	fake        *misskeytest.Server
	clientID    string
	redirectURI string
	pending     *misskey.PendingSignIns
}

func newOAuthEnv(t *testing.T) *oauthEnv {
	t.Helper()
	fake := misskeytest.NewUnstartedServer()
	fake.AllowLoopbackClientID = true
	fake.Start()
	t.Cleanup(fake.Close)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := misskey.OAuthClientPage("http://"+r.Host+"/", "http://"+r.Host+"/callback", "Test app", "")
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html><title>Test app</title>" + page))
	}))
	t.Cleanup(app.Close)
	return &oauthEnv{fake: fake, clientID: app.URL, redirectURI: app.URL + "/callback",
		pending: &misskey.PendingSignIns{Storage: misskey.NewMemoryStorage()}}
}

// start begins a sign-in the way a page does and returns its URL.
func (e *oauthEnv) start(t *testing.T, scope ...string) *misskey.SignIn {
	t.Helper()
	s, err := misskey.StartSignIn(nil, e.fake.URL, misskey.MiAuthOptions{Permission: scope},
		misskey.OAuthOptions{ClientID: e.clientID, RedirectURI: e.redirectURI}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.pending.Add(s.Pending); err != nil {
		t.Fatal(err)
	}
	return s
}

func code(err error) string {
	if err == nil {
		return "no error"
	}
	var e *misskey.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "not an *Error: " + err.Error()
}

// The whole flow for a Go program: discovery, the authorization URL, the
// consent (Allow), the callback, the exchange and a call with the token.
func TestOAuthFlow(t *testing.T) {
	e := newOAuthEnv(t)
	srv, err := (&misskey.Client{Origin: e.fake.URL}).DiscoverOAuth(t.Context())
	if err != nil || srv == nil || srv.TokenEndpoint != e.fake.URL+"/oauth/token" || !srv.IssParameter {
		t.Fatalf("discover: %+v, %v", srv, err)
	}
	s := e.start(t, "read:account", "write:notes")
	if s.Method != "oauth" || len(s.ID) != 22 { // 16 random bytes in base64url
		t.Fatalf("method %q, state %q", s.Method, s.ID)
	}
	u, _ := url.Parse(s.URL)
	q := u.Query()
	// The client_id is sent as the server's URL parser writes it.
	if u.Path != "/oauth/authorize" || q.Get("response_type") != "code" || q.Get("client_id") != e.clientID+"/" ||
		q.Get("redirect_uri") != e.redirectURI || q.Get("scope") != "read:account write:notes" || q.Get("state") != s.ID ||
		q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
		t.Fatalf("authorization URL %s", s.URL)
	}
	cb, err := e.fake.ApproveOAuth(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !misskey.IsOAuthCallback(cb) || misskey.IsOAuthCallback(e.redirectURI+"?session=x") {
		t.Fatalf("IsOAuthCallback(%q)", cb)
	}
	e.fake.ResetRequests()
	out := misskey.CompleteOAuth(nil, e.pending, cb, nil)
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	if out.Account.Username != "alice" || out.Account.Origin != e.fake.URL || out.Account.Token == "" {
		t.Fatalf("account %+v", out.Account)
	}
	// The verifier went to the token endpoint, and only there; the token to /api/ only.
	verifier := ""
	for _, r := range e.fake.Requests() {
		body := string(r.Body)
		if r.Path == "/oauth/token" {
			v, _ := url.ParseQuery(body)
			verifier = v.Get("code_verifier")
			if v.Get("grant_type") != "authorization_code" || v.Get("client_id") != e.clientID+"/" || v.Get("redirect_uri") != e.redirectURI {
				t.Errorf("token request %s", body)
			}
			continue
		}
		if !strings.HasPrefix(r.Path, "/api/") || r.Token != out.Account.Token {
			t.Errorf("request %s %s with token %q", r.Method, r.Path, r.Token)
		}
	}
	if misskey.PKCEChallenge(verifier) != q.Get("code_challenge") {
		t.Fatalf("verifier %q does not match the challenge", verifier)
	}
	me := &misskey.Client{Origin: e.fake.URL, Token: out.Account.Token}
	if _, err := me.Request(t.Context(), "notes/create", []byte(`{"text":"by OAuth"}`)); err != nil {
		t.Fatal(err)
	}
	// The sign-in is consumed: the same callback again is refused before
	// anything is sent.
	e.fake.ResetRequests()
	if out := misskey.CompleteOAuth(nil, e.pending, cb, nil); code(out.Err) != misskey.CodeStateMismatch || len(e.fake.Requests()) != 0 {
		t.Fatalf("again: %v, %d requests", out.Err, len(e.fake.Requests()))
	}
	if got := misskey.StripCallback(cb); strings.Contains(got, "code=") || strings.Contains(got, "state=") || !strings.HasPrefix(got, e.redirectURI) {
		t.Fatalf("StripCallback %q", got)
	}
}

// Every failure is an *Error with its own code, and leaves no token behind.
func TestOAuthFailures(t *testing.T) {
	e := newOAuthEnv(t)
	complete := func(cb string) error { return misskey.CompleteOAuth(nil, e.pending, cb, nil).Err }

	t.Run("deny", func(t *testing.T) {
		s := e.start(t, "read:account")
		cb, err := e.fake.DenyOAuth(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		if err := complete(cb); code(err) != "access_denied" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("wrong state", func(t *testing.T) {
		s := e.start(t, "read:account")
		cb, _ := e.fake.ApproveOAuth(s.URL)
		e.fake.ResetRequests()
		bad := strings.Replace(cb, "state="+s.ID, "state=AAAAAAAAAAAAAAAAAAAAAA", 1)
		if err := complete(bad); code(err) != misskey.CodeStateMismatch || len(e.fake.Requests()) != 0 {
			t.Fatalf("%v", err)
		}
	})
	t.Run("wrong iss", func(t *testing.T) {
		s := e.start(t, "read:account")
		cb, _ := e.fake.ApproveOAuth(s.URL)
		bad := strings.Replace(cb, "iss="+url.QueryEscape(e.fake.URL), "iss="+url.QueryEscape("https://evil.example"), 1)
		if bad == cb {
			t.Fatalf("no iss in %s", cb)
		}
		e.fake.ResetRequests()
		if err := complete(bad); code(err) != misskey.CodeIssuerMismatch || len(e.fake.Requests()) != 0 {
			t.Fatalf("%v", err)
		}
		// The sign-in stays pending: the real callback still completes.
		if err := complete(cb); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no iss", func(t *testing.T) {
		s := e.start(t, "read:account")
		cb, _ := e.fake.ApproveOAuth(s.URL)
		u, _ := url.Parse(cb)
		q := u.Query()
		q.Del("iss")
		u.RawQuery = q.Encode()
		if err := complete(u.String()); code(err) != misskey.CodeIssuerMismatch {
			t.Fatalf("%v", err)
		}
	})
	t.Run("reused code", func(t *testing.T) {
		s := e.start(t, "read:account")
		cb, _ := e.fake.ApproveOAuth(s.URL)
		out := misskey.CompleteOAuth(nil, e.pending, cb, nil)
		if out.Err != nil {
			t.Fatal(out.Err)
		}
		// A second browser (another pending store) replays the same code.
		other := &misskey.PendingSignIns{Storage: misskey.NewMemoryStorage()}
		_ = other.Add(s.Pending)
		if out2 := misskey.CompleteOAuth(nil, other, cb, nil); code(out2.Err) != "invalid_grant" {
			t.Fatalf("reuse: %v", out2.Err)
		}
		// Reusing a code revokes the token it gave.
		me := &misskey.Client{Origin: e.fake.URL, Token: out.Account.Token}
		if _, err := me.Request(t.Context(), "i", nil); err == nil {
			t.Fatal("the token still works after its code was reused")
		}
	})
	t.Run("expired code", func(t *testing.T) {
		s := e.start(t, "read:account")
		cb, _ := e.fake.ApproveOAuth(s.URL)
		now := time.Now()
		e.fake.SetClock(func() time.Time { return now.Add(6 * time.Minute) })
		defer e.fake.SetClock(nil)
		if err := complete(cb); code(err) != "invalid_grant" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("verifier of another sign-in", func(t *testing.T) {
		a, b := e.start(t, "read:account"), e.start(t, "read:account")
		cbA, _ := e.fake.ApproveOAuth(a.URL)
		// The code of sign-in A with the state (and so the verifier) of B.
		swapped := strings.Replace(cbA, "state="+a.ID, "state="+b.ID, 1)
		if err := complete(swapped); code(err) != "invalid_grant" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("redirect_uri not declared", func(t *testing.T) {
		s, err := misskey.StartSignIn(nil, e.fake.URL, misskey.MiAuthOptions{Permission: []string{"read:account"}},
			misskey.OAuthOptions{ClientID: e.clientID, RedirectURI: e.clientID + "/elsewhere"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.fake.ApproveOAuth(s.URL); err == nil {
			t.Fatal("the fake approved a redirect_uri the client page does not declare")
		}
	})
	t.Run("bad options", func(t *testing.T) {
		for _, o := range []misskey.OAuthOptions{
			{ClientID: e.clientID, RedirectURI: ""},
			{ClientID: e.clientID, RedirectURI: "callback"},
			{ClientID: "javascript:alert(1)", RedirectURI: e.redirectURI},
			{ClientID: e.clientID + "#x", RedirectURI: e.redirectURI},
			{ClientID: e.clientID, RedirectURI: e.redirectURI, PageOrigin: "https://other.example"},
		} {
			if _, err := misskey.StartSignIn(nil, e.fake.URL, misskey.MiAuthOptions{Permission: []string{"read:account"}}, o, nil); code(err) != misskey.CodeInvalidArgument {
				t.Errorf("%+v: %v", o, err)
			}
		}
		if _, err := misskey.StartSignIn(nil, e.fake.URL, misskey.MiAuthOptions{Permission: []string{"read:everything"}},
			misskey.OAuthOptions{ClientID: e.clientID, RedirectURI: e.redirectURI}, nil); code(err) != misskey.CodeInvalidArgument {
			t.Errorf("unknown scope: %v", err)
		}
	})
	t.Run("not a callback", func(t *testing.T) {
		if err := complete(e.redirectURI); code(err) != misskey.CodeNoSession {
			t.Fatalf("%v", err)
		}
	})
}

// An older server (no metadata) gets MiAuth from StartSignIn, and
// OAUTH_UNSUPPORTED from StartOAuth.
func TestSignInFallsBackToMiAuth(t *testing.T) {
	fake := misskeytest.NewUnstartedServer()
	fake.DisableOAuth = true
	fake.Start()
	defer fake.Close()
	srv, err := (&misskey.Client{Origin: fake.URL}).DiscoverOAuth(t.Context())
	if srv != nil || err != nil {
		t.Fatalf("discover on an older server: %+v, %v", srv, err)
	}
	s, err := misskey.StartSignIn(nil, fake.URL, misskey.MiAuthOptions{Permission: []string{"read:account"}, Name: "App"},
		misskey.OAuthOptions{ClientID: "https://app.example/", RedirectURI: "https://app.example/callback"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Method != "miauth" || !strings.HasPrefix(s.URL, fake.URL+"/miauth/"+s.ID+"?") ||
		!strings.Contains(s.URL, "callback="+url.QueryEscape("https://app.example/callback")) {
		t.Fatalf("%+v", s)
	}
	if _, err := misskey.StartOAuth(nil, misskey.OAuthOptions{}); code(err) != misskey.CodeOAuthUnsupported {
		t.Fatalf("StartOAuth(nil): %v", err)
	}
	// Without a clientId, MiAuth at once: nothing is asked of the server.
	fake.ResetRequests()
	if s, err := misskey.StartSignIn(nil, fake.URL, misskey.MiAuthOptions{Permission: []string{"read:account"}}, misskey.OAuthOptions{}, nil); err != nil || s.Method != "miauth" || len(fake.Requests()) != 0 {
		t.Fatalf("%+v %v (%d requests)", s, err, len(fake.Requests()))
	}
}

// A server that answers the metadata URL with its web page gets MiAuth;
// one that does not answer at all is NETWORK_ERROR.
func TestSignInDiscoveryWithoutJSON(t *testing.T) {
	fake := misskeytest.NewUnstartedServer()
	fake.DisableOAuth = true
	h := fake.Handler()
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/.well-known/") {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!DOCTYPE html><title>Misskey</title>"))
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer web.Close()
	defer fake.Close()
	opts := misskey.OAuthOptions{ClientID: "https://app.example/", RedirectURI: "https://app.example/callback"}
	s, err := misskey.StartSignIn(nil, web.URL, misskey.MiAuthOptions{Permission: []string{"read:account"}}, opts, nil)
	if err != nil || s.Method != "miauth" {
		t.Fatalf("%+v %v", s, err)
	}
	web.Close()
	if _, err := misskey.StartSignIn(nil, web.URL, misskey.MiAuthOptions{Permission: []string{"read:account"}}, opts, nil); code(err) != misskey.CodeNetworkError {
		t.Fatalf("an unreachable server: %v", err)
	}
}

func TestParseOAuthServer(t *testing.T) {
	const o = "https://misskey.example"
	good := `{"issuer":"https://misskey.example","authorization_endpoint":"https://misskey.example/oauth/authorize","token_endpoint":"https://misskey.example/oauth/token","code_challenge_methods_supported":["S256"],"response_types_supported":["code"],"scopes_supported":["read:account"],"authorization_response_iss_parameter_supported":true}`
	s, err := misskey.ParseOAuthServer(o, []byte(good))
	if err != nil || s.Issuer != o || !s.IssParameter || len(s.Scopes) != 1 {
		t.Fatalf("%+v %v", s, err)
	}
	for doc, want := range map[string]string{
		`[]`: misskey.CodeInvalidResponse,
		strings.Replace(good, `"token_endpoint":"https://misskey.example/`, `"token_endpoint":"https://evil.example/`, 1):                 misskey.CodeInvalidResponse,
		strings.Replace(good, `"authorization_endpoint":"https://misskey.example/`, `"authorization_endpoint":"https://evil.example/`, 1): misskey.CodeInvalidResponse,
		strings.Replace(good, `"issuer":"https://misskey.example"`, `"issuer":"https://evil.example"`, 1):                                 misskey.CodeInvalidResponse,
		strings.Replace(good, `["S256"]`, `["plain"]`, 1):                                                                                 misskey.CodeOAuthUnsupported,
		strings.Replace(good, `["code"]`, `["token"]`, 1):                                                                                 misskey.CodeOAuthUnsupported,
	} {
		if _, err := misskey.ParseOAuthServer(o, []byte(doc)); code(err) != want {
			t.Errorf("%s: %v, want %s", doc, err, want)
		}
	}
}

func TestOAuthClientPage(t *testing.T) {
	page, err := misskey.OAuthClientPage("https://app.example/", "https://app.example/cb?a=1&b=2", `My "app" <3`, "https://app.example/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	want := `<link rel="redirect_uri" href="https://app.example/cb?a=1&#38;b=2">` + "\n" +
		`<div class="h-app"><img class="u-logo" src="https://app.example/logo.png" alt=""><a class="u-url p-name" href="https://app.example/">My &#34;app&#34; &#60;3</a></div>` + "\n"
	if page != want {
		t.Fatalf("got\n%s\nwant\n%s", page, want)
	}
	if _, err := misskey.OAuthClientPage("app.example", "https://app.example/cb", "", ""); code(err) != misskey.CodeInvalidArgument {
		t.Fatalf("%v", err)
	}
	if _, err := misskey.OAuthClientPage("https://app.example/", "https://app.example/cb", "", "data:x"); code(err) != misskey.CodeInvalidArgument {
		t.Fatalf("%v", err)
	}
}
