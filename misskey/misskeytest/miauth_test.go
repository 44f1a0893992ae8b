//go:build !js

package misskeytest

import (
	"net/url"
	"strings"
	"testing"
)

func check(t *testing.T, s *Server, session string) map[string]any {
	t.Helper()
	// No body, no token: check needs neither.
	r := raw(t, "POST", s.URL+"/api/miauth/"+url.PathEscape(session)+"/check", "", nil)
	if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("check: %d %s", r.StatusCode, r.body)
	}
	return r.json(t)
}

func TestCheckSingleUse(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	const session = "0b7a6a8e-7c44-4d3a-9d0a-6a1f1c7f2b11"

	if c := check(t, s, session); c["ok"] != false || len(c) != 1 {
		t.Errorf("before approval: %v", c)
	}
	tok, err := s.Approve(session, alice, "My App", []string{"read:account", "write:notes", "write:nonsense"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 32 {
		t.Errorf("token %q", tok)
	}
	c := check(t, s, session)
	if c["ok"] != true || c["token"] != tok {
		t.Fatalf("after approval: %v", c)
	}
	u := c["user"].(map[string]any)
	if u["id"] != alice.ID || u["username"] != "alice" {
		t.Errorf("user %v", u)
	}
	if _, has := u["email"]; has {
		t.Errorf("check user has email")
	}
	if c := check(t, s, session); c["ok"] != false {
		t.Errorf("second check: %v", c)
	}
	if c := check(t, s, "unknown"); c["ok"] != false {
		t.Errorf("unknown session: %v", c)
	}

	// Unknown names were dropped.
	if got := strings.Join(s.TokenPermissions(tok), ","); got != "read:account,write:notes" {
		t.Errorf("permissions %q", got)
	}
	ok(t, s, "i", tok, nil)
	wantError(t, api(t, s, "i/notifications", map[string]any{"i": tok}), 403, "PERMISSION_DENIED", "permission")

	// A MiAuth token cannot approve another session, nor revoke itself.
	wantError(t, api(t, s, "miauth/gen-token", map[string]any{"i": tok, "session": "other", "permission": []string{"read:account"}}), 400, "ACCESS_DENIED", "client")
	wantError(t, api(t, s, "i/revoke-token", map[string]any{"i": tok, "token": tok}), 400, "ACCESS_DENIED", "client")

	// The approval notified alice with createToken.
	ns := ok(t, s, "i/notifications", alice.Token, nil).array(t)
	if len(ns) != 1 || ns[0].(map[string]any)["type"] != "createToken" {
		t.Errorf("notifications: %v", ns)
	}

	// Duplicates make gen-token fail, as on the real server.
	if _, err := s.Approve("dup", alice, "x", []string{"read:account", "read:account"}); err == nil {
		t.Errorf("duplicate permissions accepted")
	}
	if c := check(t, s, "dup"); c["ok"] != false {
		t.Errorf("dup: %v", c)
	}
}

func consentURL(s *Server, session string, q url.Values) string {
	return s.URL + "/miauth/" + url.PathEscape(session) + "?" + q.Encode()
}

func TestConsentPage(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	q := url.Values{
		"name":       {`<script>alert("x")</script>App`},
		"icon":       {"https://app.example/icon.png"},
		"callback":   {"https://app.example/cb"},
		"permission": {"read:account,write:notes,bogus,read:account"},
	}
	r := raw(t, "GET", consentURL(s, "sess", q), "", nil)
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("consent: %d %v", r.StatusCode, r.Header)
	}
	page := string(r.body)
	for _, want := range []string{
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;App`,
		`<img id="app-icon" src="https://app.example/icon.png"`,
		`<li data-permission="read:account">read:account</li>`,
		`<li data-permission="write:notes">write:notes</li>`,
		`id="allow"`, `id="deny"`, `action="/miauth/sess/allow"`, `action="/miauth/sess/deny"`,
		`Alice`, `@alice`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", `data-permission="bogus"`} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if strings.Count(page, `data-permission="read:account"`) != 1 {
		t.Errorf("duplicate permission shown twice")
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "onclick") {
		t.Errorf("page has scripts")
	}

	// A javascript: icon is neutralised by the template.
	q.Set("icon", "javascript:alert(1)")
	if page := string(raw(t, "GET", consentURL(s, "sess", q), "", nil).body); strings.Contains(page, `src="javascript:`) || !strings.Contains(page, `src="#ZgotmplZ"`) {
		t.Errorf("javascript icon kept")
	}
}

// allow posts the consent form as the Allow button does.
func allow(t *testing.T, s *Server, session string, form url.Values) resp {
	t.Helper()
	return raw(t, "POST", s.URL+"/miauth/"+url.PathEscape(session)+"/allow", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func TestAllowRedirect(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	cases := []struct{ callback, want string }{
		{"https://app.example/cb", "https://app.example/cb?session=S"},
		{"https://app.example/cb?x=1&session=old&y=2#frag", "https://app.example/cb?x=1&session=S&y=2#frag"},
		{"https://app.example/cb?session=a&session=b", "https://app.example/cb?session=S"},
		{"http://localhost:3000?q=a+b%20c~*#x", "http://localhost:3000/?q=a+b+c%7E*&session=S#x"},
		{"myapp://done?flag", "myapp://done?flag=&session=S"},
	}
	for i, c := range cases {
		session := "S"
		form := url.Values{"name": {"App"}, "callback": {c.callback}, "permission": {"read:account"}}
		r := allow(t, s, session, form)
		if r.StatusCode != 303 {
			t.Errorf("%d: status %d", i, r.StatusCode)
			continue
		}
		if got := r.Header.Get("Location"); got != c.want {
			t.Errorf("%d: Location %q, want %q", i, got, c.want)
		}
		if ch := check(t, s, session); ch["ok"] != true {
			t.Errorf("%d: check %v", i, ch)
		}
	}

	for _, cb := range []string{"javascript:alert(1)", "JavaScript:alert(1)", "file:///etc/passwd", "data:text/html,x", "mailto:a@b.c", "tel:123", "vbscript:x", "/relative"} {
		r := allow(t, s, "R", url.Values{"callback": {cb}, "permission": {"read:account"}})
		if r.StatusCode != 200 || r.Header.Get("Location") != "" {
			t.Errorf("%s: %d %q", cb, r.StatusCode, r.Header.Get("Location"))
		}
		check(t, s, "R") // consume
	}

	// No callback: a "go back" page; the token is there for check.
	r := allow(t, s, "N", url.Values{"name": {"App"}, "permission": {"read:account,bogus"}})
	if r.StatusCode != 200 || !strings.Contains(string(r.body), "go back to the app") {
		t.Errorf("no callback: %d %s", r.StatusCode, r.body)
	}
	c := check(t, s, "N")
	if c["ok"] != true {
		t.Fatalf("check: %v", c)
	}
	if got := strings.Join(s.TokenPermissions(c["token"].(string)), ","); got != "read:account" {
		t.Errorf("permissions %q", got)
	}

	// Duplicates: no token, no redirect.
	r = allow(t, s, "D", url.Values{"callback": {"https://app.example/cb"}, "permission": {"read:account,read:account"}})
	if r.StatusCode == 303 || r.Header.Get("Location") != "" {
		t.Errorf("duplicates redirected")
	}
	if c := check(t, s, "D"); c["ok"] != false {
		t.Errorf("duplicates: %v", c)
	}
}

func TestDeny(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	// The consent page's Deny button posts its form to the deny route.
	if page := string(raw(t, "GET", s.URL+"/miauth/X?name=App", "", nil).body); !strings.Contains(page, `action="/miauth/X/deny"`) {
		t.Errorf("the deny form does not post to /miauth/X/deny:\n%s", page)
	}
	r := raw(t, "POST", s.URL+"/miauth/X/deny", "application/x-www-form-urlencoded", []byte("name=App"))
	if r.StatusCode != 200 || r.Header.Get("Location") != "" || !strings.Contains(string(r.body), "denied") {
		t.Errorf("deny: %d %s", r.StatusCode, r.body)
	}
	if c := check(t, s, "X"); c["ok"] != false {
		t.Errorf("check after deny: %v", c)
	}
}

func TestSignedIn(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	if s.SignedIn().Username != "alice" {
		t.Fatalf("signed in: %v", s.SignedIn())
	}
	bob := s.AddUser("bob", "Bob")
	s.SetSignedIn(bob)
	if page := string(raw(t, "GET", s.URL+"/miauth/B?name=x", "", nil).body); !strings.Contains(page, "@bob") {
		t.Errorf("page does not show bob")
	}
	allow(t, s, "B", url.Values{"permission": {"read:account"}})
	if u := check(t, s, "B")["user"].(map[string]any); u["username"] != "bob" {
		t.Errorf("token user %v", u)
	}
	s.SetSignedIn(nil)
	if r := allow(t, s, "C", url.Values{}); r.StatusCode != 401 {
		t.Errorf("signed out allow: %d", r.StatusCode)
	}
	if s.User("nobody") != nil {
		t.Errorf("unknown user found")
	}
}

func TestSetSearchParam(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"", "session=v"},
		{"a=1", "a=1&session=v"},
		{"session=x", "session=v"},
		{"a=%zz&b=%C3%A9", "a=%25zz&b=%C3%A9&session=v"},
		{"&&a&", "a=&session=v"},
	} {
		if got := setSearchParam(c.in, "session", "v"); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
	if got := setSearchParam("", "session", "a b/é"); got != "session=a+b%2F%C3%A9" {
		t.Errorf("encoding: %q", got)
	}
}
