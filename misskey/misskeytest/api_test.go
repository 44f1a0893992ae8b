//go:build !js

package misskeytest

import (
	"bytes"
	"crypto/md5"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMeta(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	r := ok(t, s, "meta", "", nil)
	m := r.json(t)
	if m["version"] != "2025.11.1" || m["uri"] != s.URL || m["name"] == nil {
		t.Errorf("meta: %s", r.body)
	}
	if f, _ := m["features"].(map[string]any); f["miauth"] != true {
		t.Errorf("features.miauth missing: %v", m["features"])
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("no CORS header")
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	// meta also allows GET, as on the real server.
	if r := raw(t, "GET", s.URL+"/api/meta", "", nil); r.StatusCode != 200 || r.json(t)["version"] != "2025.11.1" {
		t.Errorf("GET meta: %d %s", r.StatusCode, r.body)
	}
}

func TestBodyErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")

	// No body at all: INVALID_PARAM "must be object" (after authentication).
	r := raw(t, "POST", s.URL+"/api/meta", "", nil)
	e := wantError(t, r, 400, "INVALID_PARAM", "client")
	if info, _ := e["info"].(map[string]any); info["param"] != "#/type" || info["reason"] != "must be object" {
		t.Errorf("info %v", e["info"])
	}
	r = raw(t, "POST", s.URL+"/api/i", "", nil, "Authorization", "Bearer "+alice.Token)
	wantError(t, r, 400, "INVALID_PARAM", "client")
	// A JSON array is not an object either.
	wantError(t, raw(t, "POST", s.URL+"/api/meta", "application/json", []byte(`[1]`)), 400, "INVALID_PARAM", "client")

	// Malformed JSON: Fastify's own shape.
	r = raw(t, "POST", s.URL+"/api/meta", "application/json", []byte(`{"i":`))
	if r.StatusCode != 400 {
		t.Fatalf("malformed: %d", r.StatusCode)
	}
	m := r.json(t)
	if m["statusCode"] != 400.0 || m["code"] != "FST_ERR_CTP_INVALID_JSON_BODY" || m["error"] != "Bad Request" || m["message"] == nil {
		t.Errorf("malformed: %s", r.body)
	}
	// Content-Type json with an empty body.
	r = raw(t, "POST", s.URL+"/api/meta", "application/json", nil)
	if r.StatusCode != 400 || r.json(t)["code"] != "FST_ERR_CTP_EMPTY_JSON_BODY" {
		t.Errorf("empty json: %d %s", r.StatusCode, r.body)
	}
	// Over 1 MiB.
	big := append([]byte(`{"text":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	big = append(big, `"}`...)
	r = raw(t, "POST", s.URL+"/api/meta", "application/json", big)
	if r.StatusCode != 413 || r.json(t)["code"] != "FST_ERR_CTP_BODY_TOO_LARGE" {
		t.Errorf("big: %d %s", r.StatusCode, r.body)
	}
	// Unsupported media type.
	r = raw(t, "POST", s.URL+"/api/meta", "application/xml", []byte(`<a/>`))
	if r.StatusCode != 415 || r.json(t)["code"] != "FST_ERR_CTP_INVALID_MEDIA_TYPE" {
		t.Errorf("xml: %d %s", r.StatusCode, r.body)
	}
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")

	r := api(t, s, "i", map[string]any{})
	wantError(t, r, 401, "CREDENTIAL_REQUIRED", "client")
	if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="Misskey"` {
		t.Errorf("WWW-Authenticate %q", got)
	}
	// i: null is no token.
	wantError(t, api(t, s, "i", map[string]any{"i": nil}), 401, "CREDENTIAL_REQUIRED", "client")

	for _, tok := range []string{"", "not-a-token"} {
		r := api(t, s, "i", map[string]any{"i": tok})
		wantError(t, r, 401, "AUTHENTICATION_FAILED", "client")
		if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="Misskey", error="invalid_token", error_description="Failed to authenticate"` {
			t.Errorf("WWW-Authenticate %q", got)
		}
	}
	// Bad token even on a public endpoint.
	wantError(t, api(t, s, "meta", map[string]any{"i": "nope"}), 401, "AUTHENTICATION_FAILED", "client")

	// Bearer header works, and wins over the body.
	r = api(t, s, "i", map[string]any{"i": "nope"}, "Authorization", "Bearer "+alice.Token)
	if r.StatusCode != 200 || r.json(t)["username"] != "alice" {
		t.Errorf("Bearer: %d %s", r.StatusCode, r.body)
	}
	r = api(t, s, "i", map[string]any{"i": alice.Token}, "Authorization", "Bearer nope")
	wantError(t, r, 401, "AUTHENTICATION_FAILED", "client")
	// "bearer" (lower case) is not understood.
	wantError(t, api(t, s, "i", map[string]any{}, "Authorization", "bearer "+alice.Token), 401, "CREDENTIAL_REQUIRED", "client")
}

func TestNonStringTokenHangs(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	c := &http.Client{Timeout: 200 * time.Millisecond}
	start := time.Now()
	_, err := c.Post(s.URL+"/api/i", "application/json", strings.NewReader(`{"i":123}`))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a timeout, got %v", err)
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Errorf("answered too early")
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	tok := s.IssueToken(alice, "read:account")

	r := api(t, s, "notes/create", map[string]any{"i": tok, "text": "hi"})
	e := wantError(t, r, 403, "PERMISSION_DENIED", "permission")
	if e["id"] != "1370e5b7-d4eb-4566-bb1d-7748ee6a1838" {
		t.Errorf("id %v", e["id"])
	}
	if got := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, `Bearer realm="Misskey", error="insufficient_scope"`) {
		t.Errorf("WWW-Authenticate %q", got)
	}
	// The token works where its permission suffices, and on public endpoints.
	r = ok(t, s, "i", tok, nil)
	m := r.json(t)
	if m["id"] != alice.ID || m["name"] != "Alice" || m["host"] != nil || m["avatarUrl"] == nil || m["followersCount"] != 0.0 {
		t.Errorf("i: %s", r.body)
	}
	if _, has := m["email"]; has {
		t.Errorf("app token sees email")
	}
	ok(t, s, "notes/local-timeline", tok, nil)

	// A native token has every permission.
	ok(t, s, "notes/create", alice.Token, map[string]any{"text": "hi"})

	// Revoked tokens fail.
	s.RevokeToken(tok)
	wantError(t, api(t, s, "i", map[string]any{"i": tok}), 401, "AUTHENTICATION_FAILED", "client")
}

func TestSecureEndpoints(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	tok := s.IssueToken(alice, Permissions()...)

	for _, ep := range []string{"i/revoke-token", "miauth/gen-token"} {
		r := api(t, s, ep, map[string]any{"i": tok, "tokenId": s.TokenID(tok), "session": "x", "permission": []string{}})
		e := wantError(t, r, 400, "ACCESS_DENIED", "client")
		if e["id"] != "56f35758-7dd5-468b-8439-5d6fb8ec9b8e" {
			t.Errorf("%s: id %v", ep, e["id"])
		}
		// Anonymous calls get the same answer.
		wantError(t, api(t, s, ep, map[string]any{}), 400, "ACCESS_DENIED", "client")
	}
	ok(t, s, "i", tok, nil)
	// The user's own (native) token may revoke it.
	r := ok(t, s, "i/revoke-token", alice.Token, map[string]any{"tokenId": s.TokenID(tok)})
	if r.StatusCode != 204 {
		t.Errorf("revoke: %d", r.StatusCode)
	}
	wantError(t, api(t, s, "i", map[string]any{"i": tok}), 401, "AUTHENTICATION_FAILED", "client")

	// gen-token with a native token creates a MiAuth token for the session.
	r = ok(t, s, "miauth/gen-token", alice.Token, map[string]any{"session": "sess", "name": "App", "permission": []string{"read:account"}})
	gen, _ := r.json(t)["token"].(string)
	c := api(t, s, "miauth/sess/check", nil).json(t)
	if c["ok"] != true || c["token"] != gen {
		t.Errorf("check after gen-token: %v", c)
	}
	wantError(t, api(t, s, "miauth/gen-token", map[string]any{"i": alice.Token, "session": "s2", "permission": []string{"read:account", "read:account"}}), 400, "INVALID_PARAM", "client")
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)

	// Unknown endpoint: Fastify's 404, without CORS headers.
	r := api(t, s, "no/such", map[string]any{})
	if r.StatusCode != 404 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("unknown: %d %v", r.StatusCode, r.Header)
	}
	m := r.json(t)
	if m["message"] != "Route POST:/api/no/such not found" || m["error"] != "Not Found" || m["statusCode"] != 404.0 {
		t.Errorf("unknown: %s", r.body)
	}

	// GET on an endpoint that does not allow it: 405, empty body.
	r = raw(t, "GET", s.URL+"/api/notes/create", "", nil)
	if r.StatusCode != 405 || len(r.body) != 0 || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET: %d %q", r.StatusCode, r.body)
	}
	// GET on check: 404 UNKNOWN_API_ENDPOINT.
	wantError(t, raw(t, "GET", s.URL+"/api/miauth/abc/check", "", nil), 404, "UNKNOWN_API_ENDPOINT", "client")

	// Preflight.
	req, _ := http.NewRequest("OPTIONS", s.URL+"/api/notes/create", nil)
	req.Header.Set("Origin", "http://example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,authorization")
	r = do(t, req)
	if r.StatusCode != 204 || len(r.body) != 0 {
		t.Errorf("preflight: %d", r.StatusCode)
	}
	for k, v := range map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
		"Access-Control-Allow-Headers": "content-type,authorization",
	} {
		if got := r.Header.Get(k); got != v {
			t.Errorf("preflight %s: %q, want %q", k, got, v)
		}
	}
	if r.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("credentials allowed")
	}
}

func TestNotes(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")

	r := ok(t, s, "notes/create", alice.Token, map[string]any{"text": "hello @bob", "cw": "cw!", "visibility": "home"})
	n := r.json(t)["createdNote"].(map[string]any)
	id := n["id"].(string)
	if !regexp.MustCompile(`^[0-9a-z]{10}$`).MatchString(id) {
		t.Errorf("id %q", id)
	}
	if n["text"] != "hello @bob" || n["cw"] != "cw!" || n["visibility"] != "home" || n["userId"] != alice.ID {
		t.Errorf("note: %v", n)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(n["createdAt"].(string)) {
		t.Errorf("createdAt %v", n["createdAt"])
	}
	if u := n["user"].(map[string]any); u["username"] != "alice" || u["host"] != nil || u["avatarUrl"] == nil {
		t.Errorf("user %v", u)
	}
	for _, k := range []string{"renoteCount", "repliesCount", "reactions", "fileIds", "files", "replyId", "renoteId"} {
		if _, has := n[k]; !has {
			t.Errorf("note lacks %s", k)
		}
	}

	// Parameter errors.
	e := wantError(t, api(t, s, "notes/create", map[string]any{"i": alice.Token, "text": "x", "visibility": "everyone"}), 400, "INVALID_PARAM", "client")
	if info := e["info"].(map[string]any); info["param"] != "#/properties/visibility/enum" || info["reason"] != "must be equal to one of the allowed values" {
		t.Errorf("info %v", info)
	}
	wantError(t, api(t, s, "notes/create", map[string]any{"i": alice.Token}), 400, "INVALID_PARAM", "client")
	wantError(t, api(t, s, "notes/create", map[string]any{"i": alice.Token, "text": ""}), 400, "INVALID_PARAM", "client")
	wantError(t, api(t, s, "notes/create", map[string]any{"i": alice.Token, "text": "x", "replyId": "zzzzzzzzzz"}), 400, "NO_SUCH_REPLY_TARGET", "client")
	wantError(t, api(t, s, "notes/create", map[string]any{"i": alice.Token, "fileIds": []string{"zzzzzzzzzz"}}), 400, "NO_SUCH_FILE", "client")

	// show: public, anonymous.
	r = ok(t, s, "notes/show", "", map[string]any{"noteId": id})
	if r.json(t)["text"] != "hello @bob" {
		t.Errorf("show: %s", r.body)
	}
	wantError(t, api(t, s, "notes/show", map[string]any{"noteId": "zzzzzzzzzz"}), 400, "NO_SUCH_NOTE", "client")
	wantError(t, api(t, s, "notes/show", map[string]any{}), 400, "INVALID_PARAM", "client")

	// bob was mentioned.
	ns := ok(t, s, "i/notifications", bob.Token, nil).array(t)
	if len(ns) != 1 || ns[0].(map[string]any)["type"] != "mention" {
		t.Errorf("bob's notifications: %v", ns)
	}

	// Reactions.
	r = ok(t, s, "notes/reactions/create", bob.Token, map[string]any{"noteId": id, "reaction": "👍"})
	if r.StatusCode != 204 || len(r.body) != 0 {
		t.Errorf("react: %d", r.StatusCode)
	}
	wantError(t, api(t, s, "notes/reactions/create", map[string]any{"i": bob.Token, "noteId": id, "reaction": "👍"}), 400, "ALREADY_REACTED", "client")
	wantError(t, api(t, s, "notes/reactions/create", map[string]any{"i": bob.Token, "noteId": "zzzzzzzzzz", "reaction": "👍"}), 400, "NO_SUCH_NOTE", "client")
	n = ok(t, s, "notes/show", bob.Token, map[string]any{"noteId": id}).json(t)
	if rs := n["reactions"].(map[string]any); rs["👍"] != 1.0 || n["myReaction"] != "👍" || n["reactionCount"] != 1.0 {
		t.Errorf("reactions: %v", n)
	}
	ns = ok(t, s, "i/notifications", alice.Token, nil).array(t)
	if len(ns) != 1 || ns[0].(map[string]any)["type"] != "reaction" || ns[0].(map[string]any)["reaction"] != "👍" {
		t.Errorf("alice's notifications: %v", ns)
	}

	// Delete: someone else's note is ACCESS_DENIED, own note 204 without content type.
	wantError(t, api(t, s, "notes/delete", map[string]any{"i": bob.Token, "noteId": id}), 400, "ACCESS_DENIED", "client")
	r = ok(t, s, "notes/delete", alice.Token, map[string]any{"noteId": id})
	if r.StatusCode != 204 || len(r.body) != 0 || r.Header.Get("Content-Type") != "" {
		t.Errorf("delete: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.body)
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("delete: no CORS header")
	}
	wantError(t, api(t, s, "notes/delete", map[string]any{"i": alice.Token, "noteId": id}), 400, "NO_SUCH_NOTE", "client")
}

func TestFollowingAndTimelines(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	carol := s.AddUser("carol", "Carol")

	r := ok(t, s, "following/create", alice.Token, map[string]any{"userId": bob.ID})
	if r.json(t)["username"] != "bob" {
		t.Errorf("follow: %s", r.body)
	}
	wantError(t, api(t, s, "following/create", map[string]any{"i": alice.Token, "userId": bob.ID}), 400, "ALREADY_FOLLOWING", "client")
	wantError(t, api(t, s, "following/create", map[string]any{"i": alice.Token, "userId": "zzzzzzzzzz"}), 400, "NO_SUCH_USER", "client")
	if ns := ok(t, s, "i/notifications", bob.Token, nil).array(t); len(ns) != 1 || ns[0].(map[string]any)["type"] != "follow" {
		t.Errorf("follow notification: %v", ns)
	}

	var ids []string // alice's and bob's notes, oldest first
	for i := range 15 {
		u := alice
		if i%2 == 1 {
			u = bob
		}
		ids = append(ids, s.PostNote(u, "note"))
		s.PostNote(carol, "carol's") // not followed: not in alice's home timeline
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids do not sort in creation order: %v", ids)
		}
	}
	noteIDs := func(a []any) []string {
		var out []string
		for _, n := range a {
			out = append(out, n.(map[string]any)["id"].(string))
		}
		return out
	}
	want := func(got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	rev := func(a []string) []string {
		out := make([]string, len(a))
		for i := range a {
			out[i] = a[len(a)-1-i]
		}
		return out
	}

	// Default limit 10, newest first.
	tl := noteIDs(ok(t, s, "notes/timeline", alice.Token, nil).array(t))
	want(tl, rev(ids[5:])...)
	// untilId pages backwards.
	tl = noteIDs(ok(t, s, "notes/timeline", alice.Token, map[string]any{"untilId": ids[5], "limit": 3}).array(t))
	want(tl, ids[4], ids[3], ids[2])
	// sinceId alone: the oldest notes after it, oldest first (as the real
	// server answers).
	tl = noteIDs(ok(t, s, "notes/timeline", alice.Token, map[string]any{"sinceId": ids[10], "limit": 3}).array(t))
	want(tl, ids[11], ids[12], ids[13])
	// Both: newest first within the range.
	tl = noteIDs(ok(t, s, "notes/timeline", alice.Token, map[string]any{"sinceId": ids[1], "untilId": ids[5]}).array(t))
	want(tl, ids[4], ids[3], ids[2])

	for _, limit := range []any{0, 101, "5", 1.5} {
		wantError(t, api(t, s, "notes/timeline", map[string]any{"i": alice.Token, "limit": limit}), 400, "INVALID_PARAM", "client")
	}

	// Local timeline: public notes of everyone, anonymous allowed.
	lt := ok(t, s, "notes/local-timeline", "", map[string]any{"limit": 100}).array(t)
	if len(lt) != 30 {
		t.Errorf("local timeline has %d notes", len(lt))
	}
	ok(t, s, "notes/create", alice.Token, map[string]any{"text": "home only", "visibility": "home"})
	if lt2 := ok(t, s, "notes/local-timeline", "", map[string]any{"limit": 100}).array(t); len(lt2) != 30 {
		t.Errorf("home note in the local timeline")
	}
	if tl := ok(t, s, "notes/timeline", alice.Token, map[string]any{"limit": 1}).array(t); tl[0].(map[string]any)["text"] != "home only" {
		t.Errorf("home note not in the home timeline")
	}
}

func TestDriveUpload(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	content := []byte("\x89PNG\r\n\x1a\n fake png bytes")

	var buf bytes.Buffer
	mw := newMultipart(&buf)
	mw.field("i", alice.Token)
	mw.field("comment", "a comment")
	mw.field("isSensitive", "true")
	mw.file("file", "pic.png", "image/png", content)
	mw.close()
	r := raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), buf.Bytes())
	if r.StatusCode != 200 {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	f := r.json(t)
	if f["name"] != "pic.png" || f["type"] != "image/png" || f["size"] != float64(len(content)) ||
		f["isSensitive"] != true || f["comment"] != "a comment" || f["md5"] != fmt.Sprintf("%x", md5.Sum(content)) ||
		f["thumbnailUrl"] == nil || f["createdAt"] == nil {
		t.Errorf("file: %s", r.body)
	}
	got := raw(t, "GET", f["url"].(string), "", nil)
	if got.StatusCode != 200 || !bytes.Equal(got.body, content) || got.Header.Get("Content-Type") != "image/png" {
		t.Errorf("fetch back: %d %q", got.StatusCode, got.body)
	}
	if h := got.Header.Get("Access-Control-Allow-Origin"); h != "" {
		t.Errorf("file served with Access-Control-Allow-Origin %q", h)
	}
	// The same bytes again: the same file, unless forced.
	for _, force := range []string{"false", "true"} {
		var b bytes.Buffer
		mw := newMultipart(&b)
		mw.field("i", alice.Token)
		mw.field("force", force)
		mw.file("file", "again.png", "image/png", content)
		mw.close()
		again := raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), b.Bytes()).json(t)
		if (again["id"] == f["id"]) != (force == "false") || force == "false" && again["name"] != "pic.png" {
			t.Errorf("upload again (force %s): %v, first %v", force, again["id"], f["id"])
		}
	}

	// Attach it to a note.
	n := ok(t, s, "notes/create", alice.Token, map[string]any{"fileIds": []string{f["id"].(string)}}).json(t)["createdNote"].(map[string]any)
	if files := n["files"].([]any); len(files) != 1 || files[0].(map[string]any)["id"] != f["id"] {
		t.Errorf("note files: %v", n["files"])
	}

	// Bearer token, no name: sniffed type and a name from the part.
	buf.Reset()
	mw = newMultipart(&buf)
	mw.file("file", "hello.txt", "", []byte("hello"))
	mw.field("name", "renamed.txt")
	mw.close()
	r = raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), buf.Bytes(), "Authorization", "Bearer "+alice.Token)
	if f := r.json(t); r.StatusCode != 200 || f["name"] != "renamed.txt" || f["type"] != "text/plain" {
		t.Errorf("second upload: %s", r.body)
	}

	// Errors: no token, missing permission, bad boolean, JSON body, no file.
	buf.Reset()
	mw = newMultipart(&buf)
	mw.file("file", "x.bin", "application/octet-stream", []byte{1, 2, 3})
	mw.close()
	wantError(t, raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), buf.Bytes()), 401, "CREDENTIAL_REQUIRED", "client")
	tok := s.IssueToken(alice, "read:drive")
	wantError(t, raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), buf.Bytes(), "Authorization", "Bearer "+tok), 403, "PERMISSION_DENIED", "permission")

	buf.Reset()
	mw = newMultipart(&buf)
	mw.field("i", alice.Token)
	mw.field("isSensitive", "yes")
	mw.file("file", "x.bin", "application/octet-stream", []byte{1, 2, 3})
	mw.close()
	wantError(t, raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), buf.Bytes()), 400, "INVALID_PARAM", "client")

	r = api(t, s, "drive/files/create", map[string]any{"i": alice.Token})
	if r.StatusCode != 400 || len(r.body) != 0 {
		t.Errorf("JSON upload: %d %q", r.StatusCode, r.body)
	}
	buf.Reset()
	mw = newMultipart(&buf)
	mw.field("i", alice.Token)
	mw.close()
	if r := raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), buf.Bytes()); r.StatusCode != 400 || len(r.body) != 0 {
		t.Errorf("no file: %d %q", r.StatusCode, r.body)
	}
}

func TestRequestRecord(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	ok(t, s, "i", alice.Token, nil)
	api(t, s, "meta", map[string]any{}, "Authorization", "Bearer "+alice.Token)
	req, _ := http.NewRequest("OPTIONS", s.URL+"/api/meta", nil)
	do(t, req)
	api(t, s, "miauth/some-session/check", nil)
	raw(t, "GET", s.URL+"/miauth/some-session?name=x", "", nil)

	rs := s.Requests()
	if len(rs) != 5 {
		t.Fatalf("%d requests recorded", len(rs))
	}
	if r := rs[0]; r.Method != "POST" || r.Path != "/api/i" || r.Endpoint != "i" || r.Token != alice.Token || !bytes.Contains(r.Body, []byte(alice.Token)) || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("first: %+v", r)
	}
	if r := rs[1]; r.Endpoint != "meta" || r.Token != alice.Token {
		t.Errorf("second: %+v", r)
	}
	if r := rs[2]; r.Method != "OPTIONS" || r.Endpoint != "meta" || r.Token != "" {
		t.Errorf("third: %+v", r)
	}
	if r := rs[3]; r.Endpoint != "miauth/check" || r.Path != "/api/miauth/some-session/check" {
		t.Errorf("fourth: %+v", r)
	}
	if r := rs[4]; r.Method != "GET" || r.Path != "/miauth/some-session" || r.RawQuery != "name=x" || r.Endpoint != "" {
		t.Errorf("fifth: %+v", r)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Errorf("ResetRequests")
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	a, b := NewUnstartedServer(), NewUnstartedServer()
	if a.User("alice").Token != b.User("alice").Token || len(a.User("alice").Token) != 32 {
		t.Errorf("tokens: %q %q", a.User("alice").Token, b.User("alice").Token)
	}
	if a.IssueToken(a.User("alice")) != b.IssueToken(b.User("alice")) {
		t.Errorf("app tokens differ")
	}
	// Ids and times come from the real clock: alice was created now.
	before := time.Now().Add(-time.Second)
	s := httpServe(t, a)
	u := ok(t, s, "i", a.User("alice").Token, nil).json(t)
	at, err := time.Parse(time.RFC3339Nano, u["createdAt"].(string))
	if err != nil || at.Before(before.Add(-time.Minute)) || at.After(time.Now()) {
		t.Errorf("createdAt %v, want about now", u["createdAt"])
	}
	if id := a.User("alice").ID; !regexp.MustCompile(`^[0-9a-z]{10}$`).MatchString(id) || aidTime(t, id) != at {
		t.Errorf("id %q does not encode createdAt %v", id, at)
	}
}

// httpServe starts an unstarted server.
func httpServe(t *testing.T, s *Server) *Server {
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func TestUnstartedAddr(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := NewUnstartedServer()
	s.Addr = addr
	httpServe(t, s)
	if s.URL != "http://"+addr {
		t.Errorf("URL %q", s.URL)
	}
	ok(t, s, "meta", "", nil)
	s.Close()
	s.Close() // twice is fine
}

func TestHandler(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	r := raw(t, "POST", "http://"+ln.Addr().String()+"/api/meta", "application/json", []byte(`{}`))
	var m map[string]any
	json.Unmarshal(r.body, &m)
	if r.StatusCode != 200 || m["uri"] != "http://"+ln.Addr().String() {
		t.Errorf("mounted handler: %d %s", r.StatusCode, r.body)
	}
}
