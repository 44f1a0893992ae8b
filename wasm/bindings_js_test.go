package main

// The bindings' tests, run under Node by node_test.go's harness against a
// misskeytest instance at $MISSKEY_TEST_ORIGIN. They call the JS API the way
// a page does and look at the JS values and errors it gets.

import (
	_ "embed"
	"encoding/json"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// The test's shorthands for the shared JS helpers.
var (
	jsGlobal = jsutil.Global
	jsJSON   = jsutil.JSON
	strProp  = jsutil.Str
	await    = jsutil.Await
	mustGet  = jsutil.MustGet
)

//go:embed misskey.js
var loaderJS string

// loaderGlueForTest evaluates the glue part of misskey.js (between its
// glue:begin and glue:end lines), as the loader does in a page.
func loaderGlueForTest() glue {
	start := strings.Index(loaderJS, "// glue:begin")
	end := strings.Index(loaderJS, "// glue:end")
	if start < 0 || end < start {
		panic("misskey.js has no glue:begin … glue:end part")
	}
	fn, err := mustGet(jsGlobal, "Function").New(loaderJS[start:end] + "\nreturn makeGlue();")
	if err != nil {
		panic(err)
	}
	v, err := fn.Invoke()
	if err != nil {
		panic(err)
	}
	g, ok := glueOf(v)
	if !ok {
		panic("makeGlue() lacks a function the bindings need")
	}
	return g
}

var (
	mk     safejs.Value
	origin string
	// evalJS evaluates a JS expression (tests only: Node allows the Function constructor).
	evalFn = mustGet(jsGlobal, "Function")
)

func TestMain(m *testing.M) {
	origin = os.Getenv("MISSKEY_TEST_ORIGIN")
	if origin == "" {
		println("MISSKEY_TEST_ORIGIN is not set: run these tests with `go test ./wasm` (natively), whose harness starts the fake instance and Node")
		os.Exit(1)
	}
	var err error
	if mk, err = newAPI(loaderGlueForTest()); err != nil {
		println("newAPI:", err.Error())
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// js evaluates a JS expression; `mk` and `origin` are in scope.
func js(t testing.TB, expr string) safejs.Value {
	t.Helper()
	f, err := evalFn.New("mk", "origin", "return ("+expr+");")
	if err != nil {
		t.Fatalf("compile %s: %v", expr, err)
	}
	v, err := f.Invoke(mk, origin)
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// outcome runs a JS expression that may throw or return a Promise, and
// returns what it gave or the error it threw or rejected with.
func outcome(t testing.TB, expr string) (val, thrown safejs.Value) {
	t.Helper()
	p := js(t, `(async () => { try { return { ok: await (`+expr+`) }; } catch (e) { return { err: e }; } })()`)
	r, err := await(p)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	if e, _ := r.Get("err"); !e.IsUndefined() {
		return safejs.Undefined(), e
	}
	ok, _ := r.Get("ok")
	return ok, safejs.Undefined()
}

// ok runs expr and fails the test if it throws or rejects.
func ok(t testing.TB, expr string) safejs.Value {
	t.Helper()
	v, e := outcome(t, expr)
	if !e.IsUndefined() {
		t.Fatalf("%s failed: %s: %s", expr, strProp(e, "code"), strProp(e, "message"))
	}
	return v
}

// fails runs expr, wants a MisskeyError with code (and status when ≥ 0), and returns it.
func fails(t testing.TB, expr, code string, status int) safejs.Value {
	t.Helper()
	v, e := outcome(t, expr)
	if e.IsUndefined() {
		s, _ := jsJSON.Call("stringify", v)
		str, _ := s.String()
		t.Fatalf("%s gave %s, want a %s error", expr, str, code)
	}
	if strProp(e, "name") != "MisskeyError" || strProp(e, "code") != code {
		t.Fatalf("%s: got %s %s: %s, want MisskeyError %s", expr, strProp(e, "name"), strProp(e, "code"), strProp(e, "message"), code)
	}
	if isErr, _ := e.InstanceOf(mustGet(jsGlobal, "Error")); !isErr {
		t.Fatalf("%s: the error is not an Error", expr)
	}
	if status >= 0 {
		sv, _ := e.Get("status")
		if n, _ := sv.Int(); n != status {
			t.Fatalf("%s: status %d, want %d", expr, n, status)
		}
	}
	return e
}

func at(v safejs.Value, path string) string {
	if path != "" {
		for _, p := range strings.Split(path, ".") {
			v, _ = v.Get(p)
		}
	}
	if v.Type() != safejs.TypeString {
		s, _ := jsGlobal.Call("String", v)
		v = s
	}
	s, _ := v.String()
	return s
}

// control calls the harness's /__test/ routes.
func control(t testing.TB, path, body string) string {
	t.Helper()
	v := ok(t, `fetch(origin + "/__test/`+path+`", { method: "POST", body: `+jsonStr(body)+` }).then(async r => { if (!r.ok) throw new Error(await r.text()); return r.text(); })`)
	s, _ := v.String()
	return s
}

func jsonStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

type record struct {
	Method, Path, Query, Endpoint, Token, Body, Authorization string
}

func requests(t testing.TB) []record {
	t.Helper()
	v := ok(t, `fetch(origin + "/__test/requests").then(r => r.text())`)
	s, _ := v.String()
	var out []record
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func reset(t testing.TB) { control(t, "reset", "") }

// alive proves the Go runtime still answers after a bad input.
func alive(t testing.TB) {
	t.Helper()
	if v := ok(t, `mk.client(origin).request("meta")`); at(v, "version") != "2025.11.1" {
		t.Fatalf("after a bad input, meta answered %v", v)
	}
	if s := at(ok(t, `mk.miauth.start({ origin: "misskey.example" })`), "url"); !strings.HasPrefix(s, "https://misskey.example/miauth/") {
		t.Fatalf("after a bad input, start gave %q", s)
	}
}

func TestShape(t *testing.T) {
	if v := at(mk, "version"); v == "" {
		t.Error("no version")
	}
	if n := at(ok(t, `mk.permissions.length`), ""); n != "85" {
		t.Errorf("permissions: %s", n)
	}
	if f := ok(t, `Object.isFrozen(mk.permissions) && mk.permissions.includes("write:notes")`); !truthy(f) {
		t.Error("permissions not frozen or incomplete")
	}
	for _, f := range []string{"miauth.start", "miauth.complete", "miauth.wait", "client", "accounts.list", "accounts.add", "accounts.remove", "setStorage", "parseOrigin"} {
		if typ := ok(t, "typeof mk."+f); at(typ, "") != "function" {
			t.Errorf("mk.%s is %v", f, typ)
		}
	}
}

func TestParseOrigin(t *testing.T) {
	if s := at(ok(t, `mk.parseOrigin(" Misskey.Example/ ")`), ""); s != "https://misskey.example" {
		t.Errorf("parseOrigin = %q", s)
	}
	if s := at(ok(t, `mk.parseOrigin("http://misskey.example", { allowHttp: true })`), ""); s != "http://misskey.example" {
		t.Errorf("parseOrigin allowHttp = %q", s)
	}
	for _, b := range []string{`"http://misskey.example"`, `"https://a/b"`, `42`, `undefined`, `"x", 5`} {
		fails(t, `mk.parseOrigin(`+b+`)`, "INVALID_ARGUMENT", 0)
	}
}

func TestStart(t *testing.T) {
	v := ok(t, `mk.miauth.start({ origin: "Misskey.Example/", name: "My app", icon: "https://my.app/i.png", callback: "https://my.app/cb?x=1", permission: "read:account,write:notes,read:account" })`)
	session := at(v, "session")
	want := "https://misskey.example/miauth/" + session + "?name=My+app&icon=https%3A%2F%2Fmy.app%2Fi.png&callback=https%3A%2F%2Fmy.app%2Fcb%3Fx%3D1&permission=read%3Aaccount%2Cwrite%3Anotes"
	if got := at(v, "url"); got != want {
		t.Errorf("url %s\nwant %s", got, want)
	}
	if at(v, "origin") != "https://misskey.example" || at(ok(t, `mk.miauth.start({ origin: "a.example", permission: ["read:account", " write:notes "] }).permission.join()`), "") != "read:account,write:notes" {
		t.Error("origin or permission not normalized")
	}
	bad := []string{
		`undefined`, `null`, `42`, `"misskey.example"`, `[]`, `{}`,
		`{ origin: 42 }`, `{ origin: "http://misskey.example" }`, `{ origin: "misskey.example/path" }`,
		`{ origin: "javascript:alert(1)" }`, `{ origin: "misskey.example", permission: ["write:note"] }`,
		`{ origin: "misskey.example", permission: [1] }`, `{ origin: "misskey.example", permission: 5 }`,
		`{ origin: "misskey.example", callback: "javascript:alert(1)" }`, `{ origin: "misskey.example", callback: "/cb" }`,
		`{ origin: "misskey.example", name: {} }`, `{ origin: "misskey.example", redirect: "yes" }`,
		`{ get origin() { throw new Error("boom"); } }`,
		`new Proxy({}, { get() { throw new Error("trap"); } })`,
		`{ origin: "misskey.example\u0000" }`, `{ origin: "x".repeat(10 * 1024 * 1024) }`,
		`{ origin: Symbol("x") }`, `{ origin: 10n }`, `{ origin: "mis key.example" }`, `{ origin: "ミスキー.example" }`,
	}
	for _, b := range bad {
		fails(t, `mk.miauth.start(`+b+`)`, "INVALID_ARGUMENT", 0)
		alive(t)
	}
	// start throws synchronously, it does not return a rejected Promise.
	if v := js(t, `(() => { try { mk.miauth.start({ origin: "http://x.example" }); return "returned"; } catch (e) { return e.code; } })()`); at(v, "") != "INVALID_ARGUMENT" {
		t.Errorf("start did not throw: %v", v)
	}
}

// signIn runs a whole sign-in through the consent page's Allow form (what
// the browser does) and complete; it returns the account.
func signIn(t *testing.T, perms string) safejs.Value {
	t.Helper()
	v := ok(t, `mk.miauth.start({ origin, allowHttp: true, name: "node test", callback: "https://my.app/cb?keep=1#f", permission: "`+perms+`" })`)
	session := at(v, "session")
	// Press "Allow": the fake redirects (303) to the callback with ?session=.
	loc := ok(t, `fetch(origin + "/miauth/`+session+`/allow", { method: "POST", redirect: "manual",
		body: new URLSearchParams({ name: "node test", callback: "https://my.app/cb?keep=1#f", permission: "`+perms+`" }) })
		.then(r => r.headers.get("location"))`)
	cb := at(loc, "")
	if !strings.Contains(cb, "session="+session) {
		t.Fatalf("Allow redirected to %q", cb)
	}
	return ok(t, `mk.miauth.complete(`+jsonStr(cb)+`)`)
}

func TestSignIn(t *testing.T) {
	reset(t)
	acct := signIn(t, "read:account,write:notes")
	if at(acct, "origin") != origin || at(acct, "user.username") != "alice" || len(at(acct, "token")) < 16 {
		t.Fatalf("account %s %s", at(acct, "origin"), at(acct, "user.username"))
	}
	// Saved.
	if n := at(ok(t, `mk.accounts.list().filter(a => a.origin === origin && a.user.username === "alice").length`), ""); n != "1" {
		t.Errorf("accounts.list has %s entries for alice", n)
	}
	// The token works and carries just those permissions.
	tok := at(acct, "token")
	me := `mk.client({ origin, token: ` + jsonStr(tok) + ` })`
	if at(ok(t, me+`.request("i")`), "username") != "alice" {
		t.Error("i did not answer alice")
	}
	note := ok(t, me+`.request("notes/create", { text: "hello from node" })`)
	if at(note, "createdNote.text") != "hello from node" {
		t.Error("notes/create")
	}
	e := fails(t, me+`.request("notes/reactions/create", { noteId: `+jsonStr(at(note, "createdNote.id"))+`, reaction: "👍" })`, "PERMISSION_DENIED", 403)
	if at(e, "kind") != "permission" || at(e, "endpoint") != "notes/reactions/create" || at(e, "id") == "" {
		t.Errorf("permission error kind %q endpoint %q", at(e, "kind"), at(e, "endpoint"))
	}

	// The same callback again: the session is spent here, nothing is sent.
	before := len(requests(t))
	fails(t, `mk.miauth.complete("https://my.app/cb?keep=1")`, "NO_SESSION", 0)
	fails(t, `mk.miauth.complete("https://my.app/cb?session=0b7f6c1e-1d2a-4a4e-9d0c-2f7b4e0e9a11")`, "UNKNOWN_SESSION", 0)
	fails(t, `mk.miauth.complete("https://my.app/cb?session=../../api/i")`, "INVALID_ARGUMENT", 0)
	fails(t, `mk.miauth.complete()`, "INVALID_ARGUMENT", 0) // no location under Node
	fails(t, `mk.miauth.complete(42)`, "INVALID_ARGUMENT", 0)
	if after := len(requests(t)); after != before {
		t.Errorf("%d requests sent by refused completes", after-before)
	}

	// The token went only in the body field i of POSTs to /api/.
	for _, r := range requests(t) {
		if strings.Contains(r.Path+r.Query+r.Authorization, tok) {
			t.Errorf("token in %s %s?%s", r.Method, r.Path, r.Query)
		}
		if r.Token == tok && (r.Method != "POST" || !strings.HasPrefix(r.Path, "/api/") || !strings.Contains(r.Body, `"i":`+jsonStr(tok))) {
			t.Errorf("token sent in %s %s body %q", r.Method, r.Path, r.Body)
		}
	}
}

func TestCompleteNotApproved(t *testing.T) {
	v := ok(t, `mk.miauth.start({ origin, allowHttp: true, callback: "https://my.app/cb", permission: ["read:account"] })`)
	session := at(v, "session")
	complete := `mk.miauth.complete("https://my.app/cb?session=` + session + `")`
	fails(t, complete, "NOT_APPROVED", 200)
	// Only a successful check consumes the sign-in: a failed one may be tried again…
	fails(t, complete, "NOT_APPROVED", 200)
	control(t, "approve?session="+session+"&permission=read:account", "")
	if at(ok(t, complete), "user.username") != "alice" {
		t.Error("complete after approval gave no account")
	}
	// …and a completed one is gone: a further try sends nothing.
	reset(t)
	fails(t, complete, "UNKNOWN_SESSION", 0)
	if n := len(requests(t)); n != 0 {
		t.Errorf("a completed sign-in sent %d requests", n)
	}
}

func TestWait(t *testing.T) {
	v := ok(t, `mk.miauth.start({ origin, allowHttp: true, permission: ["read:account"] })`)
	session := at(v, "session")
	go func() {
		time.Sleep(600 * time.Millisecond)
		control(t, "approve?session="+session+"&permission=read:account", "")
	}()
	acct := ok(t, `mk.miauth.wait({ origin, session: "`+session+`" }, { interval: 500, timeout: 10000 })`)
	if at(acct, "user.username") != "alice" {
		t.Fatal("wait did not sign in")
	}
	// Timeout, abort, unknown session, bad options.
	v = ok(t, `mk.miauth.start({ origin, allowHttp: true })`)
	fails(t, `mk.miauth.wait({ origin, session: "`+at(v, "session")+`" }, { interval: 500, timeout: 700 })`, "TIMEOUT", 0)
	v = ok(t, `mk.miauth.start({ origin, allowHttp: true })`)
	fails(t, `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 300); return mk.miauth.wait({ origin, session: "`+at(v, "session")+`" }, { signal: c.signal }); })()`, "ABORTED", 0)
	fails(t, `mk.miauth.wait({ origin, session: "not-started-here" })`, "UNKNOWN_SESSION", 0)
	v = ok(t, `mk.miauth.start({ origin: "other.example" })`)
	fails(t, `mk.miauth.wait({ origin, session: "`+at(v, "session")+`" })`, "UNKNOWN_SESSION", 0)
	for _, b := range []string{`undefined`, `{ origin }`, `{ origin, session: "x" }, { interval: "1s" }`, `{ origin, session: "x" }, { signal: {} }`, `{ origin, session: "x" }, 5`, `{ origin, session: "x" }, { timeout: -1 }`, `{ origin, session: "x" }, { timeout: NaN }`} {
		v, e := outcome(t, `mk.miauth.wait(`+b+`)`)
		if e.IsUndefined() || (strProp(e, "code") != "INVALID_ARGUMENT" && strProp(e, "code") != "UNKNOWN_SESSION") {
			t.Errorf("wait(%s) = %v, %s", b, v, strProp(e, "code"))
		}
		alive(t)
	}
}

func TestRequest(t *testing.T) {
	reset(t)
	tok := control(t, "token?permission=read:account,write:notes", "")
	me := `mk.client({ origin, token: "` + tok + `" })`
	anon := `mk.client({ origin })`

	if v := ok(t, anon+`.request("meta")`); at(v, "version") != "2025.11.1" {
		t.Error("meta")
	}
	if v := ok(t, `mk.client(origin).origin`); at(v, "") != origin {
		t.Errorf("client origin %v", v)
	}
	if v := ok(t, `Object.keys(`+me+`).join() + "|" + JSON.stringify(`+me+`)`); strings.Contains(at(v, ""), tok) {
		t.Errorf("the client shows its token: %s", at(v, ""))
	}
	n := ok(t, me+`.request("notes/create", { text: "to delete", visibility: "home" })`)
	id := at(n, "createdNote.id")
	if v := ok(t, me+`.request("notes/delete", { noteId: "`+id+`" })`); !v.IsNull() {
		t.Errorf("204 gave %v, want null", v)
	}
	if e := fails(t, anon+`.request("i")`, "CREDENTIAL_REQUIRED", 401); at(e, "origin") != origin {
		t.Errorf("error origin %q", at(e, "origin"))
	}
	fails(t, `mk.client({ origin, token: "wrong" }).request("i")`, "AUTHENTICATION_FAILED", 401)
	e := fails(t, me+`.request("notes/create", { text: "x", visibility: "everyone" })`, "INVALID_PARAM", 400)
	if at(e, "info.param") != "#/properties/visibility/enum" {
		t.Errorf("info %v", at(e, "info.param"))
	}
	fails(t, me+`.request("notes/show", { noteId: "`+id+`" })`, "NO_SUCH_NOTE", 400)
	fails(t, me+`.request("no/such-endpoint")`, "INVALID_RESPONSE", 404) // under Node, no CORS hides it

	// Faults.
	control(t, "fault", `{"Endpoint":"meta","BadGateway":true}`)
	if e := fails(t, anon+`.request("meta")`, "INVALID_RESPONSE", 502); !strings.Contains(strProp(e, "message"), "502") {
		t.Errorf("502 message %q", strProp(e, "message"))
	}
	control(t, "fault", `{"Endpoint":"meta","Hang":true}`)
	fails(t, anon+`.request("meta", {}, { timeout: 300 })`, "TIMEOUT", 0)
	fails(t, `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 100); return `+anon+`.request("meta", {}, { signal: c.signal }); })()`, "ABORTED", 0)
	fails(t, `(() => { const c = new AbortController(); c.abort(); return `+anon+`.request("meta", {}, { signal: c.signal }); })()`, "ABORTED", 0)
	control(t, "fault", `{"Endpoint":"meta","Drop":true}`)
	fails(t, anon+`.request("meta")`, "NETWORK_ERROR", 0)
	control(t, "fault", `{"Endpoint":"meta","Status":200,"Body":"{\"version\":","ContentType":"application/json"}`)
	fails(t, anon+`.request("meta")`, "INVALID_RESPONSE", 200)
	control(t, "fault", `{"Endpoint":"meta","RateLimit":true,"RetryAfterMs":2500}`)
	e = fails(t, anon+`.request("meta")`, "RATE_LIMIT_EXCEEDED", 429)
	if ra, _ := e.Get("retryAfter"); func() int { n, _ := ra.Int(); return n }() != 2500 {
		t.Errorf("retryAfter %v", ra)
	}
	reset(t)
	fails(t, `mk.client("http://127.0.0.1:1").request("meta")`, "NETWORK_ERROR", 0)
	alive(t)

	// The token only in the body field i, to its own origin.
	for _, r := range requests(t) {
		if strings.Contains(r.Path+r.Query+r.Authorization, tok) {
			t.Errorf("token in %s %s?%s", r.Method, r.Path, r.Query)
		}
		if r.Token == tok && !strings.HasSuffix(r.Body, `"i":"`+tok+`"}`) {
			t.Errorf("body %q", r.Body)
		}
	}
}

func TestBadInputs(t *testing.T) {
	me := `mk.client({ origin, token: "t" })`
	cases := []string{
		me + `.request()`, me + `.request(42)`, me + `.request("")`, me + `.request("../admin")`, me + `.request("i?x=1")`,
		me + `.request("notes\ncreate")`, me + `.request(Symbol("i"))`, me + `.request({})`, me + `.request("x".repeat(10 * 1024 * 1024))`,
		me + `.request("i", [])`, me + `.request("i", 42)`, me + `.request("i", "text")`, me + `.request("i", new Date())`,
		me + `.request("i", (() => { const o = {}; o.o = o; return o; })())`,
		me + `.request("i", { n: 10n })`, me + `.request("i", { get x() { throw new Error("getter"); } })`,
		me + `.request("i", new Proxy({}, { getPrototypeOf() { throw new Error("trap"); } }))`,
		me + `.request("i", { big: "x".repeat(2 * 1024 * 1024) })`,
		me + `.request("i", {}, 5)`, me + `.request("i", {}, { timeout: "soon" })`, me + `.request("i", {}, { timeout: -5 })`,
		me + `.request("i", {}, { signal: "no" })`, me + `.request("i", {}, { get signal() { throw 1; } })`,
		`mk.client()`, `mk.client(null)`, `mk.client(42)`, `mk.client({ origin: 42 })`, `mk.client({ origin, token: 42 })`,
		`mk.client({ origin, token: {} })`, `mk.client({ origin: "http://evil.example" })`, `mk.client({ origin: "ftp://x" })`,
		`mk.client({ origin: "\u202e.example" })`, `mk.client("x".repeat(10 * 1024 * 1024))`,
		`(() => { const r = ` + me + `.request; return r("i"); })()`, `` + me + `.request.call({}, "i")`,
		`mk.client(origin).upload("not a blob")`, `mk.accounts.add(null)`, `mk.accounts.add({ origin })`,
		`mk.accounts.remove()`, `mk.accounts.remove({ origin })`, `mk.accounts.remove({ origin, token: "x" }, { revoke: "yes" })`,
		`mk.setStorage("cloud")`, `mk.setStorage(1)`,
		`mk.accounts.add({ origin: "http://misskey.example", token: "t" })`,
	}
	for _, c := range cases {
		fails(t, c, "INVALID_ARGUMENT", 0)
		alive(t)
	}
	t.Logf("%d bad inputs tried, the runtime answered after each", len(cases))
}

func TestAccounts(t *testing.T) {
	prev := at(ok(t, `mk.storage()`), "")
	ok(t, `mk.setStorage("memory")`)
	defer ok(t, `mk.setStorage("`+prev+`")`)
	if s := at(ok(t, `mk.storage()`), ""); s != "memory" {
		t.Errorf("storage() = %q", s)
	}
	if n := at(ok(t, `String(mk.accounts.list().length)`), ""); n != "0" {
		t.Errorf("a fresh memory store has %s accounts", n)
	}
	acct := signIn(t, "read:account")
	tok := at(acct, "token")
	ok(t, `mk.accounts.add({ origin: "https://other.example", token: "other-token", user: { id: "u1", username: "bob" } })`)
	if n := at(ok(t, `String(mk.accounts.list().length)`), ""); n != "2" {
		t.Fatalf("%s accounts, want 2", n)
	}
	// Adding the same user again replaces the entry.
	ok(t, `mk.accounts.add({ origin: "https://other.example", token: "newer-token", user: { id: "u1", username: "bob" } })`)
	if s := at(ok(t, `mk.accounts.list().map(a => a.token).join()`), ""); s != tok+",newer-token" {
		t.Errorf("tokens %q", s)
	}
	// The list is a copy: changing it changes nothing stored.
	ok(t, `(() => { const l = mk.accounts.list(); l[0].token = "changed"; l.pop(); })()`)
	if s := at(ok(t, `mk.accounts.list().map(a => a.token).join()`), ""); s != tok+",newer-token" {
		t.Errorf("tokens after changing a copy %q", s)
	}
	// remove with revoke: Misskey refuses i/revoke-token to app tokens; the account is gone anyway.
	res := ok(t, `mk.accounts.remove(mk.accounts.list()[0], { revoke: true })`)
	if !truthy(mustGet(res, "removed")) || truthy(mustGet(res, "revoked")) || at(res, "revokeError.code") != "ACCESS_DENIED" || at(res, "settingsUrl") != origin+"/settings/apps" {
		t.Errorf("remove: removed %v revoked %v error %q", mustGet(res, "removed"), mustGet(res, "revoked"), at(res, "revokeError.code"))
	}
	res = ok(t, `mk.accounts.remove({ origin: "https://other.example", user: { id: "u1" } })`)
	if !truthy(mustGet(res, "removed")) {
		t.Error("remove by user id")
	}
	if n := at(ok(t, `String(mk.accounts.list().length)`), ""); n != "0" {
		t.Errorf("%s accounts left", n)
	}
	if res := ok(t, `mk.accounts.remove({ origin: "https://other.example", token: "gone" })`); truthy(mustGet(res, "removed")) {
		t.Error("removed an account that was not there")
	}
}

// A page making 10,000 calls must not grow: every js.Func is released and
// no Go memory is kept per call.
func TestNoGrowth(t *testing.T) {
	reset(t)
	run := func(n int) {
		ok(t, `(async () => { const c = mk.client(origin); for (let i = 0; i < `+itoa(n)+`; i += 50) {
			await Promise.all(Array.from({ length: 50 }, () => c.request("meta"))); } })()`)
	}
	measure := func() (heap, sys uint64) {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc, m.Sys
	}
	run(1000)
	h1, s1 := measure()
	run(10000)
	h2, s2 := measure()
	t.Logf("after 1,000 calls: heap %d KB, wasm memory %d KB; after 11,000: heap %d KB, wasm memory %d KB", h1>>10, s1>>10, h2>>10, s2>>10)
	if h2 > h1+1<<20 || s2 > s1+2<<20 {
		t.Errorf("memory grew: heap %d → %d, sys %d → %d", h1, h2, s1, s2)
	}
	control(t, "reset", "") // drop the request record
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// The stream under Node's WebSocket: a confirmed channel, a note, a drop
// and a reconnect, and close.
func TestStream(t *testing.T) {
	ok(t, `(() => {
		globalThis.ev = { states: [], notes: [], connected: 0 };
		globalThis.st = mk.client(origin).stream();
		st.on("state", s => ev.states.push(s));
		st.on("connected", () => ev.connected++);
		st.channel("localTimeline").on("note", n => ev.notes.push(n.text));
	})()`)
	wait := func(cond string) { t.Helper(); waitJS(t, cond) }
	wait(`ev.connected === 1`)
	// Listeners added right after stream() hear the first state too.
	if first := at(js(t, `ev.states[0]`), ""); first != "connecting" {
		t.Errorf("first state heard: %q", first)
	}
	control(t, "post?text=hello", "")
	wait(`ev.notes.includes("hello")`)
	control(t, "drop", "")
	wait(`ev.states.includes("reconnecting") && ev.connected === 2`)
	control(t, "post?text=again", "")
	wait(`ev.notes.includes("again")`)
	ok(t, `st.close()`)
	wait(`st.state() === "closed" && ev.states[ev.states.length - 1] === "closed"`)
}

// Streams that are closed leave nothing running: no goroutine, no timer.
func TestStreamsLeaveNothing(t *testing.T) {
	time.Sleep(200 * time.Millisecond)
	base := runtime.NumGoroutine()
	ok(t, `(async () => {
		for (let i = 0; i < 30; i++) {
			const st = mk.client(origin).stream();
			const ch = st.channel("localTimeline");
			ch.on("note", () => {});
			await new Promise(r => st.on("connected", r));
			st.close();
		}
	})()`)
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		t.Errorf("%d goroutines after closing 30 streams, %d before", n, base)
	}
	// Nor do timelines and notifications, nor their shared streams.
	ok(t, `(async () => {
		const c = mk.client({ origin, token: "`+control(t, "token?permission=read:account,read:notifications", "")+`" });
		for (let i = 0; i < 10; i++) {
			const tl = c.timeline("home"), nf = c.notifications();
			await Promise.all([tl.load(), nf.load()]);
			tl.close(), nf.close();
		}
	})()`)
	for time.Now().Before(deadline.Add(5*time.Second)) && (runtime.NumGoroutine() > base || handleCount() > 0) {
		time.Sleep(50 * time.Millisecond)
	}
	if n, h := runtime.NumGoroutine(), handleCount(); n > base || h > 0 {
		t.Errorf("after closing 10 timelines and 10 notifications: %d goroutines (%d before), %d handles and %d shared streams kept", n, base, h, len(sharedStreams))
	}
}

// handleCount is how many streams and feeds the bindings keep.
func handleCount() int {
	handlesMu.Lock()
	defer handlesMu.Unlock()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	return len(handles) + len(sharedStreams)
}

// Only a successful check, or the hour's expiry, consumes a pending
// sign-in: an aborted or timed-out wait leaves it for the next attempt.
func TestWaitKeepsSignInUntilSuccess(t *testing.T) {
	v := ok(t, `mk.miauth.start({ origin, allowHttp: true, permission: ["read:account"] })`)
	session := at(v, "session")
	target := `{ origin, session: "` + session + `" }`
	fails(t, `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 200); return mk.miauth.wait(`+target+`, { interval: 500, signal: c.signal }); })()`, "ABORTED", 0)
	fails(t, `mk.miauth.wait(`+target+`, { interval: 500, timeout: 600 })`, "TIMEOUT", 0)
	// A wait with a mistyped origin leaves the right origin's entry alone.
	fails(t, `mk.miauth.wait({ origin: "https://misskey.example", session: "`+session+`" })`, "UNKNOWN_SESSION", 0)
	go func() {
		time.Sleep(300 * time.Millisecond)
		control(t, "approve?session="+session+"&permission=read:account", "")
	}()
	if at(ok(t, `mk.miauth.wait(`+target+`, { interval: 500, timeout: 10000 })`), "user.username") != "alice" {
		t.Fatal("a wait after an aborted one did not sign in")
	}
	fails(t, `mk.miauth.wait(`+target+`)`, "UNKNOWN_SESSION", 0)
	fails(t, `mk.miauth.complete("https://my.app/cb?session=`+session+`")`, "UNKNOWN_SESSION", 0)
}

// A signal that has aborted already gives ABORTED before anything else is
// looked at, and sends nothing.
func TestAbortedSignalFirst(t *testing.T) {
	reset(t)
	pre := `(() => { const c = new AbortController(); c.abort(); return c.signal; })()`
	for _, expr := range []string{
		`mk.miauth.wait({ origin, session: "never-started" }, { signal: ` + pre + ` })`,
		`mk.miauth.wait(undefined, { signal: ` + pre + ` })`,
		`mk.client(origin).request("meta", {}, { signal: ` + pre + ` })`,
		`mk.client(origin).upload(new Blob(["x"]), { signal: ` + pre + ` })`,
	} {
		fails(t, expr, "ABORTED", 0)
	}
	if n := len(requests(t)); n != 0 {
		t.Errorf("%d requests sent for aborted calls", n)
	}
}

// Error messages quote a page's values whole characters at a time, with
// quotes and control characters escaped.
func TestErrorQuoting(t *testing.T) {
	e := fails(t, `mk.miauth.start({ origin: "misskey.example", callback: "https://other.example/x" + "é".repeat(80) + "\"x\u0001" })`, "INVALID_ARGUMENT", 0)
	msg := strProp(e, "message")
	if !utf8.ValidString(msg) || strings.ContainsRune(msg, utf8.RuneError) {
		t.Errorf("message cut a character: %q", msg)
	}
	e = fails(t, `mk.miauth.start({ origin: "misskey.example", callback: "https://other.example/\"x\u0001" })`, "INVALID_ARGUMENT", 0)
	if msg := strProp(e, "message"); !strings.Contains(msg, `\"x\x01`) {
		t.Errorf("message does not escape: %q", msg)
	}
}

// Browser timers overflow above 2^31−1 ms (Node's AbortSignal.timeout fires
// after 1 ms): such a timeout is refused.
func TestTimeoutLimit(t *testing.T) {
	for _, expr := range []string{
		`mk.client(origin).request("meta", {}, { timeout: 2147483648 })`,
		`mk.client(origin).upload(new Blob(["x"]), { timeout: 1e10 })`,
		`mk.miauth.wait({ origin, session: "x" }, { timeout: 2 ** 31 })`,
		`mk.miauth.wait({ origin, session: "x" }, { interval: 2 ** 32 })`,
	} {
		fails(t, expr, "INVALID_ARGUMENT", 0)
	}
	if v := ok(t, `mk.client(origin).request("meta", {}, { timeout: 2147483647 })`); at(v, "version") == "" {
		t.Error("the longest timeout was refused")
	}
}

// misskey.js's isDirect (the fast path of client.request) and the core's
// (*Call).Direct agree.
func TestDirectMirror(t *testing.T) {
	start := strings.Index(loaderJS, "// glue:begin")
	end := strings.Index(loaderJS, "// glue:end")
	fn, err := mustGet(jsGlobal, "Function").New(loaderJS[start:end] + "\nreturn makeGlue().isDirect;")
	if err != nil {
		t.Fatal(err)
	}
	isDirect, err := fn.Invoke()
	if err != nil {
		t.Fatal(err)
	}
	k, err := (&misskey.Client{Origin: "https://misskey.example"}).NewCall("meta", nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, status := range []int{0, 100, 199, 200, 201, 204, 206, 299, 300, 302, 304, 399, 400, 401, 404, 429, 500, 502} {
		for _, ctype := range []string{"", "application/json", "application/json; charset=utf-8", "text/html", "application/activity+json", "text/plain; json"} {
			for _, length := range []string{"", "0", "17", "16777216", "16777217", "99999999999", "abc", "-5", "+5", "1e3", " 5"} {
				var lv any = length
				if length == "" {
					lv = nil // no header: Headers.get gives null
				}
				js, err := isDirect.Invoke(status, ctype, lv, misskey.DefaultMaxResponseBytes)
				if err != nil {
					t.Fatal(err)
				}
				l := int64(-1)
				if length != "" {
					l = browser.ParseLength(length)
				}
				if got, want := truthy(js), k.Direct(status, ctype, l); got != want {
					t.Errorf("isDirect(%d, %q, %q) = %v, Direct = %v", status, ctype, length, got, want)
				}
				n++
			}
		}
	}
	t.Logf("%d cases agree", n)
}

// A second "main" on one stream is not silently dead: Misskey connects a
// shared channel once per socket, and the library shares it.
func TestSharedMainChannel(t *testing.T) {
	tok := control(t, "token?permission=read:account", "")
	ok(t, `(() => {
		globalThis.sh = { a: [], b: [], connected: 0 };
		globalThis.shs = mk.client({ origin, token: "`+tok+`" }).stream();
		shs.on("connected", () => sh.connected++);
		globalThis.shA = shs.channel("main");
		shA.on("mention", n => sh.a.push(n.text));
		shs.channel("main").on("mention", n => sh.b.push(n.text));
	})()`)
	waitJS(t, `sh.connected === 2`)
	control(t, "mention?text=hello", "")
	waitJS(t, `sh.a.includes("@alice hello") && sh.b.includes("@alice hello")`)
	ok(t, `shA.dispose()`)
	control(t, "mention?text=again", "")
	waitJS(t, `sh.b.includes("@alice again")`)
	if n := js(t, `sh.a.length`); func() int { i, _ := n.Int(); return i }() != 1 {
		t.Error("a disposed channel still hears messages")
	}
	ok(t, `shs.close()`)
}

// mk.client's rateLimitRetries: a 429 is sent again after the wait asked for.
func TestRateLimitRetries(t *testing.T) {
	reset(t)
	control(t, "fault", `{"Endpoint":"meta","RateLimit":true,"RetryAfterMs":300,"Times":1}`)
	if v := ok(t, `mk.client({ origin, rateLimitRetries: 1 }).request("meta")`); at(v, "version") != "2025.11.1" {
		t.Errorf("after a retry: %v", v)
	}
	if n := len(requests(t)); n != 2 {
		t.Errorf("%d requests, want 2 (one retry)", n)
	}
	control(t, "fault", `{"Endpoint":"meta","RateLimit":true,"RetryAfterMs":300}`)
	fails(t, `mk.client({ origin, rateLimitRetries: 2 }).request("meta")`, "RATE_LIMIT_EXCEEDED", 429)
	fails(t, `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 100); return mk.client({ origin, rateLimitRetries: 2 }).request("meta", {}, { signal: c.signal }); })()`, "ABORTED", 0)
	// Aborted during the wait, after the attempt's own timeout would have passed: still ABORTED.
	fails(t, `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 200); return mk.client({ origin, rateLimitRetries: 2 }).request("meta", {}, { signal: c.signal, timeout: 50 }); })()`, "ABORTED", 0)
	fails(t, `mk.client({ origin, rateLimitRetries: 11 })`, "INVALID_ARGUMENT", 0)
	reset(t)
}

// The browser's Socket keeps the Socket contract (misskeytest.TestSocket).
func TestBrowserSocketContract(t *testing.T) {
	ws := "ws" + strings.TrimPrefix(origin, "http")
	misskeytest.TestSocket(t, browser.Dialer{}, ws+"/streaming", ws+"/__test/hang")
}

func waitJS(t *testing.T, cond string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if truthy(js(t, cond)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited for %s", cond)
		}
	}
}

// client.timeline(): the first page, live notes once each, a catch-up after
// a cut socket, paging, and the update events a page applies.
func TestTimeline(t *testing.T) {
	reset(t)
	tok := control(t, "token?permission=read:account,write:notes", "")
	for i := range 5 {
		control(t, "post?text=tl-old-"+itoa(i), "")
	}
	ok(t, `(async () => {
		globalThis.tlc = mk.client({ origin, token: "`+tok+`" });
		globalThis.tl = tlc.timeline("home", { withRenotes: true }, { limit: 3 });
		globalThis.tlev = { updates: 0, added: 0, gaps: [] };
		tl.on("update", (u) => { tlev.updates++; tlev.added += u.added.length; });
		tl.on("gap", (g) => tlev.gaps.push(g.filled));
		await tl.load();
	})()`)
	if got := at(js(t, `tl.notes.map(n => n.text).join(",")`), ""); got != "tl-old-4,tl-old-3,tl-old-2" {
		t.Fatalf("first page %q", got)
	}
	waitJS(t, `tlev.updates >= 1`)
	time.Sleep(300 * time.Millisecond) // the channel connects
	control(t, "post?text=tl-live", "")
	waitJS(t, `tl.notes[0] && tl.notes[0].text === "tl-live"`)
	// A copy each time: the page cannot break the timeline.
	if truthy(js(t, `tl.notes === tl.notes`)) {
		t.Error("tl.notes is not a copy")
	}
	control(t, "drop", "")
	control(t, "post?text=tl-while-away", "")
	waitJS(t, `tl.notes[0] && tl.notes[0].text === "tl-while-away" && tlev.gaps.includes(true)`)
	if n := js(t, `new Set(tl.notes.map(n => n.id)).size === tl.notes.length`); !truthy(n) {
		t.Error("a note twice")
	}
	for pages := 0; truthy(ok(t, `tl.more()`)); pages++ {
		if pages == 20 {
			t.Fatal("more() never resolved false")
		}
	}
	if got := at(js(t, `tl.notes.map(n => n.text).join(",")`), ""); !strings.Contains(got, "tl-live,tl-old-4,tl-old-3,tl-old-2,tl-old-1,tl-old-0") {
		t.Errorf("after paging: %q", got)
	}
	ok(t, `tl.close()`)
	fails(t, `tl.more()`, "INVALID_ARGUMENT", 0)
	fails(t, `tlc.timeline("everything")`, "INVALID_ARGUMENT", 0)
	fails(t, `tlc.timeline({ antenna: "" })`, "INVALID_ARGUMENT", 0)
	alive(t)
}

// OAuth 2.0 through the JS API: discovery, start, the consent, complete
// (the account kept), a call with the token, and each failure as a
// MisskeyError; mk.signIn choosing OAuth, and MiAuth for an older server.
func TestOAuth(t *testing.T) {
	reset(t)
	prev := at(ok(t, `mk.storage()`), "")
	ok(t, `mk.setStorage("memory")`)
	defer ok(t, `mk.setStorage("`+prev+`")`)
	app := `{ origin, allowHttp: true, clientId: origin + "/__test/app/", redirectUri: origin + "/__test/app/callback"`
	meta := ok(t, `mk.oauth.discover(origin, { allowHttp: true })`)
	if at(meta, "token_endpoint") != origin+"/oauth/token" || at(meta, "code_challenge_methods_supported") != "S256" {
		t.Fatalf("metadata: token_endpoint %q", at(meta, "token_endpoint"))
	}
	start := func() safejs.Value {
		t.Helper()
		return ok(t, `mk.oauth.start(`+app+`, scope: ["read:account", "write:notes"] })`)
	}
	s := start()
	if !strings.HasPrefix(at(s, "url"), origin+"/oauth/authorize?response_type=code&") || at(s, "scope") != "read:account,write:notes" || len(at(s, "state")) < 16 {
		t.Fatalf("start: %s", at(s, "url"))
	}
	cb := control(t, "oauth?url="+url.QueryEscape(at(s, "url")), "")
	reset(t)
	acct := ok(t, `mk.oauth.complete(`+jsonStr(cb)+`)`)
	if at(acct, "origin") != origin || at(acct, "user.username") != "alice" || at(acct, "token") == "" {
		t.Fatalf("account: %s %s", at(acct, "origin"), at(acct, "user.username"))
	}
	tok := at(acct, "token")
	if n := at(ok(t, `mk.accounts.list().filter(a => a.token === "`+tok+`").length`), ""); n != "1" {
		t.Errorf("the account is kept %s times", n)
	}
	if at(ok(t, `mk.client({ origin, token: "`+tok+`" }).request("i")`), "username") != "alice" {
		t.Error("the token does not work")
	}
	// The verifier went to the token endpoint only; the token to /api/ only.
	var sawVerifier bool
	for _, r := range requests(t) {
		if r.Path == "/oauth/token" {
			sawVerifier = strings.Contains(r.Body, "code_verifier=")
			continue
		}
		if strings.Contains(r.Body, "code_verifier") || (r.Token != "" && r.Token != tok) || !strings.HasPrefix(r.Path, "/api/") {
			t.Errorf("request %s %s", r.Method, r.Path)
		}
	}
	if !sawVerifier {
		t.Error("no token request with the verifier")
	}
	// Completed once: the same callback again is STATE_MISMATCH, through either entry.
	fails(t, `mk.completeSignIn(`+jsonStr(cb)+`)`, "STATE_MISMATCH", 0)
	// Deny: access_denied.
	s = start()
	fails(t, `mk.oauth.complete(`+jsonStr(control(t, "oauth?deny=1&url="+url.QueryEscape(at(s, "url")), ""))+`)`, "access_denied", -1)
	// A wrong iss: refused before anything is sent; the sign-in stays for the right callback.
	s = start()
	cb = control(t, "oauth?url="+url.QueryEscape(at(s, "url")), "")
	bad := strings.Replace(cb, "iss="+url.QueryEscape(origin), "iss="+url.QueryEscape("https://evil.example"), 1)
	fails(t, `mk.oauth.complete(`+jsonStr(bad)+`)`, "ISS_MISMATCH", 0)
	// completeSignIn takes either method's callback.
	ok(t, `mk.completeSignIn(`+jsonStr(cb)+`)`)
	// Completed: the same callback again is refused before anything is sent.
	fails(t, `mk.oauth.complete(`+jsonStr(cb)+`)`, "STATE_MISMATCH", 0)

	// mk.signIn: OAuth here, MiAuth on an older server; oauth.start refuses one.
	if m := at(ok(t, `mk.signIn(`+app+`, permission: ["read:account"] })`), "method"); m != "oauth" {
		t.Errorf("signIn chose %q", m)
	}
	oldOrigin := os.Getenv("MISSKEY_TEST_OLD_ORIGIN")
	mi := ok(t, `mk.signIn({ origin: "`+oldOrigin+`", allowHttp: true, clientId: "`+origin+`/__test/app/", redirectUri: "`+origin+`/__test/app/callback", permission: ["read:account"], name: "Test" })`)
	if at(mi, "method") != "miauth" || !strings.HasPrefix(at(mi, "url"), oldOrigin+"/miauth/"+at(mi, "session")) || !strings.Contains(at(mi, "url"), "callback="+url.QueryEscape(origin+"/__test/app/callback")) {
		t.Errorf("signIn on an older server: %s", at(mi, "url"))
	}
	if m := at(ok(t, `mk.signIn({ origin, allowHttp: true, permission: ["read:account"] })`), "method"); m != "miauth" {
		t.Errorf("signIn without a clientId chose %q", m)
	}
	fails(t, `mk.oauth.start({ origin: "`+oldOrigin+`", allowHttp: true, clientId: "https://app.example/", redirectUri: "https://app.example/cb", scope: ["read:account"] })`, "OAUTH_UNSUPPORTED", 0)
	if m := ok(t, `mk.oauth.discover("`+oldOrigin+`", { allowHttp: true })`); !m.IsNull() {
		t.Error("discover on an older server is not null")
	}

	// The client page's markup.
	page := at(ok(t, `mk.oauth.clientPage({ clientId: "https://my.app/", redirectUri: "https://my.app/cb", name: "My <app>" })`), "")
	if !strings.Contains(page, `<link rel="redirect_uri" href="https://my.app/cb">`) || !strings.Contains(page, "My &#60;app&#62;") {
		t.Errorf("clientPage: %s", page)
	}
	// Bad input: INVALID_ARGUMENT, and the library still answers.
	for _, expr := range []string{
		`mk.oauth.start()`, `mk.oauth.start({ origin })`, `mk.oauth.start({ origin, clientId: 5 })`,
		`mk.oauth.start(` + app + `, scope: ["read:nothing"] })`, `mk.oauth.start(` + app + `, scope: [] })`,
		`mk.oauth.start(` + app + `, redirectUri: "javascript:alert(1)", scope: ["read:account"] })`,
		`mk.oauth.complete(42)`, `mk.oauth.discover(null)`, `mk.oauth.clientPage({ clientId: "nope" })`, `mk.signIn("x")`,
		`mk.oauth.complete("https://app.example/cb?state=%%%")`,
	} {
		v, e := outcome(t, expr)
		if e.IsUndefined() || (at(e, "code") != "INVALID_ARGUMENT" && at(e, "code") != "STATE_MISMATCH" && at(e, "code") != "NO_SESSION") {
			t.Errorf("%s: %s %s (value %s)", expr, at(e, "code"), at(e, "message"), at(v, ""))
		}
		alive(t)
	}
}
