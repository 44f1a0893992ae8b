package main

// client.timeline() in a real browser, against the fake instance: the
// first page, live notes once each and in order, a cut socket caught up
// from sinceId, a gap too large to fill, reactions by another user and a
// deletion applied live, paging to the end; and a long run (an hour of
// notes at 50/s) after which memory, notes and subscriptions are where
// they were.

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// timelineState is what the page's timeline shows, and what it heard.
type timelineState struct {
	Texts     []string
	Sorted    bool // ids strictly descending
	Unique    bool
	Updates   int
	Gaps      []bool
	GapErrors []string
	Changed   []string // ids of notes changed by updates
	Removed   []string
}

const timelineProbe = `(() => {
	const n = tl.notes;
	const ids = n.map(x => x.id);
	return { Texts: n.map(x => x.text), Sorted: ids.every((id, i) => i === 0 || ids[i - 1] > id), Unique: new Set(ids).size === ids.length,
		Updates: tlev.updates, Gaps: tlev.gaps, GapErrors: tlev.gapErrors, Changed: tlev.changed, Removed: tlev.removed };
})()`

func TestTimelineInChromium(t *testing.T) {
	ctx, _ := openTestPage(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	alice, bob, carol := fake.SignedIn(), fake.AddUser("bob", "Bob"), fake.AddUser("carol", "Carol")
	fake.Follow(alice, bob)
	token := fake.IssueToken(alice, "read:account", "write:notes", "write:reactions")
	bobC := &misskey.Client{Origin: fake.URL, Token: fake.IssueToken(bob, "write:notes")}
	carolC := &misskey.Client{Origin: fake.URL, Token: fake.IssueToken(carol, "write:reactions")}
	for i := range 25 {
		fake.PostNote(bob, fmt.Sprintf("old-%02d", i))
	}
	state := func() timelineState { t.Helper(); return eval[timelineState](t, ctx, timelineProbe) }

	wantOK(t, ctx, fmt.Sprintf(`(async () => {
		window.tlev = { updates: 0, gaps: [], gapErrors: [], changed: [], removed: [] };
		window.tl = mk.client({ origin: %q, token: %q }).timeline("home", { withRenotes: true }, { limit: 10, maxNotes: 200 });
		tl.on("update", (u) => { tlev.updates++; tlev.changed.push(...u.changed.map(n => n.id)); tlev.removed.push(...u.removed); });
		tl.on("gap", (g) => { tlev.gaps.push(g.filled); if (g.error) tlev.gapErrors.push(g.error.code); });
		await tl.load();
		return true;
	})()`, fake.URL, token))
	st := state()
	if len(st.Texts) != 10 || st.Texts[0] != "old-24" || st.Texts[9] != "old-15" || !st.Sorted {
		t.Fatalf("first page: %v", st.Texts)
	}

	// Live: a new note comes to the top, once. The channel may still be
	// connecting: post until one arrives.
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; ; i++ {
		fake.PostNote(bob, fmt.Sprintf("live-%d", i))
		if eval[bool](t, ctx, `new Promise(r => setTimeout(() => r(tl.notes.some(n => n.text.startsWith("live-"))), 300))`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no live note arrived")
		}
	}
	for i := range 20 {
		fake.PostNote(bob, fmt.Sprintf("burst-%02d", i))
	}
	waitFor(t, ctx, `tl.notes[0].text === "burst-19"`, 15*time.Second)
	if st := state(); !st.Sorted || !st.Unique || st.Texts[1] != "burst-18" {
		t.Fatalf("after a burst: %v", st.Texts[:5])
	}

	// A reaction by another user updates the note's counts live; taking it
	// back removes them.
	top := eval[string](t, ctx, `tl.notes[0].id`)
	time.Sleep(300 * time.Millisecond) // the timeline subscribes to its newest notes
	if err := fake.React(carol, top, "👍"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `tl.notes[0].reactions["👍"] === 1 && tl.notes[0].reactionCount === 1`, 10*time.Second)
	if st := state(); len(st.Changed) == 0 || st.Changed[len(st.Changed)-1] != top {
		t.Errorf("no update event changed %s: %v", top, st.Changed)
	}
	if _, err := carolC.Request(t.Context(), "notes/reactions/delete", []byte(`{"noteId":"`+top+`"}`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `!tl.notes[0].reactions["👍"] && tl.notes[0].reactionCount === 0`, 10*time.Second)

	// A deleted note leaves the timeline.
	second := eval[string](t, ctx, `tl.notes[1].id`)
	if _, err := bobC.Request(t.Context(), "notes/delete", []byte(`{"noteId":"`+second+`"}`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `!tl.notes.some(n => n.id === "`+second+`")`, 10*time.Second)
	if st := state(); !contains(st.Removed, second) {
		t.Errorf("no update event removed %s", second)
	}

	// The socket is cut and stays down while 12 notes are posted: after the
	// reconnect they are there, once each, in order, and gap says filled.
	fake.RefuseStreams(true)
	fake.DropStreams()
	waitFor(t, ctx, `tl.notes.length > 0`, time.Second)
	for i := range 12 {
		fake.PostNote(bob, fmt.Sprintf("away-%02d", i))
	}
	fake.RefuseStreams(false)
	eval[bool](t, ctx, `(window.dispatchEvent(new Event("online")), true)`) // the page comes back: reconnect now
	waitFor(t, ctx, `tlev.gaps.length >= 1`, 20*time.Second)
	waitFor(t, ctx, `tl.notes[0].text === "away-11"`, 10*time.Second)
	st = state()
	if !st.Sorted || !st.Unique || st.Gaps[len(st.Gaps)-1] != true {
		t.Fatalf("after the reconnect: gaps %v, sorted %v, unique %v", st.Gaps, st.Sorted, st.Unique)
	}
	for i := range 12 {
		if st.Texts[i] != fmt.Sprintf("away-%02d", 11-i) {
			t.Fatalf("after the reconnect: %v", st.Texts[:14])
		}
	}

	// A gap larger than the cap (5 pages of 10): gap says not filled, and
	// the timeline starts again from the newest page, still live.
	fake.RefuseStreams(true)
	fake.DropStreams()
	for i := range 80 {
		fake.PostNote(bob, fmt.Sprintf("far-%02d", i))
	}
	fake.RefuseStreams(false)
	gaps := len(st.Gaps)
	eval[bool](t, ctx, `(window.dispatchEvent(new Event("online")), true)`)
	waitFor(t, ctx, fmt.Sprintf(`tlev.gaps.length > %d`, gaps), 20*time.Second)
	waitFor(t, ctx, `tl.notes[0].text === "far-79"`, 10*time.Second)
	st = state()
	if !contains(boolStrings(st.Gaps[gaps:]), "false") || !st.Sorted || !st.Unique || len(st.Texts) > 200 {
		t.Fatalf("a large gap: gaps %v, %d notes", st.Gaps, len(st.Texts))
	}
	if st.Texts[9] != "far-70" {
		t.Errorf("after a large gap, the newest page: %v", st.Texts[:10])
	}
	fake.PostNote(bob, "live again")
	waitFor(t, ctx, `tl.notes[0].text === "live again"`, 10*time.Second)

	// more() pages back to the end of what the timeline may hold.
	pages := eval[int](t, ctx, `(async () => { let n = 0; while (await tl.more()) n++; return n; })()`)
	st = state()
	if pages == 0 || !st.Sorted || !st.Unique || len(st.Texts) > 200 {
		t.Fatalf("paging: %d pages, %d notes", pages, len(st.Texts))
	}
	if n := fake.NoteSubscriptions(); n == 0 || n > 100 {
		t.Errorf("%d notes subscribed, want 1 to 100", n)
	}
	eval[bool](t, ctx, `(tl.close(), true)`)
	time.Sleep(500 * time.Millisecond)
	if n := fake.OpenStreams(); n != 0 {
		t.Errorf("%d sockets open after the last timeline closed", n)
	}
	wantFail(t, ctx, `tl.more()`, "INVALID_ARGUMENT", 0)
	stillAlive(t, ctx, fake.URL)
}

func boolStrings(list []bool) []string {
	out := make([]string, len(list))
	for i, b := range list {
		out[i] = fmt.Sprint(b)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// An hour of a busy timeline (50 notes a second: 180,000 notes) without
// pause: the page's memory, the notes kept and the subscriptions stay
// bounded, and every note arrives once.
func TestTimelineLongRunInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("the long run takes a minute or more: not with -short")
	}
	ctx, _ := openLibPage(t, "/mem.html")
	fake := misskeytest.NewServer()
	defer fake.Close()
	alice, bob := fake.SignedIn(), fake.AddUser("bob", "Bob")
	fake.Follow(alice, bob)
	token := fake.IssueToken(alice, "read:account")
	wantOK(t, ctx, fmt.Sprintf(`(async () => {
		window.seen = 0; window.lastText = "";
		window.tl = mk.client({ origin: %q, token: %q }).timeline("home", {}, { limit: 20, maxNotes: 500, maxSubscriptions: 100 });
		tl.on("update", (u) => { seen += u.added.length; if (u.added.length) lastText = u.added[0].text; });
		await tl.load();
		return true;
	})()`, fake.URL, token))
	// Wait for the channel: post until a note arrives.
	deadline := time.Now().Add(15 * time.Second)
	for !eval[bool](t, ctx, `new Promise(r => setTimeout(() => r(seen > 0), 300))`) {
		fake.PostNote(bob, "warm-up")
		if time.Now().After(deadline) {
			t.Fatal("no live note arrived")
		}
	}
	type sample struct {
		notes            int
		wasm, heap       float64 // bytes
		kept, subscribed int
	}
	measure := func(notes int) sample {
		t.Helper()
		if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		h, err := chromedp.Call(ctx, cdpruntime.GetHeapUsage, cdp.Empty{})
		if err != nil {
			t.Fatal(err)
		}
		return sample{notes, eval[float64](t, ctx, `wasmMemory()`), h.UsedSize, eval[int](t, ctx, `tl.notes.length`), fake.NoteSubscriptions()}
	}
	const total, batch = 180_000, 2_000
	base := eval[int](t, ctx, `seen`)
	var samples []sample
	start := time.Now()
	for sent := 0; sent < total; {
		for range batch {
			fake.PostNote(bob, fmt.Sprintf("n%06d", sent))
			sent++
		}
		// Keep at most two batches in flight, as a busy instance would pace them.
		waitFor(t, ctx, fmt.Sprintf(`seen >= %d`, base+sent-batch), 60*time.Second)
		if sent == 20_000 || sent == total/2 || sent == total {
			waitFor(t, ctx, fmt.Sprintf(`seen >= %d`, base+sent), 60*time.Second)
			samples = append(samples, measure(sent))
		}
	}
	elapsed := time.Since(start)
	last := eval[string](t, ctx, `lastText`)
	for _, s := range samples {
		t.Logf("after %d notes: wasm memory %.1f MB, JS heap used %.1f MB, %d notes kept, %d subscribed",
			s.notes, s.wasm/1e6, s.heap/1e6, s.kept, s.subscribed)
	}
	t.Logf("%d notes in %s (%.0f notes/s)", total, elapsed.Round(time.Second), float64(total)/elapsed.Seconds())
	if got := eval[int](t, ctx, `seen`) - base; got != total || last != fmt.Sprintf("n%06d", total-1) {
		t.Fatalf("%d notes heard (want %d), the last %q", got, total, last)
	}
	first, end := samples[0], samples[len(samples)-1]
	if end.wasm > first.wasm+8e6 || end.heap > first.heap+8e6 {
		t.Errorf("memory grew from %d to %d notes: wasm %.1f → %.1f MB, JS heap %.1f → %.1f MB",
			first.notes, end.notes, first.wasm/1e6, end.wasm/1e6, first.heap/1e6, end.heap/1e6)
	}
	if end.kept != 500 || end.subscribed > 100 {
		t.Errorf("%d notes kept (want 500), %d subscribed (want at most 100)", end.kept, end.subscribed)
	}
	if st := eval[bool](t, ctx, `(() => { const ids = tl.notes.map(n => n.id); return ids.every((id, i) => i === 0 || ids[i - 1] > id) && new Set(ids).size === ids.length; })()`); !st {
		t.Error("the notes kept are not in order, or one is there twice")
	}
}
