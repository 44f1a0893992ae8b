package main

// The one call path, seen from a page: how often a call enters the Go
// runtime, and two tabs keeping accounts at the same moment.

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// A successful client.request enters Go once (its arguments are checked and
// the call built there); the browser parses the answer and hands it to the
// page. An error comes back to Go once more, to read it.
func TestCallEntersGoOnce(t *testing.T) {
	ctx, _ := openLibPage(t, "/count.html")
	fake := misskeytest.NewServer()
	defer fake.Close()
	tok := fake.IssueToken(fake.SignedIn(), "read:account", "write:notes")
	eval[bool](t, ctx, `(window.me = mk.client({ origin: "`+fake.URL+`", token: "`+tok+`" }), true)`)
	entries := func(expr string) int {
		t.Helper()
		return eval[int](t, ctx, `(async () => {
			await new Promise(r => setTimeout(r, 50)); // let earlier work settle
			const before = goEntries;
			try { await (`+expr+`); } catch (e) {}
			return goEntries - before;
		})()`)
	}
	for _, tc := range []struct {
		expr string
		want int
	}{
		{`me.request("meta")`, 1},
		{`me.request("i")`, 1},
		{`me.request("notes/timeline", { limit: 100 })`, 1},
		{`me.request("notes/delete", { noteId: "` + fake.PostNote(fake.SignedIn(), "x") + `" })`, 1}, // 204
		{`me.request("notes/show", { noteId: "nope" })`, 2},                                          // an error is read in Go
		{`me.request("bad endpoint")`, 1},                                                            // refused before anything is sent
	} {
		if got := entries(tc.expr); got != tc.want {
			t.Errorf("%s entered Go %d times, want %d", tc.expr, got, tc.want)
		}
	}
}

// Two tabs of one origin that keep accounts at the same moment both keep
// theirs: each account is its own localStorage entry (0.1 read, changed and
// wrote back one list, so one tab's write could drop the other's).
func TestTwoTabsKeepAccounts(t *testing.T) {
	ctx := newBrowser(t)
	app := libTestServer(t)
	tab2, cancel := chromedp.NewContext(ctx)
	defer cancel()
	for _, c := range []contextT{ctx, tab2} {
		if err := chromedp.Do(c, chromedp.Navigate(app+"/test.html")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, c, `window.mk || window.loadError`, 30*time.Second)
	}
	const n = 60
	var wg sync.WaitGroup
	for i, c := range []contextT{ctx, tab2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			eval[bool](t, c, `(async () => {
				for (let i = 0; i < `+strconv.Itoa(n)+`; i++) {
					mk.accounts.add({ origin: "https://misskey.example", token: "tab`+strconv.Itoa(i)+`-" + i, user: { id: "tab`+strconv.Itoa(i)+`-" + i, username: "u" + i } });
					if (i % 5 === 0) await new Promise(r => setTimeout(r, 0));
				}
				return true;
			})()`)
		}()
	}
	wg.Wait()
	for _, c := range []contextT{ctx, tab2} {
		if got := eval[int](t, c, `mk.accounts.list().length`); got != 2*n {
			t.Errorf("a tab lists %d accounts, want %d", got, 2*n)
		}
	}
}
