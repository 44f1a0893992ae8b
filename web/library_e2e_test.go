package main

// The library in a real browser: a page on one 127.0.0.1 origin signs in
// with the fake instance on another (its consent page, its Allow button),
// calls the API, and meets every error a page can meet.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// The test page loads the library as a page would, under the demo's CSP
// (no eval, no inline script).
const libTestHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>misskey-wasm test page</title>
<script type="module" src="lib-test.js"></script></head>
<body><p id="status">loading</p></body></html>`

const libTestJS = `import { load } from "./dist/misskey.js";
window.mkLoad = load;
load().then((mk) => { window.mk = mk; document.getElementById("status").textContent = "ready"; },
            (err) => { window.loadError = String(err); document.getElementById("status").textContent = "failed"; });
`

// countTestJS loads the library like libTestJS, counting every entry into
// the Go runtime (Go.prototype._resume: a js.Func call, a timer, an event).
const countTestJS = `import "./dist/wasm_exec.js";
import { load } from "./dist/misskey.js";
window.goEntries = 0;
const resume = globalThis.Go.prototype._resume;
globalThis.Go.prototype._resume = function () { window.goEntries++; return resume.call(this); };
load().then((mk) => { window.mk = mk; }, (err) => { window.loadError = String(err); });
`

// memTestJS loads the library like libTestJS, keeping the wasm instance,
// whose memory a test can then measure (window.wasmMemory()).
const memTestJS = `import "./dist/wasm_exec.js";
import { load } from "./dist/misskey.js";
const run = globalThis.Go.prototype.run;
globalThis.Go.prototype.run = function (inst) { window.wasmMemory = () => inst.exports.mem.buffer.byteLength; return run.call(this, inst); };
load().then((mk) => { window.mk = mk; }, (err) => { window.loadError = String(err); });
`

func libTestServer(t *testing.T) string {
	mux := http.NewServeMux()
	mux.Handle("/dist/", http.StripPrefix("/dist/", staticFiles(testDist)))
	mux.HandleFunc("/test.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(libTestHTML))
	})
	mux.HandleFunc("/lib-test.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(libTestJS))
	})
	mux.HandleFunc("/count.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.Replace(libTestHTML, "lib-test.js", "count-test.js", 1)))
	})
	mux.HandleFunc("/mem.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.Replace(libTestHTML, "lib-test.js", "mem-test.js", 1)))
	})
	mux.HandleFunc("/mem-test.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(memTestJS))
	})
	mux.HandleFunc("/count-test.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(countTestJS))
	})
	return serve(t, securityHeaders(mux))
}

// jsErr is what the page gets when a call fails.
type jsErr struct {
	Threw      bool
	Name, Code string
	Status     int
	Endpoint   string
	Kind, ID   string
	Info       map[string]any
	RetryAfter float64
	Message    string
	Value      any
}

type contextT = context.Context

func outcomeIn(t *testing.T, ctx contextT, expr string) jsErr {
	t.Helper()
	return eval[jsErr](t, ctx, `(async () => {
		try { return { Threw: false, Value: await (`+expr+`) }; }
		catch (e) { return { Threw: true, Name: e.name, Code: e.code, Status: e.status, Endpoint: e.endpoint, Kind: e.kind, ID: e.id,
			Info: e.info, RetryAfter: e.retryAfter, Message: e.message }; }
	})()`)
}

func wantFail(t *testing.T, ctx contextT, expr, code string, status int) jsErr {
	t.Helper()
	r := outcomeIn(t, ctx, expr)
	if !r.Threw {
		t.Fatalf("%s gave %v, want a %s error", short(expr), r.Value, code)
	}
	if r.Name != "MisskeyError" || r.Code != code || (status >= 0 && r.Status != status) {
		t.Fatalf("%s: got %s %s (HTTP %d): %s; want MisskeyError %s (HTTP %d)", short(expr), r.Name, r.Code, r.Status, r.Message, code, status)
	}
	return r
}

func wantOK(t *testing.T, ctx contextT, expr string) any {
	t.Helper()
	r := outcomeIn(t, ctx, expr)
	if r.Threw {
		t.Fatalf("%s failed: %s %s", short(expr), r.Code, r.Message)
	}
	return r.Value
}

// stillAlive proves the Go runtime in the page still answers.
func stillAlive(t *testing.T, ctx contextT, fake string) {
	t.Helper()
	v := wantOK(t, ctx, `mk.client("`+fake+`").request("meta").then(m => m.version)`)
	if v != "2025.11.1" {
		t.Fatalf("after a bad input, meta gave %v", v)
	}
}

func TestLibraryInChromium(t *testing.T) {
	ctx := newBrowser(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	app := libTestServer(t)
	page := app + "/test.html"

	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `window.mk || window.loadError`, 30*time.Second)
	if e := eval[string](t, ctx, `window.loadError || ""`); e != "" {
		t.Fatalf("load failed: %s", e)
	}
	// load() is idempotent.
	if !eval[bool](t, ctx, `mkLoad().then(m => m === mk)`) {
		t.Error("a second load() gave another object")
	}

	// Sign-in, step 1: start with the default callback (this page).
	start := eval[struct{ URL, Session, Origin string }](t, ctx,
		`(() => { const r = mk.miauth.start({ origin: "`+fake.URL+`", name: "e2e <app>", permission: ["read:account", "write:notes"] }); return { URL: r.url, Session: r.session, Origin: r.origin }; })()`)
	if !strings.HasPrefix(start.URL, fake.URL+"/miauth/"+start.Session+"?") || !strings.Contains(start.URL, "callback="+strings.ReplaceAll(strings.ReplaceAll(page, ":", "%3A"), "/", "%2F")) {
		t.Fatalf("consent URL %s", start.URL)
	}
	// The pending sign-in is remembered in localStorage, with its origin.
	if v := eval[string](t, ctx, `localStorage.getItem("misskey-wasm:signin:`+start.Session+`")`); !strings.Contains(v, `"origin":"`+fake.URL+`"`) {
		t.Fatalf("pending sign-in not in localStorage: %q", v)
	}

	// The user goes to the consent page (another origin) and clicks Allow.
	if err := chromedp.Do(ctx, chromedp.Navigate(start.URL)); err != nil {
		t.Fatal(err)
	}
	if body := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(body, "e2e <app>") || !strings.Contains(body, "write:notes") {
		t.Errorf("consent page shows %q", short(body))
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("allow"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `location.href.startsWith("`+page+`?session=")`, 10*time.Second)
	waitFor(t, ctx, `window.mk`, 30*time.Second)

	// Step 2 on the callback page.
	acct := eval[struct {
		Origin, Token string
		User          struct{ Username string }
	}](t, ctx, `mk.miauth.complete()`)
	if acct.Origin != fake.URL || acct.User.Username != "alice" || acct.Token == "" {
		t.Fatalf("account %+v", acct)
	}
	if loc := eval[string](t, ctx, `location.href`); loc != page {
		t.Errorf("address bar still %q", loc)
	}
	if v := eval[bool](t, ctx, `localStorage.getItem("misskey-wasm:signin:`+start.Session+`") !== null`); v {
		t.Error("the pending sign-in was not forgotten")
	}
	if n := eval[int](t, ctx, `mk.accounts.list().filter(a => a.token === "`+acct.Token+`").length`); n != 1 {
		t.Errorf("account saved %d times", n)
	}
	// Reloading the callback URL (history, bookmark) sends nothing.
	fake.ResetRequests()
	wantFail(t, ctx, `mk.miauth.complete("`+page+`?session=`+start.Session+`")`, "UNKNOWN_SESSION", 0)
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests for a spent session", n)
	}

	me := `mk.client(mk.accounts.list().find(a => a.token === "` + acct.Token + `"))`
	if u := wantOK(t, ctx, me+`.request("i").then(u => u.username)`); u != "alice" {
		t.Fatalf("i: %v", u)
	}
	noteID := wantOK(t, ctx, me+`.request("notes/create", { text: "hello from Chromium" }).then(r => r.createdNote.id)`).(string)

	// Every error a page can meet, and the runtime after each.
	anon := `mk.client("` + fake.URL + `")`
	wantFail(t, ctx, anon+`.request("i")`, "CREDENTIAL_REQUIRED", 401)
	wantFail(t, ctx, `mk.client({ origin: "`+fake.URL+`", token: "bad" }).request("i")`, "AUTHENTICATION_FAILED", 401)
	if e := wantFail(t, ctx, me+`.request("notes/reactions/create", { noteId: "`+noteID+`", reaction: "👍" })`, "PERMISSION_DENIED", 403); e.Kind != "permission" || e.Endpoint != "notes/reactions/create" {
		t.Errorf("permission error %+v", e)
	}
	if e := wantFail(t, ctx, me+`.request("notes/create", { text: "x", visibility: "everyone" })`, "INVALID_PARAM", 400); e.Info["param"] != "#/properties/visibility/enum" {
		t.Errorf("INVALID_PARAM info %v", e.Info)
	}
	wantFail(t, ctx, anon+`.request("notes/show", { noteId: "0000000000" })`, "NO_SUCH_NOTE", 400)
	// The unknown-endpoint 404 has no CORS header: the browser hides it.
	wantFail(t, ctx, anon+`.request("no/such-endpoint")`, "NETWORK_ERROR", 0)
	wantFail(t, ctx, `mk.client("http://127.0.0.1:1").request("meta")`, "NETWORK_ERROR", 0)
	fake.SetFault("meta", misskeytest.Fault{Hang: true})
	wantFail(t, ctx, anon+`.request("meta", {}, { timeout: 300 })`, "TIMEOUT", 0)
	wantFail(t, ctx, `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 100); return `+anon+`.request("meta", {}, { signal: c.signal }); })()`, "ABORTED", 0)
	fake.SetFault("meta", misskeytest.Fault{BadGateway: true})
	wantFail(t, ctx, anon+`.request("meta")`, "INVALID_RESPONSE", 502)
	fake.SetFault("meta", misskeytest.Fault{Status: 200, Body: []byte(`{"version":`), ContentType: "application/json"})
	wantFail(t, ctx, anon+`.request("meta")`, "INVALID_RESPONSE", 200)
	fake.SetFault("meta", misskeytest.Fault{RateLimit: true, RetryAfter: 3 * time.Second})
	if e := wantFail(t, ctx, anon+`.request("meta")`, "RATE_LIMIT_EXCEEDED", 429); e.RetryAfter != 3000 {
		t.Errorf("retryAfter %v (from info.resetMs: Retry-After is not readable cross-origin)", e.RetryAfter)
	}
	fake.ClearFaults()
	stillAlive(t, ctx, fake.URL)

	// Sign-in errors.
	wantFail(t, ctx, `mk.miauth.complete("`+page+`")`, "NO_SESSION", 0)
	wantFail(t, ctx, `mk.miauth.complete("`+page+`?session=0b7f6c1e-1d2a-4a4e-9d0c-2f7b4e0e9a11")`, "UNKNOWN_SESSION", 0)
	s2 := eval[string](t, ctx, `mk.miauth.start({ origin: "`+fake.URL+`", permission: "read:account" }).session`)
	wantFail(t, ctx, `mk.miauth.complete("`+page+`?session=`+s2+`")`, "NOT_APPROVED", 200)
	// Synchronous misuse throws.
	for _, bad := range []string{
		`mk.miauth.start({ origin: "http://misskey.example" })`,
		`mk.miauth.start({ origin: "misskey.example", permission: ["write:note"] })`,
		`mk.miauth.start({ origin: "misskey.example", callback: "https://elsewhere.example/cb" })`,
		`mk.client({ origin: "misskey.example", token: 5 })`,
		`mk.client({ origin: "misskey.example" }).request("../admin")`,
		`mk.client({ origin: "misskey.example" }).request("i", [1])`,
		`mk.client({ origin: "misskey.example" }).request("i", { n: 1n })`,
		`mk.client({ origin: "misskey.example" }).request("i", { get x() { throw new Error("getter"); } })`,
	} {
		wantFail(t, ctx, bad, "INVALID_ARGUMENT", 0)
		stillAlive(t, ctx, fake.URL)
	}
	if !eval[bool](t, ctx, `(() => { try { mk.miauth.start({ origin: "http://x.example" }); return false; } catch (e) { return e instanceof Error && e.code === "INVALID_ARGUMENT"; } })()`) {
		t.Error("start did not throw synchronously")
	}
	// A cross-origin callback is allowed when asked for.
	wantOK(t, ctx, `mk.miauth.start({ origin: "misskey.example", callback: "https://elsewhere.example/cb", allowCrossOriginCallback: true }).url`)

	// Upload with progress; the account has no write:drive, so first the server refuses.
	drive := `mk.client({ origin: "` + fake.URL + `", token: "` + fake.IssueToken(fake.SignedIn(), "write:drive") + `" })`
	wantFail(t, ctx, me+`.upload(new Blob(["x"]), { name: "x.txt" })`, "PERMISSION_DENIED", 403)
	up := eval[struct {
		ID, Name, Type string
		Progress       int
		Last           struct{ Loaded, Total float64 }
	}](t, ctx, `(async () => {
		const bytes = new Uint8Array(300000); for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
		const events = [];
		const f = await `+drive+`.upload(new Blob([bytes], { type: "application/octet-stream" }), { name: "data.bin", onProgress: (p) => events.push(p) });
		await new Promise(r => setTimeout(r, 50));
		return { ID: f.id, Name: f.name, Type: f.type, Progress: events.length, Last: events[events.length - 1] || {} };
	})()`)
	if up.ID == "" || up.Name != "data.bin" || up.Progress == 0 || up.Last.Loaded != up.Last.Total {
		t.Errorf("upload %+v", up)
	}
	wantFail(t, ctx, drive+`.upload("not a blob")`, "INVALID_ARGUMENT", 0)
	fake.SetFault("drive/files/create", misskeytest.Fault{Hang: true})
	wantFail(t, ctx, drive+`.upload(new Blob(["x"]), { timeout: 300 })`, "TIMEOUT", 0)
	wantFail(t, ctx, `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 100); return `+drive+`.upload(new Blob(["x"]), { signal: c.signal }); })()`, "ABORTED", 0)
	fake.ClearFaults()

	// The token went only to its origin, only in the body field i of POSTs to /api/.
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path+"?"+r.RawQuery+r.Header.Get("Authorization")+r.Header.Get("Referer"), acct.Token) {
			t.Errorf("token in %s %s?%s or its headers", r.Method, r.Path, r.RawQuery)
		}
		if r.Token == acct.Token && (r.Method != "POST" || !strings.HasPrefix(r.Path, "/api/")) {
			t.Errorf("token sent with %s %s", r.Method, r.Path)
		}
		if r.Header.Get("Cookie") != "" {
			t.Errorf("cookie sent with %s", r.Path)
		}
	}

	// A page making 10,000 calls does not grow.
	heap := func(n int) float64 {
		return eval[float64](t, ctx, fmt.Sprintf(`(async () => { const c = %s;
			for (let i = 0; i < %d; i += 100) await Promise.all(Array.from({ length: 100 }, () => c.request("meta")));
			await new Promise(r => setTimeout(r, 100)); gc(); gc(); return performance.memory.usedJSHeapSize; })()`, anon, n))
	}
	h1 := heap(1000)
	h2 := heap(10000)
	t.Logf("JS heap after 1,000 calls %.0f KB, after 11,000 calls %.0f KB", h1/1024, h2/1024)
	if h2 > h1+2<<20 {
		t.Errorf("JS heap grew from %.0f to %.0f bytes", h1, h2)
	}

	// A screenshot, for people.
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		_ = os.WriteFile(filepath.Join(t.TempDir(), "library.png"), shot, 0o644)
	}
}
