//go:build !js

package misskeytest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func noteIDs(a []any) []string {
	out := []string{}
	for _, n := range a {
		out = append(out, n.(map[string]any)["id"].(string))
	}
	return out
}

func reversed(a []string) []string {
	out := slices.Clone(a)
	slices.Reverse(out)
	return out
}

func TestTimelinePaging(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	var ids []string
	for i := range 12 {
		ids = append(ids, s.PostNote(alice, fmt.Sprint("note ", i)))
	}
	for _, ep := range []string{"notes/timeline", "notes/local-timeline", "notes/hybrid-timeline", "notes/global-timeline"} {
		get := func(params map[string]any) []string {
			t.Helper()
			return noteIDs(ok(t, s, ep, alice.Token, params).array(t))
		}
		check := func(what string, got []string, want ...string) {
			t.Helper()
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: got %v, want %v", ep, what, got, want)
			}
		}
		check("neither", get(nil), reversed(ids[2:])...)
		check("limit", get(map[string]any{"limit": 3}), ids[11], ids[10], ids[9])
		check("sinceId alone", get(map[string]any{"sinceId": ids[3], "limit": 4}), ids[4], ids[5], ids[6], ids[7])
		check("untilId", get(map[string]any{"untilId": ids[3]}), ids[2], ids[1], ids[0])
		check("both", get(map[string]any{"sinceId": ids[3], "untilId": ids[9], "limit": 2}), ids[8], ids[7])
		check("nothing after", get(map[string]any{"sinceId": ids[11]}))
		wantError(t, api(t, s, ep, map[string]any{"i": alice.Token, "limit": 101}), 400, "INVALID_PARAM", "client")
		wantError(t, api(t, s, ep, map[string]any{"i": alice.Token, "withRenotes": "no"}), 400, "INVALID_PARAM", "client")
	}
	// sinceDate / untilDate stand for ids of that millisecond.
	ms := aidTime(t, ids[5]).UnixMilli()
	got := noteIDs(ok(t, s, "notes/global-timeline", "", map[string]any{"untilDate": ms + 1, "limit": 1}).array(t))
	if len(got) != 1 || got[0] < ids[5] {
		t.Errorf("untilDate: %v", got)
	}
}

func TestTimelineContents(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	carol := s.AddUser("carol", "Carol")
	dave := s.AddUser("dave", "Dave")
	s.Follow(alice, bob)
	s.Follow(bob, dave)
	s.Follow(carol, dave)
	post := func(u *User, o NoteOptions) string { return s.PostNoteWith(u, o) }
	name := map[string]string{}
	note := func(label string, u *User, o NoteOptions) string {
		if o.Text == "" && o.RenoteID == "" {
			o.Text = label
		}
		id := post(u, o)
		name[id] = label
		return id
	}
	c1 := note("c1", carol, NoteOptions{})
	note("c2", carol, NoteOptions{Visibility: "home"})
	a1 := note("a1", alice, NoteOptions{})
	note("a2", alice, NoteOptions{ReplyID: c1}) // alice's reply to carol
	note("c3", carol, NoteOptions{ReplyID: a1}) // a reply to alice
	b1 := note("b1", bob, NoteOptions{})
	note("b2", bob, NoteOptions{Visibility: "home"})
	note("b3", bob, NoteOptions{Visibility: "followers"})
	note("b4", bob, NoteOptions{ReplyID: c1}) // to another user
	note("b5", bob, NoteOptions{ReplyID: a1}) // to alice
	note("b6", bob, NoteOptions{ReplyID: b1}) // to himself
	note("c4", carol, NoteOptions{ReplyID: b1})
	note("b7", bob, NoteOptions{RenoteID: c1}) // pure renote
	note("b8", bob, NoteOptions{RenoteID: c1, Text: "b8"})
	note("c5", carol, NoteOptions{FileIDs: []string{s.AddFile(carol, "c.png", "image/png", []byte("png"))}})
	d1 := note("d1", dave, NoteOptions{Visibility: "followers"})
	note("c6", carol, NoteOptions{ReplyID: d1})                       // public reply to a followers-only note
	note("b9", bob, NoteOptions{Visibility: "specified", Text: "b9"}) // not for alice
	note("b10", bob, NoteOptions{Visibility: "specified", Text: "b10", VisibleUserIDs: []string{alice.ID}})

	labels := func(ep, token string, params map[string]any) string {
		t.Helper()
		if params == nil {
			params = map[string]any{}
		}
		params["limit"] = 100
		var out []string
		for _, id := range noteIDs(ok(t, s, ep, token, params).array(t)) {
			out = append(out, name[id])
		}
		slices.Reverse(out) // oldest first
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		ep, token string
		params    map[string]any
		want      string
	}{
		{"notes/timeline", alice.Token, nil, "a1 a2 b1 b2 b3 b5 b6 b7 b8 b10"},
		{"notes/timeline", alice.Token, map[string]any{"withRenotes": false}, "a1 a2 b1 b2 b3 b5 b6 b8 b10"},
		{"notes/timeline", alice.Token, map[string]any{"withFiles": true}, ""},
		{"notes/local-timeline", alice.Token, nil, "c1 a1 c3 b1 b5 b6 b7 b8 c5"},
		{"notes/local-timeline", "", nil, "c1 a1 b1 b6 b7 b8 c5"},
		{"notes/local-timeline", alice.Token, map[string]any{"withReplies": true}, "c1 a1 a2 c3 b1 b4 b5 b6 c4 b7 b8 c5"},
		{"notes/local-timeline", "", map[string]any{"withFiles": true}, "c5"},
		{"notes/local-timeline", "", map[string]any{"withRenotes": false}, "c1 a1 b1 b6 b8 c5"},
		{"notes/hybrid-timeline", alice.Token, nil, "c1 a1 a2 c3 b1 b2 b3 b5 b6 b7 b8 c5 b10"},
		{"notes/hybrid-timeline", alice.Token, map[string]any{"withReplies": true}, "c1 a1 a2 c3 b1 b2 b3 b4 b5 b6 c4 b7 b8 c5 b10"},
		{"notes/hybrid-timeline", alice.Token, map[string]any{"withFiles": true}, "c5"},
		{"notes/hybrid-timeline", bob.Token, map[string]any{"withReplies": true}, "c1 a1 a2 c3 b1 b2 b3 b4 b5 b6 c4 b7 b8 c5 d1 b9 b10"},
		{"notes/global-timeline", "", nil, "c1 a1 a2 c3 b1 b4 b5 b6 c4 b7 b8 c5"},
		{"notes/global-timeline", alice.Token, map[string]any{"withRenotes": false, "withFiles": false}, "c1 a1 a2 c3 b1 b4 b5 b6 c4 b8 c5"},
	} {
		if got := labels(tc.ep, tc.token, tc.params); got != tc.want {
			t.Errorf("%s %v (token %v):\n got %s\nwant %s", tc.ep, tc.params, tc.token != "", got, tc.want)
		}
	}

	// Errors.
	for _, ep := range []string{"notes/local-timeline", "notes/hybrid-timeline"} {
		wantError(t, api(t, s, ep, map[string]any{"i": alice.Token, "withReplies": true, "withFiles": true}), 400, "BOTH_WITH_REPLIES_AND_WITH_FILES", "client")
	}
	wantError(t, api(t, s, "notes/hybrid-timeline", map[string]any{}), 401, "CREDENTIAL_REQUIRED", "client")
	wantError(t, api(t, s, "notes/hybrid-timeline", map[string]any{"i": s.IssueToken(alice, "read:notifications")}), 403, "PERMISSION_DENIED", "permission")
	ok(t, s, "notes/hybrid-timeline", s.IssueToken(alice, "read:account"), nil)
	ok(t, s, "notes/global-timeline", s.IssueToken(alice), nil)
}
