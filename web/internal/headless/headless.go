// Package headless starts Chromium the way this project's browser tests and
// benchmark need it: headless, with the flags a closed network needs, and
// with its own HOME, TMPDIR and profile (Chromium writes under $HOME even
// with --user-data-dir).
package headless

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// Path finds Debian's Chromium (or another Chrome on PATH); "" when none.
func Path() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Options are the allocator options for the Chromium at path, with HOME
// set to dir and TMPDIR and the profile made inside it. The page may call
// gc() and read performance.memory precisely.
func Options(path, dir string) ([]chromedp.ExecAllocatorOption, error) {
	tmp := filepath.Join(dir, "tmp")
	profile := filepath.Join(dir, "profile")
	for _, d := range []string{tmp, profile} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("enable-precise-memory-info", true),
		chromedp.Flag("js-flags", "--expose-gc"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1200, 900),
		chromedp.Env("HOME="+dir, "TMPDIR="+tmp),
	}, nil
}
