package main

// The headless Chromium and the servers of the benchmark.

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/web/internal/headless"
)

//go:embed index.html bench.js
var pageFiles embed.FS

var mimeTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".wasm": "application/wasm",
	".ts":   "text/plain; charset=utf-8",
}

// pageHandler serves the bench page (no-store), the built library at /dist/
// and the misskey-js bundle at /sdk/misskey-js.js, both cacheable for an
// hour so that a reload finds them in the HTTP cache. COOP and COEP make
// the page cross-origin isolated, which gives performance.now() a 5 µs
// resolution instead of 100 µs.
func pageHandler(distDir, sdkBundle string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		servePageFile(w, "index.html")
	})
	mux.HandleFunc("GET /bench.js", func(w http.ResponseWriter, r *http.Request) {
		servePageFile(w, "bench.js")
	})
	dist := http.FileServer(http.Dir(distDir))
	mux.Handle("GET /dist/", http.StripPrefix("/dist/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "misskey.wasm", "misskey.js", "wasm_exec.js", "misskey.d.ts":
		default:
			http.NotFound(w, r)
			return
		}
		cacheable(w, r.URL.Path)
		if r.URL.Path == "misskey.wasm" {
			wasmFetches.Add(1)
		}
		dist.ServeHTTP(w, r)
	})))
	mux.HandleFunc("GET /sdk/misskey-js.js", func(w http.ResponseWriter, r *http.Request) {
		cacheable(w, r.URL.Path)
		http.ServeFile(w, r, sdkBundle)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		mux.ServeHTTP(w, r)
	})
}

func cacheable(w http.ResponseWriter, name string) {
	if t, ok := mimeTypes[filepath.Ext(name)]; ok {
		w.Header().Set("Content-Type", t)
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
}

func servePageFile(w http.ResponseWriter, name string) {
	b, err := pageFiles.ReadFile(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", mimeTypes[filepath.Ext(name)])
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// listen serves h on a fresh 127.0.0.1 port and returns the base URL.
func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// startBrowser starts one headless Chromium with its own HOME, TMPDIR and
// profile under dir. The returned context is its first tab; stop kills the
// browser and waits for it.
func startBrowser(parent context.Context, dir string) (ctx context.Context, stop func(), err error) {
	path := headless.Path()
	if path == "" {
		return nil, nil, errors.New("Chromium is not installed (apt-get install -y chromium)")
	}
	opts, err := headless.Options(path, dir)
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts,
		// One tab does all the work: keep its timers and rendering at full speed.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	stop = func() {
		cancelCtx()
		cancelAlloc()
	}
	if err := chromedp.Do(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("starting Chromium: %w", err)
	}
	if err := quiet(ctx); err != nil {
		stop()
		return nil, nil, err
	}
	return ctx, stop, nil
}

// quiet turns off the Network domain that chromedp enables in every tab: its
// events for every request would cost the page time during the measures.
func quiet(ctx context.Context) error {
	_, err := chromedp.Call(ctx, network.Disable, cdp.Empty{})
	return err
}

// newIsolatedTab opens a tab in a fresh browser context: its own (empty)
// HTTP cache and its own renderer process, so nothing compiled or cached
// by another tab is reused.
func newIsolatedTab(ctx context.Context) (context.Context, func(), error) {
	tctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	if err := quiet(tctx); err != nil {
		cancel()
		return nil, nil, err
	}
	return tctx, cancel, nil
}

func browserVersion(ctx context.Context) string {
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return strings.Replace(v.Product, "/", " ", 1) + " (V8 " + v.JsVersion + ")"
}

var navCount atomic.Int64

// wasmFetches counts the requests for misskey.wasm the page server received.
var wasmFetches atomic.Int64

// open navigates the tab to the bench page and waits until bench.js has run.
// It does not rely on Network events (turned off, see quiet): each visit has
// its own query string, so the old document cannot be mistaken for the new.
func open(ctx context.Context, base string) error {
	u := fmt.Sprintf("%s/?visit=%d", base, navCount.Add(1))
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: u})
	if err != nil {
		return err
	}
	if res.ErrorText != "" {
		return fmt.Errorf("navigating to %s: %s", u, res.ErrorText)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			fmt.Sprintf("location.href === %q && !!(window.bench && window.bench.ready)", u)))
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the bench page did not load (last error: %v)", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// eval evaluates a JS expression in the page, awaiting a Promise, and
// decodes the result into T.
func eval[T any](ctx context.Context, expr string) (T, error) {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		s := strings.Join(strings.Fields(expr), " ")
		if len(s) > 120 {
			s = s[:120] + "…"
		}
		return v, fmt.Errorf("evaluating %s: %w", s, err)
	}
	return v, nil
}

// js renders v as a JS literal.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
