//go:build !js

package misskeytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// RFC 7636 appendix B: the verifier is the base64url of the octets
// 116, 24, 223, 180, ... 141, 121 listed there, the challenge that of
// their SHA-256.
const (
	rfcVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	// nearVerifier is a mistyped copy of the vector (from a brief) that
	// shares its first 14 characters: not the verifier of rfcChallenge.
	nearVerifier = "dBjftJeZ4CVP-mJ92IF0yv6IEixBNnNMFJYGhNU6nBw"
)

// The client page of packages/backend/test/e2e/oauth.ts.
const misklientPage = `
	<!DOCTYPE html>
	<link rel="redirect_uri" href="/redirect" />
	<div class="h-app"><a href="/" class="u-url p-name">Misklient
`

var noRedirect = &http.Client{
	Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

type oresp struct {
	*http.Response
	body string
}

func (r oresp) jsonMap(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

func odo(t *testing.T, method, u, contentType, body string, header ...string) oresp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return oresp{res, string(b)}
}

// clientPage is an app's client_id page on 127.0.0.1, whose answer a
// test may change.
type clientPage struct {
	*httptest.Server
	mu       sync.Mutex
	serve    http.HandlerFunc
	requests []*http.Request
}

func newClientPage(t *testing.T) *clientPage {
	p := &clientPage{}
	p.set(misklientPage, "")
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		f := p.serve
		p.requests = append(p.requests, r.Clone(context.Background()))
		p.mu.Unlock()
		f(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// set makes the page answer body, with a Link header if link is not "".
func (p *clientPage) set(body, link string) {
	p.setHandler(func(w http.ResponseWriter, r *http.Request) {
		if link != "" {
			w.Header().Set("Link", link)
		}
		io.WriteString(w, body)
	})
}

func (p *clientPage) setHandler(f http.HandlerFunc) {
	p.mu.Lock()
	p.serve = f
	p.mu.Unlock()
}

func (p *clientPage) id() string       { return p.URL + "/" }
func (p *clientPage) redirect() string { return p.URL + "/redirect" }

func newOAuthServer(t *testing.T) *misskeytest.Server {
	s := misskeytest.NewUnstartedServer()
	s.AllowLoopbackClientID = true
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// params are an authorization request's query parameters; a nil value
// leaves the parameter out, several values repeat it.
type params map[string][]string

func basicParams(p *clientPage) params {
	return params{
		"response_type":         {"code"},
		"client_id":             {p.id()},
		"redirect_uri":          {p.redirect()},
		"scope":                 {"write:notes"},
		"state":                 {"state"},
		"code_challenge":        {rfcChallenge},
		"code_challenge_method": {"S256"},
	}
}

func (ps params) with(kv ...any) params {
	out := params{}
	for k, v := range ps {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case nil:
			delete(out, kv[i].(string))
		case string:
			out[kv[i].(string)] = []string{v}
		case []string:
			out[kv[i].(string)] = v
		}
	}
	return out
}

func authorizeURL(s *misskeytest.Server, ps params) string {
	return s.URL + "/oauth/authorize?" + url.Values(ps).Encode()
}

var (
	metaRE   = regexp.MustCompile(`<meta name="misskey:oauth:([a-z-]+)" content="([^"]*)">`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)
	formRE   = regexp.MustCompile(`(?s)<form id="(allow|deny)-form" method="post" action="([^"]+)"[^>]*>(.*?)</form>`)
)

// pageMeta reads the consent page's misskey:oauth:* meta tags, as the
// real e2e test's getMeta does.
func pageMeta(body string) map[string]string {
	m := map[string]string{}
	for _, g := range metaRE.FindAllStringSubmatch(body, -1) {
		m[g[1]] = html.UnescapeString(g[2])
	}
	return m
}

// submit posts the consent page's Allow or Deny form as a browser would.
func submit(t *testing.T, s *misskeytest.Server, page, button string) oresp {
	t.Helper()
	for _, f := range formRE.FindAllStringSubmatch(page, -1) {
		if f[1] != button {
			continue
		}
		form := url.Values{}
		for _, in := range hiddenRE.FindAllStringSubmatch(f[3], -1) {
			form.Add(in[1], html.UnescapeString(in[2]))
		}
		return odo(t, "POST", s.URL+f[2], "application/x-www-form-urlencoded", form.Encode(),
			"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	}
	t.Fatalf("no %s form in %s", button, page)
	return oresp{}
}

// codeFrom checks a callback and returns its code.
func codeFrom(t *testing.T, s *misskeytest.Server, p *clientPage, callback string) string {
	t.Helper()
	u, err := url.Parse(callback)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got := u.Scheme + "://" + u.Host + u.Path; got != p.redirect() {
		t.Fatalf("callback %q is not at %s", callback, p.redirect())
	}
	if len(q.Get("code")) != 128 || q.Get("state") != "state" || q.Get("iss") != s.URL || q.Has("error") {
		t.Fatalf("callback %q: want a 128-character code, state=state, iss=%s", callback, s.URL)
	}
	return q.Get("code")
}

func approve(t *testing.T, s *misskeytest.Server, ps params) string {
	t.Helper()
	cb, err := s.ApproveOAuth(authorizeURL(s, ps))
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func tokenForm(p *clientPage, code, verifier string) url.Values {
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {p.redirect()}, "client_id": {p.id()}}
	if verifier != "" {
		v.Set("code_verifier", verifier)
	}
	return v
}

func postToken(t *testing.T, s *misskeytest.Server, form url.Values) oresp {
	t.Helper()
	return odo(t, "POST", s.URL+"/oauth/token", "application/x-www-form-urlencoded", form.Encode())
}

func wantOAuthError(t *testing.T, r oresp, status int, code, desc string) {
	t.Helper()
	want := fmt.Sprintf(`{"error":%q,"error_description":%q}`, code, desc)
	if r.StatusCode != status || r.body != want || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q (%s), want %d %s (application/json)", r.StatusCode, r.body, r.Header.Get("Content-Type"), status, want)
	}
}

func apiI(t *testing.T, s *misskeytest.Server, token string, bearer bool) oresp {
	t.Helper()
	if bearer {
		return odo(t, "POST", s.URL+"/api/i", "application/json", "{}", "Authorization", "Bearer "+token)
	}
	return odo(t, "POST", s.URL+"/api/i", "application/json", `{"i":"`+token+`"}`)
}

func TestOAuthMetadata(t *testing.T) {
	s := newOAuthServer(t)
	r := odo(t, "GET", s.URL+"/.well-known/oauth-authorization-server", "", "")
	scopes, _ := json.Marshal(misskeytest.Permissions())
	want := `{"issuer":"` + s.URL + `","authorization_endpoint":"` + s.URL + `/oauth/authorize","token_endpoint":"` + s.URL +
		`/oauth/token","scopes_supported":` + string(scopes) + `,"response_types_supported":["code"],"grant_types_supported":["authorization_code"],` +
		`"service_documentation":"https://misskey-hub.net","code_challenge_methods_supported":["S256"],"authorization_response_iss_parameter_supported":true}`
	if r.StatusCode != 200 || r.body != want || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("got %d %s %s\nwant %s", r.StatusCode, r.Header.Get("Content-Type"), r.body, want)
	}
	cors := map[string]string{
		"Access-Control-Allow-Origin":   "*",
		"Access-Control-Allow-Methods":  "GET, OPTIONS",
		"Access-Control-Allow-Headers":  "Accept",
		"Access-Control-Expose-Headers": "Vary",
	}
	pre := odo(t, "OPTIONS", s.URL+"/.well-known/oauth-authorization-server", "", "", "Origin", "https://app.example", "Access-Control-Request-Method", "GET")
	if pre.StatusCode != 204 {
		t.Fatalf("preflight: %d", pre.StatusCode)
	}
	for _, res := range []oresp{r, pre} {
		for k, v := range cors {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", res.Request.Method, res.Request.URL.Path, k, got, v)
			}
		}
	}
	if post := odo(t, "POST", s.URL+"/.well-known/oauth-authorization-server", "", ""); post.StatusCode != 404 ||
		post.Header.Get("Access-Control-Allow-Origin") != "" || !strings.Contains(post.body, `"Route POST:/.well-known/oauth-authorization-server not found"`) {
		t.Errorf("POST: %d %s", post.StatusCode, post.body)
	}
	var m map[string]any
	json.Unmarshal([]byte(r.body), &m)
	if !slices.Contains(m["scopes_supported"].([]any), any("write:notes")) {
		t.Error("scopes_supported lacks write:notes")
	}
}

// TestOAuthFlowOverHTTP opens the consent page, presses Allow by posting
// its form, exchanges the code and uses the token, all on the wire.
func TestOAuthFlowOverHTTP(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	ps := basicParams(p).with("scope", "write:notes read:account write:notes")
	page := odo(t, "GET", authorizeURL(s, ps), "", "")
	if page.StatusCode != 200 || page.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		page.Header.Get("Cache-Control") != "no-store" || page.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("consent page: %d %v\n%s", page.StatusCode, page.Header, page.body)
	}
	meta := pageMeta(page.body)
	if len(meta["transaction-id"]) != 128 || meta["client-name"] != "Misklient" || meta["scope"] != "write:notes read:account" {
		t.Fatalf("meta %v", meta)
	}
	if _, ok := meta["client-logo"]; ok {
		t.Errorf("client-logo without a u-logo: %v", meta)
	}
	for _, want := range []string{
		`<span id="app-name">Misklient</span>`,
		`Signed in as <strong>Alice</strong> (@alice)`,
		`<li data-permission="write:notes">write:notes</li>`,
		`<li data-permission="read:account">read:account</li>`,
		`<button id="allow" type="submit">Allow</button>`,
		`<button id="deny" type="submit">Deny</button>`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("consent page lacks %s", want)
		}
	}
	// The fake fetched the client page as Misskey does.
	p.mu.Lock()
	ua := p.requests[len(p.requests)-1].Header.Get("User-Agent")
	p.mu.Unlock()
	if ua != "Misskey/"+misskeytest.Version+" ("+s.URL+")" {
		t.Errorf("client page fetched with User-Agent %q", ua)
	}

	dec := submit(t, s, page.body, "allow")
	loc := dec.Header.Get("Location")
	if dec.StatusCode != 302 || dec.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		dec.body != "<p>Found. Redirecting to "+html.EscapeString(loc)+"</p>" || dec.Header.Get("Vary") != "Accept" {
		t.Fatalf("decision: %d %v %q", dec.StatusCode, dec.Header, dec.body)
	}
	code := codeFrom(t, s, p, loc)
	if want := p.redirect() + "?code=" + code + "&state=state&iss=" + url.QueryEscape(s.URL); loc != want {
		t.Fatalf("Location %q, want %q", loc, want)
	}

	s.ResetRequests()
	tok := postToken(t, s, tokenForm(p, code, rfcVerifier))
	var body struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal([]byte(tok.body), &body)
	want := `{"access_token":"` + body.AccessToken + `","scope":"write:notes read:account","token_type":"Bearer"}`
	if tok.StatusCode != 200 || tok.body != want || body.AccessToken == "" {
		t.Fatalf("token: %d %s, want %s", tok.StatusCode, tok.body, want)
	}
	for k, v := range map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache", "Access-Control-Allow-Origin": "*"} {
		if got := tok.Header.Get(k); got != v {
			t.Errorf("token answer: %s = %q, want %q", k, got, v)
		}
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/oauth/token" ||
		!strings.Contains(string(reqs[0].Body), "code_verifier="+rfcVerifier) {
		t.Fatalf("Requests() = %+v", reqs)
	}
	if got := s.TokenPermissions(body.AccessToken); !slices.Equal(got, []string{"write:notes", "read:account"}) {
		t.Errorf("TokenPermissions = %v", got)
	}

	for _, bearer := range []bool{true, false} {
		r := apiI(t, s, body.AccessToken, bearer)
		if r.StatusCode != 200 || r.jsonMap(t)["username"] != "alice" {
			t.Fatalf("i (bearer %v): %d %s", bearer, r.StatusCode, r.body)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/streaming?i="+body.AccessToken, nil)
	if err != nil {
		t.Fatalf("streaming with the OAuth token: %v (%v)", err, res)
	}
	c.Close(websocket.StatusNormalClosure, "")
}

func TestOAuthDenyOverHTTP(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	page := odo(t, "GET", authorizeURL(s, basicParams(p)), "", "")
	if page.StatusCode != 200 {
		t.Fatalf("%d %s", page.StatusCode, page.body)
	}
	dec := submit(t, s, page.body, "deny")
	loc := dec.Header.Get("Location")
	want := p.redirect() + "?error=access_denied&state=state&iss=" + url.QueryEscape(s.URL)
	if dec.StatusCode != 302 || loc != want {
		t.Fatalf("deny: %d %q, want 302 %q", dec.StatusCode, loc, want)
	}
	// The transaction is gone.
	again := submit(t, s, page.body, "allow")
	wantOAuthError(t, again, 403, "access_denied", "Invalid or expired transaction ID")
}

func TestOAuthAuthorizeErrors(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/"
	closed.Close()
	esc := url.QueryEscape
	iss := "&iss=" + esc(s.URL)

	tests := []struct {
		name   string
		page   string // client page body ("" keeps Misklient's)
		link   string // Link header
		status int    // for pages that answer an error
		ps     params
		// A direct error, or (code == "") a redirect to location.
		wantStatus int
		code, desc string
		location   string
	}{
		{name: "no parameters", ps: params{}, wantStatus: 400, code: "invalid_request", desc: "Missing required parameter: response_type"},
		{name: "empty response_type", ps: basicParams(p).with("response_type", ""), wantStatus: 400, code: "invalid_request", desc: "Missing required parameter: response_type"},
		{name: "implicit grant", ps: params{"response_type": {"token"}}, wantStatus: 501, code: "unsupported_response_type", desc: "Unsupported response type: token"},
		{name: "code token", ps: basicParams(p).with("response_type", "code token"), wantStatus: 501, code: "unsupported_response_type", desc: "Unsupported response type: code token"},
		{name: "repeated response_type", ps: basicParams(p).with("response_type", []string{"code", "code"}), wantStatus: 501, code: "unsupported_response_type", desc: "Unsupported response type: code,code"},
		{name: "no client_id", ps: basicParams(p).with("client_id", nil), wantStatus: 400, code: "invalid_request", desc: "Missing required parameter: client_id"},
		{name: "repeated client_id", ps: basicParams(p).with("client_id", []string{p.id(), p.id()}), wantStatus: 400, code: "invalid_request", desc: "Invalid parameter: client_id must be a string"},
		{name: "repeated scope", ps: basicParams(p).with("scope", []string{"write:notes", "read:account"}), wantStatus: 400, code: "invalid_request", desc: "Invalid parameter: scope must be a string"},
		{name: "client_id not a URL", ps: basicParams(p).with("client_id", "misklient"), wantStatus: 400, code: "invalid_request", desc: "client_id must be a valid URL"},
		{name: "client_id ftp", ps: basicParams(p).with("client_id", "ftp://misklient.example/"), wantStatus: 400, code: "invalid_request", desc: "client_id must be a valid HTTPS URL"},
		{name: "client_id fragment", ps: basicParams(p).with("client_id", p.id()+"#app"), wantStatus: 400, code: "invalid_request", desc: "client_id must not contain a fragment component"},
		{name: "client_id userinfo", ps: basicParams(p).with("client_id", "http://user@"+strings.TrimPrefix(p.id(), "http://")), wantStatus: 400, code: "invalid_request", desc: "client_id must not contain a username or a password"},
		{name: "client_id single-label host", ps: basicParams(p).with("client_id", "http://misklient/"), wantStatus: 400, code: "invalid_request", desc: "client_id must have a domain name as a host name"},
		{name: "client page 404", status: 404, ps: basicParams(p), wantStatus: 400, code: "invalid_request", desc: "Failed to fetch client information"},
		{name: "client page unreachable", ps: basicParams(p).with("client_id", closedURL), wantStatus: 500, code: "server_error", desc: "Failed to parse client information"},
		{name: "broken Link header", page: " ", link: "redirect_uri", ps: basicParams(p), wantStatus: 500, code: "server_error", desc: "Failed to parse client information"},
		{name: "h-app without url", page: `<link rel="redirect_uri" href="/redirect"><div class="h-app"><span class="p-name">Misklient</span></div>`, ps: basicParams(p), wantStatus: 500, code: "server_error", desc: "Failed to parse client information"},
		{name: "no redirect_uri declared", page: `<!DOCTYPE html><div class="h-app"><a href="/" class="u-url p-name">Misklient`, ps: basicParams(p), wantStatus: 400, code: "invalid_request", desc: "Invalid redirect_uri"},
		{name: "mismatching redirect_uri", ps: basicParams(p).with("redirect_uri", "http://127.0.0.2/"), wantStatus: 400, code: "invalid_request", desc: "Invalid redirect_uri"},
		{name: "redirect_uri extending the valid one", ps: basicParams(p).with("redirect_uri", p.redirect()+"ion"), wantStatus: 400, code: "invalid_request", desc: "Invalid redirect_uri"},
		{name: "no redirect_uri", ps: basicParams(p).with("redirect_uri", nil), wantStatus: 400, code: "invalid_request", desc: "Invalid redirect_uri"},
		{name: "redirect_uri checked before scope", ps: basicParams(p).with("redirect_uri", nil, "scope", nil), wantStatus: 400, code: "invalid_request", desc: "Invalid redirect_uri"},
		{name: "missing scope", ps: basicParams(p).with("scope", nil),
			location: p.redirect() + "?error=invalid_scope&error_description=%60scope%60+parameter+has+no+known+scope&state=state" + iss},
		{name: "empty scope", ps: basicParams(p).with("scope", ""),
			location: p.redirect() + "?error=invalid_scope&error_description=%60scope%60+parameter+has+no+known+scope&state=state" + iss},
		{name: "unknown scopes", ps: basicParams(p).with("scope", "test:unknown test:unknown2"),
			location: p.redirect() + "?error=invalid_scope&error_description=%60scope%60+parameter+has+no+known+scope&state=state" + iss},
		{name: "comma-separated scopes", ps: basicParams(p).with("scope", "write:notes,read:account"),
			location: p.redirect() + "?error=invalid_scope&error_description=%60scope%60+parameter+has+no+known+scope&state=state" + iss},
		{name: "no PKCE", ps: basicParams(p).with("code_challenge", nil, "code_challenge_method", nil),
			location: p.redirect() + "?error=invalid_request&error_description=%60code_challenge%60+parameter+is+required&state=state" + iss},
		{name: "only code_challenge", ps: basicParams(p).with("code_challenge_method", nil),
			location: p.redirect() + "?error=invalid_request&error_description=%60code_challenge_method%60+parameter+must+be+set+as+S256&state=state" + iss},
		{name: "only code_challenge_method", ps: basicParams(p).with("code_challenge", nil),
			location: p.redirect() + "?error=invalid_request&error_description=%60code_challenge%60+parameter+is+required&state=state" + iss},
		{name: "plain method", ps: basicParams(p).with("code_challenge_method", "plain"),
			location: p.redirect() + "?error=invalid_request&error_description=%60code_challenge_method%60+parameter+must+be+set+as+S256&state=state" + iss},
		{name: "unsupported method", ps: basicParams(p).with("code_challenge_method", "SSSS"),
			location: p.redirect() + "?error=invalid_request&error_description=%60code_challenge_method%60+parameter+must+be+set+as+S256&state=state" + iss},
		{name: "scope checked before PKCE, no state", ps: basicParams(p).with("scope", nil, "code_challenge", nil, "state", nil),
			location: p.redirect() + "?error=invalid_scope&error_description=%60scope%60+parameter+has+no+known+scope" + iss},
		{name: "redirect_uri with a query", page: `<link rel="redirect_uri" href="/redirect?app=1&amp;x=a%20b">`,
			ps:       basicParams(p).with("redirect_uri", p.redirect()+"?app=1&x=a%20b", "scope", "nope"),
			location: p.redirect() + "?app=1&x=a+b&error=invalid_scope&error_description=%60scope%60+parameter+has+no+known+scope&state=state" + iss},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := tt.page
			if page == "" {
				page = misklientPage
			}
			p.setHandler(func(w http.ResponseWriter, r *http.Request) {
				if tt.link != "" {
					w.Header().Set("Link", tt.link)
				}
				if tt.status != 0 {
					w.WriteHeader(tt.status)
				}
				io.WriteString(w, page)
			})
			defer p.set(misklientPage, "")
			u := authorizeURL(s, tt.ps)
			r := odo(t, "GET", u, "", "")
			if r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("the authorization endpoint sent CORS headers")
			}
			cb, err := s.ApproveOAuth(u)
			if tt.code != "" {
				wantOAuthError(t, r, tt.wantStatus, tt.code, tt.desc)
				var oe *misskeytest.OAuthError
				if !errors.As(err, &oe) || *oe != (misskeytest.OAuthError{Status: tt.wantStatus, Code: tt.code, Description: tt.desc}) || cb != "" {
					t.Fatalf("ApproveOAuth = %q, %v", cb, err)
				}
				return
			}
			if loc := r.Header.Get("Location"); r.StatusCode != 302 || loc != tt.location {
				t.Fatalf("got %d %q, want 302 %q", r.StatusCode, loc, tt.location)
			}
			if r.Header.Get("Content-Type") != "text/plain; charset=utf-8" || r.body != "Found. Redirecting to "+tt.location {
				t.Errorf("redirect body %q (%s)", r.body, r.Header.Get("Content-Type"))
			}
			if err != nil || cb != tt.location {
				t.Fatalf("ApproveOAuth = %q, %v; want %q", cb, err, tt.location)
			}
			if cb, err := s.DenyOAuth(u); err != nil || cb != tt.location {
				t.Fatalf("DenyOAuth = %q, %v; want %q", cb, err, tt.location)
			}
		})
	}
}

func TestOAuthClientDiscovery(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	happ := `<div class="h-app"><a href="/" class="u-url p-name">Misklient`
	tests := []struct {
		name, page, link string
		ps               params // nil: basicParams
		wantStatus       int    // 0: 200
		wantName         string // "": the client_id
		wantLogo         string
	}{
		{name: "link in HTML", page: misklientPage, wantName: "Misklient"},
		{name: "Link header", page: "<!DOCTYPE html>" + happ, link: `</redirect>; rel="redirect_uri"`, wantName: "Misklient"},
		{name: "mixed links", page: `<link rel="redirect_uri" href="/redirect2" />` + happ, link: `</redirect>; rel="redirect_uri"`, wantName: "Misklient"},
		{name: "several items in the Link header", page: happ, link: `</redirect2>; rel="redirect_uri",</redirect>; rel="redirect_uri"`, wantName: "Misklient"},
		{name: "several items in HTML", page: `<link rel="redirect_uri" href="/redirect2" /><link rel="redirect_uri" href="/redirect" />` + happ, wantName: "Misklient"},
		{name: "unquoted rel among others", page: happ, link: `</redirect>; rel=redirect_uri ; title="x"`, wantName: "Misklient"},
		{name: "space-separated rels in the Link header", page: happ, link: `</redirect>; rel="me redirect_uri"`, wantName: "Misklient"},
		{name: "absolute href", page: `<link href="` + p.redirect() + `" rel="redirect_uri">` + happ, wantName: "Misklient"},
		{name: "relative href without a slash", page: `<link rel="redirect_uri" href="redirect">` + happ, wantName: "Misklient"},
		{name: "rel in capitals", page: `<LINK REL="Redirect_URI" HREF="/redirect">` + happ, wantName: "Misklient"},
		{name: "link in a template is not read", page: `<template><link rel="redirect_uri" href="/redirect"></template>` + happ, wantStatus: 400},
		{name: "link in a comment is not read", page: `<!-- <link rel="redirect_uri" href="/redirect"> -->` + happ, wantStatus: 400},
		{name: "rel with another value is not read", page: `<link rel="redirect_uri me" href="/redirect">` + happ, wantStatus: 400},
		{name: "missing name", page: "", link: `</redirect>; rel="redirect_uri"`},
		{name: "with logo", link: `</redirect>; rel="redirect_uri"`, page: `<!DOCTYPE html>
			<div class="h-app">
				<a href="/" class="u-url p-name">Misklient</a>
				<img src="/logo.png" class="u-logo" />
			</div>`, wantName: "Misklient", wantLogo: p.URL + "/logo.png"},
		{name: "logo with alt is no string", link: `</redirect>; rel="redirect_uri"`,
			page: `<div class="h-app"><a href="/" class="u-url p-name">Misklient</a><img src="/logo.png" alt="logo" class="u-logo"></div>`, wantName: "Misklient"},
		{name: "missing logo", page: happ, link: `</redirect>; rel="redirect_uri"`, wantName: "Misklient"},
		{name: "mismatching URL in h-app", page: `<div class="h-app"><a href="/foo" class="u-url p-name">Misklient`, link: `</redirect>; rel="redirect_uri"`},
		{name: "implied name and url", page: `<link rel="redirect_uri" href="/redirect"><a class="h-app" href="/"> Mis&amp;klient </a>`, wantName: "Mis&klient"},
		{name: "implied url from the only link", page: `<link rel="redirect_uri" href="/redirect"><div class="h-app"><span class="p-name">App</span> <a href="/">home</a></div>`, wantName: "App"},
		{name: "h-app nested in another root is not an item", page: `<link rel="redirect_uri" href="/redirect"><div class="h-card"><div class="h-app"><a href="/" class="u-url p-name">Misklient</a></div></div>`},
		{name: "client_id normalised", ps: basicParams(p).with("client_id", strings.ToUpper("http://")+strings.TrimPrefix(p.URL, "http://")), page: misklientPage, wantName: "Misklient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.set(tt.page, tt.link)
			defer p.set(misklientPage, "")
			ps := tt.ps
			if ps == nil {
				ps = basicParams(p)
			}
			r := odo(t, "GET", authorizeURL(s, ps), "", "")
			if tt.wantStatus != 0 {
				wantOAuthError(t, r, tt.wantStatus, "invalid_request", "Invalid redirect_uri")
				return
			}
			if r.StatusCode != 200 {
				t.Fatalf("%d %s", r.StatusCode, r.body)
			}
			meta := pageMeta(r.body)
			name := tt.wantName
			if name == "" {
				name = p.id()
			}
			if meta["client-name"] != name || meta["client-logo"] != tt.wantLogo {
				t.Fatalf("client-name %q, client-logo %q; want %q, %q", meta["client-name"], meta["client-logo"], name, tt.wantLogo)
			}
			if tt.wantLogo != "" && !strings.Contains(r.body, `<img id="app-icon" src="`+tt.wantLogo+`"`) {
				t.Errorf("the page does not show the logo")
			}
		})
	}
}

// TestOAuthClientRedirected: relative redirect URIs are resolved against
// the page the client_id redirects to.
func TestOAuthClientRedirected(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	p.setHandler(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/app/", http.StatusFound)
			return
		}
		io.WriteString(w, `<link rel="redirect_uri" href="callback"><div class="h-app"><a class="u-url p-name" href="/">Misklient</a></div>`)
	})
	ps := basicParams(p).with("redirect_uri", p.URL+"/app/callback")
	cb := approve(t, s, ps)
	if !strings.HasPrefix(cb, p.URL+"/app/callback?code=") {
		t.Fatalf("callback %q", cb)
	}
	page := odo(t, "GET", authorizeURL(s, ps), "", "")
	// The h-app's url (/) is not the id once resolved against /app/? It
	// is: "/" resolves to the client_id.
	if page.StatusCode != 200 || pageMeta(page.body)["client-name"] != "Misklient" {
		t.Fatalf("%d %v", page.StatusCode, pageMeta(page.body))
	}
}

// TestOAuthProductionClientID: without AllowLoopbackClientID the fake
// refuses what a production server refuses.
func TestOAuthProductionClientID(t *testing.T) {
	s := misskeytest.NewServer()
	defer s.Close()
	p := newClientPage(t)
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, misklientPage) }))
	defer tls.Close()
	_, port, _ := net.SplitHostPort(tls.Listener.Addr().String())
	tests := []struct {
		clientID           string
		status             int
		code, desc         string
		tolerateDNSFailure bool
	}{
		{p.id(), 400, "invalid_request", "client_id must be a valid HTTPS URL", false},
		{tls.URL + "/", 400, "invalid_request", "client_id resolves to disallowed IP range.", false},
		{"https://localhost:" + port + "/", 400, "invalid_request", "client_id resolves to disallowed IP range.", true},
		{"https://[::1]:" + port + "/", 500, "ENOTFOUND", "getaddrinfo ENOTFOUND [::1]", false},
	}
	for _, tt := range tests {
		ps := basicParams(p).with("client_id", tt.clientID, "redirect_uri", tt.clientID+"redirect")
		r := odo(t, "GET", authorizeURL(s, ps), "", "")
		if tt.tolerateDNSFailure && r.StatusCode == 500 {
			continue // a resolver without localhost
		}
		wantOAuthError(t, r, tt.status, tt.code, tt.desc)
	}
}

func TestOAuthTokenEndpoint(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	newCode := func(t *testing.T) string {
		return codeFrom(t, s, p, approve(t, s, basicParams(p)))
	}
	junk := []struct {
		name     string
		verifier string
	}{
		{"verifier followed by junk", rfcVerifier + "x"},
		{"clipped verifier", rfcVerifier[:40]},
		{"verifier partly replaced", rfcVerifier[:len(rfcVerifier)-10] + strings.Repeat("x", 10)},
		{"no verifier", ""},
		{"the challenge as verifier", rfcChallenge},
		{"a mistyped RFC vector", nearVerifier},
	}
	for _, tt := range junk {
		t.Run(tt.name, func(t *testing.T) {
			code := newCode(t)
			wantOAuthError(t, postToken(t, s, tokenForm(p, code, tt.verifier)), 403, "invalid_grant", "Invalid authorization code")
			// The failed attempt used the code up.
			wantOAuthError(t, postToken(t, s, tokenForm(p, code, rfcVerifier)), 403, "invalid_grant", "Invalid authorization code")
		})
	}
	for _, tt := range []struct {
		name string
		edit func(url.Values)
	}{
		{"other redirect_uri", func(v url.Values) { v.Set("redirect_uri", "http://127.0.0.2/") }},
		{"redirect_uri extending the valid one", func(v url.Values) { v.Set("redirect_uri", p.redirect()+"ion") }},
		{"no redirect_uri", func(v url.Values) { v.Del("redirect_uri") }},
		{"no client_id", func(v url.Values) { v.Del("client_id") }},
		{"client_id not normalised", func(v url.Values) { v.Set("client_id", p.URL) }},
		{"repeated code_verifier", func(v url.Values) { v.Add("code_verifier", rfcVerifier) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := tokenForm(p, newCode(t), rfcVerifier)
			tt.edit(v)
			wantOAuthError(t, postToken(t, s, v), 403, "invalid_grant", "Invalid authorization code")
		})
	}
	for _, tt := range []struct {
		name, contentType, body string
		status                  int
		code, desc              string
	}{
		{"no body", "", "", 501, "unsupported_grant_type", "Unsupported grant type: undefined"},
		{"password grant", "application/x-www-form-urlencoded", "grant_type=password&username=alice&password=test", 501, "unsupported_grant_type", "Unsupported grant type: password"},
		{"client credentials grant", "application/x-www-form-urlencoded", "grant_type=client_credentials", 501, "unsupported_grant_type", "Unsupported grant type: client_credentials"},
		{"refresh grant", "application/json", `{"grant_type":"refresh_token","refresh_token":"x"}`, 501, "unsupported_grant_type", "Unsupported grant type: refresh_token"},
		{"JSON number grant_type", "application/json", `{"grant_type":5}`, 501, "unsupported_grant_type", "Unsupported grant type: 5"},
		{"multipart is not read", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nauthorization_code\r\n--x--\r\n", 501, "unsupported_grant_type", "Unsupported grant type: undefined"},
		{"no code", "application/x-www-form-urlencoded", "grant_type=authorization_code", 400, "invalid_request", "Missing required parameter: code"},
		{"empty code", "application/json", `{"grant_type":"authorization_code","code":""}`, 400, "invalid_request", "Missing required parameter: code"},
		{"bogus code", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=bogus&code_verifier=" + rfcVerifier, 403, "invalid_grant", "Invalid authorization code"},
		{"JSON number code", "application/json", `{"grant_type":"authorization_code","code":1}`, 403, "invalid_grant", "Invalid authorization code"},
		{"charset", "application/x-www-form-urlencoded; charset=latin1", "grant_type=authorization_code", 415, "server_error", `unsupported charset "LATIN1"`},
		{"too large", "application/x-www-form-urlencoded", "grant_type=authorization_code&x=" + strings.Repeat("a", 100<<10), 413, "server_error", "request entity too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := odo(t, "POST", s.URL+"/oauth/token", tt.contentType, tt.body)
			wantOAuthError(t, r, tt.status, tt.code, tt.desc)
			if r.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("no CORS header on an error")
			}
		})
	}
	t.Run("JSON not an object", func(t *testing.T) {
		r := odo(t, "POST", s.URL+"/oauth/token", "application/json", `"authorization_code"`)
		if m := r.jsonMap(t); r.StatusCode != 400 || m["error"] != "server_error" || r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("%d %s", r.StatusCode, r.body)
		}
	})
	t.Run("JSON body", func(t *testing.T) {
		code := newCode(t)
		b, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": p.redirect(), "client_id": p.id(), "code_verifier": rfcVerifier})
		r := odo(t, "POST", s.URL+"/oauth/token", "application/json; charset=utf-8", string(b))
		if m := r.jsonMap(t); r.StatusCode != 200 || m["token_type"] != "Bearer" || m["scope"] != "write:notes" {
			t.Fatalf("%d %s", r.StatusCode, r.body)
		}
	})
	t.Run("reuse revokes the token", func(t *testing.T) {
		code := codeFrom(t, s, p, approve(t, s, basicParams(p).with("scope", "read:account")))
		r := postToken(t, s, tokenForm(p, code, rfcVerifier))
		token, _ := r.jsonMap(t)["access_token"].(string)
		if r.StatusCode != 200 || apiI(t, s, token, true).StatusCode != 200 {
			t.Fatalf("first exchange: %d %s", r.StatusCode, r.body)
		}
		wantOAuthError(t, postToken(t, s, tokenForm(p, code, rfcVerifier)), 403, "invalid_grant", "Invalid authorization code")
		if r := apiI(t, s, token, true); r.StatusCode != 401 || r.jsonMap(t)["error"].(map[string]any)["code"] != "AUTHENTICATION_FAILED" {
			t.Fatalf("the token of a reused code: %d %s", r.StatusCode, r.body)
		}
		// The code is forgotten: a third try is just an unknown code.
		wantOAuthError(t, postToken(t, s, tokenForm(p, code, rfcVerifier)), 403, "invalid_grant", "Invalid authorization code")
	})
	t.Run("scopes", func(t *testing.T) {
		for _, tt := range []struct{ asked, granted string }{
			{"write:notes test:unknown test:unknown2", "write:notes"},
			{"write:notes write:notes read:account read:account", "write:notes read:account"},
			{"read:account  write:notes", "read:account write:notes"},
		} {
			code := codeFrom(t, s, p, approve(t, s, basicParams(p).with("scope", tt.asked)))
			r := postToken(t, s, tokenForm(p, code, rfcVerifier))
			if got := r.jsonMap(t)["scope"]; got != tt.granted {
				t.Errorf("scope %q: granted %v, want %q", tt.asked, got, tt.granted)
			}
		}
	})
	t.Run("scope checked by the API", func(t *testing.T) {
		code := codeFrom(t, s, p, approve(t, s, basicParams(p).with("scope", "read:account")))
		token := postToken(t, s, tokenForm(p, code, rfcVerifier)).jsonMap(t)["access_token"].(string)
		r := odo(t, "POST", s.URL+"/api/notes/create", "application/json", `{"text":"test"}`, "Authorization", "Bearer "+token)
		if r.StatusCode != 403 || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), `Bearer realm="Misskey", error="insufficient_scope", error_description`) {
			t.Fatalf("%d %s %q", r.StatusCode, r.body, r.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("preflight", func(t *testing.T) {
		r := odo(t, "OPTIONS", s.URL+"/oauth/token", "", "", "Origin", "https://app.example",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
		want := map[string]string{
			"Access-Control-Allow-Origin":  "*",
			"Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
			"Access-Control-Allow-Headers": "content-type",
			"Vary":                         "Access-Control-Request-Headers",
		}
		if r.StatusCode != 204 || r.body != "" {
			t.Fatalf("%d %q", r.StatusCode, r.body)
		}
		for k, v := range want {
			if got := r.Header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		bad := odo(t, "OPTIONS", s.URL+"/oauth/token", "", "")
		if bad.StatusCode != 400 || bad.body != "Invalid Preflight Request" || bad.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("OPTIONS without Origin: %d %q", bad.StatusCode, bad.body)
		}
	})
	t.Run("GET is unknown", func(t *testing.T) {
		r := odo(t, "GET", s.URL+"/oauth/token", "", "")
		if r.StatusCode != 404 || r.Header.Get("Access-Control-Allow-Origin") != "" ||
			r.body != `{"error":{"code":"UNKNOWN_OAUTH_ENDPOINT","id":"aa49e620-26cb-4e28-aad6-8cbcb58db147","kind":"client","message":"Unknown OAuth endpoint."}}` {
			t.Fatalf("%d %s", r.StatusCode, r.body)
		}
	})
}

// TestOAuthLifetimes: codes and transactions live 5 minutes on the fake's
// clock (an entry is forgotten once strictly older).
func TestOAuthLifetimes(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	var mu sync.Mutex
	now := time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	code := codeFrom(t, s, p, approve(t, s, basicParams(p)))
	advance(5 * time.Minute)
	if r := postToken(t, s, tokenForm(p, code, rfcVerifier)); r.StatusCode != 200 {
		t.Fatalf("a code 5 minutes old: %d %s", r.StatusCode, r.body)
	}
	code = codeFrom(t, s, p, approve(t, s, basicParams(p)))
	advance(5*time.Minute + time.Millisecond)
	wantOAuthError(t, postToken(t, s, tokenForm(p, code, rfcVerifier)), 403, "invalid_grant", "Invalid authorization code")

	page := odo(t, "GET", authorizeURL(s, basicParams(p)), "", "")
	advance(5*time.Minute + time.Millisecond)
	wantOAuthError(t, submit(t, s, page.body, "allow"), 403, "access_denied", "Invalid or expired transaction ID")
}

func TestOAuthDecisionErrors(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	txn := func() string {
		page := odo(t, "GET", authorizeURL(s, basicParams(p)), "", "")
		return pageMeta(page.body)["transaction-id"]
	}
	form := "application/x-www-form-urlencoded"
	for _, tt := range []struct {
		name, body string
		status     int
		code, desc string
	}{
		{"no login token", "transaction_id=" + txn(), 400, "invalid_request", "No user"},
		{"an app token is no login token", "transaction_id=" + txn() + "&login_token=" + s.IssueToken(s.User("alice"), "read:account"), 400, "invalid_request", "No such user"},
		{"no transaction ID", "login_token=" + s.User("alice").Token, 400, "invalid_request", "Missing transaction ID"},
		{"invalid transaction ID", "login_token=" + s.User("alice").Token + "&transaction_id=invalid_id", 403, "access_denied", "Invalid or expired transaction ID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := odo(t, "POST", s.URL+"/oauth/decision", form, tt.body)
			wantOAuthError(t, r, tt.status, tt.code, tt.desc)
			if r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Error("the decision endpoint sent CORS headers")
			}
		})
	}
	t.Run("transaction used up by an error", func(t *testing.T) {
		id := txn()
		wantOAuthError(t, odo(t, "POST", s.URL+"/oauth/decision", form, "transaction_id="+id), 400, "invalid_request", "No user")
		wantOAuthError(t, odo(t, "POST", s.URL+"/oauth/decision", form, "transaction_id="+id+"&login_token="+s.User("alice").Token),
			403, "access_denied", "Invalid or expired transaction ID")
	})
	t.Run("cancel needs no login token", func(t *testing.T) {
		r := odo(t, "POST", s.URL+"/oauth/decision", form, "transaction_id="+txn()+"&cancel=cancel")
		want := p.redirect() + "?error=access_denied&state=state&iss=" + url.QueryEscape(s.URL)
		if r.StatusCode != 302 || r.Header.Get("Location") != want || r.body != "Found. Redirecting to "+want {
			t.Fatalf("%d %q %q", r.StatusCode, r.Header.Get("Location"), r.body)
		}
	})
	t.Run("redirect body by Accept", func(t *testing.T) {
		r := odo(t, "POST", s.URL+"/oauth/decision", form, "transaction_id="+txn()+"&cancel=1", "Accept", "application/json")
		if r.StatusCode != 302 || r.body != "" || r.Header.Get("Content-Type") != "" || r.Header.Get("Location") == "" {
			t.Fatalf("%d %q %v", r.StatusCode, r.body, r.Header)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		s.SetSignedIn(nil)
		defer s.SetSignedIn(s.User("alice"))
		page := odo(t, "GET", authorizeURL(s, basicParams(p)), "", "")
		if !strings.Contains(page.body, `<p id="signed-in">Not signed in.</p>`) {
			t.Fatalf("page: %s", page.body)
		}
		wantOAuthError(t, submit(t, s, page.body, "allow"), 400, "invalid_request", "No user")
		_, err := s.ApproveOAuth(authorizeURL(s, basicParams(p)))
		var oe *misskeytest.OAuthError
		if !errors.As(err, &oe) || oe.Status != 400 || oe.Description != "No user" {
			t.Fatalf("ApproveOAuth signed out: %v", err)
		}
		if cb, err := s.DenyOAuth(authorizeURL(s, basicParams(p))); err != nil || !strings.Contains(cb, "error=access_denied") {
			t.Fatalf("DenyOAuth signed out: %q %v", cb, err)
		}
	})
}

func TestOAuthUnknownEndpoint(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	// The authorization checks run for any method and below
	// /oauth/authorize (express's app.use); only GET /oauth/authorize has
	// the page.
	valid := url.Values(basicParams(p)).Encode()
	for _, path := range []string{"/oauth/foo", "/oauth/authorizex", "/oauth/token/x", "/oauth/authorize?" + valid, "/oauth/authorize/x?" + valid} {
		r := odo(t, "POST", s.URL+path, "", "")
		if r.StatusCode != 404 || r.jsonMap(t)["error"].(map[string]any)["code"] != "UNKNOWN_OAUTH_ENDPOINT" {
			t.Errorf("%s: %d %s", path, r.StatusCode, r.body)
		}
	}
	wantOAuthError(t, odo(t, "POST", s.URL+"/oauth/authorize", "", ""), 400, "invalid_request", "Missing required parameter: response_type")
	wantOAuthError(t, odo(t, "GET", s.URL+"/oauth/decision", "", ""), 400, "invalid_request", "Missing transaction ID")
}

func TestOAuthDisabled(t *testing.T) {
	s := misskeytest.NewUnstartedServer()
	s.AllowLoopbackClientID = true
	s.DisableOAuth = true
	s.Start()
	defer s.Close()
	p := newClientPage(t)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/.well-known/oauth-authorization-server"},
		{"GET", "/oauth/authorize?" + url.Values(basicParams(p)).Encode()},
		{"POST", "/oauth/decision"},
		{"POST", "/oauth/token"},
		{"OPTIONS", "/oauth/token"},
	} {
		r := odo(t, tt.method, s.URL+tt.path, "", "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST")
		if r.StatusCode != 404 || r.Header.Get("Access-Control-Allow-Origin") != "" ||
			r.body != `{"message":"Route `+tt.method+`:`+tt.path+` not found","error":"Not Found","statusCode":404}` {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, r.StatusCode, r.body)
		}
	}
	_, err := s.ApproveOAuth(authorizeURL(s, basicParams(p)))
	var oe *misskeytest.OAuthError
	if !errors.As(err, &oe) || oe.Status != 404 {
		t.Fatalf("ApproveOAuth: %v", err)
	}
	// MiAuth and the API are still there.
	if r := odo(t, "POST", s.URL+"/api/meta", "application/json", "{}"); r.StatusCode != 200 {
		t.Fatalf("meta: %d", r.StatusCode)
	}
}

// TestOAuthHelpers: ApproveOAuth and DenyOAuth act as the signed-in user,
// with two flows at once.
func TestOAuthHelpers(t *testing.T) {
	s := newOAuthServer(t)
	p := newClientPage(t)
	bob := s.AddUser("bob", "Bob")

	ps := basicParams(p).with("scope", "read:account")
	aliceCB := approve(t, s, ps)
	s.SetSignedIn(bob)
	bobCB := approve(t, s, ps)
	s.SetSignedIn(s.User("alice"))

	for cb, who := range map[string]string{aliceCB: "alice", bobCB: "bob"} {
		r := postToken(t, s, tokenForm(p, codeFrom(t, s, p, cb), rfcVerifier))
		token, _ := r.jsonMap(t)["access_token"].(string)
		if i := apiI(t, s, token, false); i.StatusCode != 200 || i.jsonMap(t)["username"] != who {
			t.Errorf("token of %s: %d %s", who, i.StatusCode, i.body)
		}
	}

	cb, err := s.DenyOAuth(authorizeURL(s, basicParams(p)))
	if want := p.redirect() + "?error=access_denied&state=state&iss=" + url.QueryEscape(s.URL); err != nil || cb != want {
		t.Fatalf("DenyOAuth = %q, %v; want %q", cb, err, want)
	}
	for _, bad := range []string{"not a url", "/oauth/authorize?response_type=code", s.URL + "/miauth/x"} {
		if _, err := s.ApproveOAuth(bad); err == nil {
			t.Errorf("ApproveOAuth(%q) succeeded", bad)
		}
	}
	// The issuer is the host the URL names.
	alt := strings.Replace(authorizeURL(s, basicParams(p)), "127.0.0.1", "localhost", 1)
	if cb, err := s.ApproveOAuth(alt); err != nil || !strings.HasSuffix(cb, "&iss="+url.QueryEscape(strings.Replace(s.URL, "127.0.0.1", "localhost", 1))) {
		t.Fatalf("ApproveOAuth(%q) = %q, %v", alt, cb, err)
	}
}

func ExampleServer_ApproveOAuth() {
	// The app's client_id page declares its redirect URI and its name.
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<link rel="redirect_uri" href="/callback">
<div class="h-app"><a class="u-url p-name" href="/">My app</a></div>`)
	}))
	defer app.Close()

	srv := misskeytest.NewUnstartedServer()
	srv.AllowLoopbackClientID = true // the app is on 127.0.0.1, over http
	srv.Start()
	defer srv.Close()

	// PKCE S256: the challenge is base64url(sha256(verifier)) (RFC 7636,
	// appendix B).
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	challenge := "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	authorize := srv.URL + "/oauth/authorize?" + url.Values{
		"response_type":         {"code"},
		"client_id":             {app.URL + "/"},
		"redirect_uri":          {app.URL + "/callback"},
		"scope":                 {"read:account write:notes"},
		"state":                 {"xyz"},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}.Encode()

	// alice, the signed-in user, presses Allow.
	callback, err := srv.ApproveOAuth(authorize)
	if err != nil {
		panic(err)
	}
	cb, _ := url.Parse(callback)
	fmt.Println(cb.Path, cb.Query().Get("state"), cb.Query().Get("iss") == srv.URL)

	resp, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {cb.Query().Get("code")},
		"redirect_uri":  {app.URL + "/callback"},
		"client_id":     {app.URL + "/"},
		"code_verifier": {verifier},
	})
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	fmt.Println(resp.StatusCode, tok.TokenType, tok.Scope)

	req, _ := http.NewRequest("POST", srv.URL+"/api/i", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	me, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer me.Body.Close()
	var user struct {
		Username string `json:"username"`
	}
	json.NewDecoder(me.Body).Decode(&user)
	fmt.Println(me.StatusCode, user.Username)
	// Output:
	// /callback xyz true
	// 200 Bearer read:account write:notes
	// 200 alice
}
