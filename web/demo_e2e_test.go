package main

// The demo app in headless Chromium, driven through its own UI against the
// fake instance: a denied sign-in and the way back, a sign-in, the profile,
// posting (and a note that tries to inject HTML), reacting, deleting, a
// second account, switching, signing out. UPDATE_SCREENSHOT=1 also writes
// the signed-in page to docs/screenshot.png.

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

const long = 30 * time.Second

// q quotes s as a JS string literal.
func q(s string) string { return strconv.Quote(s) }

func click(t *testing.T, ctx contextT, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

// clickNavigate clicks something that loads another page.
func clickNavigate(t *testing.T, ctx contextT, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

// noteWithText is a JS expression: the timeline's <li> whose note text is text.
func noteWithText(text string) string {
	return `[...document.querySelectorAll("#notes li.note")].find(li => { const p = li.querySelector(".note-text"); return p && p.textContent === ` + q(text) + `; })`
}

// waitUI is waitFor with the demo's messages in the failure.
func waitUI(t *testing.T, ctx contextT, cond string) {
	t.Helper()
	deadline := time.Now().Add(long)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")", chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			msgs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#alerts, #statuses, #timeline-status")].map(e => e.textContent.trim()).join(" | ")`))
			t.Fatalf("waited %v for %s (last error: %v); the page says %q", long, short(cond), err, msgs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func toastText(t *testing.T, ctx contextT) string {
	t.Helper()
	return eval[string](t, ctx, `document.querySelector(".toasts").textContent`)
}

func TestDemoInChromium(t *testing.T) {
	ctx := newBrowser(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	seedFake(fake)
	app := serve(t, newHandler(".", testDist, fake.URL))
	page := app + "/"

	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	// The sign-in form, with the fake instance from config.json.
	waitUI(t, ctx, `!document.getElementById("signin").hidden && document.getElementById("instance").value !== ""`)
	if v := eval[string](t, ctx, `document.getElementById("instance").value`); v != fake.URL {
		t.Fatalf("instance field %q, want %q", v, fake.URL)
	}
	if v := eval[string](t, ctx, `document.querySelector("#origin-preview .origin").textContent`); v != fake.URL {
		t.Errorf("origin preview %q", v)
	}
	perms := eval[[]string](t, ctx, `[...document.querySelectorAll('input[name="permission"]:checked')].map(i => i.value)`)
	slices.Sort(perms)
	if strings.Join(perms, ",") != "read:account,read:drive,read:notifications,write:drive,write:notes,write:reactions" {
		t.Errorf("default permissions %v", perms)
	}

	// First try: Deny on the consent page, then back to the demo by hand.
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/miauth/")+`) && document.getElementById("deny")`)
	if body := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(body, "misskey-wasm demo") || !strings.Contains(body, "write:drive") {
		t.Errorf("consent page shows %q", short(body))
	}
	if src := eval[string](t, ctx, `document.getElementById("app-icon") ? document.getElementById("app-icon").getAttribute("src") : ""`); src != app+"/icon.svg" {
		t.Errorf("app icon %q", src)
	}
	clickNavigate(t, ctx, "#deny")
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("pending").hidden`)
	click(t, ctx, "#pending-check")
	waitUI(t, ctx, `document.getElementById("alerts").textContent.includes("not approved")`)
	if !eval[bool](t, ctx, `document.getElementById("pending").hidden && !document.getElementById("signin").hidden`) {
		t.Error("after a denied sign-in, the form is not back")
	}

	// Sign in: Allow brings the user back, signed in.
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/miauth/")+`) && document.getElementById("allow")`)
	clickNavigate(t, ctx, "#allow")
	waitUI(t, ctx, `location.href.startsWith(`+q(page)+`)`)
	waitUI(t, ctx, `!document.getElementById("app").hidden && document.getElementById("profile-acct").textContent.startsWith("@alice@")`)
	if loc := eval[string](t, ctx, `location.href`); loc != page {
		t.Errorf("address bar %q after sign-in", loc)
	}
	waitUI(t, ctx, `document.getElementById("count-following").textContent === "1"`)
	if name := eval[string](t, ctx, `document.getElementById("profile-name").textContent`); name != "Alice" {
		t.Errorf("profile name %q", name)
	}
	waitUI(t, ctx, noteWithText("Hello from the fake instance! Everything here runs on your machine."))

	// Post a note.
	const hello = "Hello from the demo's end-to-end test"
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#note-text"), hello),
		chromedp.SendKeys(chromedp.CSS("#note-cw"), "a test"),
	); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#post-button")
	waitUI(t, ctx, noteWithText(hello))
	if cw := eval[string](t, ctx, noteWithText(hello)+`.querySelector(".cw summary").textContent`); !strings.Contains(cw, "a test") {
		t.Errorf("content warning shown as %q", cw)
	}
	if v := eval[string](t, ctx, `document.getElementById("note-text").value`); v != "" {
		t.Errorf("composer not cleared: %q", v)
	}

	// A note that tries to inject HTML is shown as text.
	const xss = `<img src=x onerror=alert(1)>`
	eval[bool](t, ctx, `(window.__alerts = [], window.alert = (m) => { window.__alerts.push(String(m)); }, true)`)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#note-text"), xss)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#post-button")
	waitUI(t, ctx, noteWithText(xss))
	if n := eval[int](t, ctx, `[...document.querySelectorAll("img")].filter(i => i.getAttribute("src") === "x").length`); n != 0 {
		t.Errorf("%d injected img elements", n)
	}

	// Delete our first note (with the inline confirmation).
	mine := eval[string](t, ctx, noteWithText(hello)+`.dataset.noteId`)
	click(t, ctx, `li[data-note-id="`+mine+`"] button.delete`)
	click(t, ctx, `li[data-note-id="`+mine+`"] button.confirm-delete`)
	waitUI(t, ctx, `!document.querySelector('li[data-note-id="`+mine+`"]')`)
	deleted := false
	for _, r := range fake.Requests() {
		if r.Path == "/api/notes/delete" {
			deleted = true
		}
	}
	if !deleted {
		t.Error("no notes/delete request reached the instance")
	}

	// Live: the timeline is streaming; a note by Bob appears without a refresh,
	// and Bob's reaction to Alice's note shows as a notification.
	waitUI(t, ctx, `document.querySelector("#live-state").textContent === "Live"`)
	const live = "This one arrives live, over the streaming API."
	liveDeadline := time.Now().Add(20 * time.Second)
	for {
		// The channel's connect frame may still be on its way: post until one arrives.
		fake.PostNote(fake.User("bob"), live)
		if eval[bool](t, ctx, `new Promise(r => setTimeout(() => r(!!(`+noteWithText(live)+`)), 300))`) {
			break
		}
		if time.Now().After(liveDeadline) {
			t.Fatal("no live note arrived")
		}
	}
	aliceNote := eval[string](t, ctx, noteWithText(xss)+`.dataset.noteId`)
	if err := fake.React(fake.User("bob"), aliceNote, "🎉"); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `[...document.querySelectorAll("#statuses *, #alerts *")].some(e => e.textContent.includes("Bob reacted"))`)

	// Refresh: a note posted meanwhile appears, the others are still there.
	const news = "Anyone up for coffee? ☕ The fake instance never sleeps."
	fake.PostNote(fake.User("bob"), news)
	click(t, ctx, "#refresh")
	// Wait for the refresh to finish: a click lands on coordinates, and the
	// list must not change under it.
	waitUI(t, ctx, `!document.getElementById("refresh").disabled`)
	waitUI(t, ctx, noteWithText(news))
	waitUI(t, ctx, noteWithText(xss))

	// React to Bob's note.
	id := eval[string](t, ctx, noteWithText(news)+`.dataset.noteId`)
	click(t, ctx, `li[data-note-id="`+id+`"] button.react`)
	waitUI(t, ctx, `document.querySelector('li[data-note-id="`+id+`"] button.react[aria-pressed="true"]')`)
	if r := eval[string](t, ctx, `document.querySelector('li[data-note-id="`+id+`"] .reaction.mine').textContent`); r != "👍 1" {
		t.Errorf("reaction shown as %q", r)
	}

	// A note with an image, visible at home only: uploaded with a progress bar.
	const pic = "A picture, uploaded to the drive with a progress bar."
	picture := filepath.Join(t.TempDir(), "sunset.png")
	writePicture(t, picture)
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#note-file"), []string{picture}),
		chromedp.SendKeys(chromedp.CSS("#note-text"), pic),
		chromedp.SetValue(chromedp.CSS("#note-visibility"), "home"),
	); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#post-button")
	waitUI(t, ctx, noteWithText(pic)+`.querySelector(".note-file img")`)
	if src := eval[string](t, ctx, noteWithText(pic)+`.querySelector(".note-file img").src`); !strings.HasPrefix(src, fake.URL+"/files/") {
		t.Errorf("attached image at %q", src)
	}
	if b := eval[string](t, ctx, noteWithText(pic)+`.querySelector(".badge").textContent`); b != "Home" {
		t.Errorf("visibility badge %q", b)
	}
	if !eval[bool](t, ctx, `(p => p.max > 1 && p.value === p.max)(document.getElementById("upload-progress"))`) {
		t.Error("the progress bar did not reach the end")
	}

	// No alert ever ran (the page has not navigated since the trap).
	if a := eval[[]string](t, ctx, `window.__alerts`); len(a) != 0 {
		t.Errorf("alert called: %v", a)
	}

	// The screenshot of the signed-in page, for people.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 1000)); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, ctx, `(document.querySelectorAll(".toast-close").forEach(b => b.click()), document.activeElement.blur(), window.scrollTo(0, 0), true)`)
	waitUI(t, ctx, `[...document.images].every(i => i.complete)`)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.ResetViewport()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "demo.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		if err := os.MkdirAll("../docs", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("../docs/screenshot.png", shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// A second account (Bob, on the same instance), then switch back.
	fake.SetSignedIn(fake.User("bob"))
	click(t, ctx, "#add-account")
	waitUI(t, ctx, `!document.getElementById("signin").hidden`)
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/miauth/")+`) && document.getElementById("allow")`)
	clickNavigate(t, ctx, "#allow")
	waitUI(t, ctx, `!document.getElementById("app").hidden && document.getElementById("profile-acct").textContent.startsWith("@bob@")`)
	if n := eval[int](t, ctx, `document.querySelectorAll("#account-select option").length`); n != 2 {
		t.Fatalf("%d accounts in the switcher", n)
	}
	// Bob can delete his own notes (once his timeline is there).
	waitUI(t, ctx, `document.querySelectorAll("#notes button.delete").length > 0`)
	eval[bool](t, ctx, `(() => { const s = document.getElementById("account-select");
		s.value = [...s.options].find(o => o.textContent.startsWith("@alice@")).value;
		s.dispatchEvent(new Event("change")); return true; })()`)
	waitUI(t, ctx, `document.getElementById("profile-acct").textContent.startsWith("@alice@")`)

	// Sign out of both: Misskey does not let the app revoke its token, so
	// the demo says where to do it.
	click(t, ctx, "#sign-out")
	waitUI(t, ctx, `document.getElementById("profile-acct").textContent.startsWith("@bob@")`)
	if !eval[bool](t, ctx, `!!document.querySelector('.toasts a[href=`+q(fake.URL+"/settings/apps")+`][rel="noopener noreferrer"]')`) {
		t.Errorf("no link to the app settings after sign-out: %q", toastText(t, ctx))
	}
	click(t, ctx, "#sign-out")
	waitUI(t, ctx, `!document.getElementById("signin").hidden && document.getElementById("account-bar").hidden`)
	if n := eval[int](t, ctx, `import("./dist/misskey.js").then(m => m.load()).then(mk => mk.accounts.list().length)`); n != 0 {
		t.Errorf("%d accounts kept after signing out", n)
	}

}

// writePicture writes a small PNG: an evening sky over a green hill.
func writePicture(t *testing.T, path string) {
	t.Helper()
	const w, h = 480, 270
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f := float64(y) / h
			c := color.RGBA{uint8(250 - 90*f), uint8(170 - 60*f), uint8(90 + 90*f), 255}
			dx, dy := float64(x-330), float64(y-150)
			if dx*dx+dy*dy < 38*38 {
				c = color.RGBA{255, 226, 120, 255}
			}
			hill := 200 + 30*math.Sin(float64(x)/70)
			if float64(y) > hill {
				c = color.RGBA{uint8(60 + 20*f), uint8(120 + 30*f), 40, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// An account kept without its user (mk.accounts.add({ origin, token }), or
// 0.1's list): the demo opens it, names it by its instance, and fills the
// profile in from "i" (it used to throw on account.user.username).
func TestDemoAccountWithoutUser(t *testing.T) {
	ctx := newBrowser(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	app := serve(t, newHandler(".", testDist, fake.URL))
	tok := fake.IssueToken(fake.SignedIn(), "read:account", "write:notes")
	if err := chromedp.Do(ctx, chromedp.Navigate(app+"/")); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("signin").hidden`)
	eval[bool](t, ctx, `(() => {
		window.onerror = (m) => { window.pageErrors = (window.pageErrors || []).concat(String(m)); };
		window.addEventListener("unhandledrejection", (e) => { window.pageErrors = (window.pageErrors || []).concat(String(e.reason)); });
		// As version 0.1 kept it: the library converts the list on first use.
		localStorage.setItem("misskey-wasm:accounts", JSON.stringify([{ origin: "`+fake.URL+`", token: "`+tok+`", user: null }]));
		return true;
	})()`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, ctx, `(() => {
		window.pageErrors = [];
		window.onerror = (m) => { window.pageErrors.push(String(m)); };
		window.addEventListener("unhandledrejection", (e) => { window.pageErrors.push(String(e.reason)); });
		return true;
	})()`)
	waitUI(t, ctx, `!document.getElementById("app").hidden && document.getElementById("profile-name").textContent === "Alice"`)
	if errs := eval[[]string](t, ctx, `window.pageErrors`); len(errs) > 0 {
		t.Errorf("page errors: %v", errs)
	}
	if s := eval[string](t, ctx, `document.getElementById("account-select").textContent`); !strings.Contains(s, "127.0.0.1") {
		t.Errorf("account picker says %q", s)
	}
}
