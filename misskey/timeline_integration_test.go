//go:build !js

package misskey_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// tlRecorder applies a feed's updates to its own copy, as a page does, and
// records its gaps.
type tlRecorder struct {
	mu    sync.Mutex
	items []misskey.FeedItem
	gaps  []bool
	errs  []error
	n     int
}

func (r *tlRecorder) events() misskey.FeedEvents {
	return misskey.FeedEvents{
		Update: func(u misskey.FeedUpdate) {
			r.mu.Lock()
			defer r.mu.Unlock()
			for _, rm := range u.Removed {
				r.items = slices.Delete(r.items, rm.Index, rm.Index+1)
			}
			for _, a := range u.Added {
				r.items = slices.Insert(r.items, a.Index, a.FeedItem)
			}
			for _, c := range u.Changed {
				r.items[c.Index] = c.FeedItem
			}
			r.n++
		},
		Gap: func(filled bool, err error) {
			r.mu.Lock()
			r.gaps = append(r.gaps, filled)
			r.errs = append(r.errs, err)
			r.mu.Unlock()
		},
	}
}

func (r *tlRecorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, it := range r.items {
		var n struct{ Text string }
		json.Unmarshal(it.Raw, &n)
		out = append(out, n.Text)
	}
	return out
}

func (r *tlRecorder) raw(i int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= len(r.items) {
		return ""
	}
	return string(r.items[i].Raw)
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited for %s", what)
		}
	}
}

func TestTimelineWithFake(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	alice := srv.SignedIn()
	bob := srv.AddUser("bob", "Bob")
	srv.Follow(alice, bob)
	for i := range 30 {
		srv.PostNote(bob, fmt.Sprintf("old %02d", i))
	}
	c, _ := misskey.NewClient(srv.URL, srv.IssueToken(alice, misskey.Permissions...))
	s, err := c.Stream(misskey.StreamOptions{MinBackoff: 30 * time.Millisecond, MaxBackoff: 60 * time.Millisecond}, misskey.StreamHandler{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := &tlRecorder{}
	tl, err := misskey.NewTimeline(c, s, misskey.TimelineSource{Kind: "home"}, misskey.TimelineOptions{Limit: 10, MaxSubscriptions: 5}, rec.events())
	if err != nil {
		t.Fatal(err)
	}
	if err := tl.Load(nil); err != nil {
		t.Fatal(err)
	}
	if got := rec.texts(); len(got) != 10 || got[0] != "old 29" || got[9] != "old 20" {
		t.Fatalf("first page %v", got)
	}
	// Live notes, newest first, each once.
	eventually(t, "the channel", func() bool { return srv.OpenStreams() == 1 })
	time.Sleep(100 * time.Millisecond)
	srv.PostNote(bob, "live 1")
	eventually(t, "a live note", func() bool { t := rec.texts(); return len(t) > 0 && t[0] == "live 1" })

	// Notes posted while the socket is cut appear exactly once, in order.
	srv.RefuseStreams(true)
	srv.DropStreams()
	for i := range 7 {
		srv.PostNote(bob, fmt.Sprintf("while away %d", i))
	}
	srv.RefuseStreams(false)
	eventually(t, "the catch-up", func() bool { t := rec.texts(); return len(t) > 0 && t[0] == "while away 6" })
	got := rec.texts()
	want := []string{"while away 6", "while away 5", "while away 4", "while away 3", "while away 2", "while away 1", "while away 0", "live 1"}
	if !slices.Equal(got[:len(want)], want) {
		t.Fatalf("after the reconnect: %v", got[:len(want)])
	}
	seen := map[string]bool{}
	for _, it := range tl.Notes() {
		if seen[it.ID] {
			t.Fatalf("note %s twice", it.ID)
		}
		seen[it.ID] = true
	}
	rec.mu.Lock()
	gaps := slices.Clone(rec.gaps)
	rec.mu.Unlock()
	if len(gaps) == 0 || !gaps[len(gaps)-1] {
		t.Errorf("gaps %v, want a filled one", gaps)
	}

	// Reactions by another user update the counts live; a deleted note leaves.
	top := tl.Notes()[0].ID
	if err := srv.React(bob, top, "👍"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the reaction", func() bool { return strings.Contains(rec.raw(0), `"reactionCount":1`) })
	if !strings.Contains(rec.raw(0), `"👍":1`) {
		t.Errorf("reacted note %s", rec.raw(0))
	}
	if tl.Subscriptions() > 5 {
		t.Errorf("%d subscriptions, bound 5", tl.Subscriptions())
	}
	bc, _ := misskey.NewClient(srv.URL, srv.IssueToken(bob, misskey.Permissions...))
	if _, err := bc.Request(t.Context(), "notes/delete", []byte(`{"noteId":"`+top+`"}`)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deletion", func() bool { t := rec.texts(); return len(t) > 0 && t[0] == "while away 5" })

	// more() pages to the end.
	for {
		more, err := tl.More(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
	}
	if got := rec.texts(); got[len(got)-1] != "old 00" || len(got) != 30+1+7-1 {
		t.Errorf("after paging to the end: %d notes, last %q", len(got), got[len(got)-1])
	}
	// The page's copy and the timeline agree.
	if a, b := len(tl.Notes()), len(rec.texts()); a != b {
		t.Errorf("timeline %d notes, page copy %d", a, b)
	}
	tl.Close()
}

// A gap larger than the cap: the timeline starts again from the newest
// page and says the gap was not filled.
func TestTimelineGapTooLarge(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	alice := srv.SignedIn()
	srv.PostNote(alice, "first")
	c, _ := misskey.NewClient(srv.URL, srv.IssueToken(alice, misskey.Permissions...))
	s, _ := c.Stream(misskey.StreamOptions{MinBackoff: 30 * time.Millisecond, MaxBackoff: 60 * time.Millisecond}, misskey.StreamHandler{})
	defer s.Close()
	rec := &tlRecorder{}
	tl, _ := misskey.NewTimeline(c, s, misskey.TimelineSource{Kind: "local"}, misskey.TimelineOptions{Limit: 5, MaxBackfillPages: 2}, rec.events())
	if err := tl.Load(nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the channel", func() bool { return srv.OpenStreams() == 1 })
	srv.RefuseStreams(true)
	srv.DropStreams()
	for i := range 25 {
		srv.PostNote(alice, fmt.Sprintf("n%02d", i))
	}
	srv.RefuseStreams(false)
	eventually(t, "the gap", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.gaps) > 0
	})
	rec.mu.Lock()
	filled := rec.gaps[0]
	rec.mu.Unlock()
	if filled {
		t.Error("a gap of 25 notes with 2 pages of 5 was said to be filled")
	}
	if got := rec.texts(); len(got) != 5 || got[0] != "n24" || got[4] != "n20" {
		t.Errorf("after a gap too large: %v", got)
	}
}

// Votes and reactions on a renoted note reach the renote that shows it.
func TestTimelineRenoteAndPoll(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	alice := srv.SignedIn()
	bob := srv.AddUser("bob", "Bob")
	srv.Follow(alice, bob)
	poll := srv.PostNoteWith(bob, misskeytest.NoteOptions{Text: "which?", Poll: &misskeytest.Poll{Choices: []string{"a", "b"}}})
	srv.PostNoteWith(bob, misskeytest.NoteOptions{RenoteID: poll})
	c, _ := misskey.NewClient(srv.URL, srv.IssueToken(alice, misskey.Permissions...))
	s, _ := c.Stream(misskey.StreamOptions{}, misskey.StreamHandler{})
	defer s.Close()
	rec := &tlRecorder{}
	tl, _ := misskey.NewTimeline(c, s, misskey.TimelineSource{Kind: "home"}, misskey.TimelineOptions{}, rec.events())
	if err := tl.Load(nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the channel", func() bool { return srv.OpenStreams() == 1 })
	time.Sleep(200 * time.Millisecond)
	if err := srv.Vote(alice, poll, 1); err != nil {
		t.Fatal(err)
	}
	// The renote (newest) shows the poll: its nested note changes, isVoted for alice.
	type choice struct {
		Votes   int
		IsVoted bool
	}
	type pollNote struct {
		Poll   struct{ Choices []choice }
		Renote *struct{ Poll struct{ Choices []choice } }
	}
	voted := func(i int) choice {
		var n pollNote
		json.Unmarshal([]byte(rec.raw(i)), &n)
		cs := n.Poll.Choices
		if n.Renote != nil {
			cs = n.Renote.Poll.Choices
		}
		if len(cs) < 2 {
			return choice{}
		}
		return cs[1]
	}
	eventually(t, "the vote on the renote", func() bool { return voted(0) == choice{1, true} })
	eventually(t, "the vote on the poll itself", func() bool { return voted(1) == choice{1, true} })
	if err := srv.React(bob, poll, "👍"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the reaction", func() bool { return strings.Contains(rec.raw(0), `"👍":1`) })
	tl.Close()
}

func TestNotificationsWithFake(t *testing.T) {
	srv := misskeytest.NewServer()
	defer srv.Close()
	alice := srv.SignedIn()
	bob := srv.AddUser("bob", "Bob")
	for i := range 3 {
		srv.PostNote(bob, fmt.Sprintf("@alice hello %d", i))
	}
	c, _ := misskey.NewClient(srv.URL, srv.IssueToken(alice, misskey.Permissions...))
	s, _ := c.Stream(misskey.StreamOptions{MinBackoff: 30 * time.Millisecond, MaxBackoff: 60 * time.Millisecond}, misskey.StreamHandler{})
	defer s.Close()
	rec := &tlRecorder{}
	var mu sync.Mutex
	var unread []int
	ev := rec.events()
	ev.Unread = func(n int) { mu.Lock(); unread = append(unread, n); mu.Unlock() }
	nf, err := misskey.NewNotifications(c, s, misskey.NotificationsOptions{Limit: 2}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := nf.Load(nil); err != nil {
		t.Fatal(err)
	}
	if n := len(nf.Items()); n != 2 || nf.Unread() != 3 {
		t.Fatalf("%d items, %d unread after load", n, nf.Unread())
	}
	// Loading did not mark them read on the server.
	var me struct{ UnreadNotificationsCount int }
	raw, _ := c.Request(t.Context(), "i", nil)
	json.Unmarshal(raw, &me)
	if me.UnreadNotificationsCount != 3 {
		t.Errorf("the server counts %d unread after load", me.UnreadNotificationsCount)
	}
	eventually(t, "the channel", func() bool { return srv.OpenStreams() == 1 })
	time.Sleep(200 * time.Millisecond)
	srv.PostNote(bob, "@alice live")
	eventually(t, "a live notification", func() bool { return nf.Unread() == 4 && len(nf.Items()) == 3 })
	// Cut while a notification comes: caught up, once.
	srv.RefuseStreams(true)
	srv.DropStreams()
	srv.PostNote(bob, "@alice while away")
	srv.RefuseStreams(false)
	eventually(t, "the catch-up", func() bool { return len(nf.Items()) == 4 })
	if nf.Unread() != 5 {
		t.Errorf("unread %d after the catch-up, want 5", nf.Unread())
	}
	// The oldest, on the last page: more() reads it and says the end came.
	if more, err := nf.More(nil); err != nil || more || len(nf.Items()) != 5 {
		t.Errorf("more: %v %v, %d items", more, err, len(nf.Items()))
	}
	if err := nf.MarkAllRead(nil); err != nil {
		t.Fatal(err)
	}
	if nf.Unread() != 0 {
		t.Errorf("unread %d after MarkAllRead", nf.Unread())
	}
	raw, _ = c.Request(t.Context(), "i", nil)
	json.Unmarshal(raw, &me)
	if me.UnreadNotificationsCount != 0 {
		t.Errorf("the server counts %d unread after MarkAllRead", me.UnreadNotificationsCount)
	}
	nf.Close()
}
