package main

// Helpers of the end-to-end tests in headless Chromium: the library is
// built once into a temporary dist/, and each test gets its own browser
// with its own HOME, TMPDIR and profile.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/web/internal/headless"
)

// testDist is the library built for this test run.
var testDist string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "misskey-wasm-dist-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := buildDist(dir, io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, "building the library:", err)
		os.Exit(1)
	}
	testDist = dir
	code := m.Run()
	os.RemoveAll(dir)
	for _, f := range afterTests {
		f()
	}
	os.Exit(code)
}

// afterTests are run once all tests have run (removing what several tests
// shared: the built server, the packed library).
var afterTests []func()

// newBrowser starts a headless Chromium for one test. Without Chromium the
// test is skipped, loudly, except in CI (CI=true), where it fails.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := headless.Path()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is not installed: CI must run the browser tests (apt-get install -y chromium)")
		}
		fmt.Fprintf(os.Stderr, "\n*** %s SKIPPED: Chromium is not installed (apt-get install -y chromium) ***\n\n", t.Name())
		t.Skip("Chromium is not installed")
	}
	opts, err := headless.Options(path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // start the browser now
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// serve serves h on a fresh 127.0.0.1 port for the test's life; it returns
// the base URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// eval evaluates a JS expression in the page, awaiting a Promise, and
// decodes the result into T.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", short(expr), err)
	}
	return v
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// waitFor polls a JS condition until it is true or the timeout passes.
func waitFor(t *testing.T, ctx context.Context, cond string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")", chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s (last error: %v)", timeout, short(cond), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
