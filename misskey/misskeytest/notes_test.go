//go:build !js

package misskeytest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func show(t *testing.T, s *Server, token, id string) map[string]any {
	t.Helper()
	return ok(t, s, "notes/show", token, map[string]any{"noteId": id}).json(t)
}

func TestPackedReplyAndRenote(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	root := s.PostNoteWith(alice, NoteOptions{Text: "root #Go", Poll: &Poll{Choices: []string{"a", "b"}}})
	reply := s.PostNoteWith(bob, NoteOptions{Text: "reply", ReplyID: root})
	replyToReply := s.PostNoteWith(alice, NoteOptions{Text: "deeper", ReplyID: reply})

	// A reply carries its parent packed without detail: no reply of its
	// own, no poll, no clippedCount (but hasPoll).
	n := show(t, s, alice.Token, replyToReply)
	p, _ := n["reply"].(map[string]any)
	if p == nil || p["id"] != reply || p["text"] != "reply" || n["clippedCount"] != 0.0 {
		t.Fatalf("reply %v", n["reply"])
	}
	for _, k := range []string{"reply", "renote", "poll", "clippedCount", "myReaction"} {
		if _, has := p[k]; has {
			t.Errorf("the packed parent has %s: %v", k, p)
		}
	}
	if pp := show(t, s, "", reply)["reply"].(map[string]any); pp["hasPoll"] != true || pp["poll"] != nil || pp["tags"].([]any)[0] != "go" {
		t.Errorf("parent of a reply: %v", pp)
	}
	// The author replied to counts as mentioned.
	if m, _ := show(t, s, "", reply)["mentions"].([]any); len(m) != 1 || m[0] != alice.ID {
		t.Errorf("mentions of a reply: %v", m)
	}

	// A quote of a reply carries the renoted note with detail: its own
	// reply and poll.
	quote := s.PostNoteWith(bob, NoteOptions{Text: "look", RenoteID: reply})
	rn := show(t, s, "", quote)["renote"].(map[string]any)
	if rn["id"] != reply || rn["reply"].(map[string]any)["id"] != root || rn["clippedCount"] != 0.0 {
		t.Errorf("renote %v", rn)
	}
	pure := s.PostNoteWith(alice, NoteOptions{RenoteID: root})
	pn := show(t, s, alice.Token, pure)
	if pn["text"] != nil || pn["renote"].(map[string]any)["poll"] == nil {
		t.Errorf("pure renote %v", pn)
	}
	// renoteCount counts others' renotes only.
	if c := show(t, s, "", root)["renoteCount"]; c != 0.0 {
		t.Errorf("renoteCount %v after a self-renote", c)
	}
	s.PostNoteWith(bob, NoteOptions{RenoteID: root})
	if c := show(t, s, "", root)["renoteCount"]; c != 1.0 {
		t.Errorf("renoteCount %v", c)
	}

	// Deleted parents become null; the notes stay.
	ok(t, s, "notes/delete", bob.Token, map[string]any{"noteId": reply})
	if n := show(t, s, "", replyToReply); n["reply"] != nil || n["replyId"] != reply {
		t.Errorf("reply of a deleted note: reply %v replyId %v", n["reply"], n["replyId"])
	}
	if n := show(t, s, "", quote); n["renote"] != nil {
		t.Errorf("quote of a deleted note: renote %v", n["renote"])
	}
	if _, present := show(t, s, "", quote)["renote"]; !present {
		t.Errorf("renote missing, want null")
	}

	// Errors of notes/create.
	e := func(params map[string]any, code string) {
		t.Helper()
		params["i"] = bob.Token
		wantError(t, api(t, s, "notes/create", params), 400, code, "client")
	}
	e(map[string]any{"renoteId": pure}, "CANNOT_RENOTE_TO_A_PURE_RENOTE")
	e(map[string]any{"text": "x", "replyId": pure}, "CANNOT_REPLY_TO_A_PURE_RENOTE")
	spec := s.PostNoteWith(alice, NoteOptions{Text: "for bob", Visibility: "specified", VisibleUserIDs: []string{bob.ID}})
	secret := s.PostNoteWith(alice, NoteOptions{Text: "secret", Visibility: "specified"})
	fol := s.PostNoteWith(alice, NoteOptions{Text: "followers", Visibility: "followers"})
	e(map[string]any{"renoteId": spec}, "CANNOT_RENOTE_DUE_TO_VISIBILITY")
	e(map[string]any{"renoteId": fol}, "CANNOT_RENOTE_DUE_TO_VISIBILITY")
	e(map[string]any{"text": "x", "replyId": secret}, "CANNOT_REPLY_TO_AN_INVISIBLE_NOTE")
	e(map[string]any{"text": "x", "replyId": spec}, "CANNOT_REPLY_TO_SPECIFIED_VISIBILITY_NOTE_WITH_EXTENDED_VISIBILITY")
	wantError(t, api(t, s, "notes/reactions/create", map[string]any{"i": bob.Token, "noteId": pure, "reaction": "👍"}), 400, "CANNOT_REACT_TO_RENOTE", "client")

	// Visibility follows the notes replied to and renoted.
	r := ok(t, s, "notes/create", bob.Token, map[string]any{"text": "x", "replyId": spec, "visibility": "specified"}).json(t)["createdNote"].(map[string]any)
	if ids, _ := r["visibleUserIds"].([]any); len(ids) != 1 || ids[0] != alice.ID {
		t.Errorf("a specified reply is visible to %v, want the author replied to", r["visibleUserIds"])
	}
	home := s.PostNoteWith(alice, NoteOptions{Text: "home", Visibility: "home"})
	for _, tc := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"text": "x", "replyId": home}, "home"},
		{map[string]any{"renoteId": home}, "home"},
		{map[string]any{"text": "x", "renoteId": root, "visibility": "followers"}, "followers"},
	} {
		tc.params["i"] = bob.Token
		if v := ok(t, s, "notes/create", "", tc.params).json(t)["createdNote"].(map[string]any)["visibility"]; v != tc.want {
			t.Errorf("%v: visibility %v, want %s", tc.params, v, tc.want)
		}
	}
	// Followers-only own note renoted: followers.
	if v := ok(t, s, "notes/create", alice.Token, map[string]any{"renoteId": fol}).json(t)["createdNote"].(map[string]any)["visibility"]; v != "followers" {
		t.Errorf("own followers renote: %v", v)
	}
}

func TestHiddenNotes(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	carol := s.AddUser("carol", "Carol")
	id := s.PostNoteWith(alice, NoteOptions{Text: "for bob", CW: "cw", Visibility: "specified", VisibleUserIDs: []string{bob.ID},
		Poll: &Poll{Choices: []string{"x", "y"}}})
	if n := show(t, s, bob.Token, id); n["isHidden"] != nil || n["text"] != "for bob" || n["poll"] == nil {
		t.Errorf("bob sees %v", n)
	}
	n := show(t, s, carol.Token, id)
	if n["isHidden"] != true || n["text"] != nil || n["cw"] != nil || n["poll"] != nil || n["visibleUserIds"] != nil || n["hasPoll"] != true {
		t.Errorf("carol sees %v", n)
	}
	// A followers-only reply is visible to the author replied to.
	parent := s.PostNote(carol, "parent")
	reply := s.PostNoteWith(bob, NoteOptions{Text: "to carol", ReplyID: parent, Visibility: "followers"})
	if n := show(t, s, carol.Token, reply); n["isHidden"] != nil {
		t.Errorf("carol cannot see the reply to her: %v", n)
	}
	if n := show(t, s, alice.Token, reply); n["isHidden"] != true {
		t.Errorf("alice sees a followers-only note: %v", n)
	}
	// Mentioned users of a specified note are notified even when not
	// addressed (the real server adds the addressed ones to the
	// mentions, not the other way round).
	s.PostNoteWith(alice, NoteOptions{Text: "hi @carol", Visibility: "specified", VisibleUserIDs: []string{bob.ID}})
	nf := ok(t, s, "i/notifications", carol.Token, nil).array(t)
	if len(nf) == 0 || nf[0].(map[string]any)["type"] != "mention" || nf[0].(map[string]any)["note"].(map[string]any)["isHidden"] != true {
		t.Errorf("carol's notifications: %v", nf)
	}
	if nf := ok(t, s, "i/notifications", bob.Token, map[string]any{"limit": 1}).array(t); len(nf) != 1 || nf[0].(map[string]any)["type"] != "mention" {
		t.Errorf("bob (addressed) is mentioned: %v", nf)
	}
}

func TestReactions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	carol := s.AddUser("carol", "Carol")
	dave := s.AddUser("dave", "Dave")
	id := s.PostNote(alice, "react to :blobcat: please")
	w := dialStream(t, s, alice.Token)
	w.send(map[string]any{"type": "subNote", "body": map[string]any{"id": id}})
	w.barrier("b")

	// No reactions: no myReaction, even for a signed-in viewer.
	n := show(t, s, bob.Token, id)
	if _, has := n["myReaction"]; has {
		t.Errorf("myReaction without reactions: %v", n)
	}
	if _, has := n["emojis"]; has {
		t.Errorf("a local note carries emojis: %v", n["emojis"])
	}
	for u, r := range map[*User]string{bob: ":blobcat:", carol: ":blobcat@.:", dave: "👍"} {
		if err := s.React(u, id, r); err != nil {
			t.Fatal(err)
		}
	}
	ok(t, s, "notes/reactions/create", alice.Token, map[string]any{"noteId": id, "reaction": ":nosuchemoji:"})
	var reacted []map[string]any
	for range 4 {
		m := w.next()
		if m["type"] != "noteUpdated" || body(m)["type"] != "reacted" {
			t.Fatalf("got %v", m)
		}
		reacted = append(reacted, body(m)["body"].(map[string]any))
	}
	byUser := map[string]map[string]any{}
	for _, r := range reacted {
		byUser[r["userId"].(string)] = r
	}
	wantEmoji := map[string]any{"name": "blobcat@.", "url": s.URL + "/emoji/blobcat.svg"}
	for _, u := range []*User{bob, carol} {
		if r := byUser[u.ID]; r["reaction"] != ":blobcat@.:" || !jsonEqual(r["emoji"], wantEmoji) {
			t.Errorf("%s reacted %v", u.Username, r)
		}
	}
	if r := byUser[dave.ID]; r["reaction"] != "👍" || r["emoji"] != nil {
		t.Errorf("dave reacted %v", r)
	}
	if r := byUser[alice.ID]; r["reaction"] != "❤" {
		t.Errorf("an unknown custom emoji: %v", r)
	}

	n = show(t, s, carol.Token, id)
	if !jsonEqual(n["reactions"], map[string]any{":blobcat@.:": 2, "👍": 1, "❤": 1}) || n["reactionCount"] != 4.0 {
		t.Errorf("reactions %v count %v", n["reactions"], n["reactionCount"])
	}
	if !jsonEqual(n["reactionEmojis"], map[string]any{}) {
		t.Errorf("reactionEmojis %v, want {} (local emoji are not listed)", n["reactionEmojis"])
	}
	if n["myReaction"] != ":blobcat@.:" {
		t.Errorf("carol's myReaction %v", n["myReaction"])
	}
	if n := show(t, s, "", id); n["myReaction"] != nil {
		t.Errorf("anonymous myReaction %v", n["myReaction"])
	}
	if _, has := show(t, s, s.AddUser("erin", "Erin").Token, id)["myReaction"]; has {
		t.Errorf("myReaction of a user who did not react")
	}
	// The author's notifications carry the stored reaction.
	got := map[string]string{}
	for _, nf := range ok(t, s, "i/notifications", alice.Token, nil).array(t) {
		m := nf.(map[string]any)
		got[m["userId"].(string)] = m["reaction"].(string)
	}
	if got[bob.ID] != ":blobcat:" || got[carol.ID] != ":blobcat:" || got[dave.ID] != "👍" {
		t.Errorf("reaction notifications %v", got)
	}
	// Replacing and removing.
	if err := s.React(dave, id, "misskey"); err != nil { // text: ❤
		t.Fatal(err)
	}
	ok(t, s, "notes/reactions/create", bob.Token, map[string]any{"noteId": id, "reaction": ":misskey:"})
	ok(t, s, "notes/reactions/delete", carol.Token, map[string]any{"noteId": id})
	n = show(t, s, bob.Token, id)
	if !jsonEqual(n["reactions"], map[string]any{":misskey@.:": 1, "❤": 2}) || n["myReaction"] != ":misskey@.:" {
		t.Errorf("after changes: reactions %v myReaction %v", n["reactions"], n["myReaction"])
	}
	for range 4 { // unreacted 👍, reacted ❤, unreacted blobcat, reacted misskey
		w.next()
	}
	if m := w.next(); body(m)["type"] != "unreacted" || body(m)["body"].(map[string]any)["reaction"] != ":blobcat@.:" {
		t.Errorf("got %v", m)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	var u, v any
	json.Unmarshal(x, &u)
	json.Unmarshal(y, &v)
	x, _ = json.Marshal(u)
	y, _ = json.Marshal(v)
	return string(x) == string(y)
}

func TestEmojis(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	s.AddEmoji("zebra", "Animals", "stripes")
	s.AddEmoji("aardvark", "")
	r := ok(t, s, "emojis", "", nil)
	wantAnswerSchema(t, "emojis", r.body)
	var names []string
	for _, e := range r.json(t)["emojis"].([]any) {
		m := e.(map[string]any)
		names = append(names, m["name"].(string))
		if m["url"] != s.URL+"/emoji/"+m["name"].(string)+".svg" {
			t.Errorf("url %v", m["url"])
		}
	}
	if got := strings.Join(names, " "); got != "zebra blobcat misskey aardvark awesome" {
		t.Errorf("emojis in order %s", got)
	}
	g := raw(t, "GET", s.URL+"/api/emojis", "", nil)
	if g.StatusCode != 200 || g.Header.Get("Cache-Control") != "public, max-age=3600" || len(g.json(t)["emojis"].([]any)) != 5 {
		t.Errorf("GET emojis: %d %q", g.StatusCode, g.Header.Get("Cache-Control"))
	}
	if g := raw(t, "GET", s.URL+"/api/emojis?i="+s.User("alice").Token, "", nil); g.StatusCode != 200 || g.Header.Get("Cache-Control") != "" {
		t.Errorf("GET emojis with a token: %d %q", g.StatusCode, g.Header.Get("Cache-Control"))
	}
	img := raw(t, "GET", s.URL+"/emoji/zebra.svg", "", nil)
	if img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(img.body), "<svg") {
		t.Errorf("image: %d %q %.40q", img.StatusCode, img.Header.Get("Content-Type"), img.body)
	}
	if r := raw(t, "GET", s.URL+"/emoji/nope.svg", "", nil); r.StatusCode != 404 {
		t.Errorf("unknown emoji image: %d", r.StatusCode)
	}
	// An image of the test's own.
	const zebra = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>`
	s.SetEmojiImage("zebra", []byte(zebra))
	if img := raw(t, "GET", s.URL+"/emoji/zebra.svg", "", nil); img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/svg+xml" || string(img.body) != zebra {
		t.Errorf("SetEmojiImage's image: %d %q %.60q", img.StatusCode, img.Header.Get("Content-Type"), img.body)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("SetEmojiImage of an unknown emoji did not panic")
			}
		}()
		s.SetEmojiImage("nope", []byte(zebra))
	}()
	for _, bad := range []string{"", "with space", "blobcat"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AddEmoji(%q) did not panic", bad)
				}
			}()
			s.AddEmoji(bad, "")
		}()
	}
}

func TestPolls(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	carol := s.AddUser("carol", "Carol")
	base := time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC)
	now := base
	s.SetClock(func() time.Time { return now })

	n := ok(t, s, "notes/create", alice.Token, map[string]any{"poll": map[string]any{"choices": []string{"red", "green", "blue"}, "expiredAfter": 60000}}).json(t)["createdNote"].(map[string]any)
	wantPoll := map[string]any{"multiple": false, "expiresAt": "2032-01-01T00:01:00.000Z", "choices": []any{
		map[string]any{"text": "red", "votes": 0, "isVoted": false},
		map[string]any{"text": "green", "votes": 0, "isVoted": false},
		map[string]any{"text": "blue", "votes": 0, "isVoted": false},
	}}
	if !jsonEqual(n["poll"], wantPoll) || n["text"] != nil || n["hasPoll"] != true {
		t.Errorf("poll %v", n["poll"])
	}
	id := n["id"].(string)

	w := dialStream(t, s, carol.Token)
	w.send(map[string]any{"type": "subNote", "body": map[string]any{"id": id}})
	w.barrier("b")
	r := ok(t, s, "notes/polls/vote", bob.Token, map[string]any{"noteId": id, "choice": 1})
	if r.StatusCode != 204 || len(r.body) != 0 {
		t.Errorf("vote: %d %q", r.StatusCode, r.body)
	}
	m := w.next()
	if b := body(m); m["type"] != "noteUpdated" || b["id"] != id || b["type"] != "pollVoted" || !jsonEqual(b["body"], map[string]any{"choice": 1, "userId": bob.ID}) {
		t.Errorf("got %v", m)
	}
	choices := func(token string) string {
		t.Helper()
		var out []string
		for _, c := range show(t, s, token, id)["poll"].(map[string]any)["choices"].([]any) {
			c := c.(map[string]any)
			out = append(out, c["text"].(string)+":"+jsonString(c["votes"])+":"+jsonString(c["isVoted"]))
		}
		return strings.Join(out, " ")
	}
	if got := choices(bob.Token); got != "red:0:false green:1:true blue:0:false" {
		t.Errorf("bob sees %s", got)
	}
	if got := choices(""); got != "red:0:false green:1:false blue:0:false" {
		t.Errorf("anonymous sees %s", got)
	}
	ve := func(token string, params map[string]any, code string) {
		t.Helper()
		params["i"] = token
		wantError(t, api(t, s, "notes/polls/vote", params), 400, code, "client")
	}
	ve(bob.Token, map[string]any{"noteId": id, "choice": 0}, "ALREADY_VOTED")
	ve(bob.Token, map[string]any{"noteId": id, "choice": 1}, "ALREADY_VOTED")
	ve(carol.Token, map[string]any{"noteId": id, "choice": 3}, "INVALID_CHOICE")
	ve(carol.Token, map[string]any{"noteId": id, "choice": -1}, "INVALID_CHOICE")
	ve(carol.Token, map[string]any{"noteId": "zzzzzzzzzz", "choice": 0}, "NO_SUCH_NOTE")
	ve(carol.Token, map[string]any{"noteId": s.PostNote(alice, "no poll"), "choice": 0}, "NO_POLL")
	ve(carol.Token, map[string]any{"noteId": id, "choice": 0.5}, "INVALID_PARAM")
	ve(carol.Token, map[string]any{"noteId": id}, "INVALID_PARAM")
	wantError(t, api(t, s, "notes/polls/vote", map[string]any{"i": s.IssueToken(carol, "read:account"), "noteId": id, "choice": 0}), 403, "PERMISSION_DENIED", "permission")
	if err := s.Vote(carol, id, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.Vote(carol, id, 0); err == nil || !strings.Contains(err.Error(), "ALREADY_VOTED") {
		t.Errorf("second vote: %v", err)
	}
	// Expired: the clock moves past expiresAt.
	now = base.Add(61 * time.Second)
	ve(alice.Token, map[string]any{"noteId": id, "choice": 0}, "ALREADY_EXPIRED")
	if err := s.Vote(alice, id, 0); err == nil || !strings.Contains(err.Error(), "ALREADY_EXPIRED") {
		t.Errorf("vote after expiry: %v", err)
	}

	// Multiple choices: one vote per choice.
	multi := s.PostNoteWith(alice, NoteOptions{Text: "pick", Poll: &Poll{Choices: []string{"a", "b"}, Multiple: true, ExpiresAt: now.Add(time.Hour)}})
	for _, c := range []int{0, 1} {
		if err := s.Vote(bob, multi, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Vote(bob, multi, 0); err == nil || !strings.Contains(err.Error(), "ALREADY_VOTED") {
		t.Errorf("same choice twice: %v", err)
	}
	if p := show(t, s, bob.Token, multi)["poll"].(map[string]any); p["multiple"] != true || p["expiresAt"] != "2032-01-01T01:01:01.000Z" {
		t.Errorf("multiple poll %v", p)
	}

	// Parameters.
	ce := func(poll any, code, param string) {
		t.Helper()
		e := wantError(t, api(t, s, "notes/create", map[string]any{"i": alice.Token, "poll": poll}), 400, code, "client")
		if param != "" {
			if info, _ := e["info"].(map[string]any); info["param"] != param {
				t.Errorf("poll %v: param %v, want %s", poll, e["info"], param)
			}
		}
	}
	ce(map[string]any{"choices": []string{"only"}}, "INVALID_PARAM", "#/properties/poll/properties/choices/minItems")
	ce(map[string]any{"choices": []string{"a", "a"}}, "INVALID_PARAM", "#/properties/poll/properties/choices/uniqueItems")
	ce(map[string]any{"choices": []string{"a", ""}}, "INVALID_PARAM", "#/properties/poll/properties/choices/items/minLength")
	ce(map[string]any{"choices": []string{"a", strings.Repeat("x", 51)}}, "INVALID_PARAM", "#/properties/poll/properties/choices/items/maxLength")
	ce(map[string]any{"choices": []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}}, "INVALID_PARAM", "#/properties/poll/properties/choices/maxItems")
	ce(map[string]any{"multiple": true}, "INVALID_PARAM", "#/properties/poll/required")
	ce(map[string]any{"choices": []string{"a", "b"}, "expiredAfter": 0}, "INVALID_PARAM", "#/properties/poll/properties/expiredAfter/minimum")
	ce(map[string]any{"choices": []string{"a", "b"}, "expiresAt": "soon"}, "INVALID_PARAM", "#/properties/poll/properties/expiresAt/type")
	ce(map[string]any{"choices": []string{"a", "b"}, "expiresAt": now.Add(-time.Second).UnixMilli()}, "CANNOT_CREATE_ALREADY_EXPIRED_POLL", "")
	n = ok(t, s, "notes/create", alice.Token, map[string]any{"text": "t", "poll": map[string]any{"choices": []string{"a", "b"}, "expiresAt": now.Add(time.Minute).UnixMilli(), "expiredAfter": nil}}).json(t)["createdNote"].(map[string]any)
	if n["poll"].(map[string]any)["expiresAt"] != "2032-01-01T00:02:01.000Z" {
		t.Errorf("expiresAt %v", n["poll"])
	}
	if n := ok(t, s, "notes/create", alice.Token, map[string]any{"poll": map[string]any{"choices": []string{"a", "b"}}}).json(t)["createdNote"].(map[string]any); n["poll"].(map[string]any)["expiresAt"] != nil {
		t.Errorf("a poll without expiry: %v", n["poll"])
	}

	// PostNoteWith refuses bad options.
	for _, o := range []NoteOptions{
		{Poll: &Poll{Choices: []string{"one"}}},
		{Text: "x", ReplyID: "zzzzzzzzzz"},
		{},
		{Text: "x", Visibility: "everyone"},
		{Text: "x", Poll: &Poll{Choices: []string{"a", "b"}, ExpiresAt: base}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("PostNoteWith(%+v) did not panic", o)
				}
			}()
			s.PostNoteWith(alice, o)
		}()
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
