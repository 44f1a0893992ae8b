package main

// The demo as a Misskey client, in headless Chromium, driven through its
// UI as a person would (clicks, typing, the keyboard alone for signing in
// and posting), against a fake instance seeded like the demo's own
// (seedFake): MFM, renotes, replies, quotes and threads, reactions and
// the picker, notifications, the four timelines, pictures, the composer,
// sign-in in plain words (MiAuth on loopback, OAuth where the instance
// can fetch the client page), two accounts on two instances, the phone
// layout, and axe-core on every main screen in light and dark, on a
// desktop and a phone. SCREENSHOTS=dir keeps the screenshots the tests
// take; UPDATE_SCREENSHOT=1 writes the README's (docs/screenshot.png).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	chromekb "github.com/chromedp/chromedp/kb"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
	"github.com/misskey-wasm/misskey-wasm/web/internal/npmtools"
)

// demoFake is a started fake instance with the demo's content, dated in
// the past as `make serve` shows it.
func demoFake(t *testing.T, setup ...func(*misskeytest.Server)) *misskeytest.Server {
	t.Helper()
	fake := newFake()
	for _, f := range setup {
		f(fake)
	}
	fake.Start()
	t.Cleanup(fake.Close)
	seedFake(fake)
	return fake
}

// openDemo serves the demo (with cfg) and opens it, waiting for the sign-in form.
func openDemo(t *testing.T, ctx context.Context, cfg demoConfig) string {
	t.Helper()
	page := serve(t, newHandlerWith(".", testDist, cfg)) + "/"
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("signin").hidden`)
	return page
}

// signInUI signs in with the instance field as it is: the consent page's
// Allow, back on the demo's home timeline.
func signInUI(t *testing.T, ctx context.Context, fake *misskeytest.Server) {
	t.Helper()
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `document.getElementById("allow")`)
	clickNavigate(t, ctx, "#allow")
	waitUI(t, ctx, `!document.getElementById("app").hidden && document.querySelectorAll("#feeds ol:not([hidden]) li.note").length > 0`)
}

// js helpers in the page.
const pageHelpers = `(() => {
	window.noteBy = (sub, root) => [...(root || document).querySelectorAll("li.note")].filter(li => !li.closest("[hidden]"))
		.find(li => { const p = li.querySelector(".note-text"); return p && p.textContent.includes(sub); });
	window.visibleNote = (sel) => [...document.querySelectorAll(sel)].find(e => !e.closest("[hidden]"));
	window.errs = window.errs || [];
	return true;
})()`

func helpers(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[bool](t, ctx, pageHelpers)
}

// note is a JS expression: the shown note (li) whose text includes sub.
func note(sub string) string { return `noteBy(` + q(sub) + `)` }

func requestsTo(fake *misskeytest.Server, endpoint string) []misskeytest.Request {
	var out []misskeytest.Request
	for _, r := range fake.Requests() {
		if r.Endpoint == endpoint && r.Method != "OPTIONS" {
			out = append(out, r)
		}
	}
	return out
}

// press sends keys to the focused element, as a keyboard does.
func press(t *testing.T, ctx context.Context, keys string, opts ...chromedp.KeyOption) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys, opts...)); err != nil {
		t.Fatalf("pressing %q: %v", keys, err)
	}
}

// tabTo presses Tab until the element matching sel has focus.
func tabTo(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	for range 80 {
		if eval[bool](t, ctx, `document.activeElement && document.activeElement.matches(`+q(sel)+`)`) {
			return
		}
		press(t, ctx, chromekb.Tab)
	}
	t.Fatalf("Tab never reached %s (focus on %s)", sel, eval[string](t, ctx, `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ""`))
}

// media sets the page's colour scheme and motion preference.
func media(t *testing.T, ctx context.Context, dark, reducedMotion bool) {
	t.Helper()
	scheme, motion := "light", "no-preference"
	if dark {
		scheme = "dark"
	}
	if reducedMotion {
		motion = "reduce"
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
		{Name: "prefers-color-scheme", Value: scheme}, {Name: "prefers-reduced-motion", Value: motion}}}); err != nil {
		t.Fatal(err)
	}
	// The buttons' colours change with a 0.15 s transition: what a person
	// sees (and axe measures) is the end of it.
	eval[bool](t, ctx, `new Promise(r => requestAnimationFrame(() => Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition).map(a => a.finished.catch(() => 0))).then(() => r(true))))`)
}

// phone makes the viewport a 390×844 phone (true) or a 1280×900 desktop.
func phone(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	act := chromedp.EmulateViewport(1280, 900)
	if on {
		act = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, act); err != nil {
		t.Fatal(err)
	}
}

// screenshot keeps a PNG of the viewport in $SCREENSHOTS (when set) and returns it.
func screenshot(t *testing.T, ctx context.Context, name string) []byte {
	t.Helper()
	eval[bool](t, ctx, `new Promise(r => { const imgs = [...document.images].filter(i => i.loading !== "lazy" || i.getBoundingClientRect().top < innerHeight);
		Promise.all(imgs.map(i => i.complete ? 0 : new Promise(d => { i.onload = i.onerror = d; setTimeout(d, 3000); }))).then(() => setTimeout(() => r(true), 150)); })`)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return shot
}

// axeSource is axe-core's script, from the pinned npm package.
func axeSource(t *testing.T) string {
	t.Helper()
	dir := npmTools(t, npmtools.AxeCore)
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// checkAxe runs axe-core on the page (every rule it runs by default, the
// WCAG 2.2 AA ones included) and fails on any violation.
func checkAxe(t *testing.T, ctx context.Context, src, screen string) {
	t.Helper()
	if !eval[bool](t, ctx, `!!window.axe`) {
		// DevTools' evaluation is not the page's script: the page's CSP does not apply.
		eval[bool](t, ctx, src+";true")
	}
	v := eval[[]axeViolation](t, ctx, `axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } })
		.then(r => r.violations.map(v => ({ ID: v.id, Impact: v.impact || "", Help: v.help, Nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(0, 2).join(" ")) })))`)
	for _, x := range v {
		t.Errorf("axe on %s: %s (%s): %s\n    %s", screen, x.ID, x.Impact, x.Help, strings.Join(x.Nodes, "\n    "))
	}
	t.Logf("axe on %s: %d violations", screen, len(v))
}

// ─── 7. Sign-in in plain words ──────────────────────────────────────────

func TestDemoSignIn(t *testing.T) {
	ctx := newBrowser(t)
	messages := watchConsole(ctx)
	fake := demoFake(t)
	page := openDemo(t, ctx, demoConfig{DefaultInstance: fake.URL})
	host := strings.TrimPrefix(fake.URL, "http://")

	// The page says the prefilled instance is the built-in fake, who signs you
	// in, and why it uses MiAuth here.
	if s := eval[string](t, ctx, `document.getElementById("fake-note").hidden ? "" : document.getElementById("fake-note").textContent`); !strings.Contains(s, "built-in fake") || !strings.Contains(s, "@alice") {
		t.Errorf("the fake instance's note says %q", s)
	}
	if s := eval[string](t, ctx, `document.getElementById("method-note").textContent`); !strings.Contains(s, "MiAuth") || !strings.Contains(s, "https on a public domain") {
		t.Errorf("the sign-in method's note says %q", s)
	}

	// @user@host, a profile URL and a note URL stand for their instance; a bad one gets a sentence.
	preview := func(v string) string {
		t.Helper()
		eval[bool](t, ctx, `(document.getElementById("instance").value = "", true)`)
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#instance"), v)); err != nil {
			t.Fatal(err)
		}
		return eval[string](t, ctx, `document.getElementById("origin-preview").textContent`)
	}
	for _, v := range []string{"@alice@" + host, "alice@" + host, fake.URL + "/@bob", fake.URL + "/notes/9abcdefghi"} {
		if got := preview(v); !strings.Contains(got, "sent to "+fake.URL+" ") {
			t.Errorf("%q previews as %q", v, got)
		}
	}
	if got := preview("@alice@misskey.io"); !strings.Contains(got, "https://misskey.io") {
		t.Errorf("@alice@misskey.io previews as %q", got)
	}
	if eval[bool](t, ctx, `document.getElementById("fake-note").hidden`) != true {
		t.Error("the fake instance's note stays for another instance")
	}
	for _, v := range []string{"not a host!", "@alice", "http://example.com"} {
		got := preview(v)
		if got == "" || strings.Contains(got, "INVALID_ARGUMENT") || strings.Contains(got, "origin \"") {
			t.Errorf("%q previews as %q", v, got)
		}
		if !eval[bool](t, ctx, `document.getElementById("instance").getAttribute("aria-invalid") === "true"`) {
			t.Errorf("%q: the field is not marked invalid", v)
		}
	}

	// An address where nothing answers, and one that is not Misskey: the page says
	// so and stays (no browser error page); nothing is started.
	closed := serve(t, http.NotFoundHandler())
	notMisskey := corsServer(t, http.NewServeMux())
	for _, c := range []struct{ addr, want string }{
		{"127.0.0.1:1", "Nothing answered at 127.0.0.1:1"},
		{notMisskey, "not as a Misskey server does"},
		{closed, "Nothing answered at " + strings.TrimPrefix(closed, "http://")},
	} {
		preview(c.addr)
		click(t, ctx, "#signin-submit")
		waitUI(t, ctx, `document.getElementById("alerts").textContent.includes(`+q(c.want)+`)`)
		if loc := eval[string](t, ctx, `location.href`); loc != page {
			t.Errorf("%s: the page went to %s", c.addr, loc)
		}
		if s := toastText(t, ctx); strings.Contains(s, "NETWORK_ERROR") || strings.Contains(s, "INVALID_RESPONSE") {
			t.Errorf("%s: a raw code in %q", c.addr, s)
		}
		eval[bool](t, ctx, `(document.querySelectorAll("#alerts .toast-close").forEach(b => b.click()), true)`)
	}

	// Deny on the consent page: the fake's page links back to the demo, which
	// offers to check; the instance says it was not approved.
	preview(fake.URL)
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/miauth/")+`) && document.getElementById("deny")`)
	clickNavigate(t, ctx, "#deny")
	waitUI(t, ctx, `document.getElementById("back")`)
	if href := eval[string](t, ctx, `document.getElementById("back").href`); href != page {
		t.Errorf("the Denied page links to %q, want %q", href, page)
	}
	clickNavigate(t, ctx, "#back")
	waitUI(t, ctx, `!document.getElementById("pending").hidden`)
	click(t, ctx, "#pending-check")
	waitUI(t, ctx, `document.getElementById("alerts").textContent.includes("not approved")`)

	// Sign in with the keyboard alone: Enter in the instance field, Allow
	// with Tab and Enter on the consent page. Focus is then on the heading.
	eval[bool](t, ctx, `(document.querySelectorAll(".toast-close").forEach(b => b.click()), document.getElementById("instance").focus(), true)`)
	press(t, ctx, chromekb.Enter)
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/miauth/")+`) && document.getElementById("allow")`)
	tabTo(t, ctx, "#allow")
	if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(chromekb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("app")?.hidden && document.getElementById("account-label").textContent.startsWith("@alice@")`)
	waitUI(t, ctx, `document.activeElement && document.activeElement.id === "view-title"`)
	if s := eval[string](t, ctx, `document.activeElement.textContent`); s != "Home timeline" {
		t.Errorf("focus after sign-in on %q", s)
	}
	if loc := eval[string](t, ctx, `location.href`); loc != page {
		t.Errorf("address bar %q after sign-in", loc)
	}

	// A stale callback link (used already) while signed in: back to the timeline, said plainly.
	session := ""
	for _, r := range fake.Requests() {
		if r.Endpoint == "miauth/check" {
			session = strings.TrimSuffix(strings.TrimPrefix(r.Path, "/api/miauth/"), "/check")
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(page+"?session="+session)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("app")?.hidden && document.getElementById("statuses").textContent.includes("already used")`)
	if s := toastText(t, ctx); strings.Contains(s, "failed") || strings.Contains(s, "UNKNOWN_SESSION") {
		t.Errorf("a stale link says %q", s)
	}
	if loc := eval[string](t, ctx, `location.href`); loc != page {
		t.Errorf("address bar %q after the stale link", loc)
	}

	// The CSP: frame-ancestors in the header only, not in the <meta> (where
	// browsers ignore it with a warning on every load).
	res, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if h := res.Header.Get("Content-Security-Policy"); !strings.Contains(h, "frame-ancestors 'none'") {
		t.Errorf("CSP header %q", h)
	}
	_, meta, _ := strings.Cut(string(body), `http-equiv="Content-Security-Policy" content="`)
	meta, _, _ = strings.Cut(meta, `"`)
	if meta == "" || strings.Contains(meta, "frame-ancestors") || !strings.Contains(meta, "script-src 'self' 'wasm-unsafe-eval'") {
		t.Errorf("index.html's <meta> CSP is %q", meta)
	}
	for _, m := range messages.all() {
		if strings.Contains(m.Text, "frame-ancestors") || strings.Contains(m.Text, "Content Security Policy") || m.Type == chromedp.ConsoleException {
			t.Errorf("console: %s %s", m.Type, m.Text)
		}
	}
}

// consoleLog keeps what the page writes to the console.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func watchConsole(ctx context.Context) *consoleLog {
	l := &consoleLog{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.msgs = append(l.msgs, m)
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *consoleLog) all() []chromedp.ConsoleMessage {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]chromedp.ConsoleMessage{}, l.msgs...)
}

// The demo signs in with OAuth 2.0 where the instance can fetch its client
// page (here: the fake in Misskey's test mode, which accepts one on
// loopback): the consent page names the demo, Allow brings the user back
// signed in (completeSignIn), Deny brings them back with a sentence.
func TestDemoOAuthSignIn(t *testing.T) {
	ctx := newBrowser(t)
	fake := demoFake(t, func(f *misskeytest.Server) { f.AllowLoopbackClientID = true })
	page := openDemo(t, ctx, demoConfig{DefaultInstance: fake.URL, OAuthOnLoopback: true})
	if s := eval[string](t, ctx, `document.getElementById("method-note").textContent`); !strings.Contains(s, "OAuth 2.0") || strings.Contains(s, "only accepts") {
		t.Errorf("the sign-in method's note says %q", s)
	}
	// The client page the instance reads: the demo's name and its redirect URI, in mk.oauth.clientPage's markup.
	res, err := http.Get(page + "client.html")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	want := eval[string](t, ctx, `import("./dist/misskey.js").then(m => m.load()).then(mk => mk.oauth.clientPage({ clientId: `+q(page+"client.html")+`, redirectUri: `+q(page)+`, name: "misskey-wasm demo", logo: `+q(page+"icon.svg")+` }))`)
	if !strings.Contains(string(b), want) {
		t.Errorf("client.html:\n%s\nwant it to carry:\n%s", b, want)
	}

	// Deny: back to the demo with a plain sentence.
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/oauth/authorize")+`) && document.getElementById("deny")`)
	if name := eval[string](t, ctx, `document.getElementById("app-name").textContent`); name != "misskey-wasm demo" {
		t.Errorf("the consent page names %q", name)
	}
	clickNavigate(t, ctx, "#deny")
	waitUI(t, ctx, `!document.getElementById("signin")?.hidden && document.getElementById("alerts").textContent.includes("You denied access")`)
	if s := toastText(t, ctx); strings.Contains(s, "access_denied") {
		t.Errorf("a raw code in %q", s)
	}
	if loc := eval[string](t, ctx, `location.href`); loc != page {
		t.Errorf("address bar %q after Deny", loc)
	}

	// Allow: signed in, with an OAuth token (the fake's token endpoint answered), focus on the heading.
	eval[bool](t, ctx, `(document.querySelectorAll(".toast-close").forEach(b => b.click()), true)`)
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/oauth/authorize")+`) && document.getElementById("allow")`)
	clickNavigate(t, ctx, "#allow")
	waitUI(t, ctx, `!document.getElementById("app")?.hidden && document.activeElement && document.activeElement.id === "view-title"`)
	waitUI(t, ctx, `document.querySelectorAll("#feeds li.note").length > 0`)
	tokens, checks := 0, 0
	for _, r := range fake.Requests() {
		if r.Path == "/oauth/token" && r.Method == "POST" {
			tokens++
		}
		if r.Endpoint == "miauth/check" {
			checks++
		}
	}
	if tokens != 1 || checks != 0 {
		t.Errorf("%d token requests and %d MiAuth checks", tokens, checks)
	}
	if loc := eval[string](t, ctx, `location.href`); loc != page {
		t.Errorf("address bar %q after sign-in", loc)
	}

	// The same callback link again (its sign-in is used up) while signed
	// in: back to the timeline, said plainly, and the code is not sent again.
	var code, state string
	for _, r := range fake.Requests() {
		if r.Path == "/oauth/token" && r.Method == "POST" {
			v, _ := url.ParseQuery(string(r.Body))
			code = v.Get("code")
		}
		if strings.HasPrefix(r.Path, "/oauth/authorize") && r.Method == "GET" {
			v, _ := url.ParseQuery(r.RawQuery)
			state = v.Get("state")
		}
	}
	var meta struct{ Issuer string }
	res, err = http.Get(fake.URL + "/.well-known/oauth-authorization-server")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(res.Body).Decode(&meta)
	res.Body.Close()
	if code == "" || state == "" || meta.Issuer == "" {
		t.Fatalf("the callback's parts: code %q, state %q, issuer %q", code, state, meta.Issuer)
	}
	eval[bool](t, ctx, `(document.querySelectorAll(".toast-close").forEach(b => b.click()), true)`)
	stale := page + "?" + url.Values{"code": {code}, "state": {state}, "iss": {meta.Issuer}}.Encode()
	if err := chromedp.Do(ctx, chromedp.Navigate(stale)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("app")?.hidden && document.querySelectorAll("#feeds li.note").length > 0 && (document.getElementById("statuses").textContent + document.getElementById("alerts").textContent).trim() !== ""`)
	said := eval[string](t, ctx, `document.getElementById("statuses").textContent + " | " + document.getElementById("alerts").textContent`)
	if !strings.Contains(said, "already used") || !strings.Contains(said, "still signed in as @alice@") {
		t.Errorf("a stale OAuth link says %q", said)
	}
	for _, raw := range []string{"STATE_MISMATCH", "UNKNOWN_SESSION", "invalid_grant", "failed"} {
		if strings.Contains(said, raw) {
			t.Errorf("a stale OAuth link says %q", said)
		}
	}
	if loc := eval[string](t, ctx, `location.href`); loc != page {
		t.Errorf("address bar %q after the stale link", loc)
	}
	tokens = 0
	for _, r := range fake.Requests() {
		if r.Path == "/oauth/token" && r.Method == "POST" {
			tokens++
		}
	}
	if tokens != 1 {
		t.Errorf("%d token requests after the stale link, want the first one only", tokens)
	}
}

// ─── 1, 2, 5: notes as Misskey shows them; timelines ────────────────────

func TestDemoTimeline(t *testing.T) {
	ctx := newBrowser(t)
	fake := demoFake(t)
	openDemo(t, ctx, demoConfig{DefaultInstance: fake.URL})
	signInUI(t, ctx, fake)
	helpers(t, ctx)
	waitUI(t, ctx, note("Good morning")+` && document.querySelector("li.note .note-text img.mfm-emoji")`)

	// 1. MFM: bold, custom emoji from the instance's emojis, a hashtag to the
	// instance, animations; the user's name with its custom emoji.
	mfm := eval[struct {
		Bold, Emoji, EmojiAlt, Tag, Name, NameEmoji, Small string
		Animated                                           bool
	}](t, ctx, `(() => { const li = `+note("Good morning")+`; const t = li.querySelector(".note-text");
		const img = t.querySelector("img.mfm-emoji"), tag = t.querySelector("a.mfm-hashtag"), n = li.querySelector(".note-name");
		return { Bold: t.querySelector("b")?.textContent, Emoji: img?.src, EmojiAlt: img?.alt, Tag: tag?.href, Name: n.textContent,
			NameEmoji: n.querySelector("img")?.alt, Small: t.querySelector("small")?.textContent, Animated: !!t.querySelector(".mfm-anim-tada") }; })()`)
	if mfm.Bold != "fediverse" || mfm.Emoji != fake.URL+"/emoji/blobcat.svg" || mfm.EmojiAlt != ":blobcat:" || mfm.Tag != fake.URL+"/tags/misskey" ||
		mfm.NameEmoji != ":blobcat:" || !strings.HasPrefix(mfm.Name, "Chiaki") || mfm.Small != "small print" || !mfm.Animated {
		t.Errorf("MFM rendered as %+v", mfm)
	}
	if n := len(requestsTo(fake, "emojis")); n != 1 {
		t.Errorf("%d emojis requests", n)
	}
	// prefers-reduced-motion: the same note without animation.
	media(t, ctx, false, true)
	click(t, ctx, "#refresh")
	waitUI(t, ctx, `!document.getElementById("refresh").disabled && `+note("Good morning")+` && !`+note("Good morning")+`.querySelector(".mfm-anim")`)
	media(t, ctx, false, false)
	// A code block, and a note that tries to inject HTML shows as text.
	if s := eval[string](t, ctx, note("How the demo loads")+`.querySelector("pre.mfm-code-block code").textContent`); !strings.Contains(s, "const mk = await load();") {
		t.Errorf("code block %q", s)
	}

	// 2. A pure renote, a reply, a quote.
	renote := eval[struct{ By, Text, Label string }](t, ctx, `(() => { const li = [...document.querySelectorAll("#feeds li.note")].find(l => l.querySelector(".renoted-by") && l.textContent.includes("Evening walk"));
		return { By: li.querySelector(".renoted-by").textContent, Text: li.querySelector(".note-text").textContent, Label: li.querySelector("article").getAttribute("aria-label") }; })()`)
	if !strings.Contains(renote.By, "Eiko renoted") || !strings.Contains(renote.Text, "The hills were glowing") || renote.Label != "Renote by Eiko of a note by Dana 🌿" {
		t.Errorf("pure renote %+v", renote)
	}
	if s := eval[string](t, ctx, note("Nice to see you here")+`.querySelector(".reply-to").textContent`); !strings.Contains(s, "Replying to @alice") || !strings.Contains(s, "My first note on misskey-wasm.") {
		t.Errorf("reply shows %q", s)
	}
	if s := eval[string](t, ctx, note("say hi to Alice")+`.querySelector(".quote").textContent`); !strings.Contains(s, "Alice") || !strings.Contains(s, "My first note on misskey-wasm.") {
		t.Errorf("quote shows %q", s)
	}

	// 9. Each note's time links to its thread, named by what it shows.
	tl := eval[struct{ Visible, Name, Href string }](t, ctx, `(() => { const a = `+note("Good morning")+`.querySelector(".note-head .note-time"); return { Visible: a.querySelector("time").textContent, Name: a.textContent, Href: a.getAttribute("href") }; })()`)
	if tl.Visible == "" || !strings.HasPrefix(tl.Name, tl.Visible) || !strings.HasPrefix(tl.Href, "#/notes/") {
		t.Errorf("time link %+v", tl)
	}

	// 2. A thread: the sunset's replies, then the reply to the reply with its ancestors.
	fake.ResetRequests()
	click(t, ctx, `li.note[data-note-id="`+eval[string](t, ctx, `[...document.querySelectorAll("#feeds li.note")].find(l => l.querySelector(".renoted-by") && l.textContent.includes("Evening walk")).dataset.noteId`)+`"] .note-head .note-time`)
	waitUI(t, ctx, `!document.getElementById("view-thread").hidden && document.querySelector("#thread .note-main")`)
	waitUI(t, ctx, `document.activeElement && document.activeElement.id === "thread-title"`)
	if s := eval[string](t, ctx, `document.getElementById("thread-title").textContent`); s != "Note by Dana 🌿" {
		t.Errorf("thread heading %q", s)
	}
	if s := eval[string](t, ctx, `[...document.querySelectorAll("#thread .thread-children .note-text")].map(e => e.textContent).join(" | ")`); !strings.Contains(s, "Gorgeous! Where is this?") {
		t.Errorf("thread's replies %q", s)
	}
	if len(requestsTo(fake, "notes/children")) == 0 || len(requestsTo(fake, "notes/conversation")) == 0 || len(requestsTo(fake, "notes/show")) == 0 {
		t.Error("the thread did not read notes/show, notes/conversation and notes/children")
	}
	click(t, ctx, `#thread .thread-children li.note .note-head .note-time`)
	waitUI(t, ctx, `document.querySelector("#thread .thread-ancestors") && document.querySelector("#thread .note-main .note-text")?.textContent.includes("Gorgeous")`)
	if s := eval[string](t, ctx, `[...document.querySelectorAll("#thread .thread-ancestors .note-text")].map(e => e.textContent).join(" | ")`); !strings.Contains(s, "Evening walk") {
		t.Errorf("ancestors %q", s)
	}
	if s := eval[string](t, ctx, `document.querySelector("#thread .thread-children .note-text")?.textContent || ""`); !strings.Contains(s, "behind the station") {
		t.Errorf("the reply's reply %q", s)
	}
	// Back twice: the timeline as it was, focus on the note it was opened from.
	click(t, ctx, "#thread-back")
	waitUI(t, ctx, `document.querySelector("#thread .note-main .note-text")?.textContent.includes("Evening walk")`)
	click(t, ctx, "#thread-back")
	waitUI(t, ctx, `!document.getElementById("view-timeline").hidden && document.activeElement && document.activeElement.classList.contains("note-time")`)

	// 5. Folded long notes; long links shortened.
	long := note("My reading list")
	if !eval[bool](t, ctx, long+`.querySelector(".note-text.collapsed") && `+long+`.querySelector(".fold-toggle").getAttribute("aria-expanded") === "false"`) {
		t.Error("the long note is not folded")
	}
	click(t, ctx, `li.note[data-note-id="`+eval[string](t, ctx, long+`.dataset.noteId`)+`"] .fold-toggle`)
	if !eval[bool](t, ctx, `!`+long+`.querySelector(".note-text.collapsed") && `+long+`.querySelector(".fold-toggle").textContent === "Show less"`) {
		t.Error("Show more did not unfold")
	}
	url := eval[struct{ Text, Href string }](t, ctx, `(() => { const a = `+long+`.querySelector("a.mfm-url"); return { Text: a.textContent, Href: a.href }; })()`)
	if len([]rune(url.Text)) > 64 || !strings.Contains(url.Text, "…") || !strings.Contains(url.Href, "a-very-long-link-that-goes-on-and-on") {
		t.Errorf("long link shown as %+v", url)
	}

	// A content warning: the text hidden behind a button.
	cwSel := `[...document.querySelectorAll("#feeds li.note")].find(l => l.querySelector(".cw-text")?.textContent.includes("Spoilers"))`
	if !eval[bool](t, ctx, cwSel+`.querySelector(".note-content").hidden`) {
		t.Error("the content warning does not hide the text")
	}
	click(t, ctx, `li.note[data-note-id="`+eval[string](t, ctx, cwSel+`.dataset.noteId`)+`"] .cw-toggle`)
	if !eval[bool](t, ctx, `!`+cwSel+`.querySelector(".note-content").hidden && `+cwSel+`.querySelector(".note-text").textContent.includes("fake instance was the server")`) {
		t.Error("Show content did not show it")
	}

	// A sensitive picture: covered (no image loaded) inside its frame, shown on click.
	ramen := note("extra-spicy ramen")
	ramenID := eval[string](t, ctx, ramen+`.dataset.noteId`)
	cover := eval[struct {
		Img           bool
		Text          string
		In            bool
		FileW, CoverW float64
	}](t, ctx, `(() => { const f = `+ramen+`.querySelector(".file"), c = f.querySelector(".sensitive-cover"); const a = f.getBoundingClientRect(), b = c.getBoundingClientRect();
		return { Img: !!f.querySelector("img"), Text: c.textContent, In: b.left >= a.left - 0.5 && b.right <= a.right + 0.5 && b.top >= a.top - 0.5 && b.bottom <= a.bottom + 0.5, FileW: a.width, CoverW: b.width }; })()`)
	if cover.Img || !strings.Contains(cover.Text, "Sensitive content") || !strings.Contains(cover.Text, "Click to show") || !cover.In {
		t.Errorf("sensitive cover %+v", cover)
	}
	click(t, ctx, `li.note[data-note-id="`+ramenID+`"] .sensitive-cover`)
	waitUI(t, ctx, ramen+`.querySelector(".file img")?.alt === "A bowl of very red, very spicy ramen"`)
	if !eval[bool](t, ctx, `document.activeElement && document.activeElement.classList.contains("file-open")`) {
		t.Error("focus did not stay on the picture shown")
	}

	// The image viewer: the sunset's two pictures, with their captions, arrows, Escape.
	sunset := `[...document.querySelectorAll("#feeds li.note")].find(l => !l.querySelector(".renoted-by") && l.querySelector(".note-text")?.textContent.includes("Evening walk"))`
	if !eval[bool](t, ctx, `!!`+sunset) {
		sunset = `[...document.querySelectorAll("#feeds li.note")].find(l => l.querySelector(".note-text")?.textContent.includes("Evening walk"))`
	}
	click(t, ctx, `li.note[data-note-id="`+eval[string](t, ctx, sunset+`.dataset.noteId`)+`"] .file-open`)
	waitUI(t, ctx, `document.getElementById("viewer").open`)
	v := eval[struct{ Title, Caption, Src string }](t, ctx, `({ Title: document.getElementById("viewer-title").textContent, Caption: document.querySelector(".viewer-caption").textContent, Src: document.querySelector(".viewer-img").src })`)
	if v.Title != "Picture 1 of 2" || !strings.Contains(v.Caption, "The sun going down") || !strings.HasPrefix(v.Src, fake.URL+"/files/") {
		t.Errorf("viewer %+v", v)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(chromekb.ArrowRight)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `document.getElementById("viewer-title").textContent === "Picture 2 of 2" && document.querySelector(".viewer-caption").textContent.includes("at dusk")`)
	press(t, ctx, chromekb.Escape)
	waitUI(t, ctx, `!document.getElementById("viewer").open && document.activeElement && document.activeElement.classList.contains("file-open")`)

	// 5. Timelines: Local has what Home does not (Dana is not followed); each
	// keeps its notes and scroll position; a note that arrives while another
	// is shown is there on coming back, without reading the timeline again.
	eval[bool](t, ctx, `(window.scrollTo(0, 900), true)`)
	homeY := eval[float64](t, ctx, `window.scrollY`)
	if eval[bool](t, ctx, note("good evening")+` !== undefined`) {
		t.Error("Dana's note is in the home timeline")
	}
	click(t, ctx, `#tabs a[data-kind="local"]`)
	waitUI(t, ctx, `document.getElementById("view-title").textContent === "Local timeline" && `+note("good evening"))
	if s := eval[string](t, ctx, `document.querySelector('#tabs a[aria-current="page"]').textContent`); s != "Local" {
		t.Errorf("current tab %q", s)
	}
	homeReads := len(requestsTo(fake, "notes/timeline"))
	fake.PostNote(fake.User("bob"), "Posted while you read the local timeline.")
	click(t, ctx, `#tabs a[data-kind="social"]`)
	waitUI(t, ctx, `document.getElementById("view-title").textContent === "Social timeline" && `+note("good evening")+` && `+note("Nice to see you here"))
	click(t, ctx, `#tabs a[data-kind="global"]`)
	waitUI(t, ctx, `document.getElementById("view-title").textContent === "Global timeline" && `+note("Gorgeous! Where is this?"))
	click(t, ctx, `#tabs a[data-kind="home"]`)
	waitUI(t, ctx, `document.getElementById("view-title").textContent === "Home timeline" && `+note("Posted while you read the local timeline."))
	if y := eval[float64](t, ctx, `window.scrollY`); y < homeY-200 || y > homeY+400 {
		t.Errorf("home scrolled to %v, was %v", y, homeY)
	}
	if n := len(requestsTo(fake, "notes/timeline")); n != homeReads {
		t.Errorf("the home timeline was read %d more times when coming back", n-homeReads)
	}
	// Paging: Load more reads older notes (untilId) and appends them.
	before := eval[int](t, ctx, `document.querySelectorAll('#feeds ol[data-kind="home"] li.note').length`)
	click(t, ctx, "#load-more")
	waitUI(t, ctx, `document.querySelectorAll('#feeds ol[data-kind="home"] li.note').length > `+fmt.Sprint(before)+` && `+note("Hello from the fake instance!"))
	paged := false
	for _, r := range requestsTo(fake, "notes/timeline") {
		paged = paged || strings.Contains(string(r.Body), `"untilId"`)
	}
	if !paged {
		t.Error("Load more sent no untilId")
	}

	// The fake serves the pages notes link to (the user, the note on the instance).
	for _, href := range eval[[]string](t, ctx, `[`+note("Good morning")+`.querySelector(".note-user").href, `+note("Good morning")+`.querySelector('a.menu-item[href*="/notes/"]').href]`) {
		res, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", href, res.StatusCode)
		}
	}
}

// ─── 3, 4, 6: reactions, notifications, the composer ────────────────────

// noteID is the id of the shown note whose text includes sub.
func noteID(t *testing.T, ctx context.Context, sub string) string {
	t.Helper()
	waitUI(t, ctx, note(sub))
	return eval[string](t, ctx, note(sub)+`.dataset.noteId`)
}

// in is a selector inside the timeline's li of note id.
func in(id, sel string) string { return `#feeds li.note[data-note-id="` + id + `"] ` + sel }

func chips(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return eval[string](t, ctx, `[...document.querySelectorAll('`+in(id, ".reaction")+`')].map(b => (b.querySelector("img")?.alt || b.querySelector(".reaction-emoji")?.textContent.replace(/\uFE0F/g, "")) + b.querySelector(".reaction-count").textContent + (b.getAttribute("aria-pressed") === "true" ? "*" : "")).join(" ")`)
}

func TestDemoReactionsAndNotifications(t *testing.T) {
	ctx := newBrowser(t)
	fake := demoFake(t)
	openDemo(t, ctx, demoConfig{DefaultInstance: fake.URL})
	signInUI(t, ctx, fake)
	helpers(t, ctx)
	alice, dana, eiko := fake.SignedIn(), fake.User("dana"), fake.User("eiko")

	// 3. The picker: the instance's custom emoji and unicode emoji, a search, Escape.
	walk := noteID(t, ctx, "Anyone up for a walk")
	click(t, ctx, in(walk, ".act-react"))
	waitUI(t, ctx, `document.getElementById("picker").open && document.activeElement.id === "picker-search"`)
	p := eval[struct {
		Custom  []string
		Unicode int
		Heads   string
	}](t, ctx, `({ Custom: [...document.querySelectorAll("#picker .picker-emoji img")].map(i => i.closest("button").getAttribute("aria-label") + " " + i.src),
		Unicode: [...document.querySelectorAll("#picker .picker-emoji")].filter(b => !b.querySelector("img")).length,
		Heads: [...document.querySelectorAll("#picker .picker-heading")].map(h => h.textContent).join(" | ") })`)
	if len(p.Custom) != 5 || !strings.Contains(strings.Join(p.Custom, " "), ":blobcat: "+fake.URL+"/emoji/blobcat.svg") || p.Unicode < 150 || !strings.Contains(p.Heads, "custom emoji of") || !strings.Contains(p.Heads, "Food and drink") {
		t.Errorf("picker %+v", p)
	}
	press(t, ctx, "cat")
	waitUI(t, ctx, `document.querySelector("#picker .picker-heading")?.textContent.includes("found")`)
	if s := eval[string](t, ctx, `[...document.querySelectorAll("#picker .picker-emoji")].map(b => b.getAttribute("aria-label")).join(" ")`); !strings.Contains(s, ":blobcat:") || !strings.Contains(s, "cat face") {
		t.Errorf("searching cat finds %q", s)
	}
	press(t, ctx, chromekb.Escape)
	waitUI(t, ctx, `!document.getElementById("picker").open && document.activeElement.matches(`+q(in(walk, ".act-react"))+`)`)
	// Pick :blobcat: with the keyboard: Enter on the + button, type, Enter takes the first match.
	press(t, ctx, chromekb.Enter)
	waitUI(t, ctx, `document.getElementById("picker").open`)
	press(t, ctx, "blobcat")
	press(t, ctx, chromekb.Enter)
	waitUI(t, ctx, `!document.getElementById("picker").open && document.querySelector('`+in(walk, `.reaction[aria-pressed="true"] img`)+`')`)
	if s := chips(t, ctx, walk); s != ":blobcat:1*" {
		t.Errorf("after picking :blobcat:, chips %q", s)
	}
	if r := requestsTo(fake, "notes/reactions/create"); len(r) != 1 || !strings.Contains(string(r[0].Body), `"reaction":":blobcat:"`) {
		t.Errorf("reactions/create %v", r)
	}
	// A chip takes our reaction back; another's chip adds ours.
	click(t, ctx, in(walk, `.reaction[aria-pressed="true"]`))
	waitUI(t, ctx, `!document.querySelector('`+in(walk, ".reaction")+`')`)
	if n := len(requestsTo(fake, "notes/reactions/delete")); n != 1 {
		t.Errorf("%d reactions/delete", n)
	}
	coffee := noteID(t, ctx, "Coffee break")
	click(t, ctx, in(coffee, ".reaction"))
	waitUI(t, ctx, `document.querySelector('`+in(coffee, `.reaction[aria-pressed="true"]`)+`')`)
	if s := chips(t, ctx, coffee); s != ":coffee_mk:3*" {
		t.Errorf("coffee chips %q", s)
	}
	// Changing our reaction: 👍 then 🎉 on Alice's note (delete, then create, as Misskey does).
	first := noteID(t, ctx, "My first note on misskey-wasm.")
	click(t, ctx, in(first, `.reaction[data-reaction="👍"]`))
	waitUI(t, ctx, `document.querySelector('`+in(first, `.reaction[data-reaction="👍"][aria-pressed="true"]`)+`')`)
	click(t, ctx, in(first, `.reaction[data-reaction="🎉"]`))
	waitUI(t, ctx, `document.querySelector('`+in(first, `.reaction[data-reaction="🎉"][aria-pressed="true"]`)+`')`)
	if s := chips(t, ctx, first); !strings.Contains(s, "👍1") || !strings.Contains(s, "🎉2*") || strings.Contains(s, "👍1*") {
		t.Errorf("after changing the reaction, chips %q", s)
	}
	// Live: someone else's reaction shows up, counted, without a reload.
	if err := fake.React(eiko, walk, "🎉"); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `document.querySelector('`+in(walk, `.reaction[data-reaction="🎉"]`)+`')`)
	if s := chips(t, ctx, walk); s != "🎉1" {
		t.Errorf("live chips %q", s)
	}
	// A poll: vote, then the results.
	poll := noteID(t, ctx, "Which timeline do you read most?")
	click(t, ctx, in(poll, `.poll-choice[data-focus-key="vote-1"]`))
	waitUI(t, ctx, `document.querySelector('`+in(poll, ".poll-mine")+`')`)
	if s := eval[string](t, ctx, `document.querySelector('`+in(poll, ".poll-mine")+`').textContent`); !strings.Contains(s, "Local") || !strings.Contains(s, "2 (40 %)") {
		t.Errorf("the voted choice shows %q", s)
	}

	// 4. Notifications: the unread badge (the server's count), live; the
	// view, each linking to its note; read when opened.
	res, err := http.Post(fake.URL+"/api/i", "application/json", strings.NewReader(`{"i":"`+alice.Token+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var me struct{ UnreadNotificationsCount int }
	json.NewDecoder(res.Body).Decode(&me)
	res.Body.Close()
	if me.UnreadNotificationsCount < 8 {
		t.Fatalf("the fake has %d unread notifications for alice", me.UnreadNotificationsCount)
	}
	waitUI(t, ctx, `document.getElementById("notif-badge").textContent === "`+fmt.Sprint(me.UnreadNotificationsCount)+`"`)
	if s := eval[string](t, ctx, `document.getElementById("notif-link").textContent.trim()`); !strings.Contains(s, fmt.Sprintf("Notifications (%d unread)", me.UnreadNotificationsCount)) {
		t.Errorf("the notifications link says %q", s)
	}
	if err := fake.React(dana, eval[string](t, ctx, note("My first note on misskey-wasm.")+`.dataset.shownId`), "❤"); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `document.getElementById("notif-badge").textContent === "`+fmt.Sprint(me.UnreadNotificationsCount+1)+`"`)
	waitUI(t, ctx, `document.getElementById("notif-live").textContent.includes("reacted")`)
	fake.ResetRequests()
	click(t, ctx, "#notif-link")
	waitUI(t, ctx, `!document.getElementById("view-notifications").hidden && document.querySelectorAll("#notif-list li").length > 8 && document.activeElement.id === "notif-title"`)
	n := eval[struct {
		Types  string
		Texts  []string
		Unread int
		Links  int
	}](t, ctx, `({ Types: [...new Set([...document.querySelectorAll("#notif-list li")].map(l => l.dataset.type))].sort().join(","),
		Texts: [...document.querySelectorAll("#notif-list .notif-text")].map(e => e.textContent),
		Unread: document.querySelectorAll("#notif-list li.unread").length,
		Links: [...document.querySelectorAll("#notif-list a.notif-link")].filter(a => a.getAttribute("href").startsWith("#/notes/")).length })`)
	for _, typ := range []string{"follow", "mention", "quote", "reaction", "renote", "reply"} {
		if !strings.Contains(n.Types, typ) {
			t.Errorf("no %s notification in %s", typ, n.Types)
		}
	}
	all := strings.Join(n.Texts, " | ")
	for _, s := range []string{"Bob replied to you", "followed you", "mentioned you", "quoted your note", "renoted your note", "Dana 🌿 reacted ❤ to your note"} {
		if !strings.Contains(all, s) {
			t.Errorf("no %q in the notifications: %s", s, all)
		}
	}
	if n.Unread != me.UnreadNotificationsCount+1 || n.Links < 8 {
		t.Errorf("%d unread, %d linking to notes", n.Unread, n.Links)
	}
	waitUI(t, ctx, `document.getElementById("notif-badge").hidden`)
	if len(requestsTo(fake, "notifications/mark-all-as-read")) != 1 {
		t.Error("opening the notifications did not mark them read")
	}
	// Live while the view is open: a new notification comes in at the top,
	// and, as the view is being read, is read at once (no badge).
	before := eval[int](t, ctx, `document.querySelectorAll("#notif-list li").length`)
	if err := fake.React(eiko, fake.PostNote(alice, "Is anyone reading this?"), "🎉"); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `document.querySelectorAll("#notif-list li").length === `+fmt.Sprint(before+1)+` && document.querySelector("#notif-list li .notif-text").textContent.includes("reacted 🎉")`)
	if s := eval[string](t, ctx, `document.querySelector("#notif-list li .notif-text").textContent`); !strings.Contains(s, "Eiko") {
		t.Errorf("the newest notification says %q", s)
	}
	waitUI(t, ctx, `document.getElementById("notif-badge").hidden`)
	click(t, ctx, `#notif-list li[data-type="reply"] a`)
	waitUI(t, ctx, `!document.getElementById("view-thread").hidden && document.querySelector("#thread .note-main .note-text")?.textContent.includes("Nice to see you here")`)
}

func TestDemoCompose(t *testing.T) {
	ctx := newBrowser(t)
	fake := demoFake(t)
	openDemo(t, ctx, demoConfig{DefaultInstance: fake.URL})
	signInUI(t, ctx, fake)
	helpers(t, ctx)

	// Pictures: previews, a description, the sensitive flag, Remove.
	dir := t.TempDir()
	var pics []string
	for _, name := range []string{"sunset.png", "second.png", "third.png"} {
		p := filepath.Join(dir, name)
		writePicture(t, p)
		pics = append(pics, p)
	}
	os.WriteFile(pics[1], append(must(os.ReadFile(pics[1])), 0), 0o644) // other bytes: not the same drive file
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#note-file"), pics)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `document.querySelectorAll("#attachments .attachment").length === 3`)
	if !eval[bool](t, ctx, `[...document.querySelectorAll("#attachments img.att-preview")].every(i => i.src.startsWith("blob:") && i.complete && i.naturalWidth === 480)`) {
		t.Error("the previews are not the pictures")
	}
	click(t, ctx, `#attachments li:nth-child(3) .att-remove`)
	waitUI(t, ctx, `document.querySelectorAll("#attachments .attachment").length === 2 && document.activeElement.classList.contains("att-remove")`)
	if s := eval[string](t, ctx, `[...document.querySelectorAll("#attachments .att-name")].map(e => e.textContent).join(",")`); !strings.Contains(s, "sunset.png") || !strings.Contains(s, "second.png") || strings.Contains(s, "third.png") {
		t.Errorf("attachments after Remove: %s", s)
	}

	// The counter: over the instance's 3,000, Post says so and sends nothing.
	eval[bool](t, ctx, `(() => { const t = document.getElementById("note-text"); t.value = "x".repeat(3001); t.dispatchEvent(new Event("input")); return true; })()`)
	if s := eval[string](t, ctx, `document.getElementById("note-count").textContent`); s != "3,001 / 3,000: 1 too many" {
		t.Errorf("counter %q", s)
	}
	click(t, ctx, "#post-button")
	waitUI(t, ctx, `document.getElementById("alerts").textContent.includes("1 character longer than")`)
	if n := len(requestsTo(fake, "notes/create")); n != 0 {
		t.Errorf("%d notes/create for a note over the limit", n)
	}
	eval[bool](t, ctx, `(() => { const t = document.getElementById("note-text"); t.value = ""; t.dispatchEvent(new Event("input")); document.querySelectorAll(".toast-close").forEach(b => b.click()); return true; })()`)

	// Post with the keyboard alone: from the heading, Tab to the text, type,
	// the description and the sensitive flag, a content warning, Post.
	eval[bool](t, ctx, `(document.getElementById("profile-acct").querySelector("a").focus(), true)`)
	tabTo(t, ctx, "#note-text")
	const text = "Typed with the keyboard alone :blobcat:"
	press(t, ctx, text)
	if s := eval[string](t, ctx, `document.getElementById("note-count").textContent`); s != fmt.Sprintf("%d / 3,000", len([]rune(text))) {
		t.Errorf("counter %q", s)
	}
	tabTo(t, ctx, "#note-cw")
	press(t, ctx, "Pictures of the sky")
	tabTo(t, ctx, "#attachments li:nth-child(1) .att-alt")
	press(t, ctx, "An orange sky over a green hill")
	tabTo(t, ctx, "#attachments li:nth-child(2) .att-sensitive")
	press(t, ctx, " ")
	tabTo(t, ctx, "#post-button")
	press(t, ctx, chromekb.Enter)
	mine := `[...document.querySelectorAll("#feeds li.note")].find(l => l.querySelector(".cw-text")?.textContent.includes("Pictures of the sky"))`
	waitUI(t, ctx, mine)
	click(t, ctx, `#feeds li.note[data-note-id="`+eval[string](t, ctx, mine+`.dataset.noteId`)+`"] .cw-toggle`)
	got := eval[struct {
		Text, Alt string
		Covered   bool
		Files     int
	}](t, ctx, `(() => { const li = `+mine+`; return { Text: li.querySelector(".note-text").textContent, Alt: li.querySelector(".file img")?.alt,
		Covered: !!li.querySelector(".file:nth-child(2) .sensitive-cover"), Files: li.querySelectorAll(".file").length }; })()`)
	if got.Text != strings.TrimSuffix(text, ":blobcat:") || got.Alt != "An orange sky over a green hill" || !got.Covered || got.Files != 2 {
		t.Errorf("the posted note %+v", got)
	}
	if !eval[bool](t, ctx, mine+`.querySelector(".note-text img.mfm-emoji")?.alt === ":blobcat:"`) {
		t.Error("the posted note's :blobcat: is not the emoji")
	}
	ups := requestsTo(fake, "drive/files/create")
	if len(ups) != 2 || !strings.Contains(string(ups[0].Body), "An orange sky over a green hill") || !strings.Contains(string(ups[1].Body), "isSensitive\"\r\n\r\ntrue") {
		t.Errorf("%d uploads; the first with the description: %v, the second sensitive: %v", len(ups),
			len(ups) > 0 && strings.Contains(string(ups[0].Body), "An orange sky"), len(ups) > 1 && strings.Contains(string(ups[1].Body), "isSensitive\"\r\n\r\ntrue"))
	}
	if s := eval[string](t, ctx, `document.getElementById("note-text").value + document.getElementById("note-cw").value + document.querySelectorAll("#attachments li").length`); s != "0" {
		t.Errorf("the composer was not cleared: %q", s)
	}

	// Reply, quote and renote from a note.
	walk := noteID(t, ctx, "Anyone up for a walk")
	click(t, ctx, in(walk, ".act-reply"))
	waitUI(t, ctx, `!document.getElementById("compose-target").hidden && document.activeElement.id === "note-text"`)
	if s := eval[string](t, ctx, `document.getElementById("compose-target").textContent`); !strings.Contains(s, "Replying to @bob") || !strings.Contains(s, "Anyone up for a walk") {
		t.Errorf("reply context %q", s)
	}
	press(t, ctx, "Count me in!")
	press(t, ctx, "\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))
	waitUI(t, ctx, note("Count me in!")+`?.querySelector(".reply-to")?.textContent.includes("Replying to @bob")`)
	if r := requestsTo(fake, "notes/create"); !strings.Contains(string(r[len(r)-1].Body), `"replyId":"`+walk+`"`) {
		t.Errorf("the reply was sent as %s", r[len(r)-1].Body)
	}
	click(t, ctx, in(walk, ".act-renote"))
	click(t, ctx, in(walk, ".do-quote"))
	waitUI(t, ctx, `document.getElementById("compose-target").textContent.includes("Quoting @bob")`)
	press(t, ctx, "Good idea")
	tabTo(t, ctx, "#post-button")
	press(t, ctx, chromekb.Enter)
	waitUI(t, ctx, note("Good idea")+`?.querySelector(".quote")?.textContent.includes("Anyone up for a walk")`)
	click(t, ctx, in(walk, ".act-renote"))
	click(t, ctx, in(walk, ".do-renote"))
	waitUI(t, ctx, `[...document.querySelectorAll("#feeds li.note")].some(l => l.querySelector(".renoted-by")?.textContent.includes("Alice renoted") && l.textContent.includes("Anyone up for a walk"))`)

	// Delete our reply (with the inline confirmation).
	reply := noteID(t, ctx, "Count me in!")
	click(t, ctx, in(reply, ".act-more"))
	click(t, ctx, in(reply, ".do-delete"))
	click(t, ctx, in(reply, ".confirm-delete"))
	waitUI(t, ctx, `!document.querySelector('#feeds li.note[data-note-id="`+reply+`"]')`)
	if d := requestsTo(fake, "notes/delete"); len(d) != 1 || !strings.Contains(string(d[0].Body), reply) {
		t.Errorf("notes/delete %v", d)
	}

	// A note past the newest 100, of which the server tells a timeline no
	// deletion: deleted, it stays away when the timeline next changes.
	alice := fake.SignedIn()
	fake.PostNote(alice, "An older thought, to be deleted.")
	waitUI(t, ctx, note("An older thought"))
	for i := range 100 {
		fake.PostNote(fake.User("bob"), fmt.Sprintf("Bob's note %d of 100.", i+1))
	}
	waitUI(t, ctx, note("Bob's note 100 of 100."))
	older := noteID(t, ctx, "An older thought")
	click(t, ctx, in(older, ".act-more"))
	click(t, ctx, in(older, ".do-delete"))
	click(t, ctx, in(older, ".confirm-delete"))
	waitUI(t, ctx, `!document.querySelector('#feeds li.note[data-note-id="`+older+`"]')`)
	fake.PostNote(fake.User("bob"), "One more after the deletion.")
	waitUI(t, ctx, note("One more after the deletion."))
	if eval[bool](t, ctx, `!!document.querySelector('#feeds li.note[data-note-id="`+older+`"]')`) {
		t.Error("a deleted note came back when the timeline changed")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// ─── 9: two accounts on two instances, messages, signing out ────────────

func TestDemoAccounts(t *testing.T) {
	ctx := newBrowser(t)
	one := demoFake(t)
	two := demoFake(t, func(f *misskeytest.Server) { f.SetPolicy("gtlAvailable", false) })
	openDemo(t, ctx, demoConfig{DefaultInstance: one.URL})
	signInUI(t, ctx, one)
	helpers(t, ctx)
	host1, host2 := strings.TrimPrefix(one.URL, "http://"), strings.TrimPrefix(two.URL, "http://")

	// A note that tries to inject HTML shows as text.
	eval[bool](t, ctx, `(window.__alerts = [], window.alert = (m) => { window.__alerts.push(String(m)); }, true)`)
	const xss = `<img src=x onerror=alert(1)>`
	one.PostNote(one.User("bob"), xss)
	waitUI(t, ctx, note(xss))
	if n := eval[int](t, ctx, `[...document.querySelectorAll("img")].filter(i => i.getAttribute("src") === "x").length`); n != 0 {
		t.Errorf("%d injected img elements", n)
	}
	time.Sleep(300 * time.Millisecond) // an onerror would have run by now
	if a := eval[[]string](t, ctx, `window.__alerts`); len(a) != 0 {
		t.Errorf("alert called: %v", a)
	}

	// A second account: alice on the other instance (add it from the account menu).
	click(t, ctx, "#account-button")
	click(t, ctx, "#add-account")
	waitUI(t, ctx, `!document.getElementById("signin").hidden && document.getElementById("signin-title").textContent === "Add an account"`)
	eval[bool](t, ctx, `(document.getElementById("instance").value = "", true)`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#instance"), "@alice@"+host2)); err != nil {
		t.Fatal(err)
	}
	signInUI(t, ctx, two)
	helpers(t, ctx)
	waitUI(t, ctx, `document.getElementById("account-label").textContent === "@alice@`+host2+`"`)
	// Each account in the menu with its avatar and its host.
	click(t, ctx, "#account-button")
	waitUI(t, ctx, `!document.getElementById("account-menu").hidden && document.querySelectorAll("#account-list img.avatar").length === 2`)
	items := eval[[]string](t, ctx, `[...document.querySelectorAll("#account-list .account-item")].map(b => b.querySelector(".account-acct").textContent + " " + b.querySelector("img").src + " " + (b.getAttribute("aria-current") || ""))`)
	joined := strings.Join(items, " | ")
	if len(items) != 2 || !strings.Contains(joined, "@alice@"+host1+" "+one.URL+"/files/") || !strings.Contains(joined, "@alice@"+host2+" "+two.URL+"/files/") ||
		strings.Count(joined, " true") != 1 || !strings.Contains(joined, two.URL+"/files/") {
		t.Errorf("account menu: %s", joined)
	}
	if !strings.HasSuffix(items[0], " true") && !strings.HasSuffix(items[1], " true") {
		t.Errorf("no current account in the menu: %s", joined)
	}
	press(t, ctx, chromekb.Escape)
	waitUI(t, ctx, `document.getElementById("account-menu").hidden && document.activeElement.id === "account-button"`)
	// On a phone, where the header has no room for the label, the host
	// still tells the two apart.
	phone(t, ctx, true)
	if s := eval[string](t, ctx, `(e => getComputedStyle(e).display !== "none" && e.getBoundingClientRect().width > 20 ? e.textContent : "")(document.getElementById("account-host"))`); s != host2 {
		t.Errorf("the phone header's account shows %q, want %q", s, host2)
	}
	phone(t, ctx, false)
	// The second instance has no global timeline (its policies): no tab for it.
	if !eval[bool](t, ctx, `document.querySelector('#tabs a[data-kind="global"]').hidden && !document.querySelector('#tabs a[data-kind="local"]').hidden`) {
		t.Error("the Global tab is shown on an instance without a global timeline")
	}
	// Without the local timeline, neither Local nor Social (which includes it).
	two.SetPolicy("ltlAvailable", false)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("app").hidden && document.querySelector("#feeds li.note") && document.getElementById("account-label").textContent === "@alice@`+host2+`"`)
	if s := eval[string](t, ctx, `[...document.querySelectorAll("#tabs a")].filter(a => !a.hidden).map(a => a.dataset.kind).join(" ")`); s != "home" {
		t.Errorf("tabs without the local and global timelines: %q", s)
	}
	two.SetPolicy("ltlAvailable", true)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("app").hidden && !document.querySelector('#tabs a[data-kind="local"]').hidden && document.querySelector("#feeds li.note")`)
	helpers(t, ctx)

	// The same error twice is one message; switching accounts clears its messages.
	two.SetFault("notes/reactions/create", misskeytest.Fault{Status: 500, ContentType: "application/json",
		Body: []byte(`{"error":{"message":"Internal error occurred.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server"}}`)})
	walk := noteID(t, ctx, "Anyone up for a walk")
	for range 2 {
		click(t, ctx, in(walk, ".act-react"))
		waitUI(t, ctx, `document.getElementById("picker").open`)
		click(t, ctx, `#picker .picker-emoji[data-reaction="👍"]`)
		waitUI(t, ctx, `document.getElementById("alerts").textContent.includes("had a problem of its own")`)
		waitUI(t, ctx, `!document.querySelector('`+in(walk, `.act-react[aria-busy]`)+`')`)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#alerts .toast").length`); n != 1 {
		t.Errorf("%d error messages for the same error twice: %s", n, toastText(t, ctx))
	}
	if s := toastText(t, ctx); strings.Contains(s, "INTERNAL_ERROR") {
		t.Errorf("a raw code in %q", s)
	}
	click(t, ctx, "#account-button")
	click(t, ctx, `#account-list .account-item:not([aria-current])`)
	waitUI(t, ctx, `document.getElementById("account-label").textContent === "@alice@`+host1+`" && document.activeElement.id === "view-title"`)
	if n := eval[int](t, ctx, `document.querySelectorAll("#alerts .toast").length`); n != 0 {
		t.Errorf("the other account's messages stay: %s", toastText(t, ctx))
	}
	if !eval[bool](t, ctx, `!document.querySelector('#tabs a[data-kind="global"]').hidden`) {
		t.Error("no Global tab on the first instance")
	}
	waitUI(t, ctx, `document.querySelectorAll("#feeds li.note").length > 0`)

	// Signing out sends nothing to revoke (Misskey refuses it to app tokens)
	// and says where to revoke the app; then the other account, then none.
	click(t, ctx, "#account-button")
	click(t, ctx, "#sign-out")
	waitUI(t, ctx, `document.getElementById("account-label").textContent === "@alice@`+host2+`"`)
	if !eval[bool](t, ctx, `!!document.querySelector('.toasts a[href=`+q(one.URL+"/settings/apps")+`][rel="noopener noreferrer"]')`) {
		t.Errorf("no link to the app settings after sign-out: %q", toastText(t, ctx))
	}
	click(t, ctx, "#account-button")
	click(t, ctx, "#sign-out")
	waitUI(t, ctx, `!document.getElementById("signin").hidden && document.getElementById("account-bar").hidden`)
	if n := eval[int](t, ctx, `import("./dist/misskey.js").then(m => m.load()).then(mk => mk.accounts.list().length)`); n != 0 {
		t.Errorf("%d accounts kept after signing out", n)
	}
	for _, f := range []*misskeytest.Server{one, two} {
		if n := len(requestsTo(f, "i/revoke-token")); n != 0 {
			t.Errorf("%d i/revoke-token requests", n)
		}
	}
}

// ─── 8: the phone layout ────────────────────────────────────────────────

// smallTargets lists the visible controls smaller than 44×44 CSS px
// (WCAG 2.5.5), but links inside a sentence (note text, prose), which the
// criterion exempts. A checkbox and the file input count as their labels.
const smallTargets = `(() => {
	const out = [];
	const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.bottom > 0 && !e.closest("[hidden], dialog:not([open])"); };
	for (let e of document.querySelectorAll("button, a[href], input:not([type=hidden]), select, textarea, summary")) {
		if (e.matches("input[type=checkbox], input[type=file]")) e = document.querySelector('label[for="' + e.id + '"]') || e;
		if (!visible(e)) continue;
		if (e.tagName === "A" && (getComputedStyle(e).display === "inline" || e.closest(".mfm, p"))) continue;
		if (e.classList.contains("skip-link")) continue;
		const r = e.getBoundingClientRect();
		if (r.width < 43.5 || r.height < 43.5) out.push(e.tagName.toLowerCase() + "." + e.className + " " + Math.round(r.width) + "×" + Math.round(r.height) + " " + JSON.stringify((e.textContent || e.getAttribute("aria-label") || "").trim().slice(0, 30)));
	}
	return out;
})()`

func TestDemoPhone(t *testing.T) {
	ctx := newBrowser(t)
	fake := demoFake(t)
	phone(t, ctx, true)
	openDemo(t, ctx, demoConfig{DefaultInstance: fake.URL})
	if s := eval[[]string](t, ctx, smallTargets); len(s) > 0 {
		t.Errorf("sign-in: %d controls under 44 px: %s", len(s), strings.Join(s, "; "))
	}
	signInUI(t, ctx, fake)
	helpers(t, ctx)
	waitUI(t, ctx, `document.querySelectorAll("#feeds li.note").length >= 10`)

	// One header row; the timeline on the first screen; a compose button.
	l := eval[struct {
		Header, FirstNote, Tabs, Width float64
		Fab                            bool
	}](t, ctx, `({ Header: document.getElementById("topbar").getBoundingClientRect().height,
		FirstNote: document.querySelector("#feeds li.note").getBoundingClientRect().top, Tabs: document.getElementById("tabs").getBoundingClientRect().top,
		Width: document.documentElement.scrollWidth, Fab: getComputedStyle(document.getElementById("compose-fab")).display !== "none" })`)
	if l.Header > 60 || l.FirstNote > 260 || l.Width > 390 || !l.Fab {
		t.Errorf("phone layout: header %v px high, first note at %v px, page %v px wide, compose button %v", l.Header, l.FirstNote, l.Width, l.Fab)
	}
	check := func(screen string) {
		t.Helper()
		if s := eval[[]string](t, ctx, smallTargets); len(s) > 0 {
			t.Errorf("%s: %d controls under 44 px: %s", screen, len(s), strings.Join(s, "; "))
		}
	}
	check("home timeline")
	click(t, ctx, "#account-button")
	check("account menu")
	dismiss(t, ctx)
	click(t, ctx, in(noteID(t, ctx, "Anyone up for a walk"), ".act-react"))
	waitUI(t, ctx, `document.getElementById("picker").open`)
	check("reaction picker")
	dismiss(t, ctx)
	click(t, ctx, "#notif-link")
	waitUI(t, ctx, `document.querySelectorAll("#notif-list li").length > 5`)
	check("notifications")
	click(t, ctx, `#notif-list li[data-type="reply"] a`)
	waitUI(t, ctx, `document.querySelector("#thread .note-main")`)
	check("thread")

	// The compose button opens the composer over the page; Escape closes it,
	// posting closes it.
	click(t, ctx, "#compose-fab")
	waitUI(t, ctx, `document.getElementById("composer").classList.contains("open") && document.activeElement.id === "note-text"`)
	box := eval[struct{ W, H float64 }](t, ctx, `(() => { const r = document.getElementById("composer").getBoundingClientRect(); return { W: r.width, H: r.height }; })()`)
	if box.W < 389 || box.H < 843 {
		t.Errorf("the composer sheet is %v×%v", box.W, box.H)
	}
	if !eval[bool](t, ctx, `document.getElementById("main-col").inert && document.getElementById("composer").getAttribute("role") === "dialog"`) {
		t.Error("the page behind the composer is not inert")
	}
	check("composer")
	press(t, ctx, chromekb.Escape)
	waitUI(t, ctx, `!document.getElementById("composer").classList.contains("open") && document.activeElement.id === "compose-fab"`)
	press(t, ctx, chromekb.Enter)
	waitUI(t, ctx, `document.getElementById("composer").classList.contains("open")`)
	press(t, ctx, "Posted from a phone")
	click(t, ctx, "#post-button")
	waitUI(t, ctx, `!document.getElementById("composer").classList.contains("open")`)
	click(t, ctx, `#tabs a[data-kind="home"]`)
	waitUI(t, ctx, note("Posted from a phone"))
}

// ─── axe-core on every main screen; the screenshots ─────────────────────

// dismiss presses Escape and waits until no dialog or menu is open and the
// page has stopped scrolling (a dialog gives focus back to its opener,
// which may scroll it into view): a click computed before that could land
// on another element.
func dismiss(t *testing.T, ctx context.Context) {
	t.Helper()
	press(t, ctx, chromekb.Escape)
	waitUI(t, ctx, `!document.querySelector("dialog[open]") && !document.querySelector('.menu-wrap > button[aria-expanded="true"]')`)
	eval[bool](t, ctx, `new Promise(r => { let y = scrollY, still = 0;
		const f = () => { if (scrollY === y) { if (++still >= 3) return r(true); } else { still = 0; y = scrollY; } requestAnimationFrame(f); };
		requestAnimationFrame(f); })`)
}

func TestDemoAxe(t *testing.T) {
	src := axeSource(t)
	ctx := newBrowser(t)
	fake := demoFake(t)
	page := openDemo(t, ctx, demoConfig{DefaultInstance: fake.URL})
	type look struct {
		name        string
		phone, dark bool
	}
	looks := []look{{"desktop-light", false, false}, {"desktop-dark", false, true}, {"phone-light", true, false}, {"phone-dark", true, true}}
	for _, l := range looks {
		phone(t, ctx, l.phone)
		media(t, ctx, l.dark, false)
		checkAxe(t, ctx, src, "sign-in, "+l.name)
		screenshot(t, ctx, "signin-"+l.name)
	}
	phone(t, ctx, false)
	media(t, ctx, false, false)
	signInUI(t, ctx, fake)
	helpers(t, ctx)
	waitUI(t, ctx, `document.querySelectorAll("#feeds li.note").length >= 10 && document.querySelector("#feeds .note-text img.mfm-emoji")`)

	// The README's screenshot: the realistic timeline, as a person sees it.
	eval[bool](t, ctx, `(document.querySelectorAll(".toast-close").forEach(b => b.click()), document.activeElement.blur(), window.scrollTo(0, 0), true)`)
	shot := screenshot(t, ctx, "home-desktop-light")
	seen := eval[struct {
		Notes, Avatars, Emoji int
		Raw                   bool
	}](t, ctx, `(() => { const inView = (e) => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; };
		return { Notes: [...document.querySelectorAll("#feeds li.note")].filter(inView).length,
			Avatars: [...document.querySelectorAll("#feeds img.avatar")].filter(i => inView(i) && i.complete && i.naturalWidth > 0).length,
			Emoji: [...document.querySelectorAll("#feeds img.mfm-emoji, #feeds img.reaction-img")].filter(inView).length,
			Raw: document.body.innerText.includes("<img") }; })()`)
	if seen.Notes < 3 || seen.Avatars < 3 || seen.Emoji < 1 || seen.Raw {
		t.Errorf("the screenshot's screen: %+v", seen)
	}
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile("../docs/screenshot.png", shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	thread := eval[string](t, ctx, note("Nice to see you here")+`.dataset.noteId`)
	walk := noteID(t, ctx, "Anyone up for a walk")
	sunset := eval[string](t, ctx, `[...document.querySelectorAll("#feeds li.note")].find(l => l.querySelector(".note-text")?.textContent.includes("Evening walk")).dataset.noteId`)
	for _, l := range looks {
		phone(t, ctx, l.phone)
		media(t, ctx, l.dark, false)
		eval[bool](t, ctx, `(location.hash = "#/home", true)`)
		waitUI(t, ctx, `!document.getElementById("view-timeline").hidden && document.querySelector("#feeds li.note")`)
		eval[bool](t, ctx, `(window.scrollTo(0, 0), true)`)
		checkAxe(t, ctx, src, "home timeline, "+l.name)
		screenshot(t, ctx, "home-"+l.name)
		click(t, ctx, "#account-button")
		checkAxe(t, ctx, src, "account menu, "+l.name)
		screenshot(t, ctx, "account-menu-"+l.name)
		dismiss(t, ctx)
		click(t, ctx, in(walk, ".act-react"))
		waitUI(t, ctx, `document.getElementById("picker").open`)
		checkAxe(t, ctx, src, "reaction picker, "+l.name)
		screenshot(t, ctx, "picker-"+l.name)
		dismiss(t, ctx)
		click(t, ctx, in(sunset, ".file-open"))
		waitUI(t, ctx, `document.getElementById("viewer").open && document.querySelector(".viewer-img").complete`)
		checkAxe(t, ctx, src, "image viewer, "+l.name)
		screenshot(t, ctx, "viewer-"+l.name)
		dismiss(t, ctx)
		if l.phone {
			click(t, ctx, "#compose-fab")
			waitUI(t, ctx, `document.getElementById("composer").classList.contains("open")`)
			checkAxe(t, ctx, src, "composer, "+l.name)
			screenshot(t, ctx, "composer-"+l.name)
			dismiss(t, ctx)
		}
		// Opened states: a note's menu, a content warning shown, a
		// sensitive picture uncovered, the composer replying to a note.
		click(t, ctx, in(walk, ".act-more"))
		waitUI(t, ctx, `document.querySelector(`+q(in(walk, `.act-more[aria-expanded="true"]`))+`)`)
		checkAxe(t, ctx, src, "a note's menu, "+l.name)
		screenshot(t, ctx, "note-menu-"+l.name)
		dismiss(t, ctx)
		if eval[bool](t, ctx, `!!document.querySelector('#feeds ol[data-kind="home"] .cw-toggle[aria-expanded="false"]')`) {
			click(t, ctx, `#feeds ol[data-kind="home"] .cw-toggle[aria-expanded="false"]`)
		}
		if eval[bool](t, ctx, `!!document.querySelector('#feeds ol[data-kind="home"] .sensitive-cover')`) {
			click(t, ctx, `#feeds ol[data-kind="home"] .sensitive-cover`)
		}
		waitUI(t, ctx, `!document.querySelector('#feeds ol[data-kind="home"] .sensitive-cover') && !document.querySelector('#feeds ol[data-kind="home"] .cw-toggle[aria-expanded="false"]')`)
		checkAxe(t, ctx, src, "content warning and sensitive picture shown, "+l.name)
		click(t, ctx, in(walk, ".act-reply"))
		waitUI(t, ctx, `!document.getElementById("compose-target").hidden`)
		checkAxe(t, ctx, src, "composer replying, "+l.name)
		dismiss(t, ctx)
		for _, kind := range []string{"local", "social", "global"} {
			eval[bool](t, ctx, `(location.hash = "#/`+kind+`", true)`)
			waitUI(t, ctx, `document.getElementById("view-title").textContent.toLowerCase() === "`+kind+` timeline" && document.querySelector('#feeds ol[data-kind="`+kind+`"] li.note')`)
			checkAxe(t, ctx, src, kind+" timeline, "+l.name)
		}
		eval[bool](t, ctx, `(location.hash = "#/notifications", true)`)
		waitUI(t, ctx, `document.querySelectorAll("#notif-list li").length > 5`)
		checkAxe(t, ctx, src, "notifications, "+l.name)
		screenshot(t, ctx, "notifications-"+l.name)
		eval[bool](t, ctx, `(location.hash = "#/notes/`+thread+`", true)`)
		waitUI(t, ctx, `document.querySelector("#thread .note-main") && document.querySelector("#thread .thread-ancestors")`)
		checkAxe(t, ctx, src, "thread, "+l.name)
		screenshot(t, ctx, "thread-"+l.name)
	}
	// The sign-in form once more, with a message shown (as "Add an account").
	eval[bool](t, ctx, `(location.hash = "#/home", true)`)
	click(t, ctx, "#account-button")
	click(t, ctx, "#add-account")
	waitUI(t, ctx, `!document.getElementById("signin").hidden`)
	eval[bool](t, ctx, `(document.getElementById("instance").value = "127.0.0.1:1", document.getElementById("instance").dispatchEvent(new Event("input")), true)`)
	click(t, ctx, "#signin-submit")
	waitUI(t, ctx, `document.getElementById("alerts").textContent.includes("Nothing answered")`)
	for _, l := range looks {
		phone(t, ctx, l.phone)
		media(t, ctx, l.dark, false)
		checkAxe(t, ctx, src, "add an account with an error, "+l.name)
	}

	// A sign-in waiting for its answer (the user came back without one).
	eval[bool](t, ctx, `(document.getElementById("instance").value = `+q(fake.URL)+`, document.getElementById("instance").dispatchEvent(new Event("input")), true)`)
	clickNavigate(t, ctx, "#signin-submit")
	waitUI(t, ctx, `location.href.startsWith(`+q(fake.URL+"/")+`) && (document.getElementById("allow") || document.querySelector("form"))`)
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `document.getElementById("pending") && !document.getElementById("pending").hidden`)
	for _, l := range looks {
		phone(t, ctx, l.phone)
		media(t, ctx, l.dark, false)
		checkAxe(t, ctx, src, "a sign-in waiting, "+l.name)
	}
}
