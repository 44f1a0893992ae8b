package main

// Reliability in a real browser: hostile arguments to every public
// function, a hostile server, and many calls at once.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

func openTestPage(t *testing.T) (contextT, string) { return openLibPage(t, "/test.html") }

// openLibPage opens one of libTestServer's pages in a new browser and waits
// for the library.
func openLibPage(t *testing.T, path string) (contextT, string) {
	ctx := newBrowser(t)
	app := libTestServer(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(app+path)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `window.mk || window.loadError`, 30*time.Second)
	if e := eval[string](t, ctx, `window.loadError || ""`); e != "" {
		t.Fatalf("load failed: %s", e)
	}
	return ctx, app + path
}

// Every public function with every hostile argument in every position: a
// MisskeyError or a result, never another exception, never a dead runtime.
func TestHostileArguments(t *testing.T) {
	ctx, _ := openTestPage(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	type report struct {
		Tried, Invalid, Other, Succeeded int
		Bad                              []string
	}
	r := eval[report](t, ctx, fmt.Sprintf(`(async () => {
		const origin = %q;
		const cyclic = {}; cyclic.self = cyclic;
		const hostile = {
			"undefined": undefined, "null": null, "0": 0, "NaN": NaN, "-1": -1, "1e300": 1e300, "true": true,
			"empty string": "", "10 MB string": "x".repeat(10 * 1024 * 1024), "symbol": Symbol("s"), "bigint": 10n,
			"function": () => 1, "array": [1, "a"], "empty object": {}, "date": new Date(),
			"throwing getter": { get origin() { throw new Error("getter"); }, get token() { throw new Error("getter"); } },
			"throwing toString": { toString() { throw new Error("toString"); }, [Symbol.toPrimitive]() { throw new Error("prim"); } },
			"proxy": new Proxy({}, { get() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); } }),
			"revoked proxy": (() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })(),
			"cyclic": cyclic, "control chars": "mis\u0000key\u001b.example", "rtl": "\u202eelpmaxe.yekssim",
			"unicode origin": "ミスキー.example", "origin with path": "https://misskey.example/../../api",
			"javascript url": "javascript:alert(1)", "endpoint traversal": "../../admin/reset-password",
			"object with non-string token": { origin, token: 42 }, "object with object origin": { origin: { toString() { return origin; } } },
		};
		const client = mk.client({ origin, token: %q });
		const stream = client.stream();
		const channel = stream.channel("localTimeline");
		const fns = {
			"miauth.start": (a) => mk.miauth.start(a),
			"miauth.start(origin:)": (a) => mk.miauth.start({ origin: a }),
			"miauth.start(permission:)": (a) => mk.miauth.start({ origin: "misskey.example", permission: a }),
			"miauth.start(callback:)": (a) => mk.miauth.start({ origin: "misskey.example", callback: a }),
			"miauth.complete": (a) => mk.miauth.complete(a),
			"miauth.wait(target)": (a) => mk.miauth.wait(a, { timeout: 1 }),
			"miauth.wait(options)": (a) => mk.miauth.wait({ origin, session: "s" }, a),
			"client": (a) => mk.client(a),
			"client(token:)": (a) => mk.client({ origin, token: a }),
			"request(endpoint)": (a) => client.request(a),
			"request(params)": (a) => client.request("meta", a),
			"request(options)": (a) => client.request("meta", {}, a),
			"request on": (a) => client.request.call(a, "meta"),
			"upload(file)": (a) => client.upload(a),
			"upload(options)": (a) => client.upload(new Blob(["x"]), a),
			"stream on": (a) => client.stream.call(a),
			"stream.channel(name)": (a) => stream.channel(a),
			"stream.channel(params)": (a) => stream.channel("localTimeline", a),
			"stream.subNote": (a) => stream.subNote(a),
			"stream.on(type)": (a) => stream.on(a, () => {}),
			"stream.on(listener)": (a) => stream.on("note", a),
			"channel.on(listener)": (a) => channel.on("note", a),
			"channel.off": (a) => channel.off(a, a),
			"accounts.add": (a) => mk.accounts.add(a),
			"accounts.remove": (a) => mk.accounts.remove(a),
			"accounts.remove(options)": (a) => mk.accounts.remove({ origin, token: "none" }, a),
			"setStorage": (a) => mk.setStorage(a),
		};
		const out = { Tried: 0, Invalid: 0, Other: 0, Succeeded: 0, Bad: [] };
		const allowed = new Set(["INVALID_ARGUMENT", "NO_SESSION", "UNKNOWN_SESSION", "NOT_APPROVED", "TIMEOUT"]);
		for (const [fname, fn] of Object.entries(fns)) {
			for (const [vname, v] of Object.entries(hostile)) {
				out.Tried++;
				try {
					await fn(v);
					out.Succeeded++;
				} catch (e) {
					if (!(e instanceof Error) || e.name !== "MisskeyError") out.Bad.push(fname + "(" + vname + ") threw " + String(e && e.name) + ": " + String(e && e.message).slice(0, 100));
					else if (e.code === "INVALID_ARGUMENT") out.Invalid++;
					else if (allowed.has(e.code)) out.Other++;
					else out.Bad.push(fname + "(" + vname + "): " + e.code + " " + e.message.slice(0, 100));
				}
				// The runtime is alive: a sync call and a call over the network.
				try {
					mk.miauth.start({ origin: "misskey.example" });
					const m = await client.request("meta");
					if (m.version !== "2025.11.1") throw new Error("meta: " + JSON.stringify(m).slice(0, 50));
				} catch (e) {
					out.Bad.push("after " + fname + "(" + vname + "): " + String(e && e.message));
					return out;
				}
			}
		}
		stream.close();
		mk.setStorage("local");
		return out;
	})()`, fake.URL, fake.SignedIn().Token))
	t.Logf("%d hostile calls: %d INVALID_ARGUMENT, %d other MisskeyErrors, %d accepted; the runtime answered after each", r.Tried, r.Invalid, r.Other, r.Succeeded)
	for _, b := range r.Bad {
		t.Error(b)
	}
	if r.Tried < 500 || r.Invalid < r.Tried/2 {
		t.Errorf("only %d calls, %d refused", r.Tried, r.Invalid)
	}
}

// corsServer answers preflights and adds CORS headers, as a real instance does.
func corsServer(t *testing.T, mux *http.ServeMux) string {
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.Method == "OPTIONS" {
			w.Header().Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
			w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			w.WriteHeader(204)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

func TestHostileServerInChromium(t *testing.T) {
	ctx, page := openTestPage(t)
	var elsewhere atomic.Int32
	other := corsServer(t, func() *http.ServeMux {
		m := http.NewServeMux()
		m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) })
		return m
	}())
	var mu sync.Mutex
	checkBody := ""
	var checks atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/api/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for range 100 {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	mux.HandleFunc("/api/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, _ := w.(http.Hijacker).Hijack()
		buf.WriteString("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"partial\":")
		buf.Flush()
		conn.Close()
	})
	big := func(chunked bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			const n = 20 << 20
			w.Header().Set("Content-Type", "application/json")
			if !chunked {
				w.Header().Set("Content-Length", fmt.Sprint(n+4))
			}
			w.Write([]byte(`["`))
			chunk := []byte(strings.Repeat("x", 1<<20))
			for range n >> 20 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			w.Write([]byte(`"]`))
		}
	}
	mux.HandleFunc("/api/big", big(false))
	mux.HandleFunc("/api/big-chunked", big(true))
	mux.HandleFunc("/api/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+"/api/i", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/api/drive/files/create", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+"/api/drive/files/create", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/api/unavailable", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(503)
		io.WriteString(w, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
	})
	mux.HandleFunc("/api/miauth/", func(w http.ResponseWriter, r *http.Request) {
		checks.Add(1)
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, checkBody)
	})
	hostile := corsServer(t, mux)
	client := `mk.client({ origin: "` + hostile + `", token: "tok" })`

	wantFail(t, ctx, client+`.request("drip", {}, { timeout: 500 })`, "TIMEOUT", 0)
	wantFail(t, ctx, client+`.request("reset")`, "NETWORK_ERROR", 0)
	wantFail(t, ctx, client+`.request("big")`, "INVALID_RESPONSE", 200)
	// Without a Content-Length the size is not known before reading: the
	// browser reads and parses it (the documented result).
	if n := wantOK(t, ctx, client+`.request("big-chunked").then(a => a[0].length)`); n != float64(20<<20) {
		t.Errorf("a 20 MB chunked answer gave %v", n)
	}
	wantFail(t, ctx, client+`.request("unavailable")`, "INVALID_RESPONSE", 503)
	wantFail(t, ctx, client+`.request("redirect")`, "INVALID_RESPONSE", -1)
	// An upload (without onProgress: fetch) does not follow a redirect either.
	wantFail(t, ctx, client+`.upload(new Blob(["x"]), { name: "x.txt" })`, "INVALID_RESPONSE", -1)
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect was followed: %d requests elsewhere", n)
	}

	// check answers of the wrong shape: INVALID_RESPONSE, nothing stored.
	before := eval[int](t, ctx, `mk.accounts.list().length`)
	for _, body := range []string{`{"ok":true}`, `{"ok":true,"token":5,"user":{"id":"u"}}`, `{"ok":true,"token":"t"}`, `{"ok":true,"token":"t","user":"alice"}`, `{"ok":tr`, `[]`, `<html>`} {
		mu.Lock()
		checkBody = body
		mu.Unlock()
		s := eval[string](t, ctx, `mk.miauth.start({ origin: "`+hostile+`" }).session`)
		wantFail(t, ctx, `mk.miauth.complete("`+page+`?session=`+s+`")`, "INVALID_RESPONSE", 200)
	}
	if after := eval[int](t, ctx, `mk.accounts.list().length`); after != before {
		t.Errorf("accounts went from %d to %d after bad checks", before, after)
	}
	// ok:true for a session this browser did not start: nothing is sent, nothing stored.
	mu.Lock()
	checkBody = `{"ok":true,"token":"planted","user":{"id":"evil","username":"evil"}}`
	mu.Unlock()
	n := checks.Load()
	wantFail(t, ctx, `mk.miauth.complete("`+page+`?session=0b7f6c1e-1d2a-4a4e-9d0c-2f7b4e0e9a11")`, "UNKNOWN_SESSION", 0)
	// A pending sign-in older than an hour: the same.
	s := eval[string](t, ctx, `mk.miauth.start({ origin: "`+hostile+`" }).session`)
	eval[bool](t, ctx, `(() => { const k = "misskey-wasm:signin:`+s+`"; const v = JSON.parse(localStorage.getItem(k)); v.started -= 3600001; localStorage.setItem(k, JSON.stringify(v)); return true; })()`)
	wantFail(t, ctx, `mk.miauth.complete("`+page+`?session=`+s+`")`, "UNKNOWN_SESSION", 0)
	if checks.Load() != n {
		t.Errorf("%d checks sent for sessions this browser did not start or let expire", checks.Load()-n)
	}
	if eval[bool](t, ctx, `mk.accounts.list().some(a => a.token === "planted")`) {
		t.Error("a planted token was stored")
	}
}

// 200 requests in flight, a sign-in and a stream at once, against a server
// that answers in random order and fails 10% of the calls: every Promise
// settles exactly once, with its own value.
func TestConcurrencyInChromium(t *testing.T) {
	ctx, page := openTestPage(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	mux := http.NewServeMux()
	var failed atomic.Int32
	mux.HandleFunc("/api/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		if rand.IntN(10) == 0 {
			failed.Add(1)
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"message":"Internal error occurred.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server"}}`)
			return
		}
		w.Write(body)
	})
	mux.HandleFunc("OPTIONS /api/echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Methods", "POST")
		w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
		w.WriteHeader(204)
	})
	mux.Handle("/", fake.Handler())
	origin := serve(t, mux)
	bob := fake.AddUser("bob", "Bob")

	start := eval[string](t, ctx, `(() => {
		window.streamNotes = [];
		window.streamConnected = false;
		window.st = mk.client("`+origin+`").stream();
		st.on("connected", () => { streamConnected = true; });
		st.channel("localTimeline").on("note", n => streamNotes.push(n.text));
		return mk.miauth.start({ origin: "`+origin+`", permission: "read:account" }).session;
	})()`)
	waitFor(t, ctx, `streamConnected`, 15*time.Second)
	go func() {
		for i := range 50 {
			fake.PostNote(bob, fmt.Sprintf("s%d", i))
			time.Sleep(10 * time.Millisecond)
		}
	}()
	if _, err := fake.Approve(start, fake.SignedIn(), "x", []string{"read:account"}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		OK, Failed, Wrong, Settled int
		Account                    string
	}
	r := eval[result](t, ctx, `(async () => {
		const c = mk.client({ origin: "`+origin+`", token: "t" });
		const settled = new Array(200).fill(0);
		const out = { OK: 0, Failed: 0, Wrong: 0, Settled: 0, Account: "" };
		const calls = Array.from({ length: 200 }, (_, n) => c.request("echo", { n }).then(
			v => { settled[n]++; if (v.n === n && v.i === "t") out.OK++; else out.Wrong++; },
			e => { settled[n]++; if (e.code === "INTERNAL_ERROR" && e.status === 500) out.Failed++; else out.Wrong++; }));
		const signIn = mk.miauth.complete("`+page+`?session=`+start+`").then(a => { out.Account = a.user.username; });
		await Promise.all([...calls, signIn]);
		await new Promise(r => setTimeout(r, 200));
		out.Settled = settled.filter(x => x === 1).length;
		return out;
	})()`)
	if r.OK+r.Failed != 200 || r.Wrong != 0 || r.Settled != 200 || int32(r.Failed) != failed.Load() || r.Account != "alice" {
		t.Errorf("%+v (the server failed %d)", r, failed.Load())
	}
	waitFor(t, ctx, `streamNotes.length > 0`, 10*time.Second)
	eval[any](t, ctx, `st.close()`)
}

// A page that sabotages the built-ins the library touches (setters and
// getters that throw on Object.prototype, Error.prototype, Response and
// typed arrays) gets errors, not a dead runtime; after it stops, all works.
func TestHostilePrototypes(t *testing.T) {
	ctx, _ := openTestPage(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	type result struct {
		Outcomes []string
		After    string
	}
	r := eval[result](t, ctx, fmt.Sprintf(`(async () => {
		const origin = %q;
		const c = mk.client(origin);
		const traps = [
			[Object.prototype, "body"], [Object.prototype, "signal"], [Object.prototype, "code"],
			[Object.prototype, "name"], [Error.prototype, "code"], [Error.prototype, "status"],
			[Response.prototype, "status"], [Response.prototype, "headers"],
			[Object.getPrototypeOf(Uint8Array.prototype), "length"],
		];
		const saved = traps.map(([o, k]) => [o, k, Object.getOwnPropertyDescriptor(o, k)]);
		for (const [o, k] of traps) Object.defineProperty(o, k, { configurable: true, get() { throw new Error("trap get " + k); }, set() { throw new Error("trap set " + k); } });
		const out = [];
		const attempt = async (name, f) => {
			try { await f(); out.push(name + ": ok"); }
			catch (e) { out.push(name + ": " + (e && e.message ? String(e.message).slice(0, 60) : String(e))); }
		};
		await attempt("meta", () => c.request("meta"));
		await attempt("i", () => c.request("i"));
		await attempt("bad endpoint", () => c.request("../x"));
		await attempt("start", () => mk.miauth.start({ origin: "misskey.example" }));
		await attempt("client", () => mk.client(origin));
		for (const [o, k, d] of saved) { if (d) Object.defineProperty(o, k, d); else delete o[k]; }
		const m = await c.request("meta");
		return { Outcomes: out, After: m.version };
	})()`, fake.URL))
	t.Logf("with sabotaged built-ins: %v", r.Outcomes)
	if r.After != "2025.11.1" {
		t.Fatalf("after the traps were removed, meta gave %q", r.After)
	}
	stillAlive(t, ctx, fake.URL)
}
