//go:build !js

package misskeytest

import (
	"fmt"
	"slices"
	"testing"
)

func unreadCount(t *testing.T, s *Server, token string) (float64, bool) {
	t.Helper()
	me := ok(t, s, "i", token, nil).json(t)
	n, _ := me["unreadNotificationsCount"].(float64)
	has, _ := me["hasUnreadNotification"].(bool)
	return n, has
}

func TestNotificationPaging(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	var ids []string // alice's notifications, oldest first
	for i := range 6 {
		u := s.AddUser(fmt.Sprint("u", i), "")
		s.Follow(u, alice)
		s.PostNote(u, "hi @alice")
	}
	for _, nf := range ok(t, s, "i/notifications", alice.Token, map[string]any{"limit": 100, "markAsRead": false}).array(t) {
		ids = append(ids, nf.(map[string]any)["id"].(string))
	}
	slices.Reverse(ids)
	if len(ids) != 12 {
		t.Fatalf("%d notifications", len(ids))
	}
	get := func(params map[string]any) []string {
		t.Helper()
		params["markAsRead"] = false
		var out []string
		for _, nf := range ok(t, s, "i/notifications", alice.Token, params).array(t) {
			out = append(out, nf.(map[string]any)["id"].(string))
		}
		return out
	}
	check := func(what string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	check("neither", get(map[string]any{}), reversed(ids[2:])...)
	check("sinceId alone", get(map[string]any{"sinceId": ids[2], "limit": 3}), ids[3], ids[4], ids[5])
	check("untilId", get(map[string]any{"untilId": ids[2]}), ids[1], ids[0])
	check("both", get(map[string]any{"sinceId": ids[2], "untilId": ids[6]}), ids[5], ids[4], ids[3])
	check("sinceDate", get(map[string]any{"sinceDate": aidTime(t, ids[11]).UnixMilli() + 1}))

	// Types filter the page read, which is not filled up: with limit 2,
	// the newest page (a mention and a follow) keeps one follow; a page
	// filtered empty makes the next one read.
	check("includeTypes", get(map[string]any{"limit": 2, "includeTypes": []string{"follow"}}), ids[10])
	check("excludeTypes", get(map[string]any{"limit": 3, "excludeTypes": []string{"follow"}}), ids[11], ids[9])
	check("sinceId with includeTypes", get(map[string]any{"sinceId": ids[0], "limit": 2, "includeTypes": []string{"follow"}}), ids[2])
	check("empty includeTypes", get(map[string]any{"includeTypes": []string{}}))
	check("obsolete type only", get(map[string]any{"limit": 1, "includeTypes": []string{"pollVote"}}), ids[11])
	check("every type excluded", get(map[string]any{"excludeTypes": notificationTypes}))
	wantError(t, api(t, s, "i/notifications", map[string]any{"i": alice.Token, "includeTypes": []string{"nope"}}), 400, "INVALID_PARAM", "client")

	// Notifications of deleted notes are left out.
	first := ok(t, s, "i/notifications", alice.Token, map[string]any{"limit": 1, "markAsRead": false}).array(t)[0].(map[string]any)
	var noteID string
	if n, _ := first["note"].(map[string]any); n != nil {
		noteID = n["id"].(string)
	}
	author := s.User(first["user"].(map[string]any)["username"].(string))
	ok(t, s, "notes/delete", author.Token, map[string]any{"noteId": noteID})
	check("after deleting a note", get(map[string]any{"limit": 2}), ids[10])
}

func TestNotificationsRead(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	w := dialStream(t, s, alice.Token)
	w.connect("main", "m", nil, true)
	wantConnected(t, w.next(), "m")
	readAll := func() {
		t.Helper()
		m := w.next()
		b := body(m)
		if m["type"] != "channel" || b["id"] != "m" || b["type"] != "readAllNotifications" {
			t.Fatalf("got %v, want readAllNotifications", m)
		}
		if _, has := b["body"]; has {
			t.Errorf("readAllNotifications has a body: %v", b)
		}
	}

	// Nothing to read: no event, even forced.
	if n, has := unreadCount(t, s, alice.Token); n != 0 || has {
		t.Errorf("unread %v %v", n, has)
	}
	ok(t, s, "i/notifications", alice.Token, nil)
	if r := ok(t, s, "notifications/mark-all-as-read", alice.Token, nil); r.StatusCode != 204 || len(r.body) != 0 {
		t.Errorf("mark-all-as-read: %d %q", r.StatusCode, r.body)
	}
	w.barrier("none")

	for range 3 {
		s.PostNote(bob, "@alice hi")
		w.next() // mention
		w.next() // notification
	}
	if n, has := unreadCount(t, s, alice.Token); n != 3 || !has {
		t.Errorf("unread %v %v, want 3 true", n, has)
	}
	ok(t, s, "i/notifications", alice.Token, map[string]any{"markAsRead": false})
	if n, _ := unreadCount(t, s, alice.Token); n != 3 {
		t.Errorf("unread %v after markAsRead false", n)
	}
	ok(t, s, "i/notifications", alice.Token, map[string]any{"limit": 1}) // reads all, not one
	readAll()
	if n, has := unreadCount(t, s, alice.Token); n != 0 || has {
		t.Errorf("unread %v %v after reading", n, has)
	}
	ok(t, s, "i/notifications", alice.Token, nil) // nothing new: no event
	w.barrier("b1")
	ok(t, s, "notifications/mark-all-as-read", alice.Token, nil) // forced: an event
	readAll()

	s.PostNote(bob, "@alice again")
	w.next()
	w.next()
	if n, _ := unreadCount(t, s, alice.Token); n != 1 {
		t.Errorf("unread %v", n)
	}
	// The streaming readNotification message reads all too.
	w.send(map[string]any{"type": "readNotification", "body": map[string]any{}})
	readAll()
	if n, _ := unreadCount(t, s, alice.Token); n != 0 {
		t.Errorf("unread %v after readNotification", n)
	}
	s.PostNote(bob, "@alice more")
	w.next()
	w.next()
	ok(t, s, "notifications/mark-all-as-read", alice.Token, nil)
	readAll()
	if n, _ := unreadCount(t, s, alice.Token); n != 0 {
		t.Errorf("unread %v after mark-all-as-read", n)
	}
	wantError(t, api(t, s, "notifications/mark-all-as-read", map[string]any{"i": s.IssueToken(alice, "read:notifications")}), 403, "PERMISSION_DENIED", "permission")
	wantError(t, api(t, s, "notifications/mark-all-as-read", map[string]any{}), 401, "CREDENTIAL_REQUIRED", "client")
}
