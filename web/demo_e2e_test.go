package main

// Helpers for the demo's tests in headless Chromium (client_e2e_test.go,
// which drives the demo through its own UI item by item), and an account
// kept without its user.

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
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
	if s := eval[string](t, ctx, `document.getElementById("account-list").textContent`); !strings.Contains(s, "127.0.0.1") {
		t.Errorf("account picker says %q", s)
	}
}
