package main

// dist/ as an npm package in a page author's project: packed with npm pack,
// installed from the tarball, then a small page that loads the library and
// calls the fake instance is bundled by esbuild and by Vite (pinned, from
// npm), or used with no bundler at all from a plain static folder with an
// import map; each runs in Chromium under a strict CSP. The package's types
// are checked from the project too.

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
	"github.com/misskey-wasm/misskey-wasm/web/internal/npmtools"
)

// pageRun is the page's work once it has load's promise: a call to the
// fake instance named in ?fake=, its answer in window.result.
const pageRun = `
const fake = new URLSearchParams(location.search).get("fake");
window.result = loading
  .then((mk) => mk.client(fake).request("meta").then((meta) => ({ meta: meta.version, lib: mk.version, go: typeof globalThis.Go })))
  .catch((e) => ({ error: String(e && e.stack || e) }));
`

// The same page for every way: index.html and main.js (which bundlers and
// the import map resolve "misskey-wasm" for).
const (
	pageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>bundled</title>
%IMPORTMAP%<script type="module" src="./main.js"></script></head>
<body><p>misskey-wasm in a page</p></body></html>
`
	// The default wasm URL: new URL("./misskey.wasm", import.meta.url), which
	// Vite rewrites to its copy, and which is right as it is unbundled.
	mainJS = `import { load, isMisskeyError } from "misskey-wasm";
const loading = load({ onProgress: (p) => { window.lastProgress = p; } });
window.isMisskeyError = isMisskeyError;
` + pageRun
	// esbuild copies the wasm with --loader:.wasm=file when it is imported,
	// and gives its URL: that is the package's ./misskey.wasm export.
	mainESBuildJS = `import { load } from "misskey-wasm";
import wasmURL from "misskey-wasm/misskey.wasm";
const loading = load({ wasmURL });
` + pageRun
	importMap = `{"imports":{"misskey-wasm":"./node_modules/misskey-wasm/misskey.js"}}`
)

var packOnce struct {
	sync.Once
	tgz string
	err error
}

// packedDist is the library packed as npm would publish it (npm pack of
// the test run's dist/), once per test run.
func packedDist(t *testing.T) string {
	t.Helper()
	packOnce.Do(func() {
		dir, err := os.MkdirTemp("", "misskey-wasm-pack-")
		if err != nil {
			packOnce.err = err
			return
		}
		afterTests = append(afterTests, func() { os.RemoveAll(dir) })
		out, err := exec.Command("npm", "pack", "--silent", "--pack-destination", dir, testDist).Output()
		if err != nil {
			packOnce.err = err
			return
		}
		packOnce.tgz = filepath.Join(dir, strings.TrimSpace(string(out)))
	})
	if packOnce.err != nil {
		t.Fatalf("npm pack %s: %v", testDist, packOnce.err)
	}
	return packOnce.tgz
}

// newProject makes a page author's project in a new folder: package.json,
// the page, and the packed library installed from its tarball (no network).
func newProject(t *testing.T, main, importMapTag string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"name":"a-page","private":true,"type":"module"}`+"\n")
	write("index.html", strings.Replace(pageHTML, "%IMPORTMAP%", importMapTag, 1))
	write("main.js", main)
	runIn(t, dir, "npm", "install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", packedDist(t))
	return dir
}

// needNPM skips the test without npm, loudly, except in CI, like npmTools.
func needNPM(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("npm is not installed: CI must run this test (apt-get install -y npm)")
		}
		fmt.Fprintf(os.Stderr, "\n*** %s SKIPPED: npm is not installed (apt-get install -y npm) ***\n\n", t.Name())
		t.Skip("npm is not installed")
	}
}

// needNode skips the test, loudly, when Node.js is older than major.minor,
// except in CI, where it fails.
func needNode(t *testing.T, major, minor int) {
	t.Helper()
	out, err := exec.Command("node", "--version").Output()
	var ma, mi int
	if err == nil {
		_, err = fmt.Sscanf(strings.TrimSpace(string(out)), "v%d.%d", &ma, &mi)
	}
	if err == nil && (ma > major || ma == major && mi >= minor) {
		return
	}
	why := fmt.Sprintf("needs Node.js %d.%d or later, found %q (%v)", major, minor, strings.TrimSpace(string(out)), err)
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	fmt.Fprintf(os.Stderr, "\n*** %s SKIPPED: %s ***\n\n", t.Name(), why)
	t.Skip(why)
}

func runIn(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// servePage serves a folder as a plain static host would (Go's
// http.FileServer: MIME types, no compression), with the CSP the demo uses
// plus the hashes of any inline scripts (an import map is one).
func servePage(t *testing.T, dir string, inline ...string) string {
	t.Helper()
	policy := csp
	for _, s := range inline {
		sum := sha256.Sum256([]byte(s))
		policy = strings.Replace(policy, "script-src 'self'", "script-src 'self' 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", 1)
	}
	files := http.FileServer(http.Dir(dir))
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", policy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
}

type pageResult struct {
	Meta, Lib, Go, Error string
	Violations           []string
}

// runPage opens page in a new browser and waits for its call's answer.
func runPage(t *testing.T, page, fakeURL string) pageResult {
	t.Helper()
	ctx := newBrowser(t)
	onNewDocument(t, ctx, cspWatch)
	if err := chromedp.Do(ctx, chromedp.Navigate(page+"?fake="+fakeURL)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `window.result`, 30*time.Second)
	r := eval[pageResult](t, ctx, `window.result.then((r) => ({ Meta: r.meta || "", Lib: r.lib || "", Go: r.go || "", Error: r.error || "", Violations: window.cspViolations }))`)
	if r.Error != "" {
		t.Fatalf("the page failed: %s", r.Error)
	}
	if r.Meta != "2025.11.1" || r.Lib == "" || r.Go != "function" || len(r.Violations) > 0 {
		t.Errorf("the page got %+v", r)
	}
	return r
}

func TestBundledESBuild(t *testing.T) {
	tools := npmTools(t, npmtools.ESBuild)
	fake := misskeytest.NewServer()
	defer fake.Close()
	dir := newProject(t, mainESBuildJS, "")
	runIn(t, dir, npmtools.Bin(tools, "esbuild"), "main.js", "--bundle", "--minify", "--format=esm",
		"--outdir=out", "--loader:.wasm=file", "--log-level=warning")
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "out", "index.html"), b, 0o644)
	copied, _ := filepath.Glob(filepath.Join(dir, "out", "misskey-*.wasm"))
	if len(copied) != 1 {
		t.Fatalf("esbuild copied the wasm %d times", len(copied))
	}
	runPage(t, servePage(t, filepath.Join(dir, "out"))+"/", fake.URL)
}

func TestBundledVite(t *testing.T) {
	needNode(t, 20, 19) // Vite 8's engines: ^20.19.0 || >=22.12.0
	tools := npmTools(t, npmtools.Vite)
	fake := misskeytest.NewServer()
	defer fake.Close()
	dir := newProject(t, mainJS, "")
	vite := filepath.Join(tools, "node_modules", "vite", "bin", "vite.js")
	out := runIn(t, dir, "node", vite, "build", "--outDir", "out", "--emptyOutDir", "--logLevel", "warn")
	if strings.TrimSpace(out) != "" {
		t.Logf("vite build says:\n%s", out)
	}
	copied, _ := filepath.Glob(filepath.Join(dir, "out", "assets", "misskey-*.wasm"))
	if len(copied) != 1 {
		entries, _ := os.ReadDir(filepath.Join(dir, "out", "assets"))
		t.Fatalf("Vite did not copy the wasm as an asset: %v", entries)
	}
	runPage(t, servePage(t, filepath.Join(dir, "out"))+"/", fake.URL)
}

// No bundler: the project folder as it is, on a plain static host, with an
// import map for the bare name (its hash in the CSP: an import map is an
// inline script).
func TestUnbundledImportMap(t *testing.T) {
	needNPM(t) // npm packs and installs the package
	fake := misskeytest.NewServer()
	defer fake.Close()
	dir := newProject(t, mainJS, `<script type="importmap">`+importMap+`</script>`+"\n")
	runPage(t, servePage(t, dir, importMap)+"/", fake.URL)
}

// The package's types, from a project that imports it by name, under the
// two module resolutions a TypeScript project uses with a bundler or Node.
func TestPackageTypes(t *testing.T) {
	tools := npmTools(t, npmtools.TypeScript)
	dir := newProject(t, mainJS, "")
	os.WriteFile(filepath.Join(dir, "check.ts"), []byte(`import { load, isMisskeyError, type LoadOptions, type LoadProgress, type Misskey, type Note } from "misskey-wasm";
const options: LoadOptions = { wasmURL: new URL("x.wasm", import.meta.url), storage: "memory", onProgress: (p: LoadProgress) => void (p.loaded / p.total) };
const other: LoadOptions = { wasmModule: new WebAssembly.Module(new Uint8Array(8)) };
// @ts-expect-error: no such storage
const bad: LoadOptions = { storage: "disk" };
export async function f(): Promise<Note | undefined> {
  const mk: Misskey = await load(options);
  await load(other);
  try { return (await mk.client("misskey.example").request("notes/create", { text: "hi" })).createdNote; }
  catch (e) { if (isMisskeyError(e, "notes/create")) return undefined; throw e; }
}
void bad;
`), 0o644)
	tsc := npmtools.Bin(tools, "tsc")
	for _, res := range [][]string{{"--module", "esnext", "--moduleResolution", "bundler"}, {"--module", "nodenext", "--moduleResolution", "nodenext"}} {
		args := append([]string{"--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom"}, res...)
		runIn(t, dir, tsc, append(args, "check.ts")...)
	}
}
