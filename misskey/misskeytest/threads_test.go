//go:build !js

package misskeytest

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func ids(t *testing.T, r resp) []string {
	t.Helper()
	var out []string
	for _, n := range r.array(t) {
		out = append(out, n.(map[string]any)["id"].(string))
	}
	return out
}

func TestNoteChildrenAndConversation(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.SignedIn()
	bob := s.AddUser("bob", "Bob")
	carol := s.AddUser("carol", "Carol")
	root := s.PostNote(bob, "root")
	r1 := s.PostNoteWith(alice, NoteOptions{Text: "first reply", ReplyID: root})
	r2 := s.PostNoteWith(carol, NoteOptions{Text: "reply to the reply", ReplyID: r1})
	quote := s.PostNoteWith(carol, NoteOptions{Text: "a quote", RenoteID: root})
	s.PostNoteWith(carol, NoteOptions{RenoteID: root}) // a pure renote: not a child
	secret := s.PostNoteWith(carol, NoteOptions{Text: "for bob only", ReplyID: root, Visibility: "specified", VisibleUserIDs: []string{bob.ID}})
	r3 := s.PostNoteWith(bob, NoteOptions{Text: "third reply", ReplyID: root})

	// Children: replies and quotes, newest first, that the caller may see.
	kids := ok(t, s, "notes/children", alice.Token, map[string]any{"noteId": root})
	wantAnswerSchema(t, "notes/children", kids.body)
	if got, want := strings.Join(ids(t, kids), ","), strings.Join([]string{r3, quote, r1}, ","); got != want {
		t.Errorf("alice's children %s, want %s", got, want)
	}
	if got := ids(t, ok(t, s, "notes/children", bob.Token, map[string]any{"noteId": root})); len(got) != 4 || got[1] != secret {
		t.Errorf("bob's children %v, want the specified reply too", got)
	}
	// Paged: limit, untilId, sinceId alone (oldest first); anonymous; unknown note: [].
	if got := ids(t, ok(t, s, "notes/children", "", map[string]any{"noteId": root, "limit": 1, "untilId": r3})); len(got) != 1 || got[0] != quote {
		t.Errorf("untilId page %v", got)
	}
	if got := ids(t, ok(t, s, "notes/children", "", map[string]any{"noteId": root, "sinceId": r1})); len(got) != 2 || got[0] != quote || got[1] != r3 {
		t.Errorf("sinceId page %v", got)
	}
	if got := ok(t, s, "notes/children", "", map[string]any{"noteId": "9zzzzzzzzz"}).array(t); len(got) != 0 {
		t.Errorf("children of an unknown note %v", got)
	}
	wantError(t, api(t, s, "notes/children", map[string]any{}), 400, "INVALID_PARAM", "client")

	// Conversation: the notes replied to, nearest first; offset, limit.
	conv := ok(t, s, "notes/conversation", "", map[string]any{"noteId": r2})
	wantAnswerSchema(t, "notes/conversation", conv.body)
	if got := ids(t, conv); len(got) != 2 || got[0] != r1 || got[1] != root {
		t.Errorf("conversation %v, want [%s %s]", got, r1, root)
	}
	if got := ids(t, ok(t, s, "notes/conversation", "", map[string]any{"noteId": r2, "offset": 1})); len(got) != 1 || got[0] != root {
		t.Errorf("offset 1: %v", got)
	}
	if got := ids(t, ok(t, s, "notes/conversation", "", map[string]any{"noteId": r2, "limit": 1})); len(got) != 1 || got[0] != r1 {
		t.Errorf("limit 1: %v", got)
	}
	if got := ok(t, s, "notes/conversation", "", map[string]any{"noteId": root}).array(t); len(got) != 0 {
		t.Errorf("the conversation of a note that replies to nothing: %v", got)
	}
	// A hidden ancestor is packed hidden, not left out.
	deep := s.PostNoteWith(bob, NoteOptions{Text: "answer", ReplyID: secret, Visibility: "specified"})
	got := ok(t, s, "notes/conversation", alice.Token, map[string]any{"noteId": deep}).array(t)
	if len(got) != 2 || got[0].(map[string]any)["isHidden"] != true || got[0].(map[string]any)["text"] != nil {
		t.Errorf("a hidden ancestor: %v", got)
	}
	e := wantError(t, api(t, s, "notes/conversation", map[string]any{"noteId": "9zzzzzzzzz"}), 400, "NO_SUCH_NOTE", "client")
	if e["id"] != "e1035875-9551-45ec-afa8-1ded1fcb53c8" {
		t.Errorf("error id %v", e["id"])
	}
	// A deleted parent ends it.
	ok(t, s, "notes/delete", alice.Token, map[string]any{"noteId": r1})
	if got := ok(t, s, "notes/conversation", "", map[string]any{"noteId": r2}).array(t); len(got) != 0 {
		t.Errorf("after the parent was deleted: %v", got)
	}
}

func TestPolicies(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.SignedIn()
	policy := func(body map[string]any, name string) any { return body["policies"].(map[string]any)[name] }
	if p := policy(ok(t, s, "meta", "", nil).json(t), "ltlAvailable"); p != true {
		t.Fatalf("ltlAvailable %v by default", p)
	}
	s.SetPolicy("ltlAvailable", false)
	s.SetPolicy("gtlAvailable", false)
	if p := policy(ok(t, s, "meta", "", nil).json(t), "ltlAvailable"); p != false {
		t.Errorf("meta's ltlAvailable %v after SetPolicy", p)
	}
	me := ok(t, s, "i", alice.Token, nil)
	wantAnswerSchema(t, "i", me.body)
	if p := policy(me.json(t), "gtlAvailable"); p != false {
		t.Errorf("i's gtlAvailable %v after SetPolicy", p)
	}
	for ep, code := range map[string]string{"notes/local-timeline": "LTL_DISABLED", "notes/hybrid-timeline": "STL_DISABLED", "notes/global-timeline": "GTL_DISABLED"} {
		wantError(t, api(t, s, ep, map[string]any{"i": alice.Token}), 400, code, "client")
	}
	ok(t, s, "notes/timeline", alice.Token, nil)
	s.SetPolicy("ltlAvailable", true)
	ok(t, s, "notes/local-timeline", "", nil)
	defer func() {
		if recover() == nil {
			t.Error("SetPolicy with an unknown name did not panic")
		}
	}()
	s.SetPolicy("noSuchPolicy", true)
}

func TestAvatarsAndFiles(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.SignedIn()
	bob := s.AddUser("bob", "Bob")
	get := func(url string) resp { return raw(t, "GET", url, "", nil) }
	// Identicons differ by user, and are PNGs.
	a, b := get(s.URL+"/identicon/"+alice.ID), get(s.URL+"/identicon/"+bob.ID)
	if _, err := png.Decode(bytes.NewReader(a.body)); err != nil || a.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("identicon: %v %s", err, a.Header.Get("Content-Type"))
	}
	if bytes.Equal(a.body, b.body) {
		t.Error("alice's and bob's identicons are the same")
	}
	if c := get(s.URL + "/identicon/" + alice.ID); !bytes.Equal(c.body, a.body) {
		t.Error("an identicon changed between two requests")
	}
	// A drive file as the avatar.
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#86b300"/></svg>`)
	id := s.AddFileWith(alice, FileOptions{Name: "me.svg", ContentType: "image/svg+xml", Data: svg, Comment: "A green square", Sensitive: true})
	s.SetAvatar(alice, id)
	me := ok(t, s, "i", alice.Token, nil)
	wantAnswerSchema(t, "i", me.body)
	m := me.json(t)
	if m["avatarUrl"] != s.URL+"/files/"+id || m["avatarId"] != id {
		t.Errorf("avatarUrl %v avatarId %v", m["avatarUrl"], m["avatarId"])
	}
	if f := get(s.URL + "/files/" + id); f.Header.Get("Content-Type") != "image/svg+xml" || !bytes.Equal(f.body, svg) {
		t.Errorf("the avatar file: %s %q", f.Header.Get("Content-Type"), f.body)
	}
	note := s.PostNoteWith(alice, NoteOptions{Text: "with a file", FileIDs: []string{id}})
	shown := ok(t, s, "notes/show", "", map[string]any{"noteId": note}).json(t)
	file := shown["files"].([]any)[0].(map[string]any)
	if file["comment"] != "A green square" || file["isSensitive"] != true || file["name"] != "me.svg" {
		t.Errorf("the note's file %v", file)
	}
	if u := shown["user"].(map[string]any); u["avatarUrl"] != s.URL+"/files/"+id {
		t.Errorf("the note's user's avatarUrl %v", u["avatarUrl"])
	}
	s.SetAvatar(alice, "")
	if m := ok(t, s, "i", alice.Token, nil).json(t); m["avatarUrl"] != s.URL+"/identicon/"+alice.ID || m["avatarId"] != nil {
		t.Errorf("back to the identicon: %v %v", m["avatarUrl"], m["avatarId"])
	}
	defer func() {
		if recover() == nil {
			t.Error("SetAvatar with another user's file did not panic")
		}
	}()
	s.SetAvatar(bob, id)
}

func TestSitePages(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	bob := s.AddUser("bob", "Bob")
	n := s.PostNoteWith(bob, NoteOptions{Text: "Hello <b>world</b> #Demo", CW: "greeting"})
	secret := s.PostNoteWith(bob, NoteOptions{Text: "psst", Visibility: "followers"})
	page := func(path string) (int, string) {
		res, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" && path != "/nothing" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		return res.StatusCode, string(b)
	}
	for _, path := range []string{"/@bob", "/@Bob@" + strings.TrimPrefix(s.URL, "http://")} {
		code, body := page(path)
		if code != 200 || !strings.Contains(body, "<h1 id=\"title\">Bob</h1>") || !strings.Contains(body, `href="/notes/`+n+`"`) ||
			!strings.Contains(body, "Hello &lt;b&gt;world&lt;/b&gt; #Demo") || strings.Contains(body, "psst") {
			t.Errorf("%s: %d\n%s", path, code, body)
		}
	}
	if code, body := page("/notes/" + n); code != 200 || !strings.Contains(body, "Note by Bob") || !strings.Contains(body, "CW: greeting") {
		t.Errorf("note page: %d\n%s", code, body)
	}
	if code, body := page("/tags/demo"); code != 200 || !strings.Contains(body, `id="note-`+n+`"`) {
		t.Errorf("tag page: %d\n%s", code, body)
	}
	for _, path := range []string{"/@nobody", "/@bob@elsewhere.example", "/notes/" + secret, "/notes/9zzzzzzzzz"} {
		if code, _ := page(path); code != 404 {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}
	if code, _ := page("/nothing"); code != 404 {
		t.Errorf("/nothing: %d", code)
	}
}

func TestDenyLinksBack(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	page := string(raw(t, "GET", s.URL+"/miauth/X?name=App&callback=https%3A%2F%2Fapp.example%2Fdemo%2F", "", nil).body)
	if !strings.Contains(page, `name="callback" value="https://app.example/demo/"`) {
		t.Fatalf("the deny form does not carry the callback:\n%s", page)
	}
	r := raw(t, "POST", s.URL+"/miauth/X/deny", "application/x-www-form-urlencoded", []byte("name=App&callback=https%3A%2F%2Fapp.example%2Fdemo%2F"))
	if body := string(r.body); r.StatusCode != 200 || !strings.Contains(body, `<a id="back" href="https://app.example/demo/">Back to App</a>`) {
		t.Errorf("deny: %d %s", r.StatusCode, body)
	}
	r = raw(t, "POST", s.URL+"/miauth/X/deny", "application/x-www-form-urlencoded", []byte("name=App&callback=javascript%3Aalert(1)"))
	if strings.Contains(string(r.body), `id="back"`) {
		t.Errorf("a javascript: callback got a link: %s", r.body)
	}
}

func TestNewUnstartedServerAt(t *testing.T) {
	t.Parallel()
	past := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Millisecond)
	at := past
	s := NewUnstartedServerAt(func() time.Time { return at })
	s.Start()
	defer s.Close()
	at = past.Add(time.Hour)
	id := s.PostNote(s.SignedIn(), "yesterday")
	s.SetClock(nil)
	later := s.PostNote(s.SignedIn(), "now")
	if got := aidTime(t, s.SignedIn().ID); !got.Equal(past) {
		t.Errorf("alice created at %v, want %v", got, past)
	}
	if got := aidTime(t, id); !got.Equal(past.Add(time.Hour)) {
		t.Errorf("note at %v", got)
	}
	if d := time.Since(aidTime(t, later)); d < 0 || d > time.Minute {
		t.Errorf("the note after SetClock(nil) is %v old", d)
	}
}

// A timeline channel connected while its policy is off is confirmed
// (connected) but delivers nothing, even after the policy is back on; one
// connected after that delivers.
func TestStreamPolicies(t *testing.T) {
	s := newTestServer(t)
	alice := s.SignedIn()
	s.SetPolicy("ltlAvailable", false)
	s.SetPolicy("gtlAvailable", false)
	w := dialStream(t, s, alice.Token)
	for _, ch := range []string{"localTimeline", "hybridTimeline", "globalTimeline"} {
		w.connect(ch, ch, nil, true)
		wantConnected(t, w.next(), ch)
	}
	s.PostNote(alice, "not delivered")
	w.barrier("b1")
	s.SetPolicy("ltlAvailable", true)
	s.PostNote(alice, "still not delivered")
	w.barrier("b2")
	w.connect("localTimeline", "l2", nil, true)
	wantConnected(t, w.next(), "l2")
	if n := wantChannel(t, nextAfter(t, w, s, alice), "l2", "note"); n["text"] != "plain" {
		t.Errorf("got %v", n)
	}
}
