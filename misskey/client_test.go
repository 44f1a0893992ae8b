//go:build !js

package misskey_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

func wantCode(t *testing.T, err error, code string, status int) *misskey.Error {
	t.Helper()
	var e *misskey.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *misskey.Error", err, err)
	}
	if e.Code != code || e.Status != status {
		t.Fatalf("got code %q status %d (%v), want %q %d", e.Code, e.Status, err, code, status)
	}
	return e
}

var (
	formRE   = regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	hiddenRE = regexp.MustCompile(`<input[^>]*type="hidden"[^>]*>`)
	attrRE   = regexp.MustCompile(`(name|value)="([^"]*)"`)
)

// clickButton does what a browser does when the user presses the consent
// page's button with the given id: it reads the page, submits that button's
// form, and returns where the answer redirects to ("" for no redirect).
func clickButton(t *testing.T, pageURL, id string) string {
	t.Helper()
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("consent page: %d %s", resp.StatusCode, page)
	}
	for _, m := range formRE.FindAllSubmatch(page, -1) {
		if !bytes.Contains(m[2], []byte(`id="`+id+`"`)) {
			continue
		}
		form := url.Values{}
		for _, in := range hiddenRE.FindAll(m[2], -1) {
			var name, value string
			for _, a := range attrRE.FindAllSubmatch(in, -1) {
				if string(a[1]) == "name" {
					name = html.UnescapeString(string(a[2]))
				} else {
					value = html.UnescapeString(string(a[2]))
				}
			}
			form.Add(name, value)
		}
		action, _ := url.Parse(html.UnescapeString(string(m[1])))
		base, _ := url.Parse(pageURL)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.PostForm(base.ResolveReference(action).String(), form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Location")
	}
	t.Fatalf("no form with a button %q on the consent page:\n%s", id, page)
	return ""
}

func TestSignInThroughConsentPage(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()

	auth, err := misskey.StartMiAuth(srv.URL, misskey.MiAuthOptions{
		Name:       "Test app & co",
		Icon:       "https://my.app/icon.png",
		Callback:   "https://my.app/callback?keep=1#frag",
		Permission: []string{"read:account", "write:notes", "read:account"},
	})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(auth.URL)
	if u.Path != "/miauth/"+auth.Session || u.Query().Get("name") != "Test app & co" ||
		u.Query().Get("permission") != "read:account,write:notes" || u.Query().Get("callback") != "https://my.app/callback?keep=1#frag" {
		t.Fatalf("consent URL %s", auth.URL)
	}

	c, err := misskey.NewClient(srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Before approval check says ok:false.
	_, err = c.CheckMiAuth(ctx, auth.Session)
	wantCode(t, err, misskey.CodeNotApproved, 200)

	loc := clickButton(t, auth.URL, "allow")
	if !strings.HasPrefix(loc, "https://my.app/callback?keep=1&session=") || !strings.HasSuffix(loc, "#frag") {
		t.Fatalf("Allow redirected to %q", loc)
	}
	session, err := misskey.SessionFromCallback(loc)
	if err != nil || session != auth.Session {
		t.Fatalf("SessionFromCallback(%q) = %q, %v; want %q", loc, session, err, auth.Session)
	}
	if got := misskey.StripSession(loc); got != "https://my.app/callback?keep=1#frag" {
		t.Errorf("StripSession = %q", got)
	}

	acct, err := c.CheckMiAuth(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Token == "" || acct.Username != "alice" || acct.UserID == "" || acct.Origin != srv.URL {
		t.Fatalf("account %+v", acct)
	}
	var user map[string]any
	if err := json.Unmarshal(acct.User, &user); err != nil || user["username"] != "alice" {
		t.Fatalf("user %s: %v", acct.User, err)
	}
	if _, ok := user["email"]; ok {
		t.Error("check's user carries an email")
	}

	// Single-use: the second check is ok:false.
	_, err = c.CheckMiAuth(ctx, session)
	wantCode(t, err, misskey.CodeNotApproved, 200)

	// The token works, with the permissions asked for and no others.
	me, err := misskey.NewClient(srv.URL, acct.Token)
	if err != nil {
		t.Fatal(err)
	}
	var i struct{ Username string }
	if err := me.Call(ctx, "i", nil, &i); err != nil || i.Username != "alice" {
		t.Fatalf("i: %+v %v", i, err)
	}
	if err := me.Call(ctx, "notes/create", map[string]any{"text": "hello"}, nil); err != nil {
		t.Fatal(err)
	}
	err = me.Call(ctx, "notes/reactions/create", map[string]any{"noteId": "x", "reaction": "👍"}, nil)
	if e := wantCode(t, err, "PERMISSION_DENIED", 403); e.Kind != "permission" || e.Endpoint != "notes/reactions/create" {
		t.Errorf("permission error %+v", e)
	}
}

func TestDenyGivesNotApproved(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	auth, err := misskey.StartMiAuth(srv.URL, misskey.MiAuthOptions{Name: "x", Callback: "https://my.app/cb", Permission: []string{"read:account"}})
	if err != nil {
		t.Fatal(err)
	}
	if loc := clickButton(t, auth.URL, "deny"); loc != "" {
		t.Fatalf("Deny redirected to %q", loc)
	}
	c, _ := misskey.NewClient(srv.URL, "")
	_, err = c.CheckMiAuth(context.Background(), auth.Session)
	wantCode(t, err, misskey.CodeNotApproved, 200)
}

func TestSessionsAreFreshUUIDs(t *testing.T) {
	seen := map[string]bool{}
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for range 100 {
		a, err := misskey.StartMiAuth("misskey.example", misskey.MiAuthOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(a.Session) || seen[a.Session] {
			t.Fatalf("session %q is not a fresh v4 UUID", a.Session)
		}
		seen[a.Session] = true
		if a.URL != "https://misskey.example/miauth/"+a.Session {
			t.Fatalf("URL %q", a.URL)
		}
	}
}

func TestStartMiAuthRefusals(t *testing.T) {
	for _, tc := range []struct {
		origin string
		opts   misskey.MiAuthOptions
		naming string
	}{
		{"http://misskey.example", misskey.MiAuthOptions{}, "http://misskey.example"},
		{"misskey.example/path", misskey.MiAuthOptions{}, "misskey.example/path"},
		{"misskey.example", misskey.MiAuthOptions{Permission: []string{"write:note"}}, "write:note"},
		{"misskey.example", misskey.MiAuthOptions{Callback: "javascript:alert(1)"}, "javascript:alert(1)"},
		{"misskey.example", misskey.MiAuthOptions{Callback: "/relative"}, "/relative"},
		{"misskey.example", misskey.MiAuthOptions{Icon: "data:image/png;base64,AAAA"}, "data:image/png"},
	} {
		_, err := misskey.StartMiAuth(tc.origin, tc.opts)
		e := wantCode(t, err, misskey.CodeInvalidArgument, 0)
		if !strings.Contains(e.Message, tc.naming) {
			t.Errorf("message %q does not name %q", e.Message, tc.naming)
		}
	}
	if _, err := misskey.StartMiAuth("http://misskey.example", misskey.MiAuthOptions{AllowHTTP: true}); err != nil {
		t.Errorf("AllowHTTP: %v", err)
	}
}

func TestSessionFromCallback(t *testing.T) {
	s, err := misskey.SessionFromCallback("https://my.app/cb?a=1&session=abc-DEF_1&b=2#x?session=no")
	if err != nil || s != "abc-DEF_1" {
		t.Fatalf("got %q, %v", s, err)
	}
	for _, u := range []string{"https://my.app/cb", "https://my.app/cb?session=", "https://my.app/cb#session=abc", "https://my.app/cb?sessions=abc"} {
		_, err := misskey.SessionFromCallback(u)
		wantCode(t, err, misskey.CodeNoSession, 0)
	}
	for _, u := range []string{"https://my.app/cb?session=../../api/i", "https://my.app/cb?session=a%2Fb", "/cb?session=abc"} {
		_, err := misskey.SessionFromCallback(u)
		wantCode(t, err, misskey.CodeInvalidArgument, 0)
	}
}

func TestWaitMiAuth(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, "")
	auth, _ := misskey.StartMiAuth(srv.URL, misskey.MiAuthOptions{Name: "poller", Permission: []string{"read:account"}})
	go func() {
		time.Sleep(700 * time.Millisecond)
		if _, err := srv.Approve(auth.Session, srv.SignedIn(), "poller", []string{"read:account"}); err != nil {
			t.Error(err)
		}
	}()
	acct, err := c.WaitMiAuth(context.Background(), auth.Session, misskey.WaitOptions{Interval: 500 * time.Millisecond, Timeout: 10 * time.Second})
	if err != nil || acct.Username != "alice" {
		t.Fatalf("WaitMiAuth: %+v, %v", acct, err)
	}
	checks := 0
	for _, r := range srv.Requests() {
		if r.Endpoint == "miauth/check" {
			checks++
		}
	}
	if checks < 2 || checks > 4 {
		t.Errorf("%d checks made in ~0.7 s at a 0.5 s interval", checks)
	}

	// Deadline.
	start := time.Now()
	_, err = c.WaitMiAuth(context.Background(), "never-approved", misskey.WaitOptions{Interval: 500 * time.Millisecond, Timeout: 800 * time.Millisecond})
	e := wantCode(t, err, misskey.CodeTimeout, 0)
	if !errors.Is(e, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("timeout error %v after %v", e, time.Since(start))
	}

	// Cancellation.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err = c.WaitMiAuth(ctx, "never-approved", misskey.WaitOptions{})
	if e := wantCode(t, err, misskey.CodeAborted, 0); !errors.Is(e, context.Canceled) {
		t.Errorf("abort error %v does not wrap context.Canceled", e)
	}

	// A server refusing check ends the wait at once.
	srv.SetFault("miauth/check", misskeytest.Fault{BadGateway: true})
	_, err = c.WaitMiAuth(context.Background(), "s", misskey.WaitOptions{Timeout: time.Minute})
	wantCode(t, err, misskey.CodeInvalidResponse, 502)
}

func TestCheckWrongShapes(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, "")
	for _, body := range []string{`{"ok":true}`, `{"ok":true,"token":5,"user":{"id":"x"}}`, `{"ok":true,"token":"t"}`, `{"ok":true,"token":"t","user":{}}`, `{"ok":"yes"}`, `[]`, `{"ok":tr`, `<html>`} {
		srv.SetFault("miauth/check", misskeytest.Fault{Status: 200, Body: []byte(body), ContentType: "application/json"})
		_, err := c.CheckMiAuth(context.Background(), "s")
		wantCode(t, err, misskey.CodeInvalidResponse, 200)
	}
	_, err := c.CheckMiAuth(context.Background(), "../i")
	wantCode(t, err, misskey.CodeInvalidArgument, 0)
}

func TestRequestErrors(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	alice := srv.SignedIn()
	ctx := context.Background()
	anon, _ := misskey.NewClient(srv.URL, "")
	me, _ := misskey.NewClient(srv.URL, alice.Token)
	bad, _ := misskey.NewClient(srv.URL, "not-a-token")
	readOnly, _ := misskey.NewClient(srv.URL, srv.IssueToken(alice, "read:account"))

	// Public endpoint, no token.
	raw, err := anon.Request(ctx, "meta", nil)
	if err != nil || !bytes.Contains(raw, []byte(`"version":"2025.11.1"`)) {
		t.Fatalf("meta: %s %v", raw, err)
	}

	_, err = anon.Request(ctx, "i", nil)
	wantCode(t, err, "CREDENTIAL_REQUIRED", 401)
	_, err = bad.Request(ctx, "i", nil)
	wantCode(t, err, "AUTHENTICATION_FAILED", 401)
	_, err = readOnly.Request(ctx, "notes/create", []byte(`{"text":"x"}`))
	if e := wantCode(t, err, "PERMISSION_DENIED", 403); e.Kind != "permission" || e.ID == "" {
		t.Errorf("%+v", e)
	}
	_, err = me.Request(ctx, "notes/create", []byte(`{"text":"x","visibility":"everyone"}`))
	e := wantCode(t, err, "INVALID_PARAM", 400)
	var info struct{ Param, Reason string }
	if json.Unmarshal(e.Info, &info) != nil || info.Param != "#/properties/visibility/enum" || info.Reason == "" {
		t.Errorf("INVALID_PARAM info %s", e.Info)
	}
	_, err = me.Request(ctx, "notes/show", []byte(`{"noteId":"aaaaaaaaaa"}`))
	wantCode(t, err, "NO_SUCH_NOTE", 400)

	// The unknown-endpoint 404 is Fastify's shape: its message is kept.
	_, err = me.Request(ctx, "no/such-endpoint", nil)
	if e := wantCode(t, err, misskey.CodeInvalidResponse, 404); !strings.Contains(e.Message, "Route POST:/api/no/such-endpoint not found") {
		t.Errorf("404 message %q", e.Message)
	}

	// 204: notes/delete.
	var created struct{ CreatedNote struct{ ID string } }
	if err := me.Call(ctx, "notes/create", map[string]string{"text": "to delete"}, &created); err != nil {
		t.Fatal(err)
	}
	raw, err = me.Request(ctx, "notes/delete", []byte(`{"noteId":"`+created.CreatedNote.ID+`"}`))
	if err != nil || raw != nil {
		t.Fatalf("delete: %q %v", raw, err)
	}

	// Caller's mistakes: nothing is sent.
	srv.ResetRequests()
	for _, ep := range []string{"", "../admin", "notes/create?x=1", "/i"} {
		_, err := me.Request(ctx, ep, nil)
		wantCode(t, err, misskey.CodeInvalidArgument, 0)
	}
	for _, p := range []string{`[]`, `"x"`, `{"a":}`, `null`} {
		_, err := me.Request(ctx, "i", []byte(p))
		wantCode(t, err, misskey.CodeInvalidArgument, 0)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for refused calls", n)
	}
}

func TestTokenOnlyInBody(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	tok := srv.SignedIn().Token
	me, _ := misskey.NewClient(srv.URL, tok)
	srv.ResetRequests()
	// An "i" in params cannot replace the client's token.
	if _, err := me.Request(context.Background(), "i", []byte(`{"i":"someone-else"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := me.Request(context.Background(), "notes/local-timeline", []byte(` { "limit" : 1 } `)); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.Requests() {
		if r.Method != "POST" || r.Token != tok || strings.Contains(r.Path+r.RawQuery, tok) || r.Header.Get("Authorization") != "" {
			t.Errorf("request %s %s?%s token %q auth %q", r.Method, r.Path, r.RawQuery, r.Token, r.Header.Get("Authorization"))
		}
		if r.Header.Get("Content-Type") != "application/json" || !json.Valid(r.Body) {
			t.Errorf("body %q (%s)", r.Body, r.Header.Get("Content-Type"))
		}
	}
}

func TestFaults(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, _ := misskey.NewClient(srv.URL, "")
	c.Timeout = 300 * time.Millisecond

	srv.SetFault("meta", misskeytest.Fault{BadGateway: true})
	_, err := c.Request(ctx, "meta", nil)
	if e := wantCode(t, err, misskey.CodeInvalidResponse, 502); !strings.Contains(e.Message, "502") {
		t.Errorf("502 message %q has no excerpt", e.Message)
	}

	srv.SetFault("meta", misskeytest.Fault{Drop: true})
	_, err = c.Request(ctx, "meta", nil)
	wantCode(t, err, misskey.CodeNetworkError, 0)

	srv.SetFault("meta", misskeytest.Fault{Hang: true})
	start := time.Now()
	_, err = c.Request(ctx, "meta", nil)
	if e := wantCode(t, err, misskey.CodeTimeout, 0); !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("%v does not wrap DeadlineExceeded", e)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timeout took %v", d)
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = c.Request(cctx, "meta", nil)
	if e := wantCode(t, err, misskey.CodeAborted, 0); !errors.Is(e, context.Canceled) {
		t.Errorf("%v does not wrap Canceled", e)
	}

	for _, tc := range []struct {
		status      int
		body, ctype string
		code        string
	}{
		{503, "<html>Service Unavailable</html>", "text/html", misskey.CodeInvalidResponse},
		{200, "<html>captive portal</html>", "text/html", misskey.CodeInvalidResponse},
		{200, `{"version":`, "", misskey.CodeInvalidResponse},
		{500, "", "", misskey.CodeInvalidResponse},
		{500, `{"error":{"message":"Internal error occurred.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server"}}`, "application/json", "INTERNAL_ERROR"},
	} {
		srv.SetFault("meta", misskeytest.Fault{Status: tc.status, Body: []byte(tc.body), ContentType: tc.ctype})
		_, err = c.Request(ctx, "meta", nil)
		wantCode(t, err, tc.code, tc.status)
	}
	// A truncated JSON answer labelled JSON is handed on raw; Call finds it.
	srv.SetFault("meta", misskeytest.Fault{Status: 200, Body: []byte(`{"version":`), ContentType: "application/json"})
	err = c.Call(ctx, "meta", nil, &struct{}{})
	wantCode(t, err, misskey.CodeInvalidResponse, 200)
	srv.ClearFaults()
	if _, err := c.Request(ctx, "meta", nil); err != nil {
		t.Fatalf("after faults: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, _ := misskey.NewClient(srv.URL, "")

	srv.SetFault("meta", misskeytest.Fault{RateLimit: true, RetryAfter: 300 * time.Millisecond, Times: 2})
	_, err := c.Request(ctx, "meta", nil)
	e := wantCode(t, err, misskey.CodeRateLimitExceeded, 429)
	if e.RetryAfter <= 0 || e.RetryAfter > time.Second {
		t.Errorf("RetryAfter = %v", e.RetryAfter)
	}

	// Opt-in retry: one more 429, then success, after waiting.
	c.RateLimitRetries = 3
	srv.ResetRequests()
	start := time.Now()
	if _, err := c.Request(ctx, "meta", nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("retried after %v, sooner than the server asked", d)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	// Bounded: a server that keeps refusing gets RateLimitRetries+1 requests.
	srv.SetFault("meta", misskeytest.Fault{RateLimit: true, RetryAfter: 10 * time.Millisecond})
	srv.ResetRequests()
	c.RateLimitRetries = 2
	_, err = c.Request(ctx, "meta", nil)
	wantCode(t, err, misskey.CodeRateLimitExceeded, 429)
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	// A wait longer than the context allows is not started.
	srv.SetFault("meta", misskeytest.Fault{RateLimit: true, RetryAfter: 30 * time.Second})
	dctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	start = time.Now()
	_, err = c.Request(dctx, "meta", nil)
	wantCode(t, err, misskey.CodeRateLimitExceeded, 429)
	if time.Since(start) > 500*time.Millisecond {
		t.Error("waited for a retry that could not happen in time")
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer target.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	c, _ := misskey.NewClient(redirector.URL, "secret-token")
	_, err := c.Request(context.Background(), "i", nil)
	wantCode(t, err, misskey.CodeInvalidResponse, 307)
	if hits.Load() != 0 {
		t.Error("the redirect was followed: the token went to another server")
	}
}

func TestResponseSizeCap(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`["`))
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 20 {
			w.Write(chunk)
		}
		w.Write([]byte(`"]`))
	}))
	defer big.Close()
	c, _ := misskey.NewClient(big.URL, "")
	_, err := c.Request(context.Background(), "meta", nil)
	wantCode(t, err, misskey.CodeInvalidResponse, 200)
}

func TestNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	c, _ := misskey.NewClient(addr, "")
	_, err := c.Request(context.Background(), "meta", nil)
	wantCode(t, err, misskey.CodeNetworkError, 0)
	_, err = c.CheckMiAuth(context.Background(), "abc")
	wantCode(t, err, misskey.CodeNetworkError, 0)
}

// An upload is sent again after a rate limit only with its file rewound;
// a file that cannot be rewound is not sent again.
func TestUploadRetryRewinds(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("file")
		if err != nil {
			t.Error(err)
			return
		}
		b, _ := io.ReadAll(f)
		mu.Lock()
		sizes = append(sizes, len(b))
		first := len(sizes) == 1
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if first {
			w.WriteHeader(429)
			w.Write([]byte(`{"error":{"code":"RATE_LIMIT_EXCEEDED","info":{"resetMs":10}}}`))
			return
		}
		w.Write([]byte(`{"id":"f","size":` + strconv.Itoa(len(b)) + `}`))
	}))
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, "tok")
	c.RateLimitRetries = 1
	if _, err := c.Upload(context.Background(), strings.NewReader("hello world"), misskey.UploadOptions{Name: "a.txt"}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[11 11]" {
		t.Errorf("file sizes sent: %v, want [11 11]", sizes)
	}
	sizes = nil
	_, err := c.Upload(context.Background(), io.MultiReader(strings.NewReader("hello world")), misskey.UploadOptions{Name: "a.txt"})
	wantCode(t, err, "RATE_LIMIT_EXCEEDED", 429)
	if fmt.Sprint(sizes) != "[11]" {
		t.Errorf("a reader that cannot be rewound was sent %v", sizes)
	}
}
