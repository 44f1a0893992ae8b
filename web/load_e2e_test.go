package main

// load() in Chromium: onProgress for each way a server can send
// misskey.wasm, a precompiled WebAssembly.Module, what a later load() with
// other options does; the demo's loading bar; and the time to the demo's
// first usable screen, cold and warm.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

const loadTestHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>load test</title>
<script type="module" src="/load-test.js"></script></head><body></body></html>`

// The test drives load() itself; window.reported collects what
// reportError (an exception in onProgress) reports.
const loadTestJS = `import { load } from "/dist/misskey.js";
window.mkLoad = load;
window.reported = [];
window.addEventListener("error", (e) => window.reported.push(String(e.message)));
`

// cspWatch runs in every new document before the page's scripts: it
// records Content-Security-Policy violations.
const cspWatch = `window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));`

// wireLog records, per path, the Accept-Encoding of each request and the
// Content-Encoding of its answer.
type wireLog struct {
	mu  sync.Mutex
	log []string
}

func (l *wireLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		l.mu.Lock()
		l.log = append(l.log, fmt.Sprintf("%s [%s] -> %s", r.URL.Path, r.Header.Get("Accept-Encoding"), w.Header().Get("Content-Encoding")))
		l.mu.Unlock()
	})
}

func (l *wireLog) of(path string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, s := range l.log {
		if strings.HasPrefix(s, path+" ") {
			out = append(out, s)
		}
	}
	return out
}

// loadTestServer serves the load-test page and misskey.wasm four ways:
// /dist/ as the demo does (precompressed, X-Decoded-Content-Length),
// /plain/ as a bare static host (identity, Content-Length), /chunked/
// without a length, and /gz-length/ gzip with its Content-Length (for the
// cross-origin case, where the page cannot see Content-Encoding).
func loadTestServer(t *testing.T, wasm []byte, log *wireLog) string {
	t.Helper()
	gz, err := os.ReadFile(filepath.Join(testDist, "misskey.wasm.gz"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/dist/", http.StripPrefix("/dist/", staticFiles(testDist)))
	mux.Handle("/plain/", http.StripPrefix("/plain/", http.FileServer(http.Dir(testDist))))
	mux.HandleFunc("/chunked/misskey.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		for b := wasm; len(b) > 0; {
			n := min(len(b), 256<<10)
			w.Write(b[:n])
			w.(http.Flusher).Flush()
			b = b[n:]
		}
	})
	mux.HandleFunc("/gz-length/misskey.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
		w.Header().Set("Access-Control-Allow-Origin", "*") // Content-Encoding is not exposed
		w.Write(gz)
	})
	mux.HandleFunc("/load.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(loadTestHTML))
	})
	mux.HandleFunc("/load-test.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(loadTestJS))
	})
	return serve(t, securityHeaders(log.wrap(mux)))
}

type progressEvent struct{ Loaded, Total float64 }

type loadResult struct {
	Error    string
	Version  string
	Events   []progressEvent
	Reported []string
}

// openLoadPage opens a fresh load-test page (a new document: load() not yet called).
func openLoadPage(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/load.html")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `window.mkLoad`, 10*time.Second)
}

// loadWith calls load() with the options (a JS expression; onProgress is
// added when progress is set), and what it reported.
func loadWith(t *testing.T, ctx context.Context, options string, progress bool) loadResult {
	t.Helper()
	return eval[loadResult](t, ctx, `(async () => {
		const events = [];
		const o = Object.assign({}, `+options+`);
		if (`+strconv.FormatBool(progress)+`) o.onProgress = (p) => { events.push({ Loaded: p.loaded, Total: p.total }); if (window.throwInProgress) throw new Error("thrown in onProgress"); };
		try { const mk = await mkLoad(o); return { Version: mk.version, Events: events, Reported: window.reported }; }
		catch (e) { return { Error: e.name + ": " + e.message, Events: events, Reported: window.reported }; }
	})()`)
}

// checkEvents: loaded never goes down, the first is at 0, the last has
// loaded === total === size, and totalWhile is the total of every event
// before the last (-1: anything).
func checkEvents(t *testing.T, name string, ev []progressEvent, size int, totalWhile float64) {
	t.Helper()
	if len(ev) < 3 {
		t.Fatalf("%s: %d progress events: %v", name, len(ev), ev)
	}
	if ev[0].Loaded != 0 {
		t.Errorf("%s: first event %+v, want loaded 0", name, ev[0])
	}
	last := ev[len(ev)-1]
	if last.Loaded != float64(size) || last.Total != float64(size) {
		t.Errorf("%s: last event %+v, want loaded = total = %d", name, last, size)
	}
	for i := 1; i < len(ev); i++ {
		if ev[i].Loaded < ev[i-1].Loaded {
			t.Errorf("%s: loaded went down at %d: %v", name, i, ev[i-1:i+1])
		}
		if ev[i].Total != 0 && ev[i].Loaded > ev[i].Total {
			t.Errorf("%s: loaded above total at %d: %+v", name, i, ev[i])
		}
	}
	if totalWhile >= 0 {
		for _, e := range ev[:len(ev)-1] {
			if e.Total != totalWhile {
				t.Errorf("%s: total %v during the download, want %v", name, e.Total, totalWhile)
				break
			}
		}
	}
}

func TestLoadProgress(t *testing.T) {
	ctx := newBrowser(t)
	wasm, err := os.ReadFile(filepath.Join(testDist, "misskey.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	size := len(wasm)
	var log wireLog
	base := loadTestServer(t, wasm, &log)
	// The same server, on another origin: localhost instead of 127.0.0.1.
	crossOrigin := strings.Replace(base, "127.0.0.1", "localhost", 1)

	// The demo's way: precompressed, with X-Decoded-Content-Length: total known from the start.
	openLoadPage(t, ctx, base)
	r := loadWith(t, ctx, `{}`, true)
	if r.Error != "" {
		t.Fatalf("load: %s", r.Error)
	}
	checkEvents(t, "precompressed", r.Events, size, float64(size))
	wire := log.of("/dist/misskey.wasm")
	t.Logf("Chromium asked for misskey.wasm with %v; %d progress events", wire, len(r.Events))
	if len(wire) != 1 || strings.HasSuffix(wire[0], "-> ") {
		t.Errorf("misskey.wasm was not sent compressed: %v", wire)
	}

	// A bare static host: identity with Content-Length.
	openLoadPage(t, ctx, base)
	r = loadWith(t, ctx, `{ wasmURL: "/plain/misskey.wasm" }`, true)
	if r.Error != "" {
		t.Fatalf("load: %s", r.Error)
	}
	checkEvents(t, "identity", r.Events, size, float64(size))

	// No length: total 0 until the end.
	openLoadPage(t, ctx, base)
	r = loadWith(t, ctx, `{ wasmURL: "/chunked/misskey.wasm" }`, true)
	if r.Error != "" {
		t.Fatalf("load: %s", r.Error)
	}
	checkEvents(t, "chunked", r.Events, size, 0)

	// Compressed, from another origin that does not expose Content-Encoding:
	// the Content-Length (of the gzip body) is taken as the total until
	// loaded passes it; then the total is unknown (0).
	openLoadPage(t, ctx, base)
	r = loadWith(t, ctx, `{ wasmURL: "`+crossOrigin+`/gz-length/misskey.wasm" }`, true)
	if r.Error != "" {
		t.Fatalf("load: %s", r.Error)
	}
	checkEvents(t, "cross-origin gzip", r.Events, size, -1)
	sawZero := slices.ContainsFunc(r.Events[:len(r.Events)-1], func(e progressEvent) bool { return e.Total == 0 && e.Loaded > 0 })
	if !sawZero {
		t.Errorf("cross-origin gzip: the total never became unknown: %v", r.Events)
	}

	// An exception in onProgress is reported, and the load goes on.
	openLoadPage(t, ctx, base)
	eval[bool](t, ctx, `window.throwInProgress = true`)
	r = loadWith(t, ctx, `{}`, true)
	if r.Error != "" || r.Version == "" {
		t.Fatalf("load with a throwing onProgress: %+v", r.Error)
	}
	if len(r.Reported) == 0 || !strings.Contains(r.Reported[0], "thrown in onProgress") {
		t.Errorf("the exception was not reported: %v", r.Reported)
	}

	// The library works after a load with progress.
	fake := misskeytest.NewServer()
	defer fake.Close()
	if v := wantOK(t, ctx, `mkLoad().then(mk => mk.client("`+fake.URL+`").request("meta")).then(m => m.version)`); v != "2025.11.1" {
		t.Errorf("meta after load: %v", v)
	}
}

func TestLoadOptions(t *testing.T) {
	ctx := newBrowser(t)
	wasm, err := os.ReadFile(filepath.Join(testDist, "misskey.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	var log wireLog
	base := loadTestServer(t, wasm, &log)
	fake := misskeytest.NewServer()
	defer fake.Close()

	// A precompiled module: nothing downloaded by load(), no progress.
	openLoadPage(t, ctx, base)
	eval[bool](t, ctx, `WebAssembly.compileStreaming(fetch("/dist/misskey.wasm")).then(m => { window.mod = m; return true; })`)
	eval[bool](t, ctx, `WebAssembly.compileStreaming(fetch("/dist/misskey.wasm")).then(m => { window.mod2 = m; return true; })`)
	fetched := len(log.of("/dist/misskey.wasm"))
	r := loadWith(t, ctx, `{ wasmModule: mod }`, true)
	if r.Error != "" || r.Version == "" {
		t.Fatalf("load({ wasmModule }): %s", r.Error)
	}
	if len(r.Events) != 0 || len(log.of("/dist/misskey.wasm")) != fetched {
		t.Errorf("load({ wasmModule }) downloaded: %d progress events, %d fetches", len(r.Events), len(log.of("/dist/misskey.wasm"))-fetched)
	}
	if v := wantOK(t, ctx, `mkLoad().then(mk => mk.client("`+fake.URL+`").request("meta")).then(m => m.version)`); v != "2025.11.1" {
		t.Errorf("meta: %v", v)
	}
	// Later loads: the same options, none, or storage are fine; another module, URL or onProgress rejects.
	for _, c := range []struct{ options, wantErr string }{
		{`{}`, ""},
		{`{ wasmModule: mod }`, ""},
		{`{ storage: "memory" }`, ""},
		{`{ wasmModule: mod2 }`, "Error: misskey.js: load() was called before with another wasmModule"},
		{`{ wasmURL: "/dist/misskey.wasm" }`, "Error: misskey.js: load() was called before with another wasmURL"},
		{`{ onProgress: () => {} }`, "Error: misskey.js: load() was called before with another onProgress"},
		{`{ wasmModule: {} }`, "TypeError: misskey.js: wasmModule must be a WebAssembly.Module"},
		{`{ wasmModule: mod, wasmURL: "/dist/misskey.wasm" }`, "TypeError: misskey.js: give wasmURL or wasmModule, not both"},
		{`{ onProgress: 5 }`, "TypeError: misskey.js: onProgress must be a function"},
	} {
		r := loadWith(t, ctx, c.options, false)
		if (c.wantErr == "") != (r.Error == "") || !strings.HasPrefix(r.Error, c.wantErr) {
			t.Errorf("a later load(%s): got %q, want %q", c.options, r.Error, c.wantErr)
		}
	}
	if !eval[bool](t, ctx, `Promise.all([mkLoad(), mkLoad({})]).then(([a, b]) => a === b)`) {
		t.Error("two load() calls gave two objects")
	}
	if r := loadWith(t, ctx, `{ storage: "session" }`, false); r.Error != "" {
		t.Errorf("storage in a later load(): %s", r.Error)
	}

	// A URL first: the same URL again (as a string or URL, relative or not) is fine.
	openLoadPage(t, ctx, base)
	if r := loadWith(t, ctx, `{}`, false); r.Error != "" {
		t.Fatal(r.Error)
	}
	for _, c := range []struct{ options, wantErr string }{
		{`{ wasmURL: "./misskey.wasm" }`, ""}, // relative to misskey.js
		{`{ wasmURL: new URL("/dist/misskey.wasm", location.href) }`, ""},
		{`{ wasmURL: "/plain/misskey.wasm" }`, "Error: misskey.js: load() was called before with another wasmURL"},
		{`{ wasmModule: new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) }`, "Error: misskey.js: load() was called before with another wasmModule"},
	} {
		r := loadWith(t, ctx, c.options, false)
		if (c.wantErr == "") != (r.Error == "") || !strings.HasPrefix(r.Error, c.wantErr) {
			t.Errorf("after load(): load(%s): got %q, want %q", c.options, r.Error, c.wantErr)
		}
	}

	// A failed first load may be tried again, with other options.
	openLoadPage(t, ctx, base)
	if r := loadWith(t, ctx, `{ wasmURL: "/no-such.wasm" }`, true); !strings.Contains(r.Error, "cannot load") || !strings.Contains(r.Error, "HTTP 404") {
		t.Errorf("load of a missing wasm: %q", r.Error)
	}
	if r := loadWith(t, ctx, `{ wasmURL: "/plain/misskey.wasm" }`, false); r.Error != "" || r.Version == "" {
		t.Errorf("load after a failed load: %q", r.Error)
	}
}

// The demo shows the download on its loading screen: a bar that ends full,
// sized misskey.wasm; under its CSP nothing is blocked.
func TestDemoLoadingBar(t *testing.T) {
	ctx := newBrowser(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	seedFake(fake)
	app := serve(t, newHandler(".", testDist, fake.URL))
	st, err := os.Stat(filepath.Join(testDist, "misskey.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	onNewDocument(t, ctx, cspWatch+`
		window.barSeen = [];
		new MutationObserver(() => { const b = document.getElementById("boot-progress"); if (b && b.hasAttribute("value")) window.barSeen.push(b.value); })
			.observe(document, { subtree: true, attributes: true, attributeFilter: ["value"] });`)
	if err := chromedp.Do(ctx, chromedp.Navigate(app+"/")); err != nil {
		t.Fatal(err)
	}
	waitUI(t, ctx, `!document.getElementById("signin").hidden`)
	bar := eval[struct {
		Max, Value float64
		Text       string
		BootHidden bool
		Violations []string
	}](t, ctx, `(() => { const b = document.getElementById("boot-progress");
		return { Max: b.max, Value: b.value, Text: document.getElementById("boot-message").textContent, BootHidden: document.getElementById("boot").hidden, Violations: window.cspViolations }; })()`)
	if bar.Max != float64(st.Size()) || bar.Value != bar.Max || !bar.BootHidden || !strings.Contains(bar.Text, "MB") {
		t.Errorf("loading bar %+v, want max = value = %d, then hidden", bar, st.Size())
	}
	if len(bar.Violations) > 0 {
		t.Errorf("CSP violations: %v", bar.Violations)
	}
	if n := eval[int](t, ctx, `window.barSeen.length`); n < 2 {
		t.Errorf("the bar moved %d times", n)
	}
}

// firstScreen is the time from navigation to the demo's sign-in form being
// shown, as the page's own clock (performance.now()) saw it.
const firstScreenWatch = `new MutationObserver((_, obs) => {
	const s = document.getElementById("signin");
	if (s && !s.hidden) { window.firstScreenMs = performance.now(); obs.disconnect(); }
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["hidden"] });`

// onNewDocument runs src in every document the tab opens from now on,
// before the page's own scripts.
func onNewDocument(t *testing.T, ctx context.Context, src string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		t.Fatal(err)
	}
}

// TestFirstScreenTimes measures the demo's first usable screen, cold (a
// new browser: empty HTTP cache) and warm (the same browser again: cached
// files revalidated with 304), with the compressed wasm and, for
// comparison, without, on
// loopback and on an emulated 50 Mbit/s link with 20 ms latency. It logs
// the figures the README quotes and asserts only that the screen comes.
func TestFirstScreenTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	fake := misskeytest.NewServer()
	defer fake.Close()
	seedFake(fake)
	var log wireLog
	app := serve(t, log.wrap(newHandler(".", testDist, fake.URL)))
	// setUp makes a new browser's tab watch for the first screen, and
	// throttle or refuse compression as asked.
	setUp := func(ctx context.Context, throttle, identity bool) {
		onNewDocument(t, ctx, firstScreenWatch)
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		if identity {
			if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Encoding": "identity"}}); err != nil {
				t.Fatal(err)
			}
		}
		if throttle {
			// Network.emulateNetworkConditions (deprecated, but what this
			// Chromium takes; cdproto no longer has it).
			type conditions struct {
				Offline            bool    `json:"offline"`
				Latency            float64 `json:"latency"`
				DownloadThroughput float64 `json:"downloadThroughput"`
				UploadThroughput   float64 `json:"uploadThroughput"`
			}
			emulate := cdp.Command[conditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}
			if _, err := chromedp.Call(ctx, emulate, conditions{Latency: 20, DownloadThroughput: 50e6 / 8, UploadThroughput: 10e6 / 8}); err != nil {
				t.Fatal(err)
			}
		}
	}
	measure := func(ctx context.Context) float64 {
		if err := chromedp.Do(ctx, chromedp.Navigate(app+"/")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `window.firstScreenMs`, time.Minute)
		return eval[float64](t, ctx, `window.firstScreenMs`)
	}
	const runs = 3
	for _, c := range []struct {
		name               string
		throttle, identity bool
	}{
		{"loopback, compressed", false, false},
		{"loopback, uncompressed", false, true},
		{"50 Mbit/s 20 ms, compressed", true, false},
		{"50 Mbit/s 20 ms, uncompressed", true, true},
	} {
		var cold, warm []float64
		for range runs {
			ctx := newBrowser(t)
			setUp(ctx, c.throttle, c.identity)
			cold = append(cold, measure(ctx))
			warm = append(warm, measure(ctx), measure(ctx))
		}
		wire := log.of("/dist/misskey.wasm")
		log.mu.Lock()
		log.log = nil
		log.mu.Unlock()
		slices.Sort(cold)
		slices.Sort(warm)
		t.Logf("first usable screen (%s): cold %.0f ms median (%.0f–%.0f), warm %.0f ms median (%.0f–%.0f); misskey.wasm %s",
			c.name, cold[len(cold)/2], cold[0], cold[len(cold)-1], warm[len(warm)/2], warm[0], warm[len(warm)-1], wire[0])
		if compressed := !strings.HasSuffix(wire[0], "-> "); compressed == c.identity {
			t.Errorf("%s: misskey.wasm went as %s", c.name, wire[0])
		}
	}
}
