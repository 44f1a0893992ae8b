//go:build !js

package misskeytest

import (
	"bytes"
	"testing"
	"time"
)

func TestRealClock(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	alice := s.User("alice")
	before := time.Now().UTC().Truncate(time.Millisecond)
	var ids []string
	for range 50 { // many in one millisecond
		ids = append(ids, s.PostNote(alice, "x"))
	}
	after := time.Now().UTC()
	for i, id := range ids {
		if i > 0 && id <= ids[i-1] {
			t.Fatalf("ids not strictly increasing: %v", ids)
		}
		n := ok(t, s, "notes/show", "", map[string]any{"noteId": id}).json(t)
		at, err := time.Parse(time.RFC3339Nano, n["createdAt"].(string))
		if err != nil || at.Before(before) || at.After(after) {
			t.Errorf("createdAt %v not within [%v, %v]", n["createdAt"], before, after)
		}
		if !at.Equal(aidTime(t, id)) {
			t.Errorf("createdAt %v, id %s encodes %v", at, id, aidTime(t, id))
		}
	}
}

func TestSetClock(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	base := time.Date(2031, 6, 1, 12, 0, 0, 123456789, time.FixedZone("x", 3600))
	s.SetClock(func() time.Time { return base })
	bob := s.AddUser("bob", "Bob")
	want := "2031-06-01T11:00:00.123Z" // UTC, milliseconds
	if u := ok(t, s, "i", bob.Token, nil).json(t); u["createdAt"] != want {
		t.Errorf("bob's createdAt %v, want %s", u["createdAt"], want)
	}
	if got := aidTime(t, bob.ID).Format(timeFormat); got != want || bob.ID[8:] != "00" {
		t.Errorf("bob's id %s encodes %s", bob.ID, got)
	}
	// A fixed clock: 1296 ids fit in one millisecond (bob took the
	// first), then the time part moves on, and createdAt with it.
	var ids []string
	for range 1300 {
		ids = append(ids, s.PostNote(bob, "same millisecond"))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("id %d %s <= %s", i, ids[i], ids[i-1])
		}
	}
	if got := ok(t, s, "notes/show", "", map[string]any{"noteId": ids[1294]}).json(t)["createdAt"]; got != want {
		t.Errorf("1295th note: createdAt %v, want %s", got, want)
	}
	if n := ok(t, s, "notes/show", "", map[string]any{"noteId": ids[1295]}).json(t); n["createdAt"] != "2031-06-01T11:00:00.124Z" || ids[1295][8:] != "00" {
		t.Errorf("1296th note: id %s createdAt %v, want the next millisecond", ids[1295], n["createdAt"])
	}
	// A clock set back: ids keep increasing, at the newest time.
	s.SetClock(func() time.Time { return base.Add(-time.Hour) })
	id := s.PostNote(bob, "back in time")
	if id <= ids[len(ids)-1] {
		t.Errorf("id %s after a clock set back is not after %s", id, ids[len(ids)-1])
	}
	if got := ok(t, s, "notes/show", "", map[string]any{"noteId": id}).json(t)["createdAt"]; got != "2031-06-01T11:00:00.124Z" {
		t.Errorf("createdAt %v after a clock set back", got)
	}
	// Forward again: every kind of object is stamped.
	s.SetClock(func() time.Time { return base.Add(24 * time.Hour) })
	wantDay := "2031-06-02T11:00:00.123Z"
	n := ok(t, s, "notes/create", bob.Token, map[string]any{"text": "hi @alice"}).json(t)["createdNote"].(map[string]any)
	if n["createdAt"] != wantDay {
		t.Errorf("note createdAt %v", n["createdAt"])
	}
	if nf := ok(t, s, "i/notifications", s.User("alice").Token, nil).array(t); len(nf) != 1 || nf[0].(map[string]any)["createdAt"] != wantDay {
		t.Errorf("notification %v", nf)
	}
	var buf bytes.Buffer
	mw := newMultipart(&buf)
	mw.field("i", bob.Token)
	mw.file("file", "a.txt", "text/plain", []byte("a"))
	mw.close()
	if f := raw(t, "POST", s.URL+"/api/drive/files/create", mw.contentType(), buf.Bytes()).json(t); f["createdAt"] != wantDay {
		t.Errorf("file createdAt %v", f["createdAt"])
	}
	// deletedAt comes from the clock too.
	w := dialStream(t, s, bob.Token)
	w.send(map[string]any{"type": "subNote", "body": map[string]any{"id": n["id"]}})
	w.barrier("b")
	s.SetClock(func() time.Time { return base.Add(48 * time.Hour) })
	ok(t, s, "notes/delete", bob.Token, map[string]any{"noteId": n["id"]})
	m := w.next()
	if b := body(m); b["type"] != "deleted" || b["body"].(map[string]any)["deletedAt"] != "2031-06-03T11:00:00.123Z" {
		t.Errorf("got %v", m)
	}
}
